//! The review through the real router: who may comment, override, confirm; what the exports say.

mod common;

use app::api::review::*;
use app::domain::CycleStatus;
use app::store::auth::Role;
use app::store::{self, Db};
use axum::body::Body;
use axum::http::{Request, StatusCode};
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
        let u = store::auth::create_user(db, &cli(), email, "long enough password", role)
            .await
            .unwrap();
        made.push(store::auth::create_session(db, &u).await.unwrap());
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
    store::cycles::set_status(db, &cli(), cycle, CycleStatus::Closed)
        .await
        .unwrap();
    (cycle, codes)
}

async fn json_of(app: &axum::Router, req: Request<Body>) -> (StatusCode, Value) {
    let (status, res) = send(app, req).await;
    let text = body_text(res).await;
    let v =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status}, not JSON ({e}): {text}"));
    (status, v)
}

/// The contents of the tables the review writes, to prove a refusal changed nothing.
async fn review_rows(db: &Db) -> Vec<String> {
    dump(
        db,
        &[
            "review_comments",
            "overrides",
            "confirmations",
            "management_notes",
            "audit_log",
            "cycles",
        ],
    )
    .await
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn reviewers_cannot_confirm_override_or_carry_forward(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = closed(&db, &app).await;
    let next = store::cycles::copy_cycle(&db, &cli(), cycle).await.unwrap();
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
    for (session, refusal, code) in [
        (None, "Unauthorized", StatusCode::UNAUTHORIZED),
        (Some(&s.reviewer), "Forbidden", StatusCode::FORBIDDEN),
    ] {
        for (path, body) in &admin_only {
            let (status, res) = send(&app, call(path, body, session.map(|s| s.as_str()))).await;
            assert_eq!(status, code, "{path} {refusal}");
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
    let (status, res) = send(&app, call(<AddComment as ServerFn>::PATH, &comment, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body_text(res).await.contains("Unauthorized"));
    assert_eq!(
        review_rows(&db).await,
        before,
        "an anonymous comment wrote something"
    );
    for session in [&s.reviewer, &s.other] {
        let (status, v) = json_of(
            &app,
            call(<AddComment as ServerFn>::PATH, &comment, Some(session)),
        )
        .await;
        assert_eq!((status, v), (StatusCode::OK, json!(null)));
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
    let (status, v) = json_of(
        &app,
        call(
            path,
            &format!("id={cycle}&topic={topic}&decision=material&reason=+"),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(
        (status, v),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"Refused": [{"field": "reason", "problem": "Required"}]})
        )
    );
    let (status, v) = json_of(
        &app,
        call(
            path,
            &format!("id={cycle}&topic=XX9&decision=material&reason=Why"),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(
        (status, v),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"Refused": [{"field": "topic", "problem": "Unknown"}]})
        )
    );
    let (status, v) = json_of(
        &app,
        call(
            <ConfirmCycle as ServerFn>::PATH,
            &format!("id={cycle}"),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(
        (status, v),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"Refused": [{"field": "confirm", "problem": "Required"}]})
        )
    );
    assert_eq!(review_rows(&db).await, before, "a refusal wrote something");

    let computed = store::results::results(&db, cycle).await.unwrap().unwrap();
    let was = computed
        .topics
        .iter()
        .find(|t| &t.code == topic)
        .unwrap()
        .material;
    // Removing an override needs a reason as well.
    let (status, v) = json_of(
        &app,
        call(
            path,
            &format!("id={cycle}&topic={topic}&decision=remove&reason="),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(
        (status, v),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"Refused": [{"field": "reason", "problem": "Required"}]})
        )
    );
    assert_eq!(review_rows(&db).await, before, "a refusal wrote something");
    let decision = if was { "not_material" } else { "material" };
    let body = format!("id={cycle}&topic={topic}&decision={decision}&reason=The+board+decided+so");
    let (_, v) = json_of(&app, call(path, &body, Some(&s.admin))).await;
    assert_eq!(v, json!(null));

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
    assert_eq!(v, json!(null));

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
    // The stamp holds the audit log's head from just before the confirmation's own entry, and the
    // exports print it.
    let anchor = &r["confirmation"]["audit_anchor"];
    let (head_id, head_hash): (i64, String) = sqlx::query_as(
        "SELECT id, hash FROM audit_log WHERE id < (SELECT MAX(id) FROM audit_log WHERE action = 'cycle.confirm')
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(anchor["id"], head_id);
    assert_eq!(anchor["hash"], head_hash.as_str());
    assert_eq!(col("audit_anchor"), format!("{head_id} {head_hash}"));

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
    assert!(
        svg.contains("The board decided so"),
        "the override's reason is in the topic's tooltip"
    );
    // The PNG is that very drawing (in English, at twice the size).
    let (status, res) = send(
        &app,
        get_as(
            &format!("/api/v1/cycles/{cycle}/matrix.png"),
            Some(&s.reviewer),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body_bytes(res).await,
        app::chart::export::png(&svg, 2.0).unwrap()
    );

    // The workbook's statistics sheet: the same columns as the CSV, on every row.
    let (status, res) = send(
        &app,
        get_as(
            &format!("/api/v1/cycles/{cycle}/results.xlsx"),
            Some(&s.reviewer),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let sheet = xlsx_sheet(body_bytes(res).await, "statistics");
    let head = &sheet[0];
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    assert_eq!(sheet.len(), 1 + codes.len());
    for row in &sheet[1..] {
        assert_eq!(row[at("standing")], "confirmed");
        assert_eq!(row[at("confirmed_by")], "admin@example.com");
        assert_eq!(
            row[at("statistics_sha256")],
            r["confirmation"]["statistics_hash"].as_str().unwrap()
        );
        assert_eq!(row[at("audit_anchor")], format!("{head_id} {head_hash}"));
    }
    let overridden = sheet[1..]
        .iter()
        .find(|row| &row[at("code")] == topic)
        .unwrap();
    assert_eq!(overridden[at("override_reason")], "The board decided so");
    assert_eq!(overridden[at("computed_material")], was.to_string());

    let material_url = format!("/api/v1/cycles/{cycle}/material.csv");
    let (status, _) = send(&app, get_as(&material_url, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, res) = send(&app, get_as(&material_url, Some(&s.reviewer))).await;
    assert_eq!(status, StatusCode::OK);
    let list = body_text(res).await;
    let material = r["topics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["material"] == true)
        .count();
    assert!(material > 0, "the test needs material topics");
    let rows: Vec<&str> = list.lines().skip(1).collect();
    assert_eq!(rows.len(), material, "{list}");
    assert!(rows.iter().all(|l| l.contains(",confirmed,")), "{list}");

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

    // Frozen: the override and a second confirmation are refused, and change nothing.
    let frozen = review_rows(&db).await;
    let (status, v) = json_of(&app, call(path, &body, Some(&s.admin))).await;
    assert_eq!(
        (status, v),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"Refused": [{"field": "reason", "problem": "NotInReview"}]})
        )
    );
    let (status, v) = json_of(
        &app,
        call(
            <ConfirmCycle as ServerFn>::PATH,
            &format!("id={cycle}&confirm=yes"),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(
        (status, v),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"Refused": [{"field": "cycle", "problem": "NotInReview"}]})
        )
    );
    assert_eq!(review_rows(&db).await, frozen);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_admin_carries_a_result_forward_and_every_export_says_so(db: Db) {
    let app = router(db.clone());
    let (source, codes) = closed(&db, &app).await;
    let s = sessions(&db).await;
    let (_, v) = json_of(
        &app,
        call(
            <ConfirmCycle as ServerFn>::PATH,
            &format!("id={source}&confirm=yes"),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(v, json!(null));
    let next = store::cycles::copy_cycle(&db, &cli(), source)
        .await
        .unwrap();
    let carry = <CarryForward as ServerFn>::PATH;
    // A rationale is required; a reviewer may not; then the admin does.
    let (status, v) = json_of(
        &app,
        call(
            carry,
            &format!("id={next}&from={source}&rationale="),
            Some(&s.admin),
        ),
    )
    .await;
    assert_eq!(
        (status, v),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"Refused": [{"field": "rationale", "problem": "Required"}]})
        )
    );
    let body = format!("id={next}&from={source}&rationale=No+major+change+in+the+business");
    let (status, res) = send(&app, call(carry, &body, Some(&s.reviewer))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body_text(res).await.contains("Forbidden"));
    assert!(store::cycles::cycle(&db, next)
        .await
        .unwrap()
        .unwrap()
        .carried_from
        .is_none());
    let (_, v) = json_of(&app, call(carry, &body, Some(&s.admin))).await;
    assert_eq!(v, json!(null));

    let url = |file: &str| format!("/api/v1/cycles/{next}/{file}");
    let (_, r) = json_of(&app, get_as(&url("results.json"), Some(&s.reviewer))).await;
    assert_eq!(r["carried_forward"]["from"], source);
    assert_eq!(
        r["carried_forward"]["rationale"],
        "No major change in the business"
    );
    assert!(
        r["confirmation"].is_null(),
        "provisional until confirmed in its turn"
    );

    let (_, res) = send(&app, get_as(&url("results.csv"), Some(&s.reviewer))).await;
    let csv = body_text(res).await;
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let from = header
        .iter()
        .position(|h| *h == "carried_forward_from")
        .unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), codes.len());
    // The source by name and year, as the chart says it.
    let source_name = format!(
        "{} ({})",
        r["carried_forward"]["name"].as_str().unwrap(),
        r["carried_forward"]["year"]
    );
    assert!(rows.iter().all(|r| r[from] == source_name), "{csv}");

    let (_, res) = send(&app, get_as(&url("results.xlsx"), Some(&s.reviewer))).await;
    let sheet = xlsx_sheet(body_bytes(res).await, "statistics");
    let from = sheet[0]
        .iter()
        .position(|h| h == "carried_forward_from")
        .unwrap();
    assert_eq!(sheet.len(), 1 + codes.len());
    assert!(sheet[1..].iter().all(|r| r[from] == source_name));

    let (_, res) = send(&app, get_as(&url("matrix.svg"), Some(&s.reviewer))).await;
    let svg = body_text(res).await;
    assert!(
        svg.contains("Carried forward from") && svg.contains("No major change in the business"),
        "the chart's footnote"
    );
    let (_, res) = send(&app, get_as(&url("matrix.png"), Some(&s.reviewer))).await;
    assert_eq!(
        body_bytes(res).await,
        app::chart::export::png(&svg, 2.0).unwrap()
    );
    // On the record, by the admin.
    let carried = store::audit::entries(&db, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "cycle.carry_forward")
        .map(|e| e.actor)
        .collect::<Vec<_>>();
    assert_eq!(carried, ["admin@example.com"]);
}

/// What an attacker would type into a free-text field to break out of a `<textarea>`.
const BREAKOUT: &str = "</textarea><img src=x onerror=alert(1)>";
/// The same text as a textarea must hold it in the page's HTML (the browser shows it as typed).
const IN_TEXTAREA: &str =
    "maxlength=\"2000\">&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;</textarea>";

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn free_text_in_a_textarea_is_escaped(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = closed(&db, &app).await;
    let s = sessions(&db).await;
    let admin = store::audit::Actor {
        user_id: None,
        name: "admin@example.com".into(),
    };
    // Topic 5 is rated (5, 5): material, so on the list with its note.
    store::review::set_note(&db, &admin, cycle, &codes[4], BREAKOUT)
        .await
        .unwrap();
    let (status, res) = send(
        &app,
        get_as(&format!("/cycles/{cycle}/material?lang=en"), Some(&s.admin)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = body_text(res).await;
    assert!(
        !html.contains("<img src=x"),
        "the note broke out of its textarea"
    );
    assert!(
        html.contains(IN_TEXTAREA),
        "the text is kept, escaped, in its textarea"
    );

    // A respondent's draft comment comes back into its textarea the same way.
    let (open_cycle, codes) = {
        let c = store::cycles::copy_cycle(&db, &cli(), cycle).await.unwrap();
        store::cycles::set_status(&db, &cli(), c, CycleStatus::Open)
            .await
            .unwrap();
        (c, codes)
    };
    let link = token(&db, open_cycle, "EMP").await;
    let saved = store::responses::save_draft(
        &db,
        &link,
        &[(format!("c.{}", codes[0]), BREAKOUT.to_string())],
    )
    .await
    .unwrap();
    assert!(
        matches!(saved, app::domain::DraftOutcome::Saved(_)),
        "{saved:?}"
    );
    let (status, res) = send(&app, get(&format!("/s/{link}?lang=en"))).await;
    assert_eq!(status, StatusCode::OK);
    let html = body_text(res).await;
    assert!(
        !html.contains("<img src=x"),
        "the comment broke out of its textarea"
    );
    assert!(
        html.contains(IN_TEXTAREA),
        "the text is kept, escaped, in its textarea"
    );
}
