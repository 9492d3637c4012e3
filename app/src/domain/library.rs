//! The topic library as admins edit, import and export it, and the one vocabulary of input problems
//! that every admin form and the import preview use.

use super::{Bilingual, Category, TopicCode};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Why one field of admin input was refused.
// Tests walk every variant (strum, a dev-dependency).
#[cfg_attr(test, derive(strum::EnumIter))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Problem {
    Required,
    BadCode,
    DuplicateCode,
    BadCategory,
    Unknown,
    TooLong,
    BadFlag,
    BadColour,
    BadNumber,
    BadDate,
    DateOrder,
    LabelCount,
    /// The file has no column of this name.
    MissingColumn,
    /// The file is not CSV / JSON of the expected shape.
    Unreadable,
    NoRows,
    /// Something depends on it: a topic with answers, a category in use, a group with links.
    InUse,
    /// The cycle has answers (or is confirmed): its topic list and scale can no longer change.
    Frozen,
    /// A cycle cannot open without topics or groups.
    NoneChosen,
    /// That status change is not one of the allowed moves.
    NotAllowed,
    /// Review actions need a closed cycle (or one carrying a result forward) that is not confirmed.
    NotInReview,
    /// Only a confirmed result can be carried forward.
    NotConfirmed,
    /// A double-materiality cycle still has assessments to submit or scores to decide.
    Incomplete,
    /// Someone has rated this IRO: what decides the questions and the formula stays.
    Rated,
    /// A link that is not a web address (`http://` or `https://` with a host).
    BadLink,
    /// More items than the field allows.
    TooMany,
    /// Not an e-mail address.
    BadAddress,
    /// The address asked for no more messages.
    OptedOut,
    /// A message template without `{link}`.
    MissingLink,
}

/// A problem with a named field (for a form: the input's name; for an import: the column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub problem: Problem,
}

impl FieldProblem {
    pub fn new(field: &str, problem: Problem) -> Self {
        FieldProblem {
            field: field.to_string(),
            problem,
        }
    }
}

/// Longest topic or group name, in characters.
pub const MAX_NAME: usize = 200;
/// Longest description, concern or channel list, in characters.
pub const MAX_TEXT: usize = 2000;

/// Checks a required bilingual text field pair; pushes problems for `{prefix}_zh` / `{prefix}_en`.
pub fn check_text(
    out: &mut Vec<FieldProblem>,
    field: &str,
    value: &str,
    required: bool,
    max: usize,
) {
    if required && value.trim().is_empty() {
        out.push(FieldProblem::new(field, Problem::Required));
    } else if value.chars().count() > max {
        out.push(FieldProblem::new(field, Problem::TooLong));
    }
}

/// An admin's own category: a name in both languages and a colour (`#rrggbb`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomCategory {
    pub code: String,
    pub name: Bilingual,
    pub colour: String,
}

impl CustomCategory {
    pub fn check(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        if TopicCode::parse(&self.code).is_none() {
            out.push(FieldProblem::new("code", Problem::BadCode));
        }
        check_text(&mut out, "name_zh", &self.name.zh, true, MAX_NAME);
        check_text(&mut out, "name_en", &self.name.en, true, MAX_NAME);
        if !is_colour(&self.colour) {
            out.push(FieldProblem::new("colour", Problem::BadColour));
        }
        out
    }
}

/// `#rrggbb`, as `<input type="color">` sends it.
pub fn is_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// One topic of the library, exactly what an export holds and an import reads. The order of a list
/// of them is the library's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicRecord {
    pub code: String,
    pub category: Category,
    /// Code of a custom category, if the topic has one.
    pub custom_category: Option<String>,
    pub name: Bilingual,
    pub description: Bilingual,
    pub active: bool,
}

/// A topic as the library page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicRow {
    pub record: TopicRecord,
    /// Some cycle has answers for it: it can be retired, not deleted.
    pub answered: bool,
}

/// The columns of the CSV form, in order; the JSON form uses the same names.
pub const COLUMNS: [&str; 8] = [
    "code",
    "category",
    "custom_category",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "active",
];

