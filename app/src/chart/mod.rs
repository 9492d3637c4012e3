//! The materiality matrix drawn with plotters (server only).

use crate::domain::{Category, CycleResults, MatrixOptions, Previous, TopicResult};
use crate::i18n::Lang;
pub mod double;
pub mod export;
pub mod golden;
pub mod heat;
pub mod key;
pub mod labels;
pub mod workbook;

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Okabe–Ito colours: distinguishable with every common form of colour blindness. The categories
/// also differ in marker shape, so colour is never the only cue.
pub fn category_colour(c: Category) -> RGBColor {
    match c {
        Category::E => RGBColor(0x00, 0x9E, 0x73),
        Category::S => RGBColor(0x00, 0x72, 0xB2),
        Category::G => RGBColor(0xD5, 0x5E, 0x00),
    }
}

const WIDTH: u32 = 720;
const HEIGHT: u32 = 600;
const FONT: &str = "sans-serif";
/// Where the survey matrix's key starts, under its title.
const SURVEY_KEY_TOP: i32 = 56;
/// Size of a topic label, and the half-size of the area a marker takes, in pixels.
const LABEL_PX: f64 = 13.0;
const MARKER_PX: f64 = 7.0;

use crate::components::escape_html as escape;

/// The matrix as SVG markup: x importance to the business, y importance to stakeholders, one labelled
/// point per topic at its pooled means (or its weighted position, `weighted`), marker and colour by category, the materiality threshold as
/// dashed lines. The root element carries `role="img"` and an `aria-label`; the page puts the same
/// numbers in a table beside it.
pub fn matrix_svg(
    results: &CycleResults,
    lang: Lang,
    options: MatrixOptions,
    previous: Option<&Previous>,
) -> String {
    let mut svg = String::new();
    let previous = previous.filter(|_| options.yoy);
    let points = match draw(&mut svg, results, lang, options, previous) {
        Ok(points) => points,
        Err(e) => {
            tracing::error!("matrix drawing failed: {e}");
            Vec::new()
        }
    };
    let t = lang.t();
    let label = format!(
        "{} — {} ({})",
        t.matrix_title, results.cycle.name, results.cycle.year
    );
    // Every point gets a focusable target with its figures as a tooltip (hover, or focus by keyboard).
    // Year over year: a dashed line from last year's position (a hollow circle) to this year's.
    let movements: String = points
        .iter()
        .filter_map(|(r, (x, y), from)| from.map(|(fx, fy)| (r, x, y, fx, fy)))
        .map(|(r, x, y, fx, fy)| {
            format!(
                "<g class=\"movement\" data-topic=\"{}\"><line x1=\"{fx:.1}\" y1=\"{fy:.1}\" x2=\"{x:.1}\" y2=\"{y:.1}\" stroke=\"#555555\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/><circle cx=\"{fx:.1}\" cy=\"{fy:.1}\" r=\"4\" fill=\"none\" stroke=\"#555555\"/></g>",
                escape(&r.code)
            )
        })
        .collect();
    let targets: String = points
        .iter()
        .map(|(r, (x, y), _)| {
            format!(
                "<g class=\"point\" tabindex=\"0\" data-topic=\"{}\"><title>{}</title><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"10\" fill=\"transparent\"/></g>",
                escape(&r.code),
                escape(&point_title(r, lang))
            )
        })
        .collect();
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(&label)),
        1,
    )
    .replacen("</svg>", &format!("{movements}{targets}</svg>"), 1)
}

/// A topic's label on the matrix: its code, with `*` where the decision group overrode its materiality.
fn label_text(r: &TopicResult) -> String {
    match r.override_ {
        Some(_) => format!("{}*", r.code),
        None => r.code.clone(),
    }
}

/// A point's tooltip: code, name, and per axis the mean, the interquartile range and n.
fn point_title(r: &TopicResult, lang: Lang) -> String {
    let t = lang.t();
    let axis = |name: &str, s: &crate::domain::AxisStats| {
        let f = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into());
        format!(
            "{name}: {} {} ({} {}–{}, n = {})",
            t.col_mean,
            f(s.mean),
            t.col_iqr,
            f(s.q1),
            f(s.q3),
            s.n
        )
    };
    let overridden = r
        .override_
        .as_ref()
        .map(|o| {
            format!(
                "; {}",
                t.override_by
                    .replace("{who}", &o.by)
                    .replace("{why}", &o.reason)
            )
        })
        .unwrap_or_default();
    format!(
        "{} {} — {}; {}; {} {}{overridden}",
        r.code,
        lang.pick(&r.name.zh, &r.name.en),
        axis(t.business_axis, &r.business),
        axis(t.stakeholder_axis, &r.stakeholder),
        t.col_rank,
        r.rank
    )
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type DrawResult<'b> =
    Result<(), DrawingAreaErrorKind<<SVGBackend<'b> as DrawingBackend>::ErrorType>>;

