//! Store tests of confirming a double-materiality cycle: the scoring constants as a setting of the
//! cycle, the gate (every assignment submitted or waived, every grey-zone and not-assessable score
//! decided), and the stamp of the constants and the scores.
#![cfg(feature = "ssr")]

use app::domain::double_materiality::{Aggregation, Scoring, Standing};
use app::domain::matters::MatterPresetName;
use app::domain::{CycleStatus, FieldProblem, Problem};
use app::store::assessments::{assessment, assign, decide, save_rating, waive};
use app::store::write::StoreError;
use app::store::{self, register, Db};

mod common;
use common::*;

fn refused<T>(field: &str, problem: Problem) -> Result<T, StoreError> {
    Err(StoreError::Refused(vec![FieldProblem::new(field, problem)]))
}

async fn set_status(db: &Db, id: i64, status: CycleStatus) {
    sqlx::query("UPDATE cycles SET status = ? WHERE id = ?")
        .bind(status.as_str())
        .bind(id)
        .execute(db)
        .await
        .unwrap();
}

/// The standing of the cycle's only IRO.
async fn standing(db: &Db, id: i64) -> Standing {
    assessment(db, id).await.unwrap().unwrap().iros[0]
        .score
        .standing
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_scoring_constants_are_a_setting_of_the_cycle(db: Db) {
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let iro = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    assign(&db, &cli(), id, iro, a).await.unwrap();
    // (4, 3, 2): mean 3, max 4 → S = 3.5 by the default aggregation, material at 3.0.
    save_rating(
        &db,
        &as_a,
        id,
        iro,
        &negative(4, 3, 2),
        "Audit findings",
        "",
        true,
    )
    .await
    .unwrap();
    assert_eq!(standing(&db, id).await, Standing::Material);
    let set = |aggregation, impact_threshold| Scoring {
        aggregation,
        impact_threshold,
        ..Scoring::default()
    };
    // 3.5 just below 4.0: the grey zone; below 4.5 by more than the band: not material.
    register::set_scoring(&db, &cli(), id, &set(Aggregation::MeanMax, 4.0))
        .await
        .unwrap();
    assert_eq!(standing(&db, id).await, Standing::GreyZone);
    register::set_scoring(&db, &cli(), id, &set(Aggregation::MeanMax, 4.5))
        .await
        .unwrap();
    assert_eq!(standing(&db, id).await, Standing::NotMaterial);
    // The highest criterion alone: S = 4.
    register::set_scoring(&db, &cli(), id, &set(Aggregation::Max, 4.0))
        .await
        .unwrap();
    assert_eq!(standing(&db, id).await, Standing::Material);
    let view = assessment(&db, id).await.unwrap().unwrap();
    assert_eq!(view.scoring, set(Aggregation::Max, 4.0));
    let (_, score) = &store::assessments::scores(&db, id).await.unwrap()[0];
    assert_eq!(score.computed.map(|(s, _)| s), Some(4.0));
    let register = register::register(&db, id).await.unwrap().unwrap();
    assert_eq!(register.scoring, set(Aggregation::Max, 4.0));
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'register.scoring'"
        )
        .await,
        3
    );
    // A survey cycle has no scoring to set; an unknown one is not found.
    let survey = store::cycles::copy_cycle(&db, &cli(), id).await.unwrap();
    sqlx::query("UPDATE cycles SET method = 'survey' WHERE id = ?")
        .bind(survey)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(
        register::set_scoring(&db, &cli(), survey, &Scoring::default()).await,
        refused("scoring", Problem::NotAllowed)
    );
    assert_eq!(
        register::set_scoring(&db, &cli(), id + 99, &Scoring::default()).await,
        Err(StoreError::NotFound)
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_double_materiality_cycle_confirms_only_when_nothing_is_missing(db: Db) {
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let (_, admin) = account(&db, "admin@example.com", app::domain::Role::Admin).await;
    let confirm = || store::review::confirm(&db, &admin, id);
    let cli = cli();
    // Nothing to confirm without an IRO.
    assert_eq!(confirm().await, refused("cycle", Problem::Incomplete));
    let impact = register::add_iro(&db, &cli, id, &actual_impact())
        .await
        .unwrap();
    let risk = register::add_iro(&db, &cli, id, &water_risk())
        .await
        .unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    let (b, _) = assessor(&db, "b@example.com").await;
    assign(&db, &cli, id, impact, a).await.unwrap();
    assign(&db, &cli, id, impact, b).await.unwrap();
    // The risk has no assessor: not assessable, it needs a decision.
    let gaps = assessment(&db, id).await.unwrap().unwrap().gaps();
    assert!(!gaps.no_iros);
    assert_eq!(gaps.unsubmitted, vec![(impact, 2)]);
    assert_eq!(gaps.undecided, vec![impact, risk]);
    assert_eq!(confirm().await, refused("cycle", Problem::Incomplete));

    save_rating(
        &db,
        &as_a,
        id,
        impact,
        &negative(4, 3, 2),
        "Audit",
        "",
        true,
    )
    .await
    .unwrap();
    let gaps = assessment(&db, id).await.unwrap().unwrap().gaps();
    assert_eq!(
        (gaps.unsubmitted, gaps.undecided),
        (vec![(impact, 1)], vec![risk])
    );
    assert_eq!(confirm().await, refused("cycle", Problem::Incomplete));
    waive(&db, &cli, id, impact, b, "Left the company")
        .await
        .unwrap();
    assert_eq!(confirm().await, refused("cycle", Problem::Incomplete));
    decide(&db, &cli, id, risk, Some(false), "No site in a dry basin")
        .await
        .unwrap();
    assert!(assessment(&db, id)
        .await
        .unwrap()
        .unwrap()
        .gaps()
        .is_empty());

    // A stakeholder survey running as evidence is closed first.
    set_status(&db, id, CycleStatus::Open).await;
    assert_eq!(confirm().await, refused("cycle", Problem::NotInReview));
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM confirmations").await,
        0,
        "every refusal wrote nothing"
    );
    set_status(&db, id, CycleStatus::Closed).await;
    let scoring = Scoring {
        financial_threshold: 2.5,
        ..Scoring::default()
    };
    register::set_scoring(&db, &cli, id, &scoring)
        .await
        .unwrap();
    let stamp = confirm().await.unwrap();
    assert_eq!(stamp.methodology.scoring, Some(scoring));
    assert!(stamp.assessment_hash.is_some());

    let view = assessment(&db, id).await.unwrap().unwrap();
    assert_eq!(view.status, CycleStatus::Confirmed);
    let shown = view.stamp.expect("the page shows the stamp");
    assert!(shown.intact);
    assert_eq!(shown.methodology.scoring, Some(scoring));
    assert_eq!(shown.assessment_hash, stamp.assessment_hash);
    // The survey's figures of the same cycle (nobody answered) still match their part of it.
    let survey = store::results::results(&db, id).await.unwrap().unwrap();
    assert!(survey.confirmation.unwrap().intact);
    // Confirmed: the constants are frozen, and it is not confirmed twice.
    assert_eq!(
        register::set_scoring(&db, &cli, id, &Scoring::default()).await,
        refused("scoring", Problem::Frozen)
    );
    assert_eq!(confirm().await, refused("cycle", Problem::NotInReview));

    // A rating changed behind the product's back no longer matches the stamp.
    sqlx::query("UPDATE iro_ratings SET scale = 1 WHERE iro_id = ?")
        .bind(impact)
        .execute(&db)
        .await
        .unwrap();
    let view = assessment(&db, id).await.unwrap().unwrap();
    assert!(!view.stamp.unwrap().intact);
}

