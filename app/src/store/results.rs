//! Reading the histograms of a cycle and turning them into its results.

use super::cycles::{cycle, cycle_topics, groups};
use super::responses::DONT_KNOW_VALUE;
use super::Db;
use crate::domain::{aggregate, Axis, CycleResults, Tally};
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
    let Some(c) = cycle(db, cycle_id).await? else {
        return Ok(None);
    };
    let topics = cycle_topics(db, cycle_id).await?;
    let groups = groups(db).await?;
    let tallies = tallies(db, cycle_id).await?;
    Ok(Some(aggregate(c.summary, &topics, &groups, &tallies)))
}

/// Number of stored responses of a cycle.
pub async fn response_count(db: &Db, cycle_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE cycle_id = ?")
        .bind(cycle_id)
        .fetch_one(db)
        .await
}
