//! Serving HTTP with every connection bounded: how many at once, how long a client may take to send
//! its request head and body, and how long a request may run. Slow or idle clients cannot hold
//! sockets forever, and a flood of connections waits in the kernel's queue instead of in memory.

use crate::config::Config;
use crate::{router, AppState};
use app::store;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

type AnyError = Box<dyn std::error::Error>;

/// The connection limits (README, "Security and privacy"). Each has an environment variable, for
/// deployments and for the tests that prove it.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `MAX_CONNECTIONS`: connections served at once; further ones wait to be accepted. Default 1024.
    pub connections: usize,
    /// `HEADER_TIMEOUT_SECS`: time to send a request's head (and, between requests, the next one's).
    /// Default 10 s.
    pub header: Duration,
    /// `BODY_TIMEOUT_SECS`: time to send a request's body. Default 30 s.
    pub body: Duration,
    /// `REQUEST_TIMEOUT_SECS`: time for the whole request, answered 408 after. Default 60 s.
    pub request: Duration,
}

impl Limits {
    pub fn from_env() -> Result<Limits, AnyError> {
        let read = |name: &str, default: u64| -> Result<u64, AnyError> {
            match std::env::var(name) {
                Ok(v) if !v.is_empty() => match v.parse::<u64>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(format!("{name}: {v:?} is not a whole number above 0").into()),
                },
                _ => Ok(default),
            }
        };
        Ok(Limits {
            connections: read("MAX_CONNECTIONS", 1024)? as usize,
            header: Duration::from_secs(read("HEADER_TIMEOUT_SECS", 10)?),
            body: Duration::from_secs(read("BODY_TIMEOUT_SECS", 30)?),
            request: Duration::from_secs(read("REQUEST_TIMEOUT_SECS", 60)?),
        })
    }
}

pub async fn serve(config: Config, db: store::Db) -> Result<(), AnyError> {
    let leptos_options = crate::leptos_options()?;
    let addr = leptos_options.site_addr;
    let limits = Limits::from_env()?;
    // A wrong entry would silently make every client one address: refuse to start instead.
    let proxies = app::api::ssr::trusted_proxies_setting()?;
    if !proxies.is_empty() {
        tracing::info!("X-Forwarded-For is read from {proxies:?}");
    }
    crate::mail::start(&db, &config)?;
    let state = AppState::new(leptos_options, db, config);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("binding {addr}: {e}"))?;
    tracing::info!("listening on http://{addr} ({limits:?})");
    let app = router(state).layer((
        tower_http::timeout::RequestBodyTimeoutLayer::new(limits.body),
        tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            limits.request,
        ),
    ));
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header)
        .keep_alive_timeout(limits.header);
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.connections));
    let graceful = GracefulShutdown::new();
    let stop = shutdown();
    tokio::pin!(stop);
    loop {
        // A free slot first: past the limit, new connections wait in the kernel's queue.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        // The peer address feeds the per-address limits.
        let service =
            app.clone()
                .map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    req
                });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = watched.await {
                tracing::debug!("connection from {peer}: {e}");
            }
            drop(slot);
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing the requests in flight");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.request) => {
            tracing::warn!("requests still running after {:?}; stopping anyway", limits.request);
        }
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM (what service managers and `kill` send): the server then stops
/// taking connections and finishes the requests in flight, so no acknowledged answer is cut off.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
