//! Demo data: the reference report's topic library, stakeholder groups and an open 2022-style cycle.

use super::audit::{Action, Actor};
use super::write::Write;
use super::{now, Db};
use crate::domain::{Category, ScaleLabels, ThresholdRule};
use serde::Deserialize;

/// The product's own copy of the reference report's topics and groups (never read from outside).
const LIBRARY: &str = include_str!("../../data/library-2022.json");

/// Name of the demo cycle; seeding again finds it instead of making another.
pub const DEMO_CYCLE: &str = "2022 materiality assessment (demo)";

#[derive(Deserialize)]
struct Library {
    topics: Vec<LibTopic>,
    groups: Vec<LibGroup>,
}

#[derive(Deserialize)]
struct LibTopic {
    code: String,
    category: String,
    zh: String,
    en: String,
    description_zh: String,
    description_en: String,
}

#[derive(Deserialize)]
struct LibGroup {
    code: String,
    zh: String,
    en: String,
    internal: bool,
}

impl LibTopic {
    fn record(&self) -> crate::domain::TopicRecord {
        crate::domain::TopicRecord {
            code: self.code.clone(),
            category: Category::parse(&self.category).expect("the embedded library is valid"),
            custom_category: None,
            name: crate::domain::Bilingual {
                zh: self.zh.clone(),
                en: self.en.clone(),
            },
            description: crate::domain::Bilingual {
                zh: self.description_zh.clone(),
                en: self.description_en.clone(),
            },
            active: true,
        }
    }
}

/// The names of the preset libraries an admin can start from. More can be added here.
pub const PRESETS: [&str; 1] = ["report-2022"];

/// A preset library as CSV, to be previewed and imported like any file.
pub fn preset_csv(name: &str) -> Option<String> {
    match name {
        "report-2022" => {
            let lib: Library =
                serde_json::from_str(LIBRARY).expect("the embedded library is valid JSON");
            let topics: Vec<_> = lib.topics.iter().map(LibTopic::record).collect();
            Some(crate::domain::to_csv(&topics))
        }
        _ => None,
    }
}

/// Loads the library and the demo cycle if they are not there yet; returns the demo cycle's id.
/// Running it twice changes nothing the second time.
pub async fn seed(db: &Db, actor: &Actor) -> Result<i64, sqlx::Error> {
    let lib: Library = serde_json::from_str(LIBRARY).expect("the embedded library is valid JSON");
    let mut tx = Write::begin(db, actor).await?;
    for (i, t) in lib.topics.iter().enumerate() {
        debug_assert!(Category::parse(&t.category).is_some());
        sqlx::query(
            "INSERT INTO topics (code, category, name_zh, name_en, description_zh, description_en, sort_order)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
        )
        .bind(&t.code)
        .bind(&t.category)
        .bind(&t.zh)
        .bind(&t.en)
        .bind(&t.description_zh)
        .bind(&t.description_en)
        .bind(i as i64)
        .execute(&mut *tx)
        .await?;
    }
    for (i, g) in lib.groups.iter().enumerate() {
        sqlx::query(
            "INSERT INTO stakeholder_groups (code, name_zh, name_en, internal, weight, sort_order)
             VALUES (?, ?, ?, ?, 1.0, ?) ON CONFLICT (code) DO NOTHING",
        )
        .bind(&g.code)
        .bind(&g.zh)
        .bind(&g.en)
        .bind(g.internal)
        .bind(i as i64)
        .execute(&mut *tx)
        .await?;
    }
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM cycles WHERE name = ?")
        .bind(DEMO_CYCLE)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(id) = existing {
        tx.commit(Action::new("demo.seed", format!("cycle {id}")))
            .await?;
        return Ok(id);
    }
    let labels =
        serde_json::to_string(&ScaleLabels::five_point_importance()).expect("labels serialise");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cycles (name, year, scale_min, scale_max, scale_labels, status, k, threshold, threshold_rule,
            preview_open, created_at)
         VALUES (?, 2022, 1, 5, ?, 'open', 5, 3.5, ?, 1, ?) RETURNING id",
    )
    .bind(DEMO_CYCLE)
    .bind(labels)
    .bind(ThresholdRule::Both.as_str())
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO cycle_topics (cycle_id, code, topic_id, category, name_zh, name_en, description_zh, description_en, sort_order)
         SELECT ?, code, id, category, name_zh, name_en, description_zh, description_en, sort_order
         FROM topics WHERE active = TRUE",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO cycle_groups (cycle_id, group_id) SELECT ?, id FROM stakeholder_groups",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit(Action::new("demo.seed", format!("cycle {id}")))
        .await?;
    Ok(id)
}
