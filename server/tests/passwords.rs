//! Changing one's own password and an admin's reset: the old password stops working and the old
//! sessions end, on the record without the password.

mod common;

use app::api::users::{ChangePassword, ResetPassword};
use app::store::auth::{session_user, verify_login, Role, Verified};
use app::store::{self, Db};
use axum::http::StatusCode;
use common::*;
use leptos::server_fn::ServerFn;

async fn account(db: &Db, email: &str, role: Role) -> (app::domain::User, String, String) {
    let user = store::auth::create_user(db, &cli(), email, "the old password", role)
        .await
        .unwrap();
    let a = store::auth::create_session(db, &user).await.unwrap();
    let b = store::auth::create_session(db, &user).await.unwrap();
    (user, a, b)
}

/// The audit log's last entry: (actor, action, after).
async fn last_entry(db: &Db) -> (String, String, String) {
    sqlx::query_as("SELECT actor, action, after FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_one(db)
        .await
        .unwrap()
}

async fn signs_in(db: &Db, email: &str, password: &str) -> bool {
    matches!(
        verify_login(db, email, password).await.unwrap(),
        Verified::User(_)
    )
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn changing_ones_password_ends_the_other_sessions(db: Db) {
    let app = router(db.clone());
    let (user, here, elsewhere) = account(&db, "rev@example.com", Role::Reviewer).await;
    let before = count(&db, "SELECT COUNT(*) FROM audit_log").await;
    for (body, problem) in [
        ("current=not+it&new=a+new+password", "WrongPassword"),
        ("current=the+old+password&new=short", "ShortPassword"),
    ] {
        let (status, res) = send(&app, call(ChangePassword::PATH, body, Some(&here))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body_text(res).await,
            format!(r#"{{"Account":"{problem}"}}"#)
        );
        assert!(session_user(&db, &elsewhere).await.unwrap().is_some());
        assert!(signs_in(&db, "rev@example.com", "the old password").await);
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_log").await, before);

    let body = "current=the+old+password&new=a+new+password";
    let (status, res) = send(&app, call(ChangePassword::PATH, body, Some(&here))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body_text(res).await, "null");
    assert_eq!(
        session_user(&db, &here).await.unwrap().map(|u| u.id),
        Some(user.id)
    );
    assert_eq!(session_user(&db, &elsewhere).await.unwrap(), None);
    assert!(!signs_in(&db, "rev@example.com", "the old password").await);
    assert!(signs_in(&db, "rev@example.com", "a new password").await);
    assert_eq!(
        last_entry(&db).await,
        (
            "rev@example.com".into(),
            "user.password_change".into(),
            r#"{"sessions_ended":1}"#.into()
        )
    );
    let log = dump(&db, &["audit_log"]).await.join("\n");
    assert!(!log.contains("new password") && !log.contains("old password"));

    // Signed out, nobody changes anything.
    let (status, _) = send(&app, call(ChangePassword::PATH, body, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_admins_reset_ends_every_session_of_the_account(db: Db) {
    let app = router(db.clone());
    let (_, admin, _) = account(&db, "admin@example.com", Role::Admin).await;
    let (user, one, two) = account(&db, "rev@example.com", Role::Reviewer).await;
    // A reviewer may not reset anyone's password.
    let body = format!("id={}&password=a+new+password", user.id);
    let (status, _) = send(&app, call(ResetPassword::PATH, &body, Some(&one))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let short = format!("id={}&password=short", user.id);
    let (status, res) = send(&app, call(ResetPassword::PATH, &short, Some(&admin))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(res).await.contains("ShortPassword"));
    let (status, _) = send(
        &app,
        call(
            ResetPassword::PATH,
            "id=999&password=a+new+password",
            Some(&admin),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(session_user(&db, &one).await.unwrap().is_some());

    let (status, res) = send(&app, call(ResetPassword::PATH, &body, Some(&admin))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body_text(res).await, "null");
    assert_eq!(session_user(&db, &one).await.unwrap(), None);
    assert_eq!(session_user(&db, &two).await.unwrap(), None);
    assert!(session_user(&db, &admin).await.unwrap().is_some());
    assert!(signs_in(&db, "rev@example.com", "a new password").await);
    assert_eq!(
        last_entry(&db).await,
        (
            "admin@example.com".into(),
            "user.password_reset".into(),
            r#"{"sessions_ended":2}"#.into()
        )
    );
}

/// A sign-in posted by a browser without JavaScript comes back to the sign-in page, which says why.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_refused_sign_in_without_javascript_says_why_on_the_page(db: Db) {
    use app::api::auth::Login;
    use axum::body::Body;
    use axum::http::{header, Request};
    let app = router(db.clone());
    account(&db, "rev@example.com", Role::Reviewer).await;
    let post = |password: &str| {
        let body = serde_urlencoded_body(&[
            ("email".into(), "rev@example.com".into()),
            ("password".into(), password.into()),
            ("next".into(), "/cycles/1/matrix?group=EMP".into()),
        ]);
        Request::post(Login::PATH)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(
                header::REFERER,
                "http://localhost/login?next=%2Fcycles%2F1%2Fmatrix",
            )
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .body(Body::from(body))
            .unwrap()
    };
    let (status, res) = send(&app, post("wrong")).await;
    assert!(status.is_redirection(), "{status}");
    let to = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(to.starts_with("/login?"), "{to}");
    let (_, page) = send(&app, get(&format!("{to}&lang=en"))).await;
    let html = body_text(page).await;
    let words = app::i18n::Lang::En.t().bad_credentials;
    assert!(html.contains(words), "{to}: no refusal on the page");
    // It keeps where to go after signing in.
    assert!(
        html.contains(r#"value="/cycles/1/matrix?group=EMP""#),
        "{html}"
    );
    // The right password goes on there.
    let (status, res) = send(&app, post("the old password")).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(
        res.headers()[header::LOCATION].to_str().unwrap(),
        "/cycles/1/matrix?group=EMP"
    );
}
