//! Stakeholder groups: identification, weights, retirement.

use super::library::Refused;
use super::Db;
use crate::domain::{Bilingual, FieldProblem, GroupForm, GroupRecord, Problem};
use sqlx::Row;

/// Every group in display order, retired ones included.
pub async fn group_records(db: &Db) -> Result<Vec<GroupRecord>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT code, name_zh, name_en, internal, affected_by, affects, concerns_zh, concerns_en,
                channels_zh, channels_en, weight, weight_manual, active
         FROM stakeholder_groups ORDER BY sort_order, code",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| GroupRecord {
            code: r.get("code"),
            name: Bilingual {
                zh: r.get("name_zh"),
                en: r.get("name_en"),
            },
            internal: r.get("internal"),
            affected_by: r.get::<i64, _>("affected_by") as u8,
            affects: r.get::<i64, _>("affects") as u8,
            concerns: Bilingual {
                zh: r.get("concerns_zh"),
                en: r.get("concerns_en"),
            },
            channels: Bilingual {
                zh: r.get("channels_zh"),
                en: r.get("channels_en"),
            },
            weight: r.get("weight"),
            weight_manual: r.get("weight_manual"),
            active: r.get("active"),
        })
        .collect())
}

/// Adds a group (`original` None) or changes the one with code `original` (its code too).
pub async fn save_group(
    db: &Db,
    original: Option<&str>,
    form: &GroupForm,
) -> Result<Result<(), Refused>, sqlx::Error> {
    let g = match form.check() {
        Ok(g) => g,
        Err(p) => return Ok(Err(p)),
    };
    let mut tx = super::audit::begin_write(db).await?;
    if super::library::code_taken(&mut tx, "stakeholder_groups", &g.code, original).await? {
        return Ok(Err(vec![FieldProblem::new("code", Problem::DuplicateCode)]));
    }
    let q = match original {
        None => sqlx::query(
            "INSERT INTO stakeholder_groups (code, name_zh, name_en, internal, affected_by, affects,
                concerns_zh, concerns_en, channels_zh, channels_en, weight, weight_manual, sort_order)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, COALESCE(MAX(sort_order) + 1, 0)
             FROM stakeholder_groups WHERE ?13 IS NULL",
        ),
        Some(_) => sqlx::query(
            "UPDATE stakeholder_groups SET code = ?1, name_zh = ?2, name_en = ?3, internal = ?4,
                affected_by = ?5, affects = ?6, concerns_zh = ?7, concerns_en = ?8, channels_zh = ?9,
                channels_en = ?10, weight = ?11, weight_manual = ?12
             WHERE code = ?13",
        ),
    };
    let done = q
        .bind(&g.code)
        .bind(&g.name.zh)
        .bind(&g.name.en)
        .bind(g.internal)
        .bind(i64::from(g.affected_by))
        .bind(i64::from(g.affects))
        .bind(&g.concerns.zh)
        .bind(&g.concerns.en)
        .bind(&g.channels.zh)
        .bind(&g.channels.en)
        .bind(g.weight)
        .bind(g.weight_manual)
        .bind(original)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Ok(Err(vec![FieldProblem::new("code", Problem::Required)]));
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// Retires (no new cycle can choose it) or restores a group. False when there is no such group.
pub async fn set_group_active(db: &Db, code: &str, active: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE stakeholder_groups SET active = ? WHERE code = ?")
        .bind(active)
        .bind(code)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
