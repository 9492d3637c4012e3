//! Body limits of the two ways answers arrive: the largest valid answer fits, a byte more is 413, and
//! a form with a field it does not have is refused before anything reaches the writer.

mod common;

use app::domain::{max_form_body, max_json_body, MAX_COMMENT_CHARS};
use app::store::Db;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use serde_json::json;

/// A character of four bytes in UTF-8: twelve on the wire, URL-encoded or as a JSON escape.
const WIDE: &str = "😀";

/// The largest valid form answer: every topic scored and commented to the limit in wide characters.
fn maximal_form(codes: &[String]) -> Vec<(String, String)> {
    let mut form = vec![("lang".to_string(), "en".to_string())];
    for c in codes {
        form.push((format!("b.{c}"), "5".into()));
        form.push((format!("s.{c}"), "dk".into()));
        form.push((format!("c.{c}"), WIDE.repeat(MAX_COMMENT_CHARS)));
    }
    form
}

fn form_request(token: &str, body: String) -> Request<Body> {
    Request::post(format!("/s/{token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_largest_valid_form_answer_is_stored_and_a_byte_more_is_413(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let limit = max_form_body(codes.len());
    // About 410 KB for the report's 17 topics.
    assert!((400_000..420_000).contains(&limit), "{limit}");

    let body = serde_urlencoded_body(&maximal_form(&codes));
    assert!(
        body.len() <= limit && body.len() > limit - 2048,
        "{}",
        body.len()
    );
    let (status, _) = send(&app, form_request(&token(&db, cycle, "EMP").await, body)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let full = format!("SELECT COUNT(*) FROM scores WHERE LENGTH(comment) = {MAX_COMMENT_CHARS}");
    assert_eq!(count(&db, &full).await, codes.len() as i64);

    // One byte over, however it is made up: refused before it is read, nothing stored.
    let mut form = maximal_form(&codes);
    let body = serde_urlencoded_body(&form);
    form[0].1.push_str(&"x".repeat(limit + 1 - body.len()));
    let body = serde_urlencoded_body(&form);
    assert_eq!(body.len(), limit + 1);
    let (status, _) = send(&app, form_request(&token(&db, cycle, "EMP").await, body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 1);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_form_with_a_field_it_does_not_have_or_a_field_twice_is_refused(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let token = token(&db, cycle, "EMP").await;
    let mut unknown = maximal_form(&codes);
    unknown.insert(1, ("x.E1".into(), "1".into()));
    let mut twice = maximal_form(&codes);
    twice.push((format!("b.{}", codes[0]), "1".into()));
    for (form, name) in [
        (unknown, "x.E1".to_string()),
        (twice, format!("b.{}", codes[0])),
    ] {
        let (status, res) = send(&app, form_request(&token, serde_urlencoded_body(&form))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains(&name));
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 0);
    // The link is still good.
    let body = serde_urlencoded_body(&maximal_form(&codes));
    let (status, _) = send(&app, form_request(&token, body)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_largest_valid_json_answer_is_stored_and_a_byte_more_is_413(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let limit = max_json_body(codes.len());
    let maximal = |token: &str| {
        let answers: Vec<_> = codes
            .iter()
            .map(|c| json!({"topic": c, "business": 5, "stakeholder": null, "comment": WIDE.repeat(MAX_COMMENT_CHARS)}))
            .collect();
        // As a client that escapes everything but ASCII writes it: \ud83d\ude00, twelve bytes.
        serde_json::to_string_pretty(&json!({"token": token, "answers": answers}))
            .unwrap()
            .replace(WIDE, "\\ud83d\\ude00")
    };
    let post = |body: String| {
        Request::post("/api/v1/responses")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let body = maximal(&token(&db, cycle, "EMP").await);
    assert!(body.len() <= limit, "{} > {limit}", body.len());
    let (status, res) = send(&app, post(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{}", body_text(res).await);

    // Padded with white space to one byte over: 413, nothing more stored.
    let mut body = maximal(&token(&db, cycle, "EMP").await);
    body.push_str(&" ".repeat(limit + 1 - body.len()));
    let (status, _) = send(&app, post(body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 1);
}
