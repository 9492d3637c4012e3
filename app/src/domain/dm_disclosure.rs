//! Drafts of the disclosures a double-materiality assessment feeds (ESRS 2): the facts of the IRO-1
//! methodology text, the SBM-3 table of material impacts, risks and opportunities, and the IRO-2 list
//! of material matters with the topical standard each brings into scope. Pure: everything comes from
//! one [`AssessmentView`], so the pages, the files and the scores page hold the same numbers.

use super::dm_export::text;
use super::double_materiality::{Horizon, IroKind, MatterMateriality, Scoring, Standing};
use super::iro::{words, AssessmentView, ValueChain, CHAIN, HORIZONS};
use super::{Bilingual, Cell, Table};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A material IRO as SBM-3 lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sbm3Row {
    pub iro: i64,
    pub matter: String,
    pub matter_name: Bilingual,
    pub kind: IroKind,
    pub potential: bool,
    pub human_rights: bool,
    pub value_chain: Vec<ValueChain>,
    pub horizons: Vec<Horizon>,
    pub description: Bilingual,
    /// The score that counts (calibrated, else computed); `None` for a not-assessable IRO made
    /// material by decision.
    pub score: Option<f64>,
    pub calibrated: bool,
    /// Material by the decision group's recorded decision, not by its score.
    pub decided: bool,
}

/// A material matter as IRO-2 lists it, with the topical standard (the top of its tree) it brings
/// into scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Iro2Row {
    pub standard: String,
    pub standard_name: Bilingual,
    pub matter: String,
    pub matter_name: Bilingual,
    pub materiality: MatterMateriality,
    pub financial: Option<f64>,
    pub impact: Option<f64>,
}

/// What the IRO-1 methodology text states, counted from the assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Iro1Facts {
    /// The preset the matters came from, with its version.
    pub preset: Option<String>,
    pub entity_specific: usize,
    /// Active IROs by kind: negative impacts, positive impacts, risks, opportunities.
    pub by_kind: [usize; 4],
    pub assessors: usize,
    /// Assignments submitted (waived ones not counted).
    pub assessments: i64,
    pub calibrated: usize,
    pub decided: usize,
    /// Material matters: double, impact only, financial only.
    pub material: [usize; 3],
    pub scoring: Scoring,
}

/// Everything the disclosure drafts page shows of a cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disclosures {
    pub id: i64,
    pub name: String,
    pub method: super::double_materiality::Method,
    pub facts: Iro1Facts,
    pub stamp: Option<super::Stamp>,
    pub sbm3: Vec<Sbm3Row>,
    pub iro2: Vec<Iro2Row>,
}

/// The drafts of `view`.
pub fn disclosures(view: &AssessmentView) -> Disclosures {
    Disclosures {
        id: view.id,
        name: view.name.clone(),
        method: view.method,
        facts: iro1(view),
        stamp: view.stamp.clone(),
        sbm3: sbm3(view),
        iro2: iro2(view),
    }
}

/// Material first by matter order (the register's tree), then by IRO id.
fn matter_order(view: &AssessmentView) -> BTreeMap<&str, usize> {
    view.matters
        .iter()
        .enumerate()
        .map(|(i, m)| (m.matter.code.as_str(), i))
        .collect()
}

/// The IROs that stand material, by matter then id.
pub fn sbm3(view: &AssessmentView) -> Vec<Sbm3Row> {
    let order = matter_order(view);
    let names: BTreeMap<&str, &Bilingual> = view
        .matters
        .iter()
        .map(|m| (m.matter.code.as_str(), &m.matter.name))
        .collect();
    let mut rows: Vec<Sbm3Row> = view
        .iros
        .iter()
        .filter(|s| s.score.standing == Standing::Material)
        .map(|s| {
            let r = &s.row.record;
            Sbm3Row {
                iro: s.row.id,
                matter: r.matter.clone(),
                matter_name: names
                    .get(r.matter.as_str())
                    .copied()
                    .cloned()
                    .unwrap_or_default(),
                kind: r.iro.kind,
                potential: r.iro.potential,
                human_rights: r.iro.human_rights,
                value_chain: r.value_chain.clone(),
                horizons: r.iro.horizons.clone(),
                description: r.description.clone(),
                score: s.score.score(),
                calibrated: s.score.calibrated.is_some(),
                decided: s.score.decided,
            }
        })
        .collect();
    rows.sort_by_key(|r| (order.get(r.matter.as_str()).copied(), r.iro));
    rows
}

/// The material matters (by impact, financial or both), in the register's order, each with the top
/// of its tree: for the ESRS list, the topical standard (`E3` Water and marine resources).
pub fn iro2(view: &AssessmentView) -> Vec<Iro2Row> {
    matter_rows(view, |m| {
        m.position.materiality != MatterMateriality::NotMaterial
    })
}

