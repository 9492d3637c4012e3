//! Importing the IRO register from a file: the export reads back unchanged (CSV and workbook), a
//! correct file adds and corrects IROs in one audited transaction, and a file with any problem writes
//! nothing at all.
#![cfg(feature = "ssr")]

use app::domain::double_materiality::IroKind;
use app::domain::library::{Imported, RowAction};
use app::domain::matters::MatterPresetName;
use app::domain::register_file::{register_table, RegisterFile};
use app::domain::{FieldProblem, Problem};
use app::store::register_import::{import, preview_import};
use app::store::{assessments, register, Db};

mod common;
use common::*;

/// A cycle from the ESRS preset with a risk that an assessor has begun to rate and an impact.
async fn cycle_with_iros(db: &Db) -> (i64, i64, i64) {
    let id = double_cycle(db).await;
    register::load_preset(db, &cli(), id, MatterPresetName::Esrs2023)
        .await
        .unwrap();
    let risk = register::add_iro(db, &cli(), id, &water_risk())
        .await
        .unwrap();
    let impact = register::add_iro(db, &cli(), id, &actual_impact())
        .await
        .unwrap();
    let (a, as_a) = assessor(db, "a@example.com").await;
    assessments::assign(db, &cli(), id, risk, a).await.unwrap();
    assessments::save_rating(db, &as_a, id, risk, &[], "Thinking", "", false)
        .await
        .unwrap();
    (id, risk, impact)
}

fn csv(text: String) -> RegisterFile {
    RegisterFile { text, xlsx: false }
}

async fn tables(db: &Db) -> String {
    let mut out = String::new();
    for sql in [
        "SELECT group_concat(id || matter_id || kind || potential || human_rights || horizons
                             || value_chain || description_en || source, '|') FROM iros",
        "SELECT group_concat(from_iro || '>' || to_iro) FROM iro_links",
        "SELECT COUNT(*) FROM audit_log",
    ] {
        let v: Option<String> = sqlx::query_scalar(&format!("SELECT CAST(({sql}) AS TEXT)"))
            .fetch_one(db)
            .await
            .unwrap();
        out.push_str(&v.unwrap_or_default());
        out.push('\n');
    }
    out
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_exported_register_reads_back_unchanged_as_csv_and_as_a_workbook(db: Db) {
    use base64::Engine;
    let (id, _, _) = cycle_with_iros(&db).await;
    let table = register_table(&register::iros(&db, id).await.unwrap());
    let workbook = app::chart::export::table_xlsx("register", &table).unwrap();
    for file in [
        csv(table.csv()),
        RegisterFile {
            text: base64::engine::general_purpose::STANDARD.encode(workbook),
            xlsx: true,
        },
    ] {
        let p = preview_import(&db, id, file.clone()).await.unwrap();
        assert!(p.ok(), "{p:?}");
        assert!(p.rows.iter().all(|r| r.action == RowAction::Unchanged));
        assert_eq!(p.rows.len(), 2);
        let before = tables(&db).await;
        let done = import(&db, &cli(), id, file).await.unwrap().unwrap();
        assert_eq!(
            done,
            Imported {
                added: 0,
                updated: 0
            }
        );
        let after = tables(&db).await;
        // Nothing changed but the audit entry of the import.
        assert_eq!(
            before.lines().take(2).collect::<Vec<_>>(),
            after.lines().take(2).collect::<Vec<_>>()
        );
    }
    // Not a workbook, or not base64.
    for text in ["iro,matter", "not base64!"] {
        let p = preview_import(
            &db,
            id,
            RegisterFile {
                text: text.into(),
                xlsx: true,
            },
        )
        .await
        .unwrap();
        assert_eq!(
            p.file_problem,
            Some(FieldProblem::new("file", Problem::Unreadable))
        );
    }
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_correct_file_adds_and_corrects_in_one_audited_write(db: Db) {
    let (id, risk, impact) = cycle_with_iros(&db).await;
    let file = format!(
        "iro,matter,kind,occurrence,human_rights,value_chain,horizons,description_zh,description_en,source,leads_to\n\
         ,E1.1,opportunity,anticipated,false,downstream,\"medium,long\",低碳产品,Low-carbon products,workshop,\n\
         {impact},S1.1.8,negative_impact,actual,false,own_operations,short,热应激,Heat stress,expert,{risk}\n\
         {risk},E3.1.2,risk,anticipated,false,\"upstream,own_operations\",\"medium,long\",干旱,Drought in the basin,desk_research,\n"
    );
    let p = preview_import(&db, id, csv(file.clone())).await.unwrap();
    assert!(p.ok(), "{p:?}");
    let actions: Vec<_> = p.rows.iter().map(|r| r.action).collect();
    assert_eq!(
        actions,
        [RowAction::Add, RowAction::Update, RowAction::Update]
    );
    let audit = count(&db, "SELECT COUNT(*) FROM audit_log").await;
    let done = import(&db, &cli(), id, csv(file)).await.unwrap().unwrap();
    assert_eq!(
        done,
        Imported {
            added: 1,
            updated: 2
        }
    );
    let iros = register::iros(&db, id).await.unwrap();
    assert_eq!(iros.len(), 3);
    let new = &iros[2].record;
    assert_eq!(
        (new.iro.kind, new.matter.as_str()),
        (IroKind::Opportunity, "E1.1")
    );
    let by_id = |n: i64| iros.iter().find(|r| r.id == n).unwrap().record.clone();
    assert_eq!(by_id(impact).leads_to, [risk]);
    assert_eq!(by_id(impact).description.en, "Heat stress");
    assert_eq!(by_id(risk).description.en, "Drought in the basin");
    // One audit entry with every row written.
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM audit_log").await,
        audit + 1
    );
    let entry: String =
        sqlx::query_scalar("SELECT after FROM audit_log WHERE action = 'register.import'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(
        entry.contains("\"added\":1")
            && entry.contains("Low-carbon products")
            && entry.contains("Heat stress"),
        "{entry}"
    );
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_file_with_any_problem_writes_nothing(db: Db) {
    let (id, risk, impact) = cycle_with_iros(&db).await;
    // Good rows around two bad ones: the rated risk made current, a matter the cycle lacks.
    let file = format!(
        "iro,matter,kind,occurrence,value_chain,horizons,description_zh,description_en,source\n\
         ,E1.1,opportunity,anticipated,downstream,medium,低碳产品,Low-carbon products,workshop\n\
         {risk},E3.1.2,risk,current,upstream,\"medium,long\",干旱,Drought,desk_research\n\
         ,X9,risk,current,upstream,short,甲,A,expert\n\
         {impact},S1.1.8,negative_impact,actual,own_operations,short,热应激,Heat stress,expert\n"
    );
    let before = tables(&db).await;
    let refused = import(&db, &cli(), id, csv(file))
        .await
        .unwrap()
        .unwrap_err();
    let problems: Vec<_> = refused
        .rows
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| (r.line, r.problems.clone()))
        .collect();
    assert_eq!(
        problems,
        [
            (3, vec![FieldProblem::new("occurrence", Problem::Rated)]),
            (4, vec![FieldProblem::new("matter", Problem::Unknown)]),
        ]
    );
    assert_eq!(tables(&db).await, before);
    // Too large, whole.
    let large = csv("x".repeat(app::domain::register_file::MAX_FILE_BYTES + 1));
    let refused = import(&db, &cli(), id, large).await.unwrap().unwrap_err();
    assert_eq!(
        refused.file_problem,
        Some(FieldProblem::new("file", Problem::TooLong))
    );
    assert_eq!(tables(&db).await, before);
}
