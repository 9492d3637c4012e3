//! The double-materiality register through the real router: an admin sets the method, loads a
//! preset and adds IROs by server function; refusals are 422 with every problem; reviewers get 403.

mod common;

use app::api::register::*;
use app::domain::Role;
use app::store::Db;
use axum::http::StatusCode;
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

async fn answer(app: &axum::Router, path: &str, body: &str, s: &str) -> (StatusCode, Value) {
    let (status, res) = send(app, call(path, body, Some(s))).await;
    let text = body_text(res).await;
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status} {text}: {e}"));
    (status, v)
}

/// What a refusal of one field answers.
fn refused(field: &str, problem: &str) -> (StatusCode, Value) {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({"Refused": [{"field": field, "problem": problem}]}),
    )
}

const RISK: &str = "iro[matter]=E3.1.2&iro[kind]=risk&iro[occurrence]=anticipated&iro[value_chain][]=upstream&iro[value_chain][]=own_operations&iro[horizons][]=long&iro[description_zh]=%E5%B9%B2%E6%97%B1&iro[description_en]=Drought&iro[source]=expert";

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_admin_builds_a_register_and_bad_input_is_422(db: Db) {
    let app = router(db.clone());
    let admin = session(&db, "admin@example.com", Role::Admin).await;
    let reviewer = session(&db, "rev@example.com", Role::Reviewer).await;
    let id = draft_cycle(&db).await;
    // A survey cycle takes no preset yet.
    let (status, v) = answer(
        &app,
        LoadMatterPreset::PATH,
        &format!("id={id}&preset=esrs-2023"),
        &admin,
    )
    .await;
    assert_eq!((status, v), refused("preset", "NotAllowed"));
    let (status, v) = answer(
        &app,
        SetCycleMethod::PATH,
        &format!("id={id}&method=triple"),
        &admin,
    )
    .await;
    assert_eq!((status, v), refused("method", "Unknown"));
    let (status, _) = answer(
        &app,
        SetCycleMethod::PATH,
        &format!("id={id}&method=double"),
        &admin,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = answer(
        &app,
        LoadMatterPreset::PATH,
        &format!("id={id}&preset=esrs-2023"),
        &admin,
    )
    .await;
    assert_eq!((status, v), (StatusCode::OK, json!(120)));
    let (status, v) = answer(&app, AddIro::PATH, &format!("id={id}&{RISK}"), &admin).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let iro = v.as_i64().unwrap();

    // Every problem at once, by field, and nothing written.
    let bad = RISK
        .replace("iro[kind]=risk", "iro[kind]=threat")
        .replace("iro[description_en]=Drought", "iro[description_en]=");
    let (status, v) = answer(&app, AddIro::PATH, &format!("id={id}&{bad}"), &admin).await;
    assert_eq!(
        (status, v),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"Refused": [
                {"field": "kind", "problem": "Unknown"},
                {"field": "occurrence", "problem": "Unknown"},
                {"field": "description_en", "problem": "Required"}
            ]})
        )
    );

    let (status, v) = answer(&app, GetRegister::PATH, &format!("id={id}"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["method"], "Double");
    assert_eq!(v["preset"], "esrs-2023 ESRS Set 1 (2023)");
    assert_eq!(v["matters"].as_array().unwrap().len(), 120);
    let iros = v["iros"].as_array().unwrap();
    assert_eq!(iros.len(), 1);
    assert_eq!(iros[0]["id"], iro);
    assert_eq!(
        iros[0]["record"]["value_chain"],
        json!(["OwnOperations", "Upstream"])
    );
    assert_eq!(iros[0]["record"]["description"]["zh"], "干旱");

    // Reviewers read and write nothing of it.
    for (path, body) in [
        (GetRegister::PATH, format!("id={id}")),
        (AddIro::PATH, format!("id={id}&{RISK}")),
        (RetireIro::PATH, format!("id={id}&iro={iro}")),
    ] {
        let (status, _) = send(&app, call(path, &body, Some(&reviewer))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM iros").await, 1);
    let (status, _) = answer(&app, RetireIro::PATH, &format!("id={id}&iro={iro}"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        &app,
        call(RetireIro::PATH, &format!("id={id}&iro={iro}"), Some(&admin)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "retired already");
}

/// An assessor sees and rates only their own assignments, by the server functions a form posts.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_assessor_rates_only_their_own_assignments(db: Db) {
    let app = router(db.clone());
    let admin = session(&db, "admin@example.com", Role::Admin).await;
    let expert = session(&db, "expert@example.com", Role::Assessor).await;
    let other = session(&db, "other@example.com", Role::Reviewer).await;
    let id = draft_cycle(&db).await;
    answer(
        &app,
        SetCycleMethod::PATH,
        &format!("id={id}&method=double"),
        &admin,
    )
    .await;
    answer(
        &app,
        LoadMatterPreset::PATH,
        &format!("id={id}&preset=esrs-2023"),
        &admin,
    )
    .await;
    let (_, v) = answer(&app, AddIro::PATH, &format!("id={id}&{RISK}"), &admin).await;
    let iro = v.as_i64().unwrap();
    let expert_id = count(
        &db,
        "SELECT id FROM users WHERE email = 'expert@example.com'",
    )
    .await;
    let assign = format!("id={id}&iro={iro}&user={expert_id}");
    let (status, _) = answer(&app, AssignIro::PATH, &assign, &admin).await;
    assert_eq!(status, StatusCode::OK);

    let (_, mine) = answer(&app, MyAssignments::PATH, &format!("id={id}"), &expert).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["iro"]["id"], iro);
    let (_, theirs) = answer(&app, MyAssignments::PATH, &format!("id={id}"), &other).await;
    assert_eq!(theirs, json!([]));

    let rating = format!(
        "id={id}&iro={iro}&ratings[0][horizon]=long&ratings[0][likelihood]=3&ratings[0][magnitude]=4&rationale=Drought+maps&submit=true"
    );
    let (status, _) = send(&app, call(SaveMyRating::PATH, &rating, Some(&other))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not theirs");
    let bad = rating.replace("magnitude]=4", "magnitude]=four");
    let (status, v) = answer(&app, SaveMyRating::PATH, &bad, &expert).await;
    assert_eq!((status, v), refused("rating.long", "BadNumber"));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM iro_ratings").await, 0);
    let (status, v) = answer(&app, SaveMyRating::PATH, &rating, &expert).await;
    assert_eq!((status, v), (StatusCode::OK, json!(true)), "locked");
    let (_, mine) = answer(&app, MyAssignments::PATH, &format!("id={id}"), &expert).await;
    assert_eq!(mine[0]["submitted"], true);
    assert_eq!(mine[0]["ratings"][0][1]["magnitude"], 4);
    // Submitted: locked.
    let (status, _) = answer(&app, SaveMyRating::PATH, &rating, &expert).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The register downloads as a file that imports back: admins only; an import through the server
/// function previews, writes all rows, or refuses with every row's problems (422) and writes nothing;
/// another site cannot post one.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_register_file_downloads_and_imports_all_or_nothing(db: Db) {
    let app = router(db.clone());
    let admin = session(&db, "admin@example.com", Role::Admin).await;
    let reviewer = session(&db, "rev@example.com", Role::Reviewer).await;
    let id = draft_cycle(&db).await;
    for (path, body) in [
        (SetCycleMethod::PATH, format!("id={id}&method=double")),
        (LoadMatterPreset::PATH, format!("id={id}&preset=esrs-2023")),
        (AddIro::PATH, format!("id={id}&{RISK}")),
    ] {
        let (status, v) = answer(&app, path, &body, &admin).await;
        assert_eq!(status, StatusCode::OK, "{path}: {v}");
    }
    let url = format!("/api/v1/cycles/{id}/register.csv");
    let (status, res) = send(&app, get_as(&url, Some(&admin))).await;
    assert_eq!(status, StatusCode::OK);
    let csv = body_text(res).await;
    assert!(
        csv.starts_with("\u{feff}iro,matter,kind,occurrence,human_rights,value_chain,horizons,"),
        "{csv}"
    );
    assert!(csv.contains(",E3.1.2,risk,anticipated,false,"), "{csv}");
    for (who, status) in [(Some(reviewer.as_str()), 403), (None, 401)] {
        let (got, _) = send(&app, get_as(&url, who)).await;
        assert_eq!(got.as_u16(), status);
    }
    let xlsx = format!("/api/v1/cycles/{id}/register.xlsx");
    let (status, res) = send(&app, get_as(&xlsx, Some(&admin))).await;
    assert_eq!(status, StatusCode::OK);
    let sheet = xlsx_sheet(body_bytes(res).await, "register");
    assert_eq!(sheet[1][1..4], ["E3.1.2", "risk", "anticipated"]);

    // One more row, and the export's own row with a new description.
    let added = csv.replace("Drought", "Drought in the basin")
        + "\r\n,E1.1,opportunity,anticipated,false,downstream,long,低碳,Low-carbon products,workshop,\r\n";
    let body = |text: &str| json!({"id": id, "file": {"text": text, "xlsx": false}}).to_string();
    let (status, v) = answer(&app, PreviewRegisterImport::PATH, &body(&added), &admin).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["rows"][0]["action"], "Update");
    assert_eq!(v["rows"][1]["action"], "Add");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM iros").await,
        1,
        "a preview writes nothing"
    );

    // From another site: refused before it is read.
    let mut cross = call(ImportRegister::PATH, &body(&added), Some(&admin));
    cross.headers_mut().insert(
        axum::http::header::ORIGIN,
        "https://evil.example".parse().unwrap(),
    );
    let (status, _) = send(&app, cross).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM iros").await, 1);

    // A bad row refuses the whole file.
    let bad = added.replace("opportunity", "threat");
    let (status, v) = answer(&app, ImportRegister::PATH, &body(&bad), &admin).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["RegisterImport"]["rows"][1]["problems"],
        json!([
            {"field": "kind", "problem": "Unknown"},
            {"field": "occurrence", "problem": "Unknown"}
        ])
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM iros").await, 1);
    let (status, v) = answer(&app, ImportRegister::PATH, &body(&added), &admin).await;
    assert_eq!(
        (status, v),
        (StatusCode::OK, json!({"added": 1, "updated": 1}))
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM iros").await, 2);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM iros WHERE description_en = 'Drought in the basin'"
        )
        .await,
        1
    );
    // A file of Chinese text just under 1 MiB travels (JSON keeps it at its size), and one byte more
    // is refused with its reason, not by the transport.
    let row = format!(
        ",E1.1,risk,current,false,upstream,short,{},x,expert\n",
        "干".repeat(600)
    );
    let mut big = String::from("matter,kind,occurrence,human_rights,value_chain,horizons,description_zh,description_en,source\n");
    while big.len() + row.len() <= app::domain::register_file::MAX_FILE_BYTES {
        big.push_str(&row);
    }
    big.push_str(&"x".repeat(app::domain::register_file::MAX_FILE_BYTES - big.len()));
    let (status, v) = answer(&app, PreviewRegisterImport::PATH, &body(&big), &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["file_problem"], Value::Null, "{}", v["file_problem"]);
    big.push('x');
    let (status, v) = answer(&app, PreviewRegisterImport::PATH, &body(&big), &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        v["file_problem"],
        json!({"field": "file", "problem": "TooLong"})
    );
    // Reviewers neither preview nor import.
    for path in [PreviewRegisterImport::PATH, ImportRegister::PATH] {
        let (status, _) = send(&app, call(path, &body(&added), Some(&reviewer))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
}
