//! Storing a response: the invitation, the scores and the histograms move together or not at all.

use super::cycles::{cycle, cycle_topics, Cycle};
use super::links::{invitation, Invitation, FULL};
use super::{hash_secret, new_secret, now, Db};
use crate::domain::{
    form_field, link_state, validate, Axis, CycleStatus, CycleTopic, DraftOutcome, ErrorCode,
    FieldError, LinkFacts, LinkState, RawAnswer, SubmitOutcome, SurveyState, SurveyView, Token,
    MAX_COMMENT_CHARS,
};
use crate::i18n::Lang;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap, HashSet};
use tokio::sync::{mpsc, oneshot};

/// The value under which the histogram counts "don't know" answers (see the migration).
pub const DONT_KNOW_VALUE: i32 = -1;

/// Where a survey link stands ([`link_state`]), with what an open one leads to.
enum Link {
    Not(LinkState),
    Open(Box<(Invitation, Cycle, Vec<CycleTopic>)>),
}

async fn link(db: &Db, token: &str) -> Result<Link, sqlx::Error> {
    let inv = match Token::parse(token) {
        Some(token) => invitation(db, &token).await?,
        None => None,
    };
    let c = match &inv {
        Some(inv) => cycle(db, inv.cycle_id).await?,
        None => None,
    };
    let state = link_state(
        inv.as_ref().map(Invitation::facts),
        c.as_ref().map(Cycle::accepting),
    );
    match (state, inv, c) {
        (LinkState::Open, Some(inv), Some(c)) => {
            let topics = cycle_topics(db, inv.cycle_id).await?;
            Ok(Link::Open(Box::new((inv, c, topics))))
        }
        (state, _, _) => Ok(Link::Not(state)),
    }
}

/// What a survey link leads to. `answered` tells whether this browser already answered an open link
/// (see [`answered_cookie`]). Opening an invitation is recorded for the progress page.
pub async fn survey(
    db: &Db,
    token: &str,
    answered: impl FnOnce(i64) -> bool,
) -> Result<SurveyState, sqlx::Error> {
    Ok(match link(db, token).await? {
        Link::Not(LinkState::Used) => SurveyState::Used,
        Link::Not(LinkState::Revoked) => SurveyState::Revoked,
        Link::Not(LinkState::Closed) => SurveyState::Closed,
        Link::Not(LinkState::Full) => SurveyState::Full,
        Link::Not(_) => SurveyState::Unknown,
        Link::Open(open) => {
            let (inv, c, topics) = *open;
            if inv.open_link && answered(inv.id) {
                return Ok(SurveyState::AnsweredHere);
            }
            // Only the first opening writes: a reload must not queue behind submissions for the
            // write lock.
            if !inv.opened {
                let mut tx = db.begin().await?;
                // The day (an e-mailed link: no date at all, see store::mail).
                sqlx::query(
                    "UPDATE invitations SET opened_at = CASE WHEN emailed THEN 0 ELSE ? END
                     WHERE id = ? AND opened_at IS NULL",
                )
                .bind(super::mail::day_of(now()))
                .bind(inv.id)
                .execute(&mut *tx)
                .await?;
                // An e-mailed link: its recipient counts as having opened it.
                sqlx::query(
                    "UPDATE recipients SET opened = TRUE
                     WHERE invitation_id = ?1 OR pending_invitation_id = ?1",
                )
                .bind(inv.id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
            let draft = sqlx::query("SELECT fields, saved_at FROM drafts WHERE invitation_id = ?")
                .bind(inv.id)
                .fetch_optional(db)
                .await?;
            let (draft, draft_saved_at) = match draft {
                Some(r) => (
                    serde_json::from_str(r.get::<&str, _>("fields")).unwrap_or_default(),
                    Some(r.get("saved_at")),
                ),
                None => (Vec::new(), None),
            };
            SurveyState::Open(SurveyView {
                cycle_name: c.summary.name,
                year: c.summary.year,
                scale: c.summary.scale,
                labels: c.labels,
                group: inv.group,
                topics,
                open_link: inv.open_link,
                draft,
                draft_saved_at,
            })
        }
    })
}

/// What a form post to a link may contain, read before its body is.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkShape {
    /// The topic codes of the link's cycle, in the questionnaire's order.
    pub codes: Vec<String>,
    /// The link's id when it is an open link (its budgets are kept by it).
    pub open_link: Option<i64>,
}

/// The shape of the link with this token; `None` when no invitation has it.
pub async fn link_shape(db: &Db, token: &str) -> Result<Option<LinkShape>, sqlx::Error> {
    let Some(token) = Token::parse(token) else {
        return Ok(None);
    };
    let Some(inv) = invitation(db, &token).await? else {
        return Ok(None);
    };
    let codes = sqlx::query_scalar(
        "SELECT code FROM cycle_topics WHERE cycle_id = ? ORDER BY sort_order, code",
    )
    .bind(inv.cycle_id)
    .fetch_all(db)
    .await?;
    Ok(Some(LinkShape {
        codes,
        open_link: inv.open_link.then_some(inv.id),
    }))
}

/// The most topics any cycle not yet confirmed asks: what the largest valid JSON submission is sized
/// by (the token, and so the cycle, is inside the body). Closed cycles count too, so that an answer
/// sent just after its cycle closed is told so (422), not that it is too large.
pub async fn most_open_topics(db: &Db) -> Result<usize, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM cycle_topics t
         JOIN cycles c ON c.id = t.cycle_id WHERE c.status <> 'confirmed' GROUP BY t.cycle_id)",
    )
    .fetch_one(db)
    .await?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The id of the open link behind `token`, if it is one: the browser guard's key.
