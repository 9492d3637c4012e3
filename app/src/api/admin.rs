//! The admin's set-up: topic library, stakeholder groups, cycles, invitations and progress. Every
//! function checks on the server that the caller is an admin before it reads or writes anything.
//! Refused input comes back as `Ok(Err(problems))`, named by field, with nothing written.

use super::AppError;
use crate::domain::{
    CustomCategory, CycleDetail, CycleForm, CycleRow, FieldProblem, GroupForm, GroupProgress,
    GroupRecord, ImportPreview, RawTopic, TopicRow,
};
use crate::i18n::Lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Input checked: the value, or the problems by field.
pub type Checked<T> = Result<T, Vec<FieldProblem>>;

#[cfg(feature = "ssr")]
use super::ssr::{audit, db, internal, require_admin};
#[cfg(feature = "ssr")]
use crate::domain::Problem;
#[cfg(feature = "ssr")]
use crate::store::audit::Action;

/// Refusal of one field, for the pages.
#[cfg(feature = "ssr")]
pub(super) fn problem<T>(field: &str, p: Problem) -> Result<Checked<T>, AppError> {
    Ok(Err(vec![FieldProblem::new(field, p)]))
}

/// `None` from the store means there is no such thing.
#[cfg(feature = "ssr")]
pub(super) fn found<T>(v: Option<T>) -> Result<T, AppError> {
    v.ok_or(AppError::NotFound)
}

/// The library page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryView {
    pub topics: Vec<TopicRow>,
    pub categories: Vec<CustomCategory>,
}

#[server]
pub async fn library() -> Result<LibraryView, AppError> {
    require_admin().await?;
    let db = db()?;
    Ok(LibraryView {
        topics: crate::store::library::topics(&db).await.map_err(internal)?,
        categories: crate::store::library::categories(&db)
            .await
            .map_err(internal)?,
    })
}

/// Adds a topic (`original` empty) or edits the topic whose code was `original`.
#[server]
pub async fn save_topic(original: String, topic: RawTopic) -> Result<Checked<()>, AppError> {
    let admin = require_admin().await?;
    let db = db()?;
    let original = Some(original.as_str()).filter(|o| !o.is_empty());
    let before = match original {
        Some(code) => crate::store::library::export(&db)
            .await
            .map_err(internal)?
            .into_iter()
            .find(|t| t.code == code),
        None => None,
    };
    let r = crate::store::library::save_topic(&db, original, &topic)
        .await
        .map_err(internal)?;
    if r.is_ok() {
        let action = Action::new("topic.save", format!("topic {}", topic.code))
            .before(before)
            .after(&topic);
        audit(&admin, action).await?;
    }
    Ok(r)
}

#[server]
pub async fn set_topic_active(code: String, active: bool) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let done = crate::store::library::set_topic_active(&db()?, &code, active)
        .await
        .map_err(internal)?;
    if done {
        let action = Action::new("topic.set_active", format!("topic {code}"))
            .after(serde_json::json!({ "active": active }));
        audit(&admin, action).await?;
    }
    found(done.then_some(()))
}

#[server]
pub async fn move_topic(code: String, up: bool) -> Result<(), AppError> {
    let admin = require_admin().await?;
    if crate::store::library::move_topic(&db()?, &code, up)
        .await
        .map_err(internal)?
    {
        let action = Action::new("topic.move", format!("topic {code}"))
            .after(serde_json::json!({ "up": up }));
        audit(&admin, action).await?;
    }
    Ok(())
}

/// Deletes a topic; refused (`InUse`) when any cycle has answers for it.
#[server]
pub async fn delete_topic(code: String) -> Result<Checked<()>, AppError> {
    use crate::store::library::DeleteTopic;
    let admin = require_admin().await?;
    match crate::store::library::delete_topic(&db()?, &code)
        .await
        .map_err(internal)?
    {
        DeleteTopic::Deleted => {
            audit(&admin, Action::new("topic.delete", format!("topic {code}"))).await?;
            Ok(Ok(()))
        }
        DeleteTopic::Answered => problem("code", Problem::InUse),
        DeleteTopic::NotFound => Err(AppError::NotFound),
    }
}

