//! Cross-site request forgery defence: a state-changing request that a browser could be tricked into
//! sending (one that carries the session cookie, or calls a server function) must come from a page of
//! this site, as its `Origin` (or, failing that, `Referer`) header shows. Browsers set `Origin` on every
//! POST and no page of another site can forge it. On top of this the session cookie is `SameSite=Lax`,
//! so most browsers do not even send it cross-site.
//!
//! Exempt: safe methods (GET, HEAD, OPTIONS), the versioned JSON API (`/api/v1/…`, authenticated by
//! invitation or API token, never by cookie), and cookie-less posts outside `/api/` (the survey form,
//! whose credential is the token in its URL).

use crate::AppState;
use app::api::ssr::{cookie, SESSION_COOKIE};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The host (and port) of an absolute URL: `https://a.example:8443/x` -> `a.example:8443`.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then_some(host)
}

/// True when the request says it comes from one of this site's pages.
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(host_of);
    let Some(source) = source else { return false };
    let own = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    Some(source) == own || Some(source) == host_of(public_url)
}

fn needs_check(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        || path.starts_with("/api/v1/")
    {
        return false;
    }
    path.starts_with("/api/") || cookie(headers, SESSION_COOKIE).is_some()
}

pub async fn same_origin_guard(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if needs_check(req.method(), req.uri().path(), req.headers())
        && !same_origin(req.headers(), &state.config.public_url)
    {
        tracing::warn!(path = req.uri().path(), "refused a cross-site request");
        return (
            StatusCode::FORBIDDEN,
            "This request did not come from a page of this site, so it was refused.",
        )
            .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn origin_must_match_the_host_or_the_public_url() {
        let public = "https://esg.example.com";
        let cases = [
            (
                vec![
                    (header::HOST, "127.0.0.1:3000"),
                    (header::ORIGIN, "http://127.0.0.1:3000"),
                ],
                true,
            ),
            (
                vec![
                    (header::HOST, "127.0.0.1:3000"),
                    (header::ORIGIN, "http://evil.example"),
                ],
                false,
            ),
            (
                vec![
                    (header::HOST, "127.0.0.1:3000"),
                    (header::REFERER, "http://127.0.0.1:3000/login?x=1"),
                ],
                true,
            ),
            (
                vec![
                    (header::HOST, "127.0.0.1:3000"),
                    (header::REFERER, "http://127.0.0.1:3000.evil.example/"),
                ],
                false,
            ),
            (
                vec![
                    (header::HOST, "internal:8080"),
                    (header::ORIGIN, "https://esg.example.com"),
                ],
                true,
            ),
            (
                vec![(header::HOST, "127.0.0.1:3000"), (header::ORIGIN, "null")],
                false,
            ),
            (vec![(header::HOST, "127.0.0.1:3000")], false),
        ];
        for (pairs, ok) in cases {
            assert_eq!(same_origin(&headers(&pairs), public), ok, "{pairs:?}");
        }
    }

    #[test]
    fn which_requests_are_checked() {
        let none = HeaderMap::new();
        let session = headers(&[(header::COOKIE, "lang=en; mat_session=abc")]);
        let cases = [
            (Method::GET, "/api/get_matrix", &session, false),
            (Method::POST, "/api/login", &none, true),
            (Method::POST, "/api/v1/responses", &session, false),
            (Method::POST, "/s/token", &none, false),
            (Method::POST, "/s/token", &session, true),
            (Method::DELETE, "/anything", &session, true),
        ];
        for (method, path, h, checked) in cases {
            assert_eq!(needs_check(&method, path, h), checked, "{method} {path}");
        }
    }
}
