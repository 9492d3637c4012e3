//! The topic library and the custom categories.

use super::audit::{Action, Actor};
use super::write::{refuse, StoreError, Stored, Write};
use super::Db;
use crate::domain::{
    preview, Bilingual, Category, CustomCategory, ImportPreview, Imported, Problem, RawTopic,
    RowAction, TopicRecord, TopicRow,
};
use serde_json::json;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

pub async fn categories(db: &Db) -> Result<Vec<CustomCategory>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    categories_in(&mut conn).await
}

async fn categories_in(conn: &mut SqliteConnection) -> Result<Vec<CustomCategory>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT code, name_zh, name_en, colour FROM categories ORDER BY sort_order, code",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CustomCategory {
            code: r.get("code"),
            name: Bilingual {
                zh: r.get("name_zh"),
                en: r.get("name_en"),
            },
            colour: r.get("colour"),
        })
        .collect())
}

/// Adds a custom category (`is_new`) or changes the names and colour of the one with its code.
pub async fn save_category(db: &Db, actor: &Actor, c: &CustomCategory, is_new: bool) -> Stored<()> {
    let problems = c.check();
    if !problems.is_empty() {
        return Err(StoreError::Refused(problems));
    }
    let mut w = Write::begin(db, actor).await?;
    let done = if is_new {
        sqlx::query(
            "INSERT INTO categories (code, name_zh, name_en, colour, sort_order)
             SELECT ?, ?, ?, ?, COALESCE(MAX(sort_order) + 1, 0) FROM categories WHERE TRUE
             ON CONFLICT (code) DO NOTHING",
        )
    } else {
        sqlx::query("UPDATE categories SET name_zh = ?2, name_en = ?3, colour = ?4 WHERE code = ?1")
    }
    .bind(&c.code)
    .bind(&c.name.zh)
    .bind(&c.name.en)
    .bind(&c.colour)
    .execute(&mut *w)
    .await?;
    if done.rows_affected() != 1 {
        let problem = if is_new {
            Problem::DuplicateCode
        } else {
            Problem::Unknown
        };
        return refuse("code", problem);
    }
    let action = Action::new("category.save", format!("category {}", c.code)).after(c);
    Ok(w.commit(action).await?)
}

const TOPIC_COLUMNS: &str = "t.code, t.category, t.custom_category, t.name_zh, t.name_en, t.description_zh, t.description_en, t.active";

fn topic_record(r: &SqliteRow) -> Result<TopicRecord, sqlx::Error> {
    Ok(TopicRecord {
        code: r.get("code"),
        category: Category::parse(r.get("category"))
            .ok_or_else(|| sqlx::Error::Decode("bad topic category".into()))?,
        custom_category: r.get("custom_category"),
        name: Bilingual {
            zh: r.get("name_zh"),
            en: r.get("name_en"),
        },
        description: Bilingual {
            zh: r.get("description_zh"),
            en: r.get("description_en"),
        },
        active: r.get("active"),
    })
}

/// The library in its order: what an export writes.
pub async fn export(db: &Db) -> Result<Vec<TopicRecord>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    export_in(&mut conn).await
}

async fn export_in(conn: &mut SqliteConnection) -> Result<Vec<TopicRecord>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {TOPIC_COLUMNS} FROM topics t ORDER BY t.sort_order, t.code"
    ))
    .fetch_all(conn)
    .await?
    .iter()
    .map(topic_record)
    .collect()
}

/// A topic has answers when some cycle that asked it has a histogram count for it.
const ANSWERED: &str = "EXISTS (SELECT 1 FROM cycle_topics ct JOIN histograms h
     ON h.cycle_id = ct.cycle_id AND h.topic_code = ct.code AND h.n > 0 WHERE ct.topic_id = t.id)";

