//! E-mail distribution for admins: recipients (preview, add all or none, erase one), the templates
//! (save, reset, preview, test message to oneself), the organisation and reminder schedule, sending
//! invitations and reminders, and the live figures. Every function checks that the caller is an admin.

use super::AppError;
#[cfg(feature = "ssr")]
use crate::domain::mail::MailKind;
use crate::domain::mail::{CycleTemplate, Failure, MailGroup, MailSettings, Queue, RecipientItem};
use crate::domain::mail::{RecipientPreview, Rendered};
#[cfg(feature = "ssr")]
use crate::i18n::Lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::admin::{found, problem};
#[cfg(feature = "ssr")]
use super::ssr::{db, require_admin};
#[cfg(feature = "ssr")]
use crate::domain::Problem;
#[cfg(feature = "ssr")]
use crate::store::audit::Actor;

/// Whether the server has a mail server to send through (`SMTP_URL` and `MAIL_FROM`), provided by
/// the router.
#[derive(Debug, Clone, Copy)]
pub struct MailOn(pub bool);

/// The live part of the page: per group, the queue, the failures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailFigures {
    pub groups: Vec<MailGroup>,
    pub queue: Queue,
    pub failures: Vec<Failure>,
}

/// The e-mail page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailPageData {
    pub name: String,
    /// Mail is set up on the server.
    pub mail_on: bool,
    /// The cycle takes answers today (messages go out only then).
    pub accepting: bool,
    pub frozen: bool,
    /// The admin's own address (test messages go there).
    pub me: String,
    pub settings: MailSettings,
    pub templates: Vec<CycleTemplate>,
    pub recipients: Vec<RecipientItem>,
    pub progress: MailFigures,
}

#[cfg(feature = "ssr")]
async fn progress_of(db: &crate::store::Db, id: i64) -> Result<MailFigures, AppError> {
    let (groups, queue, failures) = crate::store::mail::progress(db, id).await?;
    Ok(MailFigures {
        groups,
        queue,
        failures,
    })
}

#[server]
pub async fn mail_view(id: i64) -> Result<MailPageData, AppError> {
    let me = require_admin().await?;
    let db = db()?;
    let c = found(crate::store::cycles::cycle(&db, id).await?)?;
    Ok(MailPageData {
        accepting: c.accepting(),
        frozen: c.summary.status == crate::domain::CycleStatus::Confirmed,
        name: c.summary.name,
        mail_on: use_context::<MailOn>().is_some_and(|m| m.0),
        me: me.email,
        settings: crate::store::mail::settings(&db, id).await?,
        templates: crate::store::mail::templates(&db, id).await?,
        recipients: crate::store::mail::recipients(&db, id).await?,
        progress: progress_of(&db, id).await?,
    })
}

#[server]
pub async fn mail_progress(id: i64) -> Result<MailFigures, AppError> {
    require_admin().await?;
    progress_of(&db()?, id).await
}

/// What became of a pasted list: its preview, and how many were added (none when it has a problem,
/// or when only a preview was asked for).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListOutcome {
    pub preview: RecipientPreview,
    pub added: Option<usize>,
}

/// Checks a list (`add` empty) or adds it, all or none (`add` = "1"). `group`: the group of rows
/// that name none.
#[server]
pub async fn recipient_list(
    id: i64,
    #[server(default)] group: String,
    list: String,
    #[server(default)] add: String,
) -> Result<ListOutcome, AppError> {
    let admin = Actor::from(&require_admin().await?);
    let db = db()?;
    let group = Some(group.as_str()).filter(|g| !g.is_empty());
    if add != "1" {
        let preview = crate::store::mail::preview_recipients(&db, id, &list, group).await?;
        return Ok(ListOutcome {
            preview,
            added: None,
        });
    }
    Ok(
        match crate::store::mail::add_recipients(&db, &admin, id, &list, group).await? {
            Ok(n) => ListOutcome {
                preview: RecipientPreview::default(),
                added: Some(n),
            },
            Err(preview) => ListOutcome {
                preview,
                added: None,
            },
        },
    )
}

