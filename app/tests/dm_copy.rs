//! Copying a double-materiality cycle for the next year copies its register: method, preset,
//! scoring constants, the matter tree and the active IROs, none of the assessment.
#![cfg(feature = "ssr")]

use app::domain::double_materiality::{Method, Scoring};
use app::domain::matters::MatterPresetName;
use app::store::assessments::{assign, save_rating};
use app::store::{self, register, Db};

mod common;
use common::*;

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_copied_cycle_has_the_register_and_none_of_the_ratings(db: Db) {
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let scoring = Scoring {
        impact_threshold: 3.5,
        ..Scoring::default()
    };
    register::set_scoring(&db, &cli(), id, &scoring)
        .await
        .unwrap();
    let risk = register::add_iro(&db, &cli(), id, &water_risk())
        .await
        .unwrap();
    let retired = register::add_iro(&db, &cli(), id, &water_risk())
        .await
        .unwrap();
    // The impact gives rise to both risks; retiring one takes its link, the other is copied.
    let linked = app::domain::iro::IroForm {
        leads_to: format!("{risk} {retired}"),
        ..actual_impact()
    };
    let impact = register::add_iro(&db, &cli(), id, &linked).await.unwrap();
    register::retire_iro(&db, &cli(), id, retired)
        .await
        .unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    assign(&db, &cli(), id, impact, a).await.unwrap();
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

    let copy = store::cycles::copy_cycle(&db, &cli(), id).await.unwrap();
    let before = register::register(&db, id).await.unwrap().unwrap();
    let after = register::register(&db, copy).await.unwrap().unwrap();
    assert_eq!(after.method, Method::Double);
    assert_eq!(after.preset, before.preset);
    assert_eq!(after.scoring, scoring);
    // The same tree: every matter with the same parent, by code.
    let tree = |r: &app::domain::iro::RegisterView| {
        let code = |id: Option<i64>| {
            id.map(|id| r.matters.iter().find(|m| m.id == id).unwrap().code.clone())
        };
        r.matters
            .iter()
            .map(|m| (m.code.clone(), code(m.parent), m.name.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(tree(&after), tree(&before));
    assert_eq!(after.matters.len(), 120);
    // The active IROs, as records, their links by place in the list; not the retired one, and
    // nobody assigned.
    let records = |r: &app::domain::iro::RegisterView| {
        let active: Vec<_> = r.iros.iter().filter(|i| !i.retired).collect();
        let place = |id: &i64| active.iter().position(|i| i.id == *id);
        active
            .iter()
            .map(|i| {
                let links: Vec<_> = i.record.leads_to.iter().map(place).collect();
                (i.record.iro.clone(), i.record.description.clone(), links)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        records(&before).into_iter().map(|(_, _, l)| l).next_back(),
        Some(vec![Some(0)]),
        "the impact's link to the risk that was retired went with it"
    );
    assert_eq!(records(&after), records(&before));
    assert_eq!(after.iros.len(), 2, "the retired IRO stays behind");
    assert!(after.assignees.is_empty());
    let copied = after.iros.iter().map(|i| i.id).collect::<Vec<_>>();
    assert!(!copied.contains(&impact) && !copied.contains(&risk));
    let view = store::assessments::assessment(&db, copy)
        .await
        .unwrap()
        .unwrap();
    assert!(view.iros.iter().all(|s| s.score.computed.is_none()));
    let ratings = format!(
        "SELECT COUNT(*) FROM iro_ratings r JOIN iros i ON i.id = r.iro_id WHERE i.cycle_id = {copy}"
    );
    assert_eq!(count(&db, &ratings).await, 0);
}
