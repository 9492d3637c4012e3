//! `recompute` while answers come in: it counts from a read snapshot and corrects only the cells that
//! differ, by the difference it saw, so no answer is refused meanwhile and none is lost or counted
//! twice (an answer stored between its count and its correction adds to both the old and the new
//! figure alike).

mod common;

use app::store::{self, Db};
use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tower::ServiceExt;

/// Enough answers that some land between a recompute's count and its correction.
const ANSWERS: usize = 150;

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn answers_during_a_recompute_are_all_stored_and_counted_once(db: Db) {
    let app = router(db.clone());
    let (cycle, codes) = demo(&db).await;
    let mut tokens = Vec::new();
    for _ in 0..ANSWERS {
        tokens.push(token(&db, cycle, "EMP").await);
    }
    let answered = count(&db, "SELECT COUNT(*) FROM responses").await;
    let mut answers = tokio::task::JoinSet::new();
    for t in tokens {
        let (app, body) = (
            app.clone(),
            json!({"token": t, "answers": common::answers(&codes)}),
        );
        answers.spawn(async move {
            let res = app
                .oneshot(post_json("/api/v1/responses", &body))
                .await
                .unwrap();
            res.status()
        });
    }
    // Meanwhile: damage the first topic's business cell (+7), recompute, and check right after that
    // its counts add up to the responses stored, read in one statement.
    let recomputes = {
        let (db, first) = (db.clone(), codes[0].clone());
        tokio::spawn(async move {
            for _ in 0..25 {
                sqlx::query(
                    "INSERT INTO histograms (cycle_id, topic_code, axis, group_id, value, n)
                     SELECT ?, ?, 'business', id, 1, 7 FROM stakeholder_groups WHERE code = 'EMP'
                     ON CONFLICT DO UPDATE SET n = n + 7",
                )
                .bind(cycle)
                .bind(&first)
                .execute(&db)
                .await
                .unwrap();
                let differences = store::results::recompute(&db, &cli(), cycle).await.unwrap();
                assert_eq!(differences.len(), 1, "{differences:?}");
                let (answers, counted): (i64, i64) = sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM responses WHERE cycle_id = ?1),
                            (SELECT COALESCE(SUM(n), 0) FROM histograms
                              WHERE cycle_id = ?1 AND topic_code = ?2 AND axis = 'business')",
                )
                .bind(cycle)
                .bind(&first)
                .fetch_one(&db)
                .await
                .unwrap();
                assert_eq!(counted, answers, "the counts after a recompute");
                tokio::task::yield_now().await;
            }
        })
    };
    while let Some(status) = answers.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::CREATED);
    }
    recomputes.await.unwrap();
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM responses").await,
        answered + ANSWERS as i64
    );
    // The stored counts are exactly the answers' counts: nothing was lost or counted twice.
    let counted = store::results::recount(&db, cycle).await.unwrap();
    let kept = store::results::stored(&db, cycle).await.unwrap();
    assert_eq!(kept, counted);
}
