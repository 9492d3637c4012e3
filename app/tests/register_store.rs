//! Store tests of the double-materiality register: the method, the matters from a preset, and the
//! IROs; every write audited, every refusal writing nothing, a confirmed cycle refusing them all.
#![cfg(feature = "ssr")]

use app::domain::double_materiality::{Horizon, IroKind, Method};
use app::domain::iro::{IroForm, IroSource, ValueChain};
use app::domain::matters::MatterPresetName;
use app::domain::{CycleStatus, FieldProblem, Problem};
use app::store::write::StoreError;
use app::store::{self, register, Db};

mod common;
use common::*;

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_preset_gives_a_double_materiality_cycle_its_matters_once(db: Db) {
    let id = double_cycle(&db).await;
    // A survey cycle takes no matters.
    let survey = store::cycles::copy_cycle(&db, &cli(), id).await.unwrap();
    sqlx::query("UPDATE cycles SET method = 'survey' WHERE id = ?")
        .bind(survey)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(
        register::load_preset(&db, &cli(), survey, MatterPresetName::Esrs2023).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "preset",
            Problem::NotAllowed
        )]))
    );
    let n = register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    assert_eq!(n, 120);
    let matters = register::matters(&db, id).await.unwrap();
    assert_eq!(matters.len(), 120);
    let by_code = |c: &str| matters.iter().find(|m| m.code == c).unwrap();
    assert_eq!(by_code("E3.1.1").parent, Some(by_code("E3.1").id));
    assert_eq!(by_code("E3.1").parent, Some(by_code("E3").id));
    assert_eq!(by_code("E3").parent, None);
    assert_eq!(
        by_code("S1.1.6").name.zh,
        "集体谈判，包括集体协议覆盖的工人比例"
    );
    let version: Option<String> =
        sqlx::query_scalar("SELECT matter_preset FROM cycles WHERE id = ?")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(version.as_deref(), Some("esrs-2023 ESRS Set 1 (2023)"));
    // A second preset would mix two lists: refused, nothing added.
    assert_eq!(
        register::load_preset(&db, &cli(), id, MatterPresetName::CnExchanges2024).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "preset",
            Problem::InUse
        )]))
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM matters").await, 120);
    // With matters, the method stays.
    assert_eq!(
        register::set_method(&db, &cli(), id, Method::Survey).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "method",
            Problem::Frozen
        )]))
    );
    let audited = count(
        &db,
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('cycle.method', 'register.preset')",
    )
    .await;
    assert_eq!(audited, 2);
}

