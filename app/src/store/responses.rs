//! Storing a response: the invitation, the scores and the histograms move together or not at all.

use super::cycles::{cycle, cycle_topics, invitation, invitations, Cycle, Invitation};
use super::{hash_secret, new_secret, now, Db};
use crate::domain::{
    form_field, validate, Answer, Axis, CycleTopic, DraftOutcome, ErrorCode, FieldError, RawAnswer,
    SubmitOutcome, SurveyState, SurveyView, Token, MAX_COMMENT_CHARS,
};
use crate::i18n::Lang;
use sqlx::{Row, SqliteConnection};
use std::collections::{BTreeMap, HashMap, HashSet};
use tokio::sync::{mpsc, oneshot};

/// The value under which the histogram counts "don't know" answers (see the migration).
pub const DONT_KNOW_VALUE: i32 = -1;

/// Where a survey link stands: the checks shared by showing the survey and storing its answers.
enum Link {
    Unknown,
    Used,
    Revoked,
    Closed,
    Open(Box<(Invitation, Cycle, Vec<CycleTopic>)>),
}

async fn link(db: &Db, token: &str) -> Result<Link, sqlx::Error> {
    let Some(token) = Token::parse(token) else {
        return Ok(Link::Unknown);
    };
    let Some(inv) = invitation(db, &token).await? else {
        return Ok(Link::Unknown);
    };
    if inv.used {
        return Ok(Link::Used);
    }
    if inv.revoked {
        return Ok(Link::Revoked);
    }
    let Some(c) = cycle(db, inv.cycle_id).await? else {
        return Ok(Link::Unknown);
    };
    if !c.accepting() {
        return Ok(Link::Closed);
    }
    let topics = cycle_topics(db, inv.cycle_id).await?;
    Ok(Link::Open(Box::new((inv, c, topics))))
}

