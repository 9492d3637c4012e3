//! The admin's set-up: topic library, stakeholder groups, cycles, invitations and progress. Every
//! function checks on the server that the caller is an admin before it reads or writes anything.
//! Refused input comes back as `AppError::Refused(problems)`, named by field, with nothing written
//! (HTTP 422 to a script; a plain form post is sent back to its page, which shows them).

use super::AppError;
use crate::domain::{
    CustomCategory, CycleDetail, CycleForm, CycleRow, GroupForm, GroupProgress, GroupRecord,
    ImportPreview, RawTopic, TopicRow,
};
use crate::i18n::Lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr::{db, require_admin};
#[cfg(feature = "ssr")]
use crate::domain::Problem;
#[cfg(feature = "ssr")]
use crate::store::audit::Actor;

/// Refusal of one field, for the pages.
#[cfg(feature = "ssr")]
pub(super) fn problem<T>(field: &str, p: Problem) -> Result<T, AppError> {
    Err(vec![crate::domain::FieldProblem::new(field, p)].into())
}

/// `None` from the store means there is no such thing.
#[cfg(feature = "ssr")]
pub(super) fn found<T>(v: Option<T>) -> Result<T, AppError> {
    v.ok_or(AppError::NotFound)
}

/// The signed-in admin, as the store records who acted.
#[cfg(feature = "ssr")]
async fn admin() -> Result<Actor, AppError> {
    Ok(Actor::from(&require_admin().await?))
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
        topics: crate::store::library::topics(&db).await?,
        categories: crate::store::library::categories(&db).await?,
    })
}

/// Adds a topic (`original` empty) or edits the topic whose code was `original`.
#[server]
pub async fn save_topic(original: String, topic: RawTopic) -> Result<(), AppError> {
    let admin = admin().await?;
    let original = Some(original.as_str()).filter(|o| !o.is_empty());
    Ok(crate::store::library::save_topic(&db()?, &admin, original, &topic).await?)
}

#[server]
pub async fn set_topic_active(code: String, active: bool) -> Result<(), AppError> {
    let admin = admin().await?;
    Ok(crate::store::library::set_topic_active(&db()?, &admin, &code, active).await?)
}

#[server]
pub async fn move_topic(code: String, up: bool) -> Result<(), AppError> {
    let admin = admin().await?;
    crate::store::library::move_topic(&db()?, &admin, &code, up).await?;
    Ok(())
}

/// Deletes a topic; refused (`InUse`) when any cycle has answers for it.
#[server]
pub async fn delete_topic(code: String) -> Result<(), AppError> {
    let admin = admin().await?;
    Ok(crate::store::library::delete_topic(&db()?, &admin, &code).await?)
}

/// Adds (`is_new`) or edits a custom category.
#[server]
pub async fn save_category(
    category: CustomCategory,
    #[server(default)] is_new: bool,
) -> Result<(), AppError> {
    let admin = admin().await?;
    Ok(crate::store::library::save_category(&db()?, &admin, &category, is_new).await?)
}

/// What importing `text` (CSV or JSON) would do, row by row; writes nothing.
#[server]
pub async fn preview_import(text: String) -> Result<ImportPreview, AppError> {
    require_admin().await?;
    Ok(crate::store::library::preview_import(&db()?, &text).await?)
}

/// Imports all rows of `text` or none: `AppError::Import(preview)` with the problems (422 to a
/// script) when any row has one.
#[server]
pub async fn import_topics(text: String) -> Result<crate::domain::Imported, AppError> {
    let admin = admin().await?;
    crate::store::library::import(&db()?, &admin, &text)
        .await?
        .map_err(|p| super::ssr::refuse(AppError::Import(p)))
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
    Ok(crate::store::groups::group_records(&db()?).await?)
}

/// Adds a group (`original` empty) or edits the group whose code was `original`.
#[server]
pub async fn save_group(original: String, group: GroupForm) -> Result<(), AppError> {
    let admin = admin().await?;
    let original = Some(original.as_str()).filter(|o| !o.is_empty());
    Ok(crate::store::groups::save_group(&db()?, &admin, original, &group).await?)
}

#[server]
pub async fn set_group_active(code: String, active: bool) -> Result<(), AppError> {
    let admin = admin().await?;
    Ok(crate::store::groups::set_group_active(&db()?, &admin, &code, active).await?)
}

/// The stakeholder map: every active group placed by its two identification ratings (SVG).
#[server]
pub async fn stakeholder_map(lang: Lang) -> Result<String, AppError> {
    require_admin().await?;
    let groups = crate::store::groups::group_records(&db()?).await?;
    Ok(crate::chart::stakeholder_map_svg(&groups, lang))
}

#[server]
pub async fn list_cycles() -> Result<Vec<CycleRow>, AppError> {
    require_admin().await?;
    Ok(crate::store::cycles::cycle_rows(&db()?).await?)
}

