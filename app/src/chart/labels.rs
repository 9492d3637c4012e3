//! Placing topic labels on a chart so that no two overlap and none covers a point.

/// A rectangle in pixels: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    fn inside(&self, area: &Rect) -> bool {
        self.x >= area.x
            && self.y >= area.y
            && self.x + self.w <= area.x + area.w
            && self.y + self.h <= area.y + area.h
    }
}

/// The width and height a label takes at `font_px`: Latin characters about 0.6 em wide, CJK 1 em.
pub fn text_size(text: &str, font_px: f64) -> (f64, f64) {
    let em: f64 = text
        .chars()
        .map(|c| if c.is_ascii() { 0.62 } else { 1.0 })
        .sum();
    (em * font_px + 2.0, font_px * 1.25)
}

/// Where a label went: its box, and whether it sits away from its point (draw a leader line then).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub rect: Rect,
    pub leader: bool,
}

/// Places one label per point. Each label takes the first of a ring of positions around its point,
/// nearest first and then further out, where it overlaps no label placed before, no point's marker
/// (a square of `marker` pixels each side of the point) and stays inside `area`. Points are placed in
/// the order given (put the most important first: it gets the nearest spot). A label that finds no
/// free spot within the rings takes the last position tried and is the one case that can overlap.
pub fn place_labels(
    points: &[(f64, f64)],
    sizes: &[(f64, f64)],
    area: Rect,
    marker: f64,
) -> Vec<Placed> {
    let markers: Vec<Rect> = points
        .iter()
        .map(|&(x, y)| Rect {
            x: x - marker,
            y: y - marker,
            w: 2.0 * marker,
            h: 2.0 * marker,
        })
        .collect();
    let mut placed: Vec<Placed> = Vec::with_capacity(points.len());
    for (&(px, py), &(w, h)) in points.iter().zip(sizes) {
        let mut choice = None;
        let mut last = None;
        'rings: for ring in 0..12 {
            let gap = marker + 2.0 + f64::from(ring) * (h * 0.8);
            // Right, above, left, below, then the four corners.
            let spots = [
                (px + gap, py - h / 2.0),
                (px - w / 2.0, py - gap - h),
                (px - gap - w, py - h / 2.0),
                (px - w / 2.0, py + gap),
                (px + gap * 0.8, py - gap * 0.8 - h),
                (px - gap * 0.8 - w, py - gap * 0.8 - h),
                (px - gap * 0.8 - w, py + gap * 0.8),
                (px + gap * 0.8, py + gap * 0.8),
            ];
            for (x, y) in spots {
                let rect = Rect { x, y, w, h };
                last = Some((rect, ring));
                let free = rect.inside(&area)
                    && !markers.iter().any(|m| m.overlaps(&rect))
                    && !placed.iter().any(|p| p.rect.overlaps(&rect));
                if free {
                    choice = Some((rect, ring));
                    break 'rings;
                }
            }
        }
        let (rect, ring) = choice.or(last).expect("at least one spot is tried");
        placed.push(Placed {
            rect,
            leader: ring > 0,
        });
    }
    placed
}

/// The point of a label's box nearest to its point, where a leader line ends.
pub fn leader_end(rect: &Rect, point: (f64, f64)) -> (f64, f64) {
    (
        point.0.clamp(rect.x, rect.x + rect.w),
        point.1.clamp(rect.y, rect.y + rect.h),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const AREA: Rect = Rect {
        x: 0.0,
        y: 0.0,
        w: 600.0,
        h: 500.0,
    };

    fn no_overlaps(points: &[(f64, f64)], placed: &[Placed], marker: f64) {
        for (i, a) in placed.iter().enumerate() {
            assert!(a.rect.inside(&AREA), "label {i} leaves the plot");
            for (j, b) in placed.iter().enumerate().skip(i + 1) {
                assert!(!a.rect.overlaps(&b.rect), "labels {i} and {j} overlap");
            }
            for (j, &(x, y)) in points.iter().enumerate() {
                let m = Rect {
                    x: x - marker,
                    y: y - marker,
                    w: 2.0 * marker,
                    h: 2.0 * marker,
                };
                assert!(!a.rect.overlaps(&m), "label {i} covers point {j}");
            }
        }
    }

    #[test]
    fn seventeen_labels_on_nearly_one_spot_do_not_overlap() {
        // The worst case of a real survey: every topic at almost the same mean.
        let points: Vec<(f64, f64)> = (0..17)
            .map(|i| {
                (
                    300.0 + f64::from(i % 4) * 3.0,
                    250.0 - f64::from(i / 4) * 3.0,
                )
            })
            .collect();
        let sizes: Vec<(f64, f64)> = (0..17).map(|i| text_size(&format!("S{i}"), 13.0)).collect();
        let placed = place_labels(&points, &sizes, AREA, 6.0);
        no_overlaps(&points, &placed, 6.0);
        assert!(
            placed.iter().any(|p| p.leader),
            "crowded labels get leader lines"
        );
    }

    #[test]
    fn a_lone_point_keeps_its_label_beside_it() {
        let points = [(100.0, 100.0)];
        let placed = place_labels(&points, &[text_size("E1", 13.0)], AREA, 6.0);
        assert!(!placed[0].leader);
        assert!(placed[0].rect.x > 100.0 && placed[0].rect.x < 112.0);
    }

    #[test]
    fn labels_near_the_edge_stay_inside() {
        let points = [(598.0, 2.0), (2.0, 498.0)];
        let sizes = [text_size("G5", 13.0), text_size("绿色运营", 13.0)];
        let placed = place_labels(&points, &sizes, AREA, 6.0);
        no_overlaps(&points, &placed, 6.0);
    }

    #[test]
    fn chinese_text_is_wider_than_latin() {
        assert!(text_size("绿色", 13.0).0 > text_size("E1", 13.0).0);
    }
}
