//! At most `MAX_READING` answer bodies are read at once: the next waits its turn. (A file of its own:
//! the bound is one per process, and other tests must not share it.)

mod common;

use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode};
use common::*;
use server::answers::MAX_READING;
use tokio::sync::mpsc;

/// A body that sends nothing until its sender sends or is dropped.
fn stalled() -> (mpsc::Sender<Bytes>, Body) {
    let (tx, rx) = mpsc::channel::<Bytes>(1);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, std::convert::Infallible>(b), rx))
    });
    (tx, Body::from_stream(stream))
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_body_waits_while_the_most_bodies_are_being_read(db: app::store::Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let mut senders = Vec::new();
    let mut slow = Vec::new();
    for _ in 0..MAX_READING {
        let (tx, body) = stalled();
        let req = Request::post("/api/v1/responses")
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .unwrap();
        senders.push(tx);
        let app = app.clone();
        slow.push(tokio::spawn(async move { send(&app, req).await.0 }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let body =
        serde_json::json!({"token": token(&db, cycle, "EMP").await, "answers": answers(&codes)});
    let next = {
        let app = app.clone();
        tokio::spawn(async move { send(&app, post_json("/api/v1/responses", &body)).await.0 })
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!next.is_finished(), "read while {MAX_READING} others were");
    // One slow body ends (as junk): its turn passes to the waiting answer, which is stored.
    drop(senders.remove(0));
    assert_eq!(next.await.unwrap(), StatusCode::CREATED);
    drop(senders);
    for s in slow {
        assert_eq!(s.await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
