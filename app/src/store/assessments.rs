//! Assessing a double-materiality cycle's IROs: admins assign IROs to assessors; each assessor saves
//! and submits their own ratings (with a rationale), which then lock; the scores compose from the
//! submitted ratings in [`crate::domain::double_materiality`]. Every write is audited through the
//! write seam; a confirmed cycle refuses them all.

use super::audit::{Action, Actor};
use super::write::{refuse, StoreError, Stored, Write};
use super::{now, Db};
use crate::domain::double_materiality::{
    check_ratings, matter_positions, score_iro, Horizon, IroScore, MatterNode, Rating, Ratings,
    Scoring,
};
use crate::domain::iro::{
    lookup, word, AssessmentView, AssessorCycle, Assignee, Assignment, CalibrationNote,
    DecisionNote, IroRow, MatterResult, ScoredIro, HORIZONS,
};
use crate::domain::{check_text, CycleStatus, Problem, MAX_TEXT};
use sqlx::Row;
use std::collections::BTreeMap;

/// The write lock, on a cycle that exists and is not confirmed.
async fn begin(db: &Db, actor: &Actor, cycle: i64, field: &str) -> Stored<Write> {
    let mut w = Write::begin(db, actor).await?;
    super::register::unconfirmed(&mut w, cycle, field).await?;
    Ok(w)
}

/// An IRO of the cycle that is not retired: not found, or refused as `iro`.
async fn active_iro(w: &mut Write, cycle: i64, iro: i64) -> Stored<()> {
    let active: Option<bool> =
        sqlx::query_scalar("SELECT retired_at IS NULL FROM iros WHERE id = ? AND cycle_id = ?")
            .bind(iro)
            .bind(cycle)
            .fetch_optional(&mut **w)
            .await?;
    match active {
        None => Err(StoreError::NotFound),
        Some(false) => refuse("iro", Problem::NotAllowed),
        Some(true) => Ok(()),
    }
}

