//! The double-materiality register, for admins: a cycle's method, its matters from a preset, and its
//! impacts, risks and opportunities. Refused input comes back as `AppError::Refused(problems)` (422),
//! nothing written; a confirmed cycle refuses every change.

use super::AppError;
use crate::domain::double_materiality::Method;
use crate::domain::iro::{IroForm, IroRow};
use crate::domain::matters::MatterRow;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::admin::problem;
#[cfg(feature = "ssr")]
use super::ssr::{db, require_admin};
#[cfg(feature = "ssr")]
use crate::domain::Problem;

/// A cycle's register: how it finds its material matters, the preset its matters came from (with
/// the standard's version), the matters and the IROs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterView {
    pub method: Method,
    pub preset: Option<String>,
    pub matters: Vec<MatterRow>,
    pub iros: Vec<IroRow>,
}

#[server]
pub async fn get_register(id: i64) -> Result<RegisterView, AppError> {
    require_admin().await?;
    let db = db()?;
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT method, matter_preset FROM cycles WHERE id = ?")
            .bind(id)
            .fetch_optional(&db)
            .await?;
    let (method, preset) = row.ok_or_else(|| super::ssr::refuse(AppError::NotFound))?;
    Ok(RegisterView {
        method: Method::parse(&method).ok_or_else(|| super::ssr::internal("bad cycle method"))?,
        preset,
        matters: crate::store::register::matters(&db, id).await?,
        iros: crate::store::register::iros(&db, id).await?,
    })
}

/// `method`: `survey` or `double`; only a draft without answers or matters changes it.
#[server]
pub async fn set_cycle_method(id: i64, method: String) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let Some(method) = Method::parse(method.trim()) else {
        return problem("method", Problem::Unknown);
    };
    Ok(crate::store::register::set_method(&db()?, &(&admin).into(), id, method).await?)
}

/// `preset`: `esrs-2023` or `cn-exchanges-2024`; the number of matters made.
#[server]
pub async fn load_matter_preset(id: i64, preset: String) -> Result<usize, AppError> {
    let admin = require_admin().await?;
    let Some(name) = crate::domain::matters::MatterPresetName::parse(preset.trim()) else {
        return problem("preset", Problem::Unknown);
    };
    Ok(crate::store::register::load_preset(&db()?, &(&admin).into(), id, name).await?)
}

/// Adds an IRO to the register; its id.
#[server]
pub async fn add_iro(id: i64, iro: IroForm) -> Result<i64, AppError> {
    let admin = require_admin().await?;
    Ok(crate::store::register::add_iro(&db()?, &(&admin).into(), id, &iro).await?)
}

#[server]
pub async fn retire_iro(id: i64, iro: i64) -> Result<(), AppError> {
    let admin = require_admin().await?;
    Ok(crate::store::register::retire_iro(&db()?, &(&admin).into(), id, iro).await?)
}
