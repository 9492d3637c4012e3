//! What a respondent's link leads to.

use super::{Bilingual, CycleTopic, FieldError, Scale, ScaleLabels};
use serde::{Deserialize, Serialize};

/// The questionnaire of an open cycle, as one invited respondent sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyView {
    pub cycle_name: String,
    pub year: i32,
    pub scale: Scale,
    pub labels: ScaleLabels,
    /// The stakeholder group the invitation belongs to.
    pub group: Bilingual,
    pub topics: Vec<CycleTopic>,
    /// An open link, shared by many: no drafts, and only a per-browser guard against answering twice.
    pub open_link: bool,
    /// The respondent's saved draft (form fields), if any, and when it was saved.
    pub draft: Vec<(String, String)>,
    pub draft_saved_at: Option<i64>,
}

/// The state of a survey link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SurveyState {
    /// No invitation has this token.
    Unknown,
    /// The invitation has been answered already.
    Used,
    /// The cycle is not accepting answers.
    Closed,
    /// An admin withdrew the link.
    Revoked,
    /// This browser has already answered through this open link.
    AnsweredHere,
    Open(SurveyView),
}

/// The outcome of one submission, for the pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SubmitOutcome {
    /// Stored; the receipt identifies the response.
    Stored {
        receipt: String,
        /// Stored through an open link: the browser should remember it answered.
        open_link: bool,
    },
    Unknown,
    Used,
    /// Nothing stored: the problems, located.
    Invalid(Vec<FieldError>),
}

/// What saving a draft did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DraftOutcome {
    /// Saved at this Unix time.
    Saved(i64),
    /// The link cannot take a draft (unknown, used, revoked, closed, or an open link).
    Refused,
}

/// Name of the cookie by which a browser remembers it answered an open link. It holds no identity:
/// only that this browser sent an answer through this link.
pub fn answered_cookie(link_id: i64) -> String {
    format!("mat_answered_{link_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_open_link_has_its_own_answered_cookie() {
        assert_eq!(answered_cookie(7), "mat_answered_7");
        assert_ne!(answered_cookie(7), answered_cookie(8));
    }
}
