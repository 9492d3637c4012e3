//! Routes outside Leptos: results and exports for scripts, and the health check. Answers arrive
//! through `answers`.

use crate::AppState;
use app::api::ssr::{caller, request_lang};
use app::domain::{FieldError, MatrixOptions, RawResponses, Respondents};
use app::i18n::Lang;
use app::store::auth::{Role, User};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/cycles/{id}/results.json", get(results_json))
        .route("/api/v1/cycles/{id}/results.csv", get(results_csv))
        .route("/api/v1/cycles/{id}/results.xlsx", get(results_xlsx))
        .route("/api/v1/cycles/{id}/matrix.svg", get(matrix_svg))
        .route("/api/v1/cycles/{id}/matrix.png", get(matrix_png))
        .route(
            "/api/v1/cycles/{id}/double-matrix.svg",
            get(double_matrix_svg),
        )
        .route(
            "/api/v1/cycles/{id}/double-matrix.png",
            get(double_matrix_png),
        )
        .route("/api/v1/cycles/{id}/iros.csv", get(iros_csv))
        .route("/api/v1/cycles/{id}/assessment.json", get(assessment_json))
        .route("/api/v1/cycles/{id}/ratings.csv", get(ratings_csv))
        .route("/api/v1/cycles/{id}/sbm3.csv", get(sbm3_csv))
        .route("/api/v1/cycles/{id}/heat-map/{file}", get(heat_map))
        .route("/api/v1/cycles/{id}/assessment.xlsx", get(assessment_xlsx))
        .route("/api/v1/cycles/{id}/iro2.csv", get(iro2_csv))
        .route("/api/v1/cycles/{id}/material.csv", get(material_csv))
        .route("/api/v1/audit.csv", get(audit_csv))
        .route("/api/v1/topics.csv", get(topics_csv))
        .route("/api/v1/cycles/{id}/register.csv", get(register_csv))
        .route("/api/v1/cycles/{id}/register.xlsx", get(register_xlsx))
        .route("/api/v1/topics.json", get(topics_json))
}

/// `GET /healthz`: 200 when the database answers and the submissions writer runs, 503 otherwise;
/// the body says which, e.g. `{"database":"ok","writer":"ok"}`.
async fn healthz(State(state): State<AppState>) -> Response {
    let query = sqlx::query("SELECT 1").execute(&state.db);
    let database = matches!(
        tokio::time::timeout(std::time::Duration::from_secs(2), query).await,
        Ok(Ok(_))
    );
    let writer = state.submissions.writer_up();
    let word = |ok: bool| if ok { "ok" } else { "down" };
    let status = if database && writer {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({"database": word(database), "writer": word(writer)})),
    )
        .into_response()
}

pub(crate) fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!("internal error: {e}");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({"error": "internal error"})),
    )
        .into_response()
}

/// Error list of a 422, with English messages for people reading the API's answers.
pub(crate) fn unprocessable(errors: &[FieldError]) -> Response {
    let t = Lang::En.t();
    let list: Vec<_> = errors
        .iter()
        .map(|e| json!({"topic": e.topic, "field": e.field, "code": e.code, "message": t.error(e.code)}))
        .collect();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({"errors": list})),
    )
        .into_response()
}

/// The caller must be a reviewer or an admin: 401 for anonymous callers, 403 for anyone else.
async fn reviewer(state: &AppState, headers: &HeaderMap) -> Result<User, Response> {
    require(state, headers, &[Role::Admin, Role::Reviewer]).await
}

/// The caller must hold one of `roles`: 401 for anonymous callers, 403 for anyone else, a respondent
/// sending their survey link as a Bearer token included.
async fn require(state: &AppState, headers: &HeaderMap, roles: &[Role]) -> Result<User, Response> {
    let user = match caller(&state.db, headers).await {
        Ok(u) => u,
        Err(e) => return Err(internal(e)),
    };
    match user {
        Some(u) if roles.contains(&u.role) => Ok(u),
        Some(_) => Err(StatusCode::FORBIDDEN.into_response()),
        None => {
            let Some(token) = app::api::ssr::bearer(headers) else {
                return Err(unauthorized());
            };
            match app::store::auth::is_survey_link(&state.db, token).await {
                Ok(true) => Err((
                    StatusCode::FORBIDDEN,
                    Json(json!({"error": "a survey link gives no access to results"})),
                )
                    .into_response()),
                Ok(false) => Err(unauthorized()),
                Err(e) => Err(internal(e)),
            }
        }
    }
}

/// 401, with the way to authenticate.
fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        Json(json!({"error": "sign in or send an API token"})),
    )
        .into_response()
}

