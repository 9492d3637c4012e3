//! The one seam for the writes of an admin's, reviewer's or the command line's actions: the write
//! lock first (`BEGIN IMMEDIATE`), then the reads the rules need, the change, and the audit entry that
//! records it, committed together or not at all. Respondents' answers do not pass here: the
//! submissions writer batches them, and they are not audit entries.

use super::audit::{append, begin_write, Action, Actor};
use super::Db;
use crate::domain::{FieldProblem, Problem};
use sqlx::{Sqlite, SqliteConnection, Transaction};
use std::ops::{Deref, DerefMut};

/// Why a store call did not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// There is no such thing (cycle, topic, group, link).
    #[error("not found")]
    NotFound,
    /// The input or the state refuses it: the problems, by field. Nothing was written.
    #[error("refused: {0:?}")]
    Refused(Vec<FieldProblem>),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// What a store call gives back.
pub type Stored<T> = Result<T, StoreError>;

/// The refusal of one field.
pub fn refuse<T>(field: &str, problem: Problem) -> Stored<T> {
    Err(StoreError::Refused(vec![FieldProblem::new(field, problem)]))
}

/// Refusals compare by their problems (tests compare outcomes); database errors never compare equal.
impl PartialEq for StoreError {
    fn eq(&self, other: &StoreError) -> bool {
        match (self, other) {
            (StoreError::NotFound, StoreError::NotFound) => true,
            (StoreError::Refused(a), StoreError::Refused(b)) => a == b,
            _ => false,
        }
    }
}

/// One action being written: a transaction holding the write lock, and who acts. Dropped without
/// [`Write::commit`] (a refusal, an error) it rolls back, so nothing of it is left.
pub struct Write {
    tx: Transaction<'static, Sqlite>,
    actor: Actor,
}

impl Write {
    pub async fn begin(db: &Db, actor: &Actor) -> Result<Write, sqlx::Error> {
        Ok(Write {
            tx: begin_write(db).await?,
            actor: actor.clone(),
        })
    }

    /// Appends the action's audit entry and commits it with the change.
    pub async fn commit(mut self, action: Action) -> Result<(), sqlx::Error> {
        tracing::info!(
            user = self.actor.user_id,
            action = action.action,
            subject = action.subject,
            "audit"
        );
        append(&mut self.tx, &self.actor, &action).await?;
        self.tx.commit().await
    }
}

impl Deref for Write {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for Write {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}
