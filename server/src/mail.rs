//! Sending the questionnaires' e-mail, and the housekeeping of recipients.
//!
//! The sender works through the outbox in the database (`app::store::mail`): it takes one message
//! (which makes the recipient's new link), hands it to the mail server, and records what the server
//! said. A message is marked sent only after the server accepted it, so a restart loses none; the one
//! being sent at the instant of a crash is sent again, with a new link (README, "E-mail").
//!
//! The housekeeping runs whether or not mail is set up: it erases the addresses whose time is up,
//! queues the scheduled reminders, and checkpoints the database so that what was erased leaves the
//! write-ahead log too.

use crate::config::{Config, Mail};
use crate::AppState;
use app::domain::mail::{render, MailVars};
use app::i18n::Lang;
use app::store::mail::{claim, failed, recover, sent, Claimed};
use app::store::Db;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use governor::{Quota, RateLimiter};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::num::NonZeroU32;
use std::time::Duration;

/// How often the sender looks for due messages when the queue is empty.
const POLL: Duration = Duration::from_millis(500);
/// How long one delivery may take (connecting, the whole SMTP conversation).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// What the sender needs: the mail server, the sender's address, where links point, and its limits.
pub struct Sender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
    per_minute: u32,
    retry_seconds: u64,
}

impl Sender {
    /// Checks the settings; the server refuses to start on a wrong one rather than fail each message.
    pub fn new(mail: &Mail, config: &Config) -> Result<Sender, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&mail.smtp_url)
            .map_err(|e| format!("SMTP_URL: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = mail
            .from
            .parse::<Mailbox>()
            .map_err(|e| format!("MAIL_FROM {:?}: {e}", mail.from))?;
        Ok(Sender {
            transport,
            from,
            public_url: config.public_url.clone(),
            per_minute: config.mail_per_minute,
            retry_seconds: u64::from(config.mail_retry_seconds),
        })
    }

    /// The message of a claimed outbox row.
    fn message(&self, c: &Claimed) -> Result<Message, String> {
        let vars = MailVars::new(
            &self.public_url,
            c.token.as_deref(),
            c.optout_token.as_deref(),
            &c.name,
            c.lang,
            c.closes_on.as_deref(),
            &c.organisation,
        );
        let r = render(&c.template, &vars, c.lang);
        let subject = match c.token {
            Some(_) => r.subject,
            None => format!("[TEST] {}", r.subject),
        };
        let to =
            c.to.parse::<Mailbox>()
                .map_err(|e| format!("the address {:?}: {e}", c.to))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{}>", vars.opt_out),
            ))
            // RFC 8058: the mail provider may opt out with one POST to that address.
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_string(),
            ))
            .multipart(MultiPart::alternative_plain_html(r.text, r.html))
            .map_err(|e| e.to_string())
    }
}

/// Starts the housekeeping and, when mail is set up, the sender. Refuses wrong mail settings.
pub fn start(db: &Db, config: &Config) -> Result<(), String> {
    let sender = config
        .mail
        .as_ref()
        .map(|m| Sender::new(m, config))
        .transpose()?;
    tokio::spawn(housekeeping(
        db.clone(),
        config.recipient_retention_days,
        Duration::from_secs(housekeeping_seconds()),
    ));
    match sender {
        Some(s) => {
            tracing::info!(
                "e-mail goes out through {}",
                redact(
                    &config
                        .mail
                        .as_ref()
                        .map(|m| m.smtp_url.clone())
                        .unwrap_or_default()
                )
            );
            tokio::spawn(send_loop(db.clone(), s));
        }
        None => tracing::info!("e-mail is off: set SMTP_URL and MAIL_FROM to send invitations"),
    }
    Ok(())
}

