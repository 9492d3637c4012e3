//! The matrix as PNG and the results as a spreadsheet: the two binary downloads.

use crate::domain::{results_table, Cell, CycleResults, CycleTopic, RawResponses, Table};
use resvg::{tiny_skia, usvg};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::sync::{Arc, OnceLock};

/// Where the font for PNG text is looked for when `MATERIALITY_FONT` names none: Debian's packages of
/// fonts that cover Chinese as well as Latin text (`install.sh` installs the first).
const FONT_CANDIDATES: [&str; 3] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
];

/// The font the PNG's text is drawn with, loaded once per process.
struct ChartFont {
    db: Arc<fontdb::Database>,
    family: String,
}

fn chart_font() -> Result<&'static ChartFont, String> {
    static FONT: OnceLock<Result<ChartFont, String>> = OnceLock::new();
    FONT.get_or_init(|| {
        let path = match std::env::var("MATERIALITY_FONT") {
            Ok(p) if !p.is_empty() => p,
            _ => FONT_CANDIDATES
                .iter()
                .find(|p| std::path::Path::new(p).exists())
                .map(|p| p.to_string())
                .ok_or_else(|| {
                    format!(
                        "no font for the PNG matrix: set MATERIALITY_FONT to a font file that covers \
                         Chinese, or install one of {}",
                        FONT_CANDIDATES.join(", ")
                    )
                })?,
        };
        let mut db = fontdb::Database::new();
        db.load_font_file(&path)
            .map_err(|e| format!("reading the font {path}: {e}"))?;
        let family = db
            .faces()
            .next()
            .and_then(|f| f.families.first())
            .map(|(name, _)| name.clone())
            .ok_or_else(|| format!("{path} holds no usable font"))?;
        db.set_sans_serif_family(family.clone());
        Ok(ChartFont {
            db: Arc::new(db),
            family,
        })
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The characters of `text` that no loaded font can draw (they would come out as empty boxes).
fn missing_glyphs(font: &ChartFont, text: &str) -> Vec<char> {
    let mut missing: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| !c.is_ascii() && !c.is_whitespace()) {
        if missing.contains(&c) {
            continue;
        }
        let covered = font.db.faces().any(|face| {
            font.db
                .with_face_data(face.id, |data, index| {
                    ttf_parser::Face::parse(data, index).is_ok_and(|f| f.glyph_index(c).is_some())
                })
                .unwrap_or(false)
        });
        if !covered {
            missing.push(c);
        }
    }
    missing
}

/// What a PNG shows in place of a character its font cannot draw.
pub const SUBSTITUTE: char = '?';

/// The note at the foot of a PNG that had characters substituted.
pub const SUBSTITUTE_NOTE: &str = "? = a character the font cannot draw";

/// `svg` with every character the font cannot draw replaced by [`SUBSTITUTE`] (never an empty box
/// that looks like a word) and, if any was, a note at its foot saying so.
fn drawable(font: &ChartFont, svg: &str) -> String {
    let missing = missing_glyphs(font, svg);
    if missing.is_empty() {
        return svg.to_string();
    }
    tracing::warn!(
        "the font {} cannot draw {:?}: drawn as {SUBSTITUTE}",
        font.family,
        missing.iter().collect::<String>()
    );
    let mut out: String = svg
        .chars()
        .map(|c| if missing.contains(&c) { SUBSTITUTE } else { c })
        .collect();
    // The root element's height, to put the note at its foot.
    let root = &out[..out.find('>').unwrap_or(0)];
    let height = root
        .split_once(" height=\"")
        .and_then(|(_, rest)| rest.split('"').next())
        .and_then(|h| h.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(20.0);
    if let Some(end) = out.rfind("</svg>") {
        let note = format!(
            r##"<text x="4" y="{}" font-size="11" fill="#555555">{SUBSTITUTE_NOTE}</text>"##,
            height - 4.0
        );
        out.insert_str(end, &note);
    }
    out
}

/// Rasterises a chart's SVG at `scale` times its size (2 for print) on white. A character the font
/// cannot draw (an emoji in a topic's name, say) is drawn as `?`, with a note at the foot, so one odd
/// character never stops the whole chart.
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
    let font = chart_font()?;
    let svg = drawable(font, svg);
    let options = usvg::Options {
        fontdb: font.db.clone(),
        font_family: font.family.clone(),
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| format!("reading the SVG: {e}"))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or("the chart has no size")?;
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("the chart has no size")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| format!("encoding PNG: {e}"))
}

fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: &Cell) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(t) => ws.write_string(row, col, t)?,
        Cell::Int(i) => ws.write_number(row, col, *i as f64)?,
        Cell::Num(Some(v)) => ws.write_number(row, col, *v)?,
        Cell::Num(None) => ws,
        Cell::Bool(b) => ws.write_boolean(row, col, *b)?,
    };
    Ok(())
}

/// A sheet `name` holding `table`: the header in bold and frozen, then the typed cells.
fn write_table(wb: &mut Workbook, name: &str, table: &Table) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(name)?;
    header(ws, &table.header)?;
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            write_cell(ws, r as u32 + 1, c as u16, cell)?;
        }
    }
    Ok(())
}

/// One table as a workbook of one sheet, `name`.
pub fn table_xlsx(name: &str, table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    write_table(&mut wb, name, table)?;
    wb.save_to_buffer()
}