/// The library as its page lists it.
pub async fn topics(db: &Db) -> Result<Vec<TopicRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {TOPIC_COLUMNS}, {ANSWERED} AS answered FROM topics t ORDER BY t.sort_order, t.code"
    ))
    .fetch_all(db)
    .await?
    .iter()
    .map(|r| {
        Ok(TopicRow {
            record: topic_record(r)?,
            answered: r.get("answered"),
        })
    })
    .collect()
}

/// Adds a topic (`original` None) or changes the one with code `original` (its code too).
pub async fn save_topic(
    db: &Db,
    actor: &Actor,
    original: Option<&str>,
    raw: &RawTopic,
) -> Stored<()> {
    let mut tx = Write::begin(db, actor).await?;
    let custom = custom_codes(&mut tx).await?;
    let topic = raw.check(&custom).map_err(StoreError::Refused)?;
    if code_taken(&mut tx, "topics", &topic.code, original).await? {
        return refuse("code", Problem::DuplicateCode);
    }
    let before = match original {
        Some(code) => export_in(&mut tx)
            .await?
            .into_iter()
            .find(|t| t.code == code),
        None => None,
    };
    // ?9 is the code the topic had; a new topic goes to the end of the library.
    let q = match original {
        None => sqlx::query(
            "INSERT INTO topics (code, category, custom_category, name_zh, name_en, description_zh, description_en, active, sort_order)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, COALESCE(MAX(sort_order) + 1, 0) FROM topics WHERE ?9 IS NULL",
        ),
        Some(_) => sqlx::query(
            "UPDATE topics SET code = ?1, category = ?2, custom_category = ?3, name_zh = ?4, name_en = ?5,
             description_zh = ?6, description_en = ?7, active = ?8 WHERE code = ?9",
        ),
    };
    let done = q
        .bind(&topic.code)
        .bind(topic.category.as_str())
        .bind(&topic.custom_category)
        .bind(&topic.name.zh)
        .bind(&topic.name.en)
        .bind(&topic.description.zh)
        .bind(&topic.description.en)
        .bind(topic.active)
        .bind(original)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return refuse("code", Problem::Required);
    }
    let action = Action::new("topic.save", format!("topic {}", topic.code))
        .before(before)
        .after(raw);
    Ok(tx.commit(action).await?)
}

/// Another row of `table` (topics or stakeholder groups) than the one being edited (`original`)
/// has `code`.
pub(super) async fn code_taken(
    conn: &mut SqliteConnection,
    table: &str,
    code: &str,
    original: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let taken: Option<i64> = sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE code = ?"))
        .bind(code)
        .fetch_optional(conn)
        .await?;
    Ok(taken.is_some() && original != Some(code))
}

/// Retires (hides from new cycles) or restores a topic.
pub async fn set_topic_active(db: &Db, actor: &Actor, code: &str, active: bool) -> Stored<()> {
    let mut w = Write::begin(db, actor).await?;
    let done = sqlx::query("UPDATE topics SET active = ? WHERE code = ?")
        .bind(active)
        .bind(code)
        .execute(&mut *w)
        .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    let action =
        Action::new("topic.set_active", format!("topic {code}")).after(json!({ "active": active }));
    Ok(w.commit(action).await?)
}

/// Moves a topic one place up or down in the library's order. False when it cannot move (nothing is
/// written or recorded then).
pub async fn move_topic(db: &Db, actor: &Actor, code: &str, up: bool) -> Stored<bool> {
    let mut tx = Write::begin(db, actor).await?;
    let mut codes: Vec<String> =
        sqlx::query_scalar("SELECT code FROM topics ORDER BY sort_order, code")
            .fetch_all(&mut *tx)
            .await?;
    let Some(i) = codes.iter().position(|c| c == code) else {
        return Ok(false);
    };
    let j = if up { i.checked_sub(1) } else { Some(i + 1) };
    let Some(j) = j.filter(|&j| j < codes.len()) else {
        return Ok(false);
    };
    codes.swap(i, j);
    renumber(&mut tx, &codes).await?;
    let action = Action::new("topic.move", format!("topic {code}")).after(json!({ "up": up }));
    tx.commit(action).await?;
    Ok(true)
}