/// What a survey link leads to. `answered` tells whether this browser already answered an open link
/// (see [`answered_cookie`]). Opening an invitation is recorded for the progress page.
pub async fn survey(
    db: &Db,
    token: &str,
    answered: impl FnOnce(i64) -> bool,
) -> Result<SurveyState, sqlx::Error> {
    Ok(match link(db, token).await? {
        Link::Unknown => SurveyState::Unknown,
        Link::Used => SurveyState::Used,
        Link::Revoked => SurveyState::Revoked,
        Link::Closed => SurveyState::Closed,
        Link::Open(open) => {
            let (inv, c, topics) = *open;
            if inv.open_link && answered(inv.id) {
                return Ok(SurveyState::AnsweredHere);
            }
            // Only the first opening writes: a reload must not queue behind submissions for the
            // write lock.
            if !inv.opened {
                sqlx::query(
                    "UPDATE invitations SET opened_at = ? WHERE id = ? AND opened_at IS NULL",
                )
                .bind(now())
                .bind(inv.id)
                .execute(db)
                .await?;
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
#[derive(Clone)]
pub struct Submissions {
    db: Db,
    queue: mpsc::Sender<Job>,
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

/// A checked and validated submission, ready to be written.
struct Valid {
    inv: Invitation,
    answers: Vec<Answer>,
    lang: Lang,
}

/// Largest number of submissions in one transaction: bounds the time a batch holds the write lock.
const MAX_BATCH: usize = 512;

impl Submissions {
    /// Starts the writer task on the current Tokio runtime; it ends when the last clone is dropped.
    pub fn start(db: Db) -> Self {
        let (queue, jobs) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(writer(db.clone(), jobs));
        Self { db, queue }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }
}

async fn writer(db: Db, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        // One connection for the whole batch: its reads and writes share a warm page cache.
        let mut conn = match db.acquire().await {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("no connection for a batch of submissions: {e}");
                batch.clear(); // the replies are dropped: each submitter hears "the writer has stopped"
                continue;
            }
        };
        let (replies, checked) = match check_batch(&mut conn, batch.drain(..)).await {
            Ok(checked) => checked,
            Err(e) => {
                tracing::error!("checking a batch of submissions failed: {e}");
                continue; // the replies were dropped: each submitter hears "the writer has stopped"
            }
        };
        // Positions (in `replies`) of the valid submissions, in the order of `valid`.
        let (positions, valid): (Vec<usize>, Vec<Valid>) = checked
            .into_iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|v| (i, v)))
            .unzip();
        let mut outcomes: Vec<Option<Result<SubmitOutcome, sqlx::Error>>> = replies
            .iter()
            .map(|(_, early)| early.clone().map(Ok))
            .collect();
        let stored = match store_batch(&mut conn, &valid).await {
            Ok(stored) => stored,
            // One bad submission must not take the others down: try each alone.
            Err(e) if valid.len() > 1 => {
                tracing::warn!(
                    "a batch of {} submissions failed ({e}); storing them one by one",
                    valid.len()
                );
                let mut one_by_one = Vec::with_capacity(valid.len());
                for v in &valid {
                    one_by_one.push(
                        match store_batch(&mut conn, std::slice::from_ref(v)).await {
                            Ok(mut one) => one.pop().unwrap_or(Ok(None)),
                            Err(e) => Err(e),
                        },
                    );
                }
                one_by_one
            }
            Err(e) => vec![Err(e)],
        };
        for ((position, v), result) in positions.into_iter().zip(&valid).zip(stored) {
            outcomes[position] = Some(match result {
                Ok(Some(receipt)) => Ok(SubmitOutcome::Stored {
                    receipt,
                    open_link: v.inv.open_link,
                }),
                // Claimed by someone else meanwhile, revoked, or the cycle closed: tell which.
                Ok(None) => unclaimed(&db, v.inv.id).await,
                Err(e) => Err(e),
            });
        }
        for ((reply, _), outcome) in replies.into_iter().zip(outcomes) {
            // A submitter that has gone away (client disconnected) still has its answer stored.
            let _ = reply.send(outcome.unwrap_or(Err(sqlx::Error::WorkerCrashed)));
        }
    }
}

type Reply = oneshot::Sender<Result<SubmitOutcome, sqlx::Error>>;

/// Checks a batch's links and answers with one query for all its invitations and one read of each
/// cycle it touches. For each job: its reply channel and either the final outcome (unknown, used,
/// revoked or closed link, invalid answers) or, in the second list, the valid submission.
async fn check_batch(
    conn: &mut SqliteConnection,
    jobs: impl Iterator<Item = Job>,
) -> Result<(Vec<(Reply, Option<SubmitOutcome>)>, Vec<Option<Valid>>), sqlx::Error> {
    let jobs: Vec<Job> = jobs.collect();
    let hashes: Vec<String> = jobs
        .iter()
        .filter(|j| Token::parse(&j.token).is_some())
        .map(|j| hash_secret(&j.token))
        .collect();
    let found = invitations(conn, &hashes).await?;
    let mut cycles: HashMap<i64, Option<(Cycle, Vec<String>)>> = HashMap::new();
    let mut replies = Vec::with_capacity(jobs.len());
    let mut valid = Vec::with_capacity(jobs.len());
    for job in jobs {
        let inv =
            Token::parse(&job.token).and_then(|_| found.get(&hash_secret(&job.token)).cloned());
        let early = match inv {
            None => Err(SubmitOutcome::Unknown),
            Some(inv) if inv.revoked => Err(SubmitOutcome::Unknown),
            Some(inv) if inv.used => Err(SubmitOutcome::Used),
            Some(inv) => {
                if let std::collections::hash_map::Entry::Vacant(slot) = cycles.entry(inv.cycle_id)
                {
                    let c = match cycle(&mut *conn, inv.cycle_id).await? {
                        Some(c) => {
                            let topics = cycle_topics(&mut *conn, inv.cycle_id).await?;
                            Some((c, topics.into_iter().map(|t| t.code).collect()))
                        }
                        None => None,
                    };
                    slot.insert(c);
                }
                match &cycles[&inv.cycle_id] {
                    None => Err(SubmitOutcome::Unknown),
                    Some((c, _)) if !c.accepting() => Err(not_open()),
                    Some((c, codes)) => {
                        match validate(&(job.answers)(codes), codes, c.summary.scale) {
                            Ok(answers) => Ok(Valid {
                                inv,
                                answers,
                                lang: job.lang,
                            }),
                            Err(errors) => Err(SubmitOutcome::Invalid(errors)),
                        }
                    }
                }
            }
        };
        match early {
            Ok(v) => {
                replies.push((job.reply, None));
                valid.push(Some(v));
            }
            Err(outcome) => {
                replies.push((job.reply, Some(outcome)));
                valid.push(None);
            }
        }
    }
    Ok((replies, valid))
}

/// What to tell a submitter whose link could not be claimed after all.
async fn unclaimed(db: &Db, invitation_id: i64) -> Result<SubmitOutcome, sqlx::Error> {
    let row: Option<(bool, bool)> = sqlx::query_as(
        "SELECT used_at IS NOT NULL, revoked_at IS NOT NULL FROM invitations WHERE id = ?",
    )
    .bind(invitation_id)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        Some((true, _)) => SubmitOutcome::Used,
        None | Some((_, true)) => SubmitOutcome::Unknown,
        _ => not_open(),
    })
}