/// Creates a draft cycle; its id.
#[server]
pub async fn create_cycle(cycle: CycleForm) -> Result<i64, AppError> {
    let admin = admin().await?;
    let settings = match cycle.check() {
        Ok(s) => s,
        Err(p) => return Err(p.into()),
    };
    Ok(crate::store::cycles::create_cycle(&db()?, &admin, &settings).await?)
}

/// Creates a draft cycle as a copy of `from` (settings, topics as asked, groups); its id.
#[server]
pub async fn copy_cycle(from: i64) -> Result<i64, AppError> {
    let admin = admin().await?;
    Ok(crate::store::cycles::copy_cycle(&db()?, &admin, from).await?)
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
    let cycle = found(crate::store::cycles::cycle_detail(&db, id).await?)?;
    Ok(CycleAdminView {
        cycle,
        topics: crate::store::library::topics(&db).await?,
        groups: crate::store::groups::group_records(&db).await?,
        confirmed: crate::store::cycles::cycle_rows(&db)
            .await?
            .into_iter()
            .filter(|c| c.status == crate::domain::CycleStatus::Confirmed && c.id != id)
            .collect(),
    })
}

#[server]
pub async fn update_cycle(id: i64, cycle: CycleForm) -> Result<(), AppError> {
    let admin = admin().await?;
    let settings = match cycle.check() {
        Ok(s) => s,
        Err(p) => return Err(p.into()),
    };
    Ok(crate::store::cycles::update_settings(&db()?, &admin, id, &settings).await?)
}

#[server]
pub async fn set_cycle_topics(
    id: i64,
    #[server(default)] topics: Vec<String>,
) -> Result<(), AppError> {
    let admin = admin().await?;
    Ok(crate::store::cycles::set_cycle_topics(&db()?, &admin, id, &topics).await?)
}

#[server]
pub async fn set_cycle_groups(
    id: i64,
    #[server(default)] groups: Vec<String>,
) -> Result<(), AppError> {
    let admin = admin().await?;
    Ok(crate::store::cycles::set_cycle_groups(&db()?, &admin, id, &groups).await?)
}

#[server]
pub async fn set_cycle_status(id: i64, status: String) -> Result<(), AppError> {
    let admin = admin().await?;
    let Some(to) = crate::domain::CycleStatus::parse(&status) else {
        return problem("status", Problem::NotAllowed);
    };
    Ok(crate::store::cycles::set_status(&db()?, &admin, id, to).await?)
}

/// Deletes a cycle nobody has answered; `InUse` otherwise.
#[server]
pub async fn delete_cycle(id: i64) -> Result<(), AppError> {
    let admin = admin().await?;
    crate::store::cycles::delete_cycle(&db()?, &admin, id).await?;
    leptos_axum::redirect("/admin/cycles");
    Ok(())
}

/// Links made for a group, shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewLinks {
    pub group: String,
    pub links: Vec<String>,
    /// One shared link rather than single-use ones.
    pub open: bool,
}

/// Makes `count` single-use links for a group of a cycle (1 to 10,000).
#[server]
pub async fn generate_links(id: i64, group: String, count: String) -> Result<NewLinks, AppError> {
    let admin = admin().await?;
    let Ok(count) = count.trim().parse::<u32>() else {
        return problem("count", Problem::BadNumber);
    };
    let tokens = crate::store::links::invite(&db()?, &admin, id, &group, count).await?;
    let base = super::ssr::public_url()?;
    Ok(NewLinks {
        group,
        links: tokens.iter().map(|t| format!("{base}/s/{t}")).collect(),
        open: false,
    })
}

/// Makes the group's open link, replacing (and stopping) any earlier one. `cap`: the most answers it
/// takes (empty: no limit).
#[server]
pub async fn make_open_link(
    id: i64,
    group: String,
    #[server(default)] cap: String,
) -> Result<NewLinks, AppError> {
    let admin = admin().await?;
    let cap = match cap.trim() {
        "" => None,
        n => match n.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => return problem("cap", Problem::BadNumber),
        },
    };
    let token = crate::store::links::create_open_link(&db()?, &admin, id, &group, cap).await?;
    let base = super::ssr::public_url()?;
    Ok(NewLinks {
        group,
        links: vec![format!("{base}/s/{token}")],
        open: true,
    })
}

/// Withdraws every unused link of a group (single-use and open); how many.
#[server]
pub async fn revoke_unused(id: i64, group: String) -> Result<u64, AppError> {
    let admin = admin().await?;
    Ok(crate::store::links::revoke_unused(&db()?, &admin, id, &group).await?)
}

/// Withdraws one unused link, pasted whole or as its token.
#[server]
pub async fn revoke_link(id: i64, link: String) -> Result<(), AppError> {
    let admin = admin().await?;
    Ok(crate::store::links::revoke_link(&db()?, &admin, id, &link).await?)
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
    let c = found(crate::store::cycles::cycle(&db, id).await?)?;
    Ok(ProgressView {
        name: c.summary.name,
        k: c.summary.k,
        groups: crate::store::links::progress(&db, id).await?,
    })
}
