//! The review through the real router: who may comment, override, confirm; what the exports say.

mod common;

use app::api::review::*;
use app::domain::CycleStatus;
use app::store::auth::Role;
use app::store::{self, Db};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

struct Sessions {
    admin: String,
    reviewer: String,
    other: String,
}

async fn sessions(db: &Db) -> Sessions {
    let mut made = Vec::new();
    for (email, role) in [
        ("admin@example.com", Role::Admin),
        ("rev@example.com", Role::Reviewer),
        ("rev2@example.com", Role::Reviewer),
    ] {
        let u = store::auth::create_user(db, email, "long enough password", role)
            .await
            .unwrap();
        made.push(store::auth::create_session(db, u.id).await.unwrap());
    }
    let other = made.pop().unwrap();
    let reviewer = made.pop().unwrap();
    let admin = made.pop().unwrap();
    Sessions {
        admin,
        reviewer,
        other,
    }
}

/// The demo cycle with five employee answers, closed for review.
async fn closed(db: &Db, app: &axum::Router) -> (i64, Vec<String>) {
    let (cycle, codes) = demo(db).await;
    for _ in 0..5 {
        let t = token(db, cycle, "EMP").await;
        let (status, _) = send(
            app,
            post_json(
                "/api/v1/responses",
                &json!({"token": t, "answers": answers(&codes)}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    store::cycles::set_status(db, cycle, CycleStatus::Closed)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    (cycle, codes)
}

fn get_as(uri: &str, session: Option<&str>) -> Request<Body> {
    let mut req = Request::get(uri);
    if let Some(s) = session {
        req = req.header(header::COOKIE, format!("mat_session={s}"));
    }
    req.body(Body::empty()).unwrap()
}

async fn json_of(app: &axum::Router, req: Request<Body>) -> (StatusCode, Value) {
    let (status, res) = send(app, req).await;
    let text = body_text(res).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Rows of the tables the review writes, to prove a refusal changed nothing.
async fn review_rows(db: &Db) -> Vec<i64> {
    let mut out = Vec::new();
    for table in [
        "review_comments",
        "overrides",
        "confirmations",
        "management_notes",
        "audit_log",
    ] {
        out.push(count(db, &format!("SELECT COUNT(*) FROM {table}")).await);
    }
    out.push(
        count(
            db,
            "SELECT COUNT(*) FROM cycles WHERE status = 'confirmed' OR carried_from IS NOT NULL",
        )
        .await,
    );
    out
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn reviewers_cannot_confirm_override_or_carry_forward(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = closed(&db, &app).await;
    let next = store::cycles::copy_cycle(&db, cycle)
        .await
        .unwrap()
        .unwrap();
    let s = sessions(&db).await;
    let topic = &codes[0];
    let admin_only = [
        (
            <SetOverride as ServerFn>::PATH,
            format!("id={cycle}&topic={topic}&decision=not_material&reason=Covered+elsewhere"),
        ),
        (
            <ConfirmCycle as ServerFn>::PATH,
            format!("id={cycle}&confirm=yes"),
        ),
        (
            <CarryForward as ServerFn>::PATH,
            format!("id={next}&from={cycle}&rationale=No+change"),
        ),
        (
            <SetNote as ServerFn>::PATH,
            format!("id={cycle}&topic={topic}&note=Policy"),
        ),
        (
            <GetAudit as ServerFn>::PATH,
            "actor=&action=&subject=".to_string(),
        ),
        (<VerifyAudit as ServerFn>::PATH, String::new()),
    ];
    let before = review_rows(&db).await;
    for (session, refusal) in [(None, "Unauthorized"), (Some(&s.reviewer), "Forbidden")] {
        for (path, body) in &admin_only {
            let (status, res) = send(&app, call(path, body, session.map(|s| s.as_str()))).await;
            assert!(!status.is_success(), "{path} {refusal}");
            assert!(body_text(res).await.contains(refusal), "{path} {refusal}");
        }
    }
    assert_eq!(review_rows(&db).await, before, "a refusal wrote something");
    let (_, r) = json_of(
        &app,
        get_as(
            &format!("/api/v1/cycles/{cycle}/results.json"),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(r["cycle"]["status"], "closed");
    assert!(r["confirmation"].is_null());

    // Reviewers comment and propose, and see each other's comments; anonymous callers cannot.
    let comment =
        format!("id={cycle}&topic={topic}&body=Rarely+raised+by+customers&proposal=not_material");
    let (status, _) = send(&app, call(<AddComment as ServerFn>::PATH, &comment, None)).await;
    assert!(!status.is_success());
    for session in [&s.reviewer, &s.other] {
        let (status, v) = json_of(
            &app,
            call(<AddComment as ServerFn>::PATH, &comment, Some(session)),
        )
        .await;
        assert_eq!((status, v), (StatusCode::OK, json!({"Ok": null})));
    }
    let (_, v) = json_of(
        &app,
        call(
            <GetReview as ServerFn>::PATH,
            &format!("id={cycle}"),
            Some(&s.reviewer),
        ),
    )
    .await;
    let authors: Vec<&str> = v["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["author"].as_str().unwrap())
        .collect();
    assert_eq!(authors, ["rev@example.com", "rev2@example.com"]);
    assert_eq!(v["admin"], false);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_override_needs_a_reason_and_confirmation_shows_in_every_export(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = closed(&db, &app).await;
    let s = sessions(&db).await;
    let topic = &codes[1];
    let before = review_rows(&db).await;
    let path = <SetOverride as ServerFn>::PATH;
    let (_, v) = json_of(
        &app,
        call(
            path,
            &format!("id={cycle}&topic={topic}&decision=material&reason=+"),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(
        v,
        json!({"Err": [{"field": "reason", "problem": "Required"}]})
    );
    let (_, v) = json_of(
        &app,
        call(
            path,
            &format!("id={cycle}&topic=XX9&decision=material&reason=Why"),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(
        v,
        json!({"Err": [{"field": "topic", "problem": "Unknown"}]})
    );
    let (_, v) = json_of(
        &app,
        call(
            <ConfirmCycle as ServerFn>::PATH,
            &format!("id={cycle}"),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(
        v,
        json!({"Err": [{"field": "confirm", "problem": "Required"}]})
    );
    assert_eq!(review_rows(&db).await, before, "a refusal wrote something");

    let computed = store::results::results(&db, cycle).await.unwrap().unwrap();
    let was = computed
        .topics
        .iter()
        .find(|t| &t.code == topic)
        .unwrap()
        .material;
    let decision = if was { "not_material" } else { "material" };
    let body = format!("id={cycle}&topic={topic}&decision={decision}&reason=The+board+decided+so");
    let (_, v) = json_of(&app, call(path, &body, Some(&s.admin))).await;
    assert_eq!(v, json!({"Ok": null}));

    // Provisional until confirmed, in every export.
    let csv_url = format!("/api/v1/cycles/{cycle}/results.csv");
    let (_, res) = send(&app, get_as(&csv_url, Some(&s.reviewer))).await;
    let csv = body_text(res).await;
    assert!(
        csv.lines().nth(1).unwrap().contains(",provisional,"),
        "{csv}"
    );
    let (_, res) = send(
        &app,
        get_as(
            &format!("/api/v1/cycles/{cycle}/matrix.svg"),
            Some(&s.reviewer),
        ),
    )
    .await;
    assert!(body_text(res).await.contains("Provisional"));

    let (_, v) = json_of(
        &app,
        call(
            <ConfirmCycle as ServerFn>::PATH,
            &format!("id={cycle}&confirm=yes"),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(v, json!({"Ok": null}));

    let (_, r) = json_of(
        &app,
        get_as(
            &format!("/api/v1/cycles/{cycle}/results.json"),
            Some(&s.reviewer),
        ),
    )
    .await;
    assert_eq!(r["cycle"]["status"], "confirmed");
    assert_eq!(r["confirmation"]["confirmed_by"], "admin@example.com");
    assert_eq!(r["confirmation"]["intact"], true);
    assert_eq!(r["confirmation"]["methodology"]["k"], 5);
    let t = r["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == topic.as_str())
        .unwrap();
    assert_eq!(t["material"], !was);
    assert_eq!(t["computed_material"], was);
    assert_eq!(t["override"]["reason"], "The board decided so");

    let (_, res) = send(&app, get_as(&csv_url, Some(&s.reviewer))).await;
    let csv = body_text(res).await;
    let header: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .split(',')
        .collect();
    let row = csv
        .lines()
        .find(|l| l.contains(&format!(",{topic},")))
        .unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    let col = |name: &str| cells[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(col("standing"), "confirmed");
    assert_eq!(col("confirmed_by"), "admin@example.com");
    assert_eq!(col("override_reason"), "The board decided so");
    assert_eq!(
        col("statistics_sha256"),
        r["confirmation"]["statistics_hash"].as_str().unwrap()
    );

    let (_, res) = send(
        &app,
        get_as(
            &format!("/api/v1/cycles/{cycle}/matrix.svg"),
            Some(&s.reviewer),
        ),
    )
    .await;
    let svg = body_text(res).await;
    assert!(svg.contains("Confirmed"), "the chart says confirmed");
    assert!(
        svg.contains(&format!("{topic}*")),
        "the override is marked on the chart"
    );

    let material_url = format!("/api/v1/cycles/{cycle}/material.csv");
    let (status, _) = send(&app, get_as(&material_url, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, res) = send(&app, get_as(&material_url, Some(&s.reviewer))).await;
    assert_eq!(status, StatusCode::OK);
    let list = body_text(res).await;
    assert!(
        list.lines().skip(1).all(|l| l.contains(",confirmed,")),
        "{list}"
    );

    // The audit log: admins only, the whole review on it.
    let audit_url = "/api/v1/audit.csv?action=review";
    assert_eq!(
        send(&app, get_as(audit_url, None)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&app, get_as(audit_url, Some(&s.reviewer))).await.0,
        StatusCode::FORBIDDEN
    );
    let (_, res) = send(&app, get_as(audit_url, Some(&s.admin))).await;
    let log = body_text(res).await;
    assert_eq!(log.lines().count(), 2, "header and the one override: {log}");
    assert!(log.contains("review.override"));
    let (_, res) = send(&app, get_as("/api/v1/audit.csv", Some(&s.admin))).await;
    assert!(body_text(res).await.contains("cycle.confirm"));

    // Frozen: the override and a second confirmation are refused.
    let (_, v) = json_of(&app, call(path, &body, Some(&s.admin))).await;
    assert_eq!(
        v,
        json!({"Err": [{"field": "reason", "problem": "NotInReview"}]})
    );
}
