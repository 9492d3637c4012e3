//! E-mail distribution in the database: recipients, the outbox the sender works through, templates,
//! the reminder schedule, opt-outs and the erasure of addresses.
//!
//! Anonymity, as the migration explains: a recipient points to its current invitation (and to the one
//! of a message being sent) only until it answers (the submissions writer cuts both in the
//! transaction that stores the answer, see `store::responses`); the invitations made here have random
//! ids and no dates; a message holds no link, the link is made when the message is taken to be sent,
//! and it replaces the earlier one (revoked, its draft moved) only once the mail server accepted it,
//! so no survey token is ever stored and a failed message leaves the earlier link working.

use super::audit::{Action, Actor};
use super::write::{refuse, StoreError, Stored, Write};
use super::{hash_secret, new_secret, now, Db};
use crate::domain::mail::{
    address_key, check_recipients, check_template, default_template, ListContext, MailKind,
    RecipientPreview, Template, MAX_ORGANISATION_CHARS,
};
pub use crate::domain::mail::{
    CycleTemplate, Failure, MailGroup, MailSettings, Queue, RecipientItem, MAX_GAP_DAYS,
    MAX_REMINDERS,
};
use crate::domain::{date_of, Bilingual, CycleSettings, CycleStatus, FieldProblem, Problem};
use crate::i18n::Lang;
use serde_json::json;
use sqlx::{Row, SqliteConnection};
use std::collections::HashSet;

/// How many times a message is tried before it counts as failed.
pub const MAX_ATTEMPTS: i64 = 8;

/// The start of the UTC day of `t`: what the invitations made for recipients and every response keep
/// instead of the time.
pub fn day_of(t: i64) -> i64 {
    t - t.rem_euclid(86_400)
}

/// Whether `address` is an e-mail address the sender can write to.
pub fn address_ok(address: &str) -> bool {
    address.parse::<lettre::Address>().is_ok()
}

/// The hash an opt-out is remembered by.
pub fn optout_hash(address: &str) -> String {
    hash_secret(&format!("opt-out:{}", address_key(address)))
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// Refuses unless the cycle exists and is not confirmed.
async fn unconfirmed(conn: &mut SqliteConnection, cycle_id: i64) -> Stored<()> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM cycles WHERE id = ?")
        .bind(cycle_id)
        .fetch_optional(&mut *conn)
        .await?;
    match status.as_deref() {
        None => Err(StoreError::NotFound),
        Some("confirmed") => refuse("cycle", Problem::Frozen),
        Some(_) => Ok(()),
    }
}

/// Checks a pasted list against the cycle (its groups, the addresses it has, the opt-outs).
async fn check_list(
    conn: &mut SqliteConnection,
    cycle_id: i64,
    text: &str,
    default_group: Option<&str>,
) -> Result<RecipientPreview, sqlx::Error> {
    let groups: Vec<String> = sqlx::query_scalar(
        "SELECT g.code FROM stakeholder_groups g JOIN cycle_groups cg ON cg.group_id = g.id
         WHERE cg.cycle_id = ? ORDER BY g.sort_order, g.code",
    )
    .bind(cycle_id)
    .fetch_all(&mut *conn)
    .await?;
    let existing: HashSet<String> = sqlx::query_scalar::<_, String>(
        "SELECT email FROM recipients WHERE cycle_id = ? AND email IS NOT NULL",
    )
    .bind(cycle_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|e| address_key(e))
    .collect();
    let optouts: HashSet<String> = sqlx::query_scalar("SELECT address_hash FROM mail_optouts")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let opted_out = |key: &str| optouts.contains(&optout_hash(key));
    Ok(check_recipients(
        text,
        &ListContext {
            default_group: default_group.filter(|g| !g.is_empty()),
            groups: &groups,
            existing: &existing,
            opted_out: &opted_out,
            address_ok: &address_ok,
        },
    ))
}

/// The preview of a list: every row with its problems. Writes nothing.
pub async fn preview_recipients(
    db: &Db,
    cycle_id: i64,
    text: &str,
    default_group: Option<&str>,
) -> Stored<RecipientPreview> {
    let mut conn = db.acquire().await?;
    unconfirmed(&mut conn, cycle_id).await?;
    Ok(check_list(&mut conn, cycle_id, text, default_group).await?)
}