/// A topic as it arrived, every field still text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawTopic {
    pub code: String,
    pub category: String,
    pub custom_category: String,
    pub name_zh: String,
    pub name_en: String,
    pub description_zh: String,
    pub description_en: String,
    pub active: String,
}

impl RawTopic {
    fn set(&mut self, column: &str, value: String) {
        match column {
            "code" => self.code = value,
            "category" => self.category = value,
            "custom_category" => self.custom_category = value,
            "name_zh" => self.name_zh = value,
            "name_en" => self.name_en = value,
            "description_zh" => self.description_zh = value,
            "description_en" => self.description_en = value,
            "active" => self.active = value,
            _ => {}
        }
    }

    /// Checks one topic on its own: code shape, category, names, lengths, the active flag, and that a
    /// custom category is one of `custom` (the codes that exist).
    pub fn check(&self, custom: &[String]) -> Result<TopicRecord, Vec<FieldProblem>> {
        let mut out = Vec::new();
        let code = self.code.trim();
        if code.is_empty() {
            out.push(FieldProblem::new("code", Problem::Required));
        } else if TopicCode::parse(code).is_none() {
            out.push(FieldProblem::new("code", Problem::BadCode));
        }
        let category = Category::parse(self.category.trim());
        if category.is_none() {
            out.push(FieldProblem::new("category", Problem::BadCategory));
        }
        let custom_category = Some(self.custom_category.trim()).filter(|c| !c.is_empty());
        if let Some(c) = custom_category {
            if !custom.iter().any(|k| k == c) {
                out.push(FieldProblem::new("custom_category", Problem::Unknown));
            }
        }
        check_text(&mut out, "name_zh", &self.name_zh, true, MAX_NAME);
        check_text(&mut out, "name_en", &self.name_en, true, MAX_NAME);
        check_text(
            &mut out,
            "description_zh",
            &self.description_zh,
            false,
            MAX_TEXT,
        );
        check_text(
            &mut out,
            "description_en",
            &self.description_en,
            false,
            MAX_TEXT,
        );
        let active = parse_flag(&self.active);
        if active.is_none() {
            out.push(FieldProblem::new("active", Problem::BadFlag));
        }
        match (category, active) {
            (Some(category), Some(active)) if out.is_empty() => Ok(TopicRecord {
                code: code.to_string(),
                category,
                custom_category: custom_category.map(str::to_string),
                // Text is kept exactly as given, so an export imports back byte for byte.
                name: Bilingual {
                    zh: self.name_zh.clone(),
                    en: self.name_en.clone(),
                },
                description: Bilingual {
                    zh: self.description_zh.clone(),
                    en: self.description_en.clone(),
                },
                active,
            }),
            _ => Err(out),
        }
    }
}

impl From<&TopicRecord> for RawTopic {
    fn from(t: &TopicRecord) -> Self {
        RawTopic {
            code: t.code.clone(),
            category: t.category.as_str().to_string(),
            custom_category: t.custom_category.clone().unwrap_or_default(),
            name_zh: t.name.zh.clone(),
            name_en: t.name.en.clone(),
            description_zh: t.description.zh.clone(),
            description_en: t.description.en.clone(),
            active: t.active.to_string(),
        }
    }
}

/// `true`/`false` (also `1`/`0`, `yes`/`no`); empty means active.
fn parse_flag(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// The two file formats of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// Guesses the format of pasted or uploaded text: JSON starts with `[` or `{`.
    pub fn sniff(text: &str) -> Format {
        match text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .chars()
            .next()
        {
            Some('[') | Some('{') => Format::Json,
            _ => Format::Csv,
        }
    }
}

/// One row of an import as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// Line (CSV, counting the header as 1) or position (JSON, from 1) in the file.
    pub line: usize,
    pub raw: RawTopic,
    pub problems: Vec<FieldProblem>,
    /// What importing it does: add a topic, or change (or leave) the one with its code.
    pub action: RowAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowAction {
    Add,
    Update,
    Unchanged,
}

