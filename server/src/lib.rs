//! The server: configuration, the router (Leptos pages plus the JSON API and health check) and the
//! command-line subcommands.

pub mod answers;
pub mod api;
pub mod bench;
pub mod cli;
pub mod config;
pub mod csrf;
pub mod mail;
pub mod serve;

use app::api::ssr::{PublicUrl, SharedLimiter};
use app::store::responses::Submissions;
use app::store::Db;
use app::{shell, App};
use axum::extract::FromRef;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: config::Config,
    /// Sign-in throttling, shared by all requests of this process.
    pub limiter: SharedLimiter,
    /// The group-commit writer of survey answers (one per process).
    pub submissions: Submissions,
    /// What open links may still take, per link and per address.
    pub open_links: std::sync::Arc<answers::OpenLinkBudget>,
}

impl AppState {
    /// Needs a Tokio runtime: starts the submissions writer.
    pub fn new(leptos_options: LeptosOptions, db: Db, config: config::Config) -> Self {
        AppState {
            submissions: Submissions::start(db.clone()),
            open_links: std::sync::Arc::new(answers::OpenLinkBudget::new(
                config.open_link_per_minute,
                config.open_link_per_address_hour,
            )),
            leptos_options,
            db,
            config,
            limiter: SharedLimiter::default(),
        }
    }
}

/// The whole HTTP application. Tests drive this same router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let (db, limiter, submissions) = (
        state.db.clone(),
        state.limiter.clone(),
        state.submissions.clone(),
    );
    let public_url = PublicUrl(state.config.public_url.clone());
    let mail_on = app::api::mail::MailOn(state.config.mail.is_some());
    let context = move || {
        provide_context(mail_on);
        provide_context(db.clone());
        provide_context(limiter.clone());
        provide_context(submissions.clone());
        provide_context(public_url.clone());
    };
    let options = state.leptos_options.clone();
    Router::new()
        .merge(api::routes())
        .leptos_routes_with_context(&state, routes, context, move || shell(options.clone()))
        .merge(answers::routes())
        .merge(mail::routes())
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::same_origin_guard,
        ))
        .layer(axum::middleware::map_response(security_headers))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Headers on every response: no MIME sniffing, no framing by other sites (clickjacking), the full
/// address (a survey link's token is in it) never sent to another site as the Referer, and a
/// Content-Security-Policy.
async fn security_headers(mut res: axum::response::Response) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // Pages set their own, with the response's nonce (`app::shell`).
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(app::OTHER_POLICY));
    res
}

/// Leptos settings: from cargo-leptos' environment when it runs us, otherwise the defaults of the
/// workspace's `[[workspace.metadata.leptos]]`, so the release binary also runs on its own.
pub fn leptos_options() -> Result<LeptosOptions, Box<dyn std::error::Error>> {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
    let addr = env("LEPTOS_SITE_ADDR", "127.0.0.1:3000");
    Ok(LeptosOptions::builder()
        .output_name(env("LEPTOS_OUTPUT_NAME", "materiality"))
        .site_root(env("LEPTOS_SITE_ROOT", "target/site"))
        .site_pkg_dir(env("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(
            addr.parse::<std::net::SocketAddr>()
                .map_err(|e| format!("LEPTOS_SITE_ADDR {addr:?}: {e}"))?,
        )
        .reload_port(env("LEPTOS_RELOAD_PORT", "3001").parse::<u32>()?)
        .env(if env("LEPTOS_ENV", "PROD").eq_ignore_ascii_case("DEV") {
            leptos::config::Env::DEV
        } else {
            leptos::config::Env::PROD
        })
        .build())
}