/// Assigns an active IRO of the cycle to an account that is not disabled.
pub async fn assign(db: &Db, actor: &Actor, cycle: i64, iro: i64, user: i64) -> Stored<()> {
    let mut w = begin(db, actor, cycle, "assessor").await?;
    active_iro(&mut w, cycle, iro).await?;
    let email: Option<String> =
        sqlx::query_scalar("SELECT email FROM users WHERE id = ? AND disabled_at IS NULL")
            .bind(user)
            .fetch_optional(&mut *w)
            .await?;
    let Some(email) = email else {
        return refuse("assessor", Problem::Unknown);
    };
    let added = sqlx::query(
        "INSERT INTO iro_assignments (iro_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(iro)
    .bind(user)
    .execute(&mut *w)
    .await?;
    if added.rows_affected() == 0 {
        return refuse("assessor", Problem::DuplicateCode);
    }
    let action = Action::new("assessment.assign", format!("cycle {cycle} iro {iro}")).after(email);
    Ok(w.commit(action).await?)
}

/// Saves the acting assessor's ratings of an IRO assigned to them (a draft), or submits them
/// (`submit`: the rationale is then required, and the rating locks), with their evidence (links and
/// notes, one per line: `domain::evidence`). Another's assignment, or none, is not found: an
/// assessor sees only their own.
#[allow(clippy::too_many_arguments)] // the rating's own parts, each as the form gives it
pub async fn save_rating(
    db: &Db,
    actor: &Actor,
    cycle: i64,
    iro: i64,
    given: &[(Horizon, Rating)],
    rationale: &str,
    evidence: &str,
    submit: bool,
) -> Stored<()> {
    let user = actor.user_id.ok_or(StoreError::NotFound)?;
    let mut w = begin(db, actor, cycle, "rating").await?;
    let row = sqlx::query(
        "SELECT a.submitted_at IS NOT NULL AS submitted, a.waived_reason IS NOT NULL AS waived,
                i.retired_at IS NOT NULL AS retired
         FROM iro_assignments a JOIN iros i ON i.id = a.iro_id
         WHERE a.iro_id = ? AND a.user_id = ? AND i.cycle_id = ?",
    )
    .bind(iro)
    .bind(user)
    .bind(cycle)
    .fetch_optional(&mut *w)
    .await?
    .ok_or(StoreError::NotFound)?;
    if row.get::<bool, _>("submitted") || row.get::<bool, _>("waived") || row.get("retired") {
        return refuse("rating", Problem::Frozen);
    }
    let record = super::register::iros_where(&mut w, "i.id = ?", iro)
        .await?
        .pop()
        .ok_or(StoreError::NotFound)?;
    let mut problems = Vec::new();
    check_text(&mut problems, "rationale", rationale, submit, MAX_TEXT);
    let evidence = crate::domain::evidence::check(evidence).unwrap_or_else(|p| {
        problems.extend(p);
        String::new()
    });
    let checked = match check_ratings(&record.record.iro, given) {
        Ok(c) => Some(c),
        Err(p) => {
            problems.extend(p);
            None
        }
    };
    let (true, Some(checked)) = (problems.is_empty(), checked) else {
        return Err(StoreError::Refused(problems));
    };
    sqlx::query("DELETE FROM iro_ratings WHERE iro_id = ? AND user_id = ?")
        .bind(iro)
        .bind(user)
        .execute(&mut *w)
        .await?;
    for (h, r) in &checked {
        sqlx::query(
            "INSERT INTO iro_ratings (iro_id, user_id, horizon, scale, scope, irremediable,
                                      likelihood, magnitude)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(iro)
        .bind(user)
        .bind(word(&HORIZONS, *h))
        .bind(r.scale)
        .bind(r.scope)
        .bind(r.irremediable)
        .bind(r.likelihood)
        .bind(r.magnitude)
        .execute(&mut *w)
        .await?;
    }
    sqlx::query(
        "UPDATE iro_assignments SET rationale = ?, evidence = ?, submitted_at = ?
         WHERE iro_id = ? AND user_id = ?",
    )
    .bind(rationale.trim())
    .bind(&evidence)
    .bind(submit.then(now))
    .bind(iro)
    .bind(user)
    .execute(&mut *w)
    .await?;
    let verb = if submit {
        "assessment.submit"
    } else {
        "assessment.save"
    };
    let action = Action::new(verb, format!("cycle {cycle} iro {iro}"))
        .after(serde_json::json!({ "ratings": checked, "rationale": rationale.trim(), "evidence": evidence }));
    Ok(w.commit(action).await?)
}

/// Calibrates an active IRO's score (`Some`, 1 to 5) or removes the calibration (`None`); the reason
/// is required either way, and goes on the record with the scores before and after.
pub async fn calibrate(
    db: &Db,
    actor: &Actor,
    cycle: i64,
    iro: i64,
    score: Option<f64>,
    reason: &str,
) -> Stored<()> {
    let mut w = begin(db, actor, cycle, "score").await?;
    active_iro(&mut w, cycle, iro).await?;
    let mut problems = Vec::new();
    if score.is_some_and(|s| !(1.0..=5.0).contains(&s)) {
        problems.push(crate::domain::FieldProblem::new(
            "score",
            Problem::BadNumber,
        ));
    }
    let reason = match crate::domain::check_reason("reason", reason) {
        Ok(r) => r,
        Err(p) => {
            problems.extend(p);
            String::new()
        }
    };
    if !problems.is_empty() {
        return Err(StoreError::Refused(problems));
    }
    let before: Option<f64> =
        sqlx::query_scalar("SELECT score FROM iro_calibrations WHERE iro_id = ?")
            .bind(iro)
            .fetch_optional(&mut *w)
            .await?;
    match score {
        Some(s) => {
            sqlx::query(
                "INSERT INTO iro_calibrations (iro_id, score, reason, user_id, at)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (iro_id) DO UPDATE SET score = excluded.score,
                   reason = excluded.reason, user_id = excluded.user_id, at = excluded.at",
            )
            .bind(iro)
            .bind(s)
            .bind(&reason)
            .bind(actor.user_id)
            .bind(now())
            .execute(&mut *w)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM iro_calibrations WHERE iro_id = ?")
                .bind(iro)
                .execute(&mut *w)
                .await?;
        }
    }
    let action = Action::new("assessment.calibrate", format!("cycle {cycle} iro {iro}"))
        .before(before)
        .after(serde_json::json!({ "score": score, "reason": reason }));
    Ok(w.commit(action).await?)
}

/// Records the decision group's decision on an active IRO whose score is in the grey zone or not
/// assessable (`Some`: material or not), or removes it (`None`); the reason is required either way.
/// A score that needs no decision is refused: it stands by itself (calibrate it instead).
pub async fn decide(
    db: &Db,
    actor: &Actor,
    cycle: i64,
    iro: i64,
    material: Option<bool>,
    reason: &str,
) -> Stored<()> {
    let mut w = begin(db, actor, cycle, "decision").await?;
    active_iro(&mut w, cycle, iro).await?;
    let reason = crate::domain::check_reason("reason", reason).map_err(StoreError::Refused)?;
    // Whether its score needs a decision, from the ratings as they are under the write lock (a
    // decided score needed one).
    let scoring = super::register::cycle_head(&mut w, cycle)
        .await?
        .ok_or(StoreError::NotFound)?
        .scoring;
    let notes = notes_on(&mut w, cycle).await?;
    let needs = scores_on(&mut w, cycle, &scoring, &notes)
        .await?
        .into_iter()
        .find(|(row, _)| row.id == iro)
        .is_some_and(|(_, s)| s.decided || s.needs_decision());
    let before: Option<bool> =
        sqlx::query_scalar("SELECT material FROM iro_decisions WHERE iro_id = ?")
            .bind(iro)
            .fetch_optional(&mut *w)
            .await?;
    match material {
        Some(_) if !needs => return refuse("decision", Problem::NotAllowed),
        Some(m) => {
            sqlx::query(
                "INSERT INTO iro_decisions (iro_id, material, reason, user_id, at)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (iro_id) DO UPDATE SET material = excluded.material,
                   reason = excluded.reason, user_id = excluded.user_id, at = excluded.at",
            )
            .bind(iro)
            .bind(m)
            .bind(&reason)
            .bind(actor.user_id)
            .bind(now())
            .execute(&mut *w)
            .await?;
        }
        None if before.is_none() => return Err(StoreError::NotFound),
        None => {
            sqlx::query("DELETE FROM iro_decisions WHERE iro_id = ?")
                .bind(iro)
                .execute(&mut *w)
                .await?;
        }
    }
    let action = Action::new("assessment.decide", format!("cycle {cycle} iro {iro}"))
        .before(before)
        .after(serde_json::json!({ "material": material, "reason": reason }));
    Ok(w.commit(action).await?)
}

/// Waives an assessor's assignment that is not submitted, with the reason: it no longer counts as
/// missing, and whatever they drafted no longer counts in the score.
pub async fn waive(
    db: &Db,
    actor: &Actor,
    cycle: i64,
    iro: i64,
    user: i64,
    reason: &str,
) -> Stored<()> {
    let mut w = begin(db, actor, cycle, "waiver").await?;
    active_iro(&mut w, cycle, iro).await?;
    let reason = crate::domain::check_reason("reason", reason).map_err(StoreError::Refused)?;
    let row = sqlx::query(
        "SELECT u.email, a.submitted_at IS NOT NULL AS submitted,
                a.waived_reason IS NOT NULL AS waived
         FROM iro_assignments a JOIN users u ON u.id = a.user_id
         WHERE a.iro_id = ? AND a.user_id = ?",
    )
    .bind(iro)
    .bind(user)
    .fetch_optional(&mut *w)
    .await?
    .ok_or(StoreError::NotFound)?;
    if row.get::<bool, _>("submitted") || row.get::<bool, _>("waived") {
        return refuse("waiver", Problem::Frozen);
    }
    sqlx::query("UPDATE iro_assignments SET waived_reason = ? WHERE iro_id = ? AND user_id = ?")
        .bind(&reason)
        .bind(iro)
        .bind(user)
        .execute(&mut *w)
        .await?;
    let email: String = row.get("email");
    let action = Action::new("assessment.waive", format!("cycle {cycle} iro {iro}"))
        .after(serde_json::json!({ "assessor": email, "reason": reason }));
    Ok(w.commit(action).await?)
}

/// The acting user's own assignments in the cycle (nobody else's), active IROs only.
pub async fn my_assignments(
    db: &Db,
    user: i64,
    cycle: i64,
) -> Result<Vec<Assignment>, sqlx::Error> {
    // One read transaction: the IROs and their ratings agree.
    let mut conn = db.begin().await?;
    let mine = sqlx::query(
        "SELECT a.iro_id, a.rationale, a.evidence, a.submitted_at IS NOT NULL AS submitted,
                a.waived_reason IS NOT NULL AS waived
         FROM iro_assignments a JOIN iros i ON i.id = a.iro_id JOIN cycles c ON c.id = i.cycle_id
         WHERE a.user_id = ? AND i.cycle_id = ? AND i.retired_at IS NULL
           AND c.carried_from IS NULL
         ORDER BY a.iro_id",
    )
    .bind(user)
    .bind(cycle)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for a in mine {
        let id: i64 = a.get("iro_id");
        let Some(iro) = super::register::iros_where(&mut conn, "i.id = ?", id)
            .await?
            .pop()
        else {
            continue;
        };
        let rows = sqlx::query(
            "SELECT horizon, scale, scope, irremediable, likelihood, magnitude FROM iro_ratings
             WHERE iro_id = ? AND user_id = ?",
        )
        .bind(id)
        .bind(user)
        .fetch_all(&mut *conn)
        .await?;
        let mut ratings = rows
            .iter()
            .map(|r| {
                let h = lookup(&HORIZONS, r.get("horizon"))
                    .ok_or_else(|| sqlx::Error::Decode("bad horizon in the database".into()))?;
                Ok((h, rating_of(r)))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        ratings.sort_by_key(|(h, _)| *h);
        out.push(Assignment {
            iro,
            ratings,
            rationale: a.get("rationale"),
            evidence: a.get("evidence"),
            submitted: a.get("submitted"),
            waived: a.get("waived"),
        });
    }
    Ok(out)
}

/// One rating as [`scores_on`] packs it: `user:horizon:` and five digits, 0 for none.
fn unpack_rating(text: &str) -> Option<(i64, Horizon, Rating)> {
    let mut parts = text.splitn(3, ':');
    let user = parts.next()?.parse().ok()?;
    let horizon = lookup(&HORIZONS, parts.next()?)?;
    let digits = parts.next()?.as_bytes();
    if digits.len() != 5 || !digits.iter().all(|d| (b'0'..=b'5').contains(d)) {
        return None;
    }
    // Checked above: each digit is 0 ("can't judge") to 5.
    let at = |i: usize| (digits[i] != b'0').then(|| digits[i] - b'0');
    let rating = Rating {
        scale: at(0),
        scope: at(1),
        irremediable: at(2),
        likelihood: at(3),
        magnitude: at(4),
    };
    Some((user, horizon, rating))
}

fn rating_of(r: &sqlx::sqlite::SqliteRow) -> Rating {
    Rating {
        scale: r.get("scale"),
        scope: r.get("scope"),
        irremediable: r.get("irremediable"),
        likelihood: r.get("likelihood"),
        magnitude: r.get("magnitude"),
    }
}

/// Every active IRO of the cycle with its score (by the cycle's scoring constants) from the submitted
/// ratings, its calibration and decision; empty for an unknown cycle.
pub async fn scores(db: &Db, cycle: i64) -> Result<Vec<(IroRow, IroScore)>, sqlx::Error> {
    // One read transaction: the IROs, the ratings and the calibrations agree.
    let mut tx = db.begin().await?;
    let Some(head) = super::register::cycle_head(&mut tx, cycle).await? else {
        return Ok(Vec::new());
    };
    let notes = notes_on(&mut tx, cycle).await?;
    scores_on(&mut tx, cycle, &head.scoring, &notes).await
}

/// The decision group's calibrations and decisions on a cycle's IROs, by IRO.
struct Notes {
    calibrations: BTreeMap<i64, CalibrationNote>,
    decisions: BTreeMap<i64, DecisionNote>,
}

async fn notes_on(conn: &mut sqlx::SqliteConnection, cycle: i64) -> Result<Notes, sqlx::Error> {
    let calibrations = sqlx::query(
        "SELECT c.iro_id, c.score, c.reason, COALESCE(u.email, '') AS email, c.at
         FROM iro_calibrations c JOIN iros i ON i.id = c.iro_id
         LEFT JOIN users u ON u.id = c.user_id WHERE i.cycle_id = ?",
    )
    .bind(cycle)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let note = CalibrationNote {
            score: r.get("score"),
            reason: r.get("reason"),
            by: r.get("email"),
            at: r.get("at"),
        };
        (r.get("iro_id"), note)
    })
    .collect();
    let decisions = sqlx::query(
        "SELECT d.iro_id, d.material, d.reason, COALESCE(u.email, '') AS email, d.at
         FROM iro_decisions d JOIN iros i ON i.id = d.iro_id
         LEFT JOIN users u ON u.id = d.user_id WHERE i.cycle_id = ?",
    )
    .bind(cycle)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let note = DecisionNote {
            material: r.get("material"),
            reason: r.get("reason"),
            by: r.get("email"),
            at: r.get("at"),
        };
        (r.get("iro_id"), note)
    })
    .collect();
    Ok(Notes {
        calibrations,
        decisions,
    })
}