/// The preview of an import: the file-level problem, if the file could not be read at all, and every
/// row with its problems. Nothing is written unless `ok()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub file_problem: Option<FieldProblem>,
    pub rows: Vec<ImportRow>,
}

impl ImportPreview {
    pub fn ok(&self) -> bool {
        self.file_problem.is_none() && self.rows.iter().all(|r| r.problems.is_empty())
    }

    /// The checked records, in file order, when there is no problem anywhere.
    pub fn records(&self, custom: &[String]) -> Option<Vec<TopicRecord>> {
        if !self.ok() {
            return None;
        }
        self.rows.iter().map(|r| r.raw.check(custom).ok()).collect()
    }
}

/// How many topics an import added and changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    pub added: usize,
    pub updated: usize,
}

/// Reads an import and checks every row against the custom categories that exist and the library as
/// it is (`existing`), marking codes that appear twice in the file.
pub fn preview(text: &str, custom: &[String], existing: &[TopicRecord]) -> ImportPreview {
    let raws = match Format::sniff(text) {
        Format::Csv => read_csv_topics(text),
        Format::Json => read_json_topics(text),
    };
    let raws = match raws {
        Ok(r) if r.is_empty() => {
            return ImportPreview {
                file_problem: Some(FieldProblem::new("file", Problem::NoRows)),
                rows: Vec::new(),
            }
        }
        Ok(r) => r,
        Err(p) => {
            return ImportPreview {
                file_problem: Some(p),
                rows: Vec::new(),
            }
        }
    };
    let mut seen = HashSet::new();
    let rows = raws
        .into_iter()
        .map(|(line, raw)| {
            let checked = raw.check(custom);
            let mut problems = checked.as_ref().err().cloned().unwrap_or_default();
            let code = raw.code.trim().to_string();
            if !code.is_empty() && !seen.insert(code.clone()) {
                problems.push(FieldProblem::new("code", Problem::DuplicateCode));
            }
            let action = match existing.iter().find(|t| t.code == code) {
                None => RowAction::Add,
                Some(old) if checked.as_ref().ok() == Some(old) => RowAction::Unchanged,
                Some(_) => RowAction::Update,
            };
            ImportRow {
                line,
                raw,
                problems,
                action,
            }
        })
        .collect();
    ImportPreview {
        file_problem: None,
        rows,
    }
}

fn read_csv_topics(text: &str) -> Result<Vec<(usize, RawTopic)>, FieldProblem> {
    let mut records = parse_csv(text).into_iter();
    let Some((_, header)) = records.next() else {
        return Ok(Vec::new());
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    for required in ["code", "category", "name_zh", "name_en"] {
        if !header.iter().any(|h| h == required) {
            return Err(FieldProblem::new(required, Problem::MissingColumn));
        }
    }
    Ok(records
        .filter(|(_, fields)| fields.iter().any(|f| !f.trim().is_empty()))
        .map(|(line, fields)| {
            let mut raw = RawTopic::default();
            for (column, value) in header.iter().zip(fields) {
                raw.set(column, restore_formula(&value).to_string());
            }
            (line, raw)
        })
        .collect())
}

fn read_json_topics(text: &str) -> Result<Vec<(usize, RawTopic)>, FieldProblem> {
    let unreadable = || FieldProblem::new("file", Problem::Unreadable);
    let value: serde_json::Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|_| unreadable())?;
    // Either a bare array or {"topics": [...]}.
    let list = match &value {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(o) => match o.get("topics") {
            Some(serde_json::Value::Array(a)) => a,
            _ => return Err(unreadable()),
        },
        _ => return Err(unreadable()),
    };
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            let obj = item.as_object().ok_or_else(unreadable)?;
            let mut raw = RawTopic::default();
            for column in COLUMNS {
                let text = match obj.get(column) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Bool(b)) => b.to_string(),
                    Some(serde_json::Value::Number(n)) => n.to_string(),
                    Some(_) => return Err(unreadable()),
                };
                raw.set(column, text);
            }
            Ok((i + 1, raw))
        })
        .collect()
}

