//! The double-materiality register and its results as CSV, for auditors and spreadsheets: one row
//! per IRO with its score, calibration, decision and standing, and one row per assessor's rating.
//! Words are the register's own (`negative_impact`, `short`, …), so a file reads the same in any
//! language; both descriptions are there.

use super::double_materiality::{Horizon, Rating, Standing};
use super::iro::{word, words, AssessmentView, CHAIN, HORIZONS, SOURCES};
use super::{format_utc, Cell, Table};
use serde::{Deserialize, Serialize};

/// One assessor's assignment of an IRO, with their ratings at one horizon (none yet: `horizon`
/// `None`), as the ratings file lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingRow {
    pub iro: i64,
    pub assessor: String,
    pub horizon: Option<Horizon>,
    pub rating: Rating,
    pub submitted: bool,
    pub waived_reason: Option<String>,
    pub rationale: String,
    /// Links and notes, one per line.
    pub evidence: String,
}

fn standing_word(s: Standing) -> &'static str {
    match s {
        Standing::Material => "material",
        Standing::GreyZone => "grey_zone",
        Standing::NotMaterial => "not_material",
        Standing::NotAssessable => "not_assessable",
    }
}

/// A text cell.
pub(crate) fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Every active IRO of the cycle, one row each.
pub fn iros_table(view: &AssessmentView) -> Table {
    let header = [
        "iro",
        "matter",
        "kind",
        "potential",
        "human_rights",
        "value_chain",
        "horizons",
        "description_zh",
        "description_en",
        "source",
        "leads_to",
        "assigned",
        "submitted_or_waived",
        "computed_score",
        "computed_horizon",
        "spread",
        "needs_calibration",
        "calibrated_score",
        "calibration_reason",
        "calibrated_by",
        "decision",
        "decision_reason",
        "decided_by",
        "score",
        "standing",
    ];
    let rows = view
        .iros
        .iter()
        .map(|s| {
            let r = &s.row.record;
            let c = s.calibration.as_ref();
            let d = s.decision.as_ref();
            vec![
                Cell::Int(s.row.id),
                text(&r.matter),
                text(r.iro.kind.word()),
                Cell::Bool(r.iro.potential),
                Cell::Bool(r.iro.human_rights),
                text(words(&CHAIN, &r.value_chain)),
                text(words(&HORIZONS, &r.iro.horizons)),
                text(&r.description.zh),
                text(&r.description.en),
                text(word(&SOURCES, r.source)),
                text(
                    r.leads_to
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                Cell::Int(s.assigned),
                Cell::Int(s.submitted),
                Cell::Num(s.score.computed.map(|(v, _)| v)),
                text(
                    s.score
                        .computed
                        .map(|(_, h)| word(&HORIZONS, h))
                        .unwrap_or_default(),
                ),
                Cell::Num(s.score.spread),
                Cell::Bool(s.score.needs_calibration),
                Cell::Num(c.map(|c| c.score)),
                text(c.map(|c| c.reason.clone()).unwrap_or_default()),
                text(
                    c.map(|c| format!("{} {}", c.by, format_utc(c.at)))
                        .unwrap_or_default(),
                ),
                text(
                    d.map(|d| {
                        if d.material {
                            "material"
                        } else {
                            "not_material"
                        }
                    })
                    .unwrap_or_default(),
                ),
                text(d.map(|d| d.reason.clone()).unwrap_or_default()),
                text(
                    d.map(|d| format!("{} {}", d.by, format_utc(d.at)))
                        .unwrap_or_default(),
                ),
                Cell::Num(s.score.score()),
                text(standing_word(s.score.standing)),
            ]
        })
        .collect();
    Table::new(&header, rows)
}

/// [`iros_table`] as CSV.
pub fn iros_csv(view: &AssessmentView) -> String {
    iros_table(view).csv()
}

/// Every assessor's ratings, one row per assignment and horizon; empty criteria are "can't judge"
/// (or not asked by the IRO's formula).
pub fn ratings_table(rows: &[RatingRow]) -> Table {
    let header = [
        "iro",
        "assessor",
        "horizon",
        "scale",
        "scope",
        "irremediable",
        "likelihood",
        "magnitude",
        "submitted",
        "waived_reason",
        "rationale",
        "evidence",
    ];
    let v = |x: Option<u8>| match x {
        Some(x) => Cell::Int(i64::from(x)),
        None => Cell::Num(None),
    };
    let body = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Int(r.iro),
                text(&r.assessor),
                text(r.horizon.map(|h| word(&HORIZONS, h)).unwrap_or_default()),
                v(r.rating.scale),
                v(r.rating.scope),
                v(r.rating.irremediable),
                v(r.rating.likelihood),
                v(r.rating.magnitude),
                Cell::Bool(r.submitted),
                text(r.waived_reason.clone().unwrap_or_default()),
                text(&r.rationale),
                text(&r.evidence),
            ]
        })
        .collect();
    Table::new(&header, body)
}

/// [`ratings_table`] as CSV.
pub fn ratings_csv(rows: &[RatingRow]) -> String {
    ratings_table(rows).csv()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_list_every_criterion_and_neutralise_formulas() {
        let rows = [RatingRow {
            iro: 7,
            assessor: "a@example.com".into(),
            horizon: Some(Horizon::Long),
            rating: Rating {
                likelihood: Some(3),
                magnitude: Some(4),
                ..Rating::default()
            },
            submitted: true,
            waived_reason: None,
            rationale: "=HYPERLINK(\"x\")".into(),
            evidence: "https://example.com/a\nSite audit".into(),
        }];
        let csv = ratings_csv(&rows);
        let mut lines = csv.trim_start_matches('\u{feff}').lines();
        assert_eq!(
            lines.next(),
            Some("iro,assessor,horizon,scale,scope,irremediable,likelihood,magnitude,submitted,waived_reason,rationale,evidence")
        );
        assert_eq!(
            lines.next(),
            Some("7,a@example.com,long,,,,3,4,true,,\"'=HYPERLINK(\"\"x\"\")\",\"https://example.com/a")
        );
        assert_eq!(lines.next(), Some("Site audit\""));
    }
}
