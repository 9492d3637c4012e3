//! The double-materiality register and its results as CSV, for auditors and spreadsheets: one row
//! per IRO with its score, calibration, decision and standing, and one row per assessor's rating.
//! Words are the register's own (`negative_impact`, `short`, …), so a file reads the same in any
//! language; both descriptions are there.

use super::double_materiality::{Horizon, Rating, Standing};
use super::iro::{word, words, AssessmentView, CHAIN, HORIZONS, SOURCES};
use super::{csv_document, format_utc, Cell};
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
}

fn standing_word(s: Standing) -> &'static str {
    match s {
        Standing::Material => "material",
        Standing::GreyZone => "grey_zone",
        Standing::NotMaterial => "not_material",
        Standing::NotAssessable => "not_assessable",
    }
}

fn num(v: Option<f64>) -> String {
    Cell::Num(v).text()
}

/// Every active IRO of the cycle, one row each.
pub fn iros_csv(view: &AssessmentView) -> String {
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
    let rows = view.iros.iter().map(|s| {
        let r = &s.row.record;
        let c = s.calibration.as_ref();
        let d = s.decision.as_ref();
        vec![
            s.row.id.to_string(),
            r.matter.clone(),
            r.iro.kind.word().to_string(),
            r.iro.potential.to_string(),
            r.iro.human_rights.to_string(),
            words(&CHAIN, &r.value_chain),
            words(&HORIZONS, &r.iro.horizons),
            r.description.zh.clone(),
            r.description.en.clone(),
            word(&SOURCES, r.source).to_string(),
            s.assigned.to_string(),
            s.submitted.to_string(),
            num(s.score.computed.map(|(v, _)| v)),
            s.score
                .computed
                .map(|(_, h)| word(&HORIZONS, h))
                .unwrap_or_default()
                .to_string(),
            num(s.score.spread),
            s.score.needs_calibration.to_string(),
            num(c.map(|c| c.score)),
            c.map(|c| c.reason.clone()).unwrap_or_default(),
            c.map(|c| format!("{} {}", c.by, format_utc(c.at)))
                .unwrap_or_default(),
            d.map(|d| {
                if d.material {
                    "material"
                } else {
                    "not_material"
                }
            })
            .unwrap_or_default()
            .to_string(),
            d.map(|d| d.reason.clone()).unwrap_or_default(),
            d.map(|d| format!("{} {}", d.by, format_utc(d.at)))
                .unwrap_or_default(),
            num(s.score.score()),
            standing_word(s.score.standing).to_string(),
        ]
    });
    csv_document(&header, rows)
}

/// Every assessor's ratings, one row per assignment and horizon; empty criteria are "can't judge"
/// (or not asked by the IRO's formula).
pub fn ratings_csv(rows: &[RatingRow]) -> String {
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
    ];
    let v = |x: Option<u8>| x.map(|x| x.to_string()).unwrap_or_default();
    let body = rows.iter().map(|r| {
        vec![
            r.iro.to_string(),
            r.assessor.clone(),
            r.horizon
                .map(|h| word(&HORIZONS, h))
                .unwrap_or_default()
                .to_string(),
            v(r.rating.scale),
            v(r.rating.scope),
            v(r.rating.irremediable),
            v(r.rating.likelihood),
            v(r.rating.magnitude),
            r.submitted.to_string(),
            r.waived_reason.clone().unwrap_or_default(),
            r.rationale.clone(),
        ]
    });
    csv_document(&header, body)
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
        }];
        let csv = ratings_csv(&rows);
        let mut lines = csv.trim_start_matches('\u{feff}').lines();
        assert_eq!(
            lines.next(),
            Some("iro,assessor,horizon,scale,scope,irremediable,likelihood,magnitude,submitted,waived_reason,rationale")
        );
        assert_eq!(
            lines.next(),
            Some("7,a@example.com,long,,,,3,4,true,,\"'=HYPERLINK(\"\"x\"\")\"")
        );
    }
}
