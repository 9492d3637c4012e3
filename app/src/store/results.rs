//! Reading the histograms of a cycle and turning them into its results.

use super::audit::{Action, Actor};
use super::cycles::{cycle, cycle_topics, groups, response_count};
use super::responses::DONT_KNOW_VALUE;
use super::write::{Stored, Write};
use super::{hash_secret, Db};
use crate::domain::{
    anonymise, compose, AuditAnchor, Axis, Carried, CycleInputs, CycleResults, CycleTopic,
    Override, Previous, RawResponses, Respondents, Stamp, StoredResponse, Tally,
};
use sqlx::{Row, SqliteConnection};
use std::collections::BTreeMap;

/// Every histogram cell of a cycle.
pub async fn tallies<'c>(
    db: impl sqlx::SqliteExecutor<'c>,
    cycle_id: i64,
) -> Result<Vec<Tally>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT h.topic_code, h.axis, g.code AS grp, h.value, h.n
         FROM histograms h JOIN stakeholder_groups g ON g.id = h.group_id
         WHERE h.cycle_id = ? AND h.n > 0",
    )
    .bind(cycle_id)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let value: i32 = r.get("value");
            Ok(Tally {
                topic: r.get("topic_code"),
                axis: Axis::parse(r.get("axis"))
                    .ok_or_else(|| sqlx::Error::Decode("bad axis".into()))?,
                group: r.get("grp"),
                value: (value != DONT_KNOW_VALUE).then_some(value),
                n: r.get::<i64, _>("n") as u64,
            })
        })
        .collect()
}

/// The results of a cycle, computed from its histograms; `None` when there is no such cycle.
pub async fn results(db: &Db, cycle_id: i64) -> Result<Option<CycleResults>, sqlx::Error> {
    // Everyone's results always exist (counting nothing where the anonymity rule withholds them).
    Ok(results_for(db, cycle_id, &Respondents::All)
        .await?
        .flatten())
}

/// The results of a cycle counting only the answers of `who`: `None` when there is no such cycle,
/// `Some(None)` when the anonymity rule withholds the filter's figures. Read in one transaction and
/// composed by [`compose`] (see there for what they take into account).
pub async fn results_for(
    db: &Db,
    cycle_id: i64,
    who: &Respondents,
) -> Result<Option<Option<CycleResults>>, sqlx::Error> {
    // A read transaction: in WAL mode every read below sees the same commit, so no submission can land
    // between two of them and show up as a difference of one response.
    let mut tx = db.begin().await?;
    let read = inputs(&mut tx, cycle_id).await?;
    tx.commit().await?;
    Ok(read.map(|i| compose(&i, who, hash_secret)))
}

/// Everything a cycle's results depend on (and those of the cycle it carries forward), read on one
/// connection: inside the caller's transaction, one reading. None when there is no such cycle.
pub async fn inputs(
    conn: &mut SqliteConnection,
    cycle_id: i64,
) -> Result<Option<CycleInputs>, sqlx::Error> {
    let Some(c) = cycle(&mut *conn, cycle_id).await? else {
        return Ok(None);
    };
    let carried = match c.carried_from {
        Some(from) => Box::pin(inputs(&mut *conn, from))
            .await?
            .map(|source| Carried {
                from,
                rationale: c.carry_rationale.clone().unwrap_or_default(),
                source: Box::new(source),
            }),
        None => None,
    };
    Ok(Some(CycleInputs {
        topics: cycle_topics(&mut *conn, cycle_id).await?,
        groups: groups(&mut *conn).await?,
        tallies: tallies(&mut *conn, cycle_id).await?,
        stamp: stamp(&mut *conn, cycle_id).await?,
        overrides: overrides(&mut *conn, cycle_id).await?,
        summary: c.summary,
        carried,
    }))
}

/// The overrides of a cycle by topic code.
pub async fn overrides<'c>(
    db: impl sqlx::SqliteExecutor<'c>,
    cycle_id: i64,
) -> Result<BTreeMap<String, Override>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT o.topic_code, o.material, o.reason, u.email, o.created_at
         FROM overrides o JOIN users u ON u.id = o.user_id WHERE o.cycle_id = ?",
    )
    .bind(cycle_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.get("topic_code"),
                Override {
                    material: r.get("material"),
                    reason: r.get("reason"),
                    by: r.get("email"),
                    at: r.get("created_at"),
                },
            )
        })
        .collect())
}