/// Entity-specific matters: placed after their parent's subtree (a topic at the end), marked, taking
/// their parent's pillar, usable by IROs; a refused one writes nothing; only an entity-specific
/// matter with nothing below it and no IRO can be removed.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn entity_specific_matters_join_the_tree_where_they_belong(db: Db) {
    use app::domain::matters::MatterForm;
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let form = |parent: &str, code: &str| MatterForm {
        parent: parent.into(),
        code: code.into(),
        pillar: "G".into(),
        name_zh: "海水淡化".into(),
        name_en: "Desalination".into(),
    };
    register::add_matter(&db, &cli(), id, &form("E3.1", "E3.1.X1"))
        .await
        .unwrap();
    register::add_matter(&db, &cli(), id, &form("", "X1"))
        .await
        .unwrap();
    let codes: Vec<String> = register::matters(&db, id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.code)
        .collect();
    let at = |c: &str| codes.iter().position(|x| x == c).unwrap();
    // After E3.1's own sub-sub-topics, before E3.2.
    assert_eq!(at("E3.1.X1"), at("E3.2") - 1, "{codes:?}");
    assert!(codes[at("E3.1.X1") - 1].starts_with("E3.1."), "{codes:?}");
    assert_eq!(codes.last().map(String::as_str), Some("X1"));
    let all = register::matters(&db, id).await.unwrap();
    let x = all.iter().find(|m| m.code == "E3.1.X1").unwrap();
    assert!(x.entity_specific && x.pillar == "E");
    assert!(
        !all.iter()
            .find(|m| m.code == "E3.1")
            .unwrap()
            .entity_specific
    );
    let iro = register::add_iro(
        &db,
        &cli(),
        id,
        &IroForm {
            matter: "E3.1.X1".into(),
            ..water_risk()
        },
    )
    .await
    .unwrap();

    let before = count(&db, "SELECT COUNT(*) * 1000 + SUM(sort_order) FROM matters").await;
    let audit = count(&db, "SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(
        register::add_matter(&db, &cli(), id, &form("E3.1.1", "x1")).await,
        Err(StoreError::Refused(vec![
            FieldProblem::new("parent", Problem::NotAllowed),
            FieldProblem::new("code", Problem::DuplicateCode),
        ]))
    );
    for (code, problem) in [("E3.1", Problem::NotAllowed), ("E3.1.X1", Problem::InUse)] {
        assert_eq!(
            register::remove_matter(&db, &cli(), id, code).await,
            Err(StoreError::Refused(vec![FieldProblem::new(
                "matter", problem
            )]))
        );
    }
    assert_eq!(
        register::remove_matter(&db, &cli(), id, "nope").await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) * 1000 + SUM(sort_order) FROM matters").await,
        before
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_log").await, audit);

    // A retired IRO still holds its matter; X1 has none and goes.
    register::retire_iro(&db, &cli(), id, iro).await.unwrap();
    assert_eq!(
        register::remove_matter(&db, &cli(), id, "E3.1.X1").await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "matter",
            Problem::InUse
        )]))
    );
    register::remove_matter(&db, &cli(), id, "X1")
        .await
        .unwrap();
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM matters WHERE code = 'X1'").await,
        0
    );
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'register.matter_%'";
    assert_eq!(count(&db, audited).await, 3);
    let removed: String =
        sqlx::query_scalar("SELECT before FROM audit_log WHERE action = 'register.matter_remove'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(
        removed.contains("Desalination") && removed.contains("X1"),
        "{removed}"
    );

    // Before the preset, no matter of its own: it would keep the preset out.
    let bare = double_cycle(&db).await;
    assert_eq!(
        register::add_matter(&db, &cli(), bare, &form("", "X1")).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "parent",
            Problem::NoneChosen
        )]))
    );
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM matters WHERE cycle_id = {bare}")
        )
        .await,
        0
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn iros_are_added_checked_listed_and_retired(db: Db) {
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let iro = register::add_iro(&db, &cli(), id, &water_risk())
        .await
        .unwrap();
    let listed = register::iros(&db, id).await.unwrap();
    assert_eq!(listed.len(), 1);
    let r = &listed[0];
    assert_eq!((r.id, r.retired), (iro, false));
    assert_eq!(r.record.matter, "E3.1.2");
    assert_eq!(
        (r.record.iro.kind, r.record.iro.potential),
        (IroKind::Risk, true)
    );
    assert_eq!(r.record.iro.horizons, [Horizon::Medium, Horizon::Long]);
    assert_eq!(
        r.record.value_chain,
        [ValueChain::OwnOperations, ValueChain::Upstream]
    );
    assert_eq!(r.record.source, IroSource::DeskResearch);
    assert_eq!(r.record.description.zh, "干旱导致取水受限");

    // Refused input: every problem, nothing written.
    let before = count(&db, "SELECT COUNT(*) FROM iros").await;
    let audit = count(&db, "SELECT COUNT(*) FROM audit_log").await;
    let bad = IroForm {
        matter: "Z9".into(),
        human_rights: true,
        ..water_risk()
    };
    assert_eq!(
        register::add_iro(&db, &cli(), id, &bad).await,
        Err(StoreError::Refused(vec![
            FieldProblem::new("matter", Problem::Unknown),
            FieldProblem::new("human_rights", Problem::NotAllowed),
        ]))
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM iros").await, before);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_log").await, audit);

    register::retire_iro(&db, &cli(), id, iro).await.unwrap();
    assert!(register::iros(&db, id).await.unwrap()[0].retired);
    assert_eq!(
        register::retire_iro(&db, &cli(), id, iro).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        register::retire_iro(&db, &cli(), id + 1, iro).await,
        Err(StoreError::NotFound)
    );
    let audited = count(
        &db,
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('register.iro_add', 'register.iro_retire')",
    )
    .await;
    assert_eq!(audited, 2);
}

