//! The materiality matrix drawn with plotters (server only).

use crate::domain::{Category, CycleResults};
use crate::i18n::Lang;
use plotters::prelude::*;

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

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The matrix as SVG markup: x importance to the business, y importance to stakeholders, one labelled
/// point per topic at its pooled means, marker and colour by category, the materiality threshold as
/// dashed lines. The root element carries `role="img"` and an `aria-label`; the page puts the same
/// numbers in a table beside it.
pub fn matrix_svg(results: &CycleResults, lang: Lang) -> String {
    let mut svg = String::new();
    if let Err(e) = draw(&mut svg, results, lang) {
        tracing::error!("matrix drawing failed: {e}");
    }
    let t = lang.t();
    let label = format!(
        "{} — {} ({})",
        t.matrix_title, results.cycle.name, results.cycle.year
    );
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(&label)),
        1,
    )
}

fn draw<'a>(
    out: &'a mut String,
    results: &CycleResults,
    lang: Lang,
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let t = lang.t();
    let scale = results.cycle.scale;
    let (lo, hi) = (f64::from(scale.min) - 0.25, f64::from(scale.max) + 0.25);
    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(t.matrix_title, (FONT, 22))
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(60)
        .build_cartesian_2d(lo..hi, lo..hi)?;
    chart
        .configure_mesh()
        .x_desc(t.business_axis)
        .y_desc(t.stakeholder_axis)
        .axis_desc_style((FONT, 16))
        .label_style((FONT, 13))
        .x_labels(scale.len())
        .y_labels(scale.len())
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xE4, 0xE4, 0xE4))
        .draw()?;

    let th = results.cycle.threshold;
    let grey = RGBColor(0x77, 0x77, 0x77);
    chart.draw_series(DashedLineSeries::new(
        [(th, lo), (th, hi)],
        6,
        4,
        grey.stroke_width(1),
    ))?;
    chart.draw_series(DashedLineSeries::new(
        [(lo, th), (hi, th)],
        6,
        4,
        grey.stroke_width(1),
    ))?;

    let points = |category: Category| -> Vec<(f64, f64)> {
        results
            .topics
            .iter()
            .filter(|r| r.category == category)
            .filter_map(|r| r.position())
            .collect()
    };
    // One series per category, each with its own marker shape.
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
    chart.draw_series(results.topics.iter().filter_map(|r| {
        r.position().map(|p| {
            EmptyElement::at(p) + Text::new(r.code.clone(), (8, -16), (FONT, 13).into_font())
        })
    }))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font((FONT, 13))
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(0xAA, 0xAA, 0xAA))
        .draw()?;
    root.present()?;
    Ok(())
}