/// Adds every recipient of the list, or none: the list is checked again under the write lock, and
/// any problem returns the preview that shows it (`Err`), with nothing written.
pub async fn add_recipients(
    db: &Db,
    actor: &Actor,
    cycle_id: i64,
    text: &str,
    default_group: Option<&str>,
) -> Stored<Result<usize, RecipientPreview>> {
    let mut w = Write::begin(db, actor).await?;
    unconfirmed(&mut w, cycle_id).await?;
    let preview = check_list(&mut w, cycle_id, text, default_group).await?;
    if !preview.ok() {
        return Ok(Err(preview));
    }
    let at = now();
    for r in &preview.rows {
        sqlx::query(
            "INSERT INTO recipients (cycle_id, group_id, email, name, lang, created_at, optout_token)
             SELECT ?, id, ?, ?, ?, ?, ? FROM stakeholder_groups WHERE code = ?",
        )
        .bind(cycle_id)
        .bind(&r.email)
        .bind(&r.name)
        .bind(&r.lang)
        .bind(at)
        .bind(new_secret())
        .bind(&r.group)
        .execute(&mut *w)
        .await?;
    }
    let n = preview.rows.len();
    // The count only: addresses are personal data, and the log keeps what it is given for ever.
    let action = Action::new("mail.recipients_add", format!("cycle {cycle_id}"))
        .after(json!({ "count": n }));
    w.commit(action).await?;
    Ok(Ok(n))
}

/// The cycle's recipients, in the groups' order and then as they were added.
pub async fn recipients(db: &Db, cycle_id: i64) -> Result<Vec<RecipientItem>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id, r.email, r.name, r.lang, g.code, r.last_sent_at IS NOT NULL AS emailed,
                r.opened, r.answered, r.bounced, r.opted_out, r.reminders,
                EXISTS (SELECT 1 FROM outbox o WHERE o.recipient_id = r.id
                        AND o.status IN ('waiting', 'sending')) AS waiting
         FROM recipients r JOIN stakeholder_groups g ON g.id = r.group_id
         WHERE r.cycle_id = ? ORDER BY g.sort_order, g.code, r.id",
    )
    .bind(cycle_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RecipientItem {
            id: r.get("id"),
            email: r.get("email"),
            name: r.get("name"),
            lang: r.get("lang"),
            group: r.get("code"),
            emailed: r.get("emailed"),
            opened: r.get("opened"),
            answered: r.get("answered"),
            bounced: r.get("bounced"),
            opted_out: r.get("opted_out"),
            reminders: r.get("reminders"),
            waiting: r.get("waiting"),
        })
        .collect())
}

/// Forgets the address and name of recipients matching `filter` (SQL on `recipients r` with one
/// parameter), and cancels their waiting messages. Their counts (answered, opened …) stay.
async fn erase_where(
    conn: &mut SqliteConnection,
    filter: &str,
    bind: i64,
) -> Result<u64, sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE outbox SET status = 'cancelled' WHERE status = 'waiting' AND recipient_id IN
           (SELECT r.id FROM recipients r WHERE {filter})"
    ))
    .bind(bind)
    .execute(&mut *conn)
    .await?;
    // A mail server's reply often quotes the address.
    sqlx::query(&format!(
        "UPDATE outbox SET reply = NULL WHERE reply IS NOT NULL AND recipient_id IN
           (SELECT r.id FROM recipients r WHERE {filter})"
    ))
    .bind(bind)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query(&format!(
        "UPDATE recipients SET email = NULL, name = '', optout_token = NULL WHERE id IN
           (SELECT r.id FROM recipients r WHERE r.email IS NOT NULL AND {filter})"
    ))
    .bind(bind)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Erases one recipient's address on request (the person asked). `recipient` refused as `Unknown`
/// when the cycle has no such recipient with an address.
pub async fn erase_recipient(db: &Db, actor: &Actor, cycle_id: i64, id: i64) -> Stored<()> {
    let mut w = Write::begin(db, actor).await?;
    let mine: Option<i64> =
        sqlx::query_scalar("SELECT id FROM recipients WHERE id = ? AND cycle_id = ?")
            .bind(id)
            .bind(cycle_id)
            .fetch_optional(&mut *w)
            .await?;
    if mine.is_none() || erase_where(&mut w, "r.id = ?", id).await? == 0 {
        return refuse("recipient", Problem::Unknown);
    }
    let action = Action::new(
        "mail.recipient_erase",
        format!("cycle {cycle_id} recipient {id}"),
    );
    w.commit(action).await?;
    Ok(())
}