pub async fn open_link_id(db: &Db, token: &str) -> Result<Option<i64>, sqlx::Error> {
    let Some(token) = Token::parse(token) else {
        return Ok(None);
    };
    Ok(invitation(db, &token)
        .await?
        .filter(|i| i.open_link)
        .map(|i| i.id))
}

/// Keeps a respondent's unsent answers for later (replacing an earlier draft). Only the fields of the
/// cycle's topics are kept. Refused for open links and for links that cannot be answered.
pub async fn save_draft(
    db: &Db,
    token: &str,
    fields: &[(String, String)],
) -> Result<DraftOutcome, sqlx::Error> {
    let (inv, _, topics) = match link(db, token).await? {
        Link::Open(open) => *open,
        _ => return Ok(DraftOutcome::Refused),
    };
    if inv.open_link {
        return Ok(DraftOutcome::Refused);
    }
    let names: Vec<String> = topics
        .iter()
        .flat_map(|t| ['b', 's', 'c'].map(|p| form_field(p, &t.code)))
        .collect();
    let kept: Vec<&(String, String)> = fields
        .iter()
        .filter(|(k, v)| names.contains(k) && v.chars().count() <= MAX_COMMENT_CHARS)
        .collect();
    let at = now();
    sqlx::query(
        "INSERT INTO drafts (invitation_id, fields, saved_at) VALUES (?, ?, ?)
         ON CONFLICT (invitation_id) DO UPDATE SET fields = excluded.fields, saved_at = excluded.saved_at",
    )
    .bind(inv.id)
    .bind(serde_json::to_string(&kept).expect("fields serialise"))
    .bind(at)
    .execute(db)
    .await?;
    Ok(DraftOutcome::Saved(at))
}

fn not_open() -> SubmitOutcome {
    SubmitOutcome::Invalid(vec![FieldError::new(
        None,
        "cycle",
        ErrorCode::CycleNotOpen,
    )])
}

/// The one writer of survey answers: submissions queue here and are committed together (group commit).
/// While one transaction is being made durable (`synchronous = FULL` fsyncs it), the submissions that
/// arrive queue up and go into the next transaction together, so the cost of an fsync is shared by
/// everyone waiting instead of paid by each. Every submitter gets its answer only after the
/// transaction holding its response has committed. Cloning shares the one writer.
///
/// The writer is a thread of its own with a plain (synchronous) SQLite connection to the same
/// database file: a whole batch, checks and writes, runs there in one go. Through the async pool every
/// statement was a round trip to a connection thread, and those round trips, not SQLite, were most
/// of a batch's time (see README, "Speed").
///
/// The writer never stays down: if it cannot open the database it answers every waiting submission
/// "not stored" and tries again each second; if it panics, the submissions of that batch are not
/// stored (their transaction rolls back and each is told so), and it starts again on a fresh
/// connection. [`Submissions::writer_up`] says whether it is running (`/healthz` reports it).
#[derive(Clone)]
pub struct Submissions {
    queue: mpsc::Sender<Job>,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// How a submission's answers are read once its cycle's topic codes are known (the JSON API ignores
/// them, the form reads one field set per topic).
pub type ReadAnswers = Box<dyn FnOnce(&[String]) -> Vec<RawAnswer> + Send>;

/// One submission as it arrived, waiting for the writer, and where to send what became of it.
struct Job {
    token: String,
    answers: ReadAnswers,
    lang: Lang,
    reply: oneshot::Sender<Result<SubmitOutcome, sqlx::Error>>,
}

/// Largest number of submissions in one transaction: bounds the time a batch holds the write lock.
const MAX_BATCH: usize = 512;

impl Submissions {
    /// Starts the writer thread on the pool's database file; it ends when the last clone is dropped.
    pub fn start(db: Db) -> Self {
        Self::start_on(db.connect_options().get_filename().to_path_buf())
    }

