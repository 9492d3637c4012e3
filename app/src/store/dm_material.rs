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
    let from: Option<i64> = sqlx::query_scalar("SELECT copied_from FROM cycles WHERE id = ?")
        .bind(cycle)
        .fetch_one(&mut *tx)
        .await?;
    let previous = match from {
        Some(from) => match super::assessments::assessment_on(&mut tx, from).await? {
            Some(before) if before.method == Method::Double => {
                let year: i32 = sqlx::query_scalar("SELECT year FROM cycles WHERE id = ?")
                    .bind(from)
                    .fetch_one(&mut *tx)
                    .await?;
                let cycle = PreviousCycle {
                    id: from,
                    name: before.name.clone(),
                    year,
                };
                Some((cycle, before))
            }
            _ => None,
        },
        None => None,
    };
    tx.commit().await?;
    Ok(Some(material_matters(
        &view,
        previous.as_ref().map(|(c, v)| (c.clone(), v)),
    )))
}
