//! Reading an uploaded workbook (XLSX) into rows of text, for imports. A workbook is a zip archive,
//! and a small one can inflate to gigabytes; every part is inflated once into nothing, counting, and
//! the workbook is refused past [`MAX_INFLATED`] before the reader (calamine) sees it. The sizes the
//! archive declares are not trusted: the zip reader does not hold a part to them.

use crate::domain::register_file::FileRows;
use crate::domain::{FieldProblem, Problem};
use calamine::{Data, Reader, Xlsx};
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

/// The rows of the sheet `preferred` (else the first sheet), by the first row's column names
/// (trimmed, in lower case), each with its row number in the sheet (the header is row 1). Numbers
/// read as Rust writes them (`7`, not `7.0`), true/false as `true`/`false`.
pub fn sheet_rows(bytes: &[u8], preferred: &[&str]) -> Result<FileRows, FieldProblem> {
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
    let range = book.worksheet_range(&name).map_err(|_| unreadable())?;
    let first = range.start().map_or(0, |(row, _)| row as usize);
    let text = |d: &Data| match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    };
    let mut rows = range.rows();
    let Some(header) = rows.next() else {
        return Ok(Vec::new());
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| text(h).trim().to_ascii_lowercase())
        .collect();
    Ok(rows
        .enumerate()
        .map(|(i, row)| {
            let cells = header.iter().cloned().zip(row.iter().map(text)).collect();
            (first + i + 2, cells)
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
        let rows = sheet_rows(&bytes, &["register"]).unwrap();
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
            sheet_rows(b"iro,matter\n1,E1\n", &[]),
            Err(FieldProblem::new("file", Problem::Unreadable))
        );
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
            sheet_rows(&bytes, &[]),
            Err(FieldProblem::new("file", Problem::TooLong))
        );
        assert_eq!(
            inflated_size(&bytes, 1000).unwrap(),
            1001,
            "stops reading at the limit"
        );
    }
}
