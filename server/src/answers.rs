//! The two ways answers arrive, and what they may cost: the survey's plain form post and the JSON
//! API. Each body is refused (413) past the largest valid answer before it is read whole, at most
//! [`MAX_READING`] bodies are read and parsed at once, and the form is read in one pass that stops at
//! the first field it does not have. The answers reach the submissions writer already read.

use crate::api::{internal, unprocessable};
use crate::AppState;
use app::api::ssr::{client_address, request_lang};
use app::api::survey::{answered_cookie_header, answered_here, submit_form};
use app::domain::{form_field, max_form_body, max_json_body, parse_json_submission, SubmitOutcome};
use app::pages::survey::PostedForm;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Json, Router};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use leptos::prelude::provide_context;
use serde_json::json;
use std::collections::HashSet;
use std::num::NonZeroU32;
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Most answer bodies read and parsed at once; the memory they hold is at most this many times the
/// largest valid answer (about 13 MB for 17 topics).
pub const MAX_READING: usize = 32;
/// How long a body waits for its turn to be read before it gets 503.
pub const READ_WAIT: Duration = Duration::from_secs(10);

static READING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(MAX_READING));

/// What open links may still take: answers per link per minute from everyone, and per link and
/// network address per hour (see `Config`). Single-use links need no budget: each answers once. A
/// try counts whether or not it is then stored. Kept in memory (a restart gives every budget back).
pub struct OpenLinkBudget {
    per_link: DefaultKeyedRateLimiter<i64>,
    per_address: DefaultKeyedRateLimiter<(i64, String)>,
}

/// Keys kept before the budgets forget those that are full again.
const BUDGET_KEYS: usize = 10_000;

impl OpenLinkBudget {
    pub fn new(per_minute: u32, per_address_hour: u32) -> OpenLinkBudget {
        let n = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        OpenLinkBudget {
            per_link: RateLimiter::keyed(Quota::per_minute(n(per_minute))),
            per_address: RateLimiter::keyed(Quota::per_hour(n(per_address_hour))),
        }
    }

    /// Takes one answer through open link `link` from `address` out of both budgets, or says in how
    /// many seconds the spent one has room again.
    pub fn take(&self, link: i64, address: &str) -> Result<(), u64> {
        if self.per_address.len() > BUDGET_KEYS {
            self.per_address.retain_recent();
            self.per_link.retain_recent();
        }
        let now = DefaultClock::default().now();
        let wait = |n: governor::NotUntil<_>| n.wait_time_from(now).as_secs().max(1);
        self.per_link.check_key(&link).map_err(wait)?;
        self.per_address
            .check_key(&(link, address.to_string()))
            .map_err(wait)
    }
}

/// 429 with `Retry-After`: the open link's budget is spent for now. JSON for the API, plain words in
/// both languages for a browser's form post.
fn budget_spent(seconds: u64, json: bool) -> Response {
    let why = format!(
        "Too many answers through this shared link just now: please send again in {seconds} s. \
         通过此共享链接提交的答卷过于频繁，请 {seconds} 秒后再提交。"
    );
    let mut response = if json {
        (StatusCode::TOO_MANY_REQUESTS, Json(json!({ "error": why }))).into_response()
    } else {
        (StatusCode::TOO_MANY_REQUESTS, why).into_response()
    };
    if let Ok(v) = seconds.to_string().parse() {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// Takes an answer out of the budget of `token` when it is an open link (`open_link`: its id); the
/// refusal when the budget is spent.
fn spend(state: &AppState, open_link: Option<i64>, parts: &Parts, json: bool) -> Option<Response> {
    let id = open_link?;
    let wait = state.open_links.take(id, &client_address(parts)).err()?;
    Some(budget_spent(wait, json))
}

/// `POST /api/v1/responses`, and the survey's form post on the page's own path (so that a browser
/// without JavaScript stays on the survey URL).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/responses", post(post_response))
        .route("/s/{token}", post(post_form))
}

/// Reads a body of at most `limit` bytes while holding one of the [`MAX_READING`] turns, which the
/// caller keeps while it parses: 413 past the limit (by its `Content-Length` before a byte is read,
/// or as soon as the bytes pass it), 503 when no turn comes within [`READ_WAIT`], 400 for a body that
/// breaks off.
async fn read_limited(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<(Bytes, SemaphorePermit<'static>), Response> {
    let too_large = || {
        let why = format!("the body is larger than the largest valid answer ({limit} bytes)");
        (StatusCode::PAYLOAD_TOO_LARGE, Json(json!({ "error": why }))).into_response()
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let Ok(Ok(permit)) = tokio::time::timeout(READ_WAIT, READING.acquire()).await else {
        let why = "too many answers are arriving at once: please send again in a moment";
        return Err((
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "error": why })),
        )
            .into_response());
    };
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok((bytes, permit)),
        Err(e) if is_length_limit(&e) => Err(too_large()),
        Err(_) => Err((StatusCode::BAD_REQUEST, "the body broke off").into_response()),
    }
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// The survey form's fields in one pass over the body: each must be one of the form's own (`lang`,
/// `intent`, and `b.`, `s.`, `c.` of each topic code) and come once; the first that does not is
/// returned as the refusal and the rest is not read.
fn read_form(body: &[u8], codes: &[String]) -> Result<Vec<(String, String)>, String> {
    // The names not yet seen: a name is taken out as it comes, so one that is not there is either
    // not the form's or there a second time.
    let mut unseen: HashSet<String> = ["lang".to_string(), "intent".to_string()]
        .into_iter()
        .chain(
            codes
                .iter()
                .flat_map(|c| ['b', 's', 'c'].map(|p| form_field(p, c))),
        )
        .collect();
    let mut fields = Vec::with_capacity(unseen.len());
    for (name, value) in form_urlencoded::parse(body) {
        let Some(name) = unseen.take(name.as_ref()) else {
            return Err(name.into_owned());
        };
        fields.push((name, value.into_owned()));
    }
    Ok(fields)
}

