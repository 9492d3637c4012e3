//! Reading the histograms of a cycle and turning them into its results.

use super::cycles::{cycle, cycle_topics, groups, Cycle};
use super::responses::DONT_KNOW_VALUE;
use super::{hash_secret, Db};
use crate::domain::{
    aggregate_for, anonymise, apply_overrides, statistics_text, Axis, CarriedForward, CycleResults,
    CycleSummary, CycleTopic, Previous, RawResponses, Respondents, Stamp, StoredResponse, Tally,
};
use sqlx::Row;

/// Every histogram cell of a cycle.
pub async fn tallies(db: &Db, cycle_id: i64) -> Result<Vec<Tally>, sqlx::Error> {
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
    // Everyone's answers are never withheld.
    Ok(results_for(db, cycle_id, &Respondents::All)
        .await?
        .flatten())
}

/// The results of a cycle counting only the answers of `who`: `None` when there is no such cycle,
/// `Some(None)` when the filter's figures are withheld (fewer than k responses).
///
/// The review is part of them: a confirmed cycle is computed with the group weights frozen in its
/// stamp, and the stamp comes with it (`intact` tells whether the statistics still hash to it); a cycle
/// that carries a previous result forward shows that result; the overrides apply to everyone's view.
pub async fn results_for(
    db: &Db,
    cycle_id: i64,
    who: &Respondents,
) -> Result<Option<Option<CycleResults>>, sqlx::Error> {
    let Some(c) = cycle(db, cycle_id).await? else {
        return Ok(None);
    };
    let stamp = super::review::stamp(db, cycle_id).await?;
    // A stamp is checked against everyone's figures, which a filtered view computes alongside its own
    // from the same reading of the histograms.
    let everyone = Respondents::All;
    let mut asked = vec![who];
    if stamp.is_some() && *who != everyone {
        asked.push(&everyone);
    }
    let mut figures = base_results(db, &c, &asked, stamp.as_ref())
        .await?
        .into_iter();
    let Some(mut results) = figures.next().flatten() else {
        return Ok(Some(None));
    };
    if let Some(mut stamp) = stamp {
        let text = match figures.next() {
            Some(all) => all.map(|r| statistics_text(&r)),
            None => Some(statistics_text(&results)),
        };
        stamp.intact = text.is_some_and(|t| hash_secret(&t) == stamp.statistics_hash);
        results.confirmation = Some(stamp);
    }
    if *who == everyone {
        apply_overrides(&mut results, &super::review::overrides(db, cycle_id).await?);
    }
    Ok(Some(Some(results)))
}

/// The figures of a cycle for each of `asked`, before its own overrides and stamp: from its own
/// histograms (read once for all of them), or the result it carries forward. `None`: withheld.
async fn base_results(
    db: &Db,
    c: &Cycle,
    asked: &[&Respondents],
    stamp: Option<&Stamp>,
) -> Result<Vec<Option<CycleResults>>, sqlx::Error> {
    if let Some(from) = c.carried_from {
        let mut out = Vec::with_capacity(asked.len());
        for who in asked {
            out.push(
                Box::pin(results_for(db, from, who))
                    .await?
                    .flatten()
                    .map(|source| carried(c, from, source)),
            );
        }
        return Ok(out);
    }
    let topics = cycle_topics(db, c.summary.id).await?;
    let mut groups = groups(db).await?;
    if let Some(stamp) = stamp {
        // Confirmed: the weights as they were then. A group added since took no part.
        for g in &mut groups {
            g.weight = stamp
                .methodology
                .weights
                .get(&g.code)
                .copied()
                .unwrap_or(0.0);
        }
    }
    let tallies = tallies(db, c.summary.id).await?;
    Ok(asked
        .iter()
        .map(|who| aggregate_for(c.summary.clone(), &topics, &groups, &tallies, who))
        .collect())
}

/// The result of cycle `from` as cycle `c`, which carries it forward, shows it.
fn carried(c: &Cycle, from: i64, source: CycleResults) -> CycleResults {
    let s = &c.summary;
    CycleResults {
        cycle: CycleSummary {
            id: s.id,
            name: s.name.clone(),
            year: s.year,
            status: s.status,
            ..source.cycle.clone()
        },
        topics: source.topics,
        confirmation: None,
        carried_forward: Some(CarriedForward {
            from,
            name: source.cycle.name,
            year: source.cycle.year,
            rationale: c.carry_rationale.clone().unwrap_or_default(),
        }),
    }
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
    let total = response_count(db, cycle_id).await? as usize;
    if total > max {
        return Ok(Some(RawResponses::TooMany(total)));
    }
    let column: std::collections::HashMap<&str, usize> = topics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.code.as_str(), i))
        .collect();
    let included: Vec<String> = groups(db)
        .await?
        .into_iter()
        .filter(|g| who.includes(g))
        .map(|g| g.code)
        .collect();
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
    stored.retain(|(_, g, _)| included.contains(g));
    Ok(Some(RawResponses::Rows(anonymise(stored, c.summary.k))))
}

/// Number of stored responses of a cycle.
pub async fn response_count(db: &Db, cycle_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE cycle_id = ?")
        .bind(cycle_id)
        .fetch_one(db)
        .await
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

/// Rebuilds a cycle's histograms from its score rows, in one transaction (submissions wait meanwhile),
/// and returns every cell that differed. There must never be one: the histograms are written in the
/// same transaction as the scores they count. A confirmed cycle is only checked, never rewritten.
pub async fn recompute(db: &Db, cycle_id: i64) -> Result<Vec<Difference>, sqlx::Error> {
    // Take the write lock first, so no response lands between the count and the rewrite.
    let mut tx = super::audit::begin_write(db).await?;
    let confirmed: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM confirmations WHERE cycle_id = ?)")
            .bind(cycle_id)
            .fetch_one(&mut *tx)
            .await?;
    let fresh = recount(&mut *tx, cycle_id).await?;
    let old = stored(&mut *tx, cycle_id).await?;
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
    if !differences.is_empty() && !confirmed {
        sqlx::query("DELETE FROM histograms WHERE cycle_id = ?")
            .bind(cycle_id)
            .execute(&mut *tx)
            .await?;
        for ((topic, axis, group, value), n) in &fresh {
            sqlx::query(
                "INSERT INTO histograms (cycle_id, topic_code, axis, group_id, value, n)
                 SELECT ?, ?, ?, id, ?, ? FROM stakeholder_groups WHERE code = ?",
            )
            .bind(cycle_id)
            .bind(topic)
            .bind(axis)
            .bind(value)
            .bind(n)
            .bind(group)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(differences)
}
