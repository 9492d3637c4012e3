//! A double-materiality cycle's register: its method, its sustainability matters (from a preset, the
//! version recorded on the cycle) and its impacts, risks and opportunities. Every write passes the
//! write seam with its audit entry, and a confirmed cycle refuses them all.

use super::audit::{Action, Actor};
use super::cycles::{lock_cycle, CycleLock};
use super::write::{refuse, StoreError, Stored, Write};
use super::{now, Db};
use crate::domain::double_materiality::{Iro, IroKind, Method, Scoring};
use crate::domain::iro::{
    from_words, lookup, rated_changes, word, words, IroForm, IroRecord, IroRow, RegisterView,
    CHAIN, HORIZONS, KINDS, SOURCES,
};
use crate::domain::matters::{MatterForm, MatterPresetName, MatterRow};
use crate::domain::{Bilingual, CarriedForward, CycleStatus, FieldProblem, Problem};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// The cycle's state for a register or assessment write, read under the write lock: it exists, is
/// not confirmed and carries no earlier result forward (its pages show that result, not its own
/// register).
pub(super) async fn unconfirmed(w: &mut Write, cycle: i64, field: &str) -> Stored<CycleLock> {
    let lock = lock_cycle(w, cycle).await?.ok_or(StoreError::NotFound)?;
    if lock.status == CycleStatus::Confirmed || lock.carried_from.is_some() {
        return refuse(field, Problem::Frozen);
    }
    Ok(lock)
}

/// The cycle's method.
async fn method_of(w: &mut Write, cycle: i64) -> Stored<Method> {
    let method: String = sqlx::query_scalar("SELECT method FROM cycles WHERE id = ?")
        .bind(cycle)
        .fetch_one(&mut **w)
        .await?;
    Method::parse(&method).ok_or_else(|| sqlx::Error::Decode("bad cycle method".into()).into())
}

/// An unconfirmed cycle of the double-materiality method, or the refusal of `field`.
pub(super) async fn double_register(w: &mut Write, cycle: i64, field: &str) -> Stored<()> {
    unconfirmed(w, cycle, field).await?;
    if method_of(w, cycle).await? != Method::Double {
        return refuse(field, Problem::NotAllowed);
    }
    Ok(())
}

async fn has_matters(w: &mut Write, cycle: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM matters WHERE cycle_id = ?)")
        .bind(cycle)
        .fetch_one(&mut **w)
        .await
}

/// Sets how a draft cycle finds its material matters; once it has opened, answers or matters, its
/// method stays.
pub async fn set_method(db: &Db, actor: &Actor, cycle: i64, method: Method) -> Stored<()> {
    let mut w = Write::begin(db, actor).await?;
    let lock = unconfirmed(&mut w, cycle, "method").await?;
    let before = method_of(&mut w, cycle).await?;
    if lock.status != CycleStatus::Draft || lock.answered || has_matters(&mut w, cycle).await? {
        return refuse("method", Problem::Frozen);
    }
    sqlx::query("UPDATE cycles SET method = ? WHERE id = ?")
        .bind(method.as_str())
        .bind(cycle)
        .execute(&mut *w)
        .await?;
    let action = Action::new("cycle.method", format!("cycle {cycle}"))
        .before(before.as_str())
        .after(method.as_str());
    Ok(w.commit(action).await?)
}

/// Gives a double-materiality cycle without matters the matters of a preset, recording its version
/// on the cycle; the number of matters made.
pub async fn load_preset(
    db: &Db,
    actor: &Actor,
    cycle: i64,
    name: MatterPresetName,
) -> Stored<usize> {
    let mut w = Write::begin(db, actor).await?;
    double_register(&mut w, cycle, "preset").await?;
    if has_matters(&mut w, cycle).await? {
        return refuse("preset", Problem::InUse);
    }
    let preset = name.load();
    let all = preset.flatten();
    let mut ids = std::collections::HashMap::new();
    for (i, (m, parent, _)) in all.iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO matters (cycle_id, code, parent_id, pillar, name_zh, name_en, sort_order)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(cycle)
        .bind(&m.code)
        .bind(parent.and_then(|p| ids.get(p).copied()))
        .bind(&m.pillar)
        .bind(&m.zh)
        .bind(&m.en)
        .bind(i as i64)
        .fetch_one(&mut *w)
        .await?;
        ids.insert(m.code.as_str(), id);
    }
    let version = format!("{} {}", preset.preset, preset.version);
    sqlx::query("UPDATE cycles SET matter_preset = ? WHERE id = ?")
        .bind(&version)
        .bind(cycle)
        .execute(&mut *w)
        .await?;
    let action = Action::new("register.preset", format!("cycle {cycle}"))
        .after(serde_json::json!({ "preset": version, "matters": all.len() }));
    w.commit(action).await?;
    Ok(all.len())
}