/// `POST /api/v1/responses`: 201 with a receipt; 404 unknown token; 409 used token; 410 withdrawn; 422
/// with the field errors; 413 over the largest valid answer ([`max_json_body`]); 415 for a body that is
/// not JSON; 503 when too many bodies are being read. Nothing is stored unless everything is valid.
async fn post_response(State(state): State<AppState>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    // Only a JSON body is an answer. A web page can post `text/plain` (or a form) to another site
    // without asking it first, so without this check any site could make its visitors answer
    // through a known open link; a cross-site `application/json` post needs a CORS preflight,
    // which this server never grants.
    if !is_json(headers) {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(json!({"error": "the body must be application/json"})),
        )
            .into_response();
    }
    // The token, and so its cycle, is inside the body: the limit is that of the largest open cycle.
    let limit = match app::store::responses::most_open_topics(&state.db).await {
        Ok(n) => max_json_body(n),
        Err(e) => return internal(e),
    };
    let (body, permit) = match read_limited(headers, body, limit).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let submission = parse_json_submission(&body);
    drop((body, permit));
    let submission = match submission {
        Ok(s) => s,
        Err(errors) => return unprocessable(&errors),
    };
    let open_link = match app::store::responses::open_link_id(&state.db, &submission.token).await {
        Ok(id) => id,
        Err(e) => return internal(e),
    };
    if answered_here(open_link, headers) {
        return already_answered_here();
    }
    if let Some(spent) = spend(&state, open_link, &parts, true) {
        return spent;
    }
    let lang = request_lang(headers, None);
    match app::store::responses::submit(
        &state.submissions,
        &submission.token,
        |_| submission.answers,
        lang,
    )
    .await
    {
        Ok(SubmitOutcome::Stored { receipt, .. }) => {
            (StatusCode::CREATED, Json(json!({"receipt": receipt}))).into_response()
        }
        Ok(SubmitOutcome::Unknown) => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "unknown token"})),
        )
            .into_response(),
        Ok(SubmitOutcome::Used) => (
            StatusCode::CONFLICT,
            Json(json!({"error": "this token has been used"})),
        )
            .into_response(),
        Ok(SubmitOutcome::Revoked) => (
            StatusCode::GONE,
            Json(json!({"error": "the organiser has withdrawn this link"})),
        )
            .into_response(),
        Ok(SubmitOutcome::Full) => (
            StatusCode::CONFLICT,
            Json(json!({"error": "this open link has taken as many answers as its organiser allowed"})),
        )
            .into_response(),
        Ok(SubmitOutcome::Invalid(errors)) => unprocessable(&errors),
        Err(e) => internal(e),
    }
}

