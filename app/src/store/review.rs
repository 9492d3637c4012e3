//! Step 4, internal confirmation: comments and proposals, overrides, confirming, carrying a confirmed
//! result forward, management-approach notes. Every change is written together with its audit entry.

use super::audit::{Action, Actor};
use super::cycles::{lock_cycle, CycleLock};
use super::write::{refuse, StoreError, Stored, Write};
use super::{hash_secret, now, Db};
use crate::domain::double_materiality::Method;
use crate::domain::{
    compose, in_review, statistics_text, CycleStatus, Methodology, Problem, Proposal, Respondents,
    ReviewComment, Stamp,
};
use serde_json::json;
use sqlx::{Row, SqliteConnection};
use std::collections::BTreeMap;

/// What the review's rules need to know about a cycle, read inside the write transaction.
struct State {
    lock: CycleLock,
    /// The topic codes whose result the cycle shows: its own, or those of the cycle it carries forward.
    topics: Vec<String>,
}

async fn state(conn: &mut SqliteConnection, id: i64) -> Result<Option<State>, sqlx::Error> {
    let Some(lock) = lock_cycle(&mut *conn, id).await? else {
        return Ok(None);
    };
    let topics = sqlx::query_scalar(
        "SELECT code FROM cycle_topics WHERE cycle_id = ? ORDER BY sort_order, code",
    )
    .bind(lock.carried_from.unwrap_or(id))
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(State { lock, topics }))
}

impl State {
    fn in_review(&self) -> bool {
        in_review(
            self.lock.method,
            self.lock.status,
            self.lock.carried_from.is_some(),
        )
    }

    /// `code` names one of the cycle's topics, or in a double-materiality cycle one of its matters.
    async fn knows(
        &self,
        conn: &mut SqliteConnection,
        cycle_id: i64,
        code: &str,
    ) -> Result<bool, sqlx::Error> {
        match self.lock.method {
            Method::Survey => Ok(self.topics.iter().any(|t| t == code)),
            // A carried result's matters are those of the cycle it was assessed in.
            Method::Double => {
                let source = super::register::assessed_in(&mut *conn, cycle_id).await?;
                sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM matters WHERE cycle_id = ? AND code = ?)",
                )
                .bind(source)
                .bind(code)
                .fetch_one(conn)
                .await
            }
        }
    }
}

/// Every comment on a cycle, oldest first.
pub async fn comments(db: &Db, cycle_id: i64) -> Result<Vec<ReviewComment>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, c.topic_code, u.email, c.proposal, c.body, c.created_at
         FROM review_comments c JOIN users u ON u.id = c.user_id
         WHERE c.cycle_id = ? ORDER BY c.id",
    )
    .bind(cycle_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReviewComment {
            id: r.get("id"),
            topic: r.get("topic_code"),
            author: r.get("email"),
            proposal: r
                .get::<Option<&str>, _>("proposal")
                .and_then(Proposal::parse),
            body: r.get("body"),
            at: r.get("created_at"),
        })
        .collect())
}

