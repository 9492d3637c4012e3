//! Survey links: single-use invitations and open links, their revocation, the progress they make,
//! and finding a link by its token.

use super::audit::{Action, Actor};
use super::write::{refuse, StoreError, Stored, Write};
use super::{hash_secret, new_secret, now, Db};
use crate::domain::{Bilingual, GroupProgress, Problem, Token};
use serde_json::json;
use sqlx::{Row, SqliteConnection};

/// An invitation found by its token.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: i64,
    pub cycle_id: i64,
    pub group_id: i64,
    pub group: Bilingual,
    pub used: bool,
    pub revoked: bool,
    /// Opened at least once before (the progress page counts it).
    pub opened: bool,
    /// An open link: any number of answers, each under its own hidden invitation.
    pub open_link: bool,
    /// An open link whose cap its answers have reached.
    pub full: bool,
}

impl Invitation {
    /// What the link rule needs of it.
    pub fn facts(&self) -> crate::domain::LinkFacts {
        crate::domain::LinkFacts {
            used: self.used,
            revoked: self.revoked,
            full: self.full,
        }
    }
}

/// Whether an open link's answers have reached its cap (SQL on `invitations i`).
pub(super) const FULL: &str = "(i.max_answers IS NOT NULL AND
    (SELECT COUNT(*) FROM invitations a WHERE a.parent_id = i.id) >= i.max_answers)";

pub async fn invitation(db: &Db, token: &Token) -> Result<Option<Invitation>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT i.id, i.cycle_id, i.group_id, i.used_at IS NOT NULL AS used,
                i.revoked_at IS NOT NULL AS revoked, i.opened_at IS NOT NULL AS opened, i.open_link,
                {FULL} AS full, g.name_zh, g.name_en
         FROM invitations i JOIN stakeholder_groups g ON g.id = i.group_id
         WHERE i.token_hash = ?"
    ))
    .bind(hash_secret(token.as_str()))
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Invitation {
        id: r.get("id"),
        cycle_id: r.get("cycle_id"),
        group_id: r.get("group_id"),
        group: Bilingual {
            zh: r.get("name_zh"),
            en: r.get("name_en"),
        },
        used: r.get("used"),
        revoked: r.get("revoked"),
        opened: r.get("opened"),
        open_link: r.get("open_link"),
        full: r.get("full"),
    }))
}

/// The most links one call makes.
pub const MAX_LINKS: u32 = 10_000;

/// The id of a group taking part in a cycle that still takes links (not confirmed): `NotFound` for
/// no such cycle, `group` refused as `Frozen` (confirmed) or `Unknown` (not in the cycle).
async fn cycle_group(conn: &mut SqliteConnection, cycle_id: i64, group_code: &str) -> Stored<i64> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM cycles WHERE id = ?")
        .bind(cycle_id)
        .fetch_optional(&mut *conn)
        .await?;
    match status.as_deref() {
        None => return Err(StoreError::NotFound),
        Some("confirmed") => return refuse("group", Problem::Frozen),
        Some(_) => {}
    }
    sqlx::query_scalar(
        "SELECT g.id FROM stakeholder_groups g JOIN cycle_groups cg ON cg.group_id = g.id
         WHERE cg.cycle_id = ? AND g.code = ?",
    )
    .bind(cycle_id)
    .bind(group_code)
    .fetch_optional(&mut *conn)
    .await?
    .map_or_else(|| refuse("group", Problem::Unknown), Ok)
}

