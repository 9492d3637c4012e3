//! The IRO register as a file: exported as CSV or a workbook, imported back all or nothing after a
//! preview that shows every row with its problems, as the topic library's import does. A row with a
//! number in `iro` corrects that IRO under the same rules as its page (fields that decide the
//! questions stay once anyone has rated it); a row without one adds an IRO.

use super::double_materiality::{Dimension, IroKind};
use super::iro::{
    rated_changes, word, words, IroForm, IroRecord, IroRow, CHAIN, HORIZONS, SOURCES,
};
use super::library::{parse_csv, restore_formula, FieldProblem, Imported, Problem, RowAction};
use super::results::{Cell, Table};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The register file's columns, in the order the export writes them. An import needs the first
/// eight after `iro` (or `potential`, true or false, in place of `occurrence`, as the scores'
/// `iros.csv` has it); `iro`, `human_rights` and `leads_to` may be left out. Other columns are
/// ignored, so the scores' file imports too.
pub const COLUMNS: [&str; 11] = [
    "iro",
    "matter",
    "kind",
    "occurrence",
    "human_rights",
    "value_chain",
    "horizons",
    "description_zh",
    "description_en",
    "source",
    "leads_to",
];

/// At most this many bytes in an import (the file as uploaded), and this many rows.
pub const MAX_FILE_BYTES: usize = 1 << 20;
pub const MAX_ROWS: usize = 5000;

/// The cycle's active IROs as the register file: one row each, in the order they were added.
pub fn register_table(iros: &[IroRow]) -> Table {
    let text = |s: &str| Cell::Text(s.to_string());
    let rows = iros
        .iter()
        .filter(|r| !r.retired)
        .map(|row| {
            let r = &row.record;
            vec![
                Cell::Int(row.id),
                text(&r.matter),
                text(r.iro.kind.word()),
                text(r.occurrence_word()),
                Cell::Bool(r.iro.human_rights),
                text(&words(&CHAIN, &r.value_chain)),
                text(&words(&HORIZONS, &r.iro.horizons)),
                text(&r.description.zh),
                text(&r.description.en),
                text(word(&SOURCES, r.source)),
                text(&link_list(&r.leads_to)),
            ]
        })
        .collect();
    Table::new(&COLUMNS, rows)
}

/// IRO numbers as the file writes them: `7,12`.
pub fn link_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// An uploaded or pasted register file: CSV text, or a workbook's bytes in base64 (`xlsx`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterFile {
    pub text: String,
    #[serde(default)]
    pub xlsx: bool,
}

/// One row of an import: where it is in the file, the IRO it corrects (none: it adds one), its
/// fields as the file has them, what importing it does and its problems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterRow {
    pub line: usize,
    pub iro: Option<i64>,
    pub form: IroForm,
    pub action: RowAction,
    pub problems: Vec<FieldProblem>,
    /// The row as checked, when it has no problem (kept on the server, not sent).
    #[serde(skip)]
    pub record: Option<IroRecord>,
}

/// What an import would do. Nothing is written unless [`RegisterPreview::ok`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterPreview {
    pub file_problem: Option<FieldProblem>,
    pub rows: Vec<RegisterRow>,
}

impl RegisterPreview {
    pub fn ok(&self) -> bool {
        self.file_problem.is_none() && self.rows.iter().all(|r| r.problems.is_empty())
    }

    fn refused(problem: FieldProblem) -> RegisterPreview {
        RegisterPreview {
            file_problem: Some(problem),
            rows: Vec::new(),
        }
    }

    /// How many rows add and change IROs.
    pub fn counts(&self) -> Imported {
        let n = |a| self.rows.iter().filter(|r| r.action == a).count();
        Imported {
            added: n(RowAction::Add),
            updated: n(RowAction::Update),
        }
    }
}

/// The register as it is, what an import is checked against: the matters' codes, the active IROs
/// and which of them anyone has rated.
pub struct RegisterNow {
    pub matters: BTreeSet<String>,
    pub iros: BTreeMap<i64, IroRecord>,
    pub rated: BTreeSet<i64>,
}

/// The file's rows as text, by column name, each with its line (CSV, the header being line 1) or row
/// (workbook) number.
pub type FileRows = Vec<(usize, Vec<(String, String)>)>;

