//! Store tests of step 4: the freeze on confirmation, the audit chain, carrying a result forward.
#![cfg(feature = "ssr")]

use app::domain::{
    CycleStatus, DraftOutcome, ErrorCode, Problem, Proposal, RawAnswer, RawScore, Respondents,
    SubmitOutcome,
};
use app::i18n::Lang;
use app::store::audit::Actor;
use app::store::auth::{Role, User};
use app::store::write::{StoreError, Stored};
use app::store::{self, Db};

/// Who the store records as acting in these tests.
fn cli() -> app::store::audit::Actor {
    app::store::audit::Actor::command_line()
}

async fn user(db: &Db, email: &str, role: Role) -> Actor {
    let u: User = store::auth::create_user(db, &cli(), email, "long enough password", role)
        .await
        .unwrap();
    Actor::from(&u)
}

/// The demo cycle with `n` answers from employees (business 4 + i % 2, stakeholder 4), closed.
async fn closed_cycle(db: &Db, n: usize) -> (i64, Vec<String>) {
    let cycle = store::demo::seed(db, &cli()).await.unwrap();
    let codes: Vec<String> = store::cycles::cycle_topics(db, cycle)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.code)
        .collect();
    let subs = store::responses::Submissions::start(db.clone());
    let tokens = match n {
        0 => Vec::new(),
        n => store::links::invite(db, &cli(), cycle, "EMP", n as u32)
            .await
            .unwrap(),
    };
    for (i, token) in tokens.iter().enumerate() {
        let answers = move |codes: &[String]| {
            codes
                .iter()
                .map(|c| RawAnswer {
                    topic: c.clone(),
                    business: RawScore::Value(4 + (i % 2) as i64),
                    stakeholder: RawScore::Value(4),
                    comment: None,
                })
                .collect()
        };
        let out = store::responses::submit(&subs, token, answers, Lang::En)
            .await
            .unwrap();
        assert!(matches!(out, SubmitOutcome::Stored { .. }), "{out:?}");
    }
    close(db, cycle).await;
    (cycle, codes)
}

async fn close(db: &Db, cycle: i64) {
    store::cycles::set_status(db, &cli(), cycle, CycleStatus::Closed)
        .await
        .unwrap();
}

