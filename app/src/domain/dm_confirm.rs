//! Confirming a double-materiality cycle: what still stands in the way (the gate), and the figures
//! the confirmation stamps, as text to hash.
//!
//! A cycle is confirmed only when every assignment of its active IROs is submitted or waived with a
//! reason, and every grey-zone and not-assessable IRO has the decision group's recorded decision
//! (an IRO nobody was assigned is not assessable, so it needs one too).

use super::iro::AssessmentView;
use serde::{Deserialize, Serialize};

/// What the confirmation page lists as missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gaps {
    /// The register has no active IRO: there is nothing to confirm.
    pub no_iros: bool,
    /// Active IROs whose assessors have not all submitted (or been waived): (IRO id, how many).
    pub unsubmitted: Vec<(i64, i64)>,
    /// Active IROs in the grey zone or not assessable, with no recorded decision.
    pub undecided: Vec<i64>,
}

impl Gaps {
    pub fn is_empty(&self) -> bool {
        !self.no_iros && self.unsubmitted.is_empty() && self.undecided.is_empty()
    }
}

impl AssessmentView {
    /// What must still happen before the cycle can be confirmed (nothing: [`Gaps::is_empty`]).
    pub fn gaps(&self) -> Gaps {
        Gaps {
            no_iros: self.iros.is_empty(),
            unsubmitted: self
                .iros
                .iter()
                .filter(|i| i.submitted < i.assigned)
                .map(|i| (i.row.id, i.assigned - i.submitted))
                .collect(),
            undecided: self
                .iros
                .iter()
                .filter(|i| i.score.needs_decision())
                .map(|i| i.row.id)
                .collect(),
        }
    }

    /// The figures a confirmation stamps, one line per active IRO (id order) and per matter with a
    /// position (the matters' order): every score, horizon, calibration, spread, standing and whether
    /// a decision made it, numbers written to round-trip exactly. Notes and names are not figures.
    pub fn statistics_text(&self) -> String {
        let num = |v: Option<f64>| v.map(|v| format!("{v:?}")).unwrap_or_default();
        let mut out = format!("{:?}\n", self.scoring);
        let mut iros: Vec<_> = self.iros.iter().collect();
        iros.sort_by_key(|i| i.row.id);
        for i in iros {
            let s = &i.score;
            out.push_str(&format!(
                "iro\t{}\t{:?}\t{}\t{:?}\t{}\t{}\t{:?}\t{}\n",
                i.row.id,
                s.dimension,
                num(s.computed.map(|(v, _)| v)),
                s.computed.map(|(_, h)| h),
                num(s.calibrated),
                num(s.spread),
                s.standing,
                s.decided,
            ));
        }
        for m in &self.matters {
            let p = &m.position;
            out.push_str(&format!(
                "matter\t{}\t{}\t{}\t{:?}\n",
                m.matter.code,
                num(p.financial),
                num(p.impact),
                p.materiality,
            ));
        }
        out
    }
}
