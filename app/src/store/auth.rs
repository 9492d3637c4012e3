//! Accounts, sessions and API tokens.

use super::audit::{Action, Actor};
use super::write::{StoreError, Stored, Write};
use super::{hash_secret, new_secret, now, Db};
pub use crate::domain::{ApiTokenInfo, Role, User, UserRow};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;
use sqlx::Row;

/// How long a reviewer stays signed in.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("the email address is not valid")]
    BadEmail,
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    ShortPassword,
    #[error("a user with this email exists already")]
    Exists,
    #[error("there is no user with this email")]
    NoUser,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn normalise_email(email: &str) -> Result<String, UserError> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.starts_with('.'));
    if ok && !e.contains(char::is_whitespace) {
        Ok(e)
    } else {
        Err(UserError::BadEmail)
    }
}

/// Hashes with argon2id in a blocking thread: it is built to be slow and must not stall the runtime.
async fn hash_password(password: String) -> String {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .expect("argon2 with default parameters")
            .to_string()
    })
    .await
    .expect("hashing thread")
}

/// Creates an account, recorded as done by `actor`.
pub async fn create_user(
    db: &Db,
    actor: &Actor,
    email: &str,
    password: &str,
    role: Role,
) -> Result<User, UserError> {
    let email = normalise_email(email)?;
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(UserError::ShortPassword);
    }
    // Hashed before the write lock is taken: argon2 takes a while.
    let hash = hash_password(password.to_string()).await;
    let mut w = Write::begin(db, actor).await?;
    let id = sqlx::query_scalar("INSERT INTO users (email, password_hash, role, created_at) VALUES (?, ?, ?, ?) RETURNING id")
        .bind(&email)
        .bind(hash)
        .bind(role.as_str())
        .bind(now())
        .fetch_one(&mut *w)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => UserError::Exists,
            e => UserError::Db(e),
        })?;
    let action = Action::new("user.create", format!("user {email}"))
        .after(serde_json::json!({ "role": role.as_str() }));
    w.commit(action).await?;
    Ok(User { id, email, role })
}

fn user_from_row(r: &sqlx::sqlite::SqliteRow) -> Option<User> {
    Some(User {
        id: r.get("id"),
        email: r.get("email"),
        role: Role::parse(r.get("role"))?,
    })
}

/// The outcome of a password check.
#[derive(Debug, Clone, PartialEq)]
pub enum Verified {
    User(User),
    /// Wrong email or password.
    Wrong,
    /// Not checked: every verifier stayed busy for [`VERIFY_QUEUE`].
    Busy,
}

/// Passwords checked so far by this process (the benchmark's sign-in flood reports it).
pub static VERIFICATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How long a sign-in waits for a free verifier before it is told to come back.
pub const VERIFY_QUEUE: std::time::Duration = std::time::Duration::from_secs(3);

/// Whether `password` gives the argon2 PHC string `stored`, computed in `memory` (argon2's working
/// memory, about 19 MiB: grown once to the hash's size and reused by every later check on the same
/// thread). `PasswordVerifier::verify_password` allocates it afresh for every check, and the
/// allocator kept those buffers around: the benchmark's flood of 300 sign-ins left 280 MB resident.
fn matches(stored: &str, password: &str, memory: &mut Vec<argon2::Block>) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (hash.hash, hash.salt) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        argon2::Algorithm::try_from(hash.algorithm),
        argon2::Params::try_from(&hash),
    ) else {
        return false;
    };
    let version = match hash.version.map(argon2::Version::try_from) {
        None => argon2::Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::new());
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .is_ok()
        // `Output`'s equality takes the same time wherever the bytes differ.
        && argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected)
}

/// A password check for a verifier thread: the stored hash, the password, where the answer goes.
type Check = (String, String, tokio::sync::oneshot::Sender<bool>);

/// The verifiers: one thread per core, each checking one password at a time in its own reused argon2
/// memory ([`matches`]), and a semaphore of as many permits that a sign-in holds while its check is
/// queued or running. So a flood of sign-ins holds at most one argon2 buffer per core.
fn verifiers() -> &'static (tokio::sync::Semaphore, std::sync::mpsc::SyncSender<Check>) {
    static VERIFIERS: std::sync::OnceLock<(
        tokio::sync::Semaphore,
        std::sync::mpsc::SyncSender<Check>,
    )> = std::sync::OnceLock::new();
    VERIFIERS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let (queue, checks) = std::sync::mpsc::sync_channel::<Check>(cores);
        let checks = std::sync::Arc::new(std::sync::Mutex::new(checks));
        for i in 0..cores {
            let checks = checks.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    let mut memory = Vec::new();
                    loop {
                        let next = checks.lock().map(|c| c.recv());
                        let Ok(Ok((stored, password, reply))) = next else {
                            return;
                        };
                        let _ = reply.send(matches(&stored, &password, &mut memory));
                    }
                })
                .expect("starting a password verifier");
        }
        (tokio::sync::Semaphore::new(cores), queue)
    })
}