/// How a request wants the results: `?group=all|internal|external|split|CODE`, the matrix options
/// `weighted`, `bars`, `zoom`, `shade` and `yoy` (`=true`), `?lang=zh-CN|en` (the chart's words).
#[derive(Deserialize, Default)]
struct ResultsQuery {
    lang: Option<String>,
    group: Option<String>,
    // Not a flattened MatrixOptions: flattening reads every value as text, and "true" is no bool.
    #[serde(default)]
    weighted: bool,
    #[serde(default)]
    bars: bool,
    #[serde(default)]
    zoom: bool,
    #[serde(default)]
    shade: bool,
    #[serde(default)]
    yoy: bool,
}

/// The results a reviewer asked for: 401/403 for other callers, 404 for an unknown cycle, 403 when
/// the anonymity rule withholds the filter's figures.
async fn load_results(
    state: &AppState,
    headers: &HeaderMap,
    id: i64,
    q: &ResultsQuery,
) -> Result<app::domain::CycleResults, Response> {
    reviewer(state, headers).await?;
    let who = Respondents::parse(q.group.as_deref().unwrap_or(""));
    match app::store::results::results_for(&state.db, id, &who).await {
        Ok(Some(Some(r))) => Ok(r),
        Ok(Some(None)) => Err((
            StatusCode::FORBIDDEN,
            Json(json!({"error": "withheld to protect anonymity: these respondents could be told apart from fewer than k others"})),
        )
            .into_response()),
        Ok(None) => Err((
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such cycle"})),
        )
            .into_response()),
        Err(e) => Err(internal(e)),
    }
}

/// A download: the content type and a file name.
fn attachment(kind: &str, file: &str, body: String) -> Response {
    binary(kind, file, body.into_bytes())
}

/// The media type of a workbook.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn binary(kind: &str, file: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn results_json(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
    headers: HeaderMap,
) -> Response {
    match load_results(&state, &headers, id, &q).await {
        Ok(results) => Json(results).into_response(),
        Err(r) => r,
    }
}

async fn results_csv(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
    headers: HeaderMap,
) -> Response {
    match load_results(&state, &headers, id, &q).await {
        Ok(results) => attachment(
            "text/csv; charset=utf-8",
            &format!("results-{id}.csv"),
            app::domain::results_csv(&results),
        ),
        Err(r) => r,
    }
}

/// The matrix as the request asks for it (filters, options, language), drawn as SVG.
async fn draw_matrix(
    state: &AppState,
    headers: &HeaderMap,
    id: i64,
    q: &ResultsQuery,
) -> Result<String, Response> {
    let lang = request_lang(headers, q.lang.as_deref());
    let results = load_results(state, headers, id, q).await?;
    let previous = app::store::results::previous(&state.db, id)
        .await
        .map_err(internal)?;
    let options = MatrixOptions {
        weighted: q.weighted,
        bars: q.bars,
        zoom: q.zoom,
        shade: q.shade,
        yoy: q.yoy,
        split: q.group.as_deref() == Some("split"),
    };
    Ok(app::chart::matrix_svg(
        &results,
        lang,
        options,
        previous.as_ref(),
    ))
}

async fn matrix_svg(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
    headers: HeaderMap,
) -> Response {
    svg_answer(draw_matrix(&state, &headers, id, &q).await)
}

/// The matrix at twice its size, for print.
async fn matrix_png(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
    headers: HeaderMap,
) -> Response {
    png_answer(
        draw_matrix(&state, &headers, id, &q).await,
        format!("matrix-{id}.png"),
    )
    .await
}

/// A cycle's double-materiality results, for reviewers and admins.
async fn load_assessment(
    state: &AppState,
    headers: &HeaderMap,
    id: i64,
) -> Result<app::domain::iro::AssessmentView, Response> {
    reviewer(state, headers).await?;
    app::store::assessments::assessment(&state.db, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| StatusCode::NOT_FOUND.into_response())
}

/// A cycle's double-materiality results and every rating, read together (reviewers and admins).
async fn load_assessment_and_ratings(
    state: &AppState,
    headers: &HeaderMap,
    id: i64,
) -> Result<
    (
        app::domain::iro::AssessmentView,
        Vec<app::domain::dm_export::RatingRow>,
    ),
    Response,
> {
    reviewer(state, headers).await?;
    app::store::assessments::assessment_and_ratings(&state.db, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| StatusCode::NOT_FOUND.into_response())
}

/// The double materiality matrix in the asked language, drawn as SVG.
async fn draw_double_matrix(
    state: &AppState,
    headers: &HeaderMap,
    id: i64,
    q: &ResultsQuery,
) -> Result<String, Response> {
    let view = load_assessment(state, headers, id).await?;
    let lang = request_lang(headers, q.lang.as_deref());
    Ok(app::chart::double::double_matrix_svg(&view, lang))
}

async fn double_matrix_svg(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
    headers: HeaderMap,
) -> Response {
    svg_answer(draw_double_matrix(&state, &headers, id, &q).await)
}