/// Correcting an IRO: every field while nobody has rated it; once a draft rating exists, what decides
/// the questions and the formula stays (each change refused by its field, nothing written) while the
/// rest can still be corrected; a retired IRO or another cycle's is not found; every edit audited with
/// before and after.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_iro_is_corrected_until_rated_and_then_only_in_its_words(db: Db) {
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let iro = register::add_iro(&db, &cli(), id, &water_risk())
        .await
        .unwrap();
    let impact = IroForm {
        matter: "S1.1.8".into(),
        kind: "negative_impact".into(),
        occurrence: "potential".into(),
        horizons: vec!["short".into()],
        human_rights: true,
        description_en: "Heat stress <script>".into(),
        ..water_risk()
    };
    register::edit_iro(&db, &cli(), id, iro, &impact)
        .await
        .unwrap();
    let r = register::iros(&db, id).await.unwrap().remove(0).record;
    assert_eq!(r.matter, "S1.1.8");
    assert_eq!(
        (r.iro.kind, r.iro.potential, r.iro.human_rights),
        (IroKind::NegativeImpact, true, true)
    );
    assert_eq!(r.iro.horizons, [Horizon::Short]);
    assert_eq!(r.description.en, "Heat stress <script>");
    let audit: (String, String) =
        sqlx::query_as("SELECT before, after FROM audit_log WHERE action = 'register.iro_edit'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(
        audit.0.contains("E3.1.2") && audit.1.contains("S1.1.8"),
        "{audit:?}"
    );

    // A draft fixes kind, occurrence, human rights and horizons, even one with only a rationale.
    let (a, as_a) = assessor(&db, "a@example.com").await;
    store::assessments::assign(&db, &cli(), id, iro, a)
        .await
        .unwrap();
    store::assessments::save_rating(&db, &as_a, id, iro, &[], "Thinking", "", false)
        .await
        .unwrap();
    let tables = "SELECT group_concat(matter_id || kind || potential || human_rights || horizons
                                      || value_chain || description_en || source) FROM iros";
    let before: String = sqlx::query_scalar(tables).fetch_one(&db).await.unwrap();
    let audit = count(&db, "SELECT COUNT(*) FROM audit_log").await;
    let changed = IroForm {
        human_rights: false,
        horizons: vec!["short".into(), "long".into()],
        description_en: "Heat stress at the smelter".into(),
        ..water_risk()
    };
    assert_eq!(
        register::edit_iro(&db, &cli(), id, iro, &changed).await,
        Err(StoreError::Refused(vec![
            FieldProblem::new("kind", Problem::Rated),
            FieldProblem::new("human_rights", Problem::Rated),
            FieldProblem::new("horizons", Problem::Rated),
        ]))
    );
    let after: String = sqlx::query_scalar(tables).fetch_one(&db).await.unwrap();
    assert_eq!(after, before);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_log").await, audit);
    // Its words, matter, value chain and source can still be corrected.
    let words = IroForm {
        matter: "S1.1.7".into(),
        value_chain: vec!["downstream".into()],
        description_en: "Heat stress at the smelter".into(),
        source: "expert".into(),
        ..impact.clone()
    };
    register::edit_iro(&db, &cli(), id, iro, &words)
        .await
        .unwrap();
    let r = register::iros(&db, id).await.unwrap().remove(0).record;
    assert_eq!(
        (r.matter.as_str(), r.description.en.as_str(), r.source),
        ("S1.1.7", "Heat stress at the smelter", IroSource::Expert)
    );
    assert_eq!(r.value_chain, [ValueChain::Downstream]);

    // Another cycle's IRO, or a retired one, is not found.
    let other = double_cycle(&db).await;
    register::load_preset(&db, &cli(), other, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    assert_eq!(
        register::edit_iro(&db, &cli(), other, iro, &words).await,
        Err(StoreError::NotFound)
    );
    register::retire_iro(&db, &cli(), id, iro).await.unwrap();
    assert_eq!(
        register::edit_iro(&db, &cli(), id, iro, &words).await,
        Err(StoreError::NotFound)
    );
}