/// A CSV file's rows by column name; formula-neutralised cells read back as written.
pub fn csv_rows(text: &str) -> FileRows {
    let mut records = parse_csv(text).into_iter();
    let Some((_, header)) = records.next() else {
        return Vec::new();
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    records
        .map(|(line, fields)| {
            let cells = header
                .iter()
                .cloned()
                .zip(fields.iter().map(|f| restore_formula(f).to_string()))
                .collect();
            (line, cells)
        })
        .collect()
}

/// What importing `rows` into the register `now` would do, every row checked: its fields as the IRO
/// form checks them (links against the kinds the import leaves), its number an active IRO of the
/// cycle and not twice in the file, a rated IRO's fixed fields unchanged, and an IRO that another
/// names as the risk it gives rise to not turned into an impact.
pub fn preview(
    header_and_rows: Result<FileRows, FieldProblem>,
    now: &RegisterNow,
) -> RegisterPreview {
    let rows = match header_and_rows {
        Err(p) => return RegisterPreview::refused(p),
        Ok(rows) => rows,
    };
    let rows: FileRows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|(_, v)| !v.trim().is_empty()))
        .collect();
    if rows.is_empty() {
        return RegisterPreview::refused(FieldProblem::new("file", Problem::NoRows));
    }
    if rows.len() > MAX_ROWS {
        return RegisterPreview::refused(FieldProblem::new("file", Problem::TooMany));
    }
    let columns: BTreeSet<&str> = rows
        .iter()
        .flat_map(|(_, cells)| cells.iter().map(|(c, _)| c.as_str()))
        .collect();
    for required in &COLUMNS[1..10] {
        let stand_in = *required == "occurrence" && columns.contains("potential");
        if !columns.contains(required) && !stand_in && *required != "human_rights" {
            return RegisterPreview::refused(FieldProblem::new(required, Problem::MissingColumn));
        }
    }
    let read: Vec<ReadRow> = rows
        .iter()
        .map(|(line, cells)| read_row(*line, cells))
        .collect();
    // The kinds the register will have: the file's where it corrects an IRO, the register's others.
    let mut kinds: BTreeMap<i64, IroKind> =
        now.iros.iter().map(|(id, r)| (*id, r.iro.kind)).collect();
    for ReadRow { iro, form, .. } in &read {
        if let (Ok(Some(id)), Some(kind)) =
            (iro, super::iro::lookup(&super::iro::KINDS, &form.kind))
        {
            if kinds.contains_key(id) {
                kinds.insert(*id, kind);
            }
        }
    }
    let corrected: BTreeSet<i64> = read.iter().filter_map(|r| r.iro.ok().flatten()).collect();
    let mut seen = BTreeSet::new();
    let rows = read
        .into_iter()
        .map(
            |ReadRow {
                 line,
                 iro,
                 mut form,
                 flag,
             }| {
                // A column the file leaves out keeps what a corrected IRO has (links, human rights).
                if let Some(before) = iro.ok().flatten().and_then(|id| now.iros.get(&id)) {
                    if !columns.contains("leads_to") {
                        form.leads_to = link_list(&before.leads_to);
                    }
                    if !columns.contains("human_rights") {
                        form.human_rights = before.iro.human_rights;
                    }
                }
                let mut problems: Vec<FieldProblem> = flag.into_iter().collect();
                let checked = form.check(&now.matters, &kinds);
                if let Err(p) = &checked {
                    problems.extend(p.iter().cloned());
                }
                let (iro, action) = match iro {
                    Err(()) => {
                        problems.push(FieldProblem::new("iro", Problem::Unknown));
                        (None, RowAction::Add)
                    }
                    Ok(None) => (None, RowAction::Add),
                    Ok(Some(id)) => match now.iros.get(&id) {
                        None => {
                            problems.push(FieldProblem::new("iro", Problem::Unknown));
                            (Some(id), RowAction::Update)
                        }
                        Some(before) => {
                            if !seen.insert(id) {
                                problems.push(FieldProblem::new("iro", Problem::DuplicateCode));
                            }
                            let action = match &checked {
                                Ok(after) if after == before => RowAction::Unchanged,
                                _ => RowAction::Update,
                            };
                            if let Ok(after) = &checked {
                                if now.rated.contains(&id) {
                                    problems.extend(rated_changes(&before.iro, &after.iro));
                                }
                                // Named by an IRO the file leaves as it is: it stays a risk or opportunity.
                                let named = now.iros.iter().any(|(other, r)| {
                                    !corrected.contains(other) && r.leads_to.contains(&id)
                                });
                                if named && after.iro.kind.dimension() == Dimension::Impact {
                                    problems.push(FieldProblem::new("kind", Problem::InUse));
                                }
                            }
                            (Some(id), action)
                        }
                    },
                };
                let record = checked.ok().filter(|_| problems.is_empty());
                RegisterRow {
                    line,
                    iro,
                    form,
                    action,
                    problems,
                    record,
                }
            },
        )
        .collect();
    RegisterPreview {
        file_problem: None,
        rows,
    }
}

