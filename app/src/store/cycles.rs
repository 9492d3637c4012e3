//! Cycles, their topic snapshots, stakeholder groups and invitations.

use super::{hash_secret, new_secret, now, Db};
use crate::domain::{
    Bilingual, Category, CycleStatus, CycleSummary, CycleTopic, GroupInfo, Scale, ScaleLabels,
    ThresholdRule, Token,
};
use sqlx::Row;

/// A cycle as the survey and the results need it.
#[derive(Debug, Clone)]
pub struct Cycle {
    pub summary: CycleSummary,
    pub labels: ScaleLabels,
}

pub async fn cycle(db: &Db, id: i64) -> Result<Option<Cycle>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, name, year, scale_min, scale_max, scale_labels, status, k, threshold, threshold_rule
         FROM cycles WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let corrupt = |what: &str| sqlx::Error::Decode(format!("cycle {id}: bad {what}").into());
    let scale = Scale::new(r.get("scale_min"), r.get("scale_max")).map_err(|_| corrupt("scale"))?;
    let labels: ScaleLabels = serde_json::from_str(r.get::<&str, _>("scale_labels"))
        .map_err(|_| corrupt("scale labels"))?;
    Ok(Some(Cycle {
        summary: CycleSummary {
            id: r.get("id"),
            name: r.get("name"),
            year: r.get("year"),
            status: CycleStatus::parse(r.get("status")).ok_or_else(|| corrupt("status"))?,
            scale,
            k: r.get::<i64, _>("k") as u32,
            threshold: r.get("threshold"),
            threshold_rule: ThresholdRule::parse(r.get("threshold_rule"))
                .ok_or_else(|| corrupt("threshold rule"))?,
        },
        labels,
    }))
}

/// The topics of a cycle in the order they are asked.
pub async fn cycle_topics(db: &Db, cycle_id: i64) -> Result<Vec<CycleTopic>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT code, category, name_zh, name_en, description_zh, description_en
         FROM cycle_topics WHERE cycle_id = ? ORDER BY sort_order, code",
    )
    .bind(cycle_id)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(CycleTopic {
                code: r.get("code"),
                category: Category::parse(r.get("category"))
                    .ok_or_else(|| sqlx::Error::Decode("bad topic category".into()))?,
                name: Bilingual {
                    zh: r.get("name_zh"),
                    en: r.get("name_en"),
                },
                description: Bilingual {
                    zh: r.get("description_zh"),
                    en: r.get("description_en"),
                },
            })
        })
        .collect()
}

/// Every stakeholder group, in display order.
pub async fn groups(db: &Db) -> Result<Vec<GroupInfo>, sqlx::Error> {
    let rows = sqlx::query("SELECT code, name_zh, name_en, internal, weight FROM stakeholder_groups ORDER BY sort_order, code")
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| GroupInfo {
            code: r.get("code"),
            name: Bilingual {
                zh: r.get("name_zh"),
                en: r.get("name_en"),
            },
            internal: r.get("internal"),
            weight: r.get("weight"),
        })
        .collect())
}

/// An invitation found by its token.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: i64,
    pub cycle_id: i64,
    pub group_id: i64,
    pub group: Bilingual,
    pub used: bool,
}

pub async fn invitation(db: &Db, token: &Token) -> Result<Option<Invitation>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT i.id, i.cycle_id, i.group_id, i.used_at IS NOT NULL AS used, g.name_zh, g.name_en
         FROM invitations i JOIN stakeholder_groups g ON g.id = i.group_id
         WHERE i.token_hash = ?",
    )
    .bind(hash_secret(token.as_str()))
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Invitation {
        id: r.get("id"),
        cycle_id: r.get("cycle_id"),
        group_id: r.get("group_id"),
        group: Bilingual {
            zh: r.get("name_zh"),
            en: r.get("name_en"),
        },
        used: r.get("used"),
    }))
}

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("there is no cycle {0}")]
    NoCycle(i64),
    #[error("there is no stakeholder group with code {0:?}")]
    NoGroup(String),
    #[error("the count must be between 1 and 10000")]
    BadCount,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Creates `count` single-use invitations for a group of a cycle, in one transaction, and returns the
/// tokens: the only time they exist outside the respondent's link.
pub async fn invite(
    db: &Db,
    cycle_id: i64,
    group_code: &str,
    count: u32,
) -> Result<Vec<String>, InviteError> {
    if !(1..=10_000).contains(&count) {
        return Err(InviteError::BadCount);
    }
    let mut tx = db.begin().await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM cycles WHERE id = ?")
        .bind(cycle_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(InviteError::NoCycle(cycle_id));
    }
    let group_id: i64 = sqlx::query_scalar("SELECT id FROM stakeholder_groups WHERE code = ?")
        .bind(group_code)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| InviteError::NoGroup(group_code.to_string()))?;
    let mut tokens = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let token = new_secret();
        sqlx::query("INSERT INTO invitations (cycle_id, group_id, token_hash, created_at) VALUES (?, ?, ?, ?)")
            .bind(cycle_id)
            .bind(group_id)
            .bind(hash_secret(&token))
            .bind(now())
            .execute(&mut *tx)
            .await?;
        tokens.push(token);
    }
    tx.commit().await?;
    Ok(tokens)
}