    /// Starts the writer on the database file at `path`, and returns once it has tried to open it.
    pub fn start_on(path: std::path::PathBuf) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        let (queue, mut jobs) = mpsc::channel(4 * MAX_BATCH);
        let up = std::sync::Arc::new(AtomicBool::new(false));
        let flag = up.clone();
        let (tried, first_try) = std::sync::mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("submissions".into())
            .spawn(move || loop {
                let opened = open_writer(&path);
                flag.store(opened.is_ok(), Ordering::SeqCst);
                let _ = tried.send(());
                let conn = match opened {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::error!(
                            "the submissions writer cannot open {}: {e}",
                            path.display()
                        );
                        if refuse_waiting(&mut jobs, &e.to_string()) {
                            return;
                        }
                        std::thread::sleep(std::time::Duration::from_secs(1));
                        continue;
                    }
                };
                let run = std::panic::AssertUnwindSafe(|| writer(conn, &mut jobs));
                match std::panic::catch_unwind(run) {
                    // Every `Submissions` is gone: so is the writer.
                    Ok(()) => return,
                    Err(_) => {
                        flag.store(false, Ordering::SeqCst);
                        tracing::error!("the submissions writer panicked; starting it again");
                    }
                }
            })
            .expect("starting the submissions writer");
        let _ = first_try.recv_timeout(std::time::Duration::from_secs(5));
        Self { queue, up }
    }

    /// Whether the writer is running with an open database.
    pub fn writer_up(&self) -> bool {
        self.up.load(std::sync::atomic::Ordering::SeqCst) && !self.queue.is_closed()
    }
}

/// Answers every submission already waiting "not stored"; true when no `Submissions` is left.
fn refuse_waiting(jobs: &mut mpsc::Receiver<Job>, why: &str) -> bool {
    loop {
        match jobs.try_recv() {
            Ok(job) => {
                let _ = job.reply.send(Err(not_stored(why)));
            }
            Err(mpsc::error::TryRecvError::Empty) => return false,
            Err(mpsc::error::TryRecvError::Disconnected) => return true,
        }
    }
}

fn writer(mut conn: rusqlite::Connection, jobs: &mut mpsc::Receiver<Job>) {
    while let Some(first) = jobs.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (replies, outcomes) = match run_batch(&mut conn, batch) {
            Ok(done) => done,
            Err((replies, e)) => {
                let e = e.to_string();
                tracing::error!("a batch of {} submissions failed: {e}", replies.len());
                let failed = replies.iter().map(|_| Err(not_stored(&e))).collect();
                (replies, failed)
            }
        };
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            // A submitter that has gone away (client disconnected) still has its answer stored.
            let _ = reply.send(outcome);
        }
    }
}

fn not_stored(e: &str) -> sqlx::Error {
    sqlx::Error::Protocol(format!("the submission was not stored: {e}"))
}

fn open_writer(path: &std::path::Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
    // The pool's settings (see `connect`); WAL is a property of the file and already set.
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    Ok(conn)
}

type Reply = oneshot::Sender<Result<SubmitOutcome, sqlx::Error>>;
type Outcomes = Vec<Result<SubmitOutcome, sqlx::Error>>;

/// A cycle as the check needs it: whether it takes answers now, its scale and its topic codes.
struct OpenCycle {
    accepting: bool,
    scale: crate::domain::Scale,
    codes: Vec<String>,
}

/// Checks and stores a batch in one transaction, taken with the write lock (IMMEDIATE), so that what
/// is checked is what is written. Each valid submission is written under a savepoint: one that fails
/// rolls back alone. Histogram counts are summed over the batch and written once, in the same
/// transaction as the scores they count.
fn run_batch(
    conn: &mut rusqlite::Connection,
    batch: Vec<Job>,
) -> Result<(Vec<Reply>, Outcomes), (Vec<Reply>, rusqlite::Error)> {
    let mut replies = Vec::with_capacity(batch.len());
    let mut work = Vec::with_capacity(batch.len());
    for job in batch {
        replies.push(job.reply);
        work.push((job.token, job.answers, job.lang));
    }
    match store_batch(conn, work) {
        Ok(outcomes) => Ok((replies, outcomes)),
        Err(e) => Err((replies, e)),
    }
}

