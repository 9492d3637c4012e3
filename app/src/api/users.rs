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
    /// The current password given to change it is not the current password.
    WrongPassword,
    /// Too many wrong current passwords, or every password check busy: try again later.
    TryLater,
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

/// The signed-in user changes their own password, giving the current one (checked and throttled as a
/// sign-in is). Every other session of theirs ends; this one goes on.
#[server]
pub async fn change_password(
    current: String,
    new: String,
) -> Result<Result<(), UserProblem>, AppError> {
    use super::auth::{check_password, Checked};
    use super::ssr::{cookie, db, internal, require_reviewer, SESSION_COOKIE};
    use crate::store::auth::{set_password, UserError};
    let user = require_reviewer().await?;
    let db = db()?;
    let parts: http::request::Parts = leptos_axum::extract().await.map_err(internal)?;
    match check_password(&parts, &user.email, &current).await? {
        Checked::User(u) if u.id == user.id => {}
        Checked::User(_) | Checked::Wrong(_) => return Ok(Err(UserProblem::WrongPassword)),
        Checked::Waiting(_) | Checked::Busy => return Ok(Err(UserProblem::TryLater)),
    }
    let keep = cookie(&parts.headers, SESSION_COOKIE);
    match set_password(&db, &(&user).into(), user.id, &new, keep).await {
        Ok(()) => Ok(Ok(())),
        Err(UserError::ShortPassword) => Ok(Err(UserProblem::ShortPassword)),
        Err(e) => Err(internal(e)),
    }
}

/// An admin sets another account's password (for someone who lost theirs); every session of that
/// account ends.
#[server]
pub async fn reset_password(
    id: i64,
    password: String,
) -> Result<Result<(), UserProblem>, AppError> {
    use super::ssr::{db, internal, require_admin};
    use crate::store::auth::{set_password, UserError};
    let admin = require_admin().await?;
    match set_password(&db()?, &(&admin).into(), id, &password, None).await {
        Ok(()) => Ok(Ok(())),
        Err(UserError::ShortPassword) => Ok(Err(UserProblem::ShortPassword)),
        Err(UserError::NoUser) => Err(super::ssr::refuse(AppError::NotFound)),
        Err(e) => Err(internal(e)),
    }
}
