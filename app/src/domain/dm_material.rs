//! The material-matter list of a double-materiality cycle, this method's counterpart of the survey's
//! material-topic list: every matter that stands material, in the register's order with the top of
//! its tree, and year over year — each matter's materiality in the cycle this one was copied from,
//! and the matters material there that no longer are. Pure: from the two cycles' assessments.

use super::dm_disclosure::{iro2_cells, materiality_word, matter_rows, Iro2Row, IRO2_COLUMNS};
use super::dm_export::text;
use super::double_materiality::MatterMateriality;
use super::iro::AssessmentView;
use super::Table;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The cycle a year-over-year comparison looks back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousCycle {
    pub id: i64,
    pub name: String,
    pub year: i32,
}

/// A matter of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialMatter {
    /// As IRO-2 lists it; `materiality` is `NotMaterial` for a matter that was material in the
    /// previous cycle and no longer is.
    pub row: Iro2Row,
    /// Its materiality in the previous cycle; `None` when there is none or the matter was not in it.
    pub before: Option<MatterMateriality>,
}

/// The list, with the cycle it is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialMatters {
    pub previous: Option<PreviousCycle>,
    pub rows: Vec<MaterialMatter>,
}

/// The material matters of `view`, compared with `previous` (the cycle it was copied from and that
/// cycle's assessment) when there is one.
pub fn material_matters(
    view: &AssessmentView,
    previous: Option<(PreviousCycle, &AssessmentView)>,
) -> MaterialMatters {
    let before: BTreeMap<&str, MatterMateriality> = previous
        .as_ref()
        .map(|(_, v)| {
            v.matters
                .iter()
                .map(|m| (m.matter.code.as_str(), m.position.materiality))
                .collect()
        })
        .unwrap_or_default();
    let was_material = |code: &str| {
        before
            .get(code)
            .is_some_and(|m| *m != MatterMateriality::NotMaterial)
    };
    let rows = matter_rows(view, |m| {
        m.position.materiality != MatterMateriality::NotMaterial || was_material(&m.matter.code)
    })
    .into_iter()
    .map(|row| MaterialMatter {
        before: before.get(row.matter.as_str()).copied(),
        row,
    })
    .collect();
    MaterialMatters {
        previous: previous.map(|(p, _)| p),
        rows,
    }
}

/// The list as a table: IRO-2's columns, then `previous_materiality` (empty without a previous
/// cycle, `absent` for a matter it did not have) and the management-approach note (`notes` by
/// matter code).
pub fn material_matters_table(list: &MaterialMatters, notes: &BTreeMap<String, String>) -> Table {
    let mut header = IRO2_COLUMNS.to_vec();
    header.extend(["previous_materiality", "management_note"]);
    let rows = list
        .rows
        .iter()
        .map(|m| {
            let before = match (&list.previous, m.before) {
                (None, _) => "",
                (Some(_), None) => "absent",
                (Some(_), Some(b)) => materiality_word(b),
            };
            let note = notes.get(&m.row.matter).cloned().unwrap_or_default();
            let mut cells = iro2_cells(m.row.clone());
            cells.extend([text(before), text(note)]);
            cells
        })
        .collect();
    Table::new(&header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::double_materiality::{MatterPosition, Method, Scoring};
    use crate::domain::iro::MatterResult;
    use crate::domain::matters::MatterRow;
    use crate::domain::{Bilingual, CycleStatus};

    fn view(matters: &[(&str, Option<&str>, MatterMateriality)]) -> AssessmentView {
        let ids: BTreeMap<&str, i64> = matters
            .iter()
            .enumerate()
            .map(|(i, m)| (m.0, i as i64 + 1))
            .collect();
        AssessmentView {
            id: 1,
            name: "DMA".into(),
            status: CycleStatus::Closed,
            method: Method::Double,
            scoring: Scoring::default(),
            preset: None,
            assessors: 0,
            assessments: 0,
            iros: Vec::new(),
            matters: matters
                .iter()
                .map(|&(code, parent, materiality)| MatterResult {
                    matter: MatterRow {
                        id: ids[code],
                        code: code.into(),
                        parent: parent.map(|p| ids[p]),
                        pillar: "E".into(),
                        name: Bilingual {
                            zh: format!("议题{code}"),
                            en: format!("Matter {code}"),
                        },
                        entity_specific: false,
                    },
                    position: MatterPosition {
                        financial: Some(1.0),
                        impact: Some(3.5),
                        materiality,
                        undecided: 0,
                    },
                    iros: 1,
                    stakeholders: Vec::new(),
                })
                .collect(),
            stamp: None,
            carried: None,
        }
    }

    use MatterMateriality::*;

    #[test]
    fn the_list_compares_each_matter_with_the_previous_cycle() {
        let now = view(&[
            ("E1", None, NotMaterial),
            ("E1.1", Some("E1"), Impact),
            ("E1.2", Some("E1"), NotMaterial),
            ("E1.3", Some("E1"), NotMaterial),
            ("E2", None, Double),
        ]);
        let then = view(&[
            ("E1", None, NotMaterial),
            ("E1.1", Some("E1"), NotMaterial),
            ("E1.2", Some("E1"), Financial),
            ("E1.3", Some("E1"), NotMaterial),
        ]);
        let previous = PreviousCycle {
            id: 7,
            name: "DMA 2025".into(),
            year: 2025,
        };
        let list = material_matters(&now, Some((previous.clone(), &then)));
        let rows: Vec<(&str, &str, MatterMateriality, Option<MatterMateriality>)> = list
            .rows
            .iter()
            .map(|m| {
                (
                    m.row.standard.as_str(),
                    m.row.matter.as_str(),
                    m.row.materiality,
                    m.before,
                )
            })
            .collect();
        // Material now (E1.1, E2: new), or material then and no longer (E1.2); never E1 or E1.3.
        assert_eq!(
            rows,
            [
                ("E1", "E1.1", Impact, Some(NotMaterial)),
                ("E1", "E1.2", NotMaterial, Some(Financial)),
                ("E2", "E2", Double, None),
            ]
        );
        assert_eq!(list.previous, Some(previous));
        let notes = BTreeMap::from([("E2".to_string(), "Policy P-3".to_string())]);
        let table = material_matters_table(&list, &notes);
        assert_eq!(
            table.header[9..],
            ["previous_materiality", "management_note"]
        );
        let last = |row: usize| {
            table.rows[row][9..]
                .iter()
                .map(|c| c.text())
                .collect::<Vec<_>>()
        };
        assert_eq!(last(0), ["not_material", ""]);
        assert_eq!(last(1), ["financial", ""]);
        assert_eq!(last(2), ["absent", "Policy P-3"]);

        // Without a previous cycle: only what is material now, and no comparison.
        let alone = material_matters(&now, None);
        assert_eq!(alone.rows.len(), 2);
        assert!(alone.rows.iter().all(|m| m.before.is_none()));
        let table = material_matters_table(&alone, &BTreeMap::new());
        assert_eq!(table.rows[0][9].text(), "");
    }
}