/// At confirmation (in its transaction): the cycle's addresses are erased.
pub async fn erase_confirmed(
    conn: &mut SqliteConnection,
    cycle_id: i64,
) -> Result<u64, sqlx::Error> {
    erase_where(conn, "r.cycle_id = ?", cycle_id).await
}

/// Erases the addresses of confirmed cycles and of cycles whose closing date lies more than
/// `retention_days` days back. Returns how many were erased.
pub async fn erase_expired(db: &Db, retention_days: u32) -> Result<u64, sqlx::Error> {
    let cutoff = date_of(now() - i64::from(retention_days) * 86_400);
    let cycles: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM cycles WHERE (status = 'confirmed' OR closes_on < ?)
           AND id IN (SELECT cycle_id FROM recipients WHERE email IS NOT NULL)",
    )
    .bind(&cutoff)
    .fetch_all(db)
    .await?;
    let mut n = 0;
    for cycle in cycles {
        let mut tx = super::audit::begin_write(db).await?;
        n += erase_where(&mut tx, "r.cycle_id = ?", cycle).await?;
        tx.commit().await?;
    }
    Ok(n)
}

pub async fn settings(db: &Db, cycle_id: i64) -> Result<MailSettings, sqlx::Error> {
    let row = sqlx::query(
        "SELECT organisation_zh, organisation_en, remind_from, remind_max, remind_gap_days
         FROM mail_settings WHERE cycle_id = ?",
    )
    .bind(cycle_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map_or_else(MailSettings::default, |r| MailSettings {
        organisation: Bilingual {
            zh: r.get("organisation_zh"),
            en: r.get("organisation_en"),
        },
        remind_from: r.get("remind_from"),
        remind_max: r.get::<i64, _>("remind_max") as u32,
        remind_gap_days: r.get::<i64, _>("remind_gap_days") as u32,
    }))
}

/// Saves a cycle's organisation name and reminder schedule.
pub async fn save_settings(db: &Db, actor: &Actor, cycle_id: i64, s: &MailSettings) -> Stored<()> {
    let mut problems = Vec::new();
    for (field, v) in [
        ("organisation_zh", &s.organisation.zh),
        ("organisation_en", &s.organisation.en),
    ] {
        if v.chars().count() > MAX_ORGANISATION_CHARS {
            problems.push(FieldProblem::new(field, Problem::TooLong));
        }
    }
    if s.remind_from
        .as_deref()
        .is_some_and(|d| !crate::domain::is_date(d))
    {
        problems.push(FieldProblem::new("remind_from", Problem::BadDate));
    }
    if s.remind_max > MAX_REMINDERS {
        problems.push(FieldProblem::new("remind_max", Problem::BadNumber));
    }
    if !(1..=MAX_GAP_DAYS).contains(&s.remind_gap_days) {
        problems.push(FieldProblem::new("remind_gap_days", Problem::BadNumber));
    }
    if !problems.is_empty() {
        return Err(StoreError::Refused(problems));
    }
    let mut w = Write::begin(db, actor).await?;
    unconfirmed(&mut w, cycle_id).await?;
    sqlx::query(
        "INSERT INTO mail_settings (cycle_id, organisation_zh, organisation_en, remind_from,
            remind_max, remind_gap_days)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (cycle_id) DO UPDATE SET organisation_zh = excluded.organisation_zh,
           organisation_en = excluded.organisation_en, remind_from = excluded.remind_from,
           remind_max = excluded.remind_max, remind_gap_days = excluded.remind_gap_days",
    )
    .bind(cycle_id)
    .bind(s.organisation.zh.trim())
    .bind(s.organisation.en.trim())
    .bind(&s.remind_from)
    .bind(s.remind_max)
    .bind(s.remind_gap_days)
    .execute(&mut *w)
    .await?;
    w.commit(Action::new("mail.settings", format!("cycle {cycle_id}")).after(json!(s)))
        .await?;
    Ok(())
}

/// The template of a kind in a language: the cycle's own, or the built-in one (`true`).
async fn template_on(
    conn: &mut SqliteConnection,
    cycle_id: i64,
    kind: MailKind,
    lang: Lang,
) -> Result<(Template, bool), sqlx::Error> {
    let row = sqlx::query(
        "SELECT subject, body FROM mail_templates WHERE cycle_id = ? AND kind = ? AND lang = ?",
    )
    .bind(cycle_id)
    .bind(kind.as_str())
    .bind(lang_code(lang))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(r) => (
            Template {
                subject: r.get("subject"),
                body: r.get("body"),
            },
            false,
        ),
        None => (default_template(kind, lang), true),
    })
}

