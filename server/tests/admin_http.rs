//! The admin side through the real router: who may call what, CSRF, field errors, exports.

mod common;

use app::api::admin::*;
use app::store::auth::Role;
use app::store::{self, Db};
use axum::http::{header, StatusCode};
use common::*;
use leptos::server_fn::ServerFn;

struct Sessions {
    admin: String,
    reviewer: String,
}

async fn sessions(db: &Db) -> Sessions {
    let admin = store::auth::create_user(
        db,
        &cli(),
        "admin@example.com",
        "admin password",
        Role::Admin,
    )
    .await
    .unwrap();
    let reviewer = store::auth::create_user(
        db,
        &cli(),
        "rev@example.com",
        "reviewer password",
        Role::Reviewer,
    )
    .await
    .unwrap();
    Sessions {
        admin: store::auth::create_session(db, &admin).await.unwrap(),
        reviewer: store::auth::create_session(db, &reviewer).await.unwrap(),
    }
}

/// The contents of every table an admin function writes, to prove a refusal changed nothing.
async fn snapshot(db: &Db) -> Vec<String> {
    dump(
        db,
        &[
            "topics",
            "categories",
            "stakeholder_groups",
            "cycles",
            "cycle_topics",
            "cycle_groups",
            "invitations",
            "users",
            "sessions",
            "api_tokens",
            "review_comments",
            "overrides",
            "confirmations",
            "management_notes",
            "audit_log",
            "recipients",
            "outbox",
            "mail_templates",
            "mail_settings",
        ],
    )
    .await
}

/// Every server function the application registers that is not for admins only: sign-in, the survey,
/// a reviewer's own tokens and the review. Everything else must refuse anyone but an admin.
fn not_admin_only() -> std::collections::BTreeSet<&'static str> {
    use app::api::{auth, results, review, survey, tokens};
    [
        <auth::Login as ServerFn>::PATH,
        <auth::Logout as ServerFn>::PATH,
        <results::GetMatrix as ServerFn>::PATH,
        <review::GetReview as ServerFn>::PATH,
        <review::AddComment as ServerFn>::PATH,
        <review::GetMaterial as ServerFn>::PATH,
        <survey::LoadSurvey as ServerFn>::PATH,
        <tokens::MyTokens as ServerFn>::PATH,
        <tokens::CreateMyToken as ServerFn>::PATH,
        <tokens::RevokeMyToken as ServerFn>::PATH,
        <app::api::users::ChangePassword as ServerFn>::PATH,
        <app::api::register::MyAssignments as ServerFn>::PATH,
        <app::api::register::SaveMyRating as ServerFn>::PATH,
        <app::api::register::MyAssessmentCycles as ServerFn>::PATH,
        <app::api::register::GetAssessment as ServerFn>::PATH,
        <app::api::register::GetDisclosures as ServerFn>::PATH,
    ]
    .into_iter()
    .collect()
}
/// An IRO as the register's form posts it.
const IRO: &str = "iro[matter]=E1&iro[kind]=risk&iro[occurrence]=current&iro[value_chain][]=upstream&iro[horizons][]=short&iro[description_zh]=%E6%B0%B4&iro[description_en]=Water&iro[source]=expert";

