//! Security headers: what every response carries, and the pages' Content-Security-Policy, which lets
//! only the site's own scripts run.

mod common;

use app::store::Db;
use common::*;
use std::collections::HashSet;

/// The value of `<script …>`'s `nonce` attribute for every script tag of an HTML body.
fn script_nonces(body: &str) -> Vec<Option<String>> {
    body.match_indices("<script")
        .map(|(at, _)| {
            let tag = &body[at..at + body[at..].find('>').unwrap()];
            tag.split("nonce=\"")
                .nth(1)
                .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        })
        .collect()
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn every_response_carries_the_security_headers(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    let link = token(&db, cycle, "EMP").await;
    for uri in [
        "/healthz".to_string(),
        "/login".to_string(),
        format!("/s/{link}"),
        "/s/unknown".to_string(),
        format!("/api/v1/cycles/{cycle}/results.json"),
        "/no/such/page".to_string(),
    ] {
        let (_, res) = send(&app, get(&uri)).await;
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{uri}");
        assert_eq!(h["x-frame-options"], "DENY", "{uri}");
        assert_eq!(h["referrer-policy"], "same-origin", "{uri}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
    }
}

/// Every page names a fresh nonce in its policy, and every script on it (Leptos' hydration, the
/// survey's counter) carries that nonce; nothing else may run: no inline script without it, no
/// inline event handler, no script from elsewhere, no plugin, no `<base>` to redirect relative URLs.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn pages_run_only_the_scripts_that_carry_the_responses_nonce(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    let (_, session, _) = reviewer(&db).await;
    let link = token(&db, cycle, "EMP").await;
    let mut seen = HashSet::new();
    for (uri, session) in [
        ("/login".to_string(), None),
        (format!("/s/{link}"), None),
        (format!("/cycles/{cycle}/matrix"), Some(session.as_str())),
        (format!("/cycles/{cycle}/material"), Some(session.as_str())),
        ("/no/such/page".to_string(), None),
    ] {
        for _ in 0..2 {
            let (_, res) = send(&app, get_as(&uri, session)).await;
            let csp = res.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .to_string();
            let script_src = csp
                .split(';')
                .map(str::trim)
                .find(|d| d.starts_with("script-src "))
                .unwrap_or_else(|| panic!("{uri}: no script-src in {csp}"));
            let nonces: Vec<&str> = script_src
                .split(' ')
                .filter_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\''))
                .collect();
            let [nonce] = nonces[..] else {
                panic!("{uri}: one nonce in {csp}")
            };
            assert!(nonce.len() >= 22, "{uri}: a nonce of 128 bits: {nonce}");
            assert!(
                seen.insert(nonce.to_string()),
                "{uri}: nonce {nonce} used twice"
            );
            for part in ["'self'", "'wasm-unsafe-eval'"] {
                assert!(script_src.contains(part), "{uri}: {script_src}");
            }
            assert!(!script_src.contains("unsafe-inline"), "{uri}: {script_src}");
            for directive in [
                "default-src 'self'",
                "object-src 'none'",
                "base-uri 'none'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ] {
                assert!(csp.contains(directive), "{uri}: {directive} in {csp}");
            }
            let body = body_text(res).await;
            let nonces = script_nonces(&body);
            assert!(!nonces.is_empty(), "{uri} has its scripts");
            assert!(
                nonces.iter().all(|n| n.as_deref() == Some(nonce)),
                "{uri}: every script carries {nonce}: {nonces:?}"
            );
            assert!(
                !body.contains(" onclick="),
                "{uri}: no inline event handler"
            );
        }
    }
}

/// What is not a page (JSON, CSV, images, server functions) may load nothing at all.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn responses_that_are_not_pages_allow_nothing(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    let (_, _, api) = reviewer(&db).await;
    for uri in [
        "/healthz".to_string(),
        format!("/api/v1/cycles/{cycle}/results.json"),
        format!("/api/v1/cycles/{cycle}/matrix.svg"),
    ] {
        let (_, res) = send(&app, get_bearer(&uri, &api)).await;
        let csp = res.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'none'"), "{uri}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
    }
}