/// Adds an entity-specific matter to a double-materiality cycle's tree, after its parent's other
/// matters (a topic after all of them); its id.
pub async fn add_matter(db: &Db, actor: &Actor, cycle: i64, form: &MatterForm) -> Stored<i64> {
    let mut w = Write::begin(db, actor).await?;
    double_register(&mut w, cycle, "code").await?;
    // After the preset: a matter of its own first would keep the preset out for good.
    if cycle_head(&mut w, cycle)
        .await?
        .and_then(|h| h.preset)
        .is_none()
    {
        return refuse("parent", Problem::NoneChosen);
    }
    let matters = matters_on(&mut w, cycle).await?;
    let new = form.check(&matters).map_err(StoreError::Refused)?;
    // The last place its parent's subtree takes (or the tree's end); everything after it moves down.
    let last: Option<i64> = sqlx::query_scalar(
        "WITH RECURSIVE below (id) AS (
             SELECT ? UNION ALL SELECT m.id FROM matters m JOIN below b ON m.parent_id = b.id)
         SELECT MAX(sort_order) FROM matters
         WHERE cycle_id = ? AND (? IS NULL OR id IN (SELECT id FROM below))",
    )
    .bind(new.parent)
    .bind(cycle)
    .bind(new.parent)
    .fetch_one(&mut *w)
    .await?;
    let at = last.map_or(0, |l| l + 1);
    sqlx::query(
        "UPDATE matters SET sort_order = sort_order + 1 WHERE cycle_id = ? AND sort_order >= ?",
    )
    .bind(cycle)
    .bind(at)
    .execute(&mut *w)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO matters (cycle_id, code, parent_id, pillar, name_zh, name_en, entity_specific,
                              sort_order)
         VALUES (?, ?, ?, ?, ?, ?, 1, ?) RETURNING id",
    )
    .bind(cycle)
    .bind(&new.code)
    .bind(new.parent)
    .bind(&new.pillar)
    .bind(&new.name.zh)
    .bind(&new.name.en)
    .bind(at)
    .fetch_one(&mut *w)
    .await?;
    let action = Action::new(
        "register.matter_add",
        format!("cycle {cycle} matter {}", new.code),
    )
    .after(&new);
    w.commit(action).await?;
    Ok(id)
}

/// Removes an entity-specific matter that has no matters below it and no IRO (retired ones count:
/// they stay on the record); a preset's matters stay.
pub async fn remove_matter(db: &Db, actor: &Actor, cycle: i64, code: &str) -> Stored<()> {
    let mut w = Write::begin(db, actor).await?;
    double_register(&mut w, cycle, "matter").await?;
    let Some(matter) = matters_on(&mut w, cycle)
        .await?
        .into_iter()
        .find(|m| m.code == code)
    else {
        return Err(StoreError::NotFound);
    };
    let id = matter.id;
    if !matter.entity_specific {
        return refuse("matter", Problem::NotAllowed);
    }
    let used: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM matters WHERE parent_id = ?)
             OR EXISTS (SELECT 1 FROM iros WHERE matter_id = ?)",
    )
    .bind(id)
    .bind(id)
    .fetch_one(&mut *w)
    .await?;
    if used {
        return refuse("matter", Problem::InUse);
    }
    sqlx::query("DELETE FROM matters WHERE id = ?")
        .bind(id)
        .execute(&mut *w)
        .await?;
    let action = Action::new(
        "register.matter_remove",
        format!("cycle {cycle} matter {code}"),
    )
    .before(&matter);
    Ok(w.commit(action).await?)
}

