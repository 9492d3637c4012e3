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

/// An account's input refused (422, or 429 for `TryLater`, to a script).
#[cfg(feature = "ssr")]
fn refused(p: UserProblem) -> AppError {
    super::ssr::refuse(AppError::Account(p))
}

#[cfg(feature = "ssr")]
impl From<crate::store::auth::UserError> for AppError {
    fn from(e: crate::store::auth::UserError) -> AppError {
        use crate::store::auth::UserError;
        match e {
            UserError::BadEmail => refused(UserProblem::BadEmail),
            UserError::Exists => refused(UserProblem::EmailTaken),
            UserError::ShortPassword => refused(UserProblem::ShortPassword),
            UserError::NoUser => super::ssr::refuse(AppError::NotFound),
            UserError::Db(e) => super::ssr::internal(e),
        }
    }
}

/// Creates an account; `AppError::Account(problem)` when the input is refused (nothing is written).
#[server]
pub async fn add_user(email: String, password: String, role: String) -> Result<(), AppError> {
    use super::ssr::{db, require_admin};
    use crate::store::auth::{create_user, Role};
    let admin = require_admin().await?;
    let Some(role) = Role::parse(&role) else {
        return Err(refused(UserProblem::BadRole));
    };
    create_user(&db()?, &(&admin).into(), &email, &password, role).await?;
    Ok(())
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
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    use super::auth::{check_password, Checked};
    use super::ssr::{cookie, db, internal, require_reviewer, SESSION_COOKIE};
    let user = require_reviewer().await?;
    let db = db()?;
    let parts: http::request::Parts = leptos_axum::extract().await.map_err(internal)?;
    match check_password(&parts, &user.email, &current).await? {
        Checked::User(u) if u.id == user.id => {}
        Checked::User(_) | Checked::Wrong(_) => return Err(refused(UserProblem::WrongPassword)),
        Checked::Waiting(_) | Checked::Busy => return Err(refused(UserProblem::TryLater)),
    }
    let keep = cookie(&parts.headers, SESSION_COOKIE);
    Ok(crate::store::auth::set_password(&db, &(&user).into(), user.id, &new, keep).await?)
}

/// An admin sets another account's password (for someone who lost theirs); every session of that
/// account ends.
#[server]
pub async fn reset_password(id: i64, password: String) -> Result<(), AppError> {
    use super::ssr::{db, require_admin};
    let admin = require_admin().await?;
    Ok(crate::store::auth::set_password(&db()?, &(&admin).into(), id, &password, None).await?)
}