/// The matters `keep` chooses as IRO-2 rows, in the register's order, each with the top of its tree.
pub fn matter_rows(
    view: &AssessmentView,
    keep: impl Fn(&super::iro::MatterResult) -> bool,
) -> Vec<Iro2Row> {
    let parent: BTreeMap<i64, Option<i64>> = view
        .matters
        .iter()
        .map(|m| (m.matter.id, m.matter.parent))
        .collect();
    let by_id: BTreeMap<i64, &super::matters::MatterRow> = view
        .matters
        .iter()
        .map(|m| (m.matter.id, &m.matter))
        .collect();
    let root = |mut id: i64| {
        // The tree is at most three deep; the bound guards against a cycle in bad data.
        for _ in 0..16 {
            match parent.get(&id).copied().flatten() {
                Some(p) if by_id.contains_key(&p) => id = p,
                _ => break,
            }
        }
        by_id[&id]
    };
    view.matters
        .iter()
        .filter(|m| keep(m))
        .map(|m| {
            let top = root(m.matter.id);
            Iro2Row {
                standard: top.code.clone(),
                standard_name: top.name.clone(),
                matter: m.matter.code.clone(),
                matter_name: m.matter.name.clone(),
                materiality: m.position.materiality,
                financial: m.position.financial,
                impact: m.position.impact,
            }
        })
        .collect()
}

/// The facts the IRO-1 text states.
pub fn iro1(view: &AssessmentView) -> Iro1Facts {
    let mut by_kind = [0; 4];
    for s in &view.iros {
        by_kind[s.row.record.iro.kind as usize] += 1;
    }
    let mut material = [0; 3];
    for m in &view.matters {
        match m.position.materiality {
            MatterMateriality::Double => material[0] += 1,
            MatterMateriality::Impact => material[1] += 1,
            MatterMateriality::Financial => material[2] += 1,
            MatterMateriality::NotMaterial => {}
        }
    }
    Iro1Facts {
        preset: view.preset.clone(),
        entity_specific: view
            .matters
            .iter()
            .filter(|m| m.matter.entity_specific)
            .count(),
        by_kind,
        assessors: view.assessors,
        assessments: view.assessments,
        calibrated: view
            .iros
            .iter()
            .filter(|s| s.score.calibrated.is_some())
            .count(),
        decided: view.iros.iter().filter(|s| s.score.decided).count(),
        material,
        scoring: view.scoring,
    }
}

pub fn materiality_word(m: MatterMateriality) -> &'static str {
    match m {
        MatterMateriality::Double => "double",
        MatterMateriality::Impact => "impact",
        MatterMateriality::Financial => "financial",
        MatterMateriality::NotMaterial => "not_material",
    }
}

/// SBM-3 as a table: one row per material IRO, the register's words.
pub fn sbm3_table(view: &AssessmentView) -> Table {
    let header = [
        "iro",
        "matter",
        "matter_zh",
        "matter_en",
        "kind",
        "potential",
        "human_rights",
        "value_chain",
        "horizons",
        "description_zh",
        "description_en",
        "score",
        "calibrated",
        "by_decision",
    ];
    let rows = sbm3(view)
        .into_iter()
        .map(|r| {
            vec![
                Cell::Int(r.iro),
                text(r.matter),
                text(r.matter_name.zh),
                text(r.matter_name.en),
                text(r.kind.word()),
                Cell::Bool(r.potential),
                Cell::Bool(r.human_rights),
                text(words(&CHAIN, &r.value_chain)),
                text(words(&HORIZONS, &r.horizons)),
                text(r.description.zh),
                text(r.description.en),
                Cell::Num(r.score),
                Cell::Bool(r.calibrated),
                Cell::Bool(r.decided),
            ]
        })
        .collect();
    Table::new(&header, rows)
}

/// [`sbm3_table`] as CSV.
pub fn sbm3_csv(view: &AssessmentView) -> String {
    sbm3_table(view).csv()
}

/// IRO-2 as a table: one row per material matter with the standard it brings into scope.
pub fn iro2_table(view: &AssessmentView) -> Table {
    Table::new(
        &IRO2_COLUMNS,
        iro2(view).into_iter().map(iro2_cells).collect(),
    )
}

/// The columns of an IRO-2 row in files.
pub const IRO2_COLUMNS: [&str; 9] = [
    "standard",
    "standard_zh",
    "standard_en",
    "matter",
    "matter_zh",
    "matter_en",
    "materiality",
    "financial_score",
    "impact_score",
];

/// An IRO-2 row's cells, in the order of [`IRO2_COLUMNS`].
pub fn iro2_cells(r: Iro2Row) -> Vec<Cell> {
    vec![
        text(r.standard),
        text(r.standard_name.zh),
        text(r.standard_name.en),
        text(r.matter),
        text(r.matter_name.zh),
        text(r.matter_name.en),
        text(materiality_word(r.materiality)),
        Cell::Num(r.financial),
        Cell::Num(r.impact),
    ]
}

/// [`iro2_table`] as CSV.
pub fn iro2_csv(view: &AssessmentView) -> String {
    iro2_table(view).csv()
}

/// The standards IRO-2 brings into scope, once each, in the register's order.
pub fn standards_in_scope(rows: &[Iro2Row]) -> Vec<(String, Bilingual)> {
    let mut seen = BTreeSet::new();
    rows.iter()
        .filter(|r| seen.insert(r.standard.clone()))
        .map(|r| (r.standard.clone(), r.standard_name.clone()))
        .collect()
}