/// The stamp of a confirmed cycle as stored (`intact` false: [`crate::domain::compose`] checks it).
pub async fn stamp<'c>(
    db: impl sqlx::SqliteExecutor<'c>,
    cycle_id: i64,
) -> Result<Option<Stamp>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT confirmed_at, user_email, methodology, statistics_hash, audit_id, audit_hash,
                assessment_hash
         FROM confirmations WHERE cycle_id = ?",
    )
    .bind(cycle_id)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(Stamp {
            confirmed_at: r.get("confirmed_at"),
            confirmed_by: r.get("user_email"),
            methodology: serde_json::from_str(r.get("methodology")).map_err(|e| {
                sqlx::Error::Decode(format!("stamp of cycle {cycle_id}: {e}").into())
            })?,
            statistics_hash: r.get("statistics_hash"),
            intact: false,
            audit_anchor: r
                .get::<Option<i64>, _>("audit_id")
                .zip(r.get::<Option<String>, _>("audit_hash"))
                .map(|(id, hash)| AuditAnchor { id, hash }),
            assessment_hash: r.get("assessment_hash"),
        })
    })
    .transpose()
}

/// The results of the cycle this one was copied from (all respondents), for year-over-year views.
pub async fn previous(db: &Db, cycle_id: i64) -> Result<Option<Previous>, sqlx::Error> {
    let Some(from) = cycle(db, cycle_id).await?.and_then(|c| c.copied_from) else {
        return Ok(None);
    };
    Ok(results(db, from).await?.as_ref().map(Previous::of))
}

/// The responses of a cycle given by `who`, anonymised for export (see [`anonymise`]), each with its
/// scores in the order of `topics` (the cycle's); `TooMany` without reading them when the cycle has
/// more than `max` responses; `None` when there is no such cycle. Score rows are read as a stream into a
/// compact form, so memory grows with the responses kept, not with the rows read.
pub async fn anonymous_responses(
    db: &Db,
    cycle_id: i64,
    who: &Respondents,
    topics: &[CycleTopic],
    max: usize,
) -> Result<Option<RawResponses>, sqlx::Error> {
    use futures_util::TryStreamExt;
    let Some(c) = cycle(db, cycle_id).await? else {
        return Ok(None);
    };
    // Held back with the figures while the cycle is open without the preview.
    if !c.summary.figures_shown() {
        return Ok(Some(RawResponses::Rows(Vec::new())));
    }
    let total = response_count(db, cycle_id).await? as usize;
    if total > max {
        return Ok(Some(RawResponses::TooMany(total)));
    }
    let column: std::collections::HashMap<&str, usize> = topics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.code.as_str(), i))
        .collect();
    let groups = groups(db).await?;
    let mut rows = sqlx::query(
        "SELECT r.id, r.submitted_at, g.code AS grp, s.topic_code, s.business, s.stakeholder
         FROM responses r
         JOIN stakeholder_groups g ON g.id = r.group_id
         JOIN scores s ON s.response_id = r.id
         WHERE r.cycle_id = ?
         ORDER BY r.id",
    )
    .bind(cycle_id)
    .fetch(db);
    let mut stored: Vec<StoredResponse> = Vec::new();
    let mut last = None;
    while let Some(r) = rows.try_next().await? {
        let id: i64 = r.get("id");
        if last != Some(id) {
            last = Some(id);
            stored.push((
                r.get("submitted_at"),
                r.get("grp"),
                vec![(None, None); topics.len()],
            ));
        }
        if let (Some(slot), Some(current)) = (
            column.get(r.get::<&str, _>("topic_code")),
            stored.last_mut(),
        ) {
            current.2[*slot] = (r.get("business"), r.get("stakeholder"));
        }
    }
    Ok(Some(RawResponses::Rows(anonymise(
        stored,
        &groups,
        c.summary.k,
        who,
    ))))
}

/// Histogram cells keyed by (topic, axis, group code, value); `value` -1 counts "don't know".
pub type Cells = std::collections::BTreeMap<(String, String, String, i64), i64>;