fn store_batch(
    conn: &mut rusqlite::Connection,
    work: Vec<(String, ReadAnswers, Lang)>,
) -> rusqlite::Result<Outcomes> {
    use rusqlite::{params, OptionalExtension};
    let mut tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // The day, not the time: a response's stamp must not be matched to the moment an e-mailed
    // recipient was seen answering.
    let at = super::mail::day_of(now());
    let today = crate::domain::date_of(at);
    let mut cycles: HashMap<i64, Option<OpenCycle>> = HashMap::new();
    // Single-use links claimed in this batch: a second submission of one link is "used".
    let mut claimed: HashSet<i64> = HashSet::new();
    let mut counts: BTreeMap<(i64, i64, String, Axis, i32), i64> = BTreeMap::new();
    let mut outcomes = Vec::with_capacity(work.len());
    for (token, answers, lang) in work {
        // The link: (id, cycle, group, used, revoked, open link, full). Its cap counts the answers
        // stored earlier in this batch too: they are in this transaction.
        type Row = (i64, i64, i64, bool, bool, bool, bool);
        let inv: Option<Row> = match Token::parse(&token) {
            None => None,
            Some(_) => tx
                .prepare_cached(&format!(
                    "SELECT id, cycle_id, group_id, used_at IS NOT NULL, revoked_at IS NOT NULL,
                        open_link, {FULL} FROM invitations i WHERE token_hash = ?"
                ))?
                .query_row([hash_secret(&token)], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                })
                .optional()?,
        };
        let Some((inv_id, cycle_id, group_id, used, revoked, open_link, full)) = inv else {
            outcomes.push(Ok(SubmitOutcome::Unknown));
            continue;
        };
        let facts = LinkFacts {
            // A single-use link claimed earlier in this batch is used.
            used: used || (!open_link && claimed.contains(&inv_id)),
            revoked,
            full,
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = cycles.entry(cycle_id) {
            slot.insert(open_cycle(&tx, cycle_id, &today)?);
        }
        let c = &cycles[&cycle_id];
        let c = match (link_state(Some(facts), c.as_ref().map(|c| c.accepting)), c) {
            (LinkState::Open, Some(c)) => c,
            (LinkState::Used, _) => {
                outcomes.push(Ok(SubmitOutcome::Used));
                continue;
            }
            (LinkState::Revoked, _) => {
                outcomes.push(Ok(SubmitOutcome::Revoked));
                continue;
            }
            (LinkState::Closed, _) => {
                outcomes.push(Ok(not_open()));
                continue;
            }
            (LinkState::Full, _) => {
                outcomes.push(Ok(SubmitOutcome::Full));
                continue;
            }
            _ => {
                outcomes.push(Ok(SubmitOutcome::Unknown));
                continue;
            }
        };
        let valid = match validate(&answers(&c.codes), &c.codes, c.scale) {
            Ok(v) => v,
            Err(errors) => {
                outcomes.push(Ok(SubmitOutcome::Invalid(errors)));
                continue;
            }
        };

        let sp = tx.savepoint()?;
        let written = (|| -> rusqlite::Result<String> {
            // An open link gets a new, used invitation of its own for this answer.
            let invitation = if open_link {
                sp.prepare_cached(
                    "INSERT INTO invitations (cycle_id, group_id, token_hash, created_at, used_at, parent_id)
                     VALUES (?, ?, ?, ?, ?, ?)",
                )?
                .insert(params![cycle_id, group_id, hash_secret(&new_secret()), at, at, inv_id])?
            } else {
                sp.prepare_cached(
                    "UPDATE invitations SET used_at = ? WHERE id = ? AND used_at IS NULL",
                )?
                .execute(params![at, inv_id])?;
                sp.prepare_cached("DELETE FROM drafts WHERE invitation_id = ?")?
                    .execute([inv_id])?;
                // An e-mailed link: the recipient keeps only "answered", its links to the
                // invitation (and so to this response) are cut here, with the answer; its other
                // link (current or being sent) stops working, so one person answers once.
                sp.prepare_cached(
                    "UPDATE invitations SET revoked_at = 0 WHERE used_at IS NULL AND revoked_at IS NULL
                       AND id IN (SELECT COALESCE(r.invitation_id, 0) FROM recipients r
                                  WHERE r.pending_invitation_id = ?1
                                  UNION SELECT COALESCE(r.pending_invitation_id, 0) FROM recipients r
                                  WHERE r.invitation_id = ?1)",
                )?
                .execute([inv_id])?;
                sp.prepare_cached(
                    "UPDATE recipients SET invitation_id = NULL, pending_invitation_id = NULL,
                       answered = TRUE WHERE invitation_id = ?1 OR pending_invitation_id = ?1",
                )?
                .execute([inv_id])?;
                inv_id
            };
            let receipt = hex::encode(rand::random::<[u8; 8]>());
            let response = sp
                .prepare_cached(
                    "INSERT INTO responses (cycle_id, group_id, invitation_id, receipt, lang, submitted_at)
                     VALUES (?, ?, ?, ?, ?, ?)",
                )?
                .insert(params![cycle_id, group_id, invitation, receipt, lang.tag(), at])?;
            let mut score = sp.prepare_cached(
                "INSERT INTO scores (response_id, topic_code, business, stakeholder, comment)
                 VALUES (?, ?, ?, ?, ?)",
            )?;
            for a in &valid {
                score.execute(params![
                    response,
                    a.topic,
                    a.business.map(|s| s.get()),
                    a.stakeholder.map(|s| s.get()),
                    a.comment
                ])?;
            }
            Ok(receipt)
        })();
        match written {
            Ok(receipt) => {
                sp.commit()?;
                if !open_link {
                    claimed.insert(inv_id);
                }
                for a in &valid {
                    for axis in Axis::BOTH {
                        let value = a.score(axis).map_or(DONT_KNOW_VALUE, |s| s.get());
                        *counts
                            .entry((cycle_id, group_id, a.topic.clone(), axis, value))
                            .or_default() += 1;
                    }
                }
                outcomes.push(Ok(SubmitOutcome::Stored { receipt, open_link }));
            }
            // The savepoint rolls back as it is dropped; the rest of the batch goes on.
            Err(e) => outcomes.push(Err(not_stored(&e.to_string()))),
        }
    }
    {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO histograms (cycle_id, group_id, topic_code, axis, value, n) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (cycle_id, topic_code, axis, group_id, value) DO UPDATE SET n = histograms.n + excluded.n",
        )?;
        for ((cycle, group, topic, axis, value), n) in &counts {
            upsert.execute(params![cycle, group, topic, axis.as_str(), value, n])?;
        }
    }
    tx.commit()?;
    Ok(outcomes)
}