/// Adds (`is_new`) or edits a custom category.
#[server]
pub async fn save_category(
    category: CustomCategory,
    #[server(default)] is_new: bool,
) -> Result<Checked<()>, AppError> {
    let admin = require_admin().await?;
    let r = crate::store::library::save_category(&db()?, &category, is_new)
        .await
        .map_err(internal)?;
    if r.is_ok() {
        let action =
            Action::new("category.save", format!("category {}", category.code)).after(&category);
        audit(&admin, action).await?;
    }
    Ok(r)
}

/// What importing `text` (CSV or JSON) would do, row by row; writes nothing.
#[server]
pub async fn preview_import(text: String) -> Result<ImportPreview, AppError> {
    require_admin().await?;
    crate::store::library::preview_import(&db()?, &text)
        .await
        .map_err(internal)
}

/// Imports all rows of `text` or none: `Err(preview)` with the problems when any row has one.
#[server]
pub async fn import_topics(
    text: String,
) -> Result<Result<crate::domain::Imported, ImportPreview>, AppError> {
    let admin = require_admin().await?;
    let r = crate::store::library::import(&db()?, &text)
        .await
        .map_err(internal)?;
    if let Ok(n) = &r {
        let action = Action::new("topic.import", "topic library").after(serde_json::json!({
            "added": n.added, "updated": n.updated, "file": text
        }));
        audit(&admin, action).await?;
    }
    Ok(r)
}

/// A preset library as CSV, to preview and import like a file. `report-2022`: the reference report's
/// 17 topics.
#[server]
pub async fn preset(name: String) -> Result<String, AppError> {
    require_admin().await?;
    crate::store::demo::preset_csv(&name).ok_or(AppError::NotFound)
}

#[server]
pub async fn list_groups() -> Result<Vec<GroupRecord>, AppError> {
    require_admin().await?;
    crate::store::groups::group_records(&db()?)
        .await
        .map_err(internal)
}

/// Adds a group (`original` empty) or edits the group whose code was `original`.
#[server]
pub async fn save_group(original: String, group: GroupForm) -> Result<Checked<()>, AppError> {
    let admin = require_admin().await?;
    let db = db()?;
    let original = Some(original.as_str()).filter(|o| !o.is_empty());
    let before = match original {
        Some(code) => crate::store::groups::group_records(&db)
            .await
            .map_err(internal)?
            .into_iter()
            .find(|g| g.code == code),
        None => None,
    };
    let r = crate::store::groups::save_group(&db, original, &group)
        .await
        .map_err(internal)?;
    if r.is_ok() {
        let action = Action::new("group.save", format!("group {}", group.code))
            .before(before)
            .after(&group);
        audit(&admin, action).await?;
    }
    Ok(r)
}

#[server]
pub async fn set_group_active(code: String, active: bool) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let done = crate::store::groups::set_group_active(&db()?, &code, active)
        .await
        .map_err(internal)?;
    if done {
        let action = Action::new("group.set_active", format!("group {code}"))
            .after(serde_json::json!({ "active": active }));
        audit(&admin, action).await?;
    }
    found(done.then_some(()))
}

/// The stakeholder map: every active group placed by its two identification ratings (SVG).
#[server]
pub async fn stakeholder_map(lang: Lang) -> Result<String, AppError> {
    require_admin().await?;
    let groups = crate::store::groups::group_records(&db()?)
        .await
        .map_err(internal)?;
    Ok(crate::chart::stakeholder_map_svg(&groups, lang))
}

#[server]
pub async fn list_cycles() -> Result<Vec<CycleRow>, AppError> {
    require_admin().await?;
    crate::store::cycles::cycle_rows(&db()?)
        .await
        .map_err(internal)
}

/// Creates a draft cycle; its id.
#[server]
pub async fn create_cycle(cycle: CycleForm) -> Result<Checked<i64>, AppError> {
    let admin = require_admin().await?;
    let settings = match cycle.check() {
        Ok(s) => s,
        Err(p) => return Ok(Err(p)),
    };
    let id = crate::store::cycles::create_cycle(&db()?, &settings)
        .await
        .map_err(internal)?;
    audit(
        &admin,
        Action::new("cycle.create", format!("cycle {id}")).after(&settings),
    )
    .await?;
    Ok(Ok(id))
}

/// Creates a draft cycle as a copy of `from` (settings, topics as asked, groups); its id.
#[server]
pub async fn copy_cycle(from: i64) -> Result<i64, AppError> {
    let admin = require_admin().await?;
    let id = found(
        crate::store::cycles::copy_cycle(&db()?, from)
            .await
            .map_err(internal)?,
    )?;
    let action =
        Action::new("cycle.copy", format!("cycle {id}")).after(serde_json::json!({ "from": from }));
    audit(&admin, action).await?;
    Ok(id)
}

