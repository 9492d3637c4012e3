//! Reading an uploaded workbook (XLSX) into rows of text, for imports. A workbook is a zip archive,
//! and a small one can inflate to gigabytes; every part is inflated once into nothing, counting, and
//! the workbook is refused past [`MAX_INFLATED`] before the reader (calamine) sees it. The sizes the
//! archive declares are not trusted: the zip reader does not hold a part to them.

use crate::domain::register_file::FileRows;
use crate::domain::{FieldProblem, Problem};
use calamine::{Data, DataRef, Reader, Xlsx};
use std::io::{Cursor, Read};

/// At most this many bytes in all the parts of an uploaded workbook once inflated.
pub const MAX_INFLATED: u64 = 32 << 20;

fn unreadable() -> FieldProblem {
    FieldProblem::new("file", Problem::Unreadable)
}

/// The inflated size of all the archive's parts, reading at most `limit + 1` bytes in all.
fn inflated_size(bytes: &[u8], limit: u64) -> Result<u64, FieldProblem> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let mut total = 0;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|_| unreadable())?;
        let mut bounded = part.take(limit + 1 - total);
        total += std::io::copy(&mut bounded, &mut std::io::sink()).map_err(|_| unreadable())?;
        if total > limit {
            break;
        }
    }
    Ok(total)
}

/// At most this many columns, and this many characters of text in all the cells read.
pub const MAX_COLUMNS: u32 = 64;
pub const MAX_TEXT_CHARS: usize = 16 << 20;

/// The rows of the sheet `preferred` (else the first sheet), by the first row's column names
/// (trimmed, in lower case), each with its row number in the sheet (the header is row 1). Numbers
/// read as Rust writes them (`7`, not `7.0`), true/false as `true`/`false`. The sheet is read cell by
/// cell, never as a grid (a grid from A1 to the last cell a workbook names could be billions of
/// cells): a cell beyond `max_rows` rows or [`MAX_COLUMNS`] columns, or more than
/// [`MAX_TEXT_CHARS`] of text in all, refuses the workbook (`TooMany`, `TooLong`).
pub fn sheet_rows(
    bytes: &[u8],
    preferred: &[&str],
    max_rows: usize,
) -> Result<FileRows, FieldProblem> {
    if inflated_size(bytes, MAX_INFLATED)? > MAX_INFLATED {
        return Err(FieldProblem::new("file", Problem::TooLong));
    }
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let names = book.sheet_names();
    let name = preferred
        .iter()
        .find_map(|p| names.iter().find(|n| n.eq_ignore_ascii_case(p)))
        .or(names.first())
        .cloned()
        .ok_or_else(unreadable)?;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|_| unreadable())?;
    let mut rows: std::collections::BTreeMap<u32, Vec<(u32, String)>> = Default::default();
    let mut chars = 0;
    while let Some(cell) = cells.next_cell().map_err(|_| unreadable())? {
        let (row, col) = cell.get_position();
        // Row 0 is the header: rows 1 to `max_rows` hold data.
        if row as usize > max_rows {
            return Err(FieldProblem::new("file", Problem::TooMany));
        }
        if col >= MAX_COLUMNS {
            return Err(FieldProblem::new("file", Problem::TooMany));
        }
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) => s.clone(),
            DataRef::SharedString(s) => s.to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Float(f) => f.to_string(),
            DataRef::Bool(b) => b.to_string(),
            other => Data::from(other.clone()).to_string(),
        };
        chars += text.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(FieldProblem::new("file", Problem::TooLong));
        }
        rows.entry(row).or_default().push((col, text));
    }
    let mut rows = rows.into_iter();
    let Some((_, header)) = rows.next() else {
        return Ok(Vec::new());
    };
    let names: std::collections::BTreeMap<u32, String> = header
        .into_iter()
        .map(|(col, h)| (col, h.trim().to_ascii_lowercase()))
        .collect();
    Ok(rows
        .map(|(row, cells)| {
            let cells = cells
                .into_iter()
                .filter_map(|(col, v)| names.get(&col).map(|n| (n.clone(), v)))
                .collect();
            (row as usize + 1, cells)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_workbook_reads_as_rows_by_column_name() {
        let table = crate::domain::Table::new(
            &["IRO", "matter", "human_rights", "x"],
            vec![vec![
                crate::domain::Cell::Int(7),
                crate::domain::Cell::Text("E1".into()),
                crate::domain::Cell::Bool(true),
                crate::domain::Cell::Num(Some(2.5)),
            ]],
        );
        let bytes = super::super::export::table_xlsx("register", &table).unwrap();
        let rows = sheet_rows(&bytes, &["register"], 10).unwrap();
        let cells = |r: &[(&str, &str)]| {
            r.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            rows,
            [(
                2,
                cells(&[
                    ("iro", "7"),
                    ("matter", "E1"),
                    ("human_rights", "true"),
                    ("x", "2.5")
                ])
            )]
        );
        assert_eq!(
            sheet_rows(b"iro,matter\n1,E1\n", &[], 10),
            Err(FieldProblem::new("file", Problem::Unreadable))
        );
    }

    #[test]
    fn a_workbook_is_refused_at_its_first_cell_out_of_bounds() {
        // Two cells, A1 and one far away: as a grid, billions of cells; read cell by cell, refused.
        for (row, col) in [(1_000_000, 0), (1, MAX_COLUMNS as u16)] {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            ws.write_string(0, 0, "iro").unwrap();
            ws.write_string(row, col, "far").unwrap();
            let bytes = wb.save_to_buffer().unwrap();
            assert_eq!(
                sheet_rows(&bytes, &[], 10),
                Err(FieldProblem::new("file", Problem::TooMany)),
                "{row} {col}"
            );
        }
        // Within the bounds: read.
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "iro").unwrap();
        ws.write_string(10, 0, "7").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(sheet_rows(&bytes, &[], 10).unwrap().len(), 1);
    }

    #[test]
    fn a_workbook_that_inflates_past_the_limit_is_refused_unread() {
        // 40 MiB of zeros deflate to about 40 KiB.
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..40 {
            zip.write_all(&zeros).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 100_000, "{}", bytes.len());
        assert_eq!(
            sheet_rows(&bytes, &[], 10),
            Err(FieldProblem::new("file", Problem::TooLong))
        );
        assert_eq!(
            inflated_size(&bytes, 1000).unwrap(),
            1001,
            "stops reading at the limit"
        );
    }
}