/// Every admin server function with a body that an admin's call would accept (`user`: an account
/// that may be disabled).
fn every_admin_call(cycle: i64, user: i64) -> Vec<(&'static str, String)> {
    use app::api::{mail, register, review, users};
    let topic = "original=&topic[code]=E99&topic[category]=E&topic[custom_category]=&topic[name_zh]=水&topic[name_en]=Water&topic[description_zh]=&topic[description_en]=&topic[active]=true";
    let group = "original=&group[code]=NGO&group[name_zh]=组织&group[name_en]=NGOs&group[kind]=external&group[affected_by]=3&group[affects]=3&group[concerns_zh]=&group[concerns_en]=&group[channels_zh]=&group[channels_en]=&group[weight]=";
    let settings = "cycle[name]=X&cycle[year]=2026&cycle[scale]=1-5&cycle[labels_zh]=&cycle[labels_en]=&cycle[opens_on]=&cycle[closes_on]=&cycle[k]=5&cycle[threshold]=3.5&cycle[threshold_rule]=both";
    vec![
        (<Library as ServerFn>::PATH, String::new()),
        (<SaveTopic as ServerFn>::PATH, topic.into()),
        (<SetTopicActive as ServerFn>::PATH, "code=E1&active=false".into()),
        (<MoveTopic as ServerFn>::PATH, "code=E2&up=true".into()),
        (<DeleteTopic as ServerFn>::PATH, "code=E2".into()),
        (
            <SaveCategory as ServerFn>::PATH,
            "category[code]=ECO&category[name][zh]=经济&category[name][en]=Economic&category[colour]=%23cc79a7&is_new=true".into(),
        ),
        (<PreviewImport as ServerFn>::PATH, "text=code".into()),
        (
            <ImportTopics as ServerFn>::PATH,
            "text=code%2Ccategory%2Cname_zh%2Cname_en%0AE77%2CE%2C%E6%B0%B4%2CWater".into(),
        ),
        (<Preset as ServerFn>::PATH, "name=report-2022".into()),
        (<ListGroups as ServerFn>::PATH, String::new()),
        (<SaveGroup as ServerFn>::PATH, group.into()),
        (<SetGroupActive as ServerFn>::PATH, "code=EMP&active=false".into()),
        (<StakeholderMap as ServerFn>::PATH, "lang=En".into()),
        (<ListCycles as ServerFn>::PATH, String::new()),
        (<CreateCycle as ServerFn>::PATH, settings.into()),
        (<CopyCycle as ServerFn>::PATH, format!("from={cycle}")),
        (<CycleAdmin as ServerFn>::PATH, format!("id={cycle}")),
        (<UpdateCycle as ServerFn>::PATH, format!("id={cycle}&{settings}")),
        (<SetCycleTopics as ServerFn>::PATH, format!("id={cycle}&topics[]=E1")),
        (<SetCycleGroups as ServerFn>::PATH, format!("id={cycle}&groups[]=EMP")),
        (<SetCycleStatus as ServerFn>::PATH, format!("id={cycle}&status=closed")),
        (<GenerateLinks as ServerFn>::PATH, format!("id={cycle}&group=EMP&count=3")),
        (<MakeOpenLink as ServerFn>::PATH, format!("id={cycle}&group=EMP")),
        (<RevokeUnused as ServerFn>::PATH, format!("id={cycle}&group=EMP")),
        (<RevokeLink as ServerFn>::PATH, format!("id={cycle}&link=abc")),
        (<CycleProgress as ServerFn>::PATH, format!("id={cycle}")),
        (<mail::MailView as ServerFn>::PATH, format!("id={cycle}")),
        (<mail::MailProgress as ServerFn>::PATH, format!("id={cycle}")),
        (
            <mail::RecipientList as ServerFn>::PATH,
            format!("id={cycle}&group=EMP&list=a%40example.com%2Cen&add=1"),
        ),
        (<mail::EraseRecipient as ServerFn>::PATH, format!("id={cycle}&recipient=1")),
        (
            <mail::TemplateAction as ServerFn>::PATH,
            format!("id={cycle}&kind=invitation&lang=en&subject=Hi&body=%7Blink%7D&op=save"),
        ),
        (
            <mail::SaveMailSettings as ServerFn>::PATH,
            format!("id={cycle}&organisation_en=ACME"),
        ),
        (<mail::SendMail as ServerFn>::PATH, format!("id={cycle}&what=invitations")),
        (<users::ListUsers as ServerFn>::PATH, String::new()),
        (
            <users::AddUser as ServerFn>::PATH,
            "email=new%40example.com&password=long+enough+password&role=reviewer".into(),
        ),
        (
            <users::SetUserDisabled as ServerFn>::PATH,
            format!("id={user}&disabled=true"),
        ),
        (
            <users::ResetPassword as ServerFn>::PATH,
            format!("id={user}&password=a+long+new+password"),
        ),
        (
            <review::SetOverride as ServerFn>::PATH,
            format!("id={cycle}&topic=E1&decision=material&reason=Why"),
        ),
        (<review::ConfirmCycle as ServerFn>::PATH, format!("id={cycle}&confirm=yes")),
        (
            <review::CarryForward as ServerFn>::PATH,
            format!("id={cycle}&from={cycle}&rationale=Same"),
        ),
        (
            <review::SetNote as ServerFn>::PATH,
            format!("id={cycle}&topic=E1&note=Policy"),
        ),
        (
            <review::GetAudit as ServerFn>::PATH,
            "actor=&action=&subject=".into(),
        ),
        (<review::VerifyAudit as ServerFn>::PATH, String::new()),
        (<register::GetRegister as ServerFn>::PATH, format!("id={cycle}")),
        (
            <register::SetCycleMethod as ServerFn>::PATH,
            format!("id={cycle}&method=double"),
        ),
        (
            <register::LoadMatterPreset as ServerFn>::PATH,
            format!("id={cycle}&preset=esrs-2023"),
        ),
        (<register::AddIro as ServerFn>::PATH, format!("id={cycle}&{IRO}")),
        (
            <register::AddMatter as ServerFn>::PATH,
            format!("id={cycle}&matter[code]=X1&matter[pillar]=E&matter[name_zh]=%E6%B0%B4&matter[name_en]=Water"),
        ),
        (
            <register::RemoveMatter as ServerFn>::PATH,
            format!("id={cycle}&matter=X1"),
        ),
        (<register::RetireIro as ServerFn>::PATH, format!("id={cycle}&iro=1")),
        (
            <register::EditIro as ServerFn>::PATH,
            format!("id={cycle}&iro=1&{}", IRO.replace("iro[", "fields[")),
        ),
        (
            <register::AssignIro as ServerFn>::PATH,
            format!("id={cycle}&iro=1&user={user}"),
        ),
        (
            <register::CalibrateIro as ServerFn>::PATH,
            format!("id={cycle}&iro=1&score=3&reason=Why"),
        ),
        (
            <register::DecideIro as ServerFn>::PATH,
            format!("id={cycle}&iro=1&material=true&reason=Why"),
        ),
        (
            <register::SetCycleScoring as ServerFn>::PATH,
            format!("id={cycle}&aggregation=mean&impact_threshold=3&financial_threshold=3&grey_band=0.5&spread_limit=1.5"),
        ),
        (
            <register::SetHideAssessors as ServerFn>::PATH,
            format!("id={cycle}&hidden=true"),
        ),
        (
            <register::SetTopicMatter as ServerFn>::PATH,
            format!("id={cycle}&topic=E1&matter=E1"),
        ),
        (
            <register::PreviewRegisterImport as ServerFn>::PATH,
            format!(r#"{{"id": {cycle}, "file": {{"text": "iro", "xlsx": false}}}}"#),
        ),
        (
            <register::ImportRegister as ServerFn>::PATH,
            format!(r#"{{"id": {cycle}, "file": {{"text": "iro", "xlsx": false}}}}"#),
        ),
        (
            <register::WaiveAssignment as ServerFn>::PATH,
            format!("id={cycle}&iro=1&user={user}&reason=Why"),
        ),
        // Last: it deletes the cycle the others use (it has no answers).
        (<DeleteCycle as ServerFn>::PATH, format!("id={cycle}")),
    ]
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn every_admin_function_refuses_reviewers_and_anonymous_callers(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    store::links::invite(&db, &cli(), cycle, "EMP", 2)
        .await
        .unwrap();
    let s = sessions(&db).await;
    let before = snapshot(&db).await;
    let reviewer = count(&db, "SELECT id FROM users WHERE email = 'rev@example.com'").await;
    let calls = every_admin_call(cycle, reviewer);
    // The list covers every admin function the application registers, derived from the code: a new
    // one that is missing here fails this test.
    let registered: std::collections::BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .filter(|p| !not_admin_only().contains(p.as_str()))
        .collect();
    let listed: std::collections::BTreeSet<String> =
        calls.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(listed, registered, "every admin function, and only those");
    for (session, refusal, code) in [
        (None, "Unauthorized", StatusCode::UNAUTHORIZED),
        (Some(&s.reviewer), "Forbidden", StatusCode::FORBIDDEN),
    ] {
        for (path, body) in &calls {
            let (status, res) = send(&app, call(path, body, session.map(|s| s.as_str()))).await;
            assert_eq!(status, code, "{path} {refusal}");
            let text = body_text(res).await;
            assert!(text.contains(refusal), "{path} {refusal}: {text}");
        }
    }
    assert_eq!(snapshot(&db).await, before);

    // The same calls by an admin reach every function: each succeeds or (revoking the unknown link
    // `abc`) is refused for its input, 422; the demo cycle has no IRO to retire, assign or
    // calibrate (404).
    use app::api::register::{
        AssignIro, CalibrateIro, DecideIro, EditIro, RetireIro, WaiveAssignment,
    };
    let no_iro_yet = [
        <EditIro as ServerFn>::PATH,
        <RetireIro as ServerFn>::PATH,
        <AssignIro as ServerFn>::PATH,
        <CalibrateIro as ServerFn>::PATH,
        <DecideIro as ServerFn>::PATH,
        <WaiveAssignment as ServerFn>::PATH,
    ];
    for (path, body) in &calls {
        let (status, res) = send(&app, call(path, body, Some(&s.admin))).await;
        let text = body_text(res).await;
        let reached = status == StatusCode::OK
            || (status == StatusCode::UNPROCESSABLE_ENTITY && text.starts_with("{\"Refused\""))
            || (status == StatusCode::NOT_FOUND && no_iro_yet.contains(path));
        assert!(reached, "{path}: {status} {text}");
    }
    assert_ne!(snapshot(&db).await, before);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn admin_pages_and_exports_refuse_with_401_and_403(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    let s = sessions(&db).await;
    let pages = [
        "/admin/topics".to_string(),
        "/admin/groups".into(),
        "/admin/cycles".into(),
        format!("/admin/cycles/{cycle}"),
        format!("/admin/cycles/{cycle}/progress"),
        "/api/v1/topics.csv".into(),
        "/api/v1/topics.json".into(),
    ];
    for page in &pages {
        let (status, res) = send(&app, get_as(page, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{page}");
        let text = body_text(res).await;
        assert!(!text.contains("Green operations"), "{page} leaked data");
        let (status, _) = send(&app, get_as(page, Some(&s.reviewer))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
        let (status, res) = send(&app, get_as(page, Some(&s.admin))).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let text = body_text(res).await;
        // The page itself (with the admin navigation), or the export with the library in it.
        let mark = if page.starts_with("/api/") {
            "Green operations"
        } else {
            "<nav"
        };
        assert!(text.contains(mark), "{page}: {text}");
    }

    // The admin's export is the library, UTF-8 with a byte-order mark, Chinese intact.
    let (_, res) = send(&app, get_as("/api/v1/topics.csv", Some(&s.admin))).await;
    let csv = body_text(res).await;
    assert!(csv.starts_with("\u{feff}code,category,custom_category,name_zh,name_en"));
    assert!(csv.contains("E1,E,,绿色运营,Green operations"));
    // Imported back, it changes nothing.
    let before = store::library::export(&db).await.unwrap();
    let done = store::library::import(&db, &cli(), &csv)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.added, done.updated), (0, 0));
    assert_eq!(store::library::export(&db).await.unwrap(), before);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn cross_site_admin_calls_are_refused(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    let s = sessions(&db).await;
    let before = snapshot(&db).await;
    let reviewer = count(&db, "SELECT id FROM users WHERE email = 'rev@example.com'").await;
    for (path, body) in every_admin_call(cycle, reviewer) {
        let mut req = call(path, &body, Some(&s.admin));
        req.headers_mut().remove(header::ORIGIN);
        let (status, _) = send(&app, req).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} without Origin");
        let mut req = call(path, &body, Some(&s.admin));
        req.headers_mut()
            .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        let (status, _) = send(&app, req).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} from another site");
    }
    assert_eq!(snapshot(&db).await, before);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn invalid_admin_input_gets_field_errors_and_writes_nothing(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    let s = sessions(&db).await;
    let before = snapshot(&db).await;
    let cases = [
        (
            <SaveTopic as ServerFn>::PATH,
            "original=&topic[code]=E1&topic[category]=E&topic[custom_category]=&topic[name_zh]=&topic[name_en]=x&topic[description_zh]=&topic[description_en]=&topic[active]=true".to_string(),
            vec!["name_zh", "Required"],
        ),
        (
            <SaveTopic as ServerFn>::PATH,
            "original=&topic[code]=E1&topic[category]=E&topic[custom_category]=&topic[name_zh]=x&topic[name_en]=x&topic[description_zh]=&topic[description_en]=&topic[active]=true".to_string(),
            vec!["code", "DuplicateCode"],
        ),
        (
            <SaveGroup as ServerFn>::PATH,
            "original=&group[code]=EMP&group[name_zh]=x&group[name_en]=x&group[kind]=alien&group[affected_by]=9&group[affects]=3&group[concerns_zh]=&group[concerns_en]=&group[channels_zh]=&group[channels_en]=&group[weight]=-2".to_string(),
            vec!["kind", "affected_by", "weight"],
        ),
        (
            <CreateCycle as ServerFn>::PATH,
            "cycle[name]=&cycle[year]=1999&cycle[scale]=1-9&cycle[labels_zh]=&cycle[labels_en]=&cycle[opens_on]=2026-02-30&cycle[closes_on]=&cycle[k]=0&cycle[threshold]=9&cycle[threshold_rule]=both".to_string(),
            vec!["name", "year", "scale", "opens_on", "k", "threshold"],
        ),
        (
            <GenerateLinks as ServerFn>::PATH,
            format!("id={cycle}&group=EMP&count=0"),
            vec!["count", "BadNumber"],
        ),
        (
            <GenerateLinks as ServerFn>::PATH,
            format!("id={cycle}&group=NOPE&count=2"),
            vec!["group"],
        ),
        (
            <ImportTopics as ServerFn>::PATH,
            "text=code%2Ccategory%2Cname_zh%2Cname_en%0AE1%2CE%2C%E6%B0%B4%2CWater%0AS1%2CQ%2C%E6%B0%B4%2CWater".to_string(),
            vec!["BadCategory"],
        ),
    ];
    for (path, body, expected) in cases {
        let (status, res) = send(&app, call(path, &body, Some(&s.admin))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let text = body_text(res).await;
        assert!(
            text.starts_with("{\"Refused\"") || text.starts_with("{\"Import\""),
            "{path}: {text}"
        );
        for word in expected {
            assert!(text.contains(word), "{path}: {word} missing in {text}");
        }
    }
    assert_eq!(snapshot(&db).await, before);
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_refused_plain_form_post_goes_back_to_its_page(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    let s = sessions(&db).await;
    let before = snapshot(&db).await;
    // A browser without JavaScript asks for HTML: it is sent back to the page it posted from
    // (which says why), not shown a bare 403.
    let mut req = call(
        <GenerateLinks as ServerFn>::PATH,
        &format!("id={cycle}&group=EMP&count=3"),
        Some(&s.reviewer),
    );
    let headers = req.headers_mut();
    headers.insert(header::ACCEPT, "text/html".parse().unwrap());
    let page = format!("http://localhost/admin/cycles/{cycle}");
    headers.insert(header::REFERER, page.parse().unwrap());
    let (status, res) = send(&app, req).await;
    assert_eq!(status, StatusCode::FOUND);
    // Leptos puts the refusal in the query, for the page to show.
    let to = res.headers()[header::LOCATION].to_str().unwrap();
    assert!(
        to.starts_with(&format!("{page}?")) && to.contains("__err="),
        "{to}"
    );
    assert_eq!(snapshot(&db).await, before);

    // An admin's refused input: back on the page, which shows the problem beside its field.
    let mut req = call(
        <GenerateLinks as ServerFn>::PATH,
        &format!("id={cycle}&group=EMP&count=0"),
        Some(&s.admin),
    );
    let headers = req.headers_mut();
    headers.insert(header::ACCEPT, "text/html".parse().unwrap());
    headers.insert(header::REFERER, page.parse().unwrap());
    let (status, res) = send(&app, req).await;
    assert_eq!(status, StatusCode::FOUND);
    let to = res.headers()[header::LOCATION].to_str().unwrap();
    let back = to.strip_prefix("http://localhost").unwrap();
    let (status, res) = send(&app, get_as(back, Some(&s.admin))).await;
    assert_eq!(status, StatusCode::OK);
    let words = app::i18n::Lang::default()
        .t()
        .problem(app::domain::Problem::BadNumber);
    let html = body_text(res).await;
    assert!(
        html.contains(&format!(r#"class="field-error">{words}</p>"#)),
        "{back}: no message in the page"
    );
    assert_eq!(snapshot(&db).await, before);
}

/// Every admin action and its audit entry land together or not at all: with the audit log refusing
/// every new entry (a trigger, as a full disk or a broken log would), no admin call changes anything,
/// and none says it did.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_admin_change_without_its_audit_entry_is_not_made(db: Db) {
    let app = router(db.clone());
    let (cycle, _) = demo(&db).await;
    store::links::invite(&db, &cli(), cycle, "EMP", 2)
        .await
        .unwrap();
    let s = sessions(&db).await;
    let reviewer = count(&db, "SELECT id FROM users WHERE email = 'rev@example.com'").await;
    sqlx::query(
        "CREATE TRIGGER audit_down BEFORE INSERT ON audit_log
         BEGIN SELECT RAISE(ABORT, 'the audit log cannot be written'); END",
    )
    .execute(&db)
    .await
    .unwrap();
    let before = snapshot(&db).await;
    let mut refused = 0;
    for (path, body) in every_admin_call(cycle, reviewer) {
        let (status, res) = send(&app, call(path, &body, Some(&s.admin))).await;
        let text = body_text(res).await;
        assert_eq!(
            snapshot(&db).await,
            before,
            "{path} changed data unrecorded"
        );
        let refused_input = [StatusCode::UNPROCESSABLE_ENTITY, StatusCode::NOT_FOUND];
        if status != StatusCode::OK && !refused_input.contains(&status) {
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path}: {text}");
            refused += 1;
        }
    }
    // Every call that writes was refused (reads still answer).
    assert!(refused >= 20, "only {refused} calls failed");
}