/// Every active IRO of the cycle scored from its submitted ratings with `notes`' calibrations and
/// decisions.
async fn scores_on(
    conn: &mut sqlx::SqliteConnection,
    cycle: i64,
    scoring: &Scoring,
    notes: &Notes,
) -> Result<Vec<(IroRow, IroScore)>, sqlx::Error> {
    let iros =
        super::register::iros_where(&mut *conn, "i.cycle_id = ? AND i.retired_at IS NULL", cycle)
            .await?;
    // One row per IRO with its submitted ratings packed as text (`user:horizon:12345;...`, 0 for
    // "can't judge"), kept by the database's triggers from the ratings and assignments (migration
    // 13): a thousand short rows for a thousand IROs instead of joining ten thousand ratings, since
    // handing rows over from SQLite costs more than parsing them (the benchmark's 1,000 IROs × 5
    // assessors).
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, submitted_ratings FROM iros
         WHERE cycle_id = ? AND retired_at IS NULL AND submitted_ratings <> ''",
    )
    .bind(cycle)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_iro: BTreeMap<i64, BTreeMap<i64, Vec<(Horizon, Rating)>>> = BTreeMap::new();
    for (iro, packed) in &rows {
        let per_user = by_iro.entry(*iro).or_default();
        for one in packed.split(';') {
            let (user, horizon, rating) = unpack_rating(one)
                .ok_or_else(|| sqlx::Error::Decode("bad rating in the database".into()))?;
            per_user.entry(user).or_default().push((horizon, rating));
        }
    }
    Ok(iros
        .into_iter()
        .map(|row| {
            let ratings: Ratings = by_iro
                .remove(&row.id)
                .map(|m| m.into_values().collect())
                .unwrap_or_default();
            let calibration = notes.calibrations.get(&row.id).map(|n| n.score);
            let score = score_iro(&row.record.iro, &ratings, calibration, scoring)
                .with_decision(notes.decisions.get(&row.id).map(|n| n.material));
            (row, score)
        })
        .collect())
}