/// A cycle's admin page: the cycle, the library topics and groups to choose from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleAdminView {
    pub cycle: CycleDetail,
    pub topics: Vec<TopicRow>,
    pub groups: Vec<GroupRecord>,
    /// The confirmed cycles whose result this one could carry forward.
    pub confirmed: Vec<CycleRow>,
}

#[server]
pub async fn cycle_admin(id: i64) -> Result<CycleAdminView, AppError> {
    require_admin().await?;
    let db = db()?;
    let cycle = found(
        crate::store::cycles::cycle_detail(&db, id)
            .await
            .map_err(internal)?,
    )?;
    Ok(CycleAdminView {
        cycle,
        topics: crate::store::library::topics(&db).await.map_err(internal)?,
        groups: crate::store::groups::group_records(&db)
            .await
            .map_err(internal)?,
        confirmed: crate::store::cycles::cycle_rows(&db)
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|c| c.status == crate::domain::CycleStatus::Confirmed && c.id != id)
            .collect(),
    })
}

#[server]
pub async fn update_cycle(id: i64, cycle: CycleForm) -> Result<Checked<()>, AppError> {
    let admin = require_admin().await?;
    let settings = match cycle.check() {
        Ok(s) => s,
        Err(p) => return Ok(Err(p)),
    };
    let db = db()?;
    let before = crate::store::cycles::cycle(&db, id)
        .await
        .map_err(internal)?
        .map(|c| c.settings());
    let r = found(
        crate::store::cycles::update_settings(&db, id, &settings)
            .await
            .map_err(internal)?,
    )?;
    if r.is_ok() {
        let action = Action::new("cycle.settings", format!("cycle {id}"))
            .before(before)
            .after(&settings);
        audit(&admin, action).await?;
    }
    Ok(r)
}

#[server]
pub async fn set_cycle_topics(
    id: i64,
    #[server(default)] topics: Vec<String>,
) -> Result<Checked<()>, AppError> {
    let admin = require_admin().await?;
    let db = db()?;
    let before = crate::store::cycles::cycle_detail(&db, id)
        .await
        .map_err(internal)?
        .map(|c| c.topics);
    let r = found(
        crate::store::cycles::set_cycle_topics(&db, id, &topics)
            .await
            .map_err(internal)?,
    )?;
    if r.is_ok() {
        let action = Action::new("cycle.topics", format!("cycle {id}"))
            .before(before)
            .after(&topics);
        audit(&admin, action).await?;
    }
    Ok(r)
}

#[server]
pub async fn set_cycle_groups(
    id: i64,
    #[server(default)] groups: Vec<String>,
) -> Result<Checked<()>, AppError> {
    let admin = require_admin().await?;
    let db = db()?;
    let before = crate::store::cycles::cycle_detail(&db, id)
        .await
        .map_err(internal)?
        .map(|c| c.groups);
    let r = found(
        crate::store::cycles::set_cycle_groups(&db, id, &groups)
            .await
            .map_err(internal)?,
    )?;
    if r.is_ok() {
        let action = Action::new("cycle.groups", format!("cycle {id}"))
            .before(before)
            .after(&groups);
        audit(&admin, action).await?;
    }
    Ok(r)
}

#[server]
pub async fn set_cycle_status(id: i64, status: String) -> Result<Checked<()>, AppError> {
    let admin = require_admin().await?;
    let Some(to) = crate::domain::CycleStatus::parse(&status) else {
        return problem("status", Problem::NotAllowed);
    };
    let db = db()?;
    let before = crate::store::cycles::cycle(&db, id)
        .await
        .map_err(internal)?
        .map(|c| c.summary.status);
    let r = found(
        crate::store::cycles::set_status(&db, id, to)
            .await
            .map_err(internal)?,
    )?;
    if r.is_ok() {
        let action = Action::new("cycle.status", format!("cycle {id}"))
            .before(before)
            .after(to);
        audit(&admin, action).await?;
    }
    Ok(r)
}

