//! Assessing a double-materiality cycle's IROs: admins assign IROs to assessors; each assessor saves
//! and submits their own ratings (with a rationale), which then lock; the scores compose from the
//! submitted ratings in [`crate::domain::double_materiality`]. Every write is audited through the
//! write seam; a confirmed cycle refuses them all.

use super::audit::{Action, Actor};
use super::write::{refuse, StoreError, Stored, Write};
use super::{now, Db};
use crate::domain::double_materiality::{
    check_ratings, score_iro, Horizon, IroScore, Rating, Ratings, Scoring,
};
use crate::domain::iro::{lookup, word, Assignment, IroRow, HORIZONS};
use crate::domain::{check_text, Problem, MAX_TEXT};
use sqlx::Row;

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
/// (`submit`: the rationale is then required, and the rating locks). Another's assignment, or none,
/// is not found: an assessor sees only their own.
pub async fn save_rating(
    db: &Db,
    actor: &Actor,
    cycle: i64,
    iro: i64,
    given: &[(Horizon, Rating)],
    rationale: &str,
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
    sqlx::query("UPDATE iro_assignments SET rationale = ?, submitted_at = ? WHERE iro_id = ? AND user_id = ?")
        .bind(rationale.trim())
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
        .after(serde_json::json!({ "ratings": checked, "rationale": rationale.trim() }));
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

/// The acting user's own assignments in the cycle (nobody else's), active IROs only.
pub async fn my_assignments(
    db: &Db,
    user: i64,
    cycle: i64,
) -> Result<Vec<Assignment>, sqlx::Error> {
    // One read transaction: the IROs and their ratings agree.
    let mut conn = db.begin().await?;
    let mine = sqlx::query(
        "SELECT a.iro_id, a.rationale, a.submitted_at IS NOT NULL AS submitted,
                a.waived_reason IS NOT NULL AS waived
         FROM iro_assignments a JOIN iros i ON i.id = a.iro_id
         WHERE a.user_id = ? AND i.cycle_id = ? AND i.retired_at IS NULL ORDER BY a.iro_id",
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
            submitted: a.get("submitted"),
            waived: a.get("waived"),
        });
    }
    Ok(out)
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

/// Every active IRO of the cycle with its score from the submitted ratings and its calibration.
pub async fn scores(
    db: &Db,
    cycle: i64,
    scoring: &Scoring,
) -> Result<Vec<(IroRow, IroScore)>, sqlx::Error> {
    // One read transaction: the IROs, the ratings and the calibrations agree.
    let mut conn = db.begin().await?;
    let iros =
        super::register::iros_where(&mut conn, "i.cycle_id = ? AND i.retired_at IS NULL", cycle)
            .await?;
    let rows = sqlx::query(
        "SELECT r.iro_id, r.user_id, r.horizon, r.scale, r.scope, r.irremediable, r.likelihood,
                r.magnitude
         FROM iro_ratings r JOIN iro_assignments a ON a.iro_id = r.iro_id AND a.user_id = r.user_id
         JOIN iros i ON i.id = r.iro_id
         WHERE i.cycle_id = ? AND a.submitted_at IS NOT NULL AND a.waived_reason IS NULL
         ORDER BY r.iro_id, r.user_id",
    )
    .bind(cycle)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_iro: std::collections::BTreeMap<
        i64,
        std::collections::BTreeMap<i64, Vec<(Horizon, Rating)>>,
    > = Default::default();
    for r in &rows {
        let horizon = lookup(&HORIZONS, r.get("horizon"))
            .ok_or_else(|| sqlx::Error::Decode("bad horizon in the database".into()))?;
        let rating = rating_of(r);
        by_iro
            .entry(r.get("iro_id"))
            .or_default()
            .entry(r.get("user_id"))
            .or_default()
            .push((horizon, rating));
    }
    let calibrated: std::collections::BTreeMap<i64, f64> = sqlx::query_as(
        "SELECT c.iro_id, c.score FROM iro_calibrations c JOIN iros i ON i.id = c.iro_id
         WHERE i.cycle_id = ?",
    )
    .bind(cycle)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    Ok(iros
        .into_iter()
        .map(|row| {
            let ratings: Ratings = by_iro
                .remove(&row.id)
                .map(|m| m.into_values().collect())
                .unwrap_or_default();
            let calibration = calibrated.get(&row.id).copied();
            let score = score_iro(&row.record.iro, &ratings, calibration, scoring);
            (row, score)
        })
        .collect())
}