/// Sets a double-materiality cycle's scoring constants; every change goes on the record with the
/// constants before and after. They stay a setting until the confirmation stamps them.
pub async fn set_scoring(db: &Db, actor: &Actor, cycle: i64, scoring: &Scoring) -> Stored<()> {
    let mut w = Write::begin(db, actor).await?;
    double_register(&mut w, cycle, "scoring").await?;
    let before = cycle_head(&mut w, cycle)
        .await?
        .ok_or(StoreError::NotFound)?
        .scoring;
    sqlx::query("UPDATE cycles SET scoring = ? WHERE id = ?")
        .bind(serde_json::to_string(scoring).expect("scoring serialises"))
        .bind(cycle)
        .execute(&mut *w)
        .await?;
    let action = Action::new("register.scoring", format!("cycle {cycle}"))
        .before(before)
        .after(scoring);
    Ok(w.commit(action).await?)
}

/// Whether the cycle's exports (ratings file, workbook, JSON) number the assessors instead of naming
/// them; audited before/after.
pub async fn set_hide_assessors(db: &Db, actor: &Actor, cycle: i64, hidden: bool) -> Stored<()> {
    let mut w = Write::begin(db, actor).await?;
    double_register(&mut w, cycle, "hide_assessors").await?;
    let before = cycle_head(&mut w, cycle)
        .await?
        .ok_or(StoreError::NotFound)?
        .hide_assessors;
    sqlx::query("UPDATE cycles SET hide_assessors = ? WHERE id = ?")
        .bind(hidden)
        .bind(cycle)
        .execute(&mut *w)
        .await?;
    let action = Action::new("register.hide_assessors", format!("cycle {cycle}"))
        .before(before)
        .after(hidden);
    Ok(w.commit(action).await?)
}

/// Gives the new cycle `to` the register of cycle `from`, inside the copy's transaction: its method,
/// preset and scoring constants, its matters (the tree and the entity-specific ones) and its active
/// IROs, not their assignments, ratings, calibrations or decisions: a new year is assessed anew.
/// The number of IROs copied.
pub(super) async fn copy_register(
    conn: &mut sqlx::SqliteConnection,
    from: i64,
    to: i64,
) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE cycles SET (method, matter_preset, scoring, hide_assessors) =
            (SELECT method, matter_preset, scoring, hide_assessors FROM cycles WHERE id = ?)
         WHERE id = ?",
    )
    .bind(from)
    .bind(to)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO matters (cycle_id, code, parent_id, pillar, name_zh, name_en, entity_specific,
                              sort_order)
         SELECT ?, code, NULL, pillar, name_zh, name_en, entity_specific, sort_order
         FROM matters WHERE cycle_id = ?",
    )
    .bind(to)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    // Each copied matter's parent: the copy of its original's parent, found by code.
    sqlx::query(
        "UPDATE matters SET parent_id = (
            SELECT np.id FROM matters o JOIN matters op ON op.id = o.parent_id
            JOIN matters np ON np.cycle_id = matters.cycle_id AND np.code = op.code
            WHERE o.cycle_id = ? AND o.code = matters.code)
         WHERE cycle_id = ?",
    )
    .bind(from)
    .bind(to)
    .execute(&mut *conn)
    .await?;
    let copied = sqlx::query(
        "INSERT INTO iros (cycle_id, matter_id, kind, potential, human_rights, value_chain, horizons,
                           description_zh, description_en, source, created_at, copied_from)
         SELECT ?, nm.id, i.kind, i.potential, i.human_rights, i.value_chain, i.horizons,
                i.description_zh, i.description_en, i.source, ?, i.id
         FROM iros i JOIN matters om ON om.id = i.matter_id
         JOIN matters nm ON nm.cycle_id = ? AND nm.code = om.code
         WHERE i.cycle_id = ? AND i.retired_at IS NULL ORDER BY i.id",
    )
    .bind(to)
    .bind(now())
    .bind(to)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    // Links between copied IROs follow them (retired IROs have none).
    sqlx::query(
        "INSERT INTO iro_links (from_iro, to_iro)
         SELECT nf.id, nt.id FROM iro_links l
         JOIN iros nf ON nf.cycle_id = ? AND nf.copied_from = l.from_iro
         JOIN iros nt ON nt.cycle_id = ? AND nt.copied_from = l.to_iro",
    )
    .bind(to)
    .bind(to)
    .execute(&mut *conn)
    .await?;
    Ok(copied.rows_affected())
}