/// A double-materiality cycle's register, ratings and disclosure drafts as one workbook: the sheets
/// `iros`, `ratings`, `sbm3` and `iro2`, the same tables as the four CSV files.
pub fn assessment_xlsx(
    view: &crate::domain::iro::AssessmentView,
    ratings: &[crate::domain::dm_export::RatingRow],
) -> Result<Vec<u8>, XlsxError> {
    use crate::domain::{dm_disclosure, dm_export};
    let mut wb = Workbook::new();
    write_table(&mut wb, "iros", &dm_export::iros_table(view))?;
    write_table(&mut wb, "ratings", &dm_export::ratings_table(ratings))?;
    write_table(&mut wb, "sbm3", &dm_disclosure::sbm3_table(view))?;
    write_table(&mut wb, "iro2", &dm_disclosure::iro2_table(view))?;
    wb.save_to_buffer()
}

fn header(ws: &mut Worksheet, names: &[String]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (col, name) in names.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, name, &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Most responses the workbook lists one by one: past this, reading and sorting them would take more
/// memory than the server has to give (and a sheet ends at 1,048,576 rows); the statistics still count
/// them all.
pub const MAX_SHEET_RESPONSES: usize = 100_000;

/// The results as an XLSX workbook: `statistics` (the table of `results.csv`), `topics` (the cycle's
/// topic list in both languages) and `responses` (one anonymised row per response: day, group, each
/// topic's two scores, "dk" for don't know).
pub fn results_xlsx(
    results: &CycleResults,
    topics: &[CycleTopic],
    responses: &RawResponses,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();

    write_table(&mut wb, "statistics", &results_table(results))?;

    let ws = wb.add_worksheet().set_name("topics")?;
    let names = [
        "code",
        "category",
        "name_zh",
        "name_en",
        "description_zh",
        "description_en",
    ]
    .map(String::from);
    header(ws, &names)?;
    for (r, t) in topics.iter().enumerate() {
        let cells = [
            &t.code,
            t.category.as_str(),
            &t.name.zh,
            &t.name.en,
            &t.description.zh,
            &t.description.en,
        ];
        for (c, text) in cells.into_iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, text)?;
        }
    }

    let ws = wb.add_worksheet().set_name("responses")?;
    let responses = match responses {
        RawResponses::Rows(rows) => rows,
        RawResponses::TooMany(n) => {
            ws.write_string(
                0,
                0,
                format!(
                    "{n} responses: more than the {MAX_SHEET_RESPONSES} this sheet lists one by one. \
                     The statistics sheet counts them all."
                ),
            )?;
            return wb.save_to_buffer();
        }
    };
    let mut names = vec!["day".to_string(), "group".to_string()];
    for t in topics {
        names.push(format!("{}_business", t.code));
        names.push(format!("{}_stakeholder", t.code));
    }
    header(ws, &names)?;
    for (r, resp) in responses.iter().enumerate() {
        let row = r as u32 + 1;
        if let Some(day) = &resp.day {
            ws.write_string(row, 0, day)?;
        }
        if let Some(g) = &resp.group {
            ws.write_string(row, 1, g)?;
        }
        for (i, (b, s)) in resp.scores.iter().enumerate() {
            for (j, score) in [b, s].into_iter().enumerate() {
                let col = (2 + 2 * i + j) as u16;
                match score {
                    Some(v) => ws.write_number(row, col, *v)?,
                    None => ws.write_string(row, col, "dk")?,
                };
            }
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_svg(text: &str) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><text x="4" y="32" font-family="sans-serif" font-size="32">{text}</text></svg>"#
        )
    }

    fn pixels(png_bytes: &[u8]) -> tiny_skia::Pixmap {
        tiny_skia::Pixmap::decode_png(png_bytes).expect("a PNG")
    }

    #[test]
    fn chinese_text_is_drawn_as_glyphs_not_boxes() {
        let a = pixels(&png(&text_svg("气"), 1.0).unwrap());
        let b = pixels(&png(&text_svg("候"), 1.0).unwrap());
        let ink = |p: &tiny_skia::Pixmap| p.pixels().iter().filter(|c| c.red() < 128).count();
        assert!(ink(&a) > 30 && ink(&b) > 30, "text was drawn");
        // "Tofu" boxes for missing glyphs would be identical; two real glyphs differ.
        assert_ne!(a.data(), b.data());
    }

    #[test]
    fn the_matrix_png_is_twice_the_svg_and_substitutes_what_its_font_cannot_draw() {
        let svg = super::super::matrix_svg(
            &crate::chart::golden::fixture(),
            crate::i18n::Lang::Zh,
            Default::default(),
            None,
        );
        let img = pixels(&png(&svg, 2.0).unwrap());
        // The plot and its key, 720 + 400 wide.
        assert_eq!((img.width(), img.height()), (2 * 1120, 2 * 600));
        // A private-use character is in no font: drawn as "?", with the note at the foot.
        let font = chart_font().unwrap();
        let odd = drawable(font, &text_svg("A\u{E000}"));
        assert!(odd.contains(">A?</text>"), "{odd}");
        let note =
            format!(r##"y="36" font-size="11" fill="#555555">{SUBSTITUTE_NOTE}</text></svg>"##);
        assert!(odd.ends_with(&note), "{odd}");
        assert_eq!(drawable(font, &text_svg("A")), text_svg("A"));
        let drawn = pixels(&png(&text_svg("A\u{E000}"), 1.0).unwrap());
        assert_ne!(
            drawn.data(),
            pixels(&png(&text_svg("A"), 1.0).unwrap()).data()
        );
        // A whole matrix with an emoji in a topic's name still comes out, at full size.
        let mut results = crate::chart::golden::fixture();
        results.topics[0].name.zh.push('\u{1F331}');
        results.topics[0].name.en.push('\u{E000}');
        let svg =
            super::super::matrix_svg(&results, crate::i18n::Lang::Zh, Default::default(), None);
        let img = pixels(&png(&svg, 2.0).unwrap());
        assert_eq!((img.width(), img.height()), (2 * 1120, 2 * 600));
    }
}
