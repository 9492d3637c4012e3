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
    Open(SurveyView),
}

/// The outcome of one submission, for the pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SubmitOutcome {
    /// Stored; the receipt identifies the response.
    Stored {
        receipt: String,
    },
    Unknown,
    Used,
    /// Nothing stored: the problems, located.
    Invalid(Vec<FieldError>),
}
