//! The e-mail page and the opt-out route through the real router: who may see them, what they say
//! with mail on and off, that what admins and recipients typed comes back escaped, and that an
//! opt-out needs the recipient's link (its token is the credential, as for the survey; a mail
//! provider's one-click POST, RFC 8058, comes from no page at all).

mod common;

use app::api::mail::{RecipientList, TemplateAction};
use app::store::{mail, Db};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use leptos::server_fn::ServerFn;
use server::config::{Config, Mail};

fn mail_on() -> Config {
    Config {
        mail: Some(Mail {
            smtp_url: "smtp://127.0.0.1:1".into(),
            from: "survey@example.com".into(),
        }),
        ..Config::default()
    }
}

async fn page(app: &axum::Router, uri: &str, session: Option<&str>) -> (StatusCode, String) {
    let (status, res) = send(app, get_as(uri, session)).await;
    (status, body_text(res).await)
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_page_is_for_admins_in_both_languages_and_says_when_mail_is_off(db: Db) {
    let (cycle, _) = demo(&db).await;
    let admin = session(&db, "admin@example.com", app::domain::Role::Admin).await;
    let reviewer = session(&db, "rev@example.com", app::domain::Role::Reviewer).await;
    let here = format!("/admin/cycles/{cycle}/mail");
    let off = router(db.clone());
    let (status, html) = page(&off, &here, Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("E-mail is off on this server"), "{html}");
    assert!(html.contains("What an administrator can and cannot learn"));
    let (status, zh) = page(&off, &format!("{here}?lang=zh-CN"), Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(zh.contains("本服务器未开启邮件") && zh.contains("管理员能知道什么"));
    let on = router_with(db.clone(), mail_on());
    let (_, html) = page(&on, &here, Some(&admin)).await;
    assert!(!html.contains("E-mail is off on this server"));
    let (status, _) = page(&on, &here, Some(&reviewer)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = page(&on, &here, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn what_admins_and_lists_bring_is_shown_escaped(db: Db) {
    let (cycle, _) = demo(&db).await;
    let admin = session(&db, "admin@example.com", app::domain::Role::Admin).await;
    let app = router(db.clone());
    let attack = "</textarea><script>alert(1)</script>";
    let body = format!(
        "id={cycle}&kind=invitation&lang=en&subject={}&body={}&op=save",
        enc(&format!("Hi {attack}")),
        enc(&format!("{attack} {{link}}"))
    );
    let (status, res) = send(
        &app,
        call(<TemplateAction as ServerFn>::PATH, &body, Some(&admin)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", body_text(res).await);
    let list = format!("a@example.com,en,\"{attack}\"\n");
    let body = format!("id={cycle}&group=EMP&list={}&add=1", enc(&list));
    let (status, res) = send(
        &app,
        call(<RecipientList as ServerFn>::PATH, &body, Some(&admin)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", body_text(res).await);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM recipients").await, 1);
    let (_, html) = page(&app, &format!("/admin/cycles/{cycle}/mail"), Some(&admin)).await;
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; {link}"));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_list_with_a_bad_row_is_shown_by_row_and_adds_nobody(db: Db) {
    let (cycle, _) = demo(&db).await;
    let admin = session(&db, "admin@example.com", app::domain::Role::Admin).await;
    let app = router(db.clone());
    let list = "ann@example.com,en\nnot-an-address,zh\nbo@example.com,en\n";
    let body = format!("id={cycle}&group=EMP&list={}&add=1", enc(list));
    let (status, res) = send(
        &app,
        call(<RecipientList as ServerFn>::PATH, &body, Some(&admin)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let outcome: serde_json::Value = serde_json::from_str(&body_text(res).await).unwrap();
    assert_eq!(outcome["added"], serde_json::Value::Null);
    assert_eq!(
        outcome["preview"]["rows"][1]["problems"][0]["problem"],
        "BadAddress"
    );
    assert_eq!(outcome["preview"]["rows"][1]["line"], 2);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM recipients").await, 0);
    // One more than the limit is refused whole.
    let big: String = (0..=app::domain::mail::MAX_RECIPIENTS)
        .map(|i| format!("p{i}@example.com,en\n"))
        .collect();
    let body = format!("id={cycle}&group=EMP&list={}&add=1", enc(&big));
    let (status, res) = send(
        &app,
        call(<RecipientList as ServerFn>::PATH, &body, Some(&admin)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let outcome: serde_json::Value = serde_json::from_str(&body_text(res).await).unwrap();
    assert_eq!(outcome["preview"]["file_problem"]["problem"], "TooMany");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM recipients").await, 0);
}

fn opt_out_post(path: &str, origin: &str) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, origin)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap()
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn only_the_recipients_link_opts_out(db: Db) {
    let (cycle, _) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, "ann@example.com,zh", Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    mail::send_invitations(&db, &cli(), cycle).await.unwrap();
    let claimed = mail::claim(&db).await.unwrap().unwrap();
    let token = claimed.token.unwrap();
    let app = router(db.clone());
    let path = format!("/opt-out/{}", claimed.optout_token.unwrap());
    let req = Request::get(&path)
        .header(header::ACCEPT_LANGUAGE, "zh-CN")
        .body(Body::empty())
        .unwrap();
    let (status, res) = send(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    let html = body_text(res).await;
    assert!(
        html.contains("不再接收邮件") && html.contains("method=\"post\""),
        "{html}"
    );
    // Another site without the token: nothing happens.
    let guess = format!("/opt-out/{}", app::store::new_secret());
    let (status, res) = send(&app, opt_out_post(&guess, "https://evil.example")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body_text(res).await.contains("Nothing to do"));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mail_optouts").await, 0);
    let (status, res) = send(&app, opt_out_post(&path, "http://localhost")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body_text(res)
        .await
        .contains("You will get no more messages"));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mail_optouts").await, 1);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM recipients WHERE opted_out AND email IS NULL"
        )
        .await,
        1
    );
    // The survey link itself still works.
    let (status, _) = send(&app, get(&format!("/s/{token}"))).await;
    assert_eq!(status, StatusCode::OK);
    // A made-up token changes nothing and says so.
    let (status, res) = send(&app, opt_out_post("/opt-out/abc", "http://localhost")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body_text(res).await.contains("Nothing to do"));
}