/// Deletes a cycle nobody has answered; `InUse` otherwise.
#[server]
pub async fn delete_cycle(id: i64) -> Result<Checked<()>, AppError> {
    let admin = require_admin().await?;
    let r = found(
        crate::store::cycles::delete_cycle(&db()?, id)
            .await
            .map_err(internal)?,
    )?;
    if r.is_ok() {
        audit(&admin, Action::new("cycle.delete", format!("cycle {id}"))).await?;
        leptos_axum::redirect("/admin/cycles");
    }
    Ok(r)
}

/// Links made for a group, shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewLinks {
    pub group: String,
    pub links: Vec<String>,
    /// One shared link rather than single-use ones.
    pub open: bool,
}

#[cfg(feature = "ssr")]
fn invite_problem<T>(e: crate::store::cycles::InviteError) -> Result<Checked<T>, AppError> {
    use crate::store::cycles::InviteError;
    match e {
        InviteError::BadCount => problem("count", Problem::BadNumber),
        InviteError::NoGroup(_) => problem("group", Problem::Unknown),
        InviteError::Confirmed => problem("group", Problem::Frozen),
        InviteError::NoCycle(_) => Err(AppError::NotFound),
        InviteError::Db(e) => Err(internal(e)),
    }
}

/// Makes `count` single-use links for a group of a cycle (1 to 10,000).
#[server]
pub async fn generate_links(
    id: i64,
    group: String,
    count: String,
) -> Result<Checked<NewLinks>, AppError> {
    let admin = require_admin().await?;
    let Ok(count) = count.trim().parse::<u32>() else {
        return problem("count", Problem::BadNumber);
    };
    match crate::store::cycles::invite(&db()?, id, &group, count).await {
        Ok(tokens) => {
            // The count only: a link is a respondent's key and never goes into the log.
            let action = Action::new("links.create", format!("cycle {id} group {group}"))
                .after(serde_json::json!({ "count": count }));
            audit(&admin, action).await?;
            let base = super::ssr::public_url()?;
            Ok(Ok(NewLinks {
                group,
                links: tokens.iter().map(|t| format!("{base}/s/{t}")).collect(),
                open: false,
            }))
        }
        Err(e) => invite_problem(e),
    }
}

/// Makes the group's open link, replacing (and stopping) any earlier one.
#[server]
pub async fn make_open_link(id: i64, group: String) -> Result<Checked<NewLinks>, AppError> {
    let admin = require_admin().await?;
    match crate::store::cycles::create_open_link(&db()?, id, &group).await {
        Ok(token) => {
            let action = Action::new("links.open_link", format!("cycle {id} group {group}"));
            audit(&admin, action).await?;
            let base = super::ssr::public_url()?;
            Ok(Ok(NewLinks {
                group,
                links: vec![format!("{base}/s/{token}")],
                open: true,
            }))
        }
        Err(e) => invite_problem(e),
    }
}

/// Withdraws every unused link of a group (single-use and open); how many.
#[server]
pub async fn revoke_unused(id: i64, group: String) -> Result<Checked<u64>, AppError> {
    let admin = require_admin().await?;
    match crate::store::cycles::revoke_unused(&db()?, id, &group).await {
        Ok(n) => {
            let action = Action::new("links.revoke_unused", format!("cycle {id} group {group}"))
                .after(serde_json::json!({ "revoked": n }));
            audit(&admin, action).await?;
            Ok(Ok(n))
        }
        Err(e) => invite_problem(e),
    }
}

/// Withdraws one unused link, pasted whole or as its token.
#[server]
pub async fn revoke_link(id: i64, link: String) -> Result<Checked<()>, AppError> {
    let admin = require_admin().await?;
    if crate::store::cycles::revoke_link(&db()?, id, &link)
        .await
        .map_err(internal)?
    {
        // Which link is not recorded: it is a respondent's key.
        audit(
            &admin,
            Action::new("links.revoke_one", format!("cycle {id}")),
        )
        .await?;
        Ok(Ok(()))
    } else {
        problem("link", Problem::Unknown)
    }
}

/// The progress page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressView {
    pub name: String,
    pub k: u32,
    pub groups: Vec<GroupProgress>,
}

#[server]
pub async fn cycle_progress(id: i64) -> Result<ProgressView, AppError> {
    require_admin().await?;
    let db = db()?;
    let c = found(
        crate::store::cycles::cycle(&db, id)
            .await
            .map_err(internal)?,
    )?;
    Ok(ProgressView {
        name: c.summary.name,
        k: c.summary.k,
        groups: crate::store::cycles::progress(&db, id)
            .await
            .map_err(internal)?,
    })
}