/// 409: this browser already answered this open link (its cookie says so).
fn already_answered_here() -> Response {
    (
        StatusCode::CONFLICT,
        Json(json!({"error": "this browser has already answered through this open link"})),
    )
        .into_response()
}

/// Whether the request says its body is JSON (`application/json`, any parameters).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// The survey form posted without JavaScript. Stored: redirect to the thank-you page (303, so a reload
/// does not post again). Otherwise: the survey page again, rendered with what was posted and why it
/// was refused.
///
/// The body is read only for a link that exists, up to the largest valid answer to its cycle
/// ([`max_form_body`], 413 beyond), and refused (422) at the first field the form does not have or
/// has twice: junk costs no more than the largest honest answer, and never reaches the writer.
async fn post_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request<Body>,
) -> Response {
    let (parts, body) = request.into_parts();
    let headers = parts.headers.clone();
    let shape = match app::store::responses::link_shape(&state.db, &token).await {
        Ok(Some(shape)) => shape,
        // No such link: its page says so, whatever was posted.
        Ok(None) => {
            return survey_page(&state, &token, headers, None, StatusCode::NOT_FOUND).await;
        }
        Err(e) => return internal(e),
    };
    // An open link's budget is spent before its body is read (open links keep no drafts, so every
    // post to one is an answer).
    if let Some(spent) = spend(&state, shape.open_link, &parts, false) {
        return spent;
    }
    let codes = &shape.codes;
    let (body, permit) = match read_limited(&headers, body, max_form_body(codes.len())).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let fields = read_form(&body, codes);
    drop((body, permit));
    let fields = match fields {
        Ok(f) => f,
        Err(name) => {
            let why = format!("the survey form has no field {name:?}, or not twice");
            return (StatusCode::UNPROCESSABLE_ENTITY, why).into_response();
        }
    };
    let lang = request_lang(
        &headers,
        fields
            .iter()
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v.as_str()),
    );
    if fields.iter().any(|(k, v)| k == "intent" && v == "draft") {
        // Saved or not, show the link again: it says what the draft holds, or why there is none.
        if let Err(e) = app::store::responses::save_draft(&state.db, &token, &fields).await {
            return internal(e);
        }
        return Redirect::to(&format!("/s/{token}?lang={}", lang.tag())).into_response();
    }
    // Already answered here: the page says so (the survey page reads the same cookie), nothing stored.
    let outcome = if answered_here(shape.open_link, &headers) {
        None
    } else {
        match submit_form(&state.submissions, &token, &fields, codes, lang).await {
            Ok(o) => Some(o),
            Err(e) => return internal(e),
        }
    };
    let status = match &outcome {
        Some(stored @ SubmitOutcome::Stored { receipt, .. }) => {
            let cookie = answered_cookie_header(shape.open_link, stored);
            let mut response = Redirect::to(&format!(
                "/s/{token}/thanks?r={receipt}&lang={}",
                lang.tag()
            ))
            .into_response();
            if let Some(c) = cookie {
                response.headers_mut().append(header::SET_COOKIE, c);
            }
            return response;
        }
        Some(SubmitOutcome::Unknown) => StatusCode::NOT_FOUND,
        Some(SubmitOutcome::Revoked) => StatusCode::GONE,
        Some(SubmitOutcome::Full) => StatusCode::CONFLICT,
        // Used, or answered here already (no submission was made).
        Some(SubmitOutcome::Used) | None => StatusCode::CONFLICT,
        Some(SubmitOutcome::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let posted = PostedForm { fields, outcome };
    survey_page(&state, &token, headers, Some(posted), status).await
}

/// The survey page of `token` as a GET renders it, with a posted form in context, and `status`.
async fn survey_page(
    state: &AppState,
    token: &str,
    headers: HeaderMap,
    posted: Option<PostedForm>,
    status: StatusCode,
) -> Response {
    let db = state.db.clone();
    let options = state.leptos_options.clone();
    // Rendered whole (not streamed out of order): a browser without JavaScript cannot assemble streamed
    // fragments.
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(db.clone());
            if let Some(posted) = posted.clone() {
                provide_context(posted);
            }
        },
        move || app::shell(options.clone()),
    );
    // Render the page as a GET of the same URL would, with the posted form in context.
    let mut req = Request::builder()
        .uri(format!("/s/{token}"))
        .body(Body::empty())
        .expect("a valid request");
    *req.headers_mut() = headers;
    let mut response = render(req).await.into_response();
    *response.status_mut() = status;
    response
}
