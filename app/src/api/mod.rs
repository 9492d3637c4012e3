//! Server functions: thin wrappers that check the caller, call the store and map errors to plain words.

#[cfg(feature = "ssr")]
pub mod address;
pub mod admin;
pub mod auth;
pub mod mail;
pub mod register;
pub mod results;
pub mod review;
pub mod survey;
pub mod tokens;
pub mod users;

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

/// What a server function can fail with. Database errors never reach the browser: they are logged on
/// the server and become `Internal`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("please sign in")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("internal error")]
    Internal,
    /// The input was refused, nothing written: the problems by field (422).
    #[error("refused")]
    Refused(Vec<crate::domain::FieldProblem>),
    /// An account's input was refused (an e-mail taken, a short password, …), nothing written.
    #[error("refused")]
    Account(users::UserProblem),
    /// An import was refused, nothing written: every row with its problems.
    #[error("refused")]
    Import(crate::domain::ImportPreview),
    /// An import of the IRO register was refused, nothing written: every row with its problems.
    #[error("refused")]
    RegisterImport(crate::domain::register_file::RegisterPreview),
    #[error("{0}")]
    ServerFn(ServerFnErrorErr),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Helpers every server function uses.

    use super::AppError;
    use crate::store::auth::{Role, User};
    use crate::store::write::StoreError;
    use crate::store::Db;
    use http::header::{AUTHORIZATION, COOKIE};
    use http::HeaderMap;
    use leptos::prelude::use_context;

    /// Name of the session cookie.
    pub const SESSION_COOKIE: &str = "mat_session";

    /// The pool, provided to every request by the server's router.
    pub fn db() -> Result<Db, AppError> {
        use_context::<Db>().ok_or_else(|| internal("no database pool in context"))
    }

    /// The address respondents reach the site at (`PUBLIC_URL`), provided by the server's router.
    #[derive(Clone, Debug)]
    pub struct PublicUrl(pub String);

    /// Whether the session cookie gets `Secure` (sent over HTTPS only): as `COOKIE_SECURE` says when
    /// it is set (`1`/`true`, `0`/`false`), otherwise whenever the site is served over HTTPS.
    pub fn cookie_secure(setting: Option<&str>, public_url: &str) -> bool {
        match setting.map(str::trim) {
            Some("1" | "true") => true,
            Some("0" | "false") => false,
            _ => public_url
                .trim()
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://")),
        }
    }

    pub fn public_url() -> Result<String, AppError> {
        use_context::<PublicUrl>()
            .map(|u| u.0)
            .ok_or_else(|| internal("no public URL in context"))
    }

    /// Logs the real cause and gives the browser plain words.
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        tracing::error!("internal error: {cause}");
        AppError::Internal
    }

    /// A cookie's value from the request headers.
    pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find_map(|(k, v)| (k == name).then_some(v))
    }

    /// The language of a request after any explicit choice: an explicit `zh`/`en` (a `?lang=` or form
    /// field) first, then the `lang` cookie the switcher sets, then `Accept-Language`.
    pub fn request_lang(headers: &HeaderMap, explicit: Option<&str>) -> crate::i18n::Lang {
        use crate::i18n::Lang;
        explicit
            .and_then(Lang::parse)
            .or_else(|| cookie(headers, "lang").and_then(Lang::parse))
            .or_else(|| {
                headers
                    .get(http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .map(Lang::from_accept_language)
            })
            .unwrap_or_default()
    }

    /// The token of an `Authorization: Bearer` header, if the request has one.
    pub fn bearer(headers: &HeaderMap) -> Option<&str> {
        let auth = headers.get(AUTHORIZATION)?.to_str().ok()?;
        auth.strip_prefix("Bearer ").map(str::trim)
    }

    /// Who is calling: a `Bearer` API token or the session cookie. `None` for anonymous callers
    /// (an `Authorization` header of another kind included: it never falls back to the cookie).
    pub async fn caller(db: &Db, headers: &HeaderMap) -> Result<Option<User>, sqlx::Error> {
        if headers
            .get(AUTHORIZATION)
            .is_some_and(|v| v.to_str().is_ok())
        {
            return match bearer(headers) {
                Some(token) => crate::store::auth::api_token_user(db, token).await,
                None => Ok(None),
            };
        }
        match cookie(headers, SESSION_COOKIE) {
            Some(token) => crate::store::auth::session_user(db, token).await,
            None => Ok(None),
        }
    }

    /// The caller of the current server function or page, who must hold one of `roles`.
    async fn require(roles: &[Role]) -> Result<User, AppError> {
        let db = db()?;
        let parts: http::request::Parts = leptos_axum::extract().await.map_err(internal)?;
        match caller(&db, &parts.headers).await.map_err(internal)? {
            Some(u) if roles.contains(&u.role) => Ok(u),
            Some(_) => Err(refuse(AppError::Forbidden)),
            None => Err(refuse(AppError::Unauthorized)),
        }
    }

    /// A refusal, with its own HTTP status (401, 403, 404, 422) when a script called the server function:
    /// without it every error of a server function is a 500. A plain form post (the browser asks
    /// for `text/html`) keeps leptos' redirect back to its page, which shows the message; a page
    /// being rendered (a GET of the page, which calls the function itself) sets its own status.
    pub fn refuse(e: AppError) -> AppError {
        let status = match e {
            AppError::Unauthorized => http::StatusCode::UNAUTHORIZED,
            AppError::Forbidden => http::StatusCode::FORBIDDEN,
            AppError::NotFound => http::StatusCode::NOT_FOUND,
            AppError::Account(super::users::UserProblem::TryLater) => {
                http::StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Refused(_)
            | AppError::Account(_)
            | AppError::Import(_)
            | AppError::RegisterImport(_) => http::StatusCode::UNPROCESSABLE_ENTITY,
            _ => return e,
        };
        let script_call = use_context::<http::request::Parts>().is_some_and(|p| {
            p.method == http::Method::POST
                && p.uri.path().starts_with("/api/")
                && !plain_form_post(&p)
        });
        if let (true, Some(res)) = (script_call, use_context::<leptos_axum::ResponseOptions>()) {
            res.set_status(status);
        }
        e
    }

    /// A form posted by a browser without JavaScript (it asks for a page back, `text/html`), not a
    /// server function called from script.
    pub fn plain_form_post(parts: &http::request::Parts) -> bool {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    }

    /// A reviewer or an admin.
    pub async fn require_reviewer() -> Result<User, AppError> {
        require(&[Role::Admin, Role::Reviewer]).await
    }

    /// Anyone signed in, assessors included: for what concerns only the caller's own records.
    pub async fn require_signed_in() -> Result<User, AppError> {
        require(&[Role::Admin, Role::Reviewer, Role::Assessor]).await
    }

    pub async fn require_admin() -> Result<User, AppError> {
        require(&[Role::Admin]).await
    }

    impl From<sqlx::Error> for AppError {
        fn from(e: sqlx::Error) -> AppError {
            internal(e)
        }
    }

    impl From<StoreError> for AppError {
        fn from(e: StoreError) -> AppError {
            match e {
                StoreError::NotFound => refuse(AppError::NotFound),
                StoreError::Refused(p) => p.into(),
                StoreError::Db(e) => internal(e),
            }
        }
    }

    impl From<Vec<crate::domain::FieldProblem>> for AppError {
        /// Input refused by field: `Refused`, with 422 for a script.
        fn from(p: Vec<crate::domain::FieldProblem>) -> AppError {
            refuse(AppError::Refused(p))
        }
    }

    pub type SharedLimiter =
        std::sync::Arc<std::sync::Mutex<crate::domain::throttle::SignInLimiter>>;

    /// The limiter, provided to every request by the server's router.
    pub fn login_limiter() -> Result<SharedLimiter, AppError> {
        use_context::<SharedLimiter>().ok_or_else(|| internal("no login limiter in context"))
    }

    /// The client's network address (see [`super::address`]), or "unknown" where the server has no
    /// connection info (tests).
    pub fn client_address(parts: &http::request::Parts) -> String {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        super::address::client_ip(peer, &forwarded, trusted_proxies())
            .map_or_else(|| "unknown".to_string(), |ip| ip.to_string())
    }

    /// `TRUSTED_PROXIES`, read once. The server checks it at start-up ([`trusted_proxies_setting`]),
    /// so a wrong entry stops it there rather than being ignored here.
    pub fn trusted_proxies() -> &'static [std::net::IpAddr] {
        static TRUSTED: std::sync::OnceLock<Vec<std::net::IpAddr>> = std::sync::OnceLock::new();
        TRUSTED.get_or_init(|| trusted_proxies_setting().unwrap_or_default())
    }

    /// `TRUSTED_PROXIES` from the environment, checked.
    pub fn trusted_proxies_setting() -> Result<Vec<std::net::IpAddr>, String> {
        super::address::parse_trusted(&std::env::var("TRUSTED_PROXIES").unwrap_or_default())
    }

    /// `Set-Cookie` value of a session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent
    /// on cross-site posts). `Secure` when the site is served over HTTPS (`secure`).
    pub fn session_cookie(token: &str, max_age: i64, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
        )
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::ssr::cookie_secure;

    #[test]
    fn the_session_cookie_is_secure_over_https_unless_turned_off() {
        for (setting, url, secure) in [
            (None, "https://esg.example.com", true),
            (None, "HTTPS://esg.example.com", true),
            (None, "http://127.0.0.1:3000", false),
            (Some("0"), "https://esg.example.com", false),
            (Some("false"), "https://esg.example.com", false),
            (Some("1"), "http://127.0.0.1:3000", true),
            (Some("true"), "http://127.0.0.1:3000", true),
            (Some(""), "https://esg.example.com", true),
        ] {
            assert_eq!(cookie_secure(setting, url), secure, "{setting:?} {url}");
        }
    }
}
