//! Stakeholder groups: identification, weights, retirement.

use super::audit::{Action, Actor};
use super::write::{refuse, StoreError, Stored, Write};
use super::Db;
use crate::domain::{Bilingual, GroupForm, GroupRecord, Problem};
use sqlx::Row;

/// Every group in display order, retired ones included.
pub async fn group_records<'c>(
    db: impl sqlx::SqliteExecutor<'c>,
) -> Result<Vec<GroupRecord>, sqlx::Error> {
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
    actor: &Actor,
    original: Option<&str>,
    form: &GroupForm,
) -> Stored<()> {
    let g = form.check().map_err(StoreError::Refused)?;
    let mut tx = Write::begin(db, actor).await?;
    if super::library::code_taken(&mut tx, "stakeholder_groups", &g.code, original).await? {
        return refuse("code", Problem::DuplicateCode);
    }
    let before = match original {
        Some(code) => group_records(&mut *tx)
            .await?
            .into_iter()
            .find(|g| g.code == code),
        None => None,
    };
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
        return refuse("code", Problem::Required);
    }
    let action = Action::new("group.save", format!("group {}", form.code))
        .before(before)
        .after(form);
    Ok(tx.commit(action).await?)
}

/// Retires (no new cycle can choose it) or restores a group.
pub async fn set_group_active(db: &Db, actor: &Actor, code: &str, active: bool) -> Stored<()> {
    let mut w = Write::begin(db, actor).await?;
    let done = sqlx::query("UPDATE stakeholder_groups SET active = ? WHERE code = ?")
        .bind(active)
        .bind(code)
        .execute(&mut *w)
        .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    let action = Action::new("group.set_active", format!("group {code}"))
        .after(serde_json::json!({ "active": active }));
    Ok(w.commit(action).await?)
}