/// The histograms of a cycle counted afresh from the stored score rows.
pub async fn recount<'c>(
    db: impl sqlx::SqliteExecutor<'c>,
    cycle_id: i64,
) -> Result<Cells, sqlx::Error> {
    // Counted by the database, one row per distinct answer pair: one pass over the scores, and a
    // result of a few thousand rows however many responses there are.
    // (topic, group, business, stakeholder, how many answered so)
    type Pair = (String, String, Option<i64>, Option<i64>, i64);
    let rows: Vec<Pair> = sqlx::query_as(
        "SELECT s.topic_code, g.code, s.business, s.stakeholder, COUNT(*) FROM scores s
         JOIN responses r ON r.id = s.response_id JOIN stakeholder_groups g ON g.id = r.group_id
         WHERE r.cycle_id = ?
         GROUP BY s.topic_code, g.code, s.business, s.stakeholder",
    )
    .bind(cycle_id)
    .fetch_all(db)
    .await?;
    let mut out = Cells::new();
    for (topic, group, b, s, n) in rows {
        for (axis, v) in [(Axis::Business, b), (Axis::Stakeholder, s)] {
            let key = (
                topic.clone(),
                axis.as_str().to_string(),
                group.clone(),
                v.unwrap_or(i64::from(DONT_KNOW_VALUE)),
            );
            *out.entry(key).or_default() += n;
        }
    }
    Ok(out)
}

/// The histogram cells of a cycle as stored (cells of zero left out).
pub async fn stored<'c>(
    db: impl sqlx::SqliteExecutor<'c>,
    cycle_id: i64,
) -> Result<Cells, sqlx::Error> {
    let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT h.topic_code, h.axis, g.code, h.value, h.n FROM histograms h
         JOIN stakeholder_groups g ON g.id = h.group_id WHERE h.cycle_id = ? AND h.n > 0",
    )
    .bind(cycle_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(t, a, g, v, n)| ((t, a, g, v), n))
        .collect())
}

/// One histogram cell that differed from the recount: (topic, axis, group, value), stored, recounted.
pub type Difference = ((String, String, String, i64), i64, i64);

/// Recounts a cycle's histograms from its score rows and returns every cell that differed. There must
/// never be one: the histograms are written in the same transaction as the scores they count.
///
/// The count runs on a read snapshot, so submissions go on meanwhile however long it takes; only the
/// cells that differed are then corrected under the write lock, by the difference seen in the
/// snapshot (a submission since adds to a cell's scores and its count alike, so the difference holds).
/// A confirmed cycle is only checked, never rewritten. The check is recorded as done by `actor`.
pub async fn recompute(db: &Db, actor: &Actor, cycle_id: i64) -> Stored<Vec<Difference>> {
    let mut snapshot = db.begin().await?;
    let fresh = recount(&mut *snapshot, cycle_id).await?;
    let old = stored(&mut *snapshot, cycle_id).await?;
    snapshot.commit().await?;
    let mut differences: Vec<Difference> = Vec::new();
    for key in fresh
        .keys()
        .chain(old.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (a, b) = (
            old.get(key).copied().unwrap_or(0),
            fresh.get(key).copied().unwrap_or(0),
        );
        if a != b {
            differences.push((key.clone(), a, b));
        }
    }
    let mut w = Write::begin(db, actor).await?;
    let confirmed: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM confirmations WHERE cycle_id = ?)")
            .bind(cycle_id)
            .fetch_one(&mut *w)
            .await?;
    if !confirmed {
        for ((topic, axis, group, value), was, counted) in &differences {
            let changed = sqlx::query(
                "UPDATE histograms SET n = n + ? WHERE cycle_id = ? AND topic_code = ? AND axis = ?
                   AND value = ? AND group_id = (SELECT id FROM stakeholder_groups WHERE code = ?)",
            )
            .bind(counted - was)
            .bind(cycle_id)
            .bind(topic)
            .bind(axis)
            .bind(value)
            .bind(group)
            .execute(&mut *w)
            .await?;
            if changed.rows_affected() == 0 {
                // The cell was missing (so `was` is 0) and no answer has made it since.
                sqlx::query(
                    "INSERT INTO histograms (cycle_id, topic_code, axis, group_id, value, n)
                     SELECT ?, ?, ?, id, ?, ? FROM stakeholder_groups WHERE code = ?",
                )
                .bind(cycle_id)
                .bind(topic)
                .bind(axis)
                .bind(value)
                .bind(counted)
                .bind(group)
                .execute(&mut *w)
                .await?;
            }
        }
    }
    let action = Action::new("cycle.recompute", format!("cycle {cycle_id}"))
        .after(serde_json::json!({ "differences": differences.len() }));
    w.commit(action).await?;
    Ok(differences)
}
