//! The heat maps of a double-materiality cycle (server only): impacts by severity × likelihood, risks
//! and opportunities by magnitude × likelihood. Each IRO with a computed score sits in the cell its
//! criteria's values round to (halves up), at the horizon that gave its score; each cell shows how
//! many IROs it holds and their numbers (the IRO ids of the scores page), shaded from pale green
//! (low × unlikely) to red (severe × certain). The same cells go into the SVG as data attributes and
//! tooltips, so the drawing reads without the page and a test can check it.

use super::{escape, FONT};
use crate::domain::double_materiality::Dimension;
use crate::domain::iro::AssessmentView;
use crate::i18n::Lang;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const WIDTH: u32 = 640;
const HEIGHT: u32 = 600;
/// Most IRO numbers written in a cell; the count is always there.
const IDS_SHOWN: usize = 4;

/// A value of 1–5 (a mean may have halves and thirds) as its cell, 1 to 5: rounded, halves up.
pub fn bin(v: f64) -> usize {
    ((v + 0.5).floor() as i64).clamp(1, 5) as usize
}

/// The IRO ids in each cell: `cells[likelihood - 1][severity - 1]`, ids in ascending order.
pub fn heat_cells(view: &AssessmentView, dimension: Dimension) -> [[Vec<i64>; 5]; 5] {
    let mut cells: [[Vec<i64>; 5]; 5] = Default::default();
    let mut iros: Vec<_> = view
        .iros
        .iter()
        .filter(|s| s.score.dimension == dimension)
        .filter_map(|s| Some((s.row.id, s.score.axes?)))
        .collect();
    iros.sort_by_key(|(id, _)| *id);
    for (id, (likelihood, severity)) in iros {
        cells[bin(likelihood) - 1][bin(severity) - 1].push(id);
    }
    cells
}

/// The shade of a cell by likelihood × severity (1 to 25).
fn shade(product: usize) -> RGBColor {
    match product {
        0..=4 => RGBColor(0xDF, 0xF0, 0xD8),
        5..=9 => RGBColor(0xFB, 0xF3, 0xC4),
        10..=15 => RGBColor(0xFC, 0xD9, 0xB0),
        _ => RGBColor(0xF6, 0xB7, 0xAE),
    }
}

/// The heat map of `dimension` as SVG markup, with `role="img"` and one titled `g.cell` per
/// non-empty cell (`data-likelihood`, `data-severity`, `data-count`, `data-iros`).
pub fn heat_map_svg(view: &AssessmentView, dimension: Dimension, lang: Lang) -> String {
    let dm = lang.dm();
    let cells = heat_cells(view, dimension);
    let (title, y_axis) = match dimension {
        Dimension::Impact => (dm.heat_impact_title, dm.axis_severity),
        Dimension::Financial => (dm.heat_financial_title, dm.axis_magnitude),
    };
    let mut svg = String::new();
    let centres = match draw(&mut svg, &cells, title, y_axis, lang) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("heat map drawing failed: {e}");
            Vec::new()
        }
    };
    let targets: String = centres
        .iter()
        .map(|&(l, s, (x, y))| {
            let ids = &cells[l - 1][s - 1];
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>();
            let tip = format!(
                "{} {l} · {y_axis} {s}: {} ({})",
                dm.axis_likelihood,
                ids.len(),
                list.join(", ")
            );
            format!(
                "<g class=\"cell\" tabindex=\"0\" data-likelihood=\"{l}\" data-severity=\"{s}\" data-count=\"{}\" data-iros=\"{}\"><title>{}</title><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"18\" fill=\"transparent\"/></g>",
                ids.len(),
                list.join(" "),
                escape(&tip)
            )
        })
        .collect();
    let label = format!("{title} — {}", view.name);
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(&label)),
        1,
    )
    .replacen("</svg>", &format!("{targets}</svg>"), 1)
}

/// A non-empty cell drawn: its likelihood, its severity and its centre in pixels.
type Centre = (usize, usize, (f64, f64));

/// Draws the grid; the pixel centre of every non-empty cell.
fn draw<'a>(
    out: &'a mut String,
    cells: &[[Vec<i64>; 5]; 5],
    title: &str,
    y_axis: &str,
    lang: Lang,
) -> Result<Vec<Centre>, Box<dyn std::error::Error + 'a>> {
    let dm = lang.dm();
    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 20))
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(60)
        .build_cartesian_2d(0.5..5.5, 0.5..5.5)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(dm.axis_likelihood)
        .y_desc(y_axis)
        .axis_desc_style((FONT, 16))
        .label_style((FONT, 13))
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()?;
    let grid = (1..=5).flat_map(|l| (1..=5).map(move |s| (l, s)));
    chart.draw_series(grid.clone().map(|(l, s)| {
        let (x, y) = (l as f64, s as f64);
        Rectangle::new(
            [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
            shade(l * s).filled(),
        )
    }))?;
    chart.draw_series(grid.clone().map(|(l, s)| {
        let (x, y) = (l as f64, s as f64);
        Rectangle::new(
            [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
            WHITE.stroke_width(2),
        )
    }))?;
    let mut centres = Vec::new();
    for (l, s) in grid {
        let ids = &cells[l - 1][s - 1];
        if ids.is_empty() {
            continue;
        }
        let at = (l as f64, s as f64);
        let (px, py) = chart.backend_coord(&at);
        centres.push((l, s, (f64::from(px), f64::from(py))));
        let mut shown: Vec<String> = ids.iter().take(IDS_SHOWN).map(i64::to_string).collect();
        if ids.len() > IDS_SHOWN {
            shown.push("…".into());
        }
        let count = (FONT, 22)
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let small = (FONT, 11)
            .into_font()
            .color(&RGBColor(0x33, 0x33, 0x33))
            .pos(Pos::new(HPos::Center, VPos::Center));
        chart.draw_series([EmptyElement::at(at)
            + Text::new(ids.len().to_string(), (0, -8), count)
            + Text::new(format!("#{}", shown.join(" #")), (0, 16), small)])?;
    }
    root.draw(&Text::new(
        dm.heat_note.to_string(),
        (16, HEIGHT as i32 - 14),
        (FONT, 11).into_font().color(&RGBColor(0x44, 0x44, 0x44)),
    ))?;
    root.present()?;
    Ok(centres)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_half_up_into_the_five_cells() {
        let cases = [
            (1.0, 1),
            (1.49, 1),
            (1.5, 2),
            (2.5, 3),
            (10.0 / 3.0, 3),
            (3.5, 4),
            (4.67, 5),
            (5.0, 5),
            (0.0, 1),
        ];
        for (v, cell) in cases {
            assert_eq!(bin(v), cell, "{v}");
        }
    }
}
