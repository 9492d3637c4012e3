//! Personal API tokens of the signed-in user, for scripts (`Authorization: Bearer`).

use super::AppError;
use crate::domain::ApiTokenInfo;
use leptos::prelude::*;

/// The caller's tokens, newest first.
#[server]
pub async fn my_tokens() -> Result<Vec<ApiTokenInfo>, AppError> {
    use super::ssr::{db, require_reviewer};
    let user = require_reviewer().await?;
    Ok(crate::store::auth::api_tokens(&db()?, user.id).await?)
}

/// Makes a new token and returns it: the only time anyone sees it.
#[server]
pub async fn create_my_token() -> Result<String, AppError> {
    use super::ssr::{db, require_reviewer};
    let user = require_reviewer().await?;
    Ok(crate::store::auth::create_api_token_for(&db()?, &user).await?)
}

/// Revokes one of the caller's own tokens; `NotFound` for anyone else's or an already revoked one.
#[server]
pub async fn revoke_my_token(id: i64) -> Result<(), AppError> {
    use super::ssr::{db, require_reviewer};
    let user = require_reviewer().await?;
    Ok(crate::store::auth::revoke_api_token(&db()?, &user, id).await?)
}
