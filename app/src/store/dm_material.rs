//! A double-materiality cycle's material-matter list with year over year
//! ([`crate::domain::dm_material`]), read in one transaction with the cycle it was copied from.

use super::Db;
use crate::domain::dm_material::{material_matters, MaterialMatters, PreviousCycle};
use crate::domain::double_materiality::Method;

/// The material matters of cycle `cycle`, compared with the double-materiality cycle it was copied
/// from when there is one; `None` for an unknown cycle or one of the survey method.
pub async fn list(db: &Db, cycle: i64) -> Result<Option<MaterialMatters>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let Some(view) = super::assessments::assessment_on(&mut tx, cycle).await? else {
        return Ok(None);
    };
    if view.method != Method::Double {
        return Ok(None);
    }
    let from: Option<(i64, i32)> = sqlx::query_as(
        "SELECT s.id, s.year FROM cycles c JOIN cycles s ON s.id = c.copied_from WHERE c.id = ?",
    )
    .bind(cycle)
    .fetch_optional(&mut *tx)
    .await?;
    let mut previous = None;
    if let Some((id, year)) = from {
        if let Some(before) = super::assessments::assessment_on(&mut tx, id).await? {
            if before.method == Method::Double {
                let name = before.name.clone();
                previous = Some((PreviousCycle { id, name, year }, before));
            }
        }
    }
    tx.commit().await?;
    Ok(Some(material_matters(
        &view,
        previous.as_ref().map(|(c, v)| (c.clone(), v)),
    )))
}