/// Who is assigned to each IRO of the cycle, by IRO and email.
pub(super) async fn assignees_on(
    conn: &mut sqlx::SqliteConnection,
    cycle: i64,
) -> Result<Vec<Assignee>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.iro_id, a.user_id, u.email, a.submitted_at IS NOT NULL AS submitted,
                a.waived_reason IS NOT NULL AS waived
         FROM iro_assignments a JOIN iros i ON i.id = a.iro_id JOIN users u ON u.id = a.user_id
         WHERE i.cycle_id = ? ORDER BY a.iro_id, u.email",
    )
    .bind(cycle)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| Assignee {
            iro: r.get("iro_id"),
            user: r.get("user_id"),
            email: r.get("email"),
            submitted: r.get("submitted"),
            waived: r.get("waived"),
        })
        .collect())
}

/// The cycles in which `user` has active IROs to assess, newest first, with how many they have
/// submitted.
pub async fn my_cycles(db: &Db, user: i64) -> Result<Vec<AssessorCycle>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, c.name, c.year, c.status, COUNT(*) AS assigned,
                SUM(a.submitted_at IS NOT NULL OR a.waived_reason IS NOT NULL) AS submitted
         FROM iro_assignments a JOIN iros i ON i.id = a.iro_id JOIN cycles c ON c.id = i.cycle_id
         WHERE a.user_id = ? AND i.retired_at IS NULL AND c.carried_from IS NULL
         GROUP BY c.id, c.name, c.year, c.status ORDER BY c.year DESC, c.id DESC",
    )
    .bind(user)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AssessorCycle {
                id: r.get("id"),
                name: r.get("name"),
                year: r.get("year"),
                status: CycleStatus::parse(r.get("status"))
                    .ok_or_else(|| sqlx::Error::Decode("bad cycle status".into()))?,
                assigned: r.get("assigned"),
                submitted: r.get("submitted"),
            })
        })
        .collect()
}

