//! The anonymity rule over HTTP: nothing a reviewer can download lets one respondent be worked out by
//! subtraction.
mod common;

use app::domain::Role;
use app::store::{self, Db};
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

/// Submits one response for `group` whose business score is `business` on every topic.
async fn answer(
    app: &axum::Router,
    db: &Db,
    cycle: i64,
    codes: &[String],
    group: &str,
    business: u8,
) {
    let t = token(db, cycle, group).await;
    let answers: Vec<Value> = codes
        .iter()
        .map(|c| json!({"topic": c, "business": business, "stakeholder": 3}))
        .collect();
    let (status, _) = send(
        app,
        post_json(
            "/api/v1/responses",
            &json!({"token": t, "answers": answers}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn one_regulator_cannot_be_subtracted_out_of_any_export(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    // k = 5: five customers (business 2), five employees (4), one government official (5). Shown
    // beside everyone's figures, "external" minus "customers", or everyone minus customers minus
    // employees, would be the official's own scores.
    for _ in 0..5 {
        answer(&app, &db, cycle, &codes, "CUS", 2).await;
        answer(&app, &db, cycle, &codes, "EMP", 4).await;
    }
    answer(&app, &db, cycle, &codes, "GOV", 5).await;
    let (_, session, api) = reviewer(&db).await;
    let json_of = |group: &str| {
        let app = app.clone();
        let url = format!("/api/v1/cycles/{cycle}/results.json?group={group}");
        let api = api.clone();
        async move {
            let (status, res) = send(&app, get_bearer(&url, &api)).await;
            let body = body_text(res).await;
            (
                status,
                serde_json::from_str::<Value>(&body).unwrap_or(Value::Null),
            )
        }
    };
    // The customers go with the official: otherwise external - customers = the official.
    for (group, status) in [
        ("all", StatusCode::OK),
        ("internal", StatusCode::OK),
        ("external", StatusCode::OK),
        ("split", StatusCode::OK),
        ("EMP", StatusCode::OK),
        ("CUS", StatusCode::FORBIDDEN),
        ("GOV", StatusCode::FORBIDDEN),
    ] {
        assert_eq!(json_of(group).await.0, status, "{group}");
    }
    let (_, all) = json_of("all").await;
    assert_eq!(all["withheld"], json!(["GOV", "CUS"]));
    let e1 = all["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "E1")
        .unwrap();
    assert_eq!(e1["business"]["n"], json!(11));
    let groups: Vec<&String> = e1["groups"].as_object().unwrap().keys().collect();
    assert_eq!(groups, ["EMP"]);
    // The weighted figure uses the shown groups only: the employees' 4, not a mix with the others.
    assert_eq!(e1["weighted"]["business"], json!(4.0));
    let (_, external) = json_of("external").await;
    assert_eq!(external["topics"][0]["business"]["n"], json!(6));

    // The workbook's responses: the customers' and the official's rows have neither day nor group.
    let url = format!("/api/v1/cycles/{cycle}/results.xlsx");
    let (status, res) = send(&app, get_bearer(&url, &api)).await;
    assert_eq!(status, StatusCode::OK);
    let sheet = xlsx_sheet(body_bytes(res).await, "responses");
    assert_eq!(sheet.len(), 12, "a header and eleven responses");
    let today = app::domain::date_of(store::now());
    for row in &sheet[1..] {
        let (day, group, business) = (&row[0], &row[1], &row[2]);
        match business.as_str() {
            "4" => assert_eq!((day, group.as_str()), (&today, "EMP"), "{row:?}"),
            "2" | "5" => assert_eq!((day.as_str(), group.as_str()), ("", ""), "{row:?}"),
            other => panic!("unexpected score {other}"),
        }
    }

    // The matrix page says how many figures are withheld and why, in both languages.
    for (lang, words) in [
        ("en", "2 figures withheld to protect anonymity"),
        ("zh-CN", "2 项数据不予显示"),
    ] {
        let url = format!("/cycles/{cycle}/matrix?lang={lang}");
        let (status, res) = send(&app, get_as(&url, Some(&session))).await;
        assert_eq!(status, StatusCode::OK);
        let html = body_text(res).await;
        assert!(html.contains(words), "{lang}");
        assert!(html.contains("data-withheld=\"2\""), "{lang}");
    }
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_open_cycle_shows_figures_only_with_the_preview_on(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    for _ in 0..5 {
        answer(&app, &db, cycle, &codes, "EMP", 4).await;
    }
    let (_, session, api) = reviewer(&db).await;
    let n_of_e1 = || {
        let (app, api) = (app.clone(), api.clone());
        async move {
            let url = format!("/api/v1/cycles/{cycle}/results.json");
            let (status, res) = send(&app, get_bearer(&url, &api)).await;
            assert_eq!(status, StatusCode::OK);
            let v: Value = serde_json::from_str(&body_text(res).await).unwrap();
            v["topics"][0]["business"]["n"].clone()
        }
    };
    let page = || {
        let (app, session) = (app.clone(), session.clone());
        async move {
            let url = format!("/cycles/{cycle}/matrix?lang=en");
            body_text(send(&app, get_as(&url, Some(&session))).await.1).await
        }
    };
    // The demo cycle has the preview on, and every result page warns of it.
    assert_eq!(n_of_e1().await, json!(5));
    assert!(page().await.contains("data-testid=\"preview-warning\""));
    // Turned off (the default for a new cycle): while open, no figures at all, and the page says why.
    let mut settings = store::cycles::cycle(&db, cycle)
        .await
        .unwrap()
        .unwrap()
        .settings();
    assert!(settings.preview_open);
    settings.preview_open = false;
    store::cycles::update_settings(&db, &cli(), cycle, &settings)
        .await
        .unwrap();
    assert_eq!(n_of_e1().await, json!(0));
    let html = page().await;
    assert!(html.contains("data-testid=\"figures-after-close\""));
    assert!(!html.contains("data-testid=\"preview-warning\""));
    // Closed: the figures are shown, with no warning.
    store::cycles::set_status(&db, &cli(), cycle, app::domain::CycleStatus::Closed)
        .await
        .unwrap();
    assert_eq!(n_of_e1().await, json!(5));
    let html = page().await;
    assert!(!html.contains("figures-after-close") && !html.contains("preview-warning"));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn reviewers_read_respondents_comments_once_closed_without_withheld_groups(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let say = |group: &'static str, text: String| {
        let (app, db, codes) = (app.clone(), db.clone(), codes.clone());
        async move {
            let t = token(&db, cycle, group).await;
            let mut list = answers(&codes);
            list[0]["comment"] = json!(text);
            let body = json!({"token": t, "answers": list});
            let (status, _) = send(&app, post_json("/api/v1/responses", &body)).await;
            assert_eq!(status, StatusCode::CREATED);
        }
    };
    for i in 0..5 {
        say("EMP", format!("employee note {i}")).await;
        say("CUS", format!("customer note {i}")).await;
    }
    say("GOV", "</textarea><script>alert(1)</script>".to_string()).await;
    let user = store::auth::create_user(
        &db,
        &cli(),
        "rev@example.com",
        "a long password",
        Role::Reviewer,
    )
    .await
    .unwrap();
    let session = store::auth::create_session(&db, &user).await.unwrap();
    let review = || {
        let (app, session) = (app.clone(), session.clone());
        async move {
            let url = format!("/cycles/{cycle}/review?lang=en");
            body_text(send(&app, get_as(&url, Some(&session))).await.1).await
        }
    };
    // While the cycle is open, nothing of what respondents wrote is shown.
    assert!(!review().await.contains("employee note"));
    store::cycles::set_status(&db, &cli(), cycle, app::domain::CycleStatus::Closed)
        .await
        .unwrap();
    let html = review().await;
    assert_eq!(
        html.matches("data-testid=\"respondent-comment\"").count(),
        11
    );
    assert!(html.contains("employee note 4") && html.contains("customer note 0"));
    // The one official is pooled with the customers (as in the figures): only the employees' five
    // comments name their group. The text is escaped, never markup.
    assert_eq!(html.matches("data-testid=\"respondent-group\"").count(), 5);
    assert!(html.contains(">EMP</span>") && !html.contains(">GOV</span>"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
}
