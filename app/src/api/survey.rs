//! The respondent's side: load a survey link; the form post that stores answers (routed by the
//! server, see `server::api`).

use super::AppError;
use crate::domain::SurveyState;
#[cfg(feature = "ssr")]
use crate::{domain::SubmitOutcome, i18n::Lang};
use leptos::prelude::*;

/// What the survey page shows for a link.
#[server]
pub async fn load_survey(token: String) -> Result<SurveyState, AppError> {
    use super::ssr::{db, internal};
    let parts: http::request::Parts = leptos_axum::extract().await.map_err(internal)?;
    let answered = |id| answered_here(Some(id), &parts.headers);
    crate::store::responses::survey(&db()?, &token, answered)
        .await
        .map_err(internal)
}

/// The survey's form post: the form's fields, read for the cycle's topic `codes` here (before the
/// writer), then validated by the writer as the JSON API's answers are.
#[cfg(feature = "ssr")]
pub async fn submit_form(
    subs: &crate::store::responses::Submissions,
    token: &str,
    fields: &[(String, String)],
    codes: &[String],
    lang: Lang,
) -> Result<SubmitOutcome, sqlx::Error> {
    let answers = crate::domain::answers_from_form(fields, codes);
    crate::store::responses::submit(subs, token, move |_| answers, lang).await
}

/// Whether this request's browser already answered through `open_link` (the open link's id; `None`
/// for any other link), by its cookie (see [`answered_cookie_header`]). The survey page and every
/// post check it.
#[cfg(feature = "ssr")]
pub fn answered_here(open_link: Option<i64>, headers: &http::HeaderMap) -> bool {
    open_link.is_some_and(|id| {
        super::ssr::cookie(headers, &crate::domain::answered_cookie(id)).is_some()
    })
}

/// After an answer through an open link: the `Set-Cookie` by which this browser remembers it. The
/// guard is only as strong as the cookie (another browser, or clearing cookies, passes it) and the
/// survey page says so.
#[cfg(feature = "ssr")]
pub fn answered_cookie_header(
    open_link: Option<i64>,
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
    let id = open_link?;
    let name = crate::domain::answered_cookie(id);
    format!("{name}=1; Path=/s/; Max-Age=31536000; SameSite=Lax; HttpOnly")
        .parse()
        .ok()
}
