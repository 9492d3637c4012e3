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
    /// An open link that has taken as many answers as its admin allowed.
    Full,
    /// This browser has already answered through this open link.
    AnsweredHere,
    Open(SurveyView),
}

/// Where a survey link stands. One rule, [`link_state`], serves the page, the form post and the
/// submissions writer, so all three say the same of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// No invitation has the token, or its cycle is gone.
    Unknown,
    Used,
    /// An admin withdrew it.
    Revoked,
    /// Its cycle does not take answers today.
    Closed,
    /// An open link that has taken as many answers as its admin allowed.
    Full,
    Open,
}

/// What the store knows of an invitation, for [`link_state`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkFacts {
    pub used: bool,
    pub revoked: bool,
    /// An open link with a cap that its answers have reached.
    pub full: bool,
}

/// The link rule. `invitation`: `None` when no invitation has the token; `accepting`: `None` when
/// its cycle is gone, else whether the cycle takes answers today. A used link stays "used" after its
/// cycle closes or the rest of its group's links are withdrawn: the respondent is told their answer
/// is in.
pub fn link_state(invitation: Option<LinkFacts>, accepting: Option<bool>) -> LinkState {
    match (invitation, accepting) {
        (None, _) => LinkState::Unknown,
        (Some(f), _) if f.used => LinkState::Used,
        (Some(f), _) if f.revoked => LinkState::Revoked,
        (Some(_), None) => LinkState::Unknown,
        (Some(_), Some(false)) => LinkState::Closed,
        (Some(f), Some(true)) if f.full => LinkState::Full,
        (Some(_), Some(true)) => LinkState::Open,
    }
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
    /// An admin withdrew the link.
    Revoked,
    /// The open link has taken as many answers as its admin allowed.
    Full,
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

    #[test]
    fn the_link_rule_names_the_first_reason_a_link_cannot_be_answered() {
        use LinkState::*;
        let f = |used, revoked, full| {
            Some(LinkFacts {
                used,
                revoked,
                full,
            })
        };
        for (invitation, accepting, want) in [
            (None, Some(true), Unknown),
            (None, None, Unknown),
            (f(false, false, false), None, Unknown),
            (f(true, false, false), Some(true), Used),
            (f(true, true, true), Some(false), Used),
            (f(false, true, false), Some(true), Revoked),
            (f(false, true, true), Some(false), Revoked),
            (f(false, true, false), None, Revoked),
            (f(false, false, false), Some(false), Closed),
            (f(false, false, true), Some(false), Closed),
            (f(false, false, true), Some(true), Full),
            (f(false, false, false), Some(true), Open),
        ] {
            assert_eq!(
                link_state(invitation, accepting),
                want,
                "{invitation:?} {accepting:?}"
            );
        }
    }
}