/// A draft double-materiality cycle (its assessors rate in any state before confirmation) confirms
/// without ever opening a survey.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_draft_confirms_without_a_survey(db: Db) {
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let iro = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    assign(&db, &cli(), id, iro, a).await.unwrap();
    save_rating(
        &db,
        &as_a,
        id,
        iro,
        &negative(5, 5, 5),
        "Incident log",
        "",
        true,
    )
    .await
    .unwrap();
    let (_, admin) = account(&db, "admin@example.com", app::domain::Role::Admin).await;
    let kept = "SELECT COUNT(*) FROM cycles WHERE scoring IS NOT NULL";
    assert_eq!(count(&db, kept).await, 0, "the defaults, never set");
    let stamp = store::review::confirm(&db, &admin, id).await.unwrap();
    assert_eq!(stamp.methodology.scoring, Some(Scoring::default()));
    // The constants it was confirmed with are kept on the cycle: new defaults never move it.
    assert_eq!(count(&db, kept).await, 1);
    assert!(
        assessment(&db, id)
            .await
            .unwrap()
            .unwrap()
            .stamp
            .unwrap()
            .intact
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'cycle.confirm'"
        )
        .await,
        1
    );

    // Next year's copy may carry the confirmed result forward: it then shows that result.
    let next = store::cycles::copy_cycle(&db, &cli(), id).await.unwrap();
    store::review::carry_forward(&db, &admin, next, id, "No change")
        .await
        .unwrap();
    let carried = assessment(&db, next).await.unwrap().unwrap();
    assert_eq!(carried.carried.map(|c| c.from), Some(id));
    assert_eq!(carried.id, next);
    assert!(carried.stamp.is_none());
}

/// A stamp without the scores' hash (a survey cycle's) is not shown as the assessment's, so it is
/// never reported as broken.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_stamp_without_the_scores_hash_is_not_the_assessments(db: Db) {
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let iro = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    decide(&db, &cli(), id, iro, Some(true), "Known incident")
        .await
        .unwrap();
    let (_, admin) = account(&db, "admin@example.com", app::domain::Role::Admin).await;
    store::review::confirm(&db, &admin, id).await.unwrap();
    assert!(assessment(&db, id).await.unwrap().unwrap().stamp.is_some());
    sqlx::query("UPDATE confirmations SET assessment_hash = NULL")
        .execute(&db)
        .await
        .unwrap();
    assert!(store::results::stamp(&db, id).await.unwrap().is_some());
    assert_eq!(assessment(&db, id).await.unwrap().unwrap().stamp, None);
}
