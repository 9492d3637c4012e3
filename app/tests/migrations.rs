//! Migrations applied to a database that already holds data: nothing of it may be lost.
#![cfg(feature = "ssr")]

use app::domain::Role;
use app::store::{self, Db, MIGRATOR};
use sqlx::migrate::Migrator;
use std::borrow::Cow;

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

/// The assessor role rebuilds the users table (migration 7): every account keeps its id, and every
/// session and API token that refers to one survives (dropping the old table while the others
/// referred to it would cascade them away).
#[sqlx::test(migrations = false)]
async fn the_assessor_role_keeps_every_account_session_and_token(db: Db) {
    let before_7 = Migrator {
        migrations: Cow::Owned(MIGRATOR.iter().filter(|m| m.version < 7).cloned().collect()),
        ..Migrator::DEFAULT
    };
    before_7.run(&db).await.unwrap();
    let actor = store::audit::Actor::command_line();
    let user = store::auth::create_user(
        &db,
        &actor,
        "rev@example.com",
        "a long password",
        Role::Reviewer,
    )
    .await
    .unwrap();
    let session = store::auth::create_session(&db, &user).await.unwrap();
    store::auth::create_api_token(&db, &actor, "rev@example.com")
        .await
        .unwrap();
    // A reference that does not cascade: it must hold through the rebuild, or COMMIT fails.
    let cycle = store::demo::seed(&db, &actor).await.unwrap();
    sqlx::query("INSERT INTO review_comments (cycle_id, topic_code, user_id, body, created_at) VALUES (?, 'E1', ?, 'Keep it', 0)")
        .bind(cycle)
        .bind(user.id)
        .execute(&db)
        .await
        .unwrap();
    let assessor = sqlx::query("INSERT INTO users (email, password_hash, role, created_at) VALUES ('x@example.com', 'x', 'assessor', 0)")
        .execute(&db)
        .await;
    assert!(assessor.is_err(), "no assessor role before migration 7");

    MIGRATOR.run(&db).await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM api_tokens").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM review_comments").await, 1);
    let still = store::auth::session_user(&db, &session).await.unwrap();
    assert_eq!(still, Some(user));
    let expert = store::auth::create_user(
        &db,
        &actor,
        "expert@example.com",
        "a long password",
        Role::Assessor,
    )
    .await
    .unwrap();
    assert_eq!(expert.role, Role::Assessor);
    assert_eq!(count(&db, "PRAGMA foreign_keys").await, 1, "enforced again");
    let dangling = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&db)
        .await
        .unwrap();
    assert!(dangling.is_empty());
    // The other tables' references name the new table: a session of nobody is refused.
    let orphan = sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('x', 999, 0, 0)",
    )
    .execute(&db)
    .await;
    assert!(orphan.is_err());
    let schema: Vec<String> =
        sqlx::query_scalar("SELECT sql FROM sqlite_schema WHERE sql LIKE '%_kept%'")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(
        schema,
        Vec::<String>::new(),
        "nothing refers to the old table"
    );
}
