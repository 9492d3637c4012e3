//! The double materiality matrix (server only): x = financial materiality, y = impact materiality,
//! one point per matter that has IROs attached, in its pillar's colour and shape, both thresholds
//! dashed, each point numbered (labels placed so that none overlaps another or a point) and a key
//! beside the plot giving every number's code and full name in the page's language. The SVG carries
//! the key, so an exported SVG or PNG reads on its own.

use super::key::{Key, KEY_WIDTH};
use super::{
    category_colour, draw_axes, draw_categories, draw_labels, draw_thresholds, escape, FONT,
};
use crate::domain::double_materiality::MatterMateriality;
use crate::domain::iro::AssessmentView;
use crate::domain::Category;
use crate::i18n::Lang;
use plotters::prelude::*;

const PLOT_WIDTH: u32 = 640;
const MIN_HEIGHT: u32 = 620;
/// Where the key's first line starts (under the legend and the key's title).
const KEY_TOP: i32 = 112;
/// The axes run a little past 0 and 5 so that a point on the edge is whole.
const LO: f64 = -0.25;
const HI: f64 = 5.25;

/// A matter as the matrix plots it.
#[derive(Debug, Clone, PartialEq)]
pub struct MatterPoint {
    /// Its number on the plot and in the key, from 1, in the register's order.
    pub number: usize,
    pub code: String,
    pub name: String,
    pub pillar: Category,
    /// Financial materiality; 0 when none of its IROs is a risk or opportunity with a score.
    pub x: f64,
    /// Impact materiality; 0 when none of its IROs is an impact with a score.
    pub y: f64,
    pub materiality: MatterMateriality,
}

/// The matters the matrix plots: those with IROs attached and at least one score among them (a
/// matter's position includes the IROs below it, so a parent of an assessed matter is plotted only
/// where IROs are attached to it too).
pub fn matter_points(view: &AssessmentView, lang: Lang) -> Vec<MatterPoint> {
    view.matters
        .iter()
        .filter(|m| m.iros > 0)
        .filter(|m| m.position.financial.is_some() || m.position.impact.is_some())
        .enumerate()
        .map(|(i, m)| MatterPoint {
            number: i + 1,
            code: m.matter.code.clone(),
            name: lang.pick(&m.matter.name.zh, &m.matter.name.en).to_string(),
            pillar: Category::parse(&m.matter.pillar).unwrap_or(Category::E),
            x: m.position.financial.unwrap_or(0.0),
            y: m.position.impact.unwrap_or(0.0),
            materiality: m.position.materiality,
        })
        .collect()
}

/// The key: each point's number and its code and full name.
fn key(points: &[MatterPoint]) -> Key {
    let entries = points
        .iter()
        .map(|p| (format!("{}.", p.number), format!("{} {}", p.code, p.name)));
    Key::new(entries, KEY_TOP)
}

/// The matrix as SVG markup, with `role="img"`, an `aria-label`, and for each point a focusable
/// target whose tooltip gives its code, name and both scores; the page puts the same numbers in a
/// table beside it.
pub fn double_matrix_svg(view: &AssessmentView, lang: Lang) -> String {
    let points = matter_points(view, lang);
    let key = key(&points);
    let height = MIN_HEIGHT.max(key.height());
    let mut svg = String::new();
    let pixels = match draw(&mut svg, view, lang, &points, &key, height) {
        Ok(p) => p,
        Err(e) => {
            tracing::error!("double materiality matrix drawing failed: {e}");
            Vec::new()
        }
    };
    let dm = lang.dm();
    let f = |v: f64| format!("{v:.2}");
    let targets: String = points
        .iter()
        .zip(&pixels)
        .map(|(p, (x, y))| {
            let title = format!(
                "{} {} {} — {} {}; {} {}; {}",
                p.number,
                p.code,
                p.name,
                dm.col_financial,
                f(p.x),
                dm.col_impact,
                f(p.y),
                dm.materiality(p.materiality)
            );
            format!(
                "<g class=\"point\" tabindex=\"0\" data-matter=\"{}\"><title>{}</title><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"10\" fill=\"transparent\"/></g>",
                escape(&p.code),
                escape(&title)
            )
        })
        .collect();
    let label = format!("{} — {}", dm.matrix_title, view.name);
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(&label)),
        1,
    )
    .replacen("</svg>", &format!("{targets}</svg>"), 1)
}

