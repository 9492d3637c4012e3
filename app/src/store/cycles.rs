//! Cycles, their topic snapshots, stakeholder groups and invitations.

use super::audit::{Action, Actor};
use super::write::{refuse, StoreError, Stored, Write};
use super::{now, Db};
use crate::domain::{
    date_of, Bilingual, Category, CycleDetail, CycleRow, CycleSettings, CycleStatus, CycleSummary,
    CycleTopic, GroupInfo, Problem, Scale, ScaleLabels, ThresholdRule,
};
use serde_json::json;
use sqlx::{Row, SqliteConnection};

/// A cycle as the survey and the results need it.
#[derive(Debug, Clone)]
pub struct Cycle {
    pub summary: CycleSummary,
    pub labels: ScaleLabels,
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
    pub copied_from: Option<i64>,
    /// The confirmed cycle whose result this one adopted, and why.
    pub carried_from: Option<i64>,
    pub carry_rationale: Option<String>,
}

impl Cycle {
    /// Answers are accepted: the cycle is open and today (UTC) lies within its dates.
    pub fn accepting(&self) -> bool {
        CycleSettings::accepts_answers(
            self.summary.status,
            self.opens_on.as_deref(),
            self.closes_on.as_deref(),
            &date_of(now()),
        )
    }

    pub fn settings(&self) -> CycleSettings {
        let s = &self.summary;
        CycleSettings {
            name: s.name.clone(),
            year: s.year,
            scale: s.scale,
            labels: self.labels.clone(),
            opens_on: self.opens_on.clone(),
            closes_on: self.closes_on.clone(),
            k: s.k,
            threshold: s.threshold,
            threshold_rule: s.threshold_rule,
            preview_open: s.preview_open,
        }
    }
}

pub async fn cycle<'c>(
    db: impl sqlx::SqliteExecutor<'c>,
    id: i64,
) -> Result<Option<Cycle>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, name, year, scale_min, scale_max, scale_labels, status, k, threshold, threshold_rule,
                preview_open, opens_on, closes_on, copied_from, carried_from, carry_rationale
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
            preview_open: r.get("preview_open"),
        },
        labels,
        opens_on: r.get("opens_on"),
        closes_on: r.get("closes_on"),
        copied_from: r.get("copied_from"),
        carried_from: r.get("carried_from"),
        carry_rationale: r.get("carry_rationale"),
    }))
}

/// Number of stored responses of a cycle.
pub async fn response_count<'c>(
    db: impl sqlx::SqliteExecutor<'c>,
    cycle_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE cycle_id = ?")
        .bind(cycle_id)
        .fetch_one(db)
        .await
}

/// The topics of a cycle in the order they are asked.
pub async fn cycle_topics<'c>(
    db: impl sqlx::SqliteExecutor<'c>,
    cycle_id: i64,
) -> Result<Vec<CycleTopic>, sqlx::Error> {
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
pub async fn groups<'c>(db: impl sqlx::SqliteExecutor<'c>) -> Result<Vec<GroupInfo>, sqlx::Error> {
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

/// Every cycle, newest first.
pub async fn cycle_rows(db: &Db) -> Result<Vec<CycleRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, c.name, c.year, c.status,
           (SELECT COUNT(*) FROM cycle_topics t WHERE t.cycle_id = c.id) AS topics,
           (SELECT COUNT(*) FROM cycle_groups g WHERE g.cycle_id = c.id) AS groups,
           (SELECT COUNT(*) FROM responses r WHERE r.cycle_id = c.id) AS responses
         FROM cycles c ORDER BY c.year DESC, c.id DESC",
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(CycleRow {
                id: r.get("id"),
                name: r.get("name"),
                year: r.get("year"),
                status: CycleStatus::parse(r.get("status"))
                    .ok_or_else(|| sqlx::Error::Decode("bad cycle status".into()))?,
                topics: r.get("topics"),
                groups: r.get("groups"),
                responses: r.get("responses"),
            })
        })
        .collect()
}

