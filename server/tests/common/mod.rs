//! Helpers for driving the real router in tests.
#![allow(dead_code, reason = "each test file uses a different part")]

pub mod process;

use app::store::{self, Db};
use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use server::{config::Config, AppState};
use tower::ServiceExt;

/// Who the store records as acting when a test writes directly.
pub fn cli() -> app::store::audit::Actor {
    app::store::audit::Actor::command_line()
}

pub fn router(db: Db) -> Router {
    router_with(db, Config::default())
}

/// The router with these settings (the database and public URL are the tests' own).
pub fn router_with(db: Db, config: Config) -> Router {
    let leptos_options = leptos::config::LeptosOptions::builder()
        .output_name("materiality")
        .site_root("target/site")
        .build();
    let config = Config {
        database_url: "sqlite::memory:".into(),
        public_url: "http://test".into(),
        ..config
    };
    server::router(AppState::new(leptos_options, db, config))
}

/// The demo cycle and its topic codes.
pub async fn demo(db: &Db) -> (i64, Vec<String>) {
    let cycle = store::demo::seed(db, &cli()).await.unwrap();
    let codes = store::cycles::cycle_topics(db, cycle)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.code)
        .collect();
    (cycle, codes)
}

pub async fn token(db: &Db, cycle: i64, group: &str) -> String {
    store::links::invite(db, &cli(), cycle, group, 1)
        .await
        .unwrap()
        .remove(0)
}

/// A reviewer, `rev@example.com`, with a session and an API token: (user, session, token).
pub async fn reviewer(db: &Db) -> (app::domain::User, String, String) {
    let user = store::auth::create_user(
        db,
        &cli(),
        "rev@example.com",
        "a long password",
        app::domain::Role::Reviewer,
    )
    .await
    .unwrap();
    let session = store::auth::create_session(db, &user).await.unwrap();
    let token = store::auth::create_api_token(db, &cli(), "rev@example.com")
        .await
        .unwrap();
    (user, session, token)
}

/// A complete, valid answer list.
pub fn answers(codes: &[String]) -> Vec<Value> {
    codes
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"topic": c, "business": (i % 5 + 1), "stakeholder": if i == 0 { Value::Null } else { json!(5) }}))
        .collect()
}

pub async fn send(app: &Router, req: Request<Body>) -> (StatusCode, Response<Body>) {
    let res = app.clone().oneshot(req).await.unwrap();
    (res.status(), res)
}

pub async fn body_bytes(res: Response<Body>) -> Vec<u8> {
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

pub async fn body_text(res: Response<Body>) -> String {
    String::from_utf8(body_bytes(res).await).unwrap()
}

pub fn post_json(uri: &str, body: &Value) -> Request<Body> {
    Request::post(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

/// A GET as a signed-in browser sends it (`session`: the session cookie's token), or anonymous.
pub fn get_as(uri: &str, session: Option<&str>) -> Request<Body> {
    let mut req = Request::get(uri);
    if let Some(s) = session {
        req = req.header(axum::http::header::COOKIE, format!("mat_session={s}"));
    }
    req.body(Body::empty()).unwrap()
}

/// A GET as a script sends it, with an API token (`Authorization: Bearer`).
pub fn get_bearer(uri: &str, token: &str) -> Request<Body> {
    Request::get(uri)
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

pub async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

/// A server-function call as a same-site browser form post would make it, with an optional session;
/// a body that starts with `{` goes as JSON (the functions that take JSON in).
pub fn call(path: &str, body: &str, session: Option<&str>) -> Request<Body> {
    use axum::http::header;
    let kind = if body.starts_with('{') {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    };
    let mut req = Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, kind);
    if let Some(s) = session {
        req = req.header(header::COOKIE, format!("mat_session={s}"));
    }
    req.body(Body::from(body.to_string())).unwrap()
}

/// Every row of the tables, every column, in a fixed order: "nothing changed" compares contents, so
/// an edited row shows as well as an added or removed one.
pub async fn dump(db: &Db, tables: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(table)
                .fetch_all(db)
                .await
                .unwrap();
        assert!(!columns.is_empty(), "no table {table}");
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT {row} FROM {table} ORDER BY rowid"))
                .fetch_all(db)
                .await
                .unwrap();
        out.extend(rows.into_iter().map(|r| format!("{table}: {r}")));
    }
    out
}

/// One sheet of a workbook as text, row by row (calamine reads it as a spreadsheet program would).
pub fn xlsx_sheet(bytes: Vec<u8>, name: &str) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
    let range = book.worksheet_range(name).expect("the sheet exists");
    range
        .rows()
        .map(|row| row.iter().map(|cell| cell.to_string()).collect())
        .collect()
}

/// A form body as a browser encodes it (application/x-www-form-urlencoded).
pub fn serde_urlencoded_body(form: &[(String, String)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The password of [`signed_up`]'s account.
pub const RIGHT_PASSWORD: &str = "the right password";

/// A reviewer account, rev@example.com with [`RIGHT_PASSWORD`], for the sign-in tests.
pub async fn signed_up(db: &Db) -> app::domain::User {
    store::auth::create_user(
        db,
        &cli(),
        "rev@example.com",
        RIGHT_PASSWORD,
        app::domain::Role::Reviewer,
    )
    .await
    .unwrap()
}

/// A sign-in as a script sends it (server function, form-encoded, JSON answer), with an `Origin`.
pub fn login_request(email: &str, password: &str, origin: Option<&str>) -> Request<Body> {
    use leptos::server_fn::ServerFn;
    let body = serde_urlencoded_body(&[
        ("email".into(), email.into()),
        ("password".into(), password.into()),
        ("next".into(), "/".into()),
    ]);
    let mut req = Request::post(<app::api::auth::Login as ServerFn>::PATH)
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(o) = origin {
        req = req.header(header::ORIGIN, o);
    }
    req.body(Body::from(body)).unwrap()
}

/// A sign-in from a client address (as `ConnectInfo` gives it).
pub fn login_from(address: [u8; 4], email: &str, password: &str) -> Request<Body> {
    let mut req = login_request(email, password, Some("http://localhost"));
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            address, 50000,
        ))));
    req
}

/// A new account of `role` with a session: the session cookie's token.
pub async fn session(db: &Db, email: &str, role: app::domain::Role) -> String {
    let user = store::auth::create_user(db, &cli(), email, "a long password", role)
        .await
        .unwrap();
    store::auth::create_session(db, &user).await.unwrap()
}

/// A draft cycle (of the survey method, as every new cycle is).
pub async fn draft_cycle(db: &Db) -> i64 {
    let settings = app::domain::CycleForm {
        name: "DMA".into(),
        year: "2026".into(),
        scale: "1-5".into(),
        k: "5".into(),
        threshold: "3".into(),
        threshold_rule: "both".into(),
        ..Default::default()
    }
    .check()
    .unwrap();
    store::cycles::create_cycle(db, &cli(), &settings)
        .await
        .unwrap()
}
