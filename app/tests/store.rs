//! Store tests: each gets a fresh, migrated SQLite database.
#![cfg(feature = "ssr")]

use app::domain::{
    aggregate_for, Axis, CycleTopic, Histogram, RawAnswer, RawScore, SubmitOutcome, Tally,
};
use app::i18n::Lang;
use app::store::responses::Submissions;
use app::store::write::StoreError;
use app::store::{self, Db};

/// Who the store records as acting in these tests.
fn cli() -> app::store::audit::Actor {
    app::store::audit::Actor::command_line()
}

async fn demo(db: &Db) -> (i64, Vec<String>) {
    let cycle = store::demo::seed(db, &cli()).await.unwrap();
    let codes = store::cycles::cycle_topics(db, cycle)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.code)
        .collect();
    (cycle, codes)
}

fn answers(codes: &[String], f: impl Fn(usize) -> (RawScore, RawScore)) -> Vec<RawAnswer> {
    codes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (business, stakeholder) = f(i);
            RawAnswer {
                topic: c.clone(),
                business,
                stakeholder,
                comment: Some(format!("note {i}")),
            }
        })
        .collect()
}

fn scores(i: usize) -> (RawScore, RawScore) {
    let b = if i % 4 == 3 {
        RawScore::DontKnow
    } else {
        RawScore::Value((i % 5 + 1) as i64)
    };
    (b, RawScore::Value(((i + 2) % 5 + 1) as i64))
}

/// Submits a prepared answer list (the JSON API's way: the list does not depend on the cycle's topics)
/// through a writer of its own.
async fn submit(
    db: &Db,
    token: &str,
    answers: Vec<RawAnswer>,
    lang: Lang,
) -> Result<SubmitOutcome, sqlx::Error> {
    submit_via(&Submissions::start(db.clone()), token, answers, lang).await
}