/// Axis titles, whole-number ticks and a light grid: the same look for the matrix and the map.
fn draw_axes<'b>(chart: &mut Chart<'_, 'b>, x: &str, y: &str, ticks: usize) -> DrawResult<'b> {
    chart
        .configure_mesh()
        .x_desc(x)
        .y_desc(y)
        .axis_desc_style((FONT, 16))
        .label_style((FONT, 13))
        .x_labels(ticks)
        .y_labels(ticks)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xE4, 0xE4, 0xE4))
        .draw()
}

fn draw_legend<'b>(chart: &mut Chart<'b, 'b>) -> DrawResult<'b> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font((FONT, 13))
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(0xAA, 0xAA, 0xAA))
        .draw()
}

/// The thresholds as dashed lines across the plot: `at` (x, y), the plot running from `lo` to `hi` on
/// both axes.
fn draw_thresholds<'b>(
    chart: &mut Chart<'_, 'b>,
    at: (f64, f64),
    (lo, hi): (f64, f64),
) -> DrawResult<'b> {
    let grey = RGBColor(0x77, 0x77, 0x77);
    chart.draw_series(DashedLineSeries::new(
        [(at.0, lo), (at.0, hi)],
        6,
        4,
        grey.stroke_width(1),
    ))?;
    chart.draw_series(DashedLineSeries::new(
        [(lo, at.1), (hi, at.1)],
        6,
        4,
        grey.stroke_width(1),
    ))?;
    Ok(())
}

/// One series per category, each with its own marker shape and colour, and its legend entry;
/// `points` gives a category's points in the chart's coordinates.
fn draw_categories<'b>(
    chart: &mut Chart<'_, 'b>,
    lang: Lang,
    points: &dyn Fn(Category) -> Vec<(f64, f64)>,
) -> DrawResult<'b> {
    let t = lang.t();
    let e = category_colour(Category::E).filled();
    chart
        .draw_series(
            points(Category::E)
                .into_iter()
                .map(|p| Circle::new(p, 6, e)),
        )?
        .label(t.series(Category::E))
        .legend(move |(x, y)| Circle::new((x + 6, y), 5, e));
    let s = category_colour(Category::S).filled();
    chart
        .draw_series(
            points(Category::S)
                .into_iter()
                .map(|p| TriangleMarker::new(p, 7, s)),
        )?
        .label(t.series(Category::S))
        .legend(move |(x, y)| TriangleMarker::new((x + 6, y), 6, s));
    let g = category_colour(Category::G).filled();
    chart
        .draw_series(
            points(Category::G)
                .into_iter()
                .map(|p| EmptyElement::at(p) + Rectangle::new([(-5, -5), (5, 5)], g)),
        )?
        .label(t.series(Category::G))
        .legend(move |(x, y)| Rectangle::new([(x + 1, y - 5), (x + 11, y + 5)], g));
    Ok(())
}

/// Labels the points (text, point in the chart's coordinates; the most important first: it gets the
/// nearest spot) so that no label overlaps another or a point, with a leader line where a label had
/// to move away. Returns each point in pixels of `root`.
fn draw_labels<'b>(
    root: &DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    chart: &Chart<'_, 'b>,
    labelled: &[(String, (f64, f64))],
) -> Result<Vec<(f64, f64)>, DrawingAreaErrorKind<<SVGBackend<'b> as DrawingBackend>::ErrorType>> {
    let grey = RGBColor(0x77, 0x77, 0x77);
    let pixels: Vec<(f64, f64)> = labelled
        .iter()
        .map(|(_, p)| {
            let (x, y) = chart.backend_coord(p);
            (f64::from(x), f64::from(y))
        })
        .collect();
    let sizes: Vec<(f64, f64)> = labelled
        .iter()
        .map(|(text, _)| labels::text_size(text, LABEL_PX))
        .collect();
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let area = labels::Rect {
        x: f64::from(xs.start),
        y: f64::from(ys.start),
        w: f64::from(xs.end - xs.start),
        h: f64::from(ys.end - ys.start),
    };
    let placed = labels::place_labels(&pixels, &sizes, area, MARKER_PX);
    for (((text, _), &point), spot) in labelled.iter().zip(&pixels).zip(&placed) {
        let rect = spot.rect;
        if spot.leader {
            let end = labels::leader_end(&rect, point);
            root.draw(&PathElement::new(
                vec![
                    (point.0 as i32, point.1 as i32),
                    (end.0 as i32, end.1 as i32),
                ],
                grey.stroke_width(1),
            ))?;
        }
        root.draw(&Text::new(
            text.clone(),
            (rect.x as i32 + 1, rect.y as i32 + 1),
            (FONT, LABEL_PX).into_font(),
        ))?;
    }
    Ok(pixels)
}

