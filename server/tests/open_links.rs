//! Open links take answers within budgets (per link, per link and address) and up to the cap an admin
//! set; single-use links are not held to an address budget.

mod common;

use app::store::{self, Db};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::*;
use serde_json::json;
use server::config::Config;
use std::net::SocketAddr;

/// A JSON answer sent from `address`.
fn answer_from(address: [u8; 4], token: &str, codes: &[String]) -> Request<Body> {
    let mut req = post_json(
        "/api/v1/responses",
        &json!({"token": token, "answers": answers(codes)}),
    );
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((address, 40000))));
    req
}

/// The same answer as the survey's form post from `address`.
fn form_from(address: [u8; 4], token: &str, codes: &[String]) -> Request<Body> {
    let mut form = vec![("lang".to_string(), "en".to_string())];
    for c in codes {
        form.push((format!("b.{c}"), "4".into()));
        form.push((format!("s.{c}"), "dk".into()));
    }
    let mut req = Request::post(format!("/s/{token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded_body(&form)))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((address, 40000))));
    req
}

fn budgets(per_minute: u32, per_address_hour: u32) -> Config {
    Config {
        open_link_per_minute: per_minute,
        open_link_per_address_hour: per_address_hour,
        ..Config::default()
    }
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn one_address_gets_its_budget_of_an_open_link_and_others_theirs(db: Db) {
    let app = router_with(db.clone(), budgets(100, 3));
    let (cycle, codes) = demo(&db).await;
    let open = store::links::create_open_link(&db, &cli(), cycle, "CUS", None)
        .await
        .unwrap();
    let office = [203, 0, 113, 7];
    for i in 0..3 {
        let req = if i % 2 == 0 {
            answer_from(office, &open, &codes)
        } else {
            form_from(office, &open, &codes)
        };
        let (status, _) = send(&app, req).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{i}: {status}"
        );
    }
    // The fourth from the same address, by either way: 429 with when to try again, nothing stored.
    for req in [
        answer_from(office, &open, &codes),
        form_from(office, &open, &codes),
    ] {
        let (status, res) = send(&app, req).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = res.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=1200).contains(&wait), "{wait}");
        assert!(body_text(res).await.contains("send again"));
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 3);
    // Another address still may.
    let (status, _) = send(&app, answer_from([198, 51, 100, 1], &open, &codes)).await;
    assert_eq!(status, StatusCode::CREATED);

    // Single-use links are not held to the address's budget: each answers once anyway.
    for _ in 0..4 {
        let single = token(&db, cycle, "EMP").await;
        let (status, _) = send(&app, answer_from(office, &single, &codes)).await;
        assert_eq!(status, StatusCode::CREATED);
    }
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_open_link_takes_at_most_its_budget_per_minute_from_everyone(db: Db) {
    let app = router_with(db.clone(), budgets(5, 100));
    let (cycle, codes) = demo(&db).await;
    let open = store::links::create_open_link(&db, &cli(), cycle, "CUS", None)
        .await
        .unwrap();
    let mut statuses = Vec::new();
    for i in 0..7u8 {
        let (status, _) = send(&app, answer_from([192, 0, 2, i], &open, &codes)).await;
        statuses.push(status.as_u16());
    }
    assert_eq!(statuses, [201, 201, 201, 201, 201, 429, 429]);
    // Another open link has its own budget.
    let other = store::links::create_open_link(&db, &cli(), cycle, "SUP", None)
        .await
        .unwrap();
    let (status, _) = send(&app, answer_from([192, 0, 2, 9], &other, &codes)).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_open_link_with_a_cap_takes_that_many_answers_and_then_says_so(db: Db) {
    use app::api::admin::MakeOpenLink;
    use leptos::server_fn::ServerFn;
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let admin = store::auth::create_user(
        &db,
        &cli(),
        "admin@example.com",
        "admin password",
        app::domain::Role::Admin,
    )
    .await
    .unwrap();
    let session = store::auth::create_session(&db, &admin).await.unwrap();
    // Refused caps change nothing.
    for cap in ["0", "-1", "many", "1000001"] {
        let body = format!("id={cycle}&group=CUS&cap={cap}");
        let (status, res) = send(&app, call(MakeOpenLink::PATH, &body, Some(&session))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = body_text(res).await;
        assert!(
            text.contains("cap") && text.contains("BadNumber"),
            "{cap}: {text}"
        );
    }
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM invitations WHERE open_link").await,
        0
    );
    let body = format!("id={cycle}&group=CUS&cap=2");
    let (status, res) = send(&app, call(MakeOpenLink::PATH, &body, Some(&session))).await;
    assert_eq!(status, StatusCode::OK);
    let text = body_text(res).await;
    let link: serde_json::Value = serde_json::from_str(&text).unwrap();
    let url = link["links"][0].as_str().unwrap();
    let open = url.rsplit('/').next().unwrap().to_string();

    for i in 0..2u8 {
        let (status, _) = send(&app, answer_from([192, 0, 2, i], &open, &codes)).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, res) = send(&app, answer_from([192, 0, 2, 3], &open, &codes)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body_text(res).await.contains("as many answers"));
    let (status, res) = send(&app, form_from([192, 0, 2, 4], &open, &codes)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let words = app::i18n::Lang::En.t().full_link_title;
    assert!(body_text(res).await.contains(words));
    let (_, res) = send(&app, get(&format!("/s/{open}?lang=en"))).await;
    assert!(body_text(res).await.contains(words));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 2);
    // The cap is on the record.
    let after: String = sqlx::query_scalar(
        "SELECT after FROM audit_log WHERE action = 'links.open_link' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(after, r#"{"cap":2}"#);
}
