//! The sign-in flood, alone in its test binary: it counts the password verifications of the whole
//! process (`store::auth::VERIFICATIONS`), which other sign-in tests running at the same time would add to.

mod common;

use app::store::{self, Db};
use common::*;

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn three_hundred_concurrent_guesses_get_only_five_checks(db: Db) {
    use std::sync::atomic::Ordering;
    use tower::ServiceExt;
    let app = router(db.clone());
    signed_up(&db).await;
    let before = store::auth::VERIFICATIONS.load(Ordering::Relaxed);
    let mut flood = tokio::task::JoinSet::new();
    for i in 0..300 {
        let app = app.clone();
        let req = login_from([10, 0, 0, 7], "rev@example.com", &format!("guess {i}"));
        flood.spawn(async move { body_text(app.oneshot(req).await.unwrap()).await });
    }
    let mut answers = std::collections::BTreeMap::<String, u32>::new();
    while let Some(body) = flood.join_next().await {
        let body = body.unwrap();
        let kind = body.split(':').next().unwrap_or_default().to_string();
        *answers.entry(kind).or_default() += 1;
    }
    // Each attempt is counted before its password is checked: the account's five free tries from
    // this address are all that reach argon2; the others wait without a check.
    let checked = store::auth::VERIFICATIONS.load(Ordering::Relaxed) - before;
    assert_eq!(checked, 5, "{answers:?}");
    // Every one is told it was refused or must wait; none gets in.
    let told = |k: &str| answers.get(k).copied().unwrap_or(0);
    assert_eq!(told("\"Refused\"") + told("{\"Wait\""), 300, "{answers:?}");
    assert!(told("{\"Wait\"") >= 295, "{answers:?}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, 0);
}
