//! Store tests of the admin side: library import/export, deletion rules, cycles, links, drafts.
#![cfg(feature = "ssr")]

use app::domain::{
    CycleForm, CycleStatus, DraftOutcome, FieldProblem, GroupForm, Problem, RawAnswer, RawScore,
    RawTopic, SubmitOutcome, SurveyState,
};
use app::i18n::Lang;
use app::store::write::StoreError;
use app::store::{self, Db};

/// Who the store records as acting in these tests.
fn cli() -> app::store::audit::Actor {
    app::store::audit::Actor::command_line()
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

fn full_answers(codes: &[String]) -> Vec<RawAnswer> {
    codes
        .iter()
        .map(|c| RawAnswer {
            topic: c.clone(),
            business: RawScore::Value(4),
            stakeholder: RawScore::Value(3),
            comment: None,
        })
        .collect()
}

async fn answer(db: &Db, token: &str) -> SubmitOutcome {
    let answers = |codes: &[String]| full_answers(codes);
    let subs = store::responses::Submissions::start(db.clone());
    store::responses::submit(&subs, token, answers, Lang::En)
        .await
        .unwrap()
}

fn settings(name: &str) -> app::domain::CycleSettings {
    CycleForm {
        name: name.into(),
        year: "2026".into(),
        scale: "1-5".into(),
        k: "2".into(),
        threshold: "3.5".into(),
        threshold_rule: "both".into(),
        ..Default::default()
    }
    .check()
    .unwrap()
}

/// A draft cycle with the given topics and groups, opened.
async fn open_cycle(db: &Db, topics: &[&str], groups: &[&str]) -> i64 {
    let id = store::cycles::create_cycle(db, &cli(), &settings("Test cycle"))
        .await
        .unwrap();
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    store::cycles::set_cycle_topics(db, &cli(), id, &own(topics))
        .await
        .unwrap();
    store::cycles::set_cycle_groups(db, &cli(), id, &own(groups))
        .await
        .unwrap();
    store::cycles::set_status(db, &cli(), id, CycleStatus::Open)
        .await
        .unwrap();
    id
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_import_with_one_bad_row_writes_nothing_and_a_good_one_writes_all(db: Db) {
    let before = store::library::export(&db).await.unwrap();
    let bad = "code,category,name_zh,name_en\nE1,E,绿色运营,Green operations\nS1,X,数据安全,Data security\nG1,G,企业管治,Corporate governance\n";
    let refused = store::library::import(&db, &cli(), bad)
        .await
        .unwrap()
        .unwrap_err();
    assert!(!refused.ok());
    assert_eq!(
        refused.rows[1].problems,
        vec![FieldProblem::new("category", Problem::BadCategory)]
    );
    assert_eq!(store::library::export(&db).await.unwrap(), before);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM topics").await, 0);

    let good = bad.replace("S1,X,", "S1,S,");
    let done = store::library::import(&db, &cli(), &good)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.added, done.updated), (3, 0));
    let lib = store::library::export(&db).await.unwrap();
    let codes: Vec<&str> = lib.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(codes, ["E1", "S1", "G1"]);
    assert_eq!(lib[1].name.zh, "数据安全");

    // The export imports back to the same library, byte for byte, in both formats.
    for text in [app::domain::to_csv(&lib), app::domain::to_json(&lib)] {
        let again = store::library::import(&db, &cli(), &text)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.added, again.updated), (0, 0));
        assert_eq!(store::library::export(&db).await.unwrap(), lib);
    }
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_preset_is_the_reports_seventeen_topics(db: Db) {
    let csv = store::demo::preset_csv("report-2022").unwrap();
    let done = store::library::import(&db, &cli(), &csv)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.added, 17);
    assert!(store::demo::preset_csv("nope").is_none());
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn topic_edits_codes_and_deletion_rules(db: Db) {
    store::demo::seed(&db, &cli()).await.unwrap();
    let raw = |code: &str, en: &str| RawTopic {
        code: code.into(),
        category: "E".into(),
        name_zh: "新议题".into(),
        name_en: en.into(),
        ..Default::default()
    };
    // A duplicate code and an empty name are refused by field, and nothing changes.
    let n = count(&db, "SELECT COUNT(*) FROM topics").await;
    let r = store::library::save_topic(&db, &cli(), None, &raw("E1", "Copy")).await;
    assert_eq!(
        r,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "code",
            Problem::DuplicateCode
        )]))
    );
    let r = store::library::save_topic(&db, &cli(), None, &raw("E9", " ")).await;
    assert_eq!(
        r,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "name_en",
            Problem::Required
        )]))
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM topics").await, n);
    // A new topic goes last; it can move up and be deleted while unanswered.
    store::library::save_topic(&db, &cli(), None, &raw("E9", "Water"))
        .await
        .unwrap();
    assert!(store::library::move_topic(&db, &cli(), "E9", true)
        .await
        .unwrap());
    let order: Vec<String> = store::library::export(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.code)
        .collect();
    assert_eq!(order[order.len() - 2], "E9");
    assert!(!store::library::move_topic(&db, &cli(), &order[0], true)
        .await
        .unwrap());

    // E1 has an answer in the demo cycle: it can be retired, not deleted.
    let tokens = store::links::invite(&db, &cli(), 1, "EMP", 1)
        .await
        .unwrap();
    assert!(matches!(
        answer(&db, &tokens[0]).await,
        SubmitOutcome::Stored { .. }
    ));
    assert_eq!(
        store::library::delete_topic(&db, &cli(), "E1").await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "code",
            Problem::InUse
        )]))
    );
    store::library::set_topic_active(&db, &cli(), "E1", false)
        .await
        .unwrap();
    assert_eq!(
        store::library::delete_topic(&db, &cli(), "E9").await,
        Ok(())
    );
    assert_eq!(
        store::library::delete_topic(&db, &cli(), "E9").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM topics").await, n);
    // The cycle still asks E1 as it was, and its answers are intact.
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM cycle_topics WHERE code = 'E1'").await,
        1
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_cycle_with_answers_freezes_its_topics_and_scale_and_cannot_be_deleted(db: Db) {
    store::demo::seed(&db, &cli()).await.unwrap();
    let id = open_cycle(&db, &["E1", "S1", "G1"], &["EMP", "CUS"]).await;
    let tokens = store::links::invite(&db, &cli(), id, "CUS", 2)
        .await
        .unwrap();
    // Before any answer the topic list may still change.
    store::cycles::set_cycle_topics(&db, &cli(), id, &["E1".into(), "S1".into()])
        .await
        .unwrap();
    assert!(matches!(
        answer(&db, &tokens[0]).await,
        SubmitOutcome::Stored { .. }
    ));
    let frozen = store::cycles::set_cycle_topics(&db, &cli(), id, &["E1".into()]).await;
    assert_eq!(
        frozen,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "topics",
            Problem::Frozen
        )]))
    );
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM cycle_topics WHERE cycle_id = {id}")
        )
        .await,
        2
    );
    let mut seven = settings("Test cycle");
    seven.scale = app::domain::Scale::new(1, 7).unwrap();
    seven.labels = app::domain::ScaleLabels::default_for(seven.scale);
    assert_eq!(
        store::cycles::update_settings(&db, &cli(), id, &seven).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "scale",
            Problem::Frozen
        )]))
    );
    // The name and k may still change.
    let mut renamed = settings("Renamed");
    renamed.k = 3;
    store::cycles::update_settings(&db, &cli(), id, &renamed)
        .await
        .unwrap();
    let now = store::cycles::cycle(&db, id)
        .await
        .unwrap()
        .unwrap()
        .settings();
    assert_eq!((now.name.as_str(), now.k), ("Renamed", 3));
    // A group with links stays in the cycle.
    assert_eq!(
        store::cycles::set_cycle_groups(&db, &cli(), id, &["EMP".into()]).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "groups",
            Problem::InUse
        )]))
    );
    assert_eq!(
        store::cycles::delete_cycle(&db, &cli(), id).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "cycle",
            Problem::InUse
        )]))
    );
    // A cycle nobody answered goes, with its links.
    let empty = open_cycle(&db, &["E1"], &["EMP"]).await;
    store::links::invite(&db, &cli(), empty, "EMP", 3)
        .await
        .unwrap();
    store::cycles::delete_cycle(&db, &cli(), empty)
        .await
        .unwrap();
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM invitations WHERE cycle_id = {empty}")
        )
        .await,
        0
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn status_moves_need_topics_and_groups(db: Db) {
    store::demo::seed(&db, &cli()).await.unwrap();
    let id = store::cycles::create_cycle(&db, &cli(), &settings("Empty"))
        .await
        .unwrap();
    let open =
        |db: Db| async move { store::cycles::set_status(&db, &cli(), id, CycleStatus::Open).await };
    assert_eq!(
        open(db.clone()).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "topics",
            Problem::NoneChosen
        )]))
    );
    store::cycles::set_cycle_topics(&db, &cli(), id, &["E1".into()])
        .await
        .unwrap();
    assert_eq!(
        open(db.clone()).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "groups",
            Problem::NoneChosen
        )]))
    );
    store::cycles::set_cycle_groups(&db, &cli(), id, &["EMP".into()])
        .await
        .unwrap();
    assert_eq!(open(db.clone()).await, Ok(()));
    assert_eq!(
        store::cycles::set_status(&db, &cli(), id, CycleStatus::Draft).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "status",
            Problem::NotAllowed
        )]))
    );
    // Links can only be made for groups of the cycle.
    assert_eq!(
        store::links::invite(&db, &cli(), id, "CUS", 1).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "group",
            Problem::Unknown
        )]))
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn copying_a_cycle_keeps_its_questions_and_groups(db: Db) {
    store::demo::seed(&db, &cli()).await.unwrap();
    let id = open_cycle(&db, &["E1", "S1"], &["EMP", "CUS"]).await;
    // A later library edit must not reach the copy: it copies what the cycle asked.
    sqlx::query("UPDATE topics SET name_en = 'Changed' WHERE code = 'E1'")
        .execute(&db)
        .await
        .unwrap();
    let copy = store::cycles::copy_cycle(&db, &cli(), id).await.unwrap();
    let d = store::cycles::cycle_detail(&db, copy)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.status, CycleStatus::Draft);
    assert_eq!(d.copied_from, Some(id));
    assert_eq!(d.settings.year, 2027);
    assert_eq!(d.topics, ["E1", "S1"]);
    let original = store::cycles::cycle_detail(&db, id).await.unwrap().unwrap();
    assert_eq!(d.groups, original.groups);
    assert_eq!(d.groups.len(), 2);
    let topics = store::cycles::cycle_topics(&db, copy).await.unwrap();
    assert_eq!(topics[0].name.en, "Green operations");
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn links_revoke_open_links_drafts_and_progress(db: Db) {
    store::demo::seed(&db, &cli()).await.unwrap();
    let id = open_cycle(&db, &["E1", "S1"], &["EMP", "CUS"]).await;
    let tokens = store::links::invite(&db, &cli(), id, "EMP", 3)
        .await
        .unwrap();
    // Opening a link is counted; a draft comes back with the link and goes when it is submitted.
    let state = store::responses::survey(&db, &tokens[0], |_| false)
        .await
        .unwrap();
    assert!(matches!(state, SurveyState::Open(ref v) if v.draft.is_empty() && !v.open_link));
    let fields = vec![
        ("b.E1".to_string(), "4".to_string()),
        ("c.E1".to_string(), "草稿".to_string()),
        ("bogus".to_string(), "x".to_string()),
    ];
    assert!(matches!(
        store::responses::save_draft(&db, &tokens[0], &fields)
            .await
            .unwrap(),
        DraftOutcome::Saved(_)
    ));
    match store::responses::survey(&db, &tokens[0], |_| false)
        .await
        .unwrap()
    {
        SurveyState::Open(v) => assert_eq!(v.draft, fields[..2].to_vec()),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        answer(&db, &tokens[0]).await,
        SubmitOutcome::Stored {
            open_link: false,
            ..
        }
    ));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM drafts").await, 0);

    // One link revoked by hand, the rest as "unused"; revoked links answer nothing.
    let link = format!("http://example.org/s/{}", tokens[1]);
    store::links::revoke_link(&db, &cli(), id, &link)
        .await
        .unwrap();
    assert_eq!(
        store::links::revoke_link(&db, &cli(), id, &tokens[0]).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "link",
            Problem::Unknown
        )]))
    );
    assert_eq!(
        store::links::revoke_unused(&db, &cli(), id, "EMP")
            .await
            .unwrap(),
        1
    );
    assert_eq!(answer(&db, &tokens[2]).await, SubmitOutcome::Revoked);
    assert!(matches!(
        store::responses::survey(&db, &tokens[2], |_| false)
            .await
            .unwrap(),
        SurveyState::Revoked
    ));

    // An open link takes any number of answers, each its own response; a new one stops the old.
    let open = store::links::create_open_link(&db, &cli(), id, "CUS", None)
        .await
        .unwrap();
    for _ in 0..2 {
        assert!(matches!(
            answer(&db, &open).await,
            SubmitOutcome::Stored {
                open_link: true,
                ..
            }
        ));
    }
    let link_id = store::responses::open_link_id(&db, &open)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        store::responses::survey(&db, &open, |i| i == link_id)
            .await
            .unwrap(),
        SurveyState::AnsweredHere
    ));
    assert_eq!(
        store::responses::save_draft(&db, &open, &[]).await.unwrap(),
        DraftOutcome::Refused
    );
    let newer = store::links::create_open_link(&db, &cli(), id, "CUS", None)
        .await
        .unwrap();
    assert_eq!(answer(&db, &open).await, SubmitOutcome::Revoked);
    assert!(matches!(
        answer(&db, &newer).await,
        SubmitOutcome::Stored { .. }
    ));

    let p = store::links::progress(&db, id).await.unwrap();
    let emp = p.iter().find(|g| g.code == "EMP").unwrap();
    assert_eq!(
        (emp.invited, emp.opened, emp.submitted, emp.revoked),
        (1, 1, 1, 2)
    );
    let cus = p.iter().find(|g| g.code == "CUS").unwrap();
    assert_eq!((cus.invited, cus.submitted, cus.open_link), (0, 3, true));
    assert_eq!(cus.needed(2), 0);
    assert_eq!(emp.needed(2), 1);
    // Histograms count every stored response once.
    assert_eq!(
        count(
            &db,
            &format!("SELECT SUM(n) FROM histograms WHERE cycle_id = {id} AND topic_code = 'E1' AND axis = 'business'")
        )
        .await,
        4
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn groups_weights_follow_ratings_unless_set(db: Db) {
    let form = GroupForm {
        code: "NGO".into(),
        name_zh: "非政府组织".into(),
        name_en: "NGOs".into(),
        kind: "external".into(),
        affected_by: "5".into(),
        affects: "4".into(),
        concerns_en: "Climate".into(),
        ..Default::default()
    };
    store::groups::save_group(&db, &cli(), None, &form)
        .await
        .unwrap();
    assert_eq!(
        store::groups::save_group(&db, &cli(), None, &form).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "code",
            Problem::DuplicateCode
        )]))
    );
    let g = &store::groups::group_records(&db).await.unwrap()[0];
    assert_eq!((g.weight, g.weight_manual), (1.5, false));
    let manual = GroupForm {
        weight: "0.5".into(),
        ..form
    };
    store::groups::save_group(&db, &cli(), Some("NGO"), &manual)
        .await
        .unwrap();
    // The aggregation reads the weight the admin set.
    let info = store::cycles::groups(&db).await.unwrap();
    assert_eq!(info[0].weight, 0.5);
    store::groups::set_group_active(&db, &cli(), "NGO", false)
        .await
        .unwrap();
    assert!(!store::groups::group_records(&db).await.unwrap()[0].active);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn expired_sessions_are_swept_at_the_next_sign_in(db: Db) {
    let a = store::auth::create_user(
        &db,
        &cli(),
        "a@example.com",
        "long enough password",
        store::auth::Role::Reviewer,
    )
    .await
    .unwrap();
    let b = store::auth::create_user(
        &db,
        &cli(),
        "b@example.com",
        "long enough password",
        store::auth::Role::Admin,
    )
    .await
    .unwrap();
    let old = store::auth::create_session(&db, &a).await.unwrap();
    let live = store::auth::create_session(&db, &a).await.unwrap();
    // The first session ran out of time (moved 12 hours back, as if it were that old).
    sqlx::query("UPDATE sessions SET created_at = created_at - 43200, expires_at = expires_at - 43200 WHERE token_hash = ?")
        .bind(store::hash_secret(&old))
        .execute(&db)
        .await
        .unwrap();
    assert!(store::auth::session_user(&db, &old)
        .await
        .unwrap()
        .is_none());
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, 2);
    // Anyone's sign-in sweeps it; live sessions stay.
    store::auth::create_session(&db, &b).await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, 2);
    assert!(store::auth::session_user(&db, &live)
        .await
        .unwrap()
        .is_some());
}