/// An impact gives rise to risks and opportunities of its own cycle: the links are kept with it, read
/// back sorted, audited, and refused (nothing written) when they name an impact, another cycle's or a
/// retired IRO, or start from a risk; a linked risk cannot become an impact.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_impact_links_to_the_risks_and_opportunities_it_gives_rise_to(db: Db) {
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let add = |form: IroForm| {
        let db = db.clone();
        async move { register::add_iro(&db, &cli(), id, &form).await }
    };
    let risk = add(water_risk()).await.unwrap();
    let opportunity = add(IroForm {
        kind: "opportunity".into(),
        ..water_risk()
    })
    .await
    .unwrap();
    let impact = add(IroForm {
        leads_to: format!("#{opportunity}, {risk}"),
        ..actual_impact()
    })
    .await
    .unwrap();
    let leads_to = |iros: Vec<app::domain::iro::IroRow>, iro: i64| {
        iros.into_iter()
            .find(|r| r.id == iro)
            .unwrap()
            .record
            .leads_to
    };
    let mut both = vec![risk, opportunity];
    both.sort();
    assert_eq!(
        leads_to(register::iros(&db, id).await.unwrap(), impact),
        both
    );
    let audit: String = sqlx::query_scalar(
        "SELECT after FROM audit_log WHERE action = 'register.iro_add' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(
        audit.contains(&format!("\"leads_to\":{both:?}").replace(' ', "")),
        "{audit}"
    );

    let other = double_cycle(&db).await;
    register::load_preset(&db, &cli(), other, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let elsewhere = register::add_iro(&db, &cli(), other, &water_risk())
        .await
        .unwrap();
    let retired = add(water_risk()).await.unwrap();
    register::retire_iro(&db, &cli(), id, retired)
        .await
        .unwrap();
    let links = count(&db, "SELECT COUNT(*) FROM iro_links").await;
    let iros = count(&db, "SELECT COUNT(*) FROM iros").await;
    let refused = |p| StoreError::Refused(vec![FieldProblem::new("leads_to", p)]);
    for (form, problem) in [
        (format!("{impact}"), Problem::NotAllowed),
        (format!("{risk}, {elsewhere}"), Problem::Unknown),
        (format!("{retired}"), Problem::Unknown),
    ] {
        let form = IroForm {
            leads_to: form,
            ..actual_impact()
        };
        assert_eq!(add(form).await, Err(refused(problem)));
    }
    let from_risk = IroForm {
        leads_to: format!("{opportunity}"),
        ..water_risk()
    };
    assert_eq!(
        add(from_risk.clone()).await,
        Err(refused(Problem::NotAllowed))
    );
    assert_eq!(
        register::edit_iro(&db, &cli(), id, risk, &from_risk).await,
        Err(refused(Problem::NotAllowed))
    );
    // The risk an impact gives rise to stays a risk or an opportunity.
    let as_impact = IroForm {
        kind: "negative_impact".into(),
        occurrence: "actual".into(),
        ..water_risk()
    };
    assert_eq!(
        register::edit_iro(&db, &cli(), id, risk, &as_impact).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "kind",
            Problem::InUse
        )]))
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM iro_links").await, links);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM iros").await, iros);

    // Correcting the impact replaces its links.
    let one = IroForm {
        leads_to: format!("{risk}"),
        ..actual_impact()
    };
    register::edit_iro(&db, &cli(), id, impact, &one)
        .await
        .unwrap();
    assert_eq!(
        leads_to(register::iros(&db, id).await.unwrap(), impact),
        [risk]
    );
    register::edit_iro(&db, &cli(), id, impact, &actual_impact())
        .await
        .unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM iro_links").await, 0);
    // Retiring an IRO takes its links with it (into the audit entry): the register's file then
    // reads back as it is.
    register::edit_iro(&db, &cli(), id, impact, &one)
        .await
        .unwrap();
    register::retire_iro(&db, &cli(), id, risk).await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM iro_links").await, 0);
    assert_eq!(
        leads_to(register::iros(&db, id).await.unwrap(), impact),
        Vec::<i64>::new()
    );
    let before: String = sqlx::query_scalar(
        "SELECT before FROM audit_log WHERE action = 'register.iro_retire' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(before, format!("{{\"links\":[[{impact},{risk}]]}}"));
    let file = app::domain::register_file::RegisterFile {
        text: app::domain::register_file::register_table(&register::iros(&db, id).await.unwrap())
            .csv(),
        xlsx: false,
    };
    let p = app::store::register_import::preview_import(&db, id, file)
        .await
        .unwrap();
    assert!(p.ok(), "{p:?}");
    // Unlinked, a risk may become an impact.
    register::edit_iro(&db, &cli(), id, opportunity, &as_impact)
        .await
        .unwrap();
}