/// The cycle's matters, parents before their children.
pub async fn matters(db: &Db, cycle: i64) -> Result<Vec<MatterRow>, sqlx::Error> {
    matters_on(&mut *db.acquire().await?, cycle).await
}

/// A cycle's register (method, preset, matters, IROs) from one read transaction, so the parts agree;
/// `None` for an unknown cycle.
pub async fn register(db: &Db, cycle: i64) -> Result<Option<RegisterView>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let Some(head) = cycle_head(&mut tx, cycle).await? else {
        return Ok(None);
    };
    // A cycle that carries a result forward shows the register that result was assessed on.
    let source = assessed_in(&mut tx, cycle).await?;
    let earlier = match source == cycle {
        true => None,
        false => cycle_head(&mut tx, source).await?,
    };
    let settings = earlier.as_ref().unwrap_or(&head);
    let view = RegisterView {
        name: head.name.clone(),
        status: head.status,
        method: head.method,
        preset: settings.preset.clone(),
        scoring: settings.scoring,
        hide_assessors: settings.hide_assessors,
        matters: matters_on(&mut tx, source).await?,
        iros: iros_where(&mut tx, "i.cycle_id = ?", source).await?,
        assignees: super::assessments::assignees_on(&mut tx, source).await?,
        topics: super::stakeholder_input::topic_links_on(&mut tx, source).await?,
        carried: carried_on(&mut tx, cycle).await?,
    };
    tx.commit().await?;
    Ok(Some(view))
}

/// The cycle whose own register and ratings give cycle `cycle`'s result: itself, or, when it carries
/// an earlier result forward, the cycle that result was assessed in (following carry upon carry).
pub(super) async fn assessed_in(
    conn: &mut sqlx::SqliteConnection,
    cycle: i64,
) -> Result<i64, sqlx::Error> {
    // Each step goes to a cycle confirmed before the one that carries it, so the chain ends; UNION
    // and the depth bound guard against a database edited by hand.
    let root: Option<i64> = sqlx::query_scalar(
        "WITH RECURSIVE chain(id, depth) AS (
             SELECT ?, 0
             UNION
             SELECT c.carried_from, chain.depth + 1 FROM cycles c JOIN chain ON c.id = chain.id
             WHERE c.carried_from IS NOT NULL AND chain.depth < 100)
         SELECT id FROM chain ORDER BY depth DESC LIMIT 1",
    )
    .bind(cycle)
    .fetch_optional(conn)
    .await?;
    Ok(root.unwrap_or(cycle))
}

/// The earlier result cycle `cycle` carries forward: that cycle, its name and year, and the rationale.
pub(super) async fn carried_on(
    conn: &mut sqlx::SqliteConnection,
    cycle: i64,
) -> Result<Option<CarriedForward>, sqlx::Error> {
    let row: Option<(i64, String, i32, Option<String>)> = sqlx::query_as(
        "SELECT s.id, s.name, s.year, c.carry_rationale FROM cycles c
         JOIN cycles s ON s.id = c.carried_from WHERE c.id = ?",
    )
    .bind(cycle)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(from, name, year, rationale)| CarriedForward {
        from,
        name,
        year,
        rationale: rationale.unwrap_or_default(),
    }))
}

/// What the register and results pages say of their cycle.
pub(super) struct CycleHead {
    pub name: String,
    pub status: CycleStatus,
    pub method: Method,
    pub preset: Option<String>,
    /// The scoring constants set on the cycle (the defaults until an admin sets them).
    pub scoring: Scoring,
    /// The exports number the assessors instead of naming them.
    pub hide_assessors: bool,
    /// The confirmed cycle whose result it carries forward.
    pub carried_from: Option<i64>,
}

