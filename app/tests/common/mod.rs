//! What the double-materiality store tests share: a draft cycle of the method, IROs, assessors.
#![allow(dead_code)] // each test file uses its own part

use app::domain::double_materiality::{Horizon, Method};
use app::domain::iro::IroForm;
use app::domain::CycleForm;
use app::store::{self, register, Db};

pub fn cli() -> app::store::audit::Actor {
    app::store::audit::Actor::command_line()
}

pub async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

/// A draft cycle of the double-materiality method.
pub async fn double_cycle(db: &Db) -> i64 {
    let settings = CycleForm {
        name: "DMA 2026".into(),
        year: "2026".into(),
        scale: "1-5".into(),
        k: "5".into(),
        threshold: "3".into(),
        threshold_rule: "both".into(),
        ..Default::default()
    }
    .check()
    .unwrap();
    let id = store::cycles::create_cycle(db, &cli(), &settings)
        .await
        .unwrap();
    register::set_method(db, &cli(), id, Method::Double)
        .await
        .unwrap();
    id
}

pub fn water_risk() -> IroForm {
    IroForm {
        matter: "E3.1.2".into(),
        kind: "risk".into(),
        occurrence: "anticipated".into(),
        value_chain: vec!["upstream".into(), "own_operations".into()],
        horizons: vec!["medium".into(), "long".into()],
        human_rights: false,
        description_zh: "干旱导致取水受限".into(),
        description_en: "Drought limits water withdrawals".into(),
        source: "desk_research".into(),
        leads_to: String::new(),
    }
}

/// An actual negative impact on health and safety, over the short term.
pub fn actual_impact() -> IroForm {
    IroForm {
        matter: "S1.1.8".into(),
        kind: "negative_impact".into(),
        occurrence: "actual".into(),
        horizons: vec!["short".into()],
        ..water_risk()
    }
}

/// An account to assess with, and how the store records it acting.
pub async fn assessor(db: &Db, email: &str) -> (i64, app::store::audit::Actor) {
    account(db, email, app::domain::Role::Assessor).await
}

/// An account of `role`, and how the store records it acting.
pub async fn account(
    db: &Db,
    email: &str,
    role: app::domain::Role,
) -> (i64, app::store::audit::Actor) {
    let u = store::auth::create_user(db, &cli(), email, "a long password", role)
        .await
        .unwrap();
    (u.id, app::store::audit::Actor::from(&u))
}

pub fn negative(
    scale: u8,
    scope: u8,
    irremediable: u8,
) -> Vec<(Horizon, app::domain::double_materiality::Rating)> {
    vec![(
        Horizon::Short,
        app::domain::double_materiality::Criteria {
            scale: Some(scale),
            scope: Some(scope),
            irremediable: Some(irremediable),
            ..Default::default()
        },
    )]
}
