//! Which survey topic informs which sustainability matter of a double-materiality cycle, and the
//! topics' stakeholder figures beside the matters ([`crate::domain::stakeholder_input`]).

use super::audit::{Action, Actor};
use super::write::{refuse, Stored, Write};
use super::Db;
use crate::domain::iro::MatterResult;
use crate::domain::stakeholder_input::{attach, figures, TopicLink};
use crate::domain::{Bilingual, Problem, Respondents};
use sqlx::{Row, SqliteConnection};

/// Every survey topic the cycle asks, in its order, with the matter it informs.
pub(super) async fn topic_links_on(
    conn: &mut SqliteConnection,
    cycle: i64,
) -> Result<Vec<TopicLink>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT t.code, t.name_zh, t.name_en, m.code AS matter
         FROM cycle_topics t
         LEFT JOIN topic_matters tm ON tm.cycle_id = t.cycle_id AND tm.topic_code = t.code
         LEFT JOIN matters m ON m.id = tm.matter_id
         WHERE t.cycle_id = ? ORDER BY t.sort_order, t.code",
    )
    .bind(cycle)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| TopicLink {
            code: r.get("code"),
            name: Bilingual {
                zh: r.get("name_zh"),
                en: r.get("name_en"),
            },
            matter: r.get("matter"),
        })
        .collect())
}

/// Attaches to `matters` the stakeholder figures of the topics that inform them: the cycle's survey
/// results as everyone's view composes them (the anonymity rule and held-back figures included),
/// read on the caller's transaction.
pub(super) async fn attach_on(
    conn: &mut SqliteConnection,
    cycle: i64,
    matters: &mut [MatterResult],
) -> Result<(), sqlx::Error> {
    let links: Vec<(String, String)> = topic_links_on(&mut *conn, cycle)
        .await?
        .into_iter()
        .filter_map(|t| Some((t.code, t.matter?)))
        .collect();
    if links.is_empty() {
        return Ok(());
    }
    let Some(inputs) = super::results::inputs(&mut *conn, cycle).await? else {
        return Ok(());
    };
    if let Some(results) = crate::domain::compose(&inputs, &Respondents::All, super::hash_secret) {
        attach(matters, &figures(&results), &links);
    }
    Ok(())
}

/// Makes the survey topic `topic` of a double-materiality cycle inform the matter `matter` (a code
/// of the cycle's tree), or no matter when `matter` is `None`. Refused on a confirmed cycle.
pub async fn set_topic_matter(
    db: &Db,
    actor: &Actor,
    cycle: i64,
    topic: &str,
    matter: Option<&str>,
) -> Stored<()> {
    let mut w = Write::begin(db, actor).await?;
    super::register::double_register(&mut w, cycle, "matter").await?;
    let links = topic_links_on(&mut w, cycle).await?;
    let Some(before) = links.into_iter().find(|t| t.code == topic) else {
        return refuse("topic", Problem::Unknown);
    };
    let matter_id: Option<i64> = match matter {
        None => None,
        Some(code) => {
            let id = sqlx::query_scalar("SELECT id FROM matters WHERE cycle_id = ? AND code = ?")
                .bind(cycle)
                .bind(code)
                .fetch_optional(&mut *w)
                .await?;
            match id {
                Some(id) => Some(id),
                None => return refuse("matter", Problem::Unknown),
            }
        }
    };
    sqlx::query("DELETE FROM topic_matters WHERE cycle_id = ? AND topic_code = ?")
        .bind(cycle)
        .bind(topic)
        .execute(&mut *w)
        .await?;
    if let Some(id) = matter_id {
        sqlx::query("INSERT INTO topic_matters (cycle_id, topic_code, matter_id) VALUES (?, ?, ?)")
            .bind(cycle)
            .bind(topic)
            .bind(id)
            .execute(&mut *w)
            .await?;
    }
    let action = Action::new(
        "register.topic_matter",
        format!("cycle {cycle} topic {topic}"),
    )
    .before(before.matter)
    .after(matter);
    Ok(w.commit(action).await?)
}
