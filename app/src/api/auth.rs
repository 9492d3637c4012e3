//! Reviewer sign-in and sign-out.

use super::AppError;
use crate::domain::User;
use leptos::prelude::*;

/// The signed-in user, if any.
#[server]
pub async fn current_user() -> Result<Option<User>, AppError> {
    use super::ssr::{caller, db, internal};
    let db = db()?;
    let parts: http::request::Parts = leptos_axum::extract().await.map_err(internal)?;
    caller(&db, &parts.headers).await.map_err(internal)
}

/// Only same-site paths are followed after sign-in, so a crafted link cannot send a reviewer elsewhere.
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

/// Checks the password, starts a session and goes on to `next`. A wrong email or password is
/// `Ok(false)`: the page says so, and nobody learns which of the two was wrong.
#[server]
pub async fn login(email: String, password: String, next: String) -> Result<bool, AppError> {
    use super::ssr::{db, internal, session_cookie};
    use crate::store::auth::{create_session, verify_login, SESSION_SECONDS};
    let db = db()?;
    let Some(user) = verify_login(&db, &email, &password)
        .await
        .map_err(internal)?
    else {
        tracing::info!("failed sign-in");
        return Ok(false);
    };
    let token = create_session(&db, user.id).await.map_err(internal)?;
    let secure = std::env::var("COOKIE_SECURE").is_ok_and(|v| v == "1" || v == "true");
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = session_cookie(&token, SESSION_SECONDS, secure);
    response.append_header(http::header::SET_COOKIE, cookie.parse().map_err(internal)?);
    tracing::info!(user = user.id, "signed in");
    leptos_axum::redirect(safe_next(&next));
    Ok(true)
}

/// Ends the session on the server and clears the cookie.
#[server]
pub async fn logout() -> Result<(), AppError> {
    use super::ssr::{cookie, db, internal, session_cookie, SESSION_COOKIE};
    let db = db()?;
    let parts: http::request::Parts = leptos_axum::extract().await.map_err(internal)?;
    if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
        crate::store::auth::end_session(&db, token)
            .await
            .map_err(internal)?;
    }
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.append_header(
        http::header::SET_COOKIE,
        session_cookie("", 0, false).parse().map_err(internal)?,
    );
    leptos_axum::redirect("/login");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_site() {
        for (n, want) in [
            ("/cycles/1/matrix", "/cycles/1/matrix"),
            ("//evil.example", "/"),
            ("https://evil.example", "/"),
            ("/\\evil", "/"),
            ("", "/"),
        ] {
            assert_eq!(safe_next(n), want);
        }
    }
}