/// Rows per multi-row statement: keeps the bound parameters under SQLite's limit (32,766).
const ROWS_PER_STATEMENT: usize = 4_000;

/// Stores a batch in one transaction with a handful of statements whatever its size: one update claims
/// every single-use link (a link claimed twice in the batch is claimed once, by the first), one insert
/// writes the responses, then their scores, and the histogram counts of the batch are summed and
/// written once. Open links, the rare path, get their hidden invitation one by one. Returns, per job,
/// its receipt or `None` when its link could not be claimed.
async fn store_batch(
    conn: &mut SqliteConnection,
    jobs: &[Valid],
) -> Result<Vec<Result<Option<String>, sqlx::Error>>, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    let at = now();

    let single: Vec<i64> = jobs
        .iter()
        .filter(|j| !j.inv.open_link)
        .map(|j| j.inv.id)
        .collect();
    let mut claimed: HashSet<i64> = HashSet::new();
    for chunk in single.chunks(ROWS_PER_STATEMENT) {
        let mut q = sqlx::QueryBuilder::new("UPDATE invitations SET used_at = ");
        q.push_bind(at).push(
            " WHERE used_at IS NULL AND revoked_at IS NULL
               AND EXISTS (SELECT 1 FROM cycles WHERE cycles.id = invitations.cycle_id AND cycles.status = 'open')
               AND id IN (",
        );
        let mut ids = q.separated(", ");
        for id in chunk {
            ids.push_bind(*id);
        }
        q.push(") RETURNING id");
        claimed.extend(q.build_query_scalar::<i64>().fetch_all(&mut *tx).await?);
    }

    // (job, the invitation the response is stored under, receipt)
    let mut stored: Vec<(usize, i64, String)> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let invitation = if job.inv.open_link {
            // An open link gets a new, used invitation of its own for this answer, while the cycle
            // is open and the link not revoked.
            sqlx::query_scalar(
                "INSERT INTO invitations (cycle_id, group_id, token_hash, created_at, used_at, parent_id)
                 SELECT cycle_id, group_id, ?, ?, ?, id FROM invitations
                 WHERE id = ? AND revoked_at IS NULL
                   AND EXISTS (SELECT 1 FROM cycles WHERE cycles.id = invitations.cycle_id AND cycles.status = 'open')
                 RETURNING id",
            )
            .bind(hash_secret(&new_secret()))
            .bind(at)
            .bind(at)
            .bind(job.inv.id)
            .fetch_optional(&mut *tx)
            .await?
        } else {
            claimed.remove(&job.inv.id).then_some(job.inv.id)
        };
        if let Some(invitation) = invitation {
            stored.push((i, invitation, hex::encode(rand::random::<[u8; 8]>())));
        }
    }
    if stored.is_empty() {
        tx.commit().await?;
        return Ok(jobs.iter().map(|_| Ok(None)).collect());
    }

    let drafts: Vec<i64> = stored.iter().map(|(i, _, _)| jobs[*i].inv.id).collect();
    for chunk in drafts.chunks(ROWS_PER_STATEMENT) {
        let mut q = sqlx::QueryBuilder::new("DELETE FROM drafts WHERE invitation_id IN (");
        let mut ids = q.separated(", ");
        for id in chunk {
            ids.push_bind(*id);
        }
        q.push(")");
        q.build().execute(&mut *tx).await?;
    }

    let mut response_of: HashMap<i64, i64> = HashMap::new();
    for chunk in stored.chunks(ROWS_PER_STATEMENT / 6) {
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO responses (cycle_id, group_id, invitation_id, receipt, lang, submitted_at) ",
        );
        q.push_values(chunk, |mut row, (i, invitation, receipt)| {
            let job = &jobs[*i];
            row.push_bind(job.inv.cycle_id)
                .push_bind(job.inv.group_id)
                .push_bind(*invitation)
                .push_bind(receipt)
                .push_bind(job.lang.tag())
                .push_bind(at);
        });
        q.push(" RETURNING invitation_id, id");
        let rows: Vec<(i64, i64)> = q.build_query_as().fetch_all(&mut *tx).await?;
        response_of.extend(rows);
    }

    let scores: Vec<(i64, &Answer)> = stored
        .iter()
        .flat_map(|(i, invitation, _)| {
            let response = response_of[invitation];
            jobs[*i].answers.iter().map(move |a| (response, a))
        })
        .collect();
    for chunk in scores.chunks(ROWS_PER_STATEMENT / 5) {
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO scores (response_id, topic_code, business, stakeholder, comment) ",
        );
        q.push_values(chunk, |mut row, (response, a)| {
            row.push_bind(*response)
                .push_bind(&a.topic)
                .push_bind(a.business.map(|s| s.get()))
                .push_bind(a.stakeholder.map(|s| s.get()))
                .push_bind(&a.comment);
        });
        q.build().execute(&mut *tx).await?;
    }

    let mut counts: BTreeMap<(i64, i64, &str, Axis, i32), i64> = BTreeMap::new();
    for (i, _, _) in &stored {
        let inv = &jobs[*i].inv;
        for a in &jobs[*i].answers {
            for axis in Axis::BOTH {
                let value = a.score(axis).map_or(DONT_KNOW_VALUE, |s| s.get());
                *counts
                    .entry((inv.cycle_id, inv.group_id, &a.topic, axis, value))
                    .or_default() += 1;
            }
        }
    }
    let counts: Vec<_> = counts.into_iter().collect();
    for chunk in counts.chunks(ROWS_PER_STATEMENT / 6) {
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO histograms (cycle_id, group_id, topic_code, axis, value, n) ",
        );
        q.push_values(chunk, |mut row, ((cycle, group, topic, axis, value), n)| {
            row.push_bind(*cycle)
                .push_bind(*group)
                .push_bind(*topic)
                .push_bind(axis.as_str())
                .push_bind(*value)
                .push_bind(*n);
        });
        q.push(
            " ON CONFLICT (cycle_id, topic_code, axis, group_id, value) DO UPDATE SET n = histograms.n + excluded.n",
        );
        q.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;

    let mut receipts: HashMap<usize, String> = stored.into_iter().map(|(i, _, r)| (i, r)).collect();
    Ok((0..jobs.len()).map(|i| Ok(receipts.remove(&i))).collect())
}

/// Validates and stores one respondent's answers. `answers` turns what arrived into answers for the
/// cycle's topic codes (the JSON API ignores them, the form reads one field set per topic). The writer
/// checks the link and the answers of a whole batch together and stores the valid ones in one
/// transaction, where each invitation is claimed with a conditional update, so of any number of
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
