//! Results for reviewers.

use super::AppError;
use crate::domain::CycleResults;
use crate::i18n::Lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the matrix page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixView {
    pub results: CycleResults,
    pub responses: i64,
    /// The matrix drawn on the server, as SVG markup.
    pub svg: String,
}

#[server]
pub async fn get_matrix(cycle_id: i64, lang: Lang) -> Result<MatrixView, AppError> {
    use super::ssr::{db, internal, require_reviewer};
    require_reviewer().await?;
    let db = db()?;
    let results = crate::store::results::results(&db, cycle_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let responses = crate::store::results::response_count(&db, cycle_id)
        .await
        .map_err(internal)?;
    let svg = crate::chart::matrix_svg(&results, lang);
    Ok(MatrixView {
        results,
        responses,
        svg,
    })
}