pub(super) async fn cycle_head(
    conn: &mut sqlx::SqliteConnection,
    cycle: i64,
) -> Result<Option<CycleHead>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT name, status, method, matter_preset, scoring, hide_assessors, carried_from
                     FROM cycles WHERE id = ?",
    )
    .bind(cycle)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let bad = |what: &str| sqlx::Error::Decode(format!("cycle {cycle}: bad {what}").into());
    Ok(Some(CycleHead {
        name: r.get("name"),
        status: CycleStatus::parse(r.get("status")).ok_or_else(|| bad("status"))?,
        method: Method::parse(r.get("method")).ok_or_else(|| bad("method"))?,
        preset: r.get("matter_preset"),
        scoring: match r.get::<Option<&str>, _>("scoring") {
            None => Scoring::default(),
            Some(json) => serde_json::from_str(json).map_err(|_| bad("scoring"))?,
        },
        hide_assessors: r.get("hide_assessors"),
        carried_from: r.get("carried_from"),
    }))
}

pub(super) async fn matters_on(
    conn: &mut sqlx::SqliteConnection,
    cycle: i64,
) -> Result<Vec<MatterRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, code, parent_id, pillar, name_zh, name_en, entity_specific FROM matters
         WHERE cycle_id = ? ORDER BY sort_order, id",
    )
    .bind(cycle)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| MatterRow {
            id: r.get("id"),
            code: r.get("code"),
            parent: r.get("parent_id"),
            pillar: r.get("pillar"),
            name: Bilingual {
                zh: r.get("name_zh"),
                en: r.get("name_en"),
            },
            entity_specific: r.get("entity_specific"),
        })
        .collect())
}

/// What an IRO of the cycle is checked against: its matters' codes and its active IROs' kinds.
pub(super) struct Refs {
    matters: BTreeSet<String>,
    iros: BTreeMap<i64, IroKind>,
}

impl Refs {
    pub(super) async fn read(conn: &mut sqlx::SqliteConnection, cycle: i64) -> Stored<Refs> {
        let matters = sqlx::query_scalar("SELECT code FROM matters WHERE cycle_id = ?")
            .bind(cycle)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, kind FROM iros WHERE cycle_id = ? AND retired_at IS NULL")
                .bind(cycle)
                .fetch_all(&mut *conn)
                .await?;
        let iros = rows
            .into_iter()
            .map(|(id, kind)| {
                let kind = lookup(&KINDS, &kind)
                    .ok_or_else(|| sqlx::Error::Decode("bad IRO kind in the database".into()))?;
                Ok((id, kind))
            })
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(Refs { matters, iros })
    }

    pub(super) fn check(&self, form: &IroForm) -> Result<IroRecord, Vec<FieldProblem>> {
        form.check(&self.matters, &self.iros)
    }
}

/// `form` checked against the cycle's matters and IROs, under the write lock.
async fn checked(w: &mut Write, cycle: i64, form: &IroForm) -> Stored<IroRecord> {
    let refs = Refs::read(w, cycle).await?;
    refs.check(form).map_err(StoreError::Refused)
}

/// Writes the links of IRO `from` as `r` has them, in place of those it had.
async fn write_links(w: &mut Write, from: i64, r: &IroRecord) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM iro_links WHERE from_iro = ?")
        .bind(from)
        .execute(&mut **w)
        .await?;
    for to in &r.leads_to {
        sqlx::query("INSERT INTO iro_links (from_iro, to_iro) VALUES (?, ?)")
            .bind(from)
            .bind(to)
            .execute(&mut **w)
            .await?;
    }
    Ok(())
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

/// Binds an IRO's own columns, in this order: kind, potential, human_rights, value_chain, horizons,
/// description_zh, description_en, source (adding and correcting write the same).
fn bind_record<'q>(query: Query<'q>, r: &'q IroRecord) -> Query<'q> {
    query
        .bind(r.iro.kind.word())
        .bind(r.iro.potential)
        .bind(r.iro.human_rights)
        .bind(words(&CHAIN, &r.value_chain))
        .bind(words(&HORIZONS, &r.iro.horizons))
        .bind(&r.description.zh)
        .bind(&r.description.en)
        .bind(word(&SOURCES, r.source))
}