/// The double materiality matrix at twice its size, for print.
async fn double_matrix_png(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
    headers: HeaderMap,
) -> Response {
    png_answer(
        draw_double_matrix(&state, &headers, id, &q).await,
        format!("double-matrix-{id}.png"),
    )
    .await
}

/// A heat map: `impact.svg`, `impact.png`, `financial.svg` or `financial.png` (the PNG at twice the
/// size, for print); any other name is not found.
async fn heat_map(
    State(state): State<AppState>,
    Path((id, file)): Path<(i64, String)>,
    Query(q): Query<ResultsQuery>,
    headers: HeaderMap,
) -> Response {
    use app::domain::double_materiality::Dimension;
    let Some((which, format)) = file.split_once('.') else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let dimension = match which {
        "impact" => Dimension::Impact,
        "financial" => Dimension::Financial,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    if !matches!(format, "svg" | "png") {
        return StatusCode::NOT_FOUND.into_response();
    }
    let drawn = load_assessment(&state, &headers, id).await.map(|view| {
        let lang = request_lang(&headers, q.lang.as_deref());
        app::chart::heat::heat_map_svg(&view, dimension, lang)
    });
    if format == "svg" {
        svg_answer(drawn)
    } else {
        png_answer(drawn, format!("heat-map-{which}-{id}.png")).await
    }
}

/// A CSV file `{name}-{id}.csv` made from a cycle's double-materiality results (reviewers and admins).
async fn assessment_csv(
    state: &AppState,
    headers: &HeaderMap,
    id: i64,
    name: &str,
    render: fn(&app::domain::iro::AssessmentView) -> String,
) -> Response {
    match load_assessment(state, headers, id).await {
        Ok(view) => attachment(
            "text/csv; charset=utf-8",
            &format!("{name}-{id}.csv"),
            render(&view),
        ),
        Err(r) => r,
    }
}

/// The register with every IRO's score, calibration, decision and standing.
async fn iros_csv(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    assessment_csv(
        &state,
        &headers,
        id,
        "iros",
        app::domain::dm_export::iros_csv,
    )
    .await
}

/// The SBM-3 draft: every material IRO.
async fn sbm3_csv(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    assessment_csv(
        &state,
        &headers,
        id,
        "sbm3",
        app::domain::dm_disclosure::sbm3_csv,
    )
    .await
}

/// The IRO-2 draft: every material matter with the standard it brings into scope.
async fn iro2_csv(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    assessment_csv(
        &state,
        &headers,
        id,
        "iro2",
        app::domain::dm_disclosure::iro2_csv,
    )
    .await
}

/// The double-materiality results and every rating in one document (reviewers and admins): the
/// scores page's data (`view`: cycle, scoring constants, IROs with scores, calibrations and
/// decisions, matters with positions) and `ratings`, as the ratings file lists them.
async fn assessment_json(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    match load_assessment_and_ratings(&state, &headers, id).await {
        Ok((view, ratings)) => Json(json!({ "view": view, "ratings": ratings })).into_response(),
        Err(r) => r,
    }
}

/// The register, the ratings and the SBM-3 and IRO-2 drafts as one workbook (reviewers and admins).
async fn assessment_xlsx(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let (view, ratings) = match load_assessment_and_ratings(&state, &headers, id).await {
        Ok(both) => both,
        Err(r) => return r,
    };
    let made =
        tokio::task::spawn_blocking(move || app::chart::export::assessment_xlsx(&view, &ratings))
            .await;
    match made {
        Ok(Ok(bytes)) => binary(XLSX, &format!("assessment-{id}.xlsx"), bytes),
        Ok(Err(e)) => internal(e),
        Err(e) => internal(e),
    }
}

/// Every assessor's ratings and rationale (reviewers and admins).
async fn ratings_csv(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = reviewer(&state, &headers).await {
        return r;
    }
    match app::store::cycles::cycle(&state.db, id).await {
        Ok(Some(_)) => {}
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return internal(e),
    }
    match app::store::assessments::rating_rows(&state.db, id).await {
        Ok(rows) => attachment(
            "text/csv; charset=utf-8",
            &format!("ratings-{id}.csv"),
            app::domain::dm_export::ratings_csv(&rows),
        ),
        Err(e) => internal(e),
    }
}

/// A drawing as the answer, or the refusal met while making it.
fn svg_answer(drawn: Result<String, Response>) -> Response {
    match drawn {
        Ok(svg) => (
            [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
            svg,
        )
            .into_response(),
        Err(r) => r,
    }
}

/// A drawing rasterised at twice its size (for print) as a download named `name`, or the refusal.
async fn png_answer(drawn: Result<String, Response>, name: String) -> Response {
    let svg = match drawn {
        Ok(svg) => svg,
        Err(r) => return r,
    };
    // Rasterising takes tens of milliseconds of CPU: off the async workers.
    match tokio::task::spawn_blocking(move || app::chart::export::png(&svg, 2.0)).await {
        Ok(Ok(png)) => binary("image/png", &name, png),
        Ok(Err(e)) => internal(e),
        Err(e) => internal(e),
    }
}

/// The spreadsheet: statistics, topics and the anonymised responses of the chosen respondents.
async fn results_xlsx(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
    headers: HeaderMap,
) -> Response {
    let results = match load_results(&state, &headers, id, &q).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let who = Respondents::parse(q.group.as_deref().unwrap_or(""));
    let topics = match app::store::cycles::cycle_topics(&state.db, id).await {
        Ok(t) => t,
        Err(e) => return internal(e),
    };
    let max = app::chart::export::MAX_SHEET_RESPONSES;
    let responses =
        match app::store::results::anonymous_responses(&state.db, id, &who, &topics, max).await {
            Ok(r) => r.unwrap_or(RawResponses::Rows(Vec::new())),
            Err(e) => return internal(e),
        };
    let made = tokio::task::spawn_blocking(move || {
        app::chart::export::results_xlsx(&results, &topics, &responses)
    })
    .await;
    match made {
        Ok(Ok(xlsx)) => binary(XLSX, &format!("results-{id}.xlsx"), xlsx),
        Ok(Err(e)) => internal(e),
        Err(e) => internal(e),
    }
}

/// The topic library as a file download, for admins.
async fn topics_export(state: &AppState, headers: &HeaderMap, csv: bool) -> Response {
    if let Err(r) = require(state, headers, &[Role::Admin]).await {
        return r;
    }
    let topics = match app::store::library::export(&state.db).await {
        Ok(t) => t,
        Err(e) => return internal(e),
    };
    if csv {
        attachment(
            "text/csv; charset=utf-8",
            "topics.csv",
            app::domain::to_csv(&topics),
        )
    } else {
        attachment(
            "application/json",
            "topics.json",
            app::domain::to_json(&topics),
        )
    }
}

/// A cycle's active IROs as the register file, which imports back (admins, as the register page).
async fn register_export(state: &AppState, headers: &HeaderMap, id: i64, xlsx: bool) -> Response {
    if let Err(r) = require(state, headers, &[Role::Admin]).await {
        return r;
    }
    let register = match app::store::register::register(&state.db, id).await {
        Ok(Some(r)) => r,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return internal(e),
    };
    let table = app::domain::register_file::register_table(&register.iros);
    if !xlsx {
        return attachment(
            "text/csv; charset=utf-8",
            &format!("register-{id}.csv"),
            table.csv(),
        );
    }
    match tokio::task::spawn_blocking(move || app::chart::export::table_xlsx("register", &table))
        .await
    {
        Ok(Ok(bytes)) => binary(XLSX, &format!("register-{id}.xlsx"), bytes),
        Ok(Err(e)) => internal(e),
        Err(e) => internal(e),
    }
}

async fn register_csv(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    register_export(&state, &headers, id, false).await
}

async fn register_xlsx(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    register_export(&state, &headers, id, true).await
}

async fn topics_csv(State(state): State<AppState>, headers: HeaderMap) -> Response {
    topics_export(&state, &headers, true).await
}

async fn topics_json(State(state): State<AppState>, headers: HeaderMap) -> Response {
    topics_export(&state, &headers, false).await
}

/// The material-topic list (everyone's results, overrides applied) with its management notes; for a
/// double-materiality cycle, its material matters with year over year.
async fn material_csv(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let results = match load_results(&state, &headers, id, &ResultsQuery::default()).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let read = async {
        let notes = app::store::review::notes(&state.db, id).await?;
        let double = app::store::dm_material::list(&state.db, id).await?;
        Ok::<_, sqlx::Error>((notes, double))
    };
    let csv = "text/csv; charset=utf-8";
    match read.await {
        Ok((notes, Some(list))) => attachment(
            csv,
            &format!("material-matters-{id}.csv"),
            app::domain::dm_material::material_matters_table(&list, &notes).csv(),
        ),
        Ok((notes, None)) => attachment(
            csv,
            &format!("material-topics-{id}.csv"),
            app::domain::material_csv(&results, &notes),
        ),
        Err(e) => internal(e),
    }
}

/// The audit log for admins, filtered like its page (`?actor=&action=&subject=`).
async fn audit_csv(
    State(state): State<AppState>,
    Query(filter): Query<app::store::audit::AuditFilter>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = require(&state, &headers, &[Role::Admin]).await {
        return r;
    }
    match app::store::audit::entries(&state.db, &filter).await {
        Ok(entries) => attachment(
            "text/csv; charset=utf-8",
            "audit-log.csv",
            app::domain::audit_csv(&entries),
        ),
        Err(e) => internal(e),
    }
}