/// Submits through a shared writer, as the server does: concurrent calls share transactions.
async fn submit_via(
    subs: &Submissions,
    token: &str,
    answers: Vec<RawAnswer>,
    lang: Lang,
) -> Result<SubmitOutcome, sqlx::Error> {
    store::responses::submit(subs, token, |_| answers, lang).await
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

async fn recount(db: &Db, cycle: i64) -> store::results::Cells {
    store::results::recount(db, cycle).await.unwrap()
}

async fn stored_histograms(db: &Db, cycle: i64) -> store::results::Cells {
    store::results::stored(db, cycle).await.unwrap()
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_response_and_its_histogram_rows_land_together(db: Db) {
    let (cycle, codes) = demo(&db).await;
    assert_eq!(codes.len(), 17);
    let tokens = store::links::invite(&db, &cli(), cycle, "EMP", 2)
        .await
        .unwrap();
    let cus = store::links::invite(&db, &cli(), cycle, "CUS", 1)
        .await
        .unwrap();

    for (token, shift) in [(&tokens[0], 0), (&tokens[1], 1), (&cus[0], 2)] {
        let out = submit(&db, token, answers(&codes, |i| scores(i + shift)), Lang::Zh)
            .await
            .unwrap();
        assert!(matches!(out, SubmitOutcome::Stored { .. }), "{out:?}");
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 3);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM scores").await, 3 * 17);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM invitations WHERE used_at IS NOT NULL"
        )
        .await,
        3
    );
    // Every response adds exactly one count per topic and axis.
    assert_eq!(
        count(&db, "SELECT SUM(n) FROM histograms").await,
        3 * 17 * 2
    );
    assert_eq!(
        stored_histograms(&db, cycle).await,
        recount(&db, cycle).await
    );

    // The statistics served equal statistics computed from the raw rows. With k = 3 for this cycle
    // everyone's three responses are shown (fewer than k in all would show none).
    sqlx::query("UPDATE cycles SET k = 3 WHERE id = ?")
        .bind(cycle)
        .execute(&db)
        .await
        .unwrap();
    let results = store::results::results(&db, cycle).await.unwrap().unwrap();
    assert_eq!(results.topics.len(), 17);
    let raw: Vec<(String, Option<i32>, Option<i32>)> =
        sqlx::query_as("SELECT topic_code, business, stakeholder FROM scores")
            .fetch_all(&db)
            .await
            .unwrap();
    for t in &results.topics {
        let b = Histogram::from_answers(
            results.cycle.scale,
            raw.iter().filter(|r| r.0 == t.code).map(|r| r.1),
        );
        let s = Histogram::from_answers(
            results.cycle.scale,
            raw.iter().filter(|r| r.0 == t.code).map(|r| r.2),
        );
        assert_eq!(t.business, b.stats(), "{}", t.code);
        assert_eq!(t.stakeholder, s.stats(), "{}", t.code);
    }
    // Fewer than k = 3 responses per group: no group breakdown anywhere.
    assert!(results.topics.iter().all(|t| t.groups.is_empty()));
    let comment: String =
        sqlx::query_scalar("SELECT comment FROM scores WHERE topic_code = 'E1' LIMIT 1")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(comment, "note 0");
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_used_token_stores_nothing_more(db: Db) {
    let (cycle, codes) = demo(&db).await;
    let token = store::links::invite(&db, &cli(), cycle, "INV", 1)
        .await
        .unwrap()
        .remove(0);
    let first = submit(&db, &token, answers(&codes, scores), Lang::En)
        .await
        .unwrap();
    assert!(matches!(first, SubmitOutcome::Stored { .. }));
    let before = stored_histograms(&db, cycle).await;
    let again = submit(&db, &token, answers(&codes, |i| scores(i + 1)), Lang::En)
        .await
        .unwrap();
    assert_eq!(again, SubmitOutcome::Used);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM scores").await, 17);
    assert_eq!(stored_histograms(&db, cycle).await, before);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn concurrent_submissions_share_transactions_and_all_count(db: Db) {
    let (cycle, codes) = demo(&db).await;
    let mut tokens = store::links::invite(&db, &cli(), cycle, "EMP", 150)
        .await
        .unwrap();
    tokens.extend(
        store::links::invite(&db, &cli(), cycle, "CUS", 150)
            .await
            .unwrap(),
    );
    let subs = Submissions::start(db.clone());
    let tasks: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(k, token)| {
            let (subs, token, answers) = (
                subs.clone(),
                token.clone(),
                answers(&codes, move |i| scores(i * 3 + k)),
            );
            tokio::spawn(async move { submit_via(&subs, &token, answers, Lang::En).await })
        })
        .collect();
    let mut receipts = std::collections::HashSet::new();
    for t in tasks {
        match t.await.unwrap().unwrap() {
            SubmitOutcome::Stored { receipt, .. } => assert!(receipts.insert(receipt)),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(receipts.len(), 300);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 300);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM scores").await, 300 * 17);
    assert_eq!(
        count(&db, "SELECT SUM(n) FROM histograms").await,
        300 * 17 * 2
    );
    assert_eq!(
        stored_histograms(&db, cycle).await,
        recount(&db, cycle).await
    );
    // Every link is used up now, whichever batch it was in.
    let again = submit_via(&subs, &tokens[7], answers(&codes, scores), Lang::En)
        .await
        .unwrap();
    assert_eq!(again, SubmitOutcome::Used);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn twenty_concurrent_submits_of_one_token_store_exactly_one(db: Db) {
    let (cycle, codes) = demo(&db).await;
    let token = store::links::invite(&db, &cli(), cycle, "SUP", 1)
        .await
        .unwrap()
        .remove(0);
    // One writer, as in the server: the twenty land in one or a few shared transactions.
    let subs = Submissions::start(db.clone());
    let tasks: Vec<_> = (0..20)
        .map(|k| {
            let (subs, token, answers) = (
                subs.clone(),
                token.clone(),
                answers(&codes, move |i| scores(i + k)),
            );
            tokio::spawn(async move { submit_via(&subs, &token, answers, Lang::En).await.unwrap() })
        })
        .collect();
    let mut stored = 0;
    for t in tasks {
        match t.await.unwrap() {
            SubmitOutcome::Stored { .. } => stored += 1,
            SubmitOutcome::Used => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(stored, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 1);
    assert_eq!(count(&db, "SELECT SUM(n) FROM histograms").await, 17 * 2);
    assert_eq!(
        stored_histograms(&db, cycle).await,
        recount(&db, cycle).await
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn invalid_answers_or_a_closed_cycle_store_nothing(db: Db) {
    let (cycle, codes) = demo(&db).await;
    let token = store::links::invite(&db, &cli(), cycle, "GOV", 1)
        .await
        .unwrap()
        .remove(0);

    let mut bad = answers(&codes, scores);
    bad[3].stakeholder = RawScore::Value(9);
    bad.pop();
    match submit(&db, &token, bad, Lang::En).await.unwrap() {
        SubmitOutcome::Invalid(errors) => {
            assert_eq!(errors.len(), 2, "{errors:?}");
            assert_eq!(errors[0].topic.as_deref(), Some(codes[3].as_str()));
        }
        other => panic!("unexpected {other:?}"),
    }
    sqlx::query("UPDATE cycles SET status = 'closed' WHERE id = ?")
        .bind(cycle)
        .execute(&db)
        .await
        .unwrap();
    match submit(&db, &token, answers(&codes, scores), Lang::En)
        .await
        .unwrap()
    {
        SubmitOutcome::Invalid(errors) => assert_eq!(errors[0].field, "cycle"),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        store::responses::survey(&db, &token, |_| false)
            .await
            .unwrap(),
        app::domain::SurveyState::Closed
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM histograms").await, 0);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM invitations WHERE used_at IS NOT NULL"
        )
        .await,
        0
    );

    // Unknown or malformed tokens are refused before anything is read or written.
    for token in ["nope", &"x".repeat(43)] {
        assert_eq!(
            submit(&db, token, answers(&codes, scores), Lang::En)
                .await
                .unwrap(),
            SubmitOutcome::Unknown
        );
    }
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn exported_responses_are_anonymised_filtered_and_capped(db: Db) {
    use app::domain::{RawResponses, Respondents};
    let (cycle, codes) = demo(&db).await;
    let mut tokens = store::links::invite(&db, &cli(), cycle, "EMP", 5)
        .await
        .unwrap();
    tokens.extend(
        store::links::invite(&db, &cli(), cycle, "CUS", 5)
            .await
            .unwrap(),
    );
    tokens.extend(
        store::links::invite(&db, &cli(), cycle, "SUP", 2)
            .await
            .unwrap(),
    );
    let subs = Submissions::start(db.clone());
    for (k, token) in tokens.iter().enumerate() {
        let out = submit_via(&subs, token, answers(&codes, |i| scores(i + k)), Lang::En).await;
        assert!(matches!(out.unwrap(), SubmitOutcome::Stored { .. }));
    }
    let topics = store::cycles::cycle_topics(&db, cycle).await.unwrap();
    let export = |who: Respondents, max| {
        let (db, topics) = (db.clone(), topics.clone());
        async move {
            store::results::anonymous_responses(&db, cycle, &who, &topics, max)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let RawResponses::Rows(all) = export(Respondents::All, 100).await else {
        panic!("under the limit the rows are listed");
    };
    assert_eq!(all.len(), 12);
    // Five employees reach k = 5 and are named, with their day. The two suppliers do not, and the
    // five customers go with them (external minus customers would be the suppliers): seven rows
    // with neither group nor day.
    let named: Vec<_> = all.iter().filter(|r| r.group.is_some()).collect();
    assert_eq!(named.len(), 5);
    assert!(named.iter().all(
        |r| r.group.as_deref() == Some("EMP") && r.day.as_ref().is_some_and(|d| d.len() == 10)
    ));
    assert!(all
        .iter()
        .filter(|r| r.group.is_none())
        .all(|r| r.day.is_none()));
    assert!(all.iter().all(|r| r.scores.len() == codes.len()));
    let RawResponses::Rows(external) = export(Respondents::External, 100).await else {
        panic!("under the limit the rows are listed");
    };
    assert_eq!(external.len(), 7, "the customers and suppliers only");
    assert_eq!(
        export(Respondents::All, 11).await,
        RawResponses::TooMany(12),
        "past the limit nothing is read"
    );
    assert!(
        store::results::anonymous_responses(&db, 999, &Respondents::All, &topics, 100)
            .await
            .unwrap()
            .is_none()
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn group_breakdown_appears_at_k_responses(db: Db) {
    let (cycle, codes) = demo(&db).await;
    let tokens = store::links::invite(&db, &cli(), cycle, "EMP", 5)
        .await
        .unwrap();
    for (k, token) in tokens.iter().enumerate() {
        let out = submit(&db, token, answers(&codes, |i| scores(i + k)), Lang::En)
            .await
            .unwrap();
        assert!(matches!(out, SubmitOutcome::Stored { .. }), "{out:?}");
        let r = store::results::results(&db, cycle).await.unwrap().unwrap();
        assert_eq!(
            r.topics[0].groups.contains_key("EMP"),
            k + 1 >= 5,
            "after {} responses",
            k + 1
        );
    }
    // Aggregating the stored tallies by hand gives the same result as the store.
    let r = store::results::results(&db, cycle).await.unwrap().unwrap();
    let topics: Vec<CycleTopic> = store::cycles::cycle_topics(&db, cycle).await.unwrap();
    let groups = store::cycles::groups(&db).await.unwrap();
    let tallies: Vec<Tally> = store::results::tallies(&db, cycle).await.unwrap();
    // Both axes of every topic, each with at least one value: never an empty list.
    assert!(tallies.len() >= 2 * codes.len(), "{}", tallies.len());
    assert!(tallies
        .iter()
        .all(|t| t.group == "EMP" && matches!(t.axis, Axis::Business | Axis::Stakeholder)));
    let by_hand = aggregate_for(
        r.cycle.clone(),
        &topics,
        &groups,
        &tallies,
        &app::domain::Respondents::All,
        app::domain::AnonymityRule::Cells,
    );
    assert_eq!(by_hand, Some(r));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn seeding_twice_adds_no_second_cycle(db: Db) {
    let a = store::demo::seed(&db, &cli()).await.unwrap();
    let b = store::demo::seed(&db, &cli()).await.unwrap();
    assert_eq!(a, b);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM cycles").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM topics").await, 17);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM stakeholder_groups").await,
        8
    );
    let names: (String, String) =
        sqlx::query_as("SELECT name_zh, name_en FROM cycle_topics WHERE code = 'S1'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(
        names,
        (
            "数据安全与隐私保护".to_string(),
            "Data security and privacy protection".to_string()
        )
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn accounts_sessions_and_api_tokens(db: Db) {
    use store::auth::*;
    let user = create_user(
        &db,
        &cli(),
        "Rev@Example.com",
        "long enough pw",
        Role::Reviewer,
    )
    .await
    .unwrap();
    assert_eq!(user.email, "rev@example.com");
    assert!(matches!(
        create_user(
            &db,
            &cli(),
            "rev@example.com",
            "another long pw",
            Role::Admin
        )
        .await,
        Err(UserError::Exists)
    ));
    assert!(matches!(
        create_user(&db, &cli(), "x@example.com", "short", Role::Admin).await,
        Err(UserError::ShortPassword)
    ));
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");

    assert_eq!(
        verify_login(&db, "rev@example.com", "wrong password")
            .await
            .unwrap(),
        store::auth::Verified::Wrong
    );
    assert_eq!(
        verify_login(&db, "nobody@example.com", "long enough pw")
            .await
            .unwrap(),
        store::auth::Verified::Wrong
    );
    assert_eq!(
        verify_login(&db, " REV@example.com", "long enough pw")
            .await
            .unwrap(),
        store::auth::Verified::User(user.clone())
    );

    let session = create_session(&db, &user).await.unwrap();
    assert_eq!(
        session_user(&db, &session).await.unwrap(),
        Some(user.clone())
    );
    end_session(&db, &session).await.unwrap();
    assert_eq!(session_user(&db, &session).await.unwrap(), None);

    let token = create_api_token(&db, &cli(), "rev@example.com")
        .await
        .unwrap();
    assert_eq!(api_token_user(&db, &token).await.unwrap(), Some(user));
    assert_eq!(api_token_user(&db, "made-up").await.unwrap(), None);
    // Only hashes are stored.
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{token}'")
        )
        .await,
        0
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn api_tokens_are_listed_and_revoked_by_their_owner_only(db: Db) {
    use store::auth::*;
    let a = create_user(
        &db,
        &cli(),
        "a@example.com",
        "long enough pw",
        Role::Reviewer,
    )
    .await
    .unwrap();
    let b = create_user(&db, &cli(), "b@example.com", "long enough pw", Role::Admin)
        .await
        .unwrap();
    let first = create_api_token_for(&db, &a).await.unwrap();
    let second = create_api_token_for(&db, &a).await.unwrap();
    let list = api_tokens(&db, a.id).await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(list[0].id > list[1].id, "newest first");
    assert!(api_tokens(&db, b.id).await.unwrap().is_empty());

    let first_id = list[1].id;
    assert_eq!(
        revoke_api_token(&db, &b, first_id).await,
        Err(StoreError::NotFound),
        "not b's token"
    );
    assert_eq!(api_token_user(&db, &first).await.unwrap(), Some(a.clone()));
    revoke_api_token(&db, &a, first_id).await.unwrap();
    assert_eq!(
        revoke_api_token(&db, &a, first_id).await,
        Err(StoreError::NotFound),
        "already revoked"
    );
    assert_eq!(api_token_user(&db, &first).await.unwrap(), None);
    assert_eq!(api_token_user(&db, &second).await.unwrap(), Some(a.clone()));
    assert!(api_tokens(&db, a.id).await.unwrap()[1].revoked_at.is_some());
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn recompute_finds_and_repairs_a_tampered_histogram(db: Db) {
    let (cycle, codes) = demo(&db).await;
    for group in ["EMP", "CUS", "CUS"] {
        let token = store::links::invite(&db, &cli(), cycle, group, 1)
            .await
            .unwrap()
            .remove(0);
        let outcome = submit(&db, &token, answers(&codes, scores), Lang::En)
            .await
            .unwrap();
        assert!(matches!(outcome, SubmitOutcome::Stored { .. }));
    }
    assert_eq!(
        store::results::recompute(&db, &cli(), cycle).await.unwrap(),
        vec![]
    );
    let before = stored_histograms(&db, cycle).await;

    // Someone edits the database by hand: one count up, one cell gone.
    sqlx::query("UPDATE histograms SET n = n + 5 WHERE topic_code = 'E1' AND axis = 'business' AND value = 1")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM histograms WHERE topic_code = 'G5' AND axis = 'stakeholder'")
        .execute(&db)
        .await
        .unwrap();
    let differences = store::results::recompute(&db, &cli(), cycle).await.unwrap();
    assert!(differences
        .iter()
        .any(|((t, a, _, v), old, new)| t == "E1" && a == "business" && *v == 1 && old - new == 5));
    assert!(differences
        .iter()
        .any(|((t, a, _, _), old, new)| t == "G5" && a == "stakeholder" && *old == 0 && *new > 0));
    assert_eq!(stored_histograms(&db, cycle).await, before);
    assert_eq!(
        store::results::recompute(&db, &cli(), cycle).await.unwrap(),
        vec![]
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn answers_are_stored_only_between_the_opening_and_closing_dates(db: Db) {
    let (cycle, codes) = demo(&db).await;
    let day = |offset: i64| app::domain::date_of(store::now() + offset * 86_400);
    let subs = Submissions::start(db.clone());
    for (opens, closes, stored) in [
        (Some(day(1)), None, false),
        (None, Some(day(-1)), false),
        (Some(day(0)), Some(day(0)), true),
        (None, Some(day(0)), true),
    ] {
        sqlx::query("UPDATE cycles SET opens_on = ?, closes_on = ? WHERE id = ?")
            .bind(&opens)
            .bind(&closes)
            .bind(cycle)
            .execute(&db)
            .await
            .unwrap();
        let token = store::links::invite(&db, &cli(), cycle, "EMP", 1)
            .await
            .unwrap()
            .remove(0);
        let before = count(&db, "SELECT COUNT(*) FROM responses").await;
        let out = submit_via(&subs, &token, answers(&codes, scores), Lang::En)
            .await
            .unwrap();
        let after = count(&db, "SELECT COUNT(*) FROM responses").await;
        if stored {
            assert!(
                matches!(out, SubmitOutcome::Stored { .. }),
                "{opens:?} {closes:?}: {out:?}"
            );
            assert_eq!(after, before + 1);
        } else {
            match &out {
                SubmitOutcome::Invalid(e) => {
                    assert_eq!(e.len(), 1, "{out:?}");
                    assert_eq!(e[0].code, app::domain::ErrorCode::CycleNotOpen);
                }
                other => panic!("{opens:?} {closes:?}: {other:?}"),
            }
            assert_eq!(after, before);
            // The refused link stays unused: it works once the dates allow.
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM invitations WHERE used_at IS NOT NULL"
                )
                .await,
                after
            );
        }
    }
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn admin_writes_succeed_while_submissions_come_in(db: Db) {
    use std::sync::{Arc, Mutex};
    let (cycle, codes) = demo(&db).await;
    let subs = Submissions::start(db.clone());
    let tokens = store::links::invite(&db, &cli(), cycle, "EMP", 600)
        .await
        .unwrap();
    let queue = Arc::new(Mutex::new(tokens));
    // Sixteen clients submit as fast as the writer takes them.
    let mut clients = Vec::new();
    for _ in 0..16 {
        let (subs, queue, codes) = (subs.clone(), queue.clone(), codes.clone());
        clients.push(tokio::spawn(async move {
            let mut stored = 0;
            loop {
                let Some(token) = queue.lock().unwrap().pop() else {
                    return stored;
                };
                let out = submit_via(&subs, &token, answers(&codes, scores), Lang::En)
                    .await
                    .unwrap();
                assert!(matches!(out, SubmitOutcome::Stored { .. }), "{out:?}");
                stored += 1;
            }
        }));
    }
    // Meanwhile an admin makes links, revokes them and changes the settings, twenty times each.
    let mut failures = Vec::new();
    for i in 0..20 {
        if let Err(e) = store::links::invite(&db, &cli(), cycle, "CUS", 1).await {
            failures.push(format!("invite {i}: {e}"));
        }
        if let Err(e) = store::links::revoke_unused(&db, &cli(), cycle, "CUS").await {
            failures.push(format!("revoke {i}: {e}"));
        }
        let mut s = store::cycles::cycle(&db, cycle)
            .await
            .unwrap()
            .unwrap()
            .settings();
        s.name = format!("Renamed {i}");
        match store::cycles::update_settings(&db, &cli(), cycle, &s).await {
            Ok(()) => {}
            other => failures.push(format!("settings {i}: {other:?}")),
        }
        tokio::task::yield_now().await;
    }
    let mut stored = 0;
    for c in clients {
        stored += c.await.unwrap();
    }
    assert_eq!(failures, Vec::<String>::new());
    assert_eq!(stored, 600);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM responses").await,
        600,
        "every acknowledged answer is stored"
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_writer_starts_again_after_a_panic_and_nothing_of_that_batch_is_stored(db: Db) {
    let (cycle, codes) = demo(&db).await;
    let tokens = store::links::invite(&db, &cli(), cycle, "EMP", 2)
        .await
        .unwrap();
    let subs = Submissions::start(db.clone());
    assert!(subs.writer_up());
    // Reading the answers runs on the writer thread: make it panic there.
    let boom = store::responses::submit(&subs, &tokens[0], |_| panic!("boom"), Lang::En).await;
    assert!(boom.is_err(), "{boom:?}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM responses").await, 0);
    // The next submission is stored by a writer started again (waiting for it briefly).
    let mut stored = None;
    for _ in 0..50 {
        match submit_via(&subs, &tokens[1], answers(&codes, scores), Lang::En).await {
            Ok(o) => {
                stored = Some(o);
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    assert!(
        matches!(stored, Some(SubmitOutcome::Stored { .. })),
        "{stored:?}"
    );
    assert!(subs.writer_up());
    // The panicked one's link is still unused.
    let again = submit_via(&subs, &tokens[0], answers(&codes, scores), Lang::En).await;
    assert!(
        matches!(again, Ok(SubmitOutcome::Stored { .. })),
        "{again:?}"
    );
}

#[tokio::test]
async fn a_writer_without_its_database_reports_down_then_comes_up() {
    let dir = std::env::temp_dir().join(format!("materiality-writer-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("db.sqlite");
    // The folder does not exist yet: the writer cannot open the file.
    let subs = Submissions::start_on(path.clone());
    assert!(!subs.writer_up());
    let refused = store::responses::submit(&subs, "x", |_| Vec::new(), Lang::En).await;
    assert!(refused.is_err());
    std::fs::create_dir_all(&dir).unwrap();
    let db = store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mut up = false;
    for _ in 0..30 {
        if subs.writer_up() {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "the writer opened the database once it existed");
    let unknown = store::responses::submit(&subs, "not-a-token", |_| Vec::new(), Lang::En).await;
    assert_eq!(unknown.unwrap(), SubmitOutcome::Unknown);
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
