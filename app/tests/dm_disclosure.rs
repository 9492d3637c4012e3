//! The disclosure drafts of a double-materiality cycle from a real register: SBM-3 lists exactly the
//! IROs that stand material (by score, calibration or decision), IRO-2 the material matters with the
//! standard at the top of their tree, IRO-1 the counts and constants; the files say the same.
#![cfg(feature = "ssr")]

use app::domain::dm_disclosure::{disclosures, iro2_csv, sbm3_csv, standards_in_scope};
use app::domain::double_materiality::{Criteria, Horizon, IroKind, MatterMateriality};
use app::domain::iro::IroForm;
use app::domain::matters::MatterPresetName;
use app::store::assessments::{assessment, assign, calibrate, decide, save_rating};
use app::store::{register, Db};

mod common;
use common::*;

fn current(magnitude: u8) -> Vec<(Horizon, Criteria<u8>)> {
    vec![(
        Horizon::Short,
        Criteria {
            magnitude: Some(magnitude),
            ..Default::default()
        },
    )]
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_drafts_list_what_stands_material_and_count_how_it_was_found(db: Db) {
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let add = |form: IroForm| {
        let db = db.clone();
        async move { register::add_iro(&db, &cli(), id, &form).await.unwrap() }
    };
    // S1.1.8: actual negative (4, 3, 2) → 3.5, material by its score.
    let impact = add(actual_impact()).await;
    // E1.1: actual positive (2, 3) → 2.5, the grey zone, decided material.
    let positive = add(IroForm {
        matter: "E1.1".into(),
        kind: "positive_impact".into(),
        occurrence: "actual".into(),
        horizons: vec!["short".into()],
        ..water_risk()
    })
    .await;
    // E3.1.2: current risk M 2 → 2.0, calibrated to 3.2 with a reason: material.
    let risk = add(IroForm {
        occurrence: "current".into(),
        horizons: vec!["short".into()],
        ..water_risk()
    })
    .await;
    // G1.6: current opportunity M 2 → 2.0, not material: not listed.
    let opportunity = add(IroForm {
        matter: "G1.6".into(),
        kind: "opportunity".into(),
        occurrence: "current".into(),
        horizons: vec!["short".into()],
        ..water_risk()
    })
    .await;
    let (a, as_a) = assessor(&db, "a@example.com").await;
    for iro in [impact, positive, risk, opportunity] {
        assign(&db, &cli(), id, iro, a).await.unwrap();
    }
    // A second assessor, waived: not counted among those who rated.
    let (b, _) = assessor(&db, "b@example.com").await;
    assign(&db, &cli(), id, impact, b).await.unwrap();
    app::store::assessments::waive(&db, &cli(), id, impact, b, "On leave")
        .await
        .unwrap();
    let rate = |iro, ratings: Vec<(Horizon, Criteria<u8>)>| {
        let (db, as_a) = (db.clone(), as_a.clone());
        async move {
            save_rating(&db, &as_a, id, iro, &ratings, "Evidence", "", true)
                .await
                .unwrap()
        }
    };
    rate(impact, negative(4, 3, 2)).await;
    let mut pos = negative(2, 3, 0);
    pos[0].1.irremediable = None;
    rate(positive, pos).await;
    rate(risk, current(2)).await;
    rate(opportunity, current(2)).await;
    decide(
        &db,
        &cli(),
        id,
        positive,
        Some(true),
        "Customers ask for it",
    )
    .await
    .unwrap();
    calibrate(&db, &cli(), id, risk, Some(3.2), "New drought maps")
        .await
        .unwrap();

    let view = assessment(&db, id).await.unwrap().unwrap();
    let d = disclosures(&view);
    // SBM-3: the three material IROs in the register's order of matters (E1, E3, S1).
    let listed: Vec<(i64, IroKind, Option<f64>, bool, bool)> = d
        .sbm3
        .iter()
        .map(|r| (r.iro, r.kind, r.score, r.calibrated, r.decided))
        .collect();
    assert_eq!(
        listed,
        vec![
            (positive, IroKind::PositiveImpact, Some(2.5), false, true),
            (risk, IroKind::Risk, Some(3.2), true, false),
            (impact, IroKind::NegativeImpact, Some(3.5), false, false),
        ]
    );
    assert_eq!(d.sbm3[1].matter, "E3.1.2");
    assert_eq!(d.sbm3[1].matter_name.en, "Water withdrawals");

    // IRO-2: each material matter (the IRO's own and every one above it) with its standard.
    let rows: Vec<(&str, &str, MatterMateriality)> = d
        .iro2
        .iter()
        .map(|r| (r.standard.as_str(), r.matter.as_str(), r.materiality))
        .collect();
    assert!(rows.contains(&("E3", "E3.1.2", MatterMateriality::Financial)));
    assert!(rows.contains(&("E3", "E3", MatterMateriality::Financial)));
    assert!(rows.contains(&("S1", "S1.1.8", MatterMateriality::Impact)));
    assert!(rows.contains(&("E1", "E1.1", MatterMateriality::Impact)));
    assert!(!rows.iter().any(|r| r.0 == "G1"), "{rows:?}");
    let standards: Vec<String> = standards_in_scope(&d.iro2)
        .into_iter()
        .map(|(code, name)| format!("{code} {}", name.en))
        .collect();
    assert_eq!(
        standards,
        vec![
            "E1 Climate change",
            "E3 Water and marine resources",
            "S1 Own workforce"
        ]
    );

    // IRO-1: the counts and the constants.
    let f = &d.facts;
    assert_eq!(f.by_kind, [1, 1, 1, 1]);
    assert_eq!((f.assessors, f.assessments), (1, 4));
    assert_eq!((f.calibrated, f.decided), (1, 1));
    let material: usize = f.material.iter().sum();
    assert_eq!(material, d.iro2.len());
    assert_eq!(f.material[0], 0, "no matter is material both ways");
    assert_eq!(f.preset.as_deref(), Some("esrs-2023 ESRS Set 1 (2023)"));
    let text = app::i18n::Lang::En.disclosure().iro1(f, None).join("\n");
    assert!(
        text.contains(
            "identified: 4 (negative impacts: 1; positive impacts: 1; risks: 1; opportunities: 1)"
        ),
        "{text}"
    );
    assert!(text.contains("Assessors (1) rated them in submitted assessments (4)"));
    assert!(
        text.contains(
            "those of the list of sustainability matters of ESRS 1 AR 16, ESRS Set 1 (2023)."
        ),
        "{text}"
    );
    assert!(text.contains(
        "An impact is material at a score of 3.00 or more, a risk or opportunity at 3.00"
    ));
    assert!(text.contains("(decisions: 1)") && text.contains("(calibrated scores: 1)"));
    assert!(text.contains(&format!("Material matters: {material} ")));
    assert!(text.contains("not confirmed yet"));
    let zh = app::i18n::Lang::Zh.disclosure().iro1(f, None).join("\n");
    assert!(zh.contains("识别出 4 项影响、风险和机遇"), "{zh}");

    // The files hold the same rows.
    let sbm3 = sbm3_csv(&view);
    assert_eq!(sbm3.lines().count(), 1 + 3);
    assert!(sbm3.contains(&format!("\r\n{risk},E3.1.2,")), "{sbm3}");
    assert!(sbm3.contains(",3.2000,true,false"), "{sbm3}");
    let iro2 = iro2_csv(&view);
    assert_eq!(iro2.lines().count(), 1 + d.iro2.len());
    assert!(iro2.contains("E3,"), "{iro2}");
    assert!(iro2.contains(",financial,3.2000,"), "{iro2}");
}