/// Evidence goes with a rating: web links in normal form and notes, read back by the assessor and in
/// the ratings file; a link of another scheme refuses the whole save (nothing written, nothing
/// audited), and a submitted rating keeps its evidence locked with it.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn evidence_is_kept_with_a_rating_and_other_links_are_refused(db: Db) {
    use app::store::assessments::{my_assignments, rating_rows, save_rating};
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let iro = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    store::assessments::assign(&db, &cli(), id, iro, a)
        .await
        .unwrap();
    let typed = "HTTPS://Example.com/audit 2025.pdf\n\n  Site visit, March  ";
    save_rating(&db, &as_a, id, iro, &negative(3, 3, 3), "", typed, false)
        .await
        .unwrap();
    let stored = "https://example.com/audit%202025.pdf\nSite visit, March";
    assert_eq!(
        my_assignments(&db, a, id).await.unwrap()[0].evidence,
        stored
    );

    let before = count(&db, "SELECT COUNT(*) FROM audit_log").await;
    let bad = format!("{stored}\njavascript:alert(1)");
    assert_eq!(
        save_rating(&db, &as_a, id, iro, &negative(5, 5, 5), "Why", &bad, true).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "evidence",
            Problem::BadLink
        )]))
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_log").await, before);
    let kept = &my_assignments(&db, a, id).await.unwrap()[0];
    assert_eq!((kept.evidence.as_str(), kept.submitted), (stored, false));
    assert_eq!(kept.ratings[0].1.scale, Some(3));

    save_rating(
        &db,
        &as_a,
        id,
        iro,
        &negative(4, 4, 4),
        "Audits",
        stored,
        true,
    )
    .await
    .unwrap();
    assert_eq!(rating_rows(&db, id).await.unwrap()[0].evidence, stored);
    assert_eq!(
        save_rating(&db, &as_a, id, iro, &negative(4, 4, 4), "Audits", "", true).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "rating",
            Problem::Frozen
        )]))
    );
    assert_eq!(rating_rows(&db, id).await.unwrap()[0].evidence, stored);
}

/// A cycle that hides names numbers its assessors in the ratings rows, by account and the same for
/// every IRO, listed in that order rather than by address; the setting is audited and copied with
/// the register.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn hidden_names_number_the_assessors_by_account(db: Db) {
    use app::store::assessments::{rating_rows, save_rating};
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let first = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    let second = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    // Made first, so numbered first, though its address sorts last.
    let (zed, as_zed) = assessor(&db, "zed@example.com").await;
    let (amy, as_amy) = assessor(&db, "amy@example.com").await;
    for iro in [first, second] {
        for user in [amy, zed] {
            store::assessments::assign(&db, &cli(), id, iro, user)
                .await
                .unwrap();
        }
        for (who, scale) in [(&as_amy, 2), (&as_zed, 4)] {
            save_rating(&db, who, id, iro, &negative(scale, 3, 3), "Why", "", true)
                .await
                .unwrap();
        }
    }
    let named: Vec<String> = rating_rows(&db, id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.assessor)
        .collect();
    assert_eq!(
        named,
        [
            "amy@example.com",
            "zed@example.com",
            "amy@example.com",
            "zed@example.com"
        ]
    );

    register::set_hide_assessors(&db, &cli(), id, true)
        .await
        .unwrap();
    let rows = rating_rows(&db, id).await.unwrap();
    let numbered: Vec<(i64, &str, Option<u8>)> = rows
        .iter()
        .map(|r| (r.iro, r.assessor.as_str(), r.rating.scale))
        .collect();
    // Zed (scale 4) is assessor 1.
    assert_eq!(
        numbered,
        [
            (first, "assessor 1", Some(4)),
            (first, "assessor 2", Some(2)),
            (second, "assessor 1", Some(4)),
            (second, "assessor 2", Some(2)),
        ]
    );
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'register.hide_assessors'";
    assert_eq!(count(&db, audited).await, 1);
    let copy = store::cycles::copy_cycle(&db, &cli(), id).await.unwrap();
    assert!(
        register::register(&db, copy)
            .await
            .unwrap()
            .unwrap()
            .hide_assessors
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_confirmed_cycle_refuses_every_register_write(db: Db) {
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::CnExchanges2024)
        .await
        .unwrap();
    let iro = register::add_iro(
        &db,
        &cli(),
        id,
        &IroForm {
            matter: "CN-E1".into(),
            ..water_risk()
        },
    )
    .await
    .unwrap();
    sqlx::query("UPDATE cycles SET status = ? WHERE id = ?")
        .bind(CycleStatus::Confirmed.as_str())
        .bind(id)
        .execute(&db)
        .await
        .unwrap();
    let tables = "SELECT (SELECT COUNT(*) FROM matters) * 1000 + (SELECT COUNT(*) FROM iros)
                  + (SELECT COUNT(*) FROM iros WHERE retired_at IS NOT NULL) * 100";
    let before = count(&db, tables).await;
    fn frozen<T>(field: &str) -> Result<T, StoreError> {
        Err(StoreError::Refused(vec![FieldProblem::new(
            field,
            Problem::Frozen,
        )]))
    }
    let form = IroForm {
        matter: "CN-E2".into(),
        ..water_risk()
    };
    assert_eq!(
        register::add_iro(&db, &cli(), id, &form).await,
        frozen("matter")
    );
    assert_eq!(
        register::retire_iro(&db, &cli(), id, iro).await,
        frozen("iro")
    );
    assert_eq!(
        register::edit_iro(&db, &cli(), id, iro, &form).await,
        frozen("iro")
    );
    let matter = app::domain::matters::MatterForm {
        parent: "CN-E1".into(),
        code: "CN-E1-X".into(),
        name_zh: "名".into(),
        name_en: "Name".into(),
        ..Default::default()
    };
    assert_eq!(
        register::add_matter(&db, &cli(), id, &matter).await,
        frozen("code")
    );
    assert_eq!(
        register::remove_matter(&db, &cli(), id, "CN-E1").await,
        frozen("matter")
    );
    assert_eq!(
        register::set_hide_assessors(&db, &cli(), id, true).await,
        frozen("hide_assessors")
    );
    let file = app::domain::register_file::RegisterFile {
        text: app::domain::register_file::register_table(&register::iros(&db, id).await.unwrap())
            .csv(),
        xlsx: false,
    };
    assert_eq!(
        app::store::register_import::import(&db, &cli(), id, file).await,
        frozen("file")
    );
    assert_eq!(
        register::set_method(&db, &cli(), id, Method::Survey).await,
        frozen("method")
    );
    assert_eq!(
        register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023).await,
        frozen("preset")
    );
    use app::store::assessments as a;
    let why = "A reason";
    assert_eq!(a::assign(&db, &cli(), id, iro, 1).await, frozen("assessor"));
    assert_eq!(
        a::calibrate(&db, &cli(), id, iro, Some(3.0), why).await,
        frozen("score")
    );
    assert_eq!(
        a::decide(&db, &cli(), id, iro, Some(true), why).await,
        frozen("decision")
    );
    assert_eq!(
        a::waive(&db, &cli(), id, iro, 1, why).await,
        frozen("waiver")
    );
    assert_eq!(count(&db, tables).await, before);
    // Unknown cycles are not found.
    assert_eq!(
        register::add_iro(&db, &cli(), id + 99, &form).await,
        Err(StoreError::NotFound)
    );
}