/// A cycle's results by the double-materiality method from one read transaction: every active IRO
/// with its score (by the cycle's scoring constants), calibration and progress, every matter's
/// position, and the confirmation stamp checked against them. `None` for an unknown cycle.
pub async fn assessment(db: &Db, cycle: i64) -> Result<Option<AssessmentView>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let view = assessment_on(&mut tx, cycle).await?;
    tx.commit().await?;
    Ok(view)
}

/// [`assessment`] on a connection whose transaction the caller holds (the confirmation's).
pub(super) async fn assessment_on(
    tx: &mut sqlx::SqliteConnection,
    cycle: i64,
) -> Result<Option<AssessmentView>, sqlx::Error> {
    let Some(head) = super::register::cycle_head(&mut *tx, cycle).await? else {
        return Ok(None);
    };
    if let Some(from) = head.carried_from {
        // A carried-forward result is the earlier cycle's, under this cycle's name, standing and
        // stamp; its own register is set aside.
        let Some(mut view) = Box::pin(assessment_on(&mut *tx, from)).await? else {
            return Ok(None);
        };
        view.carried = super::register::carried_on(&mut *tx, cycle).await?;
        view.id = cycle;
        view.name = head.name;
        view.status = head.status;
        view.stamp = stamp_checked(&mut *tx, cycle, &view).await?;
        return Ok(Some(view));
    }
    let scoring = &head.scoring;
    let notes = notes_on(&mut *tx, cycle).await?;
    let scored = scores_on(&mut *tx, cycle, scoring, &notes).await?;
    let matters = super::register::matters_on(&mut *tx, cycle).await?;
    let progress: BTreeMap<i64, (i64, i64)> = sqlx::query_as(
        "SELECT a.iro_id, COUNT(*), SUM(a.submitted_at IS NOT NULL OR a.waived_reason IS NOT NULL)
         FROM iro_assignments a JOIN iros i ON i.id = a.iro_id WHERE i.cycle_id = ?
         GROUP BY a.iro_id",
    )
    .bind(cycle)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(iro, assigned, submitted)| (iro, (assigned, submitted)))
    .collect();
    let (assessors, assessments): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(DISTINCT CASE WHEN a.submitted_at IS NOT NULL AND a.waived_reason IS NULL
                                    THEN a.user_id END),
                COALESCE(SUM(a.submitted_at IS NOT NULL AND a.waived_reason IS NULL), 0)
         FROM iro_assignments a JOIN iros i ON i.id = a.iro_id
         WHERE i.cycle_id = ? AND i.retired_at IS NULL",
    )
    .bind(cycle)
    .fetch_one(&mut *tx)
    .await?;
    let id_of: BTreeMap<&str, i64> = matters.iter().map(|m| (m.code.as_str(), m.id)).collect();
    let nodes: Vec<MatterNode> = matters
        .iter()
        .map(|m| MatterNode {
            id: m.id,
            parent: m.parent,
        })
        .collect();
    let attached: Vec<(i64, IroScore)> = scored
        .iter()
        .filter_map(|(row, score)| Some((*id_of.get(row.record.matter.as_str())?, score.clone())))
        .collect();
    let mut positions = matter_positions(&nodes, &attached);
    let mut attached_to: BTreeMap<i64, usize> = BTreeMap::new();
    for (at, _) in &attached {
        *attached_to.entry(*at).or_default() += 1;
    }
    let mut matters: Vec<MatterResult> = matters
        .into_iter()
        .filter_map(|m| {
            let iros = attached_to.get(&m.id).copied().unwrap_or(0);
            Some(MatterResult {
                position: positions.remove(&m.id)?,
                matter: m,
                iros,
                stakeholders: Vec::new(),
            })
        })
        .collect();
    super::stakeholder_input::attach_on(&mut *tx, cycle, &mut matters).await?;
    let iros = scored
        .into_iter()
        .map(|(row, score)| {
            let (assigned, submitted) = progress.get(&row.id).copied().unwrap_or((0, 0));
            ScoredIro {
                calibration: notes.calibrations.get(&row.id).cloned(),
                decision: notes.decisions.get(&row.id).cloned(),
                row,
                score,
                assigned,
                submitted,
            }
        })
        .collect();
    let mut view = AssessmentView {
        id: cycle,
        name: head.name,
        status: head.status,
        method: head.method,
        scoring: *scoring,
        preset: head.preset,
        assessors: assessors as usize,
        assessments,
        iros,
        matters,
        stamp: None,
        carried: None,
    };
    view.stamp = stamp_checked(&mut *tx, cycle, &view).await?;
    Ok(Some(view))
}