/// The four templates of a cycle (invitation and reminder, zh and en).
pub async fn templates(db: &Db, cycle_id: i64) -> Result<Vec<CycleTemplate>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let mut all = Vec::new();
    for kind in MailKind::BOTH {
        for lang in [Lang::Zh, Lang::En] {
            let (template, default) = template_on(&mut conn, cycle_id, kind, lang).await?;
            all.push(CycleTemplate {
                kind,
                lang,
                template,
                default,
            });
        }
    }
    Ok(all)
}

/// Saves a cycle's wording of a message; `None` goes back to the built-in one.
pub async fn save_template(
    db: &Db,
    actor: &Actor,
    cycle_id: i64,
    kind: MailKind,
    lang: Lang,
    template: Option<Template>,
) -> Stored<()> {
    if let Some(t) = &template {
        let problems = check_template(t);
        if !problems.is_empty() {
            return Err(StoreError::Refused(problems));
        }
    }
    let mut w = Write::begin(db, actor).await?;
    unconfirmed(&mut w, cycle_id).await?;
    let q = match &template {
        Some(t) => sqlx::query(
            "INSERT INTO mail_templates (cycle_id, kind, lang, subject, body) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (cycle_id, kind, lang)
             DO UPDATE SET subject = excluded.subject, body = excluded.body",
        )
        .bind(cycle_id)
        .bind(kind.as_str())
        .bind(lang_code(lang))
        .bind(&t.subject)
        .bind(&t.body),
        None => {
            sqlx::query("DELETE FROM mail_templates WHERE cycle_id = ? AND kind = ? AND lang = ?")
                .bind(cycle_id)
                .bind(kind.as_str())
                .bind(lang_code(lang))
        }
    };
    q.execute(&mut *w).await?;
    let action = Action::new(
        "mail.template",
        format!("cycle {cycle_id} {} {}", kind.as_str(), lang_code(lang)),
    )
    .after(json!(template));
    w.commit(action).await?;
    Ok(())
}

/// Whether the cycle takes answers today: messages go out only then (a link to a closed
/// questionnaire helps nobody).
async fn accepting(conn: &mut SqliteConnection, cycle_id: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT status, opens_on, closes_on FROM cycles WHERE id = ?")
        .bind(cycle_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some_and(|r| {
        CycleStatus::parse(r.get("status")).is_some_and(|status| {
            CycleSettings::accepts_answers(
                status,
                r.get::<Option<&str>, _>("opens_on"),
                r.get::<Option<&str>, _>("closes_on"),
                &date_of(now()),
            )
        })
    }))
}

/// Recipients who may get a message: an address, not opted out, not bounced, not answered.
const REACHABLE: &str =
    "r.email IS NOT NULL AND NOT r.opted_out AND NOT r.bounced AND NOT r.answered";

/// Queues a message of `kind` for every reachable recipient of the cycle matching `filter` (SQL on
/// `recipients r`, with `bind` as its one parameter when given) that has none waiting already.
async fn enqueue(
    conn: &mut SqliteConnection,
    cycle_id: i64,
    kind: MailKind,
    filter: &str,
    bind: Option<i64>,
) -> Result<u64, sqlx::Error> {
    let at = now();
    let sql = format!(
        "INSERT INTO outbox (cycle_id, recipient_id, kind, next_at, created_at)
         SELECT r.cycle_id, r.id, ?, ?, ? FROM recipients r
         WHERE r.cycle_id = ? AND {REACHABLE} AND {filter}
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.recipient_id = r.id
                           AND o.status IN ('waiting', 'sending'))
         ORDER BY r.id"
    );
    let mut q = sqlx::query(&sql)
        .bind(kind.as_str())
        .bind(at)
        .bind(at)
        .bind(cycle_id);
    if let Some(b) = bind {
        q = q.bind(b);
    }
    Ok(q.execute(conn).await?.rows_affected())
}

