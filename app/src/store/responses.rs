//! Storing a response: the invitation, the scores and the histograms move together or not at all.

use super::cycles::{cycle, cycle_topics, invitation, Cycle, Invitation};
use super::{now, Db};
use crate::domain::{
    validate, Axis, CycleStatus, CycleTopic, ErrorCode, FieldError, RawAnswer, SubmitOutcome,
    SurveyState, SurveyView, Token,
};
use crate::i18n::Lang;

/// The value under which the histogram counts "don't know" answers (see the migration).
pub const DONT_KNOW_VALUE: i32 = -1;

/// Where a survey link stands: the checks shared by showing the survey and storing its answers.
enum Link {
    Unknown,
    Used,
    Closed,
    Open(Box<(Invitation, Cycle, Vec<CycleTopic>)>),
}

async fn link(db: &Db, token: &str) -> Result<Link, sqlx::Error> {
    let Some(token) = Token::parse(token) else {
        return Ok(Link::Unknown);
    };
    let Some(inv) = invitation(db, &token).await? else {
        return Ok(Link::Unknown);
    };
    if inv.used {
        return Ok(Link::Used);
    }
    let Some(c) = cycle(db, inv.cycle_id).await? else {
        return Ok(Link::Unknown);
    };
    if c.summary.status != CycleStatus::Open {
        return Ok(Link::Closed);
    }
    let topics = cycle_topics(db, inv.cycle_id).await?;
    Ok(Link::Open(Box::new((inv, c, topics))))
}

/// What a survey link leads to.
pub async fn survey(db: &Db, token: &str) -> Result<SurveyState, sqlx::Error> {
    Ok(match link(db, token).await? {
        Link::Unknown => SurveyState::Unknown,
        Link::Used => SurveyState::Used,
        Link::Closed => SurveyState::Closed,
        Link::Open(open) => {
            let (inv, c, topics) = *open;
            SurveyState::Open(SurveyView {
                cycle_name: c.summary.name,
                year: c.summary.year,
                scale: c.summary.scale,
                labels: c.labels,
                group: inv.group,
                topics,
            })
        }
    })
}

fn not_open() -> SubmitOutcome {
    SubmitOutcome::Invalid(vec![FieldError::new(
        None,
        "cycle",
        ErrorCode::CycleNotOpen,
    )])
}

/// Validates and stores one respondent's answers. `answers` turns what arrived into answers for the
/// cycle's topic codes (the JSON API ignores them, the form reads one field set per topic). Everything is
/// checked before the transaction; inside it, the invitation is claimed with a conditional update, so
/// of any number of concurrent submissions of one token exactly one stores anything. Scores and
/// histogram counts are written in the same transaction, so the histograms always equal a count of the
/// stored scores.
pub async fn submit(
    db: &Db,
    token: &str,
    answers: impl FnOnce(&[String]) -> Vec<RawAnswer>,
    lang: Lang,
) -> Result<SubmitOutcome, sqlx::Error> {
    let (inv, c, topics) = match link(db, token).await? {
        Link::Unknown => return Ok(SubmitOutcome::Unknown),
        Link::Used => return Ok(SubmitOutcome::Used),
        Link::Closed => return Ok(not_open()),
        Link::Open(open) => *open,
    };
    let codes: Vec<String> = topics.into_iter().map(|t| t.code).collect();
    let valid = match validate(&answers(&codes), &codes, c.summary.scale) {
        Ok(v) => v,
        Err(errors) => return Ok(SubmitOutcome::Invalid(errors)),
    };

    let mut tx = db.begin().await?;
    let claimed = sqlx::query(
        "UPDATE invitations SET used_at = ?
         WHERE id = ? AND used_at IS NULL
           AND EXISTS (SELECT 1 FROM cycles WHERE cycles.id = invitations.cycle_id AND cycles.status = 'open')",
    )
    .bind(now())
    .bind(inv.id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        tx.rollback().await?;
        // Someone else claimed it in the meantime, or the cycle closed: tell which.
        let used = matches!(link(db, token).await?, Link::Used | Link::Unknown);
        return Ok(if used {
            SubmitOutcome::Used
        } else {
            not_open()
        });
    }
    let receipt = hex::encode(rand::random::<[u8; 8]>());
    let response_id: i64 = sqlx::query_scalar(
        "INSERT INTO responses (cycle_id, group_id, invitation_id, receipt, lang, submitted_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(inv.cycle_id)
    .bind(inv.group_id)
    .bind(inv.id)
    .bind(&receipt)
    .bind(lang.tag())
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    for a in &valid {
        sqlx::query("INSERT INTO scores (response_id, topic_code, business, stakeholder, comment) VALUES (?, ?, ?, ?, ?)")
            .bind(response_id)
            .bind(&a.topic)
            .bind(a.business.map(|s| s.get()))
            .bind(a.stakeholder.map(|s| s.get()))
            .bind(&a.comment)
            .execute(&mut *tx)
            .await?;
        for axis in Axis::BOTH {
            sqlx::query(
                "INSERT INTO histograms (cycle_id, topic_code, axis, group_id, value, n) VALUES (?, ?, ?, ?, ?, 1)
                 ON CONFLICT (cycle_id, topic_code, axis, group_id, value) DO UPDATE SET n = histograms.n + 1",
            )
            .bind(inv.cycle_id)
            .bind(&a.topic)
            .bind(axis.as_str())
            .bind(inv.group_id)
            .bind(a.score(axis).map_or(DONT_KNOW_VALUE, |s| s.get()))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(SubmitOutcome::Stored { receipt })
}