fn problem<T: std::fmt::Debug>(r: Stored<T>) -> Problem {
    match r {
        Err(StoreError::Refused(p)) => p[0].problem,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Puts an entry on the log on its own, as a store write does with its change.
async fn record(db: &Db, actor: &Actor, action: store::audit::Action) {
    let mut tx = store::audit::begin_write(db).await.unwrap();
    store::audit::append(&mut tx, actor, &action).await.unwrap();
    tx.commit().await.unwrap();
}

async fn audit_actions(db: &Db) -> Vec<String> {
    store::audit::entries(db, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn confirming_freezes_every_write_path(db: Db) {
    let admin = user(&db, "admin@example.com", Role::Admin).await;
    let reviewer = user(&db, "reviewer@example.com", Role::Reviewer).await;
    let (cycle, codes) = closed_cycle(&db, 6).await;
    // An unused link and a draft-able link, handed out before confirmation.
    let spare = store::links::invite(&db, &cli(), cycle, "CUS", 2)
        .await
        .unwrap();

    // Review: a comment with a proposal, an override with its reason.
    store::review::add_comment(
        &db,
        &reviewer,
        cycle,
        &codes[0],
        "Too low for us",
        Some(Proposal::NotMaterial),
    )
    .await
    .unwrap();
    store::review::set_override(
        &db,
        &admin,
        cycle,
        &codes[0],
        Some(false),
        "Covered by topic S2",
    )
    .await
    .unwrap();
    let before = store::results::results(&db, cycle).await.unwrap().unwrap();
    assert!(before.confirmation.is_none());
    assert!(
        before
            .topics
            .iter()
            .find(|t| t.code == codes[0])
            .unwrap()
            .computed_material
    );
    let stamp = store::review::confirm(&db, &admin, cycle).await.unwrap();
    assert_eq!(stamp.confirmed_by, "admin@example.com");
    assert_eq!(stamp.methodology.weights.len(), 8);
    assert_eq!(stamp.methodology.k, 5);

    // The result: confirmed, intact, the override shown as one.
    let after = store::results::results(&db, cycle).await.unwrap().unwrap();
    assert_eq!(after.cycle.status, CycleStatus::Confirmed);
    let c = after.confirmation.as_ref().unwrap();
    assert!(c.intact);
    assert_eq!(c.statistics_hash, stamp.statistics_hash);
    let t0 = after.topics.iter().find(|t| t.code == codes[0]).unwrap();
    assert!(!t0.material && t0.computed_material);
    assert_eq!(t0.override_.as_ref().unwrap().reason, "Covered by topic S2");

    // Every write path refuses.
    let subs = store::responses::Submissions::start(db.clone());
    let late = store::responses::submit(
        &subs,
        &spare[0],
        |c: &[String]| {
            c.iter()
                .map(|t| RawAnswer {
                    topic: t.clone(),
                    business: RawScore::Value(1),
                    stakeholder: RawScore::Value(1),
                    comment: None,
                })
                .collect()
        },
        Lang::En,
    )
    .await
    .unwrap();
    match &late {
        SubmitOutcome::Invalid(errors) => {
            assert_eq!(errors.len(), 1, "{late:?}");
            assert_eq!(
                (errors[0].field.as_str(), errors[0].code),
                ("cycle", ErrorCode::CycleNotOpen)
            );
        }
        other => panic!("a confirmed cycle took an answer: {other:?}"),
    }
    assert_eq!(
        store::responses::save_draft(&db, &spare[1], &[])
            .await
            .unwrap(),
        DraftOutcome::Refused
    );
    let mut s = store::cycles::cycle(&db, cycle)
        .await
        .unwrap()
        .unwrap()
        .settings();
    s.name = "Renamed".into();
    assert_eq!(
        problem(store::cycles::update_settings(&db, &cli(), cycle, &s).await),
        Problem::Frozen
    );
    assert_eq!(
        problem(store::cycles::set_cycle_topics(&db, &cli(), cycle, &codes[..3]).await),
        Problem::Frozen
    );
    assert_eq!(
        problem(store::cycles::set_cycle_groups(&db, &cli(), cycle, &["EMP".to_string()]).await),
        Problem::Frozen
    );
    assert_eq!(
        problem(store::cycles::set_status(&db, &cli(), cycle, CycleStatus::Open).await),
        Problem::NotAllowed
    );
    assert_eq!(
        problem(store::cycles::delete_cycle(&db, &cli(), cycle).await),
        Problem::Frozen
    );
    assert!(matches!(
        store::links::invite(&db, &cli(), cycle, "EMP", 1).await,
        Err(StoreError::Refused(p)) if p[0].problem == Problem::Frozen
    ));
    assert!(matches!(
        store::links::create_open_link(&db, &cli(), cycle, "EMP", None).await,
        Err(StoreError::Refused(p)) if p[0].problem == Problem::Frozen
    ));
    assert!(matches!(
        store::links::revoke_unused(&db, &cli(), cycle, "CUS").await,
        Err(StoreError::Refused(p)) if p[0].problem == Problem::Frozen
    ));
    assert_eq!(
        problem(store::links::revoke_link(&db, &cli(), cycle, &spare[0]).await),
        Problem::Unknown
    );
    assert_eq!(
        problem(store::review::add_comment(&db, &reviewer, cycle, &codes[1], "late", None).await),
        Problem::NotInReview
    );
    assert_eq!(
        problem(
            store::review::set_override(&db, &admin, cycle, &codes[1], Some(true), "late").await
        ),
        Problem::NotInReview
    );
    assert_eq!(
        problem(store::review::set_override(&db, &admin, cycle, &codes[0], None, "undo").await),
        Problem::NotInReview
    );
    assert_eq!(
        problem(store::review::confirm(&db, &admin, cycle).await),
        Problem::NotInReview
    );
    // Recompute checks but never rewrites a confirmed cycle: a histogram edited behind the
    // application's back is reported and left as it is.
    let tamper = "UPDATE histograms SET n = n + ? WHERE cycle_id = ? AND value = 4
                  AND topic_code = (SELECT MIN(topic_code) FROM histograms WHERE cycle_id = ?)";
    let histograms = |db: Db| async move {
        sqlx::query_as::<_, (String, String, i64, i64, i64)>(
            "SELECT topic_code, axis, group_id, value, n FROM histograms WHERE cycle_id = ?
             ORDER BY 1, 2, 3, 4",
        )
        .bind(cycle)
        .fetch_all(&db)
        .await
        .unwrap()
    };
    let bump = |by: i64| {
        sqlx::query(tamper)
            .bind(by)
            .bind(cycle)
            .bind(cycle)
            .execute(&db)
    };
    assert_eq!(
        bump(1).await.unwrap().rows_affected(),
        2,
        "both axes of one topic"
    );
    let tampered = histograms(db.clone()).await;
    let differences = store::results::recompute(&db, &cli(), cycle).await.unwrap();
    assert_eq!(differences.len(), 2, "{differences:?}");
    assert!(differences
        .iter()
        .all(|(_, stored, counted)| stored - counted == 1));
    assert_eq!(histograms(db.clone()).await, tampered, "left as it was");
    bump(-1).await.unwrap();
    assert!(store::results::recompute(&db, &cli(), cycle)
        .await
        .unwrap()
        .is_empty());

    // Nothing changed: no new response, the same figures, the same links.
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM responses")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(n, 6);
    let unused: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM invitations WHERE revoked_at IS NULL AND used_at IS NULL",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(unused, 2);

    // Weights changed after confirmation do not move a confirmed result.
    sqlx::query("UPDATE stakeholder_groups SET weight = 9 WHERE code = 'EMP'")
        .execute(&db)
        .await
        .unwrap();
    let later = store::results::results(&db, cycle).await.unwrap().unwrap();
    assert_eq!(later, after);

    // The set-up and the review are on the record, in order, without any respondent's token; the
    // refused writes after confirmation left no entry, the two recomputes did.
    assert_eq!(
        audit_actions(&db).await,
        [
            "user.create",
            "user.create",
            "demo.seed",
            "links.create",
            "cycle.status",
            "links.create",
            "review.comment",
            "review.override",
            "cycle.confirm",
            "cycle.recompute",
            "cycle.recompute"
        ]
    );
    let all = store::audit::entries(&db, &Default::default())
        .await
        .unwrap();
    assert!(all
        .iter()
        .all(|e| spare.iter().all(|t| !format!("{e:?}").contains(t.as_str()))));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn changed_statistics_no_longer_match_the_stamp(db: Db) {
    let admin = user(&db, "admin@example.com", Role::Admin).await;
    let (cycle, _) = closed_cycle(&db, 5).await;
    store::review::confirm(&db, &admin, cycle).await.unwrap();
    sqlx::query("UPDATE histograms SET n = n + 1 WHERE cycle_id = ? AND value = 5")
        .bind(cycle)
        .execute(&db)
        .await
        .unwrap();
    let r = store::results::results(&db, cycle).await.unwrap().unwrap();
    assert!(!r.confirmation.unwrap().intact);
    // A filtered view checks the stamp against everyone's figures too.
    let emp = store::results::results_for(&db, cycle, &Respondents::parse("EMP"))
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(!emp.confirmation.unwrap().intact);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_cycle_without_answers_cannot_be_confirmed(db: Db) {
    let admin = user(&db, "admin@example.com", Role::Admin).await;
    let (cycle, _) = closed_cycle(&db, 0).await;
    assert_eq!(
        problem(store::review::confirm(&db, &admin, cycle).await),
        Problem::NoRows
    );
    // An open cycle is not under review.
    store::cycles::set_status(&db, &cli(), cycle, CycleStatus::Open)
        .await
        .unwrap();
    assert_eq!(
        problem(store::review::confirm(&db, &admin, cycle).await),
        Problem::NotInReview
    );
    // The refusals left nothing on the record: only the set-up is there.
    assert_eq!(
        audit_actions(&db).await,
        ["user.create", "demo.seed", "cycle.status", "cycle.status"]
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn editing_the_audit_log_is_refused_and_detected(db: Db) {
    let admin = user(&db, "admin@example.com", Role::Admin).await;
    let reviewer = user(&db, "reviewer@example.com", Role::Reviewer).await;
    let (cycle, codes) = closed_cycle(&db, 5).await;
    for (i, code) in codes.iter().take(3).enumerate() {
        store::review::add_comment(&db, &reviewer, cycle, code, &format!("comment {i}"), None)
            .await
            .unwrap();
    }
    store::review::set_note(&db, &admin, cycle, &codes[0], "Policy and targets")
        .await
        .unwrap();
    record(
        &db,
        &Actor::command_line(),
        store::audit::Action::new("user.create", "user x"),
    )
    .await;
    let n = audit_actions(&db).await.len();
    assert_eq!(store::audit::verify(&db).await.unwrap(), Ok(n));

    // The database itself refuses changes and removals.
    assert!(
        sqlx::query("UPDATE audit_log SET actor = 'someone' WHERE id = 2")
            .execute(&db)
            .await
            .is_err()
    );
    assert!(sqlx::query("DELETE FROM audit_log WHERE id = 5")
        .execute(&db)
        .await
        .is_err());

    // Someone with the database file can drop the guards; the chain still tells.
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET after = '{\"body\":\"edited\"}' WHERE id = 3")
        .execute(&db)
        .await
        .unwrap();
    let broken = store::audit::verify(&db).await.unwrap().unwrap_err();
    assert_eq!((broken.id, broken.reason.as_str()), (3, "hash"));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn cutting_the_log_back_past_a_confirmation_is_detected_by_its_anchor(db: Db) {
    let admin = user(&db, "admin@example.com", Role::Admin).await;
    let (cycle, _) = closed_cycle(&db, 5).await;
    let stamp = store::review::confirm(&db, &admin, cycle).await.unwrap();
    let anchor = stamp.audit_anchor.clone().expect("an anchor");
    let entries = store::audit::entries(&db, &Default::default())
        .await
        .unwrap();
    let own = entries.last().unwrap();
    assert_eq!(own.action, "cycle.confirm");
    assert_eq!(
        (own.id - 1, own.prev_hash.as_str()),
        (anchor.id, anchor.hash.as_str())
    );
    // The stored stamp reads back with it.
    let r = store::results::results(&db, cycle).await.unwrap().unwrap();
    assert_eq!(r.confirmation.unwrap().audit_anchor, Some(anchor));
    assert!(store::audit::verify(&db).await.unwrap().is_ok());
    // The confirmation's own entry cut from the end: the chain still holds, the anchor does not.
    sqlx::query("DROP TRIGGER audit_log_no_delete")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE id = ?")
        .bind(own.id)
        .execute(&db)
        .await
        .unwrap();
    let broken = store::audit::verify(&db).await.unwrap().unwrap_err();
    assert_eq!((broken.id, broken.reason.as_str()), (own.id - 1, "anchor"));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_removed_audit_entry_breaks_the_chain(db: Db) {
    let admin = user(&db, "admin@example.com", Role::Admin).await;
    for i in 0..4 {
        record(
            &db,
            &admin,
            store::audit::Action::new("topic.save", format!("topic E{i}")),
        )
        .await;
    }
    sqlx::query("DROP TRIGGER audit_log_no_delete")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE id = 2")
        .execute(&db)
        .await
        .unwrap();
    let broken = store::audit::verify(&db).await.unwrap().unwrap_err();
    assert_eq!((broken.id, broken.reason.as_str()), (3, "link"));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_confirmed_result_is_carried_forward_and_marked(db: Db) {
    let admin = user(&db, "admin@example.com", Role::Admin).await;
    let (source, codes) = closed_cycle(&db, 5).await;
    let next = store::cycles::copy_cycle(&db, &cli(), source)
        .await
        .unwrap();
    let why = "No major change in the business";

    // Only from a confirmed cycle.
    assert_eq!(
        problem(store::review::carry_forward(&db, &admin, next, source, why).await),
        Problem::NotConfirmed
    );
    // Never into itself: a draft is never a confirmed source.
    assert_eq!(
        problem(store::review::carry_forward(&db, &admin, next, next, why).await),
        Problem::NotConfirmed
    );
    store::review::set_override(
        &db,
        &admin,
        source,
        &codes[1],
        Some(false),
        "Merged into S2",
    )
    .await
    .unwrap();
    let stamp = store::review::confirm(&db, &admin, source).await.unwrap();
    store::review::carry_forward(&db, &admin, next, source, why)
        .await
        .unwrap();
    // Only once.
    assert_eq!(
        problem(store::review::carry_forward(&db, &admin, next, source, why).await),
        Problem::NotAllowed
    );

    let carried = store::results::results(&db, next).await.unwrap().unwrap();
    let original = store::results::results(&db, source).await.unwrap().unwrap();
    assert_eq!(carried.cycle.id, next);
    assert_eq!(carried.cycle.status, CycleStatus::Draft);
    let cf = carried.carried_forward.as_ref().unwrap();
    assert_eq!((cf.from, cf.rationale.as_str()), (source, why));
    assert!(
        carried.confirmation.is_none(),
        "provisional until confirmed itself"
    );
    assert_eq!(
        carried.topics, original.topics,
        "the same figures and overrides"
    );

    // It never opens for answers and takes no new topics; it is confirmed like any other.
    assert_eq!(
        problem(store::cycles::set_status(&db, &cli(), next, CycleStatus::Open).await),
        Problem::NotAllowed
    );
    assert_eq!(
        problem(store::cycles::set_cycle_topics(&db, &cli(), next, &codes[..2]).await),
        Problem::Frozen
    );
    let second = store::review::confirm(&db, &admin, next).await.unwrap();
    assert_eq!(second.statistics_hash, stamp.statistics_hash);
    assert_eq!(second.methodology, stamp.methodology);
    let confirmed = store::results::results(&db, next).await.unwrap().unwrap();
    assert!(confirmed.confirmation.unwrap().intact);
    assert!(confirmed.carried_forward.is_some());

    // A carry-forward made by mistake is undone by deleting the draft; confirmed, it stays.
    let third = store::cycles::copy_cycle(&db, &cli(), source)
        .await
        .unwrap();
    store::review::carry_forward(&db, &admin, third, source, why)
        .await
        .unwrap();
    store::cycles::delete_cycle(&db, &cli(), third)
        .await
        .unwrap();
    assert!(store::cycles::cycle(&db, third).await.unwrap().is_none());
    assert_eq!(
        problem(store::cycles::delete_cycle(&db, &cli(), next).await),
        Problem::Frozen
    );

    // Only a draft adopts another's result: not a confirmed cycle, and not a draft with answers (one
    // that was open and answered cannot go back to draft, so the answer is written here directly).
    assert_eq!(
        problem(store::review::carry_forward(&db, &admin, source, next, why).await),
        Problem::NotAllowed
    );
    let answered = store::cycles::copy_cycle(&db, &cli(), source)
        .await
        .unwrap();
    let link = store::links::invite(&db, &cli(), answered, "EMP", 1)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO responses (cycle_id, group_id, invitation_id, receipt, lang, submitted_at)
         SELECT cycle_id, group_id, id, 'r-answered', 'en', 0 FROM invitations WHERE cycle_id = ?",
    )
    .bind(answered)
    .execute(&db)
    .await
    .unwrap();
    assert_eq!(link.len(), 1);
    assert_eq!(
        problem(store::review::carry_forward(&db, &admin, answered, source, why).await),
        Problem::NotAllowed
    );
    assert_eq!(
        audit_actions(&db).await,
        [
            "user.create",
            "demo.seed",
            "links.create",
            "cycle.status",
            "cycle.copy",
            "review.override",
            "cycle.confirm",
            "cycle.carry_forward",
            "cycle.confirm",
            "cycle.copy",
            "cycle.carry_forward",
            "cycle.delete",
            "cycle.copy",
            "links.create"
        ]
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_override_applies_to_everyone_and_is_removed_with_a_reason(db: Db) {
    let admin = user(&db, "admin@example.com", Role::Admin).await;
    // Six employees: business 4 or 5, stakeholder 4: every topic is material as computed.
    let (cycle, codes) = closed_cycle(&db, 6).await;
    let topic = &codes[2];
    let find =
        |r: &app::domain::CycleResults| r.topics.iter().find(|t| &t.code == topic).unwrap().clone();
    store::review::set_override(&db, &admin, cycle, topic, Some(false), "Merged into S2")
        .await
        .unwrap();
    let all = find(&store::results::results(&db, cycle).await.unwrap().unwrap());
    assert!(!all.material && all.computed_material);
    assert_eq!(all.override_.as_ref().unwrap().reason, "Merged into S2");
    // A filtered view shows what its respondents' answers compute, without the override.
    let employees = store::results::results_for(&db, cycle, &Respondents::Group("EMP".into()))
        .await
        .unwrap()
        .unwrap()
        .expect("six employees reach k");
    let emp = find(&employees);
    assert!(emp.material && emp.computed_material);
    assert!(emp.override_.is_none());
    let internal = store::results::results_for(&db, cycle, &Respondents::Internal)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(find(&internal).override_.is_none() && find(&internal).material);

    // Removing it (with its reason: the HTTP test checks one is required) puts the computed
    // decision back, on the record.
    store::review::set_override(&db, &admin, cycle, topic, None, "Kept separate after all")
        .await
        .unwrap();
    let back = find(&store::results::results(&db, cycle).await.unwrap().unwrap());
    assert!(back.material && back.override_.is_none());
    let entries = store::audit::entries(&db, &Default::default())
        .await
        .unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.action, "review.remove_override");
    assert_eq!(
        last.after.as_deref(),
        Some(r#"{"material":null,"reason":"Kept separate after all"}"#)
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_audit_subject_filter_matches_whole_words(db: Db) {
    let admin = user(&db, "admin@example.com", Role::Admin).await;
    for subject in [
        "cycle 1",
        "cycle 12",
        "cycle 1 topic E1",
        "cycle 3 topic E12",
    ] {
        record(
            &db,
            &admin,
            store::audit::Action::new("test.entry", subject),
        )
        .await;
    }
    let subjects = |filter: &'static str| {
        let db = db.clone();
        async move {
            let filter = store::audit::AuditFilter {
                action: "test.".into(),
                subject: filter.into(),
                ..Default::default()
            };
            store::audit::entries(&db, &filter)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.subject)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(subjects("cycle 1").await, ["cycle 1", "cycle 1 topic E1"]);
    assert_eq!(subjects(" Cycle 12 ").await, ["cycle 12"]);
    assert_eq!(subjects("topic E1").await, ["cycle 1 topic E1"]);
    assert_eq!(subjects("").await.len(), 4);
    // LIKE's wildcards are taken as they are written.
    let ops = user(&db, "ops_team@example.com", Role::Admin).await;
    record(
        &db,
        &ops,
        store::audit::Action::new("test.entry", "cycle 5"),
    )
    .await;
    let by = |actor: &str| store::audit::AuditFilter {
        actor: actor.into(),
        action: "test.".into(),
        ..Default::default()
    };
    let n = |f| {
        let db = db.clone();
        async move { store::audit::entries(&db, &f).await.unwrap().len() }
    };
    assert_eq!(n(by("ops_team")).await, 1);
    assert_eq!(n(by("ops%team")).await, 0);
    assert_eq!(n(by("%")).await, 0);
    assert_eq!(subjects("cycle _").await.len(), 0);
}