/// Cycle `cycle`'s confirmation stamp, `intact` when `view`'s figures still hash to it.
async fn stamp_checked(
    conn: &mut sqlx::SqliteConnection,
    cycle: i64,
    view: &AssessmentView,
) -> Result<Option<crate::domain::Stamp>, sqlx::Error> {
    let stamp = super::results::stamp(&mut *conn, cycle).await?;
    // A confirmation without the scores' hash is a survey cycle's: nothing here to check it against.
    Ok(stamp.filter(|s| s.assessment_hash.is_some()).map(|mut s| {
        let hash = super::hash_secret(&view.statistics_text());
        s.intact = s.assessment_hash.as_deref() == Some(hash.as_str());
        s
    }))
}

/// Every assignment of the cycle's active IROs with the assessor's ratings, one row per horizon
/// rated (one row with no horizon where nothing is rated yet), for the ratings file.
pub async fn rating_rows(
    db: &Db,
    cycle: i64,
) -> Result<Vec<crate::domain::dm_export::RatingRow>, sqlx::Error> {
    rating_rows_on(&mut *db.acquire().await?, cycle).await
}

/// The results and every rating from one read transaction, so that the files made of both agree
/// (the workbook's sheets, the JSON document); `None` for an unknown cycle.
pub async fn assessment_and_ratings(
    db: &Db,
    cycle: i64,
) -> Result<Option<(AssessmentView, Vec<crate::domain::dm_export::RatingRow>)>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let Some(view) = assessment_on(&mut tx, cycle).await? else {
        return Ok(None);
    };
    let ratings = rating_rows_on(&mut tx, cycle).await?;
    tx.commit().await?;
    Ok(Some((view, ratings)))
}