/// Erases one recipient's address (the person asked).
#[server]
pub async fn erase_recipient(id: i64, recipient: i64) -> Result<(), AppError> {
    let admin = Actor::from(&require_admin().await?);
    Ok(crate::store::mail::erase_recipient(&db()?, &admin, id, recipient).await?)
}

/// What a template form did: a preview to show, or a test message queued to this address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TemplateOutcome {
    Saved,
    Reset,
    Preview(Rendered),
    TestQueued(String),
}

/// One template form: `op` is `save`, `reset` (back to the built-in wording), `preview` (written for
/// a sample recipient, nothing saved) or `test` (saved wording sent to the admin's own address).
#[server]
pub async fn template_action(
    id: i64,
    kind: String,
    lang: String,
    #[server(default)] subject: String,
    #[server(default)] body: String,
    op: String,
) -> Result<TemplateOutcome, AppError> {
    let me = require_admin().await?;
    let admin = Actor::from(&me);
    let db = db()?;
    let Some(kind) = MailKind::parse(&kind) else {
        return problem("kind", Problem::Unknown);
    };
    let Some(lang) = Lang::parse(&lang) else {
        return problem("lang", Problem::Unknown);
    };
    let template = crate::domain::mail::Template { subject, body };
    match op.as_str() {
        "save" => {
            crate::store::mail::save_template(&db, &admin, id, kind, lang, Some(template)).await?;
            Ok(TemplateOutcome::Saved)
        }
        "reset" => {
            crate::store::mail::save_template(&db, &admin, id, kind, lang, None).await?;
            Ok(TemplateOutcome::Reset)
        }
        "preview" => {
            let problems = crate::domain::mail::check_template(&template);
            if !problems.is_empty() {
                return Err(problems.into());
            }
            let c = found(crate::store::cycles::cycle(&db, id).await?)?;
            let settings = crate::store::mail::settings(&db, id).await?;
            let vars = crate::domain::mail::MailVars::new(
                &super::ssr::public_url()?,
                None,
                None,
                "",
                lang,
                c.closes_on.as_deref(),
                lang.pick(&settings.organisation.zh, &settings.organisation.en),
            );
            Ok(TemplateOutcome::Preview(crate::domain::mail::render(
                &template, &vars, lang,
            )))
        }
        "test" => {
            crate::store::mail::send_test(&db, &admin, id, kind, lang, &me.email).await?;
            Ok(TemplateOutcome::TestQueued(me.email))
        }
        _ => problem("op", Problem::Unknown),
    }
}

/// Saves the organisation's name and the reminder schedule. Empty date: no schedule.
#[server]
pub async fn save_mail_settings(
    id: i64,
    #[server(default)] organisation_zh: String,
    #[server(default)] organisation_en: String,
    #[server(default)] remind_from: String,
    #[server(default)] remind_max: String,
    #[server(default)] remind_gap_days: String,
) -> Result<(), AppError> {
    let admin = Actor::from(&require_admin().await?);
    let number = |field: &str, v: &str, default: u32| match v.trim() {
        "" => Ok(default),
        v => v
            .parse::<u32>()
            .map_err(|_| vec![crate::domain::FieldProblem::new(field, Problem::BadNumber)]),
    };
    let s = MailSettings {
        organisation: crate::domain::Bilingual {
            zh: organisation_zh,
            en: organisation_en,
        },
        remind_from: Some(remind_from.trim().to_string()).filter(|d| !d.is_empty()),
        remind_max: number("remind_max", &remind_max, 0)?,
        remind_gap_days: number("remind_gap_days", &remind_gap_days, 7)?,
    };
    Ok(crate::store::mail::save_settings(&db()?, &admin, id, &s).await?)
}

/// Queues the invitations (`what` = "invitations") or a reminder now (`what` = "reminders"); how
/// many messages were queued.
#[server]
pub async fn send_mail(id: i64, what: String) -> Result<u64, AppError> {
    let admin = Actor::from(&require_admin().await?);
    let db = db()?;
    Ok(match what.as_str() {
        "invitations" => crate::store::mail::send_invitations(&db, &admin, id).await?,
        "reminders" => crate::store::mail::send_reminders(&db, &admin, id).await?,
        _ => return problem("what", Problem::Unknown),
    })
}