/// The worked case through the store: two assessors' submitted ratings of an actual negative impact,
/// (5, 5, 5) and (2, 2, 2), score 3.5 with a spread of 3.0; a third's draft does not count.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn submitted_ratings_score_and_drafts_do_not(db: Db) {
    use app::domain::double_materiality::Standing;
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let impact = IroForm {
        human_rights: true,
        ..actual_impact()
    };
    let iro = register::add_iro(&db, &cli(), id, &impact).await.unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    let (b, as_b) = assessor(&db, "b@example.com").await;
    let (c, as_c) = assessor(&db, "c@example.com").await;
    for user in [a, b, c] {
        store::assessments::assign(&db, &cli(), id, iro, user)
            .await
            .unwrap();
    }
    use app::store::assessments::save_rating;
    save_rating(
        &db,
        &as_a,
        id,
        iro,
        &negative(5, 5, 5),
        "Site audits",
        "",
        true,
    )
    .await
    .unwrap();
    save_rating(
        &db,
        &as_b,
        id,
        iro,
        &negative(2, 2, 2),
        "Incident log",
        "",
        true,
    )
    .await
    .unwrap();
    save_rating(&db, &as_c, id, iro, &negative(1, 1, 1), "", "", false)
        .await
        .unwrap();
    let scores = store::assessments::scores(&db, id).await.unwrap();
    assert_eq!(scores.len(), 1);
    let s = &scores[0].1;
    assert!((s.computed.unwrap().0 - 3.5).abs() < 1e-9, "{s:?}");
    assert!((s.spread.unwrap() - 3.0).abs() < 1e-9, "{s:?}");
    assert!(s.needs_calibration);
    assert_eq!(s.standing, Standing::Material);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_assessor_writes_only_their_own_assignment_and_a_submission_locks(db: Db) {
    use app::store::assessments::{assign, save_rating};
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let impact = actual_impact();
    let iro = register::add_iro(&db, &cli(), id, &impact).await.unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    let (_, as_b) = assessor(&db, "b@example.com").await;
    assign(&db, &cli(), id, iro, a).await.unwrap();
    assert_eq!(
        assign(&db, &cli(), id, iro, a).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "assessor",
            Problem::DuplicateCode
        )]))
    );
    assert_eq!(
        assign(&db, &cli(), id, iro, 999).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "assessor",
            Problem::Unknown
        )]))
    );
    let ratings = "SELECT COUNT(*) FROM iro_ratings";
    // Not theirs: not found, nothing written.
    assert_eq!(
        save_rating(&db, &as_b, id, iro, &negative(3, 3, 3), "Mine?", "", true).await,
        Err(StoreError::NotFound)
    );
    // A submission needs its rationale; ratings are 1 to 5.
    assert_eq!(
        save_rating(&db, &as_a, id, iro, &negative(3, 3, 3), " ", "", true).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "rationale",
            Problem::Required
        )]))
    );
    assert_eq!(
        save_rating(&db, &as_a, id, iro, &negative(3, 9, 3), "Why", "", false).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "rating.short",
            Problem::BadNumber
        )]))
    );
    assert_eq!(count(&db, ratings).await, 0);
    // A draft may change; the submission locks it.
    save_rating(&db, &as_a, id, iro, &negative(3, 3, 3), "", "", false)
        .await
        .unwrap();
    save_rating(&db, &as_a, id, iro, &negative(4, 3, 3), "Audits", "", true)
        .await
        .unwrap();
    assert_eq!(
        save_rating(
            &db,
            &as_a,
            id,
            iro,
            &negative(1, 1, 1),
            "Changed my mind",
            "",
            true
        )
        .await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "rating",
            Problem::Frozen
        )]))
    );
    let scale: i64 = sqlx::query_scalar("SELECT scale FROM iro_ratings")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(scale, 4);
    let audited = count(
        &db,
        "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'assessment.%'",
    )
    .await;
    assert_eq!(audited, 3, "one assignment, one draft, one submission");
    // A retired IRO takes no new assessor.
    register::retire_iro(&db, &cli(), id, iro).await.unwrap();
    let (c, _) = assessor(&db, "c@example.com").await;
    assert_eq!(
        assign(&db, &cli(), id, iro, c).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "iro",
            Problem::NotAllowed
        )]))
    );
}

