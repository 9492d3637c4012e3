//! HTTP tests through the real router.

mod common;

use app::store::{self, auth::Role, Db};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use serde_json::{json, Value};

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn health(db: Db) {
    let (status, res) = send(&router(db.clone()), get("/healthz")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body_text(res).await, r#"{"database":"ok","writer":"ok"}"#);
    // With the database gone, the check says so (503), and which part is down.
    db.close().await;
    let (status, res) = send(&router(db), get("/healthz")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body_text(res).await.contains(r#""database":"down""#));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn post_response_status_codes(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let token = token(&db, cycle, "EMP").await;
    let url = "/api/v1/responses";

    // 404: unknown token (well-formed and not).
    for t in ["nope".to_string(), "a".repeat(43)] {
        let (status, _) = send(
            &app,
            post_json(url, &json!({"token": t, "answers": answers(&codes)})),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    // 422: each kind of invalid input, with the field named; nothing stored, token still usable.
    let mut off_scale = answers(&codes);
    off_scale[2]["business"] = json!(6);
    let mut not_integer = answers(&codes);
    not_integer[1]["stakeholder"] = json!(4.5);
    let mut unknown_topic = answers(&codes);
    unknown_topic.push(json!({"topic": "Z9", "business": 1, "stakeholder": 1}));
    let mut twice = answers(&codes);
    twice.push(twice[0].clone());
    let mut missing = answers(&codes);
    missing.pop();
    let cases = [
        (
            json!({"token": token, "answers": off_scale}),
            Some(codes[2].as_str()),
            "business",
            "off_scale",
        ),
        (
            json!({"token": token, "answers": not_integer}),
            Some(codes[1].as_str()),
            "stakeholder",
            "not_integer",
        ),
        (
            json!({"token": token, "answers": unknown_topic}),
            Some("Z9"),
            "topic",
            "unknown_topic",
        ),
        (
            json!({"token": token, "answers": twice}),
            Some(codes[0].as_str()),
            "topic",
            "duplicate",
        ),
        (
            json!({"token": token, "answers": missing}),
            codes.last().map(String::as_str),
            "topic",
            "missing_topic",
        ),
        (json!({"token": token}), None, "answers", "malformed"),
    ];
    for (body, topic, field, code) in cases {
        let (status, res) = send(&app, post_json(url, &body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field} {code}");
        let v: Value = serde_json::from_str(&body_text(res).await).unwrap();
        let e = &v["errors"][0];
        assert_eq!(
            (e["topic"].as_str(), e["field"].as_str(), e["code"].as_str()),
            (topic, Some(field), Some(code)),
            "{v}"
        );
        assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (status, _) = send(
        &app,
        Request::post(url)
            .header("content-type", "application/json")
            .body(Body::from("{oops"))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 0);

    // 413: over the largest valid answer, refused before parsing.
    let mut huge = answers(&codes);
    huge[0]["comment"] = json!("x".repeat(app::domain::max_json_body(codes.len())));
    let (status, _) = send(
        &app,
        post_json(url, &json!({"token": token, "answers": huge})),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // 201, then 409 for the same token.
    let (status, res) = send(
        &app,
        post_json(url, &json!({"token": token, "answers": answers(&codes)})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let v: Value = serde_json::from_str(&body_text(res).await).unwrap();
    let receipt = v["receipt"].as_str().unwrap().to_string();
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM responses WHERE receipt = '{receipt}'")
        )
        .await,
        1
    );
    let (status, _) = send(
        &app,
        post_json(url, &json!({"token": token, "answers": answers(&codes)})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // 422: cycle not open.
    let other = common::token(&db, cycle, "CUS").await;
    sqlx::query("UPDATE cycles SET status = 'closed'")
        .execute(&db)
        .await
        .unwrap();
    let (status, res) = send(
        &app,
        post_json(url, &json!({"token": other, "answers": answers(&codes)})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(res).await.contains("cycle_not_open"));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 1);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn results_refuse_anonymous_callers_and_serve_reviewers(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    // Five responses (k = 5), no group with five of its own.
    for group in ["EMP", "EMP", "EMP", "CUS", "CUS"] {
        let t = token(&db, cycle, group).await;
        let (status, _) = send(
            &app,
            post_json(
                "/api/v1/responses",
                &json!({"token": t, "answers": answers(&codes)}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let json_url = format!("/api/v1/cycles/{cycle}/results.json");
    let svg_url = format!("/api/v1/cycles/{cycle}/matrix.svg");
    let png_url = format!("/api/v1/cycles/{cycle}/matrix.png");
    let xlsx_url = format!("/api/v1/cycles/{cycle}/results.xlsx");
    for url in [&json_url, &svg_url, &png_url, &xlsx_url] {
        let (status, _) = send(&app, get(url)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{url}");
        let req = Request::get(url.as_str())
            .header(header::AUTHORIZATION, "Bearer not-a-token")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, req).await.0, StatusCode::UNAUTHORIZED, "{url}");
        let req = Request::get(url.as_str())
            .header(header::COOKIE, "mat_session=forged")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, req).await.0, StatusCode::UNAUTHORIZED, "{url}");
    }

    let (_, _, api) = reviewer(&db).await;
    let bearer = |url: &str| get_bearer(url, &api);

    let (status, res) = send(&app, bearer(&json_url)).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body_text(res).await).unwrap();
    assert_eq!(v["cycle"]["id"], json!(cycle));
    assert_eq!(v["cycle"]["status"], json!("open"));
    assert_eq!(v["cycle"]["scale"], json!({"min": 1, "max": 5}));
    assert_eq!(v["cycle"]["k"], json!(5));
    let topics = v["topics"].as_array().unwrap();
    assert_eq!(topics.len(), 17);
    let e1 = topics.iter().find(|t| t["code"] == "E1").unwrap();
    assert_eq!(e1["category"], json!("E"));
    assert_eq!(e1["name"]["zh"], json!("绿色运营"));
    // Five responses, all answered E1 with business 1 and stakeholder "don't know".
    assert_eq!(e1["business"]["n"], json!(5));
    assert_eq!(e1["business"]["mean"], json!(1.0));
    assert_eq!(e1["stakeholder"]["n"], json!(0));
    assert_eq!(e1["stakeholder"]["mean"], Value::Null);
    assert_eq!(e1["stakeholder"]["dont_know"], json!(5));
    assert_eq!(e1["groups"], json!({}), "groups under k are withheld");
    // No group is shown, so there is no weighted figure (it would be a second equation from which the
    // groups could be solved). With no stakeholder score E1 has no position, so it ranks last and is
    // not material.
    assert_eq!(
        e1["weighted"],
        json!({"business": null, "stakeholder": null})
    );
    assert_eq!(e1["rank"], json!(17));
    assert_eq!(e1["material"], json!(false));
    assert_eq!(e1["contested"], json!(false));

    let (status, res) = send(&app, bearer(&svg_url)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "image/svg+xml; charset=utf-8"
    );
    let svg = body_text(res).await;
    assert!(
        svg.starts_with("<svg role=\"img\" aria-label="),
        "{}",
        &svg[..80]
    );
    for code in codes.iter().filter(|c| *c != "E1") {
        assert!(
            svg.contains(&format!(">\n{code}\n</text>")),
            "{code} labelled"
        );
    }

    let (status, _) = send(&app, bearer("/api/v1/cycles/999/results.json")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The CSV has the same figures; filters below k are withheld everywhere.
    let csv_url = format!("/api/v1/cycles/{cycle}/results.csv");
    let (status, _) = send(&app, get(&csv_url)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, res) = send(&app, bearer(&csv_url)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let csv = body_text(res).await;
    assert!(csv.starts_with("\u{feff}rank,code,category,name_zh,name_en,business_n"));
    let e1_line = csv.lines().find(|l| l.contains(",E1,E,")).unwrap();
    assert!(
        e1_line.contains(",绿色运营,Green operations,5,1.0000,"),
        "{e1_line}"
    );
    assert_eq!(csv.lines().count(), 18);
    // The binary downloads: a PNG at twice the SVG's 1120 x 600 (plot and key), a workbook (a zip).
    let (status, res) = send(&app, bearer(&format!("{png_url}?lang=zh-CN"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
    let png = body_bytes(res).await;
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        &png[16..24],
        &[0, 0, 0x08, 0xc0, 0, 0, 0x04, 0xb0],
        "2240 x 1200"
    );
    let (status, res) = send(&app, bearer(&xlsx_url)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(body_bytes(res).await.starts_with(b"PK\x03\x04"));

    for url in [&json_url, &csv_url, &svg_url, &png_url, &xlsx_url] {
        for group in ["EMP", "internal", "external", "split", "NOPE"] {
            let (status, res) = send(&app, bearer(&format!("{url}?group={group}"))).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{url} {group}");
            assert!(body_text(res).await.contains("withheld"));
        }
        let (status, _) = send(&app, bearer(&format!("{url}?group=all&weighted=true"))).await;
        assert_eq!(status, StatusCode::OK, "{url}");
    }
    // Interquartile bars (grey lines) are drawn only when asked for; they change the drawing, not the
    // points offered for hover and focus. (The answers span the whole scale, so zoom keeps the range.)
    let bar = "stroke=\"#999999\"";
    assert!(!svg.contains(bar));
    let (status, res) = send(&app, bearer(&format!("{svg_url}?bars=true&zoom=true"))).await;
    assert_eq!(status, StatusCode::OK);
    let zoomed = body_text(res).await;
    assert!(
        zoomed.matches(bar).count() >= 2 * 16,
        "two bars per plotted topic"
    );
    assert_eq!(
        zoomed.matches("<g class=\"point\"").count(),
        16,
        "E1 has no position"
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn survey_page_and_plain_form_post(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let token = token(&db, cycle, "MED").await;

    let req = Request::get(format!("/s/{token}"))
        .header(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9")
        .body(Body::empty())
        .unwrap();
    let (status, res) = send(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    let html = body_text(res).await;
    assert!(html.contains("<html lang=\"zh-CN\""));
    assert!(
        html.contains("数据安全与隐私保护") && html.contains("媒体"),
        "topics and group in Chinese"
    );
    assert!(html.contains(&format!("action=\"/s/{token}\"")) && html.contains("method=\"post\""));
    // The respondents' page loads no wasm (see pages::survey); the other pages do.
    assert!(
        !html.contains("_bg.wasm"),
        "no hydration on the survey page"
    );
    let (_, res) = send(&app, get("/login")).await;
    assert!(body_text(res).await.contains("materiality_bg.wasm"));

    let (_, res) = send(&app, get(&format!("/s/{token}?lang=en"))).await;
    assert!(body_text(res)
        .await
        .contains("Data security and privacy protection"));

    let (status, res) = send(&app, get(&format!("/s/{}", "b".repeat(43)))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body_text(res)
        .await
        .contains("This survey link is not valid"));

    // A form with one answer missing: 422, the page again with the message and the answers kept.
    let mut form: Vec<(String, String)> = vec![("lang".into(), "en".into())];
    for (i, c) in codes.iter().enumerate() {
        form.push((format!("b.{c}"), ((i % 5) + 1).to_string()));
        if i != 4 {
            form.push((format!("s.{c}"), "dk".into()));
        }
    }
    form.push((
        format!("c.{}", codes[0]),
        "中文意见 </textarea><b>x</b> & more".into(),
    ));
    let post = |form: &Vec<(String, String)>| {
        let body = serde_urlencoded_body(form);
        Request::post(format!("/s/{token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let (status, res) = send(&app, post(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = body_text(res).await;
    let error_at = html
        .find("Please choose a point on the scale")
        .expect("error shown");
    // Rendered whole, in place: a browser without JavaScript cannot assemble out-of-order fragments.
    assert!(
        error_at < html.find("</main>").unwrap() && !html.contains("<template"),
        "error inside the page"
    );
    assert!(
        html.contains("中文意见 &lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt; &amp; more</textarea>"),
        "comment kept, escaped"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 0);

    // Complete: 303 to the thank-you page; stored once.
    form.push((format!("s.{}", codes[4]), "3".into()));
    let (status, res) = send(&app, post(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        location.starts_with(&format!("/s/{token}/thanks?r=")),
        "{location}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 1);
    let comment: String = sqlx::query_scalar("SELECT comment FROM scores WHERE topic_code = 'E1'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(comment, "中文意见 </textarea><b>x</b> & more");

    // The same form again: 409 and the "already used" page; nothing more stored.
    let (status, res) = send(&app, post(&form)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body_text(res).await.contains("already been used"));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 1);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn matrix_page_needs_a_reviewer(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    let (status, res) = send(&app, get(&format!("/cycles/{cycle}/matrix?lang=en"))).await;
    // As every page refused for want of a sign-in: 401, with the sign-in link.
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let html = body_text(res).await;
    assert!(html.contains("Please sign in to see the results."));
    assert!(html.contains(&format!("/login?next=/cycles/{cycle}/matrix")));
    assert!(!html.contains("<svg"));

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
    let req = get_as(&format!("/cycles/{cycle}/matrix?lang=en"), Some(&session));
    let (status, res) = send(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    let html = body_text(res).await;
    assert!(html.contains("<svg role=\"img\""));
    assert!(html.contains("Green operations"));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn full_length_chinese_comments_fit_in_a_form_post(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let token = token(&db, cycle, "EMP").await;
    let mut form: Vec<(String, String)> = Vec::new();
    for c in &codes {
        form.push((format!("b.{c}"), "4".into()));
        form.push((format!("s.{c}"), "5".into()));
        form.push((format!("c.{c}"), "意".repeat(2000)));
    }
    let body = serde_urlencoded_body(&form);
    assert!(body.len() > 64 * 1024);
    let req = Request::post(format!("/s/{token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let (status, _) = send(&app, req).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM scores WHERE LENGTH(comment) = 2000"
        )
        .await,
        17
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn sign_in_is_throttled_after_five_failures(db: Db) {
    let app = router(db.clone());
    for email in ["rev@example.com", "other@example.com"] {
        store::auth::create_user(&db, &cli(), email, "the right password", Role::Reviewer)
            .await
            .unwrap();
    }
    let origin = Some("http://localhost");
    let wait = |body: String| -> Option<u64> {
        serde_json::from_str::<Value>(&body).ok()?["Wait"].as_u64()
    };
    for i in 0..5 {
        let (status, res) = send(&app, login_request("rev@example.com", "wrong", origin)).await;
        assert_eq!(status, StatusCode::OK);
        let body = body_text(res).await;
        if i < 4 {
            assert_eq!(body, "\"Refused\"");
        } else {
            assert_eq!(wait(body), Some(30), "the fifth failure starts a wait");
        }
    }
    // Now even the right password waits, and no session is made.
    let (_, res) = send(
        &app,
        login_request("rev@example.com", "the right password", origin),
    )
    .await;
    let left = wait(body_text(res).await).expect("a wait");
    assert!((28..=30).contains(&left), "{left}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, 0);
    // Another account is not affected.
    let (_, res) = send(
        &app,
        login_request("other@example.com", "the right password", origin),
    )
    .await;
    assert_eq!(body_text(res).await, "\"Welcome\"");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, 1);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn cross_site_posts_are_refused(db: Db) {
    use leptos::server_fn::ServerFn;
    let app = router(db.clone());
    let user = signed_up(&db).await;

    // A sign-in posted from another site, or with no origin at all, is refused before it is checked.
    for origin in [Some("https://evil.example"), None] {
        let (status, _) = send(
            &app,
            login_request("rev@example.com", "the right password", origin),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin:?}");
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, 0);

    // A forged sign-out does not end the session; a same-site one does.
    let session = store::auth::create_session(&db, &user).await.unwrap();
    let logout = |origin: &str| {
        Request::post(<app::api::auth::Logout as ServerFn>::PATH)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, origin)
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, format!("mat_session={session}"))
            .body(Body::empty())
            .unwrap()
    };
    let (status, _) = send(&app, logout("https://evil.example")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(store::auth::session_user(&db, &session)
        .await
        .unwrap()
        .is_some());
    let (status, _) = send(&app, logout("http://localhost")).await;
    assert_eq!(status, StatusCode::OK, "the server function's own answer");
    assert!(store::auth::session_user(&db, &session)
        .await
        .unwrap()
        .is_none());
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn token_functions_refuse_anonymous_callers(db: Db) {
    use app::api::tokens::{CreateMyToken, MyTokens, RevokeMyToken};
    use leptos::server_fn::ServerFn;
    let app = router(db.clone());
    for (path, body) in [
        (<MyTokens as ServerFn>::PATH, ""),
        (<CreateMyToken as ServerFn>::PATH, ""),
        (<RevokeMyToken as ServerFn>::PATH, "id=1"),
    ] {
        let (status, res) = send(&app, call(path, body, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(body_text(res).await.contains("Unauthorized"), "{path}");
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM api_tokens").await, 0);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn user_admin_is_for_admins_only_and_validates(db: Db) {
    use app::api::users::{AddUser, ListUsers, SetUserDisabled};
    use leptos::server_fn::ServerFn;
    let app = router(db.clone());
    let admin = store::auth::create_user(
        &db,
        &cli(),
        "admin@example.com",
        "admin password",
        Role::Admin,
    )
    .await
    .unwrap();
    let reviewer = store::auth::create_user(
        &db,
        &cli(),
        "rev@example.com",
        "reviewer password",
        Role::Reviewer,
    )
    .await
    .unwrap();
    let admin_session = store::auth::create_session(&db, &admin).await.unwrap();
    let reviewer_session = store::auth::create_session(&db, &reviewer).await.unwrap();
    let add = <AddUser as ServerFn>::PATH;
    let new_user = "email=new%40example.com&password=a+long+password&role=reviewer";

    // Anonymous and reviewer callers are refused by every function, and nothing changes.
    for (session, refusal, code) in [
        (None, "Unauthorized", StatusCode::UNAUTHORIZED),
        (
            Some(reviewer_session.as_str()),
            "Forbidden",
            StatusCode::FORBIDDEN,
        ),
    ] {
        for (path, body) in [
            (<ListUsers as ServerFn>::PATH, ""),
            (add, new_user),
            (<SetUserDisabled as ServerFn>::PATH, "id=1&disabled=true"),
        ] {
            let (status, res) = send(&app, call(path, body, session)).await;
            assert_eq!(status, code, "{path}");
            assert!(body_text(res).await.contains(refusal), "{path} {refusal}");
        }
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 2);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL"
        )
        .await,
        0
    );

    // Invalid input: the problem, and nothing written.
    for (body, problem) in [
        (
            "email=not-an-email&password=a+long+password&role=reviewer",
            "BadEmail",
        ),
        (
            "email=rev%40example.com&password=a+long+password&role=admin",
            "EmailTaken",
        ),
        (
            "email=x%40example.com&password=short&role=reviewer",
            "ShortPassword",
        ),
        (
            "email=x%40example.com&password=a+long+password&role=owner",
            "BadRole",
        ),
    ] {
        let (status, res) = send(&app, call(add, body, Some(&admin_session))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body_text(res).await,
            format!("{{\"Account\":\"{problem}\"}}")
        );
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 2);

    let (_, res) = send(&app, call(add, new_user, Some(&admin_session))).await;
    assert_eq!(body_text(res).await, "null");
    assert!(matches!(
        store::auth::verify_login(&db, "new@example.com", "a long password")
            .await
            .unwrap(),
        store::auth::Verified::User(_)
    ));

    // Disabling ends the reviewer's session and stops sign-in; an admin cannot disable themselves.
    let disable = <SetUserDisabled as ServerFn>::PATH;
    let (status, _) = send(
        &app,
        call(
            disable,
            &format!("id={}&disabled=true", reviewer.id),
            Some(&admin_session),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(store::auth::session_user(&db, &reviewer_session)
        .await
        .unwrap()
        .is_none());
    assert!(
        store::auth::verify_login(&db, "rev@example.com", "reviewer password")
            .await
            .unwrap()
            == store::auth::Verified::Wrong
    );
    let (status, res) = send(
        &app,
        call(
            disable,
            &format!("id={}&disabled=true", admin.id),
            Some(&admin_session),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body_text(res).await.contains("Forbidden"),
        "an admin cannot disable themselves"
    );
    assert!(store::auth::session_user(&db, &admin_session)
        .await
        .unwrap()
        .is_some());
    let (status, _) = send(
        &app,
        call(
            disable,
            &format!("id={}&disabled=false", reviewer.id),
            Some(&admin_session),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(matches!(
        store::auth::verify_login(&db, "rev@example.com", "reviewer password")
            .await
            .unwrap(),
        store::auth::Verified::User(_)
    ));
}

fn form_post(token: &str, form: &[(String, String)], cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::post(format!("/s/{token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(serde_urlencoded_body(form))).unwrap()
}

fn complete_form(codes: &[String]) -> Vec<(String, String)> {
    let mut form = vec![("lang".to_string(), "en".to_string())];
    for c in codes {
        form.push((format!("b.{c}"), "4".into()));
        form.push((format!("s.{c}"), "dk".into()));
    }
    form
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_draft_saved_without_javascript_comes_back_and_goes_on_submit(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let token = token(&db, cycle, "EMP").await;
    let draft = vec![
        ("lang".to_string(), "en".to_string()),
        ("intent".to_string(), "draft".to_string()),
        (format!("b.{}", codes[2]), "2".to_string()),
        (format!("c.{}", codes[2]), "半途 <i>".to_string()),
    ];
    let (status, res) = send(&app, form_post(&token, &draft, None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[header::LOCATION],
        format!("/s/{token}?lang=en").as_str()
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 0);

    let (_, res) = send(&app, get(&format!("/s/{token}?lang=en"))).await;
    let html = body_text(res).await;
    assert!(html.contains("Draft saved"), "the page says when");
    let radio = format!("name=\"b.{}\" value=\"2\" checked", codes[2]);
    assert!(html.contains(&radio), "the saved answer is checked again");
    assert!(
        html.contains("半途 &lt;i&gt;</textarea>"),
        "the comment, escaped"
    );

    let (status, _) = send(&app, form_post(&token, &complete_form(&codes), None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM drafts").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 1);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_open_link_remembers_the_browser_that_answered(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let open = store::links::create_open_link(&db, &cli(), cycle, "COM", None)
        .await
        .unwrap();
    let (status, res) = send(&app, form_post(&open, &complete_form(&codes), None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("mat_answered_"), "{cookie}");
    let pair = cookie.split(';').next().unwrap().to_string();

    // Without the cookie (another browser) the link still works; with it, the page says "answered".
    let (_, res) = send(&app, get(&format!("/s/{open}?lang=en"))).await;
    assert!(body_text(res).await.contains("shared link"));
    let req = Request::get(format!("/s/{open}?lang=en"))
        .header(header::COOKIE, pair.as_str())
        .body(Body::empty())
        .unwrap();
    let (_, res) = send(&app, req).await;
    assert!(body_text(res).await.contains("You have already answered"));
    let (status, _) = send(&app, form_post(&open, &complete_form(&codes), None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 2);
    // The cookie is checked on every post too, the form's and the JSON API's: nothing more is stored.
    let (status, res) = send(&app, form_post(&open, &complete_form(&codes), Some(&pair))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body_text(res).await.contains("You have already answered"));
    let mut req = post_json(
        "/api/v1/responses",
        &json!({"token": open, "answers": answers(&codes)}),
    );
    req.headers_mut()
        .insert(header::COOKIE, pair.parse().unwrap());
    let (status, res) = send(&app, req).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body_text(res).await.contains("already answered"));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 2);
}

/// Every topic scored `(3, 3)` but two: `up` gets `(hi, hi)` and `down` `(lo, lo)`.
fn scored(codes: &[String], up: &str, down: &str, hi: u8, lo: u8) -> Vec<Value> {
    codes
        .iter()
        .map(|c| {
            let s = if c == up {
                hi
            } else if c == down {
                lo
            } else {
                3
            };
            json!({"topic": c, "business": s, "stakeholder": s})
        })
        .collect()
}

/// The line of a topic's movement group in the SVG: (x1, y1) last year, (x2, y2) this year, in pixels.
fn movement_line(svg: &str, code: &str) -> (f64, f64, f64, f64) {
    let start = svg
        .find(&format!("<g class=\"movement\" data-topic=\"{code}\">"))
        .unwrap_or_else(|| panic!("no movement for {code}"));
    let group = &svg[start..start + svg[start..].find("</g>").unwrap()];
    let attr = |name: &str| -> f64 {
        let at = group.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        group[at..at + group[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    // The hollow circle marks last year's place, where the line starts.
    assert_eq!(attr("cx"), attr("x1"), "{group}");
    assert_eq!(attr("cy"), attr("y1"), "{group}");
    (attr("x1"), attr("y1"), attr("x2"), attr("y2"))
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_copied_cycle_shows_each_topics_movement_since_last_year(db: Db) {
    let app = router(db.clone());
    let (last_year, codes) = demo(&db).await;
    let this_year = store::cycles::copy_cycle(&db, &cli(), last_year)
        .await
        .unwrap();
    store::cycles::set_status(&db, &cli(), this_year, app::domain::CycleStatus::Open)
        .await
        .unwrap();
    // One response a year, so k = 1 for both (fewer than k in all would show no figures).
    sqlx::query("UPDATE cycles SET k = 1")
        .execute(&db)
        .await
        .unwrap();
    // E2 rises from last place to first, E3 falls from first to last; the rest stay at (3, 3).
    let (rising, falling) = (codes[1].clone(), codes[2].clone());
    for (cycle, hi, lo) in [(last_year, 1, 5), (this_year, 5, 1)] {
        let t = token(&db, cycle, "EMP").await;
        let answers = scored(&codes, &rising, &falling, hi, lo);
        let (status, _) = send(
            &app,
            post_json(
                "/api/v1/responses",
                &json!({"token": t, "answers": answers}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, session, api) = reviewer(&db).await;
    let svg = |query: &str| {
        get_bearer(
            &format!("/api/v1/cycles/{this_year}/matrix.svg?{query}"),
            &api,
        )
    };
    let (status, res) = send(&app, svg("yoy=true")).await;
    assert_eq!(status, StatusCode::OK);
    let drawn = body_text(res).await;
    assert_eq!(drawn.matches("<g class=\"movement\"").count(), codes.len());
    // SVG y grows downwards: rising means right and up, falling left and down, staying put no line.
    let (x1, y1, x2, y2) = movement_line(&drawn, &rising);
    assert!(x2 > x1 && y2 < y1, "{rising}: ({x1}, {y1}) -> ({x2}, {y2})");
    let (fx1, fy1, fx2, fy2) = movement_line(&drawn, &falling);
    assert!(
        fx2 < fx1 && fy2 > fy1,
        "{falling}: ({fx1}, {fy1}) -> ({fx2}, {fy2})"
    );
    // Last year's place of the rising topic is this year's place of the falling one, and back.
    assert_eq!((x1, y1), (fx2, fy2));
    assert_eq!((x2, y2), (fx1, fy1));
    let (sx1, sy1, sx2, sy2) = movement_line(&drawn, &codes[0]);
    assert_eq!((sx1, sy1), (sx2, sy2));
    let (_, res) = send(&app, svg("yoy=false")).await;
    assert!(!body_text(res).await.contains("class=\"movement\""));

    // The table's rank-change column: 17th to 1st is +16, 1st to 17th is −16; ties keep the cycle's
    // order, so every other topic keeps its place.
    let req = get_as(
        &format!("/cycles/{this_year}/matrix?lang=en&yoy=true"),
        Some(&session),
    );
    let (status, res) = send(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    let html = body_text(res).await;
    assert!(html.contains("Rank change"));
    let change = |code: &str| -> String {
        let row = &html[html.find(&format!("data-testid=\"row-{code}\"")).unwrap()..];
        let open = "class=\"num change\">";
        let cell = &row[row.find(open).unwrap() + open.len()..];
        cell[..cell.find('<').unwrap()].to_string()
    };
    assert_eq!(change(&rising), "+16");
    assert_eq!(change(&falling), "−16");
    assert_eq!(change(&codes[0]), "=");
    assert_eq!(change(&codes[3]), "=");
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_session_cookie_is_http_only_same_site_and_lasts_twelve_hours(db: Db) {
    let app = router(db.clone());
    signed_up(&db).await;
    let (status, res) = send(
        &app,
        login_request(
            "rev@example.com",
            "the right password",
            Some("http://localhost"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    let attributes: Vec<&str> = cookie.split("; ").collect();
    let token = attributes[0].strip_prefix("mat_session=").expect(&cookie);
    assert_eq!(token.len(), 43, "{cookie}");
    assert_eq!(
        &attributes[1..],
        ["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=43200"],
        "no Secure over plain http"
    );
    // The server keeps the session for the same twelve hours.
    let expires: i64 = count(&db, "SELECT expires_at - created_at FROM sessions").await;
    assert_eq!(expires, 12 * 3600);
    assert!(store::auth::session_user(&db, token)
        .await
        .unwrap()
        .is_some());
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn guesses_from_one_address_do_not_lock_the_owner_out(db: Db) {
    let app = router(db.clone());
    signed_up(&db).await;
    let (attacker, owner) = ([203, 0, 113, 5], [198, 51, 100, 20]);
    for i in 0..12 {
        send(
            &app,
            login_from(attacker, "rev@example.com", &format!("guess {i}")),
        )
        .await;
    }
    let (_, res) = send(
        &app,
        login_from(attacker, "rev@example.com", "the right password"),
    )
    .await;
    assert!(
        body_text(res).await.starts_with("{\"Wait\":"),
        "the attacker's address waits"
    );
    let (_, res) = send(
        &app,
        login_from(owner, "rev@example.com", "the right password"),
    )
    .await;
    assert_eq!(body_text(res).await, "\"Welcome\"");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, 1);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn twenty_failures_from_one_address_make_that_address_wait(db: Db) {
    let app = router(db.clone());
    signed_up(&db).await;
    let (office, elsewhere) = ([10, 0, 0, 7], [10, 0, 0, 8]);
    // Twenty accounts, one wrong guess each: no account reaches its own limit of five.
    for i in 0..20 {
        let (_, res) = send(
            &app,
            login_from(office, &format!("guess{i}@example.com"), "wrong"),
        )
        .await;
        let body = body_text(res).await;
        if i < 19 {
            assert_eq!(body, "\"Refused\"", "failure {i}");
        } else {
            assert_eq!(
                body, "{\"Wait\":30}",
                "the twentieth starts the address's wait"
            );
        }
    }
    // Now the right password waits too from that address, but not from another one.
    let (_, res) = send(
        &app,
        login_from(office, "rev@example.com", "the right password"),
    )
    .await;
    assert!(body_text(res).await.starts_with("{\"Wait\":"));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, 0);
    let (_, res) = send(
        &app,
        login_from(elsewhere, "rev@example.com", "the right password"),
    )
    .await;
    assert_eq!(body_text(res).await, "\"Welcome\"");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, 1);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn disabling_an_account_stops_its_api_tokens(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    let (user, _, api) = reviewer(&db).await;
    let results = || get_bearer(&format!("/api/v1/cycles/{cycle}/results.json"), &api);
    assert_eq!(send(&app, results()).await.0, StatusCode::OK);
    store::auth::set_disabled(&db, &cli(), user.id, true)
        .await
        .unwrap();
    assert_eq!(send(&app, results()).await.0, StatusCode::UNAUTHORIZED);
    store::auth::set_disabled(&db, &cli(), user.id, false)
        .await
        .unwrap();
    assert_eq!(send(&app, results()).await.0, StatusCode::OK, "re-enabled");
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn answers_are_taken_only_between_the_opening_and_closing_dates(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let day = |offset: i64| app::domain::date_of(app::store::now() + offset * 86_400);
    let today = day(0);
    let set_dates = |opens: Option<String>, closes: Option<String>| {
        let db = db.clone();
        async move {
            sqlx::query("UPDATE cycles SET opens_on = ?, closes_on = ? WHERE id = ?")
                .bind(opens)
                .bind(closes)
                .bind(cycle)
                .execute(&db)
                .await
                .unwrap();
        }
    };
    let post = |t: String| {
        post_json(
            "/api/v1/responses",
            &json!({"token": t, "answers": answers(&codes)}),
        )
    };
    for (opens, closes, taken) in [
        (Some(day(1)), None, false),
        (None, Some(day(-1)), false),
        (Some(day(-3)), Some(day(-1)), false),
        (Some(today.clone()), Some(today.clone()), true),
        (Some(day(-1)), Some(day(1)), true),
    ] {
        set_dates(opens.clone(), closes.clone()).await;
        let before = count(&db, "SELECT COUNT(*) FROM responses").await;
        let t = token(&db, cycle, "EMP").await;
        let (status, res) = send(&app, post(t.clone())).await;
        let body = body_text(res).await;
        if taken {
            assert_eq!(status, StatusCode::CREATED, "{opens:?} {closes:?}: {body}");
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM responses").await,
                before + 1
            );
        } else {
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{opens:?} {closes:?}"
            );
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["errors"][0]["code"], "cycle_not_open", "{body}");
            assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, before);
            // The survey page says so too, and the form post stores nothing.
            let (_, res) = send(&app, get(&format!("/s/{t}?lang=en"))).await;
            let page = body_text(res).await;
            assert!(
                !page.contains("class=\"questionnaire\""),
                "{opens:?} {closes:?}: the form is not offered"
            );
        }
    }
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn past_100000_responses_the_workbook_counts_them_instead_of_listing_them(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    // 100,001 responses (without scores: only their number matters here), written directly.
    let bulk = app::chart::export::MAX_SHEET_RESPONSES as i64 + 1;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO invitations (cycle_id, group_id, token_hash, created_at, used_at)
         SELECT ?, (SELECT id FROM stakeholder_groups WHERE code = 'EMP'), 'bulk' || i, 0, 0 FROM n",
    )
    .bind(bulk)
    .bind(cycle)
    .execute(&db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO responses (cycle_id, group_id, invitation_id, receipt, lang, submitted_at)
         SELECT cycle_id, group_id, id, 'r' || id, 'en', 0 FROM invitations WHERE token_hash LIKE 'bulk%'",
    )
    .execute(&db)
    .await
    .unwrap();
    let (_, _, api) = reviewer(&db).await;
    let req = get_bearer(&format!("/api/v1/cycles/{cycle}/results.xlsx"), &api);
    let (status, res) = send(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    let sheet = xlsx_sheet(body_bytes(res).await, "responses");
    assert_eq!(sheet.len(), 1, "one line, no rows");
    assert!(
        sheet[0][0]
            .starts_with("100001 responses: more than the 100000 this sheet lists one by one"),
        "{:?}",
        sheet[0]
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn after_sign_in_only_a_same_site_path_is_followed(db: Db) {
    use leptos::server_fn::ServerFn;
    let app = router(db.clone());
    signed_up(&db).await;
    for (next, to) in [
        ("/cycles/1/matrix", "/cycles/1/matrix"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        ("https://evil.example", "/"),
    ] {
        let body = serde_urlencoded_body(&[
            ("email".into(), "rev@example.com".into()),
            ("password".into(), "the right password".into()),
            ("next".into(), next.into()),
        ]);
        // A plain form post, as the page sends it before its script runs.
        let req = Request::post(<app::api::auth::Login as ServerFn>::PATH)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, "http://localhost/login")
            .body(Body::from(body))
            .unwrap();
        let (status, res) = send(&app, req).await;
        assert!(
            status.is_redirection(),
            "{next:?}: {status} {:?}",
            res.headers()
        );
        assert_eq!(res.headers()[header::LOCATION], to, "{next:?}");
    }
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_json_api_takes_only_json_bodies(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let body = |t: &str| json!({"token": t, "answers": answers(&codes)}).to_string();
    // What a page on another site can send without a preflight: text/plain, a form, no type at all.
    for content_type in [
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let t = token(&db, cycle, "EMP").await;
        let mut req =
            Request::post("/api/v1/responses").header(header::ORIGIN, "https://evil.example");
        if let Some(c) = content_type {
            req = req.header(header::CONTENT_TYPE, c);
        }
        let (status, res) = send(&app, req.body(Body::from(body(&t))).unwrap()).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert!(body_text(res).await.contains("application/json"));
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 0);
    // JSON with parameters, in any case, is JSON.
    let t = token(&db, cycle, "EMP").await;
    let req = Request::post("/api/v1/responses")
        .header(header::CONTENT_TYPE, "Application/JSON; charset=utf-8")
        .body(Body::from(body(&t)))
        .unwrap();
    assert_eq!(send(&app, req).await.0, StatusCode::CREATED);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_survey_link_sent_as_an_api_token_is_forbidden(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    let link = token(&db, cycle, "EMP").await;
    for (bearer, status) in [
        (link.as_str(), StatusCode::FORBIDDEN),
        ("no-such-token", StatusCode::UNAUTHORIZED),
    ] {
        for file in ["results.json", "results.csv", "matrix.svg", "material.csv"] {
            let req = get_bearer(&format!("/api/v1/cycles/{cycle}/{file}"), bearer);
            let (got, res) = send(&app, req).await;
            assert_eq!(got, status, "{file} with {bearer}");
            assert!(!body_text(res).await.contains("Green operations"));
        }
    }
}

/// A withdrawn link is "withdrawn" wherever it is used: the page, the form post and the JSON API say
/// the same (one rule for unknown, used, revoked, closed and open links), and nothing is stored.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_revoked_link_is_revoked_on_the_page_the_form_and_the_api(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let (single, open) = (
        token(&db, cycle, "EMP").await,
        store::links::create_open_link(&db, &cli(), cycle, "CUS", None)
            .await
            .unwrap(),
    );
    store::links::revoke_unused(&db, &cli(), cycle, "EMP")
        .await
        .unwrap();
    store::links::revoke_unused(&db, &cli(), cycle, "CUS")
        .await
        .unwrap();
    let words = app::i18n::Lang::En.t().revoked_link_title;
    for t in [&single, &open] {
        let (_, res) = send(&app, get(&format!("/s/{t}?lang=en"))).await;
        assert!(body_text(res).await.contains(words));
        let (status, res) = send(&app, form_post(t, &complete_form(&codes), None)).await;
        assert_eq!(status, StatusCode::GONE);
        assert!(body_text(res).await.contains(words));
        let body = json!({"token": t, "answers": answers(&codes)});
        let (status, res) = send(&app, post_json("/api/v1/responses", &body)).await;
        assert_eq!(status, StatusCode::GONE);
        assert!(body_text(res).await.contains("withdrawn"));
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 0);
}