/// A reviewer's comment (and proposal) on a topic of a cycle under review. None: no such cycle.
pub async fn add_comment(
    db: &Db,
    actor: &Actor,
    cycle_id: i64,
    topic: &str,
    body: &str,
    proposal: Option<Proposal>,
) -> Stored<i64> {
    let mut tx = Write::begin(db, actor).await?;
    let s = state(&mut tx, cycle_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if !s.in_review() {
        return refuse("body", Problem::NotInReview);
    }
    if !s.knows(&mut tx, cycle_id, topic).await? {
        return refuse("topic", Problem::Unknown);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO review_comments (cycle_id, topic_code, user_id, proposal, body, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(cycle_id)
    .bind(topic)
    .bind(actor.user_id)
    .bind(proposal.map(Proposal::as_str))
    .bind(body)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    let action = Action::new("review.comment", format!("cycle {cycle_id} topic {topic}"))
        .after(json!({"comment": id, "proposal": proposal, "body": body}));
    tx.commit(action).await?;
    Ok(id)
}

/// The respondents' comments of a cycle as stored: (group code, topic, text), for
/// [`crate::domain::respondent_comments`].
pub async fn respondent_comments(
    db: &Db,
    cycle_id: i64,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT g.code, s.topic_code, s.comment FROM scores s
         JOIN responses r ON r.id = s.response_id JOIN stakeholder_groups g ON g.id = r.group_id
         WHERE r.cycle_id = ? AND s.comment IS NOT NULL AND s.comment <> ''",
    )
    .bind(cycle_id)
    .fetch_all(db)
    .await
}

/// Sets (`Some(material)`) or removes (`None`) the decision group's override of a topic, with the
/// written reason. Only an admin acting as a signed-in user may; only while the cycle is under review.
pub async fn set_override(
    db: &Db,
    actor: &Actor,
    cycle_id: i64,
    topic: &str,
    material: Option<bool>,
    reason: &str,
) -> Stored<()> {
    let mut tx = Write::begin(db, actor).await?;
    let s = state(&mut tx, cycle_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    // A double-materiality result is adjusted by calibrating an IRO's score with its reason, never
    // by overriding a matter or a survey topic running as its evidence.
    if s.lock.method == Method::Double {
        return refuse("decision", Problem::NotAllowed);
    }
    if !s.in_review() {
        return refuse("reason", Problem::NotInReview);
    }
    if !s.topics.iter().any(|t| t == topic) {
        return refuse("topic", Problem::Unknown);
    }
    let before: Option<(bool, String)> = sqlx::query_as(
        "SELECT material, reason FROM overrides WHERE cycle_id = ? AND topic_code = ?",
    )
    .bind(cycle_id)
    .bind(topic)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM overrides WHERE cycle_id = ? AND topic_code = ?")
        .bind(cycle_id)
        .bind(topic)
        .execute(&mut *tx)
        .await?;
    if let Some(m) = material {
        sqlx::query(
            "INSERT INTO overrides (cycle_id, topic_code, material, reason, user_id, created_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(cycle_id)
        .bind(topic)
        .bind(m)
        .bind(reason)
        .bind(actor.user_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    }
    let action = Action::new(
        if material.is_some() {
            "review.override"
        } else {
            "review.remove_override"
        },
        format!("cycle {cycle_id} topic {topic}"),
    )
    .before(before.map(|(m, r)| json!({"material": m, "reason": r})))
    .after(json!({"material": material, "reason": reason}));
    tx.commit(action).await?;
    Ok(())
}

/// Confirms a cycle under review: it is frozen from now on (no responses, settings, links or
/// overrides), stamped with the time, the confirming admin, the methodology (the group weights
/// included, which the figures are read with from then on) and the hash of its statistics.
///
/// A double-materiality cycle is confirmed from draft or closed (a stakeholder survey running as its
/// evidence is closed first), only when [`crate::domain::iro::AssessmentView::gaps`] finds nothing
/// missing; its stamp adds the scoring constants and the hash of its IRO scores and matter positions.
pub async fn confirm(db: &Db, actor: &Actor, cycle_id: i64) -> Stored<Stamp> {
    let mut tx = Write::begin(db, actor).await?;
    let s = state(&mut tx, cycle_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    // Read in this transaction, which holds the write lock: what is checked and hashed now is what
    // is stamped.
    let assessment = match s.lock.method {
        Method::Double => {
            if !matches!(s.lock.status, CycleStatus::Draft | CycleStatus::Closed) {
                return refuse("cycle", Problem::NotInReview);
            }
            let view = super::assessments::assessment_on(&mut tx, cycle_id)
                .await?
                .ok_or(StoreError::NotFound)?;
            if !view.gaps().is_empty() {
                return refuse("cycle", Problem::Incomplete);
            }
            // The constants the scores were computed with are kept on the cycle, so that a later
            // release's defaults never move a confirmed result.
            sqlx::query("UPDATE cycles SET scoring = ? WHERE id = ?")
                .bind(serde_json::to_string(&view.scoring).expect("scoring serialises"))
                .bind(cycle_id)
                .execute(&mut *tx)
                .await?;
            Some(view)
        }
        Method::Survey if !s.in_review() => return refuse("cycle", Problem::NotInReview),
        Method::Survey if !s.lock.fixed() => return refuse("cycle", Problem::NoRows),
        Method::Survey => None,
    };
    // The survey's figures composed as every page composes them (a double-materiality cycle's
    // stakeholder evidence, nobody's answers when it ran no survey).
    let inputs = super::results::inputs(&mut tx, cycle_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let results = compose(&inputs, &Respondents::All, hash_secret).ok_or(StoreError::NotFound)?;
    let methodology = match &inputs.carried {
        // A carried result keeps the methodology it was confirmed with.
        Some(c) => match &c.source.stamp {
            Some(st) => st.methodology.clone(),
            None => return refuse("cycle", Problem::NotConfirmed),
        },
        None => Methodology {
            scale: results.cycle.scale,
            k: results.cycle.k,
            threshold: results.cycle.threshold,
            threshold_rule: results.cycle.threshold_rule,
            weights: inputs
                .groups
                .iter()
                .map(|g| (g.code.clone(), g.weight))
                .collect(),
            anonymity: crate::domain::AnonymityRule::Cells,
            scoring: assessment.as_ref().map(|a| a.scoring),
        },
    };
    let stamp = Stamp {
        confirmed_at: now(),
        confirmed_by: actor.name.clone(),
        methodology,
        statistics_hash: hash_secret(&statistics_text(&results)),
        intact: true,
        // The log's head now, before this confirmation's own entry (read under the write lock).
        audit_anchor: Some(super::audit::head(&mut tx).await?),
        assessment_hash: assessment.map(|a| hash_secret(&a.statistics_text())),
    };
    let anchor = stamp.audit_anchor.as_ref();
    sqlx::query(
        "INSERT INTO confirmations (cycle_id, confirmed_at, user_id, user_email, methodology,
            statistics_hash, audit_id, audit_hash, assessment_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(cycle_id)
    .bind(stamp.confirmed_at)
    .bind(actor.user_id)
    .bind(&stamp.confirmed_by)
    .bind(serde_json::to_string(&stamp.methodology).expect("methodology serialises"))
    .bind(&stamp.statistics_hash)
    .bind(anchor.map(|a| a.id))
    .bind(anchor.map(|a| a.hash.clone()))
    .bind(&stamp.assessment_hash)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE cycles SET status = 'confirmed' WHERE id = ?")
        .bind(cycle_id)
        .execute(&mut *tx)
        .await?;
    // The survey is over: its recipients' addresses go with the confirmation.
    super::mail::erase_confirmed(&mut tx, cycle_id).await?;
    let action = Action::new("cycle.confirm", format!("cycle {cycle_id}"))
        .before(json!({"status": s.lock.status.as_str()}))
        .after(json!({"status": "confirmed", "stamp": stamp}));
    tx.commit(action).await?;
    Ok(stamp)
}

/// Makes a draft cycle that nobody has answered adopt the confirmed result of cycle `from`, of the same
/// method, with the written rationale. It then never opens for answers; it is reviewed and confirmed
/// like any other. A double-materiality cycle adopts the earlier assessment only while nobody has
/// rated any of its IROs; its own register is then set aside and refuses every write.
pub async fn carry_forward(
    db: &Db,
    actor: &Actor,
    cycle_id: i64,
    from: i64,
    rationale: &str,
) -> Stored<()> {
    let mut tx = Write::begin(db, actor).await?;
    let s = state(&mut tx, cycle_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if s.lock.status != CycleStatus::Draft || s.lock.fixed() {
        return refuse("from", Problem::NotAllowed);
    }
    let Some(source) = state(&mut tx, from)
        .await?
        .filter(|src| from != cycle_id && src.lock.status == CycleStatus::Confirmed)
    else {
        return refuse("from", Problem::NotConfirmed);
    };
    if source.lock.method != s.lock.method
        || (s.lock.method == Method::Double
            && !super::register::rated_iros(&mut tx, cycle_id)
                .await?
                .is_empty())
    {
        return refuse("from", Problem::NotAllowed);
    }
    sqlx::query("UPDATE cycles SET carried_from = ?, carry_rationale = ? WHERE id = ?")
        .bind(from)
        .bind(rationale)
        .bind(cycle_id)
        .execute(&mut *tx)
        .await?;
    let action = Action::new("cycle.carry_forward", format!("cycle {cycle_id}"))
        .after(json!({"from": from, "rationale": rationale}));
    tx.commit(action).await?;
    Ok(())
}

/// The management-approach notes of a cycle by topic code.
pub async fn notes(db: &Db, cycle_id: i64) -> Result<BTreeMap<String, String>, sqlx::Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT topic_code, note FROM management_notes WHERE cycle_id = ?")
            .bind(cycle_id)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().collect())
}

/// Sets a topic's management-approach note (empty removes it); in a double-materiality cycle, a
/// matter's (`topic` is then a matter's code). Notes are the report's prose, not the assessment: they
/// may be written after confirmation, and every change is in the audit log.
pub async fn set_note(
    db: &Db,
    actor: &Actor,
    cycle_id: i64,
    topic: &str,
    note: &str,
) -> Stored<()> {
    let mut tx = Write::begin(db, actor).await?;
    let s = state(&mut tx, cycle_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if !s.knows(&mut tx, cycle_id, topic).await? {
        return refuse("topic", Problem::Unknown);
    }
    let before: Option<String> = sqlx::query_scalar(
        "SELECT note FROM management_notes WHERE cycle_id = ? AND topic_code = ?",
    )
    .bind(cycle_id)
    .bind(topic)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM management_notes WHERE cycle_id = ? AND topic_code = ?")
        .bind(cycle_id)
        .bind(topic)
        .execute(&mut *tx)
        .await?;
    if !note.is_empty() {
        sqlx::query(
            "INSERT INTO management_notes (cycle_id, topic_code, note, updated_at) VALUES (?, ?, ?, ?)",
        )
        .bind(cycle_id)
        .bind(topic)
        .bind(note)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    }
    let action = Action::new("material.note", format!("cycle {cycle_id} topic {topic}"))
        .before(before)
        .after((!note.is_empty()).then_some(note));
    tx.commit(action).await?;
    Ok(())
}