/// Queues messages of `kind` to the recipients `filter` picks, refused (`cycle`, `NotAllowed`)
/// unless the cycle takes answers today; on the audit log with the count. Returns how many.
async fn send(db: &Db, actor: &Actor, cycle_id: i64, kind: MailKind, filter: &str) -> Stored<u64> {
    let mut w = Write::begin(db, actor).await?;
    unconfirmed(&mut w, cycle_id).await?;
    if !accepting(&mut w, cycle_id).await? {
        return refuse("cycle", Problem::NotAllowed);
    }
    let n = enqueue(&mut w, cycle_id, kind, filter, None).await?;
    let name = match kind {
        MailKind::Invitation => "mail.send_invitations",
        MailKind::Reminder => "mail.send_reminders",
    };
    w.commit(Action::new(name, format!("cycle {cycle_id}")).after(json!({ "count": n })))
        .await?;
    Ok(n)
}

/// Queues an invitation for every recipient not yet invited.
pub async fn send_invitations(db: &Db, actor: &Actor, cycle_id: i64) -> Stored<u64> {
    // Never written to: an invitation that failed or was cancelled is queued again.
    let not_invited = "r.last_sent_at IS NULL";
    send(db, actor, cycle_id, MailKind::Invitation, not_invited).await
}

/// Queues a reminder, now, for every recipient who was written to and has not answered (nor opted
/// out, nor bounced).
pub async fn send_reminders(db: &Db, actor: &Actor, cycle_id: i64) -> Stored<u64> {
    let written_to = "r.last_sent_at IS NOT NULL";
    send(db, actor, cycle_id, MailKind::Reminder, written_to).await
}