/// A calibrated score decides the standing, needs a reason to be set or removed, and is on the
/// record; the computed score stays beside it.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_calibration_needs_its_reason_and_decides_the_standing(db: Db) {
    use app::domain::double_materiality::Standing;
    use app::store::assessments::{assign, calibrate, save_rating, scores};
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let iro = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    assign(&db, &cli(), id, iro, a).await.unwrap();
    save_rating(&db, &as_a, id, iro, &negative(4, 3, 2), "Audits", "", true)
        .await
        .unwrap();
    let standing = |s: &[(
        app::domain::iro::IroRow,
        app::domain::double_materiality::IroScore,
    )]| { (s[0].1.standing, s[0].1.calibrated) };
    assert_eq!(
        standing(&scores(&db, id).await.unwrap()),
        (Standing::Material, None)
    );

    let rows = "SELECT COUNT(*) FROM iro_calibrations";
    assert_eq!(
        calibrate(&db, &cli(), id, iro, Some(2.0), " ").await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "reason",
            Problem::Required
        )]))
    );
    assert_eq!(
        calibrate(&db, &cli(), id, iro, Some(7.0), "Too high").await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "score",
            Problem::BadNumber
        )]))
    );
    assert_eq!(count(&db, rows).await, 0);
    calibrate(
        &db,
        &cli(),
        id,
        iro,
        Some(2.0),
        "The audit overstated the scope",
    )
    .await
    .unwrap();
    let s = scores(&db, id).await.unwrap();
    assert_eq!(standing(&s), (Standing::NotMaterial, Some(2.0)));
    assert!(
        (s[0].1.computed.unwrap().0 - 3.5).abs() < 1e-9,
        "computed stays"
    );
    // Removing it needs a reason too; then the computed score decides again.
    assert_eq!(
        calibrate(&db, &cli(), id, iro, None, "").await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "reason",
            Problem::Required
        )]))
    );
    calibrate(&db, &cli(), id, iro, None, "New evidence")
        .await
        .unwrap();
    assert_eq!(
        standing(&scores(&db, id).await.unwrap()),
        (Standing::Material, None)
    );
    let audited = count(
        &db,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'assessment.calibrate'",
    )
    .await;
    assert_eq!(audited, 2);
}