/// Gives `codes` the sort orders 0, 1, 2, ... in the order given.
async fn renumber(conn: &mut SqliteConnection, codes: &[String]) -> Result<(), sqlx::Error> {
    for (i, c) in codes.iter().enumerate() {
        sqlx::query("UPDATE topics SET sort_order = ? WHERE code = ?")
            .bind(i as i64)
            .bind(c)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Deletes a topic that no cycle has answers for (`InUse` otherwise: retire it instead). Cycles that
/// asked it without answers keep their copy of it (the snapshot), only the link to the library goes.
pub async fn delete_topic(db: &Db, actor: &Actor, code: &str) -> Stored<()> {
    let mut tx = Write::begin(db, actor).await?;
    let row = sqlx::query(&format!(
        "SELECT t.id, {ANSWERED} AS answered FROM topics t WHERE t.code = ?"
    ))
    .bind(code)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(StoreError::NotFound);
    };
    if row.get::<bool, _>("answered") {
        return refuse("code", Problem::InUse);
    }
    let id: i64 = row.get("id");
    sqlx::query("UPDATE cycle_topics SET topic_id = NULL WHERE topic_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM topics WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(tx
        .commit(Action::new("topic.delete", format!("topic {code}")))
        .await?)
}

/// What an import of `text` would do, row by row, without writing anything.
pub async fn preview_import(db: &Db, text: &str) -> Result<ImportPreview, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let custom = custom_codes(&mut conn).await?;
    let existing = export_in(&mut conn).await?;
    Ok(preview(text, &custom, &existing))
}

async fn custom_codes(conn: &mut SqliteConnection) -> Result<Vec<String>, sqlx::Error> {
    Ok(categories_in(conn)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect())
}

/// Imports a CSV or JSON library: all rows or none. Every row is checked again inside the
/// transaction, against the library as it is then; with any problem, nothing is written and the
/// preview comes back. Rows add topics or change the topic with their code; the imported topics take
/// the file's order at the top of the library, the others follow in their old order.
pub async fn import(db: &Db, actor: &Actor, text: &str) -> Stored<Result<Imported, ImportPreview>> {
    let mut tx = Write::begin(db, actor).await?;
    let custom = custom_codes(&mut tx).await?;
    let existing = export_in(&mut tx).await?;
    let p = preview(text, &custom, &existing);
    let Some(records) = p.records(&custom) else {
        return Ok(Err(p));
    };
    let count = |a: RowAction| p.rows.iter().filter(|r| r.action == a).count();
    let imported = Imported {
        added: count(RowAction::Add),
        updated: count(RowAction::Update),
    };
    for t in &records {
        sqlx::query(
            "INSERT INTO topics (code, category, custom_category, name_zh, name_en, description_zh, description_en, active, sort_order)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)
             ON CONFLICT (code) DO UPDATE SET category = excluded.category,
               custom_category = excluded.custom_category, name_zh = excluded.name_zh,
               name_en = excluded.name_en, description_zh = excluded.description_zh,
               description_en = excluded.description_en, active = excluded.active",
        )
        .bind(&t.code)
        .bind(t.category.as_str())
        .bind(&t.custom_category)
        .bind(&t.name.zh)
        .bind(&t.name.en)
        .bind(&t.description.zh)
        .bind(&t.description.en)
        .bind(t.active)
        .execute(&mut *tx)
        .await?;
    }
    let mut order: Vec<String> = records.iter().map(|t| t.code.clone()).collect();
    order.extend(
        existing
            .into_iter()
            .map(|t| t.code)
            .filter(|c| !records.iter().any(|t| &t.code == c)),
    );
    renumber(&mut tx, &order).await?;
    let action = Action::new("topic.import", "topic library").after(json!({
        "added": imported.added, "updated": imported.updated, "file": text
    }));
    tx.commit(action).await?;
    Ok(Ok(imported))
}
