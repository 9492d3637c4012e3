//! Importing the IRO register from a file (`domain::register_file`): a preview that writes nothing,
//! and the import itself, all rows or none, checked again under the write lock against the register
//! as it is then, in one transaction with one audit entry.

use super::audit::{Action, Actor};
use super::register::{double_register, insert_iro, iros_where, rated_iros, update_iro};
use super::write::{Stored, Write};
use super::Db;
use crate::domain::library::{Imported, RowAction};
use crate::domain::register_file::{self, FileRows, RegisterFile, RegisterNow, RegisterPreview};
use crate::domain::{FieldProblem, Problem};

/// The file's rows: CSV text, or a workbook in base64 (its `register` or `iros` sheet, else the
/// first); larger than [`register_file::MAX_FILE_BYTES`] once decoded, refused whole.
fn rows_of(file: &RegisterFile) -> Result<FileRows, FieldProblem> {
    let too_large = || FieldProblem::new("file", Problem::TooLong);
    if !file.xlsx {
        if file.text.len() > register_file::MAX_FILE_BYTES {
            return Err(too_large());
        }
        return Ok(register_file::csv_rows(&file.text));
    }
    use base64::Engine;
    // Base64 is 4 bytes for 3: a longer text decodes to more than the limit.
    if file.text.len() > register_file::MAX_FILE_BYTES / 3 * 4 + 4 {
        return Err(too_large());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file.text.trim())
        .map_err(|_| FieldProblem::new("file", Problem::Unreadable))?;
    crate::chart::workbook::sheet_rows(&bytes, &["register", "iros"], register_file::MAX_ROWS)
}

/// The register as an import is checked against, read on `conn`.
async fn register_now(conn: &mut sqlx::SqliteConnection, cycle: i64) -> Stored<RegisterNow> {
    let matters = super::register::matters_on(&mut *conn, cycle)
        .await?
        .into_iter()
        .map(|m| m.code)
        .collect();
    let iros = iros_where(&mut *conn, "i.cycle_id = ? AND i.retired_at IS NULL", cycle)
        .await?
        .into_iter()
        .map(|r| (r.id, r.record))
        .collect();
    let rated = rated_iros(&mut *conn, cycle).await?;
    Ok(RegisterNow {
        matters,
        iros,
        rated,
    })
}

/// What importing `file` into the cycle's register would do, row by row; writes nothing. The
/// workbook is read off the async runtime.
pub async fn preview_import(db: &Db, cycle: i64, file: RegisterFile) -> Stored<RegisterPreview> {
    let rows = read_off_runtime(file).await;
    let mut tx = db.begin().await?;
    let now = register_now(&mut tx, cycle).await?;
    tx.commit().await?;
    Ok(register_file::preview(rows, &now))
}

async fn read_off_runtime(file: RegisterFile) -> Result<FileRows, FieldProblem> {
    tokio::task::spawn_blocking(move || rows_of(&file))
        .await
        .unwrap_or_else(|_| Err(FieldProblem::new("file", Problem::Unreadable)))
}

/// Imports every row of `file` into an unconfirmed double-materiality cycle's register, or none:
/// `Ok(Err(preview))` with the problems when any row has one. Rows that add IROs are written in file
/// order; unchanged rows are left alone. One audit entry holds every row written.
pub async fn import(
    db: &Db,
    actor: &Actor,
    cycle: i64,
    file: RegisterFile,
) -> Stored<Result<Imported, RegisterPreview>> {
    let rows = read_off_runtime(file).await;
    let mut w = Write::begin(db, actor).await?;
    double_register(&mut w, cycle, "file").await?;
    let now = register_now(&mut w, cycle).await?;
    let preview = register_file::preview(rows, &now);
    if !preview.ok() {
        return Ok(Err(preview));
    }
    let mut written = Vec::new();
    for row in &preview.rows {
        // A row without problems has its record; one that changes an IRO names it.
        match (row.action, row.iro, &row.record) {
            (RowAction::Add, _, Some(r)) => {
                let id = insert_iro(&mut w, cycle, r).await?;
                written.push(serde_json::json!({ "iro": id, "added": r }));
            }
            (RowAction::Update, Some(id), Some(r)) => {
                update_iro(&mut w, cycle, id, r).await?;
                written.push(
                    serde_json::json!({ "iro": id, "before": now.iros.get(&id), "after": r }),
                );
            }
            _ => {}
        }
    }
    let counts = preview.counts();
    let action = Action::new("register.import", format!("cycle {cycle}")).after(
        serde_json::json!({ "added": counts.added, "updated": counts.updated, "rows": written }),
    );
    w.commit(action).await?;
    Ok(Ok(counts))
}