/// A score in the grey zone or not assessable takes the decision group's recorded decision, with
/// its reason; a score that stands by itself takes none. A waived assignment no longer counts, in
/// the score or as missing.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn decisions_settle_only_undecided_scores_and_waivers_drop_an_assessor(db: Db) {
    use app::domain::double_materiality::Standing;
    use app::store::assessments::{assign, decide, save_rating, scores, waive};
    let id = double_cycle(&db).await;
    register::load_preset(&db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let iro = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    let (a, as_a) = assessor(&db, "a@example.com").await;
    let (b, as_b) = assessor(&db, "b@example.com").await;
    assign(&db, &cli(), id, iro, a).await.unwrap();
    assign(&db, &cli(), id, iro, b).await.unwrap();
    // A: (3, 2, 2) → S = (7/3 + 3) / 2 = 2.67, the grey zone. B drafts (5, 5, 5) and is waived.
    save_rating(
        &db,
        &as_a,
        id,
        iro,
        &negative(3, 2, 2),
        "Site visits",
        "",
        true,
    )
    .await
    .unwrap();
    save_rating(&db, &as_b, id, iro, &negative(5, 5, 5), "", "", false)
        .await
        .unwrap();
    let standing = |s: Vec<(
        app::domain::iro::IroRow,
        app::domain::double_materiality::IroScore,
    )>| { (s[0].1.standing, s[0].1.decided) };
    assert_eq!(
        standing(scores(&db, id).await.unwrap()),
        (Standing::GreyZone, false)
    );
    assert_eq!(
        waive(&db, &cli(), id, iro, b, "").await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "reason",
            Problem::Required
        )]))
    );
    waive(&db, &cli(), id, iro, b, "On leave until March")
        .await
        .unwrap();
    assert_eq!(
        save_rating(&db, &as_b, id, iro, &negative(5, 5, 5), "Late", "", true).await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "rating",
            Problem::Frozen
        )])),
        "a waived assignment takes no rating"
    );
    assert_eq!(
        waive(&db, &cli(), id, iro, a, "Too late").await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "waiver",
            Problem::Frozen
        )])),
        "a submitted rating is not waived"
    );
    let view = store::assessments::assessment(&db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((view.iros[0].assigned, view.iros[0].submitted), (2, 2));

    // The decision needs its reason, then settles the standing; the score stays.
    assert_eq!(
        decide(&db, &cli(), id, iro, Some(true), " ").await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "reason",
            Problem::Required
        )]))
    );
    decide(
        &db,
        &cli(),
        id,
        iro,
        Some(true),
        "Regulator's focus this year",
    )
    .await
    .unwrap();
    let s = scores(&db, id).await.unwrap();
    assert_eq!(
        (s[0].1.standing, s[0].1.decided),
        (Standing::Material, true)
    );
    assert!((s[0].1.score().unwrap() - 8.0 / 3.0).abs() < 1e-9);
    let view = store::assessments::assessment(&db, id)
        .await
        .unwrap()
        .unwrap();
    let note = view.iros[0].decision.as_ref().unwrap();
    assert_eq!(
        (note.material, note.reason.as_str()),
        (true, "Regulator's focus this year")
    );
    let s1 = view.matters.iter().find(|m| m.matter.code == "S1").unwrap();
    assert_eq!(s1.position.undecided, 0);
    // Changing it, or removing it, needs a reason too.
    decide(&db, &cli(), id, iro, Some(false), "Second look")
        .await
        .unwrap();
    assert_eq!(
        standing(scores(&db, id).await.unwrap()),
        (Standing::NotMaterial, true)
    );
    decide(&db, &cli(), id, iro, None, "Wrong IRO")
        .await
        .unwrap();
    assert_eq!(
        standing(scores(&db, id).await.unwrap()),
        (Standing::GreyZone, false)
    );

    // A score that stands by itself takes no decision.
    let clear = register::add_iro(&db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    assign(&db, &cli(), id, clear, a).await.unwrap();
    save_rating(
        &db,
        &as_a,
        id,
        clear,
        &negative(4, 3, 2),
        "Audits",
        "",
        true,
    )
    .await
    .unwrap();
    assert_eq!(
        decide(&db, &cli(), id, clear, Some(false), "Not for us").await,
        Err(StoreError::Refused(vec![FieldProblem::new(
            "decision",
            Problem::NotAllowed
        )]))
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM iro_decisions").await, 0);
    let audited =
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('assessment.decide', 'assessment.waive')";
    assert_eq!(count(&db, audited).await, 4);
}
