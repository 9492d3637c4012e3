//! The double-materiality register, for admins: a cycle's method, its matters from a preset, and its
//! impacts, risks and opportunities. Refused input comes back as `AppError::Refused(problems)` (422),
//! nothing written; a confirmed cycle refuses every change.

use super::AppError;
#[cfg(feature = "ssr")]
use crate::domain::double_materiality::Method;
use crate::domain::iro::{IroForm, RegisterView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::admin::problem;
#[cfg(feature = "ssr")]
use super::ssr::{db, require_admin};
#[cfg(feature = "ssr")]
use crate::domain::Problem;

#[server]
pub async fn get_register(id: i64) -> Result<RegisterView, AppError> {
    require_admin().await?;
    crate::store::register::register(&db()?, id)
        .await?
        .ok_or_else(|| super::ssr::refuse(AppError::NotFound))
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

/// Sets a double-materiality cycle's scoring constants: `aggregation` (`mean_max`, `mean`, `max`),
/// both thresholds (1–5), the grey band (0–2) and the spread that asks for calibration (0.5–4).
#[server]
pub async fn set_cycle_scoring(
    id: i64,
    aggregation: String,
    impact_threshold: String,
    financial_threshold: String,
    grey_band: String,
    spread_limit: String,
) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let scoring = crate::domain::double_materiality::Scoring::from_form(
        &aggregation,
        &impact_threshold,
        &financial_threshold,
        &grey_band,
        &spread_limit,
    )?;
    Ok(crate::store::register::set_scoring(&db()?, &(&admin).into(), id, &scoring).await?)
}

/// Whether the cycle's exports number the assessors (`hidden` true) instead of naming them.
#[server]
pub async fn set_hide_assessors(id: i64, #[server(default)] hidden: bool) -> Result<(), AppError> {
    let admin = require_admin().await?;
    Ok(crate::store::register::set_hide_assessors(&db()?, &(&admin).into(), id, hidden).await?)
}

/// Makes the survey topic `topic` inform the matter `matter` (a code of the cycle's tree; empty: no
/// matter), whose row then shows the topic's stakeholder figures.
#[server]
pub async fn set_topic_matter(id: i64, topic: String, matter: String) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let matter = Some(matter.trim()).filter(|m| !m.is_empty());
    Ok(crate::store::stakeholder_input::set_topic_matter(
        &db()?,
        &(&admin).into(),
        id,
        topic.trim(),
        matter,
    )
    .await?)
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

/// Adds an entity-specific matter (`matter[parent]`: a matter's code or empty for a topic,
/// `matter[code]`, `matter[pillar]` for a topic, `matter[name_zh]`, `matter[name_en]`); its id.
#[server]
pub async fn add_matter(
    id: i64,
    matter: crate::domain::matters::MatterForm,
) -> Result<i64, AppError> {
    let admin = require_admin().await?;
    Ok(crate::store::register::add_matter(&db()?, &(&admin).into(), id, &matter).await?)
}

/// Removes an entity-specific matter with nothing below it and no IRO (`matter`: its code).
#[server]
pub async fn remove_matter(id: i64, matter: String) -> Result<(), AppError> {
    let admin = require_admin().await?;
    Ok(crate::store::register::remove_matter(&db()?, &(&admin).into(), id, matter.trim()).await?)
}

/// Adds an IRO to the register; its id.
#[server]
pub async fn add_iro(id: i64, iro: IroForm) -> Result<i64, AppError> {
    let admin = require_admin().await?;
    Ok(crate::store::register::add_iro(&db()?, &(&admin).into(), id, &iro).await?)
}

/// Corrects an active IRO (see `store::register::edit_iro` for what stays once it is rated), then
/// goes back to the register.
#[server]
pub async fn edit_iro(id: i64, iro: i64, fields: IroForm) -> Result<(), AppError> {
    let admin = require_admin().await?;
    crate::store::register::edit_iro(&db()?, &(&admin).into(), id, iro, &fields).await?;
    leptos_axum::redirect(&format!("/admin/cycles/{id}/register#iro-{iro}"));
    Ok(())
}

#[server]
pub async fn retire_iro(id: i64, iro: i64) -> Result<(), AppError> {
    let admin = require_admin().await?;
    Ok(crate::store::register::retire_iro(&db()?, &(&admin).into(), id, iro).await?)
}

/// What importing `file` (CSV text, or a workbook in base64 with `xlsx`) into the cycle's register
/// would do, row by row; writes nothing. JSON in (`{"id": …, "file": {"text": …, "xlsx": …}}`): a
/// URL-encoded file of Chinese text would take three times its size on the wire.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn preview_register_import(
    id: i64,
    file: crate::domain::register_file::RegisterFile,
) -> Result<crate::domain::register_file::RegisterPreview, AppError> {
    require_admin().await?;
    Ok(crate::store::register_import::preview_import(&db()?, id, file).await?)
}

/// Imports every row of `file` into the register, or none: `AppError::RegisterImport(preview)` with
/// the problems (422). JSON in, as the preview.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn import_register(
    id: i64,
    file: crate::domain::register_file::RegisterFile,
) -> Result<crate::domain::Imported, AppError> {
    let admin = require_admin().await?;
    crate::store::register_import::import(&db()?, &(&admin).into(), id, file)
        .await?
        .map_err(|p| super::ssr::refuse(AppError::RegisterImport(p)))
}

/// Assigns an IRO to an assessor (`user`: the account's id).
#[server]
pub async fn assign_iro(id: i64, iro: i64, user: i64) -> Result<(), AppError> {
    let admin = require_admin().await?;
    Ok(crate::store::assessments::assign(&db()?, &(&admin).into(), id, iro, user).await?)
}

