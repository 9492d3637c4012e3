//! Results for reviewers.

use super::AppError;
use crate::domain::{CycleResults, GroupInfo, MatrixOptions, Previous};
use crate::i18n::Lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the matrix page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixView {
    /// The results for the chosen respondents; everyone's when those are withheld.
    pub results: CycleResults,
    /// The chosen respondents gave fewer than k responses: nothing of theirs is shown.
    pub withheld: bool,
    pub responses: i64,
    /// The matrix drawn on the server, as SVG markup.
    pub svg: String,
    /// The groups to filter by.
    pub groups: Vec<GroupInfo>,
    /// The cycle this one was copied from, for year-over-year changes.
    pub previous: Option<Previous>,
}

/// The matrix of a cycle for the respondents `group` (`all`, `internal`, `external` or a group code),
/// drawn with `options`.
#[server]
pub async fn get_matrix(
    cycle_id: i64,
    lang: Lang,
    group: String,
    options: MatrixOptions,
) -> Result<MatrixView, AppError> {
    use super::ssr::{db, internal, require_reviewer};
    use crate::domain::Respondents;
    require_reviewer().await?;
    let db = db()?;
    let who = Respondents::parse(&group);
    let options = MatrixOptions {
        split: who == Respondents::Split,
        ..options
    };
    let chosen = crate::store::results::results_for(&db, cycle_id, &who)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let withheld = chosen.is_none();
    let results = match chosen {
        Some(r) => r,
        None => crate::store::results::results(&db, cycle_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?,
    };
    let responses = crate::store::cycles::response_count(&db, cycle_id)
        .await
        .map_err(internal)?;
    let previous = crate::store::results::previous(&db, cycle_id)
        .await
        .map_err(internal)?;
    let svg = if withheld {
        String::new()
    } else {
        crate::chart::matrix_svg(&results, lang, options, previous.as_ref())
    };
    let groups = crate::store::cycles::groups(&db).await.map_err(internal)?;
    Ok(MatrixView {
        results,
        withheld,
        responses,
        svg,
        groups,
        previous,
    })
}