/// The cycle's state for the check, or `None` when there is no such cycle.
fn open_cycle(
    tx: &rusqlite::Transaction,
    cycle_id: i64,
    today: &str,
) -> rusqlite::Result<Option<OpenCycle>> {
    use rusqlite::OptionalExtension;
    // (status, scale min, scale max, opens on, closes on)
    type State = (String, i32, i32, Option<String>, Option<String>);
    let row: Option<State> = tx
        .prepare_cached(
            "SELECT status, scale_min, scale_max, opens_on, closes_on FROM cycles WHERE id = ?",
        )?
        .query_row([cycle_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let Some((status, min, max, opens_on, closes_on)) = row else {
        return Ok(None);
    };
    let Ok(scale) = crate::domain::Scale::new(min, max) else {
        return Ok(None);
    };
    let codes = tx
        .prepare_cached(
            "SELECT code FROM cycle_topics WHERE cycle_id = ? ORDER BY sort_order, code",
        )?
        .query_map([cycle_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(Some(OpenCycle {
        accepting: CycleStatus::parse(&status).is_some_and(|status| {
            crate::domain::CycleSettings::accepts_answers(
                status,
                opens_on.as_deref(),
                closes_on.as_deref(),
                today,
            )
        }),
        scale,
        codes,
    }))
}

/// Validates and stores one respondent's answers. `answers` turns what arrived into answers for the
/// cycle's topic codes (the JSON API ignores them, the form reads one field set per topic). The writer
/// checks the link and the answers inside the transaction that stores them, so of any number of
/// concurrent submissions of one token exactly one stores anything. Scores and histogram counts are
/// written in the same transaction, so the histograms always equal a count of the stored scores.
/// Returns once the response is durable, or with the reason nothing was stored.
pub async fn submit(
    subs: &Submissions,
    token: &str,
    answers: impl FnOnce(&[String]) -> Vec<RawAnswer> + Send + 'static,
    lang: Lang,
) -> Result<SubmitOutcome, sqlx::Error> {
    let (reply, outcome) = oneshot::channel();
    let gone = || sqlx::Error::Protocol("the submission writer has stopped".into());
    subs.queue
        .send(Job {
            token: token.to_string(),
            answers: Box::new(answers),
            lang,
            reply,
        })
        .await
        .map_err(|_| gone())?;
    outcome.await.map_err(|_| gone())?
}
