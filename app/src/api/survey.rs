//! The respondent's side: load a survey link, save a draft, submit answers.

use super::AppError;
use crate::domain::{DraftOutcome, SubmitOutcome, SurveyState};
use crate::i18n::Lang;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// What the survey page shows for a link.
#[server]
pub async fn load_survey(token: String) -> Result<SurveyState, AppError> {
    use super::ssr::{cookie, db, internal};
    let parts: http::request::Parts = leptos_axum::extract().await.map_err(internal)?;
    let answered = |id| cookie(&parts.headers, &crate::domain::answered_cookie(id)).is_some();
    crate::store::responses::survey(&db()?, &token, answered)
        .await
        .map_err(internal)
}

/// Keeps the form's answers as a draft of this link.
#[server(input = Json)]
pub async fn save_draft(
    token: String,
    fields: Vec<(String, String)>,
) -> Result<DraftOutcome, AppError> {
    use super::ssr::{db, internal};
    crate::store::responses::save_draft(&db()?, &token, &fields)
        .await
        .map_err(internal)
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
    let outcome = submit_form(&db, &token, &fields, lang)
        .await
        .map_err(super::ssr::internal)?;
    if let Some(cookie) = answered_cookie_header(&db, &token, &outcome).await {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.append_header(http::header::SET_COOKIE, cookie);
        }
    }
    Ok(outcome)
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

/// After an answer through an open link: the `Set-Cookie` by which this browser remembers it. The
/// guard is only as strong as the cookie (another browser, or clearing cookies, passes it) and the
/// survey page says so.
#[cfg(feature = "ssr")]
pub async fn answered_cookie_header(
    db: &crate::store::Db,
    token: &str,
    outcome: &SubmitOutcome,
) -> Option<http::HeaderValue> {
    if !matches!(
        outcome,
        SubmitOutcome::Stored {
            open_link: true,
            ..
        }
    ) {
        return None;
    }
    let id = crate::store::responses::open_link_id(db, token)
        .await
        .ok()
        .flatten()?;
    let name = crate::domain::answered_cookie(id);
    format!("{name}=1; Path=/s/; Max-Age=31536000; SameSite=Lax; HttpOnly")
        .parse()
        .ok()
}