/// The cycle's IROs that anyone has rated: a rating, a submission, a rationale or evidence (a
/// draft counts).
pub(super) async fn rated_iros(
    conn: &mut sqlx::SqliteConnection,
    cycle: i64,
) -> Result<BTreeSet<i64>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT r.iro_id FROM iro_ratings r JOIN iros i ON i.id = r.iro_id WHERE i.cycle_id = ?
         UNION
         SELECT a.iro_id FROM iro_assignments a JOIN iros i ON i.id = a.iro_id
         WHERE i.cycle_id = ?
           AND (a.submitted_at IS NOT NULL OR a.rationale <> '' OR a.evidence <> '')",
    )
    .bind(cycle)
    .bind(cycle)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().collect())
}

/// Writes a checked IRO as a new one of the cycle, with its links; its id.
pub(super) async fn insert_iro(
    w: &mut Write,
    cycle: i64,
    r: &IroRecord,
) -> Result<i64, sqlx::Error> {
    let query = sqlx::query(
        "INSERT INTO iros (cycle_id, kind, potential, human_rights, value_chain, horizons,
                           description_zh, description_en, source, matter_id, created_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, id, ? FROM matters WHERE cycle_id = ? AND code = ?
         RETURNING id",
    )
    .bind(cycle);
    let id: i64 = bind_record(query, r)
        .bind(now())
        .bind(cycle)
        .bind(&r.matter)
        .fetch_one(&mut **w)
        .await?
        .get("id");
    write_links(w, id, r).await?;
    Ok(id)
}

/// Writes a checked IRO over the cycle's IRO `iro`, with its links.
pub(super) async fn update_iro(
    w: &mut Write,
    cycle: i64,
    iro: i64,
    r: &IroRecord,
) -> Result<(), sqlx::Error> {
    let query = sqlx::query(
        "UPDATE iros SET kind = ?, potential = ?, human_rights = ?, value_chain = ?, horizons = ?,
                         description_zh = ?, description_en = ?, source = ?,
                         matter_id = (SELECT id FROM matters WHERE cycle_id = ? AND code = ?)
         WHERE id = ? AND cycle_id = ?",
    );
    bind_record(query, r)
        .bind(cycle)
        .bind(&r.matter)
        .bind(iro)
        .bind(cycle)
        .execute(&mut **w)
        .await?;
    write_links(w, iro, r).await
}

/// Adds an IRO to the register of a double-materiality cycle; its id.
pub async fn add_iro(db: &Db, actor: &Actor, cycle: i64, form: &IroForm) -> Stored<i64> {
    let mut w = Write::begin(db, actor).await?;
    double_register(&mut w, cycle, "matter").await?;
    let r = checked(&mut w, cycle, form).await?;
    let id = insert_iro(&mut w, cycle, &r).await?;
    let action = Action::new("register.iro_add", format!("cycle {cycle} iro {id}")).after(&r);
    w.commit(action).await?;
    Ok(id)
}

/// Corrects an active IRO of an unconfirmed cycle: every field, except that once anyone has rated
/// it (a draft counts) its kind, actual or potential, human-rights flag and horizons stay, because
/// they decide what was asked and how it is scored; such an IRO is retired and a new one added.
pub async fn edit_iro(db: &Db, actor: &Actor, cycle: i64, iro: i64, form: &IroForm) -> Stored<()> {
    let mut w = Write::begin(db, actor).await?;
    double_register(&mut w, cycle, "iro").await?;
    let active: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM iros WHERE id = ? AND cycle_id = ? AND retired_at IS NULL)",
    )
    .bind(iro)
    .bind(cycle)
    .fetch_one(&mut *w)
    .await?;
    let before = match iros_where(&mut w, "i.id = ?", iro).await?.pop() {
        Some(row) if active => row.record,
        _ => return Err(StoreError::NotFound),
    };
    let r = checked(&mut w, cycle, form).await?;
    if rated_iros(&mut w, cycle).await?.contains(&iro) {
        let problems = rated_changes(&before.iro, &r.iro);
        if !problems.is_empty() {
            return Err(StoreError::Refused(problems));
        }
    }
    // An impact that a link names as the risk or opportunity it gives rise to cannot become one.
    let linked: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM iro_links WHERE to_iro = ?)")
            .bind(iro)
            .fetch_one(&mut *w)
            .await?;
    if linked && !matches!(r.iro.kind, IroKind::Risk | IroKind::Opportunity) {
        return refuse("kind", Problem::InUse);
    }
    update_iro(&mut w, cycle, iro, &r).await?;
    let action = Action::new("register.iro_edit", format!("cycle {cycle} iro {iro}"))
        .before(&before)
        .after(&r);
    Ok(w.commit(action).await?)
}