fn draw<'a>(
    out: &'a mut String,
    view: &AssessmentView,
    lang: Lang,
    points: &[MatterPoint],
    key: &Key,
    height: u32,
) -> Result<Vec<(f64, f64)>, Box<dyn std::error::Error + 'a>> {
    let dm = lang.dm();
    let root = SVGBackend::with_string(out, (PLOT_WIDTH + KEY_WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (plot, side) = root.split_horizontally(PLOT_WIDTH);
    let plot = plot.shrink((0, 0), (PLOT_WIDTH, MIN_HEIGHT));
    let mut chart = ChartBuilder::on(&plot)
        .caption(format!("{} — {}", dm.matrix_title, view.name), (FONT, 20))
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(60)
        .build_cartesian_2d(LO..HI, LO..HI)?;
    draw_axes(&mut chart, dm.col_financial, dm.col_impact, 6)?;
    let s = &view.scoring;
    draw_thresholds(
        &mut chart,
        (s.financial_threshold, s.impact_threshold),
        (LO, HI),
    )?;
    let of = |c: Category| -> Vec<(f64, f64)> {
        points
            .iter()
            .filter(|p| p.pillar == c)
            .map(|p| (p.x, p.y))
            .collect()
    };
    draw_categories(&mut chart, lang, &of)?;
    let labelled: Vec<(String, (f64, f64))> = points
        .iter()
        .map(|p| (p.number.to_string(), (p.x, p.y)))
        .collect();
    let pixels = draw_labels(&root, &chart, &labelled)?;
    root.draw(&Text::new(
        dm.matrix_note.to_string(),
        (16, MIN_HEIGHT as i32 - 14),
        (FONT, 11).into_font().color(&RGBColor(0x44, 0x44, 0x44)),
    ))?;
    // The legend beside the plot, not on it: matters sit on every edge (0 on an axis is common).
    let t = lang.t();
    for (i, c) in Category::ALL.into_iter().enumerate() {
        let y = 28 + 18 * i as i32;
        let colour = category_colour(c).filled();
        match c {
            Category::E => side.draw(&Circle::new((14, y), 5, colour))?,
            Category::S => side.draw(&TriangleMarker::new((14, y), 6, colour))?,
            Category::G => side.draw(&Rectangle::new([(9, y - 5), (19, y + 5)], colour))?,
        }
        side.draw(&Text::new(t.series(c), (28, y - 7), (FONT, 13).into_font()))?;
    }
    key.draw(&side, dm.key_title)?;
    root.present()?;
    Ok(pixels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::double_materiality::{MatterPosition, Method, Scoring};
    use crate::domain::iro::MatterResult;
    use crate::domain::matters::MatterRow;
    use crate::domain::Bilingual;

    fn matter(
        code: &str,
        pillar: &str,
        iros: usize,
        x: Option<f64>,
        y: Option<f64>,
    ) -> MatterResult {
        MatterResult {
            matter: MatterRow {
                id: 0,
                code: code.into(),
                parent: None,
                pillar: pillar.into(),
                name: Bilingual {
                    zh: format!("议题{code}"),
                    en: format!(
                        "Matter {code} with a name long enough to need a second line in the key"
                    ),
                },
                entity_specific: false,
            },
            position: MatterPosition {
                financial: x,
                impact: y,
                materiality: MatterMateriality::NotMaterial,
                undecided: 0,
            },
            iros,
            stakeholders: Vec::new(),
        }
    }

    fn view() -> AssessmentView {
        AssessmentView {
            id: 1,
            name: "DMA 2026".into(),
            status: crate::domain::CycleStatus::Closed,
            method: Method::Double,
            scoring: Scoring::default(),
            preset: None,
            assessors: 0,
            assessments: 0,
            stamp: None,
            carried: None,
            iros: Vec::new(),
            matters: vec![
                matter("E1", "E", 0, Some(4.0), Some(4.0)),
                matter("E1.1", "E", 1, None, Some(4.0)),
                matter("E1.2", "E", 2, Some(3.0), Some(2.5)),
                matter("S1.1", "S", 1, Some(3.0), Some(2.5)),
                matter("G1.6", "G", 1, Some(2.0), None),
                matter("G1.3", "G", 1, None, None),
            ],
        }
    }

    #[test]
    fn every_assessed_matter_is_one_numbered_point_with_its_full_name_in_the_key() {
        let v = view();
        let points = matter_points(&v, Lang::En);
        let codes: Vec<&str> = points.iter().map(|p| p.code.as_str()).collect();
        // E1 has no IRO of its own; G1.3's IROs have no score yet.
        assert_eq!(codes, ["E1.1", "E1.2", "S1.1", "G1.6"]);
        assert_eq!(points[0].number, 1);
        assert_eq!(
            (points[0].x, points[0].y),
            (0.0, 4.0),
            "no risk: 0 financial"
        );
        assert_eq!(
            (points[3].x, points[3].y),
            (2.0, 0.0),
            "no impact: 0 impact"
        );
        let svg = double_matrix_svg(&v, Lang::En);
        assert!(svg
            .starts_with("<svg role=\"img\" aria-label=\"Double materiality matrix — DMA 2026\""));
        assert_eq!(svg.matches("<g class=\"point\" tabindex=\"0\"").count(), 4);
        // Each number once on the plot (beside the axes' ticks, which an empty chart has too) and
        // once in the key, with the code and the name's first words.
        let empty = double_matrix_svg(
            &AssessmentView {
                matters: Vec::new(),
                ..view()
            },
            Lang::En,
        );
        let on_plot = |svg: &str, n: usize| svg.matches(&format!(">\n{n}\n<")).count();
        for p in &points {
            let n = p.number;
            assert_eq!(on_plot(&svg, n), on_plot(&empty, n) + 1, "{n}");
            assert_eq!(svg.matches(&format!(">\n{n}.\n<")).count(), 1, "{n}");
            assert!(svg.contains(&format!(">\n{} Matter {} with a name long", p.code, p.code)));
        }
        // Two points at the same place get labels apart (the placement guarantees no overlap).
        assert!(svg.contains("data-matter=\"E1.2\"") && svg.contains("data-matter=\"S1.1\""));
        let zh = double_matrix_svg(&v, Lang::Zh);
        assert!(zh.contains("双重重要性矩阵") && zh.contains("E1.1 议题E1.1"));
        assert!(zh.contains("财务重要性（x）") && zh.contains("影响重要性（y）"));
    }
}