/// What an unknown email's password is checked against, so that it takes as long as a real check: the
/// argon2id hash, with the parameters every password gets, of 32 random bytes that were thrown away.
/// A constant, so no process spends 19 MiB making one (and no account has it: an unknown email is
/// refused whatever the check says).
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$L1Wk8rwGhK0ifka46G7PnQ$Jp5VraD9CcdGaWos59eG+8/CcCBULgnuzGdvd3kA75c";

/// Checks a password. The hash is verified even for an unknown email, so the answer takes as long
/// either way and does not tell which emails have accounts.
pub async fn verify_login(db: &Db, email: &str, password: &str) -> Result<Verified, sqlx::Error> {
    let email = email.trim().to_lowercase();
    let row = sqlx::query(
        "SELECT id, email, role, password_hash FROM users WHERE email = ? AND disabled_at IS NULL",
    )
    .bind(&email)
    .fetch_optional(db)
    .await?;
    let stored = match &row {
        Some(r) => r.get::<String, _>("password_hash"),
        None => DUMMY_HASH.to_string(),
    };
    let (permits, queue) = verifiers();
    let Ok(Ok(_permit)) = tokio::time::timeout(VERIFY_QUEUE, permits.acquire()).await else {
        return Ok(Verified::Busy);
    };
    VERIFICATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (reply, answer) = tokio::sync::oneshot::channel();
    // Never blocks: the permit held means a place in the queue (as many as there are verifiers).
    let ok = match queue.try_send((stored, password.to_string(), reply)) {
        Ok(()) => answer.await.unwrap_or(false),
        Err(_) => false,
    };
    Ok(match row.as_ref().and_then(user_from_row) {
        Some(user) if ok => Verified::User(user),
        _ => Verified::Wrong,
    })
}

/// Starts a session for the user and returns the cookie value; the sign-in is recorded with it. Every
/// sign-in also sweeps the sessions that have expired, everyone's, so the table holds only live ones
/// (an expired session is refused anyway).
pub async fn create_session(db: &Db, user: &User) -> Result<String, sqlx::Error> {
    let token = new_secret();
    let t = now();
    let user_id = user.id;
    let mut tx = Write::begin(db, &user.into()).await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
        .bind(t)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(hash_secret(&token))
    .bind(user_id)
    .bind(t)
    .bind(t + SESSION_SECONDS)
    .execute(&mut *tx)
    .await?;
    tx.commit(Action::new(
        "session.sign_in",
        format!("user {}", user.email),
    ))
    .await?;
    Ok(token)
}

pub async fn session_user(db: &Db, token: &str) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.id, u.email, u.role FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL",
    )
    .bind(hash_secret(token))
    .bind(now())
    .fetch_optional(db)
    .await?;
    Ok(row.as_ref().and_then(user_from_row))
}

pub async fn end_session(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(hash_secret(token))
        .execute(db)
        .await?;
    Ok(())
}

/// Creates a personal API token for the user with this email (by `actor`: the command line) and
/// returns it (the only time it is seen).
pub async fn create_api_token(db: &Db, actor: &Actor, email: &str) -> Result<String, UserError> {
    let email = normalise_email(email)?;
    let mut w = Write::begin(db, actor).await?;
    let user_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = ? AND disabled_at IS NULL")
            .bind(&email)
            .fetch_optional(&mut *w)
            .await?
            .ok_or(UserError::NoUser)?;
    Ok(insert_api_token(w, user_id, &email).await?)
}

/// Creates a personal API token for the signed-in user and returns it (the only time it is seen).
pub async fn create_api_token_for(db: &Db, user: &User) -> Result<String, sqlx::Error> {
    let w = Write::begin(db, &user.into()).await?;
    insert_api_token(w, user.id, &user.email).await
}

async fn insert_api_token(mut w: Write, user_id: i64, email: &str) -> Result<String, sqlx::Error> {
    let token = new_secret();
    sqlx::query("INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)")
        .bind(user_id)
        .bind(hash_secret(&token))
        .bind(now())
        .execute(&mut *w)
        .await?;
    w.commit(Action::new("api_token.create", format!("user {email}")))
        .await?;
    Ok(token)
}