/// The library as CSV: UTF-8 with a byte-order mark (so spreadsheet programs read Chinese correctly),
/// a header row of [`COLUMNS`], CRLF line ends, fields quoted where needed.
pub fn to_csv(topics: &[TopicRecord]) -> String {
    let rows = topics.iter().map(|t| {
        let raw = RawTopic::from(t);
        [
            raw.code,
            raw.category,
            raw.custom_category,
            raw.name_zh,
            raw.name_en,
            raw.description_zh,
            raw.description_en,
            raw.active,
        ]
    });
    csv_document(&COLUMNS, rows)
}

/// The library as JSON: `{"topics": [...]}` with the CSV's field names.
pub fn to_json(topics: &[TopicRecord]) -> String {
    let list: Vec<serde_json::Value> = topics
        .iter()
        .map(|t| {
            serde_json::json!({
                "code": t.code,
                "category": t.category.as_str(),
                "custom_category": t.custom_category,
                "name_zh": t.name.zh,
                "name_en": t.name.en,
                "description_zh": t.description.zh,
                "description_en": t.description.en,
                "active": t.active,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "topics": list }))
        .expect("JSON values always serialise")
}

/// A CSV file as spreadsheets read it: UTF-8 with a byte-order mark (so Chinese survives), the header,
/// one line per row, fields quoted where needed, CRLF line ends, written by the `csv` crate. Text that
/// a spreadsheet would run as a formula is neutralised ([`neutralise_formula`]). Every CSV the
/// product writes is this.
pub fn csv_document<R, F>(header: &[&str], rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = F>,
    F: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let written = w.write_record(header).and_then(|()| {
        rows.into_iter().try_for_each(|row| {
            w.write_record(
                row.into_iter()
                    .map(|f| neutralise_formula(f.as_ref()).into_owned()),
            )
        })
    });
    written.expect("writing CSV to memory cannot fail");
    let bytes = w.into_inner().expect("writing CSV to memory cannot fail");
    format!(
        "\u{feff}{}",
        String::from_utf8(bytes).expect("CSV of UTF-8 text is UTF-8")
    )
}

/// Whether a spreadsheet would take the text for a formula: it begins with `=`, `+`, `-`, `@`, a tab
/// or a carriage return (OWASP's list) and is not a number.
fn formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.trim().parse::<f64>().is_err()
}