/// The cycles in which the signed-in user has IROs to assess.
#[server]
pub async fn my_assessment_cycles() -> Result<Vec<crate::domain::iro::AssessorCycle>, AppError> {
    let me = super::ssr::require_signed_in().await?;
    Ok(crate::store::assessments::my_cycles(&db()?, me.id).await?)
}

/// A double-materiality cycle's scores and matters, its matrix (SVG) and whether the caller may
/// calibrate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentPage {
    pub view: crate::domain::iro::AssessmentView,
    pub matrix: String,
    pub admin: bool,
}

/// Reviewers and admins: every active IRO's score, every matter's position and the matrix in `lang`.
#[server]
pub async fn get_assessment(
    id: i64,
    #[server(default)] lang: crate::i18n::Lang,
) -> Result<AssessmentPage, AppError> {
    let me = super::ssr::require_reviewer().await?;
    let view = assessment(id).await?;
    Ok(AssessmentPage {
        matrix: crate::chart::double::double_matrix_svg(&view, lang),
        view,
        admin: me.role == crate::domain::Role::Admin,
    })
}

/// Reviewers and admins: the disclosure drafts (IRO-1 facts, SBM-3, IRO-2) of a cycle.
#[server]
pub async fn get_disclosures(
    id: i64,
) -> Result<crate::domain::dm_disclosure::Disclosures, AppError> {
    super::ssr::require_reviewer().await?;
    Ok(crate::domain::dm_disclosure::disclosures(
        &assessment(id).await?,
    ))
}

/// A cycle's double-materiality results with the cycle's scoring; not found for an unknown cycle.
#[cfg(feature = "ssr")]
pub async fn assessment(id: i64) -> Result<crate::domain::iro::AssessmentView, AppError> {
    crate::store::assessments::assessment(&db()?, id)
        .await?
        .ok_or_else(|| super::ssr::refuse(AppError::NotFound))
}

/// The signed-in user's own assignments in a cycle.
#[server]
pub async fn my_assignments(id: i64) -> Result<Vec<crate::domain::iro::Assignment>, AppError> {
    let me = super::ssr::require_signed_in().await?;
    Ok(crate::store::assessments::my_assignments(&db()?, me.id, id).await?)
}

/// One horizon's ratings as the form sends them: each criterion `1`–`5`, or empty for "can't
/// judge".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingForm {
    pub horizon: String,
    #[serde(default)]
    pub scale: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub irremediable: String,
    #[serde(default)]
    pub likelihood: String,
    #[serde(default)]
    pub magnitude: String,
}

/// The signed-in assessor saves (`submit` false) or submits their ratings of an IRO assigned to
/// them; another's assignment is not found. Answers whether the rating is now locked (submitted).
#[server]
pub async fn save_my_rating(
    id: i64,
    iro: i64,
    #[server(default)] ratings: Vec<RatingForm>,
    #[server(default)] rationale: String,
    #[server(default)] evidence: String,
    #[server(default)] submit: bool,
) -> Result<bool, AppError> {
    use crate::domain::double_materiality::Criteria;
    use crate::domain::iro::{lookup, HORIZONS};
    use crate::domain::FieldProblem;
    let me = super::ssr::require_signed_in().await?;
    let mut problems = Vec::new();
    let mut given = Vec::new();
    for r in &ratings {
        let field = format!("rating.{}", r.horizon.trim());
        let Some(h) = lookup(&HORIZONS, &r.horizon) else {
            problems.push(FieldProblem::new(&field, Problem::Unknown));
            continue;
        };
        let mut bad = false;
        let mut value = |s: &str| match s.trim() {
            "" => None,
            v => v.parse::<u8>().ok().or_else(|| {
                bad = true;
                None
            }),
        };
        let rating = Criteria {
            scale: value(&r.scale),
            scope: value(&r.scope),
            irremediable: value(&r.irremediable),
            likelihood: value(&r.likelihood),
            magnitude: value(&r.magnitude),
        };
        if bad {
            problems.push(FieldProblem::new(&field, Problem::BadNumber));
        }
        given.push((h, rating));
    }
    if !problems.is_empty() {
        return Err(problems.into());
    }
    let actor = (&me).into();
    crate::store::assessments::save_rating(
        &db()?,
        &actor,
        id,
        iro,
        &given,
        &rationale,
        &evidence,
        submit,
    )
    .await?;
    Ok(submit)
}

/// The decision group calibrates an IRO's score (`score` 1 to 5; empty removes the calibration),
/// always with the reason.
#[server]
pub async fn calibrate_iro(
    id: i64,
    iro: i64,
    score: String,
    reason: String,
) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let score = match score.trim() {
        "" => None,
        s => match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => return problem("score", Problem::BadNumber),
        },
    };
    let actor = (&admin).into();
    Ok(crate::store::assessments::calibrate(&db()?, &actor, id, iro, score, &reason).await?)
}

/// The decision group's recorded decision on an IRO whose score is in the grey zone or not
/// assessable: `material` `true` or `false`, or empty to remove it; always with the reason.
#[server]
pub async fn decide_iro(
    id: i64,
    iro: i64,
    #[server(default)] material: String,
    reason: String,
) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let material = match material.trim() {
        "" => None,
        "true" => Some(true),
        "false" => Some(false),
        _ => return problem("material", Problem::Unknown),
    };
    let actor = (&admin).into();
    Ok(crate::store::assessments::decide(&db()?, &actor, id, iro, material, &reason).await?)
}

/// Waives an assessor's assignment that is not submitted (`user`: the account's id), with the
/// reason.
#[server]
pub async fn waive_assignment(
    id: i64,
    iro: i64,
    user: i64,
    reason: String,
) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let actor = (&admin).into();
    Ok(crate::store::assessments::waive(&db()?, &actor, id, iro, user, &reason).await?)
}
