//! E-mail distribution in the store: recipients added all or none, the outbox, reminders with fresh
//! links, opt-outs, erasure, and the anonymity promise checked on the named columns and on the bytes
//! of the database file.
#![cfg(feature = "ssr")]

use app::domain::{Problem, RawAnswer, RawScore, SubmitOutcome, SurveyState};
use app::i18n::Lang;
use app::store::mail::{self, Claimed};
use app::store::responses::Submissions;
use app::store::write::StoreError;
use app::store::{self, Db};

fn cli() -> app::store::audit::Actor {
    app::store::audit::Actor::command_line()
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

/// A database file of its own, opened as the server opens it (secure_delete, WAL).
async fn file_db(name: &str) -> (Db, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "materiality-mail-{name}-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.db");
    let db = store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    (db, path)
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
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

fn answers(codes: &[String]) -> Vec<RawAnswer> {
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

/// Takes every due message, as the sender does, and reports each accepted.
async fn deliver_all(db: &Db) -> Vec<Claimed> {
    let mut out = Vec::new();
    while let Some(c) = mail::claim(db).await.unwrap() {
        mail::sent(db, c.outbox_id).await.unwrap();
        out.push(c);
    }
    out
}

const LIST: &str =
    "email,lang,name\nann@example.com,en,Ann\nbo@example.com,zh,薄\ncy@example.com,en,\n";

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_list_with_a_problem_adds_nobody_and_a_clean_one_adds_everyone(db: Db) {
    let (cycle, _) = demo(&db).await;
    let bad =
        "ann@example.com,en\nnot an address,en\nann@EXAMPLE.com,zh\nbo@example.com,en,,NOPE\n";
    let refused = mail::add_recipients(&db, &cli(), cycle, bad, Some("EMP"))
        .await
        .unwrap()
        .unwrap_err();
    let problems: Vec<(usize, &str, Problem)> = refused
        .rows
        .iter()
        .flat_map(|r| {
            r.problems
                .iter()
                .map(|p| (r.line, p.field.as_str(), p.problem))
        })
        .collect();
    assert_eq!(
        problems,
        vec![
            (2, "email", Problem::BadAddress),
            (3, "email", Problem::DuplicateCode),
            (4, "group", Problem::Unknown)
        ]
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM recipients").await, 0);
    let audit_before = count(&db, "SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(
        mail::add_recipients(&db, &cli(), cycle, LIST, Some("EMP"))
            .await
            .unwrap(),
        Ok(3)
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM recipients").await, 3);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM audit_log").await,
        audit_before + 1
    );
    let entry: String = sqlx::query_scalar("SELECT after FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(
        !entry.contains("example.com"),
        "the log holds no address: {entry}"
    );
    // The same addresses again are duplicates of the cycle's.
    let again = mail::add_recipients(&db, &cli(), cycle, "ANN@example.com,en", Some("EMP"))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(again.rows[0].problems[0].problem, Problem::DuplicateCode);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn invitations_make_links_that_answer_once_and_cut_the_recipient_off(db: Db) {
    let (cycle, codes) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, LIST, Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mail::send_invitations(&db, &cli(), cycle).await.unwrap(), 3);
    // Twice queues nothing more.
    assert_eq!(mail::send_invitations(&db, &cli(), cycle).await.unwrap(), 0);
    let sent = deliver_all(&db).await;
    assert_eq!(sent.len(), 3);
    let by_lang: Vec<(String, Lang)> = sent.iter().map(|c| (c.to.clone(), c.lang)).collect();
    assert!(by_lang.contains(&("bo@example.com".into(), Lang::Zh)));
    assert!(by_lang.contains(&("ann@example.com".into(), Lang::En)));
    // The invitations have random ids and no date: their order and stamps say nothing.
    let stamps: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, created_at FROM invitations WHERE emailed ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(stamps.len(), 3);
    // Random 62-bit ids: one below 2^32 by chance has odds of one in a billion.
    assert!(
        stamps.iter().all(|(id, at)| *id > 1 << 32 && *at == 0),
        "{stamps:?}"
    );

    let ann = sent.iter().find(|c| c.to == "ann@example.com").unwrap();
    let token = ann.token.clone().unwrap();
    let subs = Submissions::start(db.clone());
    let stored = store::responses::submit(
        &subs,
        &token,
        {
            let a = answers(&codes);
            move |_| a
        },
        Lang::En,
    )
    .await
    .unwrap();
    assert!(matches!(stored, SubmitOutcome::Stored { .. }), "{stored:?}");
    // Cut: Ann is "answered", with no invitation and no time; her response keeps only its day.
    let row: (Option<i64>, bool, Option<String>) = sqlx::query_as(
        "SELECT invitation_id, answered, email FROM recipients WHERE email = 'ann@example.com'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((row.0, row.1), (None, true));
    let when: (i64, i64) = sqlx::query_as(
        "SELECT r.submitted_at, i.used_at FROM responses r JOIN invitations i ON i.id = r.invitation_id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((when.0 % 86_400, when.1 % 86_400), (0, 0), "{when:?}");
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM recipients re JOIN responses r ON r.invitation_id = re.invitation_id"
        )
        .await,
        0
    );
    // A reminder goes to the two others only.
    assert_eq!(mail::send_reminders(&db, &cli(), cycle).await.unwrap(), 2);
    let reminded = deliver_all(&db).await;
    let mut to: Vec<&str> = reminded.iter().map(|c| c.to.as_str()).collect();
    to.sort();
    assert_eq!(to, ["bo@example.com", "cy@example.com"]);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_reminder_revokes_the_old_link_and_moves_the_draft(db: Db) {
    let (cycle, codes) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, "bo@example.com,zh", Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    mail::send_invitations(&db, &cli(), cycle).await.unwrap();
    let first = deliver_all(&db).await.remove(0).token.unwrap();
    // Opened, and half answered and saved.
    let state = store::responses::survey(&db, &first, |_| false)
        .await
        .unwrap();
    assert!(matches!(state, SurveyState::Open(_)));
    let field = app::domain::form_field('b', &codes[0]);
    store::responses::save_draft(&db, &first, &[(field.clone(), "5".into())])
        .await
        .unwrap();
    mail::send_reminders(&db, &cli(), cycle).await.unwrap();
    let second = deliver_all(&db).await.remove(0).token.unwrap();
    assert_ne!(first, second);
    assert!(matches!(
        store::responses::survey(&db, &first, |_| false)
            .await
            .unwrap(),
        SurveyState::Revoked
    ));
    match store::responses::survey(&db, &second, |_| false)
        .await
        .unwrap()
    {
        SurveyState::Open(view) => assert_eq!(view.draft, vec![(field, "5".to_string())]),
        other => panic!("{other:?}"),
    }
    let r: (bool, i64) = sqlx::query_as("SELECT opened, reminders FROM recipients")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(r, (true, 1));
    // No e-mailed invitation carries a date, opened or revoked ones included.
    let dated = "SELECT COUNT(*) FROM invitations
                 WHERE emailed AND (created_at <> 0 OR opened_at <> 0 OR revoked_at <> 0)";
    assert_eq!(count(&db, dated).await, 0);
    // Only the reminded link counts as invited; the replaced one is not a revoked link.
    let progress = store::links::progress(&db, cycle).await.unwrap();
    let p = progress.iter().find(|g| g.code == "EMP").unwrap();
    assert_eq!((p.invited, p.revoked), (1, 0));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_reminder_that_fails_leaves_the_earlier_link_working(db: Db) {
    let (cycle, codes) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, "bo@example.com,zh", Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    mail::send_invitations(&db, &cli(), cycle).await.unwrap();
    let first = deliver_all(&db).await.remove(0).token.unwrap();
    mail::send_reminders(&db, &cli(), cycle).await.unwrap();
    let reminder = mail::claim(&db).await.unwrap().unwrap();
    // While the reminder is being sent, the first link still works.
    assert!(matches!(
        store::responses::survey(&db, &first, |_| false)
            .await
            .unwrap(),
        SurveyState::Open(_)
    ));
    mail::failed(
        &db,
        reminder.outbox_id,
        "permanent error (550): gone",
        true,
        30,
    )
    .await
    .unwrap();
    assert!(matches!(
        store::responses::survey(&db, &first, |_| false)
            .await
            .unwrap(),
        SurveyState::Open(_)
    ));
    assert!(matches!(
        store::responses::survey(&db, reminder.token.as_ref().unwrap(), |_| false)
            .await
            .unwrap(),
        SurveyState::Revoked
    ));
    // The person answers through the first link: counted once, cut off.
    let subs = Submissions::start(db.clone());
    let a = answers(&codes);
    let stored = store::responses::submit(&subs, &first, move |_| a, Lang::Zh)
        .await
        .unwrap();
    assert!(matches!(stored, SubmitOutcome::Stored { .. }), "{stored:?}");
    let cut: (Option<i64>, Option<i64>, bool) =
        sqlx::query_as("SELECT invitation_id, pending_invitation_id, answered FROM recipients")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(cut, (None, None, true));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_answer_through_a_link_still_being_sent_cuts_both_links(db: Db) {
    let (cycle, codes) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, "bo@example.com,zh", Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    mail::send_invitations(&db, &cli(), cycle).await.unwrap();
    let first = deliver_all(&db).await.remove(0).token.unwrap();
    mail::send_reminders(&db, &cli(), cycle).await.unwrap();
    let reminder = mail::claim(&db).await.unwrap().unwrap();
    // The mail server delivered it and the person answered before the sender recorded it.
    let subs = Submissions::start(db.clone());
    let a = answers(&codes);
    let token = reminder.token.clone().unwrap();
    let stored = store::responses::submit(&subs, &token, move |_| a, Lang::Zh)
        .await
        .unwrap();
    assert!(matches!(stored, SubmitOutcome::Stored { .. }), "{stored:?}");
    mail::sent(&db, reminder.outbox_id).await.unwrap();
    let cut: (Option<i64>, Option<i64>, bool) =
        sqlx::query_as("SELECT invitation_id, pending_invitation_id, answered FROM recipients")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(cut, (None, None, true));
    // The other link cannot answer a second time.
    let a = answers(&codes);
    assert_eq!(
        store::responses::submit(&subs, &first, move |_| a, Lang::Zh)
            .await
            .unwrap(),
        SubmitOutcome::Revoked
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_invitation_that_failed_can_be_sent_again_and_replies_go_with_the_address(db: Db) {
    let (cycle, _) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, "ann@example.com,en", Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    mail::send_invitations(&db, &cli(), cycle).await.unwrap();
    let c = mail::claim(&db).await.unwrap().unwrap();
    mail::failed(
        &db,
        c.outbox_id,
        "451 <ann@example.com> try later",
        false,
        30,
    )
    .await
    .unwrap();
    sqlx::query("UPDATE outbox SET attempts = 8, next_at = 0")
        .execute(&db)
        .await
        .unwrap();
    let c = mail::claim(&db).await.unwrap().unwrap();
    mail::failed(
        &db,
        c.outbox_id,
        "451 <ann@example.com> try later",
        false,
        30,
    )
    .await
    .unwrap();
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM outbox WHERE status = 'failed'").await,
        1
    );
    assert_eq!(mail::send_invitations(&db, &cli(), cycle).await.unwrap(), 1);
    let id: i64 = sqlx::query_scalar("SELECT id FROM recipients")
        .fetch_one(&db)
        .await
        .unwrap();
    mail::erase_recipient(&db, &cli(), cycle, id).await.unwrap();
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM outbox WHERE reply LIKE '%ann@%'").await,
        0
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn opting_out_erases_the_address_keeps_its_hash_and_stops_every_message(db: Db) {
    let (cycle, _) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, LIST, Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    mail::send_invitations(&db, &cli(), cycle).await.unwrap();
    let sent = deliver_all(&db).await;
    let cy = sent.iter().find(|c| c.to == "cy@example.com").unwrap();
    // A reminder in between: the first message's opt-out link still works (it is the same).
    mail::send_reminders(&db, &cli(), cycle).await.unwrap();
    let reminded = deliver_all(&db).await;
    let again = reminded.iter().find(|c| c.to == "cy@example.com").unwrap();
    assert_eq!(again.optout_token, cy.optout_token);
    let optout = cy.optout_token.clone().unwrap();
    assert!(!mail::opt_out(&db, cy.token.as_ref().unwrap())
        .await
        .unwrap());
    assert!(mail::opt_out(&db, &optout).await.unwrap());
    assert!(!mail::opt_out(&db, &optout).await.unwrap(), "once");
    assert!(!mail::opt_out(&db, "not-a-token").await.unwrap());
    let left = "SELECT COUNT(*) FROM recipients WHERE email LIKE 'cy@%' OR optout_token IS NULL";
    assert_eq!(count(&db, left).await, 1, "erased, token and all");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mail_optouts").await, 1);
    // No reminder for the opted out; the address cannot be added again, in any case.
    assert_eq!(mail::send_reminders(&db, &cli(), cycle).await.unwrap(), 2);
    let preview = mail::preview_recipients(&db, cycle, "CY@example.com,en", Some("EMP"))
        .await
        .unwrap();
    assert_eq!(preview.rows[0].problems[0].problem, Problem::OptedOut);
    let (groups, _, _) = mail::progress(&db, cycle).await.unwrap();
    let emp = groups.iter().find(|g| g.code == "EMP").unwrap();
    assert_eq!((emp.recipients, emp.emailed, emp.opted_out), (3, 3, 1));
    // Already in another cycle, the address gets nothing there either.
    let other = store::cycles::copy_cycle(&db, &cli(), cycle).await.unwrap();
    sqlx::query(
        "INSERT INTO recipients (cycle_id, group_id, email, lang, created_at)
         SELECT ?, id, 'CY@example.com', 'en', 0 FROM stakeholder_groups WHERE code = 'EMP'",
    )
    .bind(other)
    .execute(&db)
    .await
    .unwrap();
    store::cycles::set_status(&db, &cli(), other, app::domain::CycleStatus::Open)
        .await
        .unwrap();
    deliver_all(&db).await;
    assert_eq!(mail::send_invitations(&db, &cli(), other).await.unwrap(), 1);
    assert!(mail::claim(&db).await.unwrap().is_none());
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_waiting_message_to_someone_who_answered_is_cancelled(db: Db) {
    let (cycle, codes) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, "ann@example.com,en", Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    mail::send_invitations(&db, &cli(), cycle).await.unwrap();
    let token = deliver_all(&db).await.remove(0).token.unwrap();
    mail::send_reminders(&db, &cli(), cycle).await.unwrap();
    let subs = Submissions::start(db.clone());
    let a = answers(&codes);
    store::responses::submit(&subs, &token, move |_| a, Lang::En)
        .await
        .unwrap();
    assert!(mail::claim(&db).await.unwrap().is_none());
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM outbox WHERE status = 'cancelled'"
        )
        .await,
        1
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn temporary_failures_wait_and_permanent_ones_bounce(db: Db) {
    let (cycle, _) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, LIST, Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    mail::send_invitations(&db, &cli(), cycle).await.unwrap();
    let a = mail::claim(&db).await.unwrap().unwrap();
    mail::failed(
        &db,
        a.outbox_id,
        "transient error (451): try later",
        false,
        30,
    )
    .await
    .unwrap();
    let b = mail::claim(&db).await.unwrap().unwrap();
    mail::failed(
        &db,
        b.outbox_id,
        "permanent error (550): no such user",
        true,
        30,
    )
    .await
    .unwrap();
    // The first waits its back-off: not due now.
    let c = mail::claim(&db).await.unwrap().unwrap();
    assert_ne!(c.outbox_id, a.outbox_id);
    mail::sent(&db, c.outbox_id).await.unwrap();
    assert!(mail::claim(&db).await.unwrap().is_none());
    let (groups, queue, failures) = mail::progress(&db, cycle).await.unwrap();
    assert_eq!((queue.waiting, queue.sent, queue.failed), (1, 1, 1));
    assert_eq!(failures[0].reply, "permanent error (550): no such user");
    assert_eq!(failures[0].to.as_deref(), Some(b.to.as_str()));
    assert_eq!(groups.iter().find(|g| g.code == "EMP").unwrap().bounced, 1);
    // Due again, it is taken with a fresh link.
    sqlx::query("UPDATE outbox SET next_at = 0 WHERE id = ?")
        .bind(a.outbox_id)
        .execute(&db)
        .await
        .unwrap();
    let again = mail::claim(&db).await.unwrap().unwrap();
    assert_eq!((again.outbox_id, again.attempt), (a.outbox_id, 2));
    assert_ne!(again.token, a.token);
    assert_eq!(mail::backoff(30, 1), 30);
    assert_eq!(mail::backoff(30, 3), 120);
    assert_eq!(mail::backoff(30, 40), 3_600);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_message_being_sent_when_the_process_stopped_is_sent_again(db: Db) {
    let (cycle, _) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, "ann@example.com,en", Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    mail::send_invitations(&db, &cli(), cycle).await.unwrap();
    let lost = mail::claim(&db).await.unwrap().unwrap();
    assert!(mail::claim(&db).await.unwrap().is_none(), "taken once");
    assert_eq!(mail::recover(&db).await.unwrap(), 1);
    let again = mail::claim(&db).await.unwrap().unwrap();
    assert_eq!(again.outbox_id, lost.outbox_id);
    // The link of the message that may have gone out no longer works; the new one does.
    assert!(matches!(
        store::responses::survey(&db, lost.token.as_ref().unwrap(), |_| false)
            .await
            .unwrap(),
        SurveyState::Revoked
    ));
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn confirmation_erasure_and_requests_forget_addresses(db: Db) {
    let (cycle, _) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, LIST, Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM recipients ORDER BY id")
        .fetch_all(&db)
        .await
        .unwrap();
    mail::erase_recipient(&db, &cli(), cycle, ids[0])
        .await
        .unwrap();
    assert_eq!(
        mail::erase_recipient(&db, &cli(), cycle, ids[0]).await,
        Err(StoreError::Refused(vec![app::domain::FieldProblem::new(
            "recipient",
            Problem::Unknown
        )]))
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM recipients WHERE email IS NULL").await,
        1
    );
    // A closing date more than the retention ago erases the rest.
    assert_eq!(mail::erase_expired(&db, 30).await.unwrap(), 0);
    sqlx::query("UPDATE cycles SET closes_on = '2000-01-01' WHERE id = ?")
        .bind(cycle)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(mail::erase_expired(&db, 30).await.unwrap(), 2);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM recipients WHERE email IS NOT NULL"
        )
        .await,
        0
    );
}

/// The database file and its write-ahead log, read.
fn files(path: &std::path::Path) -> Vec<Vec<u8>> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    [path.to_path_buf(), std::path::PathBuf::from(wal)]
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}

fn positions(bytes: &[u8], needle: &[u8]) -> Vec<usize> {
    bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

fn in_files(path: &std::path::Path, needle: &[u8]) -> bool {
    files(path).iter().any(|b| !positions(b, needle).is_empty())
}

/// Whether `a` and `b` occur within `span` bytes of each other anywhere in the files (in one
/// record, as a recipient's address and its link are).
fn near(path: &std::path::Path, a: &[u8], b: &[u8], span: usize) -> bool {
    files(path).iter().any(|bytes| {
        let bs = positions(bytes, b);
        positions(bytes, a)
            .iter()
            .any(|&i| bs.iter().any(|&j| i.abs_diff(j) <= span))
    })
}

#[tokio::test]
async fn after_an_answer_the_database_file_holds_no_trace_of_whose_it_is() {
    let (db, path) = file_db("trace").await;
    let (cycle, codes) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, LIST, Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    mail::send_invitations(&db, &cli(), cycle).await.unwrap();
    let sent = deliver_all(&db).await;
    let ann = sent.iter().find(|c| c.to == "ann@example.com").unwrap();
    let token = ann.token.clone().unwrap();
    let invitation: i64 =
        sqlx::query_scalar("SELECT invitation_id FROM recipients WHERE email = 'ann@example.com'")
            .fetch_one(&db)
            .await
            .unwrap();
    // The recipient's link as SQLite writes it in a record: a big-endian integer of 8 bytes (the
    // ids are random 62-bit numbers, so these 8 bytes occur nowhere by chance), in the record that
    // holds the address.
    let needle = invitation.to_be_bytes();
    let address = b"ann@example.com";
    // Many more recipients with links, half of them sorting before Ann's and half after, so that the
    // index of recipients' links spans pages and Ann's entry is not where the cut's new entry (a
    // NULL, sorting first) goes: a deleted entry's bytes stay unless secure_delete zeroes them.
    let mut tx = db.begin().await.unwrap();
    for i in 0..2_000i64 {
        let id = if i % 2 == 0 {
            1 + i * (invitation / 4_000)
        } else {
            invitation + 1 + i
        };
        sqlx::query(
            "INSERT INTO invitations (id, cycle_id, group_id, token_hash, created_at, emailed)
             SELECT ?, ?, id, ?, 0, TRUE FROM stakeholder_groups WHERE code = 'EMP'",
        )
        .bind(id)
        .bind(cycle)
        .bind(format!("bulk-{i}"))
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO recipients (cycle_id, group_id, email, lang, invitation_id, created_at)
             SELECT ?, id, ?, 'en', ?, 0 FROM stakeholder_groups WHERE code = 'EMP'",
        )
        .bind(cycle)
        .bind(format!("bulk{i}@example.com"))
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    assert!(store::checkpoint(&db).await.unwrap());
    assert!(
        near(&path, &needle, address, 200),
        "the link is beside the address before the answer"
    );
    assert!(
        !in_files(&path, token.as_bytes()),
        "no token is ever stored"
    );

    let subs = Submissions::start_on(path.clone());
    let a = answers(&codes);
    let stored = store::responses::submit(&subs, &token, move |_| a, Lang::En)
        .await
        .unwrap();
    assert!(matches!(stored, SubmitOutcome::Stored { .. }));
    drop(subs);
    assert!(store::checkpoint(&db).await.unwrap());
    // The response holds the invitation's id (that link is the product's: one invitation, one
    // response); what must be gone is the id beside the address, in the old recipient record.
    assert!(in_files(&path, address), "the address stays until erased");
    // Where the 8 bytes still are: only in the invitation's own rows and indexes and the response's.
    let pages: Vec<(String, i64)> = sqlx::query_as("SELECT name, pageno FROM dbstat")
        .fetch_all(&db)
        .await
        .unwrap();
    let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
        .fetch_one(&db)
        .await
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let holders: std::collections::BTreeSet<&str> = positions(&bytes, &needle)
        .into_iter()
        .filter_map(|at| {
            let page = at as i64 / page_size + 1;
            pages
                .iter()
                .find(|(_, p)| *p == page)
                .map(|(n, _)| n.as_str())
        })
        .collect();
    assert!(holders.contains("responses"), "{holders:?}");
    assert!(
        holders
            .iter()
            .all(|n| n.contains("invitations") || n.contains("responses")),
        "the link is left in {holders:?}"
    );
    assert!(
        !near(&path, &needle, address, 200),
        "the recipient's old link to the answered invitation is left in the file"
    );
    for t in sent.iter().filter_map(|c| c.token.as_ref()) {
        assert!(!in_files(&path, t.as_bytes()));
    }
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn confirming_a_cycle_erases_its_addresses_and_cancels_its_messages(db: Db) {
    let (cycle, codes) = demo(&db).await;
    mail::add_recipients(&db, &cli(), cycle, LIST, Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    let tokens = store::links::invite(&db, &cli(), cycle, "EMP", 1)
        .await
        .unwrap();
    let subs = Submissions::start(db.clone());
    let a = answers(&codes);
    store::responses::submit(&subs, &tokens[0], move |_| a, Lang::En)
        .await
        .unwrap();
    mail::send_invitations(&db, &cli(), cycle).await.unwrap();
    store::cycles::set_status(&db, &cli(), cycle, app::domain::CycleStatus::Closed)
        .await
        .unwrap();
    let admin = store::auth::create_user(
        &db,
        &cli(),
        "admin@example.com",
        "long enough password",
        store::auth::Role::Admin,
    )
    .await
    .unwrap();
    store::review::confirm(&db, &app::store::audit::Actor::from(&admin), cycle)
        .await
        .unwrap();
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM recipients WHERE email IS NOT NULL OR name <> ''"
        )
        .await,
        0
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM recipients").await,
        3,
        "the counts stay"
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM outbox WHERE status = 'waiting'").await,
        0
    );
    // And a confirmed cycle takes no more.
    assert_eq!(
        mail::add_recipients(&db, &cli(), cycle, "new@example.com,en", Some("EMP")).await,
        Err(StoreError::Refused(vec![app::domain::FieldProblem::new(
            "cycle",
            Problem::Frozen
        )]))
    );
}