/// A CSV text cell made safe to open in a spreadsheet: formula-like text (and text that would read
/// as such once a leading `'` is removed) gets a `'` in front, which spreadsheets show as text.
/// Numbers stay numbers. [`restore_formula`] undoes it, so an export imports back unchanged.
pub fn neutralise_formula(s: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(s)
        || s.strip_prefix('\'')
            .is_some_and(|rest| rest.starts_with('\'') || formula_like(rest))
    {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// The text [`neutralise_formula`] was given.
pub fn restore_formula(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if formula_like(rest) || rest.starts_with('\'') => rest,
        _ => s,
    }
}

/// Parses CSV with the `csv` crate (quoted fields may hold commas, quotes and line breaks; rows may
/// differ in length; blank lines are skipped; a leading byte-order mark is skipped). Returns each
/// record with the line it starts on (from 1).
pub fn parse_csv(text: &str) -> Vec<(usize, Vec<String>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    // Where the line count stands: (byte offset, line there). Records come in order, so each count
    // goes on from the last one and the whole text is scanned once.
    let mut at = (0, 1);
    reader
        .records()
        // A `&str` is valid UTF-8 and the reader is flexible: a record can fail only on I/O, which
        // reading from memory does not do.
        .filter_map(Result::ok)
        .map(|r| {
            // The reader's position of a record is where it began reading it: before the line
            // breaks (and blank lines) ahead of the record. Skip those, then count the breaks
            // (CRLF, LF or a lone CR) up to the record's first byte.
            let mut start = r
                .position()
                .map_or(0, |p| p.byte() as usize)
                .clamp(at.0, bytes.len());
            while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            let breaks = (at.0..start)
                .filter(|&i| {
                    bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
                })
                .count();
            at = (start, at.1 + breaks);
            (at.1, r.iter().map(str::to_string).collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(code: &str, zh: &str, en: &str) -> TopicRecord {
        TopicRecord {
            code: code.into(),
            category: Category::S,
            custom_category: None,
            name: Bilingual {
                zh: zh.into(),
                en: en.into(),
            },
            description: Bilingual::default(),
            active: true,
        }
    }

    #[test]
    fn csv_parses_quotes_commas_and_line_breaks() {
        let text = "\u{feff}a,b,c\r\n1,\"x, \"\"y\"\"\",\"two\nlines\"\r\n\r\nlast,,";
        let rows = parse_csv(text);
        assert_eq!(
            rows,
            vec![
                (1, vec!["a".into(), "b".into(), "c".into()]),
                (2, vec!["1".into(), "x, \"y\"".into(), "two\nlines".into()]),
                (5, vec!["last".into(), "".into(), "".into()]),
            ]
        );
    }

    #[test]
    fn formulas_are_neutralised_in_csv_and_import_back_unchanged() {
        let texts = [
            "=HYPERLINK(\"https://evil.example\",\"click\")",
            "+1+1",
            "-2+3",
            "@SUM(A1:A9)",
            "\tindented",
            "\rreturn",
            "'=already quoted",
            "''two quotes",
            "-",
        ];
        let library: Vec<TopicRecord> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut r = record(&format!("S{i}"), t, t);
                r.description = Bilingual {
                    zh: t.to_string(),
                    en: format!("{t} and more"),
                };
                r
            })
            .collect();
        let csv = to_csv(&library);
        for line in parse_csv(&csv).into_iter().skip(1) {
            for cell in &line.1[3..7] {
                assert!(!formula_like(cell), "{cell:?} would run in a spreadsheet");
            }
        }
        assert!(csv.contains("'=HYPERLINK("), "{csv}");
        let p = preview(&csv, &[], &[]);
        assert!(p.ok(), "{p:?}");
        assert_eq!(p.records(&[]).unwrap(), library);
        // Numbers stay numbers; ordinary text is untouched.
        for n in ["-1", "-0.5", "+3", "4.0000", "Green operations", "'quoted'"] {
            assert_eq!(neutralise_formula(n), n);
            assert_eq!(restore_formula(n), n);
        }
        let doc = csv_document(&["a", "b"], [["=1+1", "-1.5"]]);
        assert_eq!(doc, "\u{feff}a,b\r\n'=1+1,-1.5\r\n");
    }

    #[test]
    fn csv_and_json_round_trip_exactly_with_chinese_text() {
        let mut a = record("S1", "数据安全与隐私保护", "Data security, \"privacy\"");
        a.description = Bilingual {
            zh: "第一行\n第二行".into(),
            en: " leading space".into(),
        };
        a.custom_category = Some("PR".into());
        let mut b = record("G2", "合规管理", "Compliance");
        b.active = false;
        b.category = Category::G;
        let library = vec![a, b];
        let custom = vec!["PR".to_string()];
        for text in [to_csv(&library), to_json(&library)] {
            let p = preview(&text, &custom, &[]);
            assert!(p.ok(), "{p:?}");
            assert_eq!(p.records(&custom).unwrap(), library);
        }
    }

    #[test]
    fn every_bad_row_is_reported_and_nothing_passes() {
        let text = "code,category,name_zh,name_en,active\n\
                    E1,E,绿色运营,Green operations,\n\
                    E1,E,重复,Duplicate,\n\
                    9X,Q,,Name,maybe\n\
                    G1,G,企业管治,,false\n";
        let existing = vec![record("E1", "旧", "Old")];
        let p = preview(text, &[], &existing);
        assert!(!p.ok());
        assert_eq!(p.records(&[]), None);
        let problems: Vec<Vec<(String, Problem)>> = p
            .rows
            .iter()
            .map(|r| {
                r.problems
                    .iter()
                    .map(|f| (f.field.clone(), f.problem))
                    .collect()
            })
            .collect();
        assert_eq!(problems[0], vec![]);
        assert_eq!(problems[1], vec![("code".into(), Problem::DuplicateCode)]);
        assert_eq!(
            problems[2],
            vec![
                ("code".into(), Problem::BadCode),
                ("category".into(), Problem::BadCategory),
                ("name_zh".into(), Problem::Required),
                ("active".into(), Problem::BadFlag),
            ]
        );
        assert_eq!(problems[3], vec![("name_en".into(), Problem::Required)]);
        assert_eq!(p.rows[0].action, RowAction::Update);
        assert_eq!(p.rows[3].action, RowAction::Add);
        assert_eq!(p.rows[3].line, 5);
    }

    #[test]
    fn unreadable_files_say_why() {
        let p = preview("code,name_en\nE1,x\n", &[], &[]);
        assert_eq!(
            p.file_problem,
            Some(FieldProblem::new("category", Problem::MissingColumn))
        );
        let p = preview("[1, 2", &[], &[]);
        assert_eq!(
            p.file_problem,
            Some(FieldProblem::new("file", Problem::Unreadable))
        );
        let p = preview("code,category,name_zh,name_en\n", &[], &[]);
        assert_eq!(
            p.file_problem,
            Some(FieldProblem::new("file", Problem::NoRows))
        );
        assert!(!p.ok());
    }

    #[test]
    fn unknown_custom_category_and_overlong_text() {
        let raw = RawTopic {
            code: "S1".into(),
            category: "S".into(),
            custom_category: "NOPE".into(),
            name_zh: "名".repeat(MAX_NAME + 1),
            name_en: "ok".into(),
            ..Default::default()
        };
        let problems = raw.check(&["PR".into()]).unwrap_err();
        assert_eq!(
            problems,
            vec![
                FieldProblem::new("custom_category", Problem::Unknown),
                FieldProblem::new("name_zh", Problem::TooLong),
            ]
        );
    }

    #[test]
    fn a_bare_json_array_imports_and_numbers_its_rows_from_one() {
        let text = r#"[{"code": "E1", "category": "E", "name_zh": "绿色运营", "name_en": "Green operations"},
                       {"code": "S1", "category": "S", "name_zh": "员工", "name_en": "Employees"}]"#;
        let existing = vec![{
            let mut e1 = record("E1", "绿色运营", "Green operations");
            e1.category = Category::E;
            e1
        }];
        let p = preview(text, &[], &existing);
        assert!(p.ok(), "{p:?}");
        assert_eq!(p.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 2]);
        // The same topic as the library has: nothing to do; a new one is added.
        assert_eq!(p.rows[0].action, RowAction::Unchanged);
        assert_eq!(p.rows[1].action, RowAction::Add);
    }

    #[test]
    fn a_text_may_be_exactly_as_long_as_its_limit() {
        let mut out = Vec::new();
        check_text(&mut out, "name", &"名".repeat(MAX_NAME), true, MAX_NAME);
        assert_eq!(out, vec![]);
        check_text(&mut out, "name", &"名".repeat(MAX_NAME + 1), true, MAX_NAME);
        assert_eq!(out, vec![FieldProblem::new("name", Problem::TooLong)]);
    }

    #[test]
    fn an_own_category_needs_a_code_both_names_and_a_colour() {
        let good = CustomCategory {
            code: "PR".into(),
            name: Bilingual {
                zh: "产品责任".into(),
                en: "Product responsibility".into(),
            },
            colour: "#1f77b4".into(),
        };
        assert_eq!(good.check(), vec![]);
        let bad = CustomCategory {
            code: "9 x".into(),
            name: Bilingual::default(),
            colour: "blue".into(),
        };
        assert_eq!(
            bad.check(),
            vec![
                FieldProblem::new("code", Problem::BadCode),
                FieldProblem::new("name_zh", Problem::Required),
                FieldProblem::new("name_en", Problem::Required),
                FieldProblem::new("colour", Problem::BadColour),
            ]
        );
    }

    #[test]
    fn colours() {
        assert!(is_colour("#a1B2c3"));
        for bad in ["a1b2c3", "#a1b2c", "#ggg000", "#a1b2c3d", "red"] {
            assert!(!is_colour(bad), "{bad}");
        }
    }
}
