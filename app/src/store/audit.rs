//! The audit log: every admin and reviewer action, each entry chained to the one before by SHA-256.

use super::{hash_secret, now, Db};
use crate::domain::{
    verify_anchors, verify_chain, AuditAnchor, AuditEntry, ChainBreak, User, GENESIS,
};
use sqlx::{Row, SqliteConnection};

/// Who acted: a signed-in user, or the command line (whoever can run the server binary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn command_line() -> Actor {
        Actor {
            user_id: None,
            name: "command line".into(),
        }
    }
}

impl From<&User> for Actor {
    fn from(u: &User) -> Actor {
        Actor {
            user_id: Some(u.id),
            name: u.email.clone(),
        }
    }
}

/// What one action did: its name (`cycle.confirm`), its subject (`cycle 3`), and JSON of the state
/// before and after where there is one.
#[derive(Debug, Clone, Default)]
pub struct Action {
    pub action: &'static str,
    pub subject: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Action {
    pub fn new(action: &'static str, subject: impl Into<String>) -> Action {
        Action {
            action,
            subject: subject.into(),
            ..Default::default()
        }
    }

    pub fn before(mut self, v: impl serde::Serialize) -> Action {
        self.before = serde_json::to_value(v).ok();
        self
    }

    pub fn after(mut self, v: impl serde::Serialize) -> Action {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

/// A write transaction that holds SQLite's write lock from its first statement, so what it reads
/// (the chain's last hash, a cycle's status) cannot change before it writes. Every store write uses
/// it: a deferred transaction that reads and then writes fails at once with "database is locked"
/// whenever the submissions writer committed in between (SQLite does not retry that upgrade in WAL
/// mode), whereas BEGIN IMMEDIATE waits for the lock (the busy timeout).
pub async fn begin_write(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    db.begin_with("BEGIN IMMEDIATE").await
}

/// Appends an entry inside the caller's write transaction (see [`begin_write`]): the action and its
/// record commit together or not at all.
pub async fn append(
    conn: &mut SqliteConnection,
    actor: &Actor,
    action: &Action,
) -> Result<AuditEntry, sqlx::Error> {
    let last = head(&mut *conn).await?;
    let (id, prev_hash) = (last.id + 1, last.hash);
    let mut entry = AuditEntry {
        id,
        at: now(),
        actor: actor.name.clone(),
        action: action.action.to_string(),
        subject: action.subject.clone(),
        before: action.before.as_ref().map(|v| v.to_string()),
        after: action.after.as_ref().map(|v| v.to_string()),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = hash_secret(&entry.chain_text());
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, subject, before, after, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(entry.id)
    .bind(entry.at)
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&entry.before)
    .bind(&entry.after)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut *conn)
    .await?;
    Ok(entry)
}

/// The log's last entry, or id 0 and [`GENESIS`] while it is empty.
pub async fn head(conn: &mut SqliteConnection) -> Result<AuditAnchor, sqlx::Error> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match last {
        Some((id, hash)) => AuditAnchor { id, hash },
        None => AuditAnchor {
            id: 0,
            hash: GENESIS.to_string(),
        },
    })
}

/// Which entries to list: all filters optional. The actor and the action match as substrings
/// (`review` finds `review.comment`); the subject matches whole words (`cycle 1` finds `cycle 1` and
/// `cycle 1 topic E1`, not `cycle 12`). Case-insensitive for ASCII.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    pub actor: String,
    pub action: String,
    pub subject: String,
}

fn entry_of(r: &sqlx::sqlite::SqliteRow) -> AuditEntry {
    AuditEntry {
        id: r.get("id"),
        at: r.get("at"),
        actor: r.get("actor"),
        action: r.get("action"),
        subject: r.get("subject"),
        before: r.get("before"),
        after: r.get("after"),
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
    }
}

/// The entries matching `filter`, oldest first.
pub async fn entries(db: &Db, filter: &AuditFilter) -> Result<Vec<AuditEntry>, sqlx::Error> {
    // Spaces collapsed, and LIKE's wildcards taken literally (`\` escapes them).
    let bare = |s: &str| {
        let words = s.split_whitespace().collect::<Vec<_>>().join(" ");
        words
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    };
    let like = |s: &str| format!("%{}%", bare(s));
    // Padded with spaces on both sides, so that a word boundary is a space.
    let subject = match bare(&filter.subject) {
        s if s.is_empty() => "%".to_string(),
        s => format!("% {s} %"),
    };
    let rows = sqlx::query(
        "SELECT id, at, actor, action, subject, before, after, prev_hash, hash FROM audit_log
         WHERE actor LIKE ? ESCAPE '\\' AND action LIKE ? ESCAPE '\\'
           AND ' ' || subject || ' ' LIKE ? ESCAPE '\\' ORDER BY id",
    )
    .bind(like(&filter.actor))
    .bind(like(&filter.action))
    .bind(subject)
    .fetch_all(db)
    .await?;
    Ok(rows.iter().map(entry_of).collect())
}

/// Checks the whole chain, then every confirmation's anchor in it: how many entries hold, or where it
/// breaks.
pub async fn verify(db: &Db) -> Result<Result<usize, ChainBreak>, sqlx::Error> {
    let all = entries(db, &AuditFilter::default()).await?;
    let anchors: Vec<AuditAnchor> = sqlx::query_as::<_, (i64, String)>(
        "SELECT audit_id, audit_hash FROM confirmations
         WHERE audit_id IS NOT NULL AND audit_hash IS NOT NULL ORDER BY audit_id",
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|(id, hash)| AuditAnchor { id, hash })
    .collect();
    Ok(verify_chain(&all, hash_secret).and_then(|n| verify_anchors(&all, &anchors).map(|()| n)))
}