async fn rating_rows_on(
    conn: &mut sqlx::SqliteConnection,
    cycle: i64,
) -> Result<Vec<crate::domain::dm_export::RatingRow>, sqlx::Error> {
    // A carried-forward result's ratings are those of the cycle it was assessed in.
    let head = super::register::cycle_head(&mut *conn, cycle).await?;
    if let Some(from) = head.as_ref().and_then(|h| h.carried_from) {
        return Box::pin(rating_rows_on(&mut *conn, from)).await;
    }
    let rows = sqlx::query(
        "SELECT a.iro_id, u.email, a.user_id, r.horizon, r.scale, r.scope, r.irremediable, r.likelihood,
                r.magnitude, a.submitted_at IS NOT NULL AS submitted, a.waived_reason, a.rationale,
                a.evidence
         FROM iro_assignments a JOIN iros i ON i.id = a.iro_id JOIN users u ON u.id = a.user_id
         LEFT JOIN iro_ratings r ON r.iro_id = a.iro_id AND r.user_id = a.user_id
         WHERE i.cycle_id = ? AND i.retired_at IS NULL
         ORDER BY a.iro_id, u.email, r.horizon",
    )
    .bind(cycle)
    .fetch_all(&mut *conn)
    .await?;
    let mut rows = rows;
    let hidden = head.is_some_and(|h| h.hide_assessors);
    if hidden {
        // Not in the order of the addresses either.
        rows.sort_by_key(|r| {
            let horizon: Option<String> = r.get("horizon");
            (
                r.get::<i64, _>("iro_id"),
                r.get::<i64, _>("user_id"),
                horizon,
            )
        });
    }
    // Hidden names: each assessor numbered by account over every assignment of the cycle (retired
    // IROs included), the same in every file.
    let numbers: std::collections::BTreeMap<i64, usize> = sqlx::query_scalar::<_, i64>(
        "SELECT DISTINCT a.user_id FROM iro_assignments a JOIN iros i ON i.id = a.iro_id
         WHERE i.cycle_id = ? ORDER BY a.user_id",
    )
    .bind(cycle)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .enumerate()
    .map(|(i, user)| (user, i + 1))
    .collect();
    rows.iter()
        .map(|r| {
            let assessor = if hidden {
                format!("assessor {}", numbers[&r.get::<i64, _>("user_id")])
            } else {
                r.get("email")
            };
            let horizon = match r.get::<Option<&str>, _>("horizon") {
                None => None,
                Some(h) => Some(
                    lookup(&HORIZONS, h)
                        .ok_or_else(|| sqlx::Error::Decode("bad horizon in the database".into()))?,
                ),
            };
            Ok(crate::domain::dm_export::RatingRow {
                iro: r.get("iro_id"),
                assessor,
                horizon,
                rating: rating_of(r),
                submitted: r.get("submitted"),
                waived_reason: r.get("waived_reason"),
                rationale: r.get("rationale"),
                evidence: r.get("evidence"),
            })
        })
        .collect()
}