/// A user's API tokens, newest first (the tokens themselves are not kept, only when they were made).
pub async fn api_tokens(db: &Db, user_id: i64) -> Result<Vec<ApiTokenInfo>, sqlx::Error> {
    let rows: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, created_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, created_at, revoked_at)| ApiTokenInfo {
            id,
            created_at,
            revoked_at,
        })
        .collect())
}

/// Revokes one of the user's own tokens; `NotFound` when the user has no such active token.
pub async fn revoke_api_token(db: &Db, user: &User, token_id: i64) -> Stored<()> {
    let mut w = Write::begin(db, &user.into()).await?;
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(token_id)
    .bind(user.id)
    .execute(&mut *w)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    let action = Action::new(
        "api_token.revoke",
        format!("user {} token {token_id}", user.email),
    );
    Ok(w.commit(action).await?)
}

pub async fn api_token_user(db: &Db, token: &str) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.id, u.email, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled_at IS NULL",
    )
    .bind(hash_secret(token))
    .fetch_optional(db)
    .await?;
    Ok(row.as_ref().and_then(user_from_row))
}

/// Whether `token` is a respondent's survey link (a token of `invitations`), which identifies no user:
/// sent as an API token it is refused with 403, not treated as no credentials at all.
pub async fn is_survey_link(db: &Db, token: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM invitations WHERE token_hash = ?)")
        .bind(hash_secret(token))
        .fetch_one(db)
        .await
}

/// Every account, for the admin page.
pub async fn users(db: &Db) -> Result<Vec<UserRow>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT id, email, role, created_at, disabled_at FROM users ORDER BY email")
            .fetch_all(db)
            .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(UserRow {
                user: user_from_row(r)?,
                created_at: r.get("created_at"),
                disabled_at: r.get("disabled_at"),
            })
        })
        .collect())
}

/// Sets the password of user `user_id` (at least [`MIN_PASSWORD_CHARS`] characters) and ends every
/// session of theirs but `keep` (the session the change was made in, when users change their own), so
/// whoever knew the old password is signed out everywhere. Recorded as a change (by the user) or a
/// reset (by an admin), without the password.
pub async fn set_password(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    password: &str,
    keep: Option<&str>,
) -> Result<(), UserError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(UserError::ShortPassword);
    }
    let hash = hash_password(password.to_string()).await;
    let mut w = Write::begin(db, actor).await?;
    let email: String =
        sqlx::query_scalar("UPDATE users SET password_hash = ? WHERE id = ? RETURNING email")
            .bind(hash)
            .bind(user_id)
            .fetch_optional(&mut *w)
            .await?
            .ok_or(UserError::NoUser)?;
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?")
        .bind(user_id)
        .bind(keep.map(hash_secret))
        .execute(&mut *w)
        .await?
        .rows_affected();
    let name = if actor.user_id == Some(user_id) {
        "user.password_change"
    } else {
        "user.password_reset"
    };
    let action = Action::new(name, format!("user {email}"))
        .after(serde_json::json!({ "sessions_ended": ended }));
    w.commit(action).await?;
    Ok(())
}

/// Disables or re-enables an account. Disabling also ends its sessions at once; its API tokens stop
/// working while it is disabled.
pub async fn set_disabled(db: &Db, actor: &Actor, user_id: i64, disabled: bool) -> Stored<()> {
    let mut tx = Write::begin(db, actor).await?;
    let done = sqlx::query("UPDATE users SET disabled_at = ? WHERE id = ?")
        .bind(disabled.then(now))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if disabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    let action = Action::new("user.set_disabled", format!("user {user_id}"))
        .before(serde_json::json!({ "disabled": !disabled }))
        .after(serde_json::json!({ "disabled": disabled }));
    Ok(tx.commit(action).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_costs_what_every_password_costs() {
        let dummy = PasswordHash::new(DUMMY_HASH).unwrap();
        let params = argon2::Params::try_from(&dummy).unwrap();
        let default = Argon2::default();
        let cost = |p: &argon2::Params| (p.m_cost(), p.t_cost(), p.p_cost());
        assert_eq!(cost(&params), cost(default.params()));
        assert_eq!(dummy.algorithm, argon2::Algorithm::Argon2id.ident());
        assert!(!matches(DUMMY_HASH, "", &mut Vec::new()));
    }

    #[test]
    fn emails() {
        for (e, ok) in [
            ("a@b.cn", true),
            (" Reviewer@Example.COM ", true),
            ("a@b", false),
            ("@b.cn", false),
            ("a b@c.cn", false),
            ("", false),
        ] {
            assert_eq!(normalise_email(e).is_ok(), ok, "{e:?}");
        }
        assert_eq!(
            normalise_email(" Reviewer@Example.COM ").unwrap(),
            "reviewer@example.com"
        );
    }
}