/// `HOUSEKEEPING_SECONDS`: how often erasure, scheduled reminders and the checkpoint run. Default 60.
fn housekeeping_seconds() -> u64 {
    std::env::var("HOUSEKEEPING_SECONDS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(60)
}

/// The SMTP URL without its password, for the log.
fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://…@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

async fn housekeeping(db: Db, retention_days: u32, every: Duration) {
    loop {
        if let Err(e) = app::store::mail::erase_expired(&db, retention_days).await {
            tracing::error!("erasing recipients' addresses: {e}");
        }
        match app::store::mail::schedule_reminders(&db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("queued {n} scheduled reminders"),
            Err(e) => tracing::error!("scheduling reminders: {e}"),
        }
        if let Err(e) = app::store::checkpoint(&db).await {
            tracing::warn!("checkpoint: {e}");
        }
        tokio::time::sleep(every).await;
    }
}

async fn send_loop(db: Db, sender: Sender) {
    match recover(&db).await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            "{n} messages were being sent when the server stopped: sending them again"
        ),
        Err(e) => tracing::error!("recovering the outbox: {e}"),
    }
    let rate = RateLimiter::direct(Quota::per_minute(
        NonZeroU32::new(sender.per_minute).unwrap_or(NonZeroU32::MIN),
    ));
    loop {
        let c = match claim(&db).await {
            Ok(Some(c)) => c,
            Ok(None) => {
                tokio::time::sleep(POLL).await;
                continue;
            }
            Err(e) => {
                tracing::error!("taking the next message: {e}");
                tokio::time::sleep(Duration::from_secs(5)).await;
                continue;
            }
        };
        rate.until_ready().await;
        let outcome = match sender.message(&c) {
            Err(e) => Err((e, true)),
            Ok(m) => sender
                .transport
                .send(m)
                .await
                .map(|_| ())
                .map_err(|e| (e.to_string(), bounces(&e))),
        };
        if let Err((_, permanent)) = &outcome {
            // Not the reply itself: it often quotes the address (it is on the page until erased).
            tracing::warn!(
                outbox = c.outbox_id,
                attempt = c.attempt,
                permanent,
                "a message was refused"
            );
        }
        // What the mail server said must be recorded, or the message would stay "sending" and go
        // out again after a restart: try until the database takes it.
        loop {
            let recorded = match &outcome {
                Ok(()) => sent(&db, c.outbox_id).await,
                Err((reply, permanent)) => {
                    failed(&db, c.outbox_id, reply, *permanent, sender.retry_seconds).await
                }
            };
            match recorded {
                Ok(()) => break,
                Err(e) => {
                    tracing::error!(outbox = c.outbox_id, "recording a delivery: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}

/// Whether a refusal is about the address (a 55x reply: no such mailbox, mailbox full, not
/// accepted), so the recipient is bounced and the message fails at once. Any other refusal (a
/// wrong login, 530 "must issue STARTTLS", a connection that failed) is the set-up's or the
/// moment's: the message is tried again later and nobody is marked bounced.
fn bounces(e: &lettre::transport::smtp::Error) -> bool {
    e.is_permanent() && e.status().is_some_and(|c| c.to_string().starts_with("55"))
}

/// `GET /opt-out/{token}` (a page asking to confirm) and `POST` (done, also a mail provider's
/// one-click POST): plain pages in the browser's language, without JavaScript, like the survey. The
/// token is the recipient's opt-out token, the same in every message it got.
pub fn routes() -> Router<AppState> {
    Router::new().route("/opt-out/{token}", get(ask).post(confirm))
}

fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

fn page(lang: Lang, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/materiality.css\"></head>\
         <body><main class=\"page\"><h1>{title}</h1>{body}</main></body></html>",
        lang.tag()
    );
    let mut r = Html(html).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    r
}

async fn ask(Path(token): Path<String>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let (title, text, button) = match lang {
        Lang::Zh => (
            "不再接收邮件",
            "确认后，我们将不再就本次调查向您发送邮件，并删除您的邮箱地址（仅保留其散列值，以免再次发送）。您的问卷链接仍然有效。",
            "确认不再接收",
        ),
        Lang::En => (
            "No more messages",
            "Once you confirm, you will get no more messages about this questionnaire and your address is erased (only a hash of it is kept, so that it is never written to again). Your questionnaire link keeps working.",
            "Confirm: no more messages",
        ),
    };
    let action = format!("/opt-out/{}", app::domain::mail::escape(&token));
    page(
        lang,
        title,
        &format!("<p>{text}</p><form method=\"post\" action=\"{action}\"><button type=\"submit\">{button}</button></form>"),
    )
}

async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers);
    match app::store::mail::opt_out(&state.db, &token).await {
        Err(e) => crate::api::internal(e),
        Ok(done) => {
            let (title, text) = match (lang, done) {
                (Lang::Zh, true) => ("已退订", "您将不会再收到有关本次调查的邮件。"),
                (Lang::En, true) => (
                    "Done",
                    "You will get no more messages about this questionnaire.",
                ),
                (Lang::Zh, false) => ("无需操作", "此链接没有待发送的邮件：您不会再收到邮件。"),
                (Lang::En, false) => (
                    "Nothing to do",
                    "No messages are sent for this link: you will get none.",
                ),
            };
            page(lang, title, &format!("<p role=\"status\">{text}</p>"))
        }
    }
}