/// A plotted topic, its point and (year over year) its previous point, in pixels.
type Plotted<'r> = (&'r TopicResult, (f64, f64), Option<(f64, f64)>);

/// Draws the matrix; returns each plotted topic with its point in pixels.
fn draw<'a, 'r>(
    out: &'a mut String,
    results: &'r CycleResults,
    lang: Lang,
    options: MatrixOptions,
    previous: Option<&Previous>,
) -> Result<Vec<Plotted<'r>>, Box<dyn std::error::Error + 'a>> {
    // The plotted position: the pooled means, or the weighted means of the group means.
    let position = |r: &TopicResult| {
        if options.weighted {
            r.weighted_position()
        } else {
            r.position()
        }
    };
    // Interquartile bars belong to the pooled answers, so they go with the pooled positions only.
    let bars = options.bars && !options.weighted;
    let t = lang.t();
    let scale = results.cycle.scale;
    let (mut lo, mut hi) = (f64::from(scale.min) - 0.25, f64::from(scale.max) + 0.25);
    if options.zoom {
        // Zoomed to the data (and its bars and the threshold), half a point of margin.
        let mut values: Vec<f64> = vec![results.cycle.threshold];
        for r in &results.topics {
            if let Some((x, y)) = position(r) {
                values.extend([x, y]);
                if bars {
                    values.extend(
                        [
                            r.business.q1,
                            r.business.q3,
                            r.stakeholder.q1,
                            r.stakeholder.q3,
                        ]
                        .into_iter()
                        .flatten(),
                    );
                }
            }
        }
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        lo = (min - 0.5).max(lo);
        hi = (max + 0.5).min(hi);
    }
    // The key beside the plot: every plotted topic's label and its full name, in the topics' order.
    let key = key::Key::new(
        results
            .topics
            .iter()
            .filter(|r| position(r).is_some())
            .map(|r| (label_text(r), lang.pick(&r.name.zh, &r.name.en).to_string())),
        SURVEY_KEY_TOP,
    );
    let root = SVGBackend::with_string(out, (WIDTH + key::KEY_WIDTH, HEIGHT.max(key.height())))
        .into_drawing_area();
    root.fill(&WHITE)?;
    let (plot, side) = root.split_horizontally(WIDTH);
    let plot = plot.shrink((0, 0), (WIDTH, HEIGHT));
    key.draw(&side, t.key_title)?;
    let mut chart = ChartBuilder::on(&plot)
        .caption(
            match &results.confirmation {
                Some(s) => format!(
                    "{} — {} {}",
                    t.matrix_title,
                    t.status_confirmed,
                    crate::domain::date_of(s.confirmed_at)
                ),
                None => format!("{} — {}", t.matrix_title, t.status_provisional),
            },
            (FONT, 22),
        )
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(60)
        .build_cartesian_2d(lo..hi, lo..hi)?;
    let (x_title, y_title) = if options.split {
        (t.business_axis_internal, t.stakeholder_axis_external)
    } else {
        (t.business_axis, t.stakeholder_axis)
    };
    draw_axes(&mut chart, x_title, y_title, scale.len())?;
    let th = results.cycle.threshold;
    if options.shade && th > lo && th < hi {
        // The report's bands: "high" where one axis reaches the threshold, "very high" where both do.
        let tint = RGBColor(0xD5, 0x5E, 0x00);
        for (area, alpha) in [
            ([(th, lo), (hi, th)], 0.06),
            ([(lo, th), (th, hi)], 0.06),
            ([(th, th), (hi, hi)], 0.14),
        ] {
            chart.draw_series(std::iter::once(Rectangle::new(
                area,
                tint.mix(alpha).filled(),
            )))?;
        }
        let band = (FONT, 12).into_font().color(&RGBColor(0x8A, 0x3B, 0x00));
        chart.draw_series([
            Text::new(
                t.band_very_high,
                (hi - 0.05 * (hi - lo), hi),
                band.clone().pos(Pos::new(HPos::Right, VPos::Top)),
            ),
            Text::new(
                t.band_high,
                (hi - 0.05 * (hi - lo), th),
                band.pos(Pos::new(HPos::Right, VPos::Bottom)),
            ),
        ])?;
    }
    if bars {
        let bar = RGBColor(0x99, 0x99, 0x99).stroke_width(1);
        for r in &results.topics {
            let Some((x, y)) = r.position() else { continue };
            if let (Some(a), Some(b)) = (r.business.q1, r.business.q3) {
                chart.draw_series(LineSeries::new([(a, y), (b, y)], bar))?;
            }
            if let (Some(a), Some(b)) = (r.stakeholder.q1, r.stakeholder.q3) {
                chart.draw_series(LineSeries::new([(x, a), (x, b)], bar))?;
            }
        }
    }

    draw_thresholds(&mut chart, (th, th), (lo, hi))?;

    let points = |category: Category| -> Vec<(f64, f64)> {
        results
            .topics
            .iter()
            .filter(|r| r.category == category)
            .filter_map(position)
            .collect()
    };
    draw_categories(&mut chart, lang, &points)?;
    // Labels: placed in pixels so that none overlaps another or a point, most material first.
    let mut plotted: Vec<(&TopicResult, (f64, f64))> = results
        .topics
        .iter()
        .filter_map(|r| position(r).map(|p| (r, p)))
        .collect();
    plotted.sort_by_key(|(r, _)| r.rank);
    let labelled: Vec<(String, (f64, f64))> =
        plotted.iter().map(|(r, p)| (label_text(r), *p)).collect();
    let pixels = draw_labels(&root, &chart, &labelled)?;
    draw_legend(&mut chart)?;
    // Under the plot: the result's standing, where it came from, and what the * on a label means.
    let mut note = vec![t.standing(results)];
    if let Some(s) = &results.confirmation {
        note.push(format!(
            "SHA-256 {}…",
            &s.statistics_hash[..12.min(s.statistics_hash.len())]
        ));
    }
    if let Some(c) = &results.carried_forward {
        note.push(t.carried(c));
    }
    if results.topics.iter().any(|r| r.override_.is_some()) {
        note.push(t.override_mark_note.to_string());
    }
    root.draw(&Text::new(
        note.join(" · "),
        (16, HEIGHT as i32 - 14),
        (FONT, 11).into_font().color(&RGBColor(0x44, 0x44, 0x44)),
    ))?;
    root.present()?;
    // Last year's positions, in this year's pixels (same scale); those outside a zoomed plot are left out.
    let before = |r: &TopicResult| {
        let p = previous?.topics.get(&r.code)?;
        let (x, y) = if options.weighted {
            p.weighted
        } else {
            p.position
        }?;
        ((lo..=hi).contains(&x) && (lo..=hi).contains(&y)).then(|| {
            let (px, py) = chart.backend_coord(&(x, y));
            (f64::from(px), f64::from(py))
        })
    };
    Ok(plotted
        .iter()
        .zip(pixels)
        .map(|((r, _), p)| (*r, p, before(r)))
        .collect())
}