/// A new link: single-use (`open` None), or open with at most `Some(cap)` answers (`Some(None)`:
/// no cap).
async fn insert_invitation(
    conn: &mut SqliteConnection,
    cycle_id: i64,
    group_id: i64,
    open: Option<Option<u32>>,
) -> Result<String, sqlx::Error> {
    let token = new_secret();
    sqlx::query(
        "INSERT INTO invitations (cycle_id, group_id, token_hash, created_at, open_link, max_answers)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(cycle_id)
    .bind(group_id)
    .bind(hash_secret(&token))
    .bind(now())
    .bind(open.is_some())
    .bind(open.flatten())
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// Creates `count` single-use invitations (1 to [`MAX_LINKS`]) for a group of a cycle, in one
/// transaction, and returns the tokens: the only time they exist outside the respondent's link.
pub async fn invite(
    db: &Db,
    actor: &Actor,
    cycle_id: i64,
    group_code: &str,
    count: u32,
) -> Stored<Vec<String>> {
    if !(1..=MAX_LINKS).contains(&count) {
        return refuse("count", Problem::BadNumber);
    }
    let mut tx = Write::begin(db, actor).await?;
    let group_id = cycle_group(&mut tx, cycle_id, group_code).await?;
    let mut tokens = Vec::with_capacity(count as usize);
    for _ in 0..count {
        tokens.push(insert_invitation(&mut tx, cycle_id, group_id, None).await?);
    }
    // The count only: a link is a respondent's key and never goes into the log.
    let action = Action::new(
        "links.create",
        format!("cycle {cycle_id} group {group_code}"),
    )
    .after(json!({ "count": count }));
    tx.commit(action).await?;
    Ok(tokens)
}

/// The largest cap an admin may set on an open link's answers.
pub const MAX_CAP: u32 = 1_000_000;

/// Replaces the group's open link with a new one (the old one stops working) and returns its token.
/// `cap`: the most answers it takes (1 to [`MAX_CAP`]), or none.
pub async fn create_open_link(
    db: &Db,
    actor: &Actor,
    cycle_id: i64,
    group_code: &str,
    cap: Option<u32>,
) -> Stored<String> {
    if cap.is_some_and(|c| !(1..=MAX_CAP).contains(&c)) {
        return refuse("cap", Problem::BadNumber);
    }
    let mut tx = Write::begin(db, actor).await?;
    let group_id = cycle_group(&mut tx, cycle_id, group_code).await?;
    revoke_open_links(&mut tx, cycle_id, group_id).await?;
    let token = insert_invitation(&mut tx, cycle_id, group_id, Some(cap)).await?;
    let action = Action::new(
        "links.open_link",
        format!("cycle {cycle_id} group {group_code}"),
    )
    .after(json!({ "cap": cap }));
    tx.commit(action).await?;
    Ok(token)
}

async fn revoke_open_links(
    conn: &mut SqliteConnection,
    cycle_id: i64,
    group_id: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE invitations SET revoked_at = ? WHERE cycle_id = ? AND group_id = ? AND open_link AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(cycle_id)
    .bind(group_id)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Withdraws every unused single-use link of a group, and its open link. Returns how many.
pub async fn revoke_unused(db: &Db, actor: &Actor, cycle_id: i64, group_code: &str) -> Stored<u64> {
    let mut tx = Write::begin(db, actor).await?;
    let group_id = cycle_group(&mut tx, cycle_id, group_code).await?;
    let singles = sqlx::query(
        "UPDATE invitations SET revoked_at = ?
         WHERE cycle_id = ? AND group_id = ? AND NOT open_link AND parent_id IS NULL
           AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(cycle_id)
    .bind(group_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let open = revoke_open_links(&mut tx, cycle_id, group_id).await?;
    let n = singles + open;
    let action = Action::new(
        "links.revoke_unused",
        format!("cycle {cycle_id} group {group_code}"),
    )
    .after(json!({ "revoked": n }));
    tx.commit(action).await?;
    Ok(n)
}

/// Withdraws one unused link of the cycle, given the link or its token (as in the mail-merge file).
/// `link` refused as `Unknown` when it is not an unused link of this cycle, or the cycle is confirmed.
pub async fn revoke_link(db: &Db, actor: &Actor, cycle_id: i64, link: &str) -> Stored<()> {
    let token = link.trim().trim_end_matches('/');
    let token = token.rsplit('/').next().unwrap_or(token);
    let Some(token) = Token::parse(token) else {
        return refuse("link", Problem::Unknown);
    };
    let mut w = Write::begin(db, actor).await?;
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = ?
         WHERE token_hash = ? AND cycle_id = ? AND used_at IS NULL AND revoked_at IS NULL
           AND cycle_id IN (SELECT id FROM cycles WHERE status <> 'confirmed')",
    )
    .bind(now())
    .bind(hash_secret(token.as_str()))
    .bind(cycle_id)
    .execute(&mut *w)
    .await?;
    if done.rows_affected() != 1 {
        return refuse("link", Problem::Unknown);
    }
    // Which link is not recorded: it is a respondent's key.
    Ok(
        w.commit(Action::new("links.revoke_one", format!("cycle {cycle_id}")))
            .await?,
    )
}

/// Invited, opened, submitted per group of a cycle, in the groups' order.
pub async fn progress(db: &Db, cycle_id: i64) -> Result<Vec<GroupProgress>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT g.code, g.name_zh, g.name_en,
           (SELECT COUNT(*) FROM invitations i WHERE i.cycle_id = cg.cycle_id AND i.group_id = g.id
              AND NOT i.open_link AND i.parent_id IS NULL AND (i.revoked_at IS NULL OR i.used_at IS NOT NULL)) AS invited,
           (SELECT COUNT(*) FROM invitations i WHERE i.cycle_id = cg.cycle_id AND i.group_id = g.id
              AND NOT i.open_link AND i.parent_id IS NULL AND (i.revoked_at IS NULL OR i.used_at IS NOT NULL)
              AND i.opened_at IS NOT NULL) AS opened,
           (SELECT COUNT(*) FROM invitations i WHERE i.cycle_id = cg.cycle_id AND i.group_id = g.id
              AND i.revoked_at IS NOT NULL AND i.used_at IS NULL AND NOT i.open_link
              AND NOT i.emailed) AS revoked,
           (SELECT COUNT(*) FROM responses r WHERE r.cycle_id = cg.cycle_id AND r.group_id = g.id) AS submitted,
           EXISTS (SELECT 1 FROM invitations i WHERE i.cycle_id = cg.cycle_id AND i.group_id = g.id
              AND i.open_link AND i.revoked_at IS NULL) AS open_link
         FROM cycle_groups cg JOIN stakeholder_groups g ON g.id = cg.group_id
         WHERE cg.cycle_id = ? ORDER BY g.sort_order, g.code",
    )
    .bind(cycle_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| GroupProgress {
            code: r.get("code"),
            name: Bilingual {
                zh: r.get("name_zh"),
                en: r.get("name_en"),
            },
            invited: r.get("invited"),
            opened: r.get("opened"),
            submitted: r.get("submitted"),
            revoked: r.get("revoked"),
            open_link: r.get("open_link"),
        })
        .collect())
}
