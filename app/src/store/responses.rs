//! Storing a response: the invitation, the scores and the histograms move together or not at all.

use super::cycles::{cycle, cycle_topics, invitation, Cycle, Invitation};
use super::{hash_secret, new_secret, now, Db};
use crate::domain::{
    form_field, validate, Axis, CycleTopic, DraftOutcome, ErrorCode, FieldError, RawAnswer,
    SubmitOutcome, SurveyState, SurveyView, Token, MAX_COMMENT_CHARS,
};
use crate::i18n::Lang;
use sqlx::Row;

/// The value under which the histogram counts "don't know" answers (see the migration).
pub const DONT_KNOW_VALUE: i32 = -1;

/// Where a survey link stands: the checks shared by showing the survey and storing its answers.
enum Link {
    Unknown,
    Used,
    Revoked,
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
    if inv.revoked {
        return Ok(Link::Revoked);
    }
    let Some(c) = cycle(db, inv.cycle_id).await? else {
        return Ok(Link::Unknown);
    };
    if !c.accepting() {
        return Ok(Link::Closed);
    }
    let topics = cycle_topics(db, inv.cycle_id).await?;
    Ok(Link::Open(Box::new((inv, c, topics))))
}

/// What a survey link leads to. `answered` tells whether this browser already answered an open link
/// (see [`answered_cookie`]). Opening an invitation is recorded for the progress page.
pub async fn survey(
    db: &Db,
    token: &str,
    answered: impl FnOnce(i64) -> bool,
) -> Result<SurveyState, sqlx::Error> {
    Ok(match link(db, token).await? {
        Link::Unknown => SurveyState::Unknown,
        Link::Used => SurveyState::Used,
        Link::Revoked => SurveyState::Revoked,
        Link::Closed => SurveyState::Closed,
        Link::Open(open) => {
            let (inv, c, topics) = *open;
            if inv.open_link && answered(inv.id) {
                return Ok(SurveyState::AnsweredHere);
            }
            // Only the first opening writes: a reload must not queue behind submissions for the
            // write lock.
            if !inv.opened {
                sqlx::query(
                    "UPDATE invitations SET opened_at = ? WHERE id = ? AND opened_at IS NULL",
                )
                .bind(now())
                .bind(inv.id)
                .execute(db)
                .await?;
            }
            let draft = sqlx::query("SELECT fields, saved_at FROM drafts WHERE invitation_id = ?")
                .bind(inv.id)
                .fetch_optional(db)
                .await?;
            let (draft, draft_saved_at) = match draft {
                Some(r) => (
                    serde_json::from_str(r.get::<&str, _>("fields")).unwrap_or_default(),
                    Some(r.get("saved_at")),
                ),
                None => (Vec::new(), None),
            };
            SurveyState::Open(SurveyView {
                cycle_name: c.summary.name,
                year: c.summary.year,
                scale: c.summary.scale,
                labels: c.labels,
                group: inv.group,
                topics,
                open_link: inv.open_link,
                draft,
                draft_saved_at,
            })
        }
    })
}

/// The id of the open link behind `token`, if it is one: the browser guard's key.
pub async fn open_link_id(db: &Db, token: &str) -> Result<Option<i64>, sqlx::Error> {
    let Some(token) = Token::parse(token) else {
        return Ok(None);
    };
    Ok(invitation(db, &token)
        .await?
        .filter(|i| i.open_link)
        .map(|i| i.id))
}

/// Keeps a respondent's unsent answers for later (replacing an earlier draft). Only the fields of the
/// cycle's topics are kept. Refused for open links and for links that cannot be answered.
pub async fn save_draft(
    db: &Db,
    token: &str,
    fields: &[(String, String)],
) -> Result<DraftOutcome, sqlx::Error> {
    let (inv, _, topics) = match link(db, token).await? {
        Link::Open(open) => *open,
        _ => return Ok(DraftOutcome::Refused),
    };
    if inv.open_link {
        return Ok(DraftOutcome::Refused);
    }
    let names: Vec<String> = topics
        .iter()
        .flat_map(|t| ['b', 's', 'c'].map(|p| form_field(p, &t.code)))
        .collect();
    let kept: Vec<&(String, String)> = fields
        .iter()
        .filter(|(k, v)| names.contains(k) && v.chars().count() <= MAX_COMMENT_CHARS)
        .collect();
    let at = now();
    sqlx::query(
        "INSERT INTO drafts (invitation_id, fields, saved_at) VALUES (?, ?, ?)
         ON CONFLICT (invitation_id) DO UPDATE SET fields = excluded.fields, saved_at = excluded.saved_at",
    )
    .bind(inv.id)
    .bind(serde_json::to_string(&kept).expect("fields serialise"))
    .bind(at)
    .execute(db)
    .await?;
    Ok(DraftOutcome::Saved(at))
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
        Link::Unknown | Link::Revoked => return Ok(SubmitOutcome::Unknown),
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
    // A single-use invitation is claimed by a conditional update; an open link gets a new, used
    // invitation of its own for this answer. Either way only while the cycle is open and the link
    // not revoked.
    let claimed: Option<i64> = if inv.open_link {
        sqlx::query_scalar(
            "INSERT INTO invitations (cycle_id, group_id, token_hash, created_at, used_at, parent_id)
             SELECT cycle_id, group_id, ?, ?, ?, id FROM invitations
             WHERE id = ? AND revoked_at IS NULL
               AND EXISTS (SELECT 1 FROM cycles WHERE cycles.id = invitations.cycle_id AND cycles.status = 'open')
             RETURNING id",
        )
        .bind(hash_secret(&new_secret()))
        .bind(now())
        .bind(now())
        .bind(inv.id)
        .fetch_optional(&mut *tx)
        .await?
    } else {
        sqlx::query_scalar(
            "UPDATE invitations SET used_at = ?
             WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL
               AND EXISTS (SELECT 1 FROM cycles WHERE cycles.id = invitations.cycle_id AND cycles.status = 'open')
             RETURNING id",
        )
        .bind(now())
        .bind(inv.id)
        .fetch_optional(&mut *tx)
        .await?
    };
    let Some(invitation_id) = claimed else {
        tx.rollback().await?;
        // Someone else claimed it in the meantime, or the cycle closed: tell which.
        return Ok(match link(db, token).await? {
            Link::Used => SubmitOutcome::Used,
            Link::Unknown | Link::Revoked => SubmitOutcome::Unknown,
            _ => not_open(),
        });
    };
    sqlx::query("DELETE FROM drafts WHERE invitation_id = ?")
        .bind(inv.id)
        .execute(&mut *tx)
        .await?;
    let receipt = hex::encode(rand::random::<[u8; 8]>());
    let response_id: i64 = sqlx::query_scalar(
        "INSERT INTO responses (cycle_id, group_id, invitation_id, receipt, lang, submitted_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(inv.cycle_id)
    .bind(inv.group_id)
    .bind(invitation_id)
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
    Ok(SubmitOutcome::Stored {
        receipt,
        open_link: inv.open_link,
    })
}