/// The stakeholder map (step 1 of the method): every active group at (how much it affects the
/// business, how much the business affects it), on the 1–5 ratings, internal groups as circles and
/// external ones as triangles. Groups that share a spot get their labels stacked, not overlapping.
pub fn stakeholder_map_svg(groups: &[crate::domain::GroupRecord], lang: Lang) -> String {
    let mut svg = String::new();
    if let Err(e) = draw_map(&mut svg, groups, lang) {
        tracing::error!("stakeholder map drawing failed: {e}");
    }
    svg.replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" aria-label=\"{}\" ",
            escape(lang.t().map_title)
        ),
        1,
    )
}

fn draw_map<'a>(
    out: &'a mut String,
    groups: &[crate::domain::GroupRecord],
    lang: Lang,
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let t = lang.t();
    let root = SVGBackend::with_string(out, (WIDTH, 520)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(t.map_title, (FONT, 20))
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(60)
        .build_cartesian_2d(0.5..5.5, 0.5..5.5)?;
    draw_axes(&mut chart, t.affects, t.affected_by, 5)?;
    let active: Vec<_> = groups.iter().filter(|g| g.active).collect();
    let at = |g: &crate::domain::GroupRecord| (f64::from(g.affects), f64::from(g.affected_by));
    let internal = category_colour(Category::E).filled();
    let external = category_colour(Category::S).filled();
    chart
        .draw_series(
            active
                .iter()
                .filter(|g| g.internal)
                .map(|g| Circle::new(at(g), 6, internal)),
        )?
        .label(t.internal)
        .legend(move |(x, y)| Circle::new((x + 6, y), 5, internal));
    chart
        .draw_series(
            active
                .iter()
                .filter(|g| !g.internal)
                .map(|g| TriangleMarker::new(at(g), 7, external)),
        )?
        .label(t.external)
        .legend(move |(x, y)| TriangleMarker::new((x + 6, y), 6, external));
    chart.draw_series(active.iter().enumerate().map(|(i, g)| {
        // The how-many-th group at this spot: its label goes one line lower.
        let below = active[..i].iter().filter(|o| at(o) == at(g)).count() as i32;
        let name = lang.pick(&g.name.zh, &g.name.en).to_string();
        EmptyElement::at(at(g)) + Text::new(name, (10, -8 + 16 * below), (FONT, 13).into_font())
    }))?;
    draw_legend(&mut chart)?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::golden::fixture;
    use super::*;

    #[test]
    fn shading_and_the_split_layout_say_so_on_the_chart() {
        let plain = matrix_svg(&fixture(), Lang::En, MatrixOptions::default(), None);
        assert!(!plain.contains("Very high"));
        let shaded = matrix_svg(
            &fixture(),
            Lang::En,
            MatrixOptions {
                shade: true,
                split: true,
                zoom: true,
                bars: true,
                ..Default::default()
            },
            None,
        );
        for words in [
            "Very high",
            "High",
            "Importance to the business (internal groups)",
            "Importance to stakeholders (external groups)",
        ] {
            assert!(shaded.contains(words), "{words}");
        }
        let zh = matrix_svg(
            &fixture(),
            Lang::Zh,
            MatrixOptions {
                shade: true,
                ..Default::default()
            },
            None,
        );
        assert!(zh.contains("非常高") && zh.contains("对公司业务的重要性"));
    }

    #[test]
    fn year_over_year_draws_a_movement_per_topic_asked_both_years() {
        let now = fixture();
        let mut last = fixture();
        last.topics.retain(|t| t.code != "G5");
        for t in &mut last.topics {
            t.business.mean = t.business.mean.map(|m| m - 1.0);
        }
        let previous = Previous::of(&last);
        let yoy = MatrixOptions {
            yoy: true,
            ..Default::default()
        };
        let svg = matrix_svg(&now, Lang::En, yoy, Some(&previous));
        assert_eq!(
            svg.matches("<g class=\"movement\"").count(),
            16,
            "G5 is new"
        );
        assert!(!svg.contains("data-topic=\"G5\"><line"));
        // Without the option, or without a previous cycle, nothing moves.
        let plain = matrix_svg(&now, Lang::En, MatrixOptions::default(), Some(&previous));
        assert!(!plain.contains("class=\"movement\""));
        assert!(!matrix_svg(&now, Lang::En, yoy, None).contains("class=\"movement\""));
    }

    /// The matrix of a fixed data set is the same, byte for byte, as the reviewed copy in
    /// `app/tests/golden/`. After a deliberate change to the drawing, refresh the copy with
    /// `cargo run -p app --features ssr --example update_golden` and look at it before committing.
    #[test]
    fn golden_matrix_svg() {
        let path = format!(
            "{}/{}",
            env!("CARGO_MANIFEST_DIR"),
            super::golden::GOLDEN_SVG
        );
        let svg = matrix_svg(&fixture(), Lang::En, MatrixOptions::default(), None);
        assert_eq!(
            svg,
            matrix_svg(&fixture(), Lang::En, MatrixOptions::default(), None),
            "stable output"
        );
        let golden = std::fs::read_to_string(&path).expect("the golden file exists");
        assert!(
            svg == golden,
            "the matrix drawing changed: compare with {path}"
        );
        // Every topic has one hover and focus target with its figures.
        assert_eq!(svg.matches("<g class=\"point\" tabindex=\"0\"").count(), 17);
        assert!(svg.contains("<title>E1 Topic E1 — Importance to the business: Mean 4.00"));
        // Every topic is labelled once on the plot, and the key beside it gives the label again with
        // the topic's full name in the chart's language, so a downloaded chart reads on its own.
        let zh = matrix_svg(&fixture(), Lang::Zh, MatrixOptions::default(), None);
        for code in ["E1", "S10", "G5"] {
            assert_eq!(svg.matches(&format!(">\n{code}\n<")).count(), 2, "{code}");
            assert_eq!(
                svg.matches(&format!(">\nTopic {code}\n<")).count(),
                1,
                "{code}"
            );
            assert_eq!(
                zh.matches(&format!(">\n议题 {code}\n<")).count(),
                1,
                "{code}"
            );
        }
        assert!(svg.contains(">\nTopics\n<") && zh.contains(">\n议题\n<"));
    }
}
