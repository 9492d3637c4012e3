//! Reviewer sign-in and sign-out.

use super::AppError;
use leptos::prelude::*;

/// Only same-site paths are followed after sign-in, so a crafted link cannot send a reviewer elsewhere:
/// an absolute path, not `//host` or `/\host`, and no control character anywhere (browsers drop tabs
/// and newlines from a URL, so `/<tab>/evil.example` would become `//evil.example`; a newline would
/// also make the `Location` header invalid).
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
    {
        next
    } else {
        "/"
    }
}

/// The answer to a sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LoginResult {
    /// Signed in; the browser is sent on to `next`.
    Welcome,
    /// Wrong email or password (the page does not say which).
    Refused,
    /// Too many failures for this account or address: try again in this many seconds.
    Wait(u64),
    /// Too many sign-ins being checked at once: try again in a moment (HTTP 429).
    Busy,
}

/// Checks the password, starts a session and goes on to `next`. Attempts are throttled per account and
/// network address ([`crate::domain::throttle::SignInLimiter`]): each is counted before its password
/// is checked, and while a wait is running the password is not even checked. At most as many passwords
/// are checked at once as the machine has cores ([`crate::store::auth::verify_login`]).
///
/// A browser without JavaScript that posted the form is sent back to the sign-in page with the reason
/// in its query ([`LoginResult::query`]), as the page itself shows it to a hydrated browser.
#[server]
pub async fn login(email: String, password: String, next: String) -> Result<LoginResult, AppError> {
    let parts: http::request::Parts = leptos_axum::extract().await.map_err(super::ssr::internal)?;
    let result = sign_in(&parts, &email, &password, &next).await?;
    if let (Some(query), true) = (result.query(), super::ssr::plain_form_post(&parts)) {
        let next = crate::components::percent_encode(safe_next(&next));
        leptos_axum::redirect(&format!("/login?{query}&next={next}"));
    }
    Ok(result)
}

impl LoginResult {
    /// How the sign-in page's query carries a refusal (`failed=refused`, `wait=30`, `failed=busy`).
    pub fn query(self) -> Option<String> {
        match self {
            LoginResult::Welcome => None,
            LoginResult::Refused => Some("failed=refused".into()),
            LoginResult::Wait(secs) => Some(format!("wait={secs}")),
            LoginResult::Busy => Some("failed=busy".into()),
        }
    }

    /// The refusal a sign-in page's query carries, if any.
    pub fn from_query(failed: Option<&str>, wait: Option<&str>) -> Option<LoginResult> {
        if let Some(secs) = wait.and_then(|w| w.parse().ok()) {
            return Some(LoginResult::Wait(secs));
        }
        match failed? {
            "refused" => Some(LoginResult::Refused),
            "busy" => Some(LoginResult::Busy),
            _ => None,
        }
    }
}

/// A password check behind the sign-in limiter ([`crate::domain::throttle::SignInLimiter`]).
#[cfg(feature = "ssr")]
pub(super) enum Checked {
    User(crate::domain::User),
    /// Not checked: this account or address must wait this many seconds.
    Waiting(u64),
    /// Wrong e-mail or password; the wait this failure started, if it did.
    Wrong(Option<u64>),
    /// Not checked: every verifier stayed busy (not counted as a guess).
    Busy,
}

/// Checks `password` for `email` from this request's address: the attempt is counted before the
/// check, forgotten after a success, and given back when no verifier was free. Sign-in and the
/// change of one's own password both go through here.
#[cfg(feature = "ssr")]
pub(super) async fn check_password(
    parts: &http::request::Parts,
    email: &str,
    password: &str,
) -> Result<Checked, AppError> {
    use super::ssr::{client_address, db, internal, login_limiter};
    use crate::store::auth::{verify_login, Verified};
    let limiter = login_limiter()?;
    let account = format!("account:{}", email.trim().to_lowercase());
    let address = format!("address:{}", client_address(parts));
    let now = crate::store::now() as u64;
    if let Err(secs) = limiter
        .lock()
        .map_err(internal)?
        .begin(&account, &address, now)
    {
        return Ok(Checked::Waiting(secs));
    }
    let verified = verify_login(&db()?, email, password).await?;
    let mut limiter = limiter.lock().map_err(internal)?;
    Ok(match verified {
        Verified::User(user) => {
            limiter.succeed(&account, &address);
            Checked::User(user)
        }
        Verified::Busy => {
            limiter.cancel(&account, &address);
            Checked::Busy
        }
        Verified::Wrong => {
            tracing::info!("failed sign-in");
            Checked::Wrong(limiter.wait(&account, &address, now))
        }
    })
}

#[cfg(feature = "ssr")]
async fn sign_in(
    parts: &http::request::Parts,
    email: &str,
    password: &str,
    next: &str,
) -> Result<LoginResult, AppError> {
    use super::ssr::{db, internal, session_cookie};
    use crate::store::auth::{create_session, SESSION_SECONDS};
    let db = db()?;
    let user = match check_password(parts, email, password).await? {
        Checked::User(user) => user,
        Checked::Waiting(secs) => return Ok(LoginResult::Wait(secs)),
        Checked::Busy => {
            let response = expect_context::<leptos_axum::ResponseOptions>();
            response.set_status(http::StatusCode::TOO_MANY_REQUESTS);
            return Ok(LoginResult::Busy);
        }
        // Say so at once when this failure starts a wait.
        Checked::Wrong(wait) => return Ok(wait.map_or(LoginResult::Refused, LoginResult::Wait)),
    };
    let token = create_session(&db, &user).await?;
    let secure = super::ssr::cookie_secure(
        std::env::var("COOKIE_SECURE").ok().as_deref(),
        &super::ssr::public_url()?,
    );
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = session_cookie(&token, SESSION_SECONDS, secure);
    response.append_header(http::header::SET_COOKIE, cookie.parse().map_err(internal)?);
    leptos_axum::redirect(safe_next(next));
    Ok(LoginResult::Welcome)
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
            ("/\t/evil.example", "/"),
            ("/\n/evil.example", "/"),
            ("/cycles/1/matrix\r\nSet-Cookie: x=1", "/"),
            ("/a\u{7f}", "/"),
            (
                "/cycles/1/matrix?group=EMP&lang=zh-CN",
                "/cycles/1/matrix?group=EMP&lang=zh-CN",
            ),
            ("", "/"),
        ] {
            assert_eq!(safe_next(n), want);
        }
    }
}