/// One row of the file as read: its line, the IRO it names (`Err`: not a number), the form's fields,
/// and a problem with its `human_rights` cell.
struct ReadRow {
    line: usize,
    iro: Result<Option<i64>, ()>,
    form: IroForm,
    flag: Option<FieldProblem>,
}

fn read_row(line: usize, cells: &[(String, String)]) -> ReadRow {
    let get = |name: &str| {
        cells
            .iter()
            .find(|(c, _)| c == name)
            .map_or("", |(_, v)| v.as_str())
            .trim()
            .to_string()
    };
    let list = |name: &str| get(name).split(',').map(str::to_string).collect();
    let flag = |name: &str| match get(name).to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" => Some(false),
        "true" | "1" | "yes" => Some(true),
        _ => None,
    };
    let iro = get("iro");
    let iro = match iro.strip_prefix('#').unwrap_or(&iro) {
        "" => Ok(None),
        n => n.parse().map(Some).map_err(|_| ()),
    };
    let occurrence = match get("occurrence") {
        // An empty `potential` is missing, not "actual".
        o if o.is_empty() && cells.iter().any(|(c, _)| c == "potential") => {
            match get("potential").to_ascii_lowercase().as_str() {
                "" => String::new(),
                "true" | "1" | "yes" => "potential".to_string(),
                "false" | "0" | "no" => "actual".to_string(),
                _ => "?".to_string(),
            }
        }
        o => o,
    };
    let human_rights = flag("human_rights");
    let form = IroForm {
        matter: get("matter"),
        kind: get("kind"),
        occurrence,
        value_chain: list("value_chain"),
        horizons: list("horizons"),
        human_rights: human_rights.unwrap_or(false),
        description_zh: get("description_zh"),
        description_en: get("description_en"),
        source: get("source"),
        leads_to: get("leads_to"),
    };
    let problem = human_rights
        .is_none()
        .then(|| FieldProblem::new("human_rights", Problem::BadFlag));
    ReadRow {
        line,
        iro,
        form,
        flag: problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::double_materiality::{Horizon, Iro};
    use crate::domain::iro::{IroSource, ValueChain};
    use crate::domain::Bilingual;

    fn record(kind: IroKind, leads_to: Vec<i64>) -> IroRecord {
        IroRecord {
            matter: "E1".into(),
            iro: Iro {
                kind,
                potential: false,
                human_rights: false,
                horizons: vec![Horizon::Short],
            },
            value_chain: vec![ValueChain::OwnOperations],
            description: Bilingual {
                zh: "排放".into(),
                en: "=Emissions, \"direct\"".into(),
            },
            source: IroSource::Expert,
            leads_to,
        }
    }

    /// A register with an impact (1) giving rise to a risk (2), and an opportunity (3) rated.
    fn now() -> RegisterNow {
        RegisterNow {
            matters: ["E1", "S1"].map(String::from).into(),
            iros: [
                (1, record(IroKind::NegativeImpact, vec![2])),
                (2, record(IroKind::Risk, vec![])),
                (3, record(IroKind::Opportunity, vec![])),
            ]
            .into(),
            rated: [3].into(),
        }
    }

    fn rows(now: &RegisterNow) -> Vec<IroRow> {
        now.iros
            .iter()
            .map(|(id, r)| IroRow {
                id: *id,
                record: r.clone(),
                retired: false,
            })
            .collect()
    }

    fn problems(p: &RegisterPreview) -> Vec<(usize, Vec<(String, Problem)>)> {
        p.rows
            .iter()
            .filter(|r| !r.problems.is_empty())
            .map(|r| {
                let list = r.problems.iter().map(|p| (p.field.clone(), p.problem));
                (r.line, list.collect())
            })
            .collect()
    }

    #[test]
    fn an_exported_register_imports_back_unchanged() {
        let now = now();
        let csv = register_table(&rows(&now)).csv();
        assert!(
            csv.starts_with("\u{feff}iro,matter,kind,occurrence,human_rights,"),
            "{csv}"
        );
        assert!(
            csv.contains(r#","'=Emissions, ""direct""","#),
            "neutralised: {csv}"
        );
        let p = preview(Ok(csv_rows(&csv)), &now);
        assert!(p.ok(), "{p:?}");
        let actions: Vec<_> = p.rows.iter().map(|r| (r.iro, r.action)).collect();
        assert_eq!(
            actions,
            [
                (Some(1), RowAction::Unchanged),
                (Some(2), RowAction::Unchanged),
                (Some(3), RowAction::Unchanged),
            ]
        );
        assert_eq!(
            p.counts(),
            Imported {
                added: 0,
                updated: 0
            }
        );
    }

    #[test]
    fn new_and_corrected_rows_are_told_apart() {
        let csv = "matter,kind,potential,value_chain,horizons,description_zh,description_en,source,iro,leads_to\n\
                   S1,positive_impact,false,\"upstream,downstream\",\"short,long\",培训,Training,workshop,,\"2,3\"\n\
                   E1,risk,true,own_operations,short,排放,Emissions,expert,#2,\n";
        let p = preview(Ok(csv_rows(csv)), &now());
        assert!(p.ok(), "{p:?}");
        assert_eq!(p.rows[0].action, RowAction::Add);
        assert_eq!(
            p.rows[0].form.occurrence, "actual",
            "from the potential column"
        );
        assert_eq!(p.rows[1].iro, Some(2));
        assert_eq!(p.rows[1].action, RowAction::Update, "now anticipated");
        assert_eq!(
            p.counts(),
            Imported {
                added: 1,
                updated: 1
            }
        );
    }

    #[test]
    fn every_problem_is_shown_by_row_and_field() {
        let csv = "iro,matter,kind,occurrence,human_rights,value_chain,horizons,description_zh,description_en,source,leads_to\n\
                   x,E1,risk,current,,own_operations,short,a,a,expert,\n\
                   9,E1,risk,current,,own_operations,short,a,a,expert,\n\
                   3,E1,opportunity,anticipated,,own_operations,short,a,a,expert,\n\
                   2,E1,negative_impact,actual,maybe,own_operations,short,a,a,expert,\n\
                   1,E9,negative_impact,actual,,own_operations,short,a,a,expert,2\n\
                   1,E1,negative_impact,actual,,own_operations,short,a,a,expert,\n";
        let p = preview(Ok(csv_rows(csv)), &now());
        assert!(!p.ok());
        let s = |f: &str, p| (f.to_string(), p);
        assert_eq!(
            problems(&p),
            [
                (2, vec![s("iro", Problem::Unknown)]),
                (3, vec![s("iro", Problem::Unknown)]),
                // Rated: it stays current.
                (4, vec![s("occurrence", Problem::Rated)]),
                // Named by IRO 1, and 1's link to it is refused now that it becomes an impact.
                (5, vec![s("human_rights", Problem::BadFlag)]),
                (
                    6,
                    vec![
                        s("matter", Problem::Unknown),
                        s("leads_to", Problem::NotAllowed)
                    ]
                ),
                (7, vec![s("iro", Problem::DuplicateCode)]),
            ]
        );
        // An impact the file leaves alone still names risk 2: it cannot become an impact.
        let csv = "iro,matter,kind,occurrence,value_chain,horizons,description_zh,description_en,source\n\
                   2,E1,negative_impact,actual,own_operations,short,a,a,expert\n";
        let p = preview(Ok(csv_rows(csv)), &now());
        assert_eq!(problems(&p), [(2, vec![s("kind", Problem::InUse)])]);
    }

    #[test]
    fn a_column_left_out_keeps_what_the_iro_has() {
        // IRO 1 gives rise to 2 and (here) concerns human rights; the file has neither column.
        let mut now = now();
        now.iros.get_mut(&1).unwrap().iro.human_rights = true;
        let csv = "iro,matter,kind,potential,value_chain,horizons,description_zh,description_en,source\n\
                   1,E1,negative_impact,false,own_operations,short,排放,\"=Emissions, \"\"direct\"\"\",expert\n\
                   ,E1,risk,,own_operations,short,a,a,expert\n";
        let p = preview(Ok(csv_rows(csv)), &now);
        assert_eq!(p.rows[0].action, RowAction::Unchanged, "{:?}", p.rows[0]);
        assert_eq!(p.rows[0].record.as_ref().unwrap().leads_to, [2]);
        // An empty `potential` is missing, not "actual".
        assert_eq!(
            p.rows[1].problems,
            [FieldProblem::new("occurrence", Problem::Required)]
        );
    }

    #[test]
    fn a_file_without_rows_or_columns_is_refused_whole() {
        let refused = |csv: &str| preview(Ok(csv_rows(csv)), &now()).file_problem;
        assert_eq!(
            refused("iro,matter\n"),
            Some(FieldProblem::new("file", Problem::NoRows))
        );
        assert_eq!(
            refused("matter,kind\nE1,risk\n"),
            Some(FieldProblem::new("occurrence", Problem::MissingColumn))
        );
        let many = format!(
            "matter,kind,occurrence,value_chain,horizons,description_zh,description_en,source\n{}",
            "E1,risk,current,upstream,short,a,a,expert\n".repeat(MAX_ROWS + 1)
        );
        assert_eq!(
            refused(&many),
            Some(FieldProblem::new("file", Problem::TooMany))
        );
        let unreadable = FieldProblem::new("file", Problem::Unreadable);
        assert_eq!(
            preview(Err(unreadable.clone()), &now()).file_problem,
            Some(unreadable)
        );
    }
}