/// Retires an IRO: it stays on the record but is no longer assessed. Its links, from it and to it,
/// go (an active IRO names only active ones); the audit entry keeps them.
pub async fn retire_iro(db: &Db, actor: &Actor, cycle: i64, iro: i64) -> Stored<()> {
    let mut w = Write::begin(db, actor).await?;
    unconfirmed(&mut w, cycle, "iro").await?;
    let done = sqlx::query(
        "UPDATE iros SET retired_at = ? WHERE id = ? AND cycle_id = ? AND retired_at IS NULL",
    )
    .bind(now())
    .bind(iro)
    .bind(cycle)
    .execute(&mut *w)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let links: Vec<(i64, i64)> = sqlx::query_as(
        "DELETE FROM iro_links WHERE from_iro = ? OR to_iro = ? RETURNING from_iro, to_iro",
    )
    .bind(iro)
    .bind(iro)
    .fetch_all(&mut *w)
    .await?;
    let mut action = Action::new("register.iro_retire", format!("cycle {cycle} iro {iro}"));
    if !links.is_empty() {
        action = action.before(serde_json::json!({ "links": links }));
    }
    Ok(w.commit(action).await?)
}

/// The cycle's IROs, retired ones included, in the order they were added.
pub async fn iros(db: &Db, cycle: i64) -> Result<Vec<IroRow>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    iros_where(&mut conn, "i.cycle_id = ?", cycle).await
}

/// The IROs that `filter` (a condition of this code's own on `iros i`, with one `?`) selects.
pub(super) async fn iros_where(
    conn: &mut sqlx::SqliteConnection,
    filter: &'static str,
    bind: i64,
) -> Result<Vec<IroRow>, sqlx::Error> {
    let sql = format!(
        "SELECT i.id, m.code, i.kind, i.potential, i.human_rights, i.value_chain, i.horizons,
                i.description_zh, i.description_en, i.source, i.retired_at IS NOT NULL AS retired
         FROM iros i JOIN matters m ON m.id = i.matter_id WHERE {filter} ORDER BY i.id",
    );
    let rows = sqlx::query(&sql).bind(bind).fetch_all(&mut *conn).await?;
    let links_sql = format!(
        "SELECT l.from_iro, l.to_iro FROM iro_links l JOIN iros i ON i.id = l.from_iro
         WHERE {filter} ORDER BY l.from_iro, l.to_iro",
    );
    let mut links: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (from, to) in sqlx::query_as::<_, (i64, i64)>(&links_sql)
        .bind(bind)
        .fetch_all(&mut *conn)
        .await?
    {
        links.entry(from).or_default().push(to);
    }
    let bad = |what: &str| sqlx::Error::Decode(format!("bad IRO {what} in the database").into());
    rows.iter()
        .map(|r| {
            let set = |col: &str| r.get::<String, _>(col);
            let kind: IroKind = lookup(&KINDS, r.get("kind")).ok_or_else(|| bad("kind"))?;
            Ok(IroRow {
                id: r.get("id"),
                record: IroRecord {
                    matter: r.get("code"),
                    iro: Iro {
                        kind,
                        potential: r.get("potential"),
                        human_rights: r.get("human_rights"),
                        horizons: from_words(&HORIZONS, &set("horizons"))
                            .ok_or_else(|| bad("horizon"))?,
                    },
                    value_chain: from_words(&CHAIN, &set("value_chain"))
                        .ok_or_else(|| bad("value chain"))?,
                    description: Bilingual {
                        zh: r.get("description_zh"),
                        en: r.get("description_en"),
                    },
                    source: lookup(&SOURCES, r.get("source")).ok_or_else(|| bad("source"))?,
                    leads_to: links.remove(&r.get("id")).unwrap_or_default(),
                },
                retired: r.get("retired"),
            })
        })
        .collect()
}
