//! Storage (server only): one module per aggregate, each function one transaction at most.

pub mod assessments;
pub mod audit;
pub mod auth;
pub mod cycles;
pub mod demo;
pub mod dm_material;
pub mod groups;
pub mod library;
pub mod links;
pub mod mail;
pub mod register;
pub mod register_import;
pub mod responses;
pub mod results;
pub mod review;
pub mod stakeholder_input;
pub mod write;

use base64::Engine;
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// The one connection pool of the process.
pub type Db = sqlx::SqlitePool;

/// The schema, embedded in the binary and applied at start-up.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Opens (creating it and its folder if needed) the database at `url` and brings its schema up to date.
pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // WAL lets readers go on while a response is being written.
        .journal_mode(SqliteJournalMode::Wal)
        // An acknowledged response must survive a power cut: fsync on every commit.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        // What is deleted or overwritten (an e-mailed recipient's link to its answer) is zeroed
        // in the file, not left in free space.
        .pragma("secure_delete", "ON")
        .busy_timeout(Duration::from_secs(10));
    if let Some(dir) = options.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
    }
    // SQLite has one writer at a time; a handful of connections is enough for concurrent readers.
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// Copies the write-ahead log into the database file and empties it, so that what was overwritten
/// (with `secure_delete`, zeroed) is gone from both files. Fails harmlessly (`busy`) while a reader
/// holds an old snapshot; the housekeeping loop tries again.
pub async fn checkpoint(db: &Db) -> Result<bool, sqlx::Error> {
    let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(db)
        .await?;
    Ok(busy == 0)
}

/// Seconds since the Unix epoch: the one clock of the store.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A new random secret of 32 bytes, URL-safe (43 characters): invitation, session and API tokens.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a secret. SHA-256 is enough here: the secrets are 256 random bits, so
/// there is nothing to brute-force; passwords, which are not random, get argon2id instead.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_token_shaped_and_distinct() {
        let a = new_secret();
        assert!(crate::domain::Token::parse(&a).is_some());
        assert_ne!(a, new_secret());
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
