//! The respondent's side: load a survey link, submit answers.

use super::AppError;
use crate::domain::{SubmitOutcome, SurveyState};
use crate::i18n::Lang;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// What the survey page shows for a link.
#[server]
pub async fn load_survey(token: String) -> Result<SurveyState, AppError> {
    let db = super::ssr::db()?;
    crate::store::responses::survey(&db, &token)
        .await
        .map_err(super::ssr::internal)
}

/// Submits the questionnaire's form fields (the hydrated page sends exactly what the plain form post
/// would, and both go through the same parsing and validation).
#[server(input = Json)]
pub async fn submit_survey(
    token: String,
    fields: Vec<(String, String)>,
    lang: Lang,
) -> Result<SubmitOutcome, AppError> {
    let db = super::ssr::db()?;
    submit_form(&db, &token, &fields, lang)
        .await
        .map_err(super::ssr::internal)
}

/// Shared by the server function and the no-JavaScript form post.
#[cfg(feature = "ssr")]
pub async fn submit_form(
    db: &crate::store::Db,
    token: &str,
    fields: &[(String, String)],
    lang: Lang,
) -> Result<SubmitOutcome, sqlx::Error> {
    let answers = |codes: &[String]| crate::domain::answers_from_form(fields, codes);
    crate::store::responses::submit(db, token, answers, lang).await
}
