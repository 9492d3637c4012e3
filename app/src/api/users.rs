//! Accounts, for admins: list, create, disable and re-enable.

use super::AppError;
use crate::domain::UserRow;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Why a new account was refused, for the message next to its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserProblem {
    BadEmail,
    EmailTaken,
    ShortPassword,
    BadRole,
}

#[server]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    use super::ssr::{db, require_admin};
    require_admin().await?;
    Ok(crate::store::auth::users(&db()?).await?)
}

/// Creates an account; `Ok(Err(problem))` when the input is refused (nothing is written then).
#[server]
pub async fn add_user(
    email: String,
    password: String,
    role: String,
) -> Result<Result<(), UserProblem>, AppError> {
    use super::ssr::{db, internal, require_admin};
    use crate::store::auth::{create_user, Role, UserError};
    let admin = require_admin().await?;
    let Some(role) = Role::parse(&role) else {
        return Ok(Err(UserProblem::BadRole));
    };
    match create_user(&db()?, &(&admin).into(), &email, &password, role).await {
        Ok(_) => Ok(Ok(())),
        Err(UserError::BadEmail) => Ok(Err(UserProblem::BadEmail)),
        Err(UserError::Exists) => Ok(Err(UserProblem::EmailTaken)),
        Err(UserError::ShortPassword) => Ok(Err(UserProblem::ShortPassword)),
        Err(e) => Err(internal(e)),
    }
}

/// Disables (ending its sessions) or re-enables an account. Admins cannot disable themselves, so the
/// last admin cannot lock everyone out by accident.
#[server]
pub async fn set_user_disabled(id: i64, disabled: bool) -> Result<(), AppError> {
    use super::ssr::{db, require_admin};
    let admin = require_admin().await?;
    if disabled && id == admin.id {
        return Err(super::ssr::refuse(AppError::Forbidden));
    }
    Ok(crate::store::auth::set_disabled(&db()?, &(&admin).into(), id, disabled).await?)
}
