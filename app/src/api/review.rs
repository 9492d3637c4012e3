//! Step 4 for reviewers and admins: the review page, comments, overrides, confirming, carrying a result
//! forward, the material-topic list and the audit log. Reviewers comment; only admins (acting for the
//! decision group) override, confirm, carry forward and write management notes.

use super::AppError;
use crate::domain::{AuditEntry, ChainBreak, CycleResults, RespondentComment, ReviewComment};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::admin::{found, problem as refused};
#[cfg(feature = "ssr")]
use super::ssr::{db, require_admin, require_reviewer};
#[cfg(feature = "ssr")]
use crate::domain::{double_materiality::Method, Problem};

/// Everything the review page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    /// Everyone's results, overrides and stamp included.
    pub results: CycleResults,
    pub comments: Vec<ReviewComment>,
    /// What respondents wrote, once the cycle is closed (see [`crate::domain::respondent_comments`]).
    pub respondent_comments: Vec<RespondentComment>,
    /// Comments and overrides are taken now.
    pub in_review: bool,
    /// The caller may override and confirm.
    pub admin: bool,
    /// A double-materiality cycle's assessment: its matters are reviewed, not the survey's topics.
    pub double: Option<crate::domain::iro::AssessmentView>,
}

#[cfg(feature = "ssr")]
async fn results_of(db: &crate::store::Db, id: i64) -> Result<CycleResults, AppError> {
    found(crate::store::results::results(db, id).await?)
}

#[server]
pub async fn get_review(id: i64) -> Result<ReviewView, AppError> {
    let user = require_reviewer().await?;
    let db = db()?;
    let results = results_of(&db, id).await?;
    let carried = results.carried_forward.is_some();
    // A carried-forward result's comments are those of the cycle it came from.
    let source = results.carried_forward.as_ref().map_or(id, |c| c.from);
    let stored = crate::store::review::respondent_comments(&db, source).await?;
    let double = crate::store::assessments::assessment(&db, id)
        .await?
        .filter(|a| a.method == Method::Double);
    Ok(ReviewView {
        in_review: crate::domain::in_review(
            double.as_ref().map_or(Method::Survey, |a| a.method),
            results.cycle.status,
            carried,
        ),
        double,
        respondent_comments: crate::domain::respondent_comments(&results, stored),
        results,
        comments: crate::store::review::comments(&db, id).await?,
        admin: user.role == crate::domain::Role::Admin,
    })
}

/// A reviewer's comment on a topic, with an optional proposal ("material" / "not_material").
#[server]
pub async fn add_comment(
    id: i64,
    topic: String,
    body: String,
    #[server(default)] proposal: String,
) -> Result<(), AppError> {
    let user = require_reviewer().await?;
    let (body, proposal) = match crate::domain::check_comment(&body, &proposal) {
        Ok(c) => c,
        Err(p) => return Err(p.into()),
    };
    crate::store::review::add_comment(&db()?, &(&user).into(), id, &topic, &body, proposal).await?;
    Ok(())
}

/// The decision group's override of a topic: `decision` "material", "not_material" or "remove"; the
/// reason is always required.
#[server]
pub async fn set_override(
    id: i64,
    topic: String,
    decision: String,
    reason: String,
) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let material = match decision.as_str() {
        "material" => Some(true),
        "not_material" => Some(false),
        "remove" => None,
        _ => return refused("decision", Problem::Required),
    };
    let reason = match crate::domain::check_reason("reason", &reason) {
        Ok(r) => r,
        Err(p) => return Err(p.into()),
    };
    Ok(
        crate::store::review::set_override(&db()?, &(&admin).into(), id, &topic, material, &reason)
            .await?,
    )
}

/// Confirms the cycle's result; `confirm` is the form's "I confirm" box, which must be ticked.
#[server]
pub async fn confirm_cycle(id: i64, #[server(default)] confirm: String) -> Result<(), AppError> {
    let admin = require_admin().await?;
    if confirm != "yes" {
        return refused("confirm", Problem::Required);
    }
    crate::store::review::confirm(&db()?, &(&admin).into(), id).await?;
    Ok(())
}

/// Makes draft cycle `id` adopt the confirmed result of cycle `from`, with the rationale.
#[server]
pub async fn carry_forward(id: i64, from: String, rationale: String) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let Ok(from) = from.trim().parse::<i64>() else {
        return refused("from", Problem::Required);
    };
    let rationale = match crate::domain::check_reason("rationale", &rationale) {
        Ok(r) => r,
        Err(p) => return Err(p.into()),
    };
    Ok(crate::store::review::carry_forward(&db()?, &(&admin).into(), id, from, &rationale).await?)
}

/// The material-topic list page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaterialView {
    pub results: CycleResults,
    /// Management-approach notes by topic code.
    pub notes: std::collections::BTreeMap<String, String>,
    pub admin: bool,
    /// A double-materiality cycle's material matters, with year over year.
    pub double: Option<crate::domain::dm_material::MaterialMatters>,
}

#[server]
pub async fn get_material(id: i64) -> Result<MaterialView, AppError> {
    let user = require_reviewer().await?;
    let db = db()?;
    Ok(MaterialView {
        results: results_of(&db, id).await?,
        notes: crate::store::review::notes(&db, id).await?,
        admin: user.role == crate::domain::Role::Admin,
        double: crate::store::dm_material::list(&db, id).await?,
    })
}

#[server]
pub async fn set_note(id: i64, topic: String, note: String) -> Result<(), AppError> {
    let admin = require_admin().await?;
    let mut problems = Vec::new();
    crate::domain::check_text(&mut problems, "note", &note, false, crate::domain::MAX_TEXT);
    if !problems.is_empty() {
        return Err(problems.into());
    }
    Ok(crate::store::review::set_note(&db()?, &(&admin).into(), id, &topic, note.trim()).await?)
}

/// The audit page's data: the entries matching the filter and the state of the whole chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub entries: Vec<AuditEntry>,
    pub chain: Result<usize, ChainBreak>,
}

#[server]
pub async fn get_audit(
    actor: String,
    action: String,
    subject: String,
) -> Result<AuditView, AppError> {
    require_admin().await?;
    let db = db()?;
    let filter = crate::store::audit::AuditFilter {
        actor,
        action,
        subject,
    };
    Ok(AuditView {
        entries: crate::store::audit::entries(&db, &filter).await?,
        chain: crate::store::audit::verify(&db).await?,
    })
}

/// Checks the whole chain now.
#[server]
pub async fn verify_audit() -> Result<Result<usize, ChainBreak>, AppError> {
    require_admin().await?;
    Ok(crate::store::audit::verify(&db()?).await?)
}
