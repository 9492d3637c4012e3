//! Each IRO's submitted ratings are kept packed on the IRO by the database's triggers (migration 13),
//! for reading a cycle's scores fast: the packed text always says what the ratings and assignments
//! hold, whoever writes them.
#![cfg(feature = "ssr")]

use app::domain::matters::MatterPresetName;
use app::store::assessments::{assign, save_rating, waive};
use app::store::{register, Db};
use std::collections::BTreeSet;

mod common;
use common::*;

/// The IRO's packed items, as a set (their order is not kept).
async fn packed(db: &Db, iro: i64) -> BTreeSet<String> {
    let text: String = sqlx::query_scalar("SELECT submitted_ratings FROM iros WHERE id = ?")
        .bind(iro)
        .fetch_one(db)
        .await
        .unwrap();
    text.split(';')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_packed_ratings_are_what_the_tables_hold(db: Db) {
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let iro = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    let (b, as_b) = assessor(&db, "b@example.com").await;
    let (c, _) = assessor(&db, "c@example.com").await;
    for user in [a, b, c] {
        assign(&db, &cli(), id, iro, user).await.unwrap();
    }
    type Given = Vec<(
        app::domain::double_materiality::Horizon,
        app::domain::double_materiality::Rating,
    )>;
    let save = |who: app::store::audit::Actor, ratings: Given, submit: bool| {
        let db = db.clone();
        async move {
            save_rating(&db, &who, id, iro, &ratings, "Audit", "", submit)
                .await
                .unwrap()
        }
    };
    // A draft is not counted; a submission is, once; can't judge is 0.
    save(as_a.clone(), negative(4, 3, 2), false).await;
    assert_eq!(packed(&db, iro).await, set(&[]));
    save(as_a.clone(), negative(5, 3, 2), true).await;
    let a_item = format!("{a}:short:53200");
    assert_eq!(packed(&db, iro).await, set(&[&a_item]));
    let mut unsure = negative(2, 2, 2);
    unsure[0].1.scope = None;
    save(as_b.clone(), unsure, true).await;
    let b_item = format!("{b}:short:20200");
    assert_eq!(packed(&db, iro).await, set(&[&a_item, &b_item]));
    // A waiver of the third assessor changes nothing.
    waive(&db, &cli(), id, iro, c, "On leave").await.unwrap();
    assert_eq!(packed(&db, iro).await, set(&[&a_item, &b_item]));

    // Writes behind the product's back are followed too: a changed rating, a waived submission,
    // a removed rating and a removed assignment.
    let sql = |q: &'static str, user: i64| {
        let db = db.clone();
        async move {
            sqlx::query(q).bind(user).execute(&db).await.unwrap();
        }
    };
    sql("UPDATE iro_ratings SET scale = 1 WHERE user_id = ?", a).await;
    let a_item = format!("{a}:short:13200");
    assert_eq!(packed(&db, iro).await, set(&[&a_item, &b_item]));
    sql(
        "UPDATE iro_assignments SET waived_reason = 'x' WHERE user_id = ?",
        b,
    )
    .await;
    assert_eq!(packed(&db, iro).await, set(&[&a_item]));
    sql(
        "UPDATE iro_assignments SET waived_reason = NULL WHERE user_id = ?",
        b,
    )
    .await;
    assert_eq!(packed(&db, iro).await, set(&[&a_item, &b_item]));
    sql("DELETE FROM iro_ratings WHERE user_id = ?", b).await;
    assert_eq!(packed(&db, iro).await, set(&[&a_item]));
    sql("DELETE FROM iro_assignments WHERE user_id = ?", a).await;
    assert_eq!(packed(&db, iro).await, set(&[]));

    // With foreign keys off (the sqlite3 shell's default), ratings may come before their
    // assignment: the assignment's insertion packs them.
    let mut conn = db.acquire().await.unwrap();
    let on = |yes: bool| format!("PRAGMA foreign_keys = {}", if yes { "ON" } else { "OFF" });
    sqlx::query(&on(false)).execute(&mut *conn).await.unwrap();
    sqlx::query(
        "INSERT INTO iro_ratings (iro_id, user_id, horizon, scale, scope, irremediable)
         VALUES (?, ?, 'short', 2, 2, 2)",
    )
    .bind(iro)
    .bind(a)
    .execute(&mut *conn)
    .await
    .unwrap();
    assert_eq!(packed(&db, iro).await, set(&[]));
    sqlx::query("INSERT INTO iro_assignments (iro_id, user_id, submitted_at) VALUES (?, ?, 1)")
        .bind(iro)
        .bind(a)
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query(&on(true)).execute(&mut *conn).await.unwrap();
    drop(conn);
    assert_eq!(packed(&db, iro).await, set(&[&format!("{a}:short:22200")]));
}

/// Migration 13 packs the ratings stored before it: submitted ones, not drafts.
#[sqlx::test(migrations = false)]
async fn the_migration_packs_the_ratings_already_stored(db: Db) {
    use app::store::MIGRATOR;
    use sqlx::migrate::Migrator;
    use std::borrow::Cow;
    let before_13 = Migrator {
        migrations: Cow::Owned(
            MIGRATOR
                .iter()
                .filter(|m| m.version < 13)
                .cloned()
                .collect(),
        ),
        ..Migrator::DEFAULT
    };
    before_13.run(&db).await.unwrap();
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let iro = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    let (b, as_b) = assessor(&db, "b@example.com").await;
    for (user, who, submit) in [(a, &as_a, true), (b, &as_b, false)] {
        assign(&db, &cli(), id, iro, user).await.unwrap();
        save_rating(&db, who, id, iro, &negative(4, 3, 2), "Audit", "", submit)
            .await
            .unwrap();
    }
    MIGRATOR.run(&db).await.unwrap();
    assert_eq!(packed(&db, iro).await, set(&[&format!("{a}:short:43200")]));
}