pub async fn cycle_detail(db: &Db, id: i64) -> Result<Option<CycleDetail>, sqlx::Error> {
    let Some(c) = cycle(db, id).await? else {
        return Ok(None);
    };
    let topics = cycle_topics(db, id)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    let groups = sqlx::query_scalar(
        "SELECT g.code FROM cycle_groups cg JOIN stakeholder_groups g ON g.id = cg.group_id
         WHERE cg.cycle_id = ? ORDER BY g.sort_order, g.code",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let responses = response_count(db, id).await?;
    Ok(Some(CycleDetail {
        id,
        status: c.summary.status,
        settings: c.settings(),
        copied_from: c.copied_from,
        carried_from: c.carried_from,
        carry_rationale: c.carry_rationale,
        topics,
        groups,
        responses,
    }))
}

fn labels_json(s: &CycleSettings) -> String {
    serde_json::to_string(&s.labels).expect("labels serialise")
}

/// A new draft cycle with these settings, no topics and no groups yet.
pub async fn create_cycle(db: &Db, actor: &Actor, s: &CycleSettings) -> Stored<i64> {
    let mut w = Write::begin(db, actor).await?;
    let id = insert_cycle(&mut w, s, None).await?;
    w.commit(Action::new("cycle.create", format!("cycle {id}")).after(s))
        .await?;
    Ok(id)
}

async fn insert_cycle(
    conn: &mut SqliteConnection,
    s: &CycleSettings,
    copied_from: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO cycles (name, year, scale_min, scale_max, scale_labels, status, k, threshold,
            threshold_rule, preview_open, opens_on, closes_on, copied_from, created_at)
         VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&s.name)
    .bind(s.year)
    .bind(s.scale.min)
    .bind(s.scale.max)
    .bind(labels_json(s))
    .bind(i64::from(s.k))
    .bind(s.threshold)
    .bind(s.threshold_rule.as_str())
    .bind(s.preview_open)
    .bind(&s.opens_on)
    .bind(&s.closes_on)
    .bind(copied_from)
    .bind(now())
    .fetch_one(conn)
    .await
}

/// A new draft cycle copied from `from`: its settings (for the next year, without dates), the topics
/// exactly as it asked them and its groups.
pub async fn copy_cycle(db: &Db, actor: &Actor, from: i64) -> Stored<i64> {
    let mut tx = Write::begin(db, actor).await?;
    let Some(c) = cycle(&mut *tx, from).await? else {
        return Err(StoreError::NotFound);
    };
    let mut s = c.settings();
    s.year += 1;
    s.name = format!("{} ({})", s.name, s.year);
    s.opens_on = None;
    s.closes_on = None;
    let id = insert_cycle(&mut tx, &s, Some(from)).await?;
    sqlx::query(
        "INSERT INTO cycle_topics (cycle_id, code, topic_id, category, name_zh, name_en, description_zh,
            description_en, sort_order, custom_category, custom_name_zh, custom_name_en, custom_colour)
         SELECT ?, code, topic_id, category, name_zh, name_en, description_zh, description_en, sort_order,
            custom_category, custom_name_zh, custom_name_en, custom_colour
         FROM cycle_topics WHERE cycle_id = ?",
    )
    .bind(id)
    .bind(from)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO cycle_groups (cycle_id, group_id) SELECT ?, group_id FROM cycle_groups WHERE cycle_id = ?")
        .bind(id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
    // A cycle that carries a result forward passes on the register that result was assessed on.
    let source = super::register::assessed_in(&mut tx, from).await?;
    let iros = super::register::copy_register(&mut tx, source, id).await?;
    let action = Action::new("cycle.copy", format!("cycle {id}"))
        .after(json!({ "from": from, "iros": iros }));
    tx.commit(action).await?;
    Ok(id)
}

/// A cycle's state as the rules for changing it need it, read inside the caller's transaction.
pub(super) struct CycleLock {
    pub status: CycleStatus,
    /// It has responses.
    pub answered: bool,
    /// The confirmed cycle whose result it carries forward.
    pub carried_from: Option<i64>,
    pub method: crate::domain::double_materiality::Method,
}

