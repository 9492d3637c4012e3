//! Store tests of stakeholder input to a double-materiality cycle: which survey topic informs which
//! matter, the topics' figures beside the matters under the anonymity rule, and the flag on a matter
//! stakeholders rate high while its scores leave it not material.
#![cfg(feature = "ssr")]

use app::domain::double_materiality::MatterMateriality;
use app::domain::matters::MatterPresetName;
use app::domain::{CycleStatus, FieldProblem, Problem, RawAnswer, RawScore, SubmitOutcome};
use app::i18n::Lang;
use app::store::assessments::{assessment, assign, save_rating};
use app::store::stakeholder_input::set_topic_matter;
use app::store::write::StoreError;
use app::store::{self, register, Db};

mod common;
use common::*;

fn refused<T>(field: &str, problem: Problem) -> Result<T, StoreError> {
    Err(StoreError::Refused(vec![FieldProblem::new(field, problem)]))
}

/// The demo cycle (open, k = 5, survey threshold 3.5) as a double-materiality cycle with the ESRS
/// matters, and its survey topics' codes.
async fn cycle_with_survey(db: &Db) -> (i64, Vec<String>) {
    let id = store::demo::seed(db, &cli()).await.unwrap();
    sqlx::query("UPDATE cycles SET method = 'double' WHERE id = ?")
        .bind(id)
        .execute(db)
        .await
        .unwrap();
    register::load_preset(db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let codes = store::cycles::cycle_topics(db, id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.code)
        .collect();
    (id, codes)
}

/// `n` employees answer every topic with importance to stakeholders `stakeholder`.
async fn answer(db: &Db, id: i64, n: u32, stakeholder: i64) {
    let subs = store::responses::Submissions::start(db.clone());
    for token in store::links::invite(db, &cli(), id, "EMP", n)
        .await
        .unwrap()
    {
        let answers = move |codes: &[String]| {
            codes
                .iter()
                .map(|c| RawAnswer {
                    topic: c.clone(),
                    business: RawScore::Value(2),
                    stakeholder: RawScore::Value(stakeholder),
                    comment: None,
                })
                .collect()
        };
        let out = store::responses::submit(&subs, &token, answers, Lang::En)
            .await
            .unwrap();
        assert!(matches!(out, SubmitOutcome::Stored { .. }), "{out:?}");
    }
}

/// The matter `code` of the cycle's results.
async fn matter(db: &Db, id: i64, code: &str) -> app::domain::iro::MatterResult {
    assessment(db, id)
        .await
        .unwrap()
        .unwrap()
        .matters
        .into_iter()
        .find(|m| m.matter.code == code)
        .unwrap()
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_topic_informs_one_matter_and_a_refusal_writes_nothing(db: Db) {
    let (id, topics) = cycle_with_survey(&db).await;
    let topic = topics[0].as_str();
    set_topic_matter(&db, &cli(), id, topic, Some("E1"))
        .await
        .unwrap();
    let links = register::register(&db, id).await.unwrap().unwrap().topics;
    assert_eq!(links.len(), topics.len());
    assert_eq!(links[0].matter.as_deref(), Some("E1"));
    assert!(links[1..].iter().all(|l| l.matter.is_none()));
    // A second choice replaces the first: a topic informs one matter.
    set_topic_matter(&db, &cli(), id, topic, Some("S1.1.8"))
        .await
        .unwrap();
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM topic_matters").await,
        1,
        "one row per topic"
    );
    let audited = || {
        count(
            &db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'register.topic_matter'",
        )
    };
    assert_eq!(audited().await, 2);
    // A topic the cycle does not ask, a matter not in its tree: refused, nothing written.
    assert_eq!(
        set_topic_matter(&db, &cli(), id, "NOPE", Some("E1")).await,
        refused("topic", Problem::Unknown)
    );
    assert_eq!(
        set_topic_matter(&db, &cli(), id, topic, Some("E9.9")).await,
        refused("matter", Problem::Unknown)
    );
    let links = register::register(&db, id).await.unwrap().unwrap().topics;
    assert_eq!(links[0].matter.as_deref(), Some("S1.1.8"));
    assert_eq!(audited().await, 2);
    // No matter: the link goes.
    set_topic_matter(&db, &cli(), id, topic, None)
        .await
        .unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM topic_matters").await, 0);
    // A survey cycle has no matters to inform.
    let survey = store::cycles::copy_cycle(&db, &cli(), id).await.unwrap();
    sqlx::query("UPDATE cycles SET method = 'survey' WHERE id = ?")
        .bind(survey)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(
        set_topic_matter(&db, &cli(), survey, topic, Some("E1")).await,
        refused("matter", Problem::NotAllowed)
    );
    // A confirmed cycle is frozen.
    set_topic_matter(&db, &cli(), id, topic, Some("E1"))
        .await
        .unwrap();
    sqlx::query("UPDATE cycles SET status = ? WHERE id = ?")
        .bind(CycleStatus::Confirmed.as_str())
        .bind(id)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(
        set_topic_matter(&db, &cli(), id, topic, None).await,
        refused("matter", Problem::Frozen)
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM topic_matters").await, 1);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn stakeholder_figures_stand_beside_the_matter_under_the_anonymity_rule(db: Db) {
    let (id, topics) = cycle_with_survey(&db).await;
    let (high, low) = (topics[0].as_str(), topics[1].as_str());
    set_topic_matter(&db, &cli(), id, high, Some("E1"))
        .await
        .unwrap();
    set_topic_matter(&db, &cli(), id, low, Some("E1"))
        .await
        .unwrap();
    // Fewer than k = 5 responses: everyone's figures are withheld, and nothing is flagged on them.
    answer(&db, id, 4, 4).await;
    let e1 = matter(&db, id, "E1").await;
    assert_eq!(e1.stakeholders.len(), 2);
    assert!(e1
        .stakeholders
        .iter()
        .all(|f| f.withheld && f.mean.is_none() && !f.high));
    assert!(!e1.flagged());
    // The fifth response: everyone's mean shows; 4 is at or above the survey's threshold of 3.5.
    answer(&db, id, 1, 4).await;
    let e1 = matter(&db, id, "E1").await;
    let figure = &e1.stakeholders[0];
    assert_eq!(figure.code, high);
    assert_eq!(
        (figure.mean, figure.n, figure.withheld),
        (Some(4.0), 5, false)
    );
    assert!(figure.high);
    // No IRO makes E1 material: stakeholders rate it high, so it is flagged for review.
    assert_eq!(e1.position.materiality, MatterMateriality::NotMaterial);
    assert!(e1.flagged());
    // Five more at 3: the mean is 3.5, the threshold itself, which counts as high.
    answer(&db, id, 5, 3).await;
    let e1 = matter(&db, id, "E1").await;
    assert_eq!(e1.stakeholders[0].mean, Some(3.5));
    assert!(e1.stakeholders[0].high);
    assert!(e1.flagged());
    // Ten more at 2: the mean falls to 2.75, below the threshold; no longer high.
    answer(&db, id, 10, 2).await;
    let e1 = matter(&db, id, "E1").await;
    assert_eq!(e1.stakeholders[0].mean, Some(2.75));
    assert!(!e1.stakeholders[0].high);
    assert!(!e1.flagged());
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_material_matter_is_not_flagged_however_stakeholders_rate_it(db: Db) {
    let (id, topics) = cycle_with_survey(&db).await;
    set_topic_matter(&db, &cli(), id, &topics[0], Some("S1.1.8"))
        .await
        .unwrap();
    answer(&db, id, 5, 5).await;
    assert!(matter(&db, id, "S1.1.8").await.flagged());
    // An actual negative impact on S1.1.8 rated (4, 3, 2): 3.5, material by impact.
    let iro = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    assign(&db, &cli(), id, iro, a).await.unwrap();
    save_rating(&db, &as_a, id, iro, &negative(4, 3, 2), "Audit", "", true)
        .await
        .unwrap();
    let m = matter(&db, id, "S1.1.8").await;
    assert_eq!(m.position.materiality, MatterMateriality::Impact);
    assert!(m.stakeholders[0].high);
    assert!(!m.flagged());
}
