//! Personal API tokens of the signed-in user, for scripts (`Authorization: Bearer`).

use super::AppError;
use crate::domain::ApiTokenInfo;
use leptos::prelude::*;

/// The caller's tokens, newest first.
#[server]
pub async fn my_tokens() -> Result<Vec<ApiTokenInfo>, AppError> {
    use super::ssr::{db, internal, require_reviewer};
    let user = require_reviewer().await?;
    crate::store::auth::api_tokens(&db()?, user.id)
        .await
        .map_err(internal)
}

/// Makes a new token and returns it: the only time anyone sees it.
#[server]
pub async fn create_my_token() -> Result<String, AppError> {
    use super::ssr::{audit, db, internal, require_reviewer};
    use crate::store::audit::Action;
    let user = require_reviewer().await?;
    let token = crate::store::auth::create_api_token_for(&db()?, user.id)
        .await
        .map_err(internal)?;
    audit(
        &user,
        Action::new("api_token.create", format!("user {}", user.email)),
    )
    .await?;
    Ok(token)
}

/// Revokes one of the caller's own tokens; `NotFound` for anyone else's or an already revoked one.
#[server]
pub async fn revoke_my_token(id: i64) -> Result<(), AppError> {
    use super::ssr::{audit, db, internal, require_reviewer};
    use crate::store::audit::Action;
    let user = require_reviewer().await?;
    if crate::store::auth::revoke_api_token(&db()?, user.id, id)
        .await
        .map_err(internal)?
    {
        let action = Action::new(
            "api_token.revoke",
            format!("user {} token {id}", user.email),
        );
        audit(&user, action).await
    } else {
        Err(AppError::NotFound)
    }
}