impl CycleLock {
    /// Its questions and scale are fixed: it has answers, or it carries a result forward.
    pub fn fixed(&self) -> bool {
        self.answered || self.carried_from.is_some()
    }
}

pub(super) async fn lock_cycle(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<CycleLock>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT status, carried_from, method, EXISTS (SELECT 1 FROM responses WHERE cycle_id = cycles.id) AS answered
         FROM cycles WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(CycleLock {
            status: CycleStatus::parse(r.get("status"))
                .ok_or_else(|| sqlx::Error::Decode("bad cycle status".into()))?,
            answered: r.get("answered"),
            carried_from: r.get("carried_from"),
            method: crate::domain::double_materiality::Method::parse(r.get("method"))
                .ok_or_else(|| sqlx::Error::Decode("bad cycle method".into()))?,
        })
    })
    .transpose()
}

/// Changes a cycle's settings. Once it has answers the scale and its labels stay; a confirmed cycle
/// changes no more.
pub async fn update_settings(db: &Db, actor: &Actor, id: i64, s: &CycleSettings) -> Stored<()> {
    let mut tx = Write::begin(db, actor).await?;
    let lock = lock_cycle(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
    let old = cycle(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
    if lock.status == CycleStatus::Confirmed {
        return refuse("name", Problem::Frozen);
    }
    if lock.fixed() && (old.summary.scale != s.scale || old.labels != s.labels) {
        return refuse("scale", Problem::Frozen);
    }
    sqlx::query(
        "UPDATE cycles SET name = ?, year = ?, scale_min = ?, scale_max = ?, scale_labels = ?, k = ?,
            threshold = ?, threshold_rule = ?, preview_open = ?, opens_on = ?, closes_on = ? WHERE id = ?",
    )
    .bind(&s.name)
    .bind(s.year)
    .bind(s.scale.min)
    .bind(s.scale.max)
    .bind(labels_json(s))
    .bind(i64::from(s.k))
    .bind(s.threshold)
    .bind(s.threshold_rule.as_str())
    .bind(s.preview_open)
    .bind(&s.opens_on)
    .bind(&s.closes_on)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let action = Action::new("cycle.settings", format!("cycle {id}"))
        .before(old.settings())
        .after(s);
    Ok(tx.commit(action).await?)
}

/// Every one of `codes` is the code of a row of `table` (topics or stakeholder groups).
async fn all_known(
    conn: &mut SqliteConnection,
    table: &str,
    codes: &[String],
) -> Result<bool, sqlx::Error> {
    let known: Vec<String> = sqlx::query_scalar(&format!("SELECT code FROM {table}"))
        .fetch_all(conn)
        .await?;
    Ok(codes.iter().all(|c| known.contains(c)))
}

/// Sets the topics a cycle asks: a fresh copy of those library topics, in library order. Refused
/// once the cycle has answers (`Frozen`) or for codes the library lacks.
pub async fn set_cycle_topics(db: &Db, actor: &Actor, id: i64, codes: &[String]) -> Stored<()> {
    let mut tx = Write::begin(db, actor).await?;
    let lock = lock_cycle(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
    if lock.fixed() || lock.status == CycleStatus::Confirmed {
        return refuse("topics", Problem::Frozen);
    }
    if !all_known(&mut tx, "topics", codes).await? {
        return refuse("topics", Problem::Unknown);
    }
    let before = chosen(
        &mut tx,
        "SELECT code FROM cycle_topics WHERE cycle_id = ? ORDER BY sort_order, code",
        id,
    )
    .await?;
    sqlx::query("DELETE FROM cycle_topics WHERE cycle_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for code in codes {
        sqlx::query(
            "INSERT INTO cycle_topics (cycle_id, code, topic_id, category, name_zh, name_en, description_zh,
                description_en, sort_order, custom_category, custom_name_zh, custom_name_en, custom_colour)
             SELECT ?, t.code, t.id, t.category, t.name_zh, t.name_en, t.description_zh, t.description_en,
                t.sort_order, t.custom_category, c.name_zh, c.name_en, c.colour
             FROM topics t LEFT JOIN categories c ON c.code = t.custom_category WHERE t.code = ?",
        )
        .bind(id)
        .bind(code)
        .execute(&mut *tx)
        .await?;
    }
    let action = Action::new("cycle.topics", format!("cycle {id}"))
        .before(before)
        .after(codes);
    Ok(tx.commit(action).await?)
}

/// The codes `sql` lists for cycle `id` (its topics or groups, for the audit entry's "before").
async fn chosen(
    conn: &mut SqliteConnection,
    sql: &str,
    id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(sql).bind(id).fetch_all(conn).await
}

/// Sets the groups taking part. A group that already has links or answers in the cycle stays.
pub async fn set_cycle_groups(db: &Db, actor: &Actor, id: i64, codes: &[String]) -> Stored<()> {
    let mut tx = Write::begin(db, actor).await?;
    let lock = lock_cycle(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
    if lock.status == CycleStatus::Confirmed {
        return refuse("groups", Problem::Frozen);
    }
    if !all_known(&mut tx, "stakeholder_groups", codes).await? {
        return refuse("groups", Problem::Unknown);
    }
    let before = chosen(
        &mut tx,
        "SELECT g.code FROM cycle_groups cg JOIN stakeholder_groups g ON g.id = cg.group_id
         WHERE cg.cycle_id = ? ORDER BY g.sort_order, g.code",
        id,
    )
    .await?;
    let busy: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT g.code FROM invitations i JOIN stakeholder_groups g ON g.id = i.group_id
         WHERE i.cycle_id = ?",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    if busy.iter().any(|b| !codes.contains(b)) {
        return refuse("groups", Problem::InUse);
    }
    sqlx::query("DELETE FROM cycle_groups WHERE cycle_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for code in codes {
        sqlx::query("INSERT INTO cycle_groups (cycle_id, group_id) SELECT ?, id FROM stakeholder_groups WHERE code = ?")
            .bind(id)
            .bind(code)
            .execute(&mut *tx)
            .await?;
    }
    let action = Action::new("cycle.groups", format!("cycle {id}"))
        .before(before)
        .after(codes);
    Ok(tx.commit(action).await?)
}

/// Moves a cycle along draft -> open -> closed (a closed one may open again). Opening needs topics
/// and groups, and a cycle that carries a previous result forward never opens.
pub async fn set_status(db: &Db, actor: &Actor, id: i64, to: CycleStatus) -> Stored<()> {
    let mut tx = Write::begin(db, actor).await?;
    let lock = lock_cycle(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
    let status = lock.status;
    if !status.can_move_to(to) || lock.carried_from.is_some() {
        return refuse("status", Problem::NotAllowed);
    }
    if to == CycleStatus::Open {
        for (field, table) in [("topics", "cycle_topics"), ("groups", "cycle_groups")] {
            let n: i64 =
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE cycle_id = ?"))
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            if n == 0 {
                return refuse(field, Problem::NoneChosen);
            }
        }
    }
    sqlx::query("UPDATE cycles SET status = ? WHERE id = ? AND status = ?")
        .bind(to.as_str())
        .bind(id)
        .bind(status.as_str())
        .execute(&mut *tx)
        .await?;
    let action = Action::new("cycle.status", format!("cycle {id}"))
        .before(status)
        .after(to);
    Ok(tx.commit(action).await?)
}

/// Deletes a cycle that nobody has answered, with its links and drafts; also a draft that carries a
/// result forward (the undo of a carry-forward made by mistake). A confirmed one stays.
pub async fn delete_cycle(db: &Db, actor: &Actor, id: i64) -> Stored<()> {
    let mut tx = Write::begin(db, actor).await?;
    let lock = lock_cycle(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
    if lock.status == CycleStatus::Confirmed {
        return refuse("cycle", Problem::Frozen);
    }
    if lock.answered {
        return refuse("cycle", Problem::InUse);
    }
    sqlx::query("DELETE FROM invitations WHERE cycle_id = ? AND parent_id IS NOT NULL")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM cycles WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(tx
        .commit(Action::new("cycle.delete", format!("cycle {id}")))
        .await?)
}