/// Queues the scheduled reminders that are due: of every cycle taking answers whose schedule has
/// begun, to each recipient reminded fewer times than the schedule allows whose last message is at
/// least the schedule's gap old. Returns how many were queued.
pub async fn schedule_reminders(db: &Db) -> Result<u64, sqlx::Error> {
    let today = date_of(now());
    let due: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT cycle_id, remind_max, remind_gap_days FROM mail_settings
         WHERE remind_max > 0 AND remind_from IS NOT NULL AND remind_from <= ?",
    )
    .bind(&today)
    .fetch_all(db)
    .await?;
    let mut n = 0;
    for (cycle, max, gap) in due {
        let mut tx = super::audit::begin_write(db).await?;
        if accepting(&mut tx, cycle).await? {
            let filter = format!(
                "r.reminders < {max} AND r.last_sent_at IS NOT NULL AND r.last_sent_at <= ?"
            );
            n += enqueue(
                &mut tx,
                cycle,
                MailKind::Reminder,
                &filter,
                Some(now() - gap * 86_400),
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(n)
}

/// Queues a test message of a cycle's template to an admin's own address, written for a sample
/// recipient.
pub async fn send_test(
    db: &Db,
    actor: &Actor,
    cycle_id: i64,
    kind: MailKind,
    lang: Lang,
    to: &str,
) -> Stored<()> {
    if !address_ok(to) {
        return refuse("to", Problem::BadAddress);
    }
    let mut w = Write::begin(db, actor).await?;
    unconfirmed(&mut w, cycle_id).await?;
    let at = now();
    sqlx::query(
        "INSERT INTO outbox (cycle_id, kind, test_to, test_lang, next_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(cycle_id)
    .bind(kind.as_str())
    .bind(to)
    .bind(lang_code(lang))
    .bind(at)
    .bind(at)
    .execute(&mut *w)
    .await?;
    let action = Action::new(
        "mail.test",
        format!("cycle {cycle_id} {} {}", kind.as_str(), lang_code(lang)),
    );
    w.commit(action).await?;
    Ok(())
}

/// A message taken to be sent.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub outbox_id: i64,
    pub cycle_id: i64,
    pub to: String,
    pub lang: Lang,
    pub kind: MailKind,
    pub name: String,
    pub template: Template,
    pub organisation: String,
    pub closes_on: Option<String>,
    /// The recipient's new link's token; `None` for a test message.
    pub token: Option<String>,
    /// The recipient's opt-out token; `None` for a test message.
    pub optout_token: Option<String>,
    /// This is attempt number …
    pub attempt: i64,
}

/// Messages left `sending` by a process that stopped go back to the queue (their links will be
/// replaced when they are taken again). Called once when the sender starts.
pub async fn recover(db: &Db) -> Result<u64, sqlx::Error> {
    let mut tx = super::audit::begin_write(db).await?;
    let stopped: Vec<i64> = sqlx::query_scalar(
        "SELECT recipient_id FROM outbox WHERE status = 'sending' AND recipient_id IS NOT NULL",
    )
    .fetch_all(&mut *tx)
    .await?;
    for recipient in &stopped {
        drop_pending(&mut tx, *recipient).await?;
    }
    let n = sqlx::query("UPDATE outbox SET status = 'waiting' WHERE status = 'sending'")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(n)
}

/// A new invitation of the recipient's group with a random id and no dates, made the link of the
/// message being sent (`pending_invitation_id`; an earlier pending one, left by a stop, is revoked).
/// Returns the token.
async fn new_link(
    conn: &mut SqliteConnection,
    recipient: i64,
    cycle_id: i64,
    group_id: i64,
) -> Result<String, sqlx::Error> {
    let token = new_secret();
    // Random, not the next number: the order invitations were made in must not be the order the
    // recipients were written to.
    let id: i64 = loop {
        let id = (rand::random::<u64>() >> 2) as i64;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM invitations WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        if id > 0 && taken.is_none() {
            break id;
        }
    };
    sqlx::query(
        "INSERT INTO invitations (id, cycle_id, group_id, token_hash, created_at, emailed)
         VALUES (?, ?, ?, ?, 0, TRUE)",
    )
    .bind(id)
    .bind(cycle_id)
    .bind(group_id)
    .bind(hash_secret(&token))
    .execute(&mut *conn)
    .await?;
    drop_pending(conn, recipient).await?;
    sqlx::query("UPDATE recipients SET pending_invitation_id = ? WHERE id = ?")
        .bind(id)
        .bind(recipient)
        .execute(&mut *conn)
        .await?;
    Ok(token)
}

/// The link of a message that was not (or may not have been) delivered stops working.
async fn drop_pending(conn: &mut SqliteConnection, recipient: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE invitations SET revoked_at = 0 WHERE used_at IS NULL AND revoked_at IS NULL
           AND id = (SELECT pending_invitation_id FROM recipients WHERE id = ?)",
    )
    .bind(recipient)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE recipients SET pending_invitation_id = NULL WHERE id = ?")
        .bind(recipient)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes the next message that is due, making its recipient's new link, and marks it `sending`, in
/// one transaction. A message whose recipient can no longer get one (answered, opted out, erased,
/// bounced, the cycle no longer taking answers) is cancelled on the way.
pub async fn claim(db: &Db) -> Result<Option<Claimed>, sqlx::Error> {
    loop {
        let mut tx = super::audit::begin_write(db).await?;
        let row = sqlx::query(&format!(
            "SELECT o.id, o.cycle_id, o.recipient_id, o.kind, o.test_to, o.test_lang, o.attempts,
                    r.email, r.name, r.lang, r.group_id, r.optout_token,
                    COALESCE({REACHABLE}, FALSE) AS reachable, c.closes_on
             FROM outbox o JOIN cycles c ON c.id = o.cycle_id
             LEFT JOIN recipients r ON r.id = o.recipient_id
             WHERE o.status = 'waiting' AND o.next_at <= ? ORDER BY o.next_at, o.id LIMIT 1"
        ))
        .bind(now())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let id: i64 = row.get("id");
        let cycle_id: i64 = row.get("cycle_id");
        let kind = MailKind::parse(row.get("kind")).unwrap_or(MailKind::Invitation);
        let recipient: Option<i64> = row.get("recipient_id");
        let optout_token: Option<String> = row.get("optout_token");
        let (to, lang, name, token) = match recipient {
            None => (
                row.get::<Option<String>, _>("test_to").unwrap_or_default(),
                row.get::<Option<&str>, _>("test_lang"),
                String::new(),
                None,
            ),
            Some(rid) => {
                let opted_out = match row.get::<Option<String>, _>("email") {
                    Some(email) => {
                        sqlx::query_scalar::<_, i64>(
                            "SELECT COUNT(*) FROM mail_optouts WHERE address_hash = ?",
                        )
                        .bind(optout_hash(&email))
                        .fetch_one(&mut *tx)
                        .await?
                            > 0
                    }
                    None => true,
                };
                if opted_out
                    || !row.get::<bool, _>("reachable")
                    || !accepting(&mut tx, cycle_id).await?
                {
                    sqlx::query("UPDATE outbox SET status = 'cancelled' WHERE id = ?")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    continue;
                }
                let token = new_link(&mut tx, rid, cycle_id, row.get("group_id")).await?;
                (
                    row.get::<Option<String>, _>("email").unwrap_or_default(),
                    row.get::<Option<&str>, _>("lang"),
                    row.get::<String, _>("name"),
                    Some(token),
                )
            }
        };
        let lang = if lang == Some("zh") {
            Lang::Zh
        } else {
            Lang::En
        };
        let attempt: i64 = row.get::<i64, _>("attempts") + 1;
        let closes_on: Option<String> = row.get("closes_on");
        sqlx::query("UPDATE outbox SET status = 'sending', attempts = ? WHERE id = ?")
            .bind(attempt)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let (template, _) = template_on(&mut tx, cycle_id, kind, lang).await?;
        let organisation: Option<String> = sqlx::query_scalar(&format!(
            "SELECT organisation_{} FROM mail_settings WHERE cycle_id = ?",
            lang_code(lang)
        ))
        .bind(cycle_id)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(Some(Claimed {
            outbox_id: id,
            cycle_id,
            to,
            lang,
            kind,
            name,
            template,
            organisation: organisation.unwrap_or_default(),
            closes_on,
            token,
            optout_token,
            attempt,
        }));
    }
}

/// The mail server accepted the message.
pub async fn sent(db: &Db, outbox_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = super::audit::begin_write(db).await?;
    let at = now();
    sqlx::query("UPDATE outbox SET status = 'sent', sent_at = ?, reply = NULL WHERE id = ?")
        .bind(at)
        .bind(outbox_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE recipients SET last_sent_at = ?,
           reminders = reminders + (SELECT o.kind = 'reminder' FROM outbox o WHERE o.id = ?)
         WHERE id = (SELECT recipient_id FROM outbox WHERE id = ?)",
    )
    .bind(at)
    .bind(outbox_id)
    .bind(outbox_id)
    .execute(&mut *tx)
    .await?;
    // The delivered link replaces the earlier one: that stops working, its draft moves. (Nothing to
    // do when the recipient answered in the meantime: the answer cut both.)
    let recipient: Option<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT r.id, r.invitation_id, r.pending_invitation_id FROM recipients r
         JOIN outbox o ON o.recipient_id = r.id WHERE o.id = ?",
    )
    .bind(outbox_id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((_, Some(old), Some(new))) = recipient {
        sqlx::query("UPDATE drafts SET invitation_id = ? WHERE invitation_id = ?")
            .bind(new)
            .bind(old)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE invitations SET revoked_at = 0 WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(old)
        .execute(&mut *tx)
        .await?;
    }
    if let Some((id, _, Some(new))) = recipient {
        sqlx::query(
            "UPDATE recipients SET invitation_id = ?, pending_invitation_id = NULL WHERE id = ?",
        )
        .bind(new)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// How long to wait after attempt `attempt` failed for the moment: `base` seconds, doubling with
/// each further attempt, at most an hour.
pub fn backoff(base: u64, attempt: i64) -> i64 {
    let doublings = attempt.clamp(1, 20) as u32 - 1;
    base.saturating_mul(1u64 << doublings).min(3_600) as i64
}

/// The mail server refused the message: for good (`permanent`, or too many attempts), the message
/// fails with the server's reply and a permanent refusal marks the recipient bounced; otherwise it
/// waits for another attempt.
pub async fn failed(
    db: &Db,
    outbox_id: i64,
    reply: &str,
    permanent: bool,
    retry_base_seconds: u64,
) -> Result<(), sqlx::Error> {
    let reply: String = reply.chars().take(1_000).collect();
    let mut tx = super::audit::begin_write(db).await?;
    let (attempts, recipient): (i64, Option<i64>) =
        sqlx::query_as("SELECT attempts, recipient_id FROM outbox WHERE id = ?")
            .bind(outbox_id)
            .fetch_one(&mut *tx)
            .await?;
    // The undelivered link goes; the earlier one keeps working.
    if let Some(r) = recipient {
        drop_pending(&mut tx, r).await?;
    }
    if permanent || attempts >= MAX_ATTEMPTS {
        sqlx::query("UPDATE outbox SET status = 'failed', reply = ? WHERE id = ?")
            .bind(&reply)
            .bind(outbox_id)
            .execute(&mut *tx)
            .await?;
        if permanent {
            sqlx::query(
                "UPDATE recipients SET bounced = TRUE
                 WHERE id = (SELECT recipient_id FROM outbox WHERE id = ?)",
            )
            .bind(outbox_id)
            .execute(&mut *tx)
            .await?;
        }
    } else {
        sqlx::query("UPDATE outbox SET status = 'waiting', reply = ?, next_at = ? WHERE id = ?")
            .bind(&reply)
            .bind(now() + backoff(retry_base_seconds, attempts))
            .bind(outbox_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// The recipient of an opt-out link (`token`, the same in every message it got) asks for no more
/// messages: the hash of its address is kept, the address erased, waiting messages cancelled. Its
/// survey link keeps working. `false` when no recipient has that token (any more).
pub async fn opt_out(db: &Db, token: &str) -> Result<bool, sqlx::Error> {
    if crate::domain::Token::parse(token).is_none() {
        return Ok(false);
    }
    // Read first: a made-up token must not queue for the write lock.
    let known: Option<i64> = sqlx::query_scalar("SELECT id FROM recipients WHERE optout_token = ?")
        .bind(token)
        .fetch_optional(db)
        .await?;
    let Some(id) = known else {
        return Ok(false);
    };
    let mut tx = super::audit::begin_write(db).await?;
    let email: Option<Option<String>> =
        sqlx::query_scalar("SELECT email FROM recipients WHERE id = ? AND optout_token = ?")
            .bind(id)
            .bind(token)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(Some(email)) = email else {
        return Ok(false);
    };
    sqlx::query(
        "INSERT INTO mail_optouts (address_hash, created_at) VALUES (?, ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(optout_hash(&email))
    .bind(day_of(now()))
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE recipients SET opted_out = TRUE WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    erase_where(&mut tx, "r.id = ?", id).await?;
    tx.commit().await?;
    Ok(true)
}

/// Per group, and the queue with its failures (the latest hundred).
pub async fn progress(
    db: &Db,
    cycle_id: i64,
) -> Result<(Vec<MailGroup>, Queue, Vec<Failure>), sqlx::Error> {
    let groups = sqlx::query(
        "SELECT g.code, g.name_zh, g.name_en, COUNT(r.id) AS recipients,
                COALESCE(SUM(r.last_sent_at IS NOT NULL), 0) AS emailed,
                COALESCE(SUM(r.opened OR r.answered), 0) AS opened,
                COALESCE(SUM(r.answered), 0) AS answered,
                COALESCE(SUM(r.bounced), 0) AS bounced,
                COALESCE(SUM(r.opted_out), 0) AS opted_out
         FROM cycle_groups cg JOIN stakeholder_groups g ON g.id = cg.group_id
         LEFT JOIN recipients r ON r.cycle_id = cg.cycle_id AND r.group_id = g.id
         WHERE cg.cycle_id = ? GROUP BY g.id ORDER BY g.sort_order, g.code",
    )
    .bind(cycle_id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| MailGroup {
        code: r.get("code"),
        name: Bilingual {
            zh: r.get("name_zh"),
            en: r.get("name_en"),
        },
        recipients: r.get("recipients"),
        emailed: r.get("emailed"),
        opened: r.get("opened"),
        answered: r.get("answered"),
        bounced: r.get("bounced"),
        opted_out: r.get("opted_out"),
    })
    .collect();
    let q = sqlx::query(
        "SELECT COALESCE(SUM(status IN ('waiting', 'sending')), 0) AS waiting,
                COALESCE(SUM(status = 'sent'), 0) AS sent,
                COALESCE(SUM(status = 'failed'), 0) AS failed
         FROM outbox WHERE cycle_id = ? AND recipient_id IS NOT NULL",
    )
    .bind(cycle_id)
    .fetch_one(db)
    .await?;
    let queue = Queue {
        waiting: q.get("waiting"),
        sent: q.get("sent"),
        failed: q.get("failed"),
    };
    let failures = sqlx::query(
        "SELECT COALESCE(o.test_to, r.email) AS address, o.kind, o.reply FROM outbox o
         LEFT JOIN recipients r ON r.id = o.recipient_id
         WHERE o.cycle_id = ? AND o.status = 'failed' ORDER BY o.id DESC LIMIT 100",
    )
    .bind(cycle_id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| Failure {
        to: r.get("address"),
        kind: MailKind::parse(r.get("kind")).unwrap_or(MailKind::Invitation),
        reply: r.get::<Option<String>, _>("reply").unwrap_or_default(),
    })
    .collect();
    Ok((groups, queue, failures))
}
