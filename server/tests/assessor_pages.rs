//! The double-materiality pages through the real router: an assessor reaches their own assignments
//! and nothing else, rates without JavaScript, and the scores page shows the result and its
//! calibration; every free text of the register is escaped on every page that shows it.

mod common;

use app::api::register::*;
use app::domain::Role;
use app::store::Db;
use axum::http::{header, StatusCode};
use axum::Router;
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

/// A server function that must succeed; its answer.
async fn ok(app: &Router, path: &str, body: &str, session: &str) -> Value {
    let (status, res) = send(app, call(path, body, Some(session))).await;
    let text = body_text(res).await;
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// A page as a signed-in browser (or nobody) gets it.
async fn page(app: &Router, uri: &str, session: Option<&str>) -> (StatusCode, String) {
    let (status, res) = send(app, get_as(uri, session)).await;
    (status, body_text(res).await)
}

/// A form posted by a browser without JavaScript from page `from`: the status and where it is sent.
async fn post_form(
    app: &Router,
    path: &str,
    body: &str,
    session: &str,
    from: &str,
) -> (StatusCode, String) {
    let mut req = call(path, body, Some(session));
    let headers = req.headers_mut();
    headers.insert(header::ACCEPT, "text/html".parse().unwrap());
    let from = format!("http://localhost{from}");
    headers.insert(header::REFERER, from.parse().unwrap());
    let (status, res) = send(app, req).await;
    let to = res
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, to)
}

/// An anticipated risk as the register's form posts it, with this English description.
fn risk(description: &str) -> String {
    format!(
        "iro[matter]=E3.1.2&iro[kind]=risk&iro[occurrence]=anticipated&iro[value_chain][]=upstream&iro[horizons][]=long&iro[description_zh]={d}&iro[description_en]={d}&iro[source]=expert",
        d = enc(description)
    )
}

struct Assigned {
    cycle: i64,
    iro: i64,
    admin: String,
    assessor: String,
}

/// A double-materiality cycle from the ESRS preset with one IRO (`form`) assigned to a new assessor,
/// expert@example.com.
async fn assigned(db: &Db, app: &Router, form: &str) -> Assigned {
    let admin = session(db, "admin@example.com", Role::Admin).await;
    let assessor = session(db, "expert@example.com", Role::Assessor).await;
    let cycle = draft_cycle(db).await;
    let set = format!("id={cycle}&method=double");
    ok(app, SetCycleMethod::PATH, &set, &admin).await;
    let preset = format!("id={cycle}&preset=esrs-2023");
    ok(app, LoadMatterPreset::PATH, &preset, &admin).await;
    let iro = ok(app, AddIro::PATH, &format!("id={cycle}&{form}"), &admin)
        .await
        .as_i64()
        .unwrap();
    let user = count(
        db,
        "SELECT id FROM users WHERE email = 'expert@example.com'",
    )
    .await;
    let assign = format!("id={cycle}&iro={iro}&user={user}");
    ok(app, AssignIro::PATH, &assign, &admin).await;
    Assigned {
        cycle,
        iro,
        admin,
        assessor,
    }
}

#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_assessor_rates_their_assignment_and_reaches_nothing_else(db: Db) {
    let app = router(db.clone());
    let a = assigned(&db, &app, &risk("Drought stops the plant")).await;
    let id = a.cycle;
    let (status, html) = page(&app, "/assess", Some(&a.assessor)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("DMA (2026)") && html.contains("0 of 1 submitted"),
        "{html}"
    );

    // The rating form asks what an anticipated risk's formula needs, on labelled anchors.
    let here = format!("/cycles/{id}/assess");
    let (status, html) = page(&app, &here, Some(&a.assessor)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Drought stops the plant"));
    for asked in [
        "name=\"ratings[0][magnitude]\"",
        "name=\"ratings[0][likelihood]\"",
        "5 · Very likely or certain (over 90 %)",
        "4 · Significant",
        "t judge</span>",
    ] {
        assert!(html.contains(asked), "{asked}");
    }
    assert!(!html.contains("ratings[0][scale]"), "a risk has no scale");
    let (_, zh) = page(&app, &format!("{here}?lang=zh-CN"), Some(&a.assessor)).await;
    assert!(zh.contains("5 · 极有可能或确定（90%以上）"));

    // Nothing of the results, the review or the admin pages; nobody signed in gets a sign-in.
    for uri in [
        format!("/cycles/{id}/matrix"),
        format!("/cycles/{id}/review"),
        format!("/cycles/{id}/assessment"),
        format!("/admin/cycles/{id}/register"),
        format!("/admin/cycles/{id}"),
        format!("/api/v1/cycles/{id}/results.json"),
        format!("/api/v1/cycles/{id}/double-matrix.svg"),
    ] {
        let (status, _) = page(&app, &uri, Some(&a.assessor)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}");
    }
    for (path, body) in [
        (GetAssessment::PATH, format!("id={id}")),
        (GetRegister::PATH, format!("id={id}")),
    ] {
        let (status, _) = send(&app, call(path, &body, Some(&a.assessor))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _) = page(&app, &here, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A browser without JavaScript posts the form and is sent back to the page.
    let body = format!(
        "id={id}&iro={}&ratings[0][horizon]=long&ratings[0][likelihood]=3&ratings[0][magnitude]=4&rationale=Drought+maps&submit=true",
        a.iro
    );
    let (status, to) = post_form(&app, SaveMyRating::PATH, &body, &a.assessor, &here).await;
    assert_eq!(status, StatusCode::FOUND);
    let from = format!("http://localhost{here}");
    assert_eq!(to.trim_end_matches('?'), from, "back to the page, no error");
    let stored = "SELECT COUNT(*) FROM iro_ratings WHERE likelihood = 3 AND magnitude = 4";
    assert_eq!(count(&db, stored).await, 1);
    let (_, html) = page(&app, &here, Some(&a.assessor)).await;
    assert!(html.contains("Submitted: your rating is locked."));
    let (_, html) = page(&app, "/assess", Some(&a.assessor)).await;
    assert!(html.contains("1 of 1 submitted"));

    // The scores: M 4 × L 3 / 5 = 2.4, not material; calibrated with a reason, material.
    let scores = format!("/cycles/{id}/assessment");
    let (status, html) = page(&app, &scores, Some(&a.admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("2.40 · Long term"), "{html}");
    assert!(html.contains("data-standing=\"NotMaterial\""));
    let calibrate = format!(
        "id={id}&iro={}&score=3.5&reason=Supplier+audit+shows+it+is+likelier",
        a.iro
    );
    ok(&app, CalibrateIro::PATH, &calibrate, &a.admin).await;
    let (_, html) = page(&app, &scores, Some(&a.admin)).await;
    assert!(html
        .contains("calibrated to 3.50 by admin@example.com: Supplier audit shows it is likelier"));
    assert!(html.contains("data-standing=\"Material\""));
    assert!(
        html.contains("data-materiality=\"Financial\""),
        "the matter rolls up"
    );
    assert!(html.contains(&format!("data-testid=\"calibrate-{}\"", a.iro)));
    // The matrix, on the page and as downloads, numbers the matter and names it in the key.
    assert!(html.contains("aria-label=\"Double materiality matrix — DMA\""));
    let (status, svg) = page(
        &app,
        &format!("/api/v1/cycles/{id}/double-matrix.svg?lang=zh-CN"),
        Some(&a.admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        svg.contains("data-matter=\"E3.1.2\"") && svg.contains("双重重要性矩阵"),
        "{svg}"
    );
    let (status, res) = send(
        &app,
        get_as(
            &format!("/api/v1/cycles/{id}/double-matrix.png"),
            Some(&a.admin),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
    let (status, _) = page(
        &app,
        &format!("/api/v1/cycles/{id}/double-matrix.svg"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The files: every IRO with its figures, every rating with its rationale.
    let (status, csv) = page(
        &app,
        &format!("/api/v1/cycles/{id}/iros.csv"),
        Some(&a.admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let row = csv.lines().nth(1).unwrap();
    assert!(
        row.starts_with(&format!("{},E3.1.2,risk,true,false,upstream,long,", a.iro)),
        "{row}"
    );
    assert!(
        row.contains(
            ",2.4000,long,,false,3.5000,Supplier audit shows it is likelier,admin@example.com "
        ),
        "{row}"
    );
    assert!(row.ends_with(",,,,3.5000,material"), "{row}");
    let (status, csv) = page(
        &app,
        &format!("/api/v1/cycles/{id}/ratings.csv"),
        Some(&a.admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        csv.lines().nth(1),
        Some(
            format!(
                "{},expert@example.com,long,,,,3,4,true,,Drought maps,",
                a.iro
            )
            .as_str()
        )
    );
    let (status, json) = page(
        &app,
        &format!("/api/v1/cycles/{id}/assessment.json"),
        Some(&a.admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let json: Value = serde_json::from_str(&json).unwrap();
    let scored = &json["view"]["iros"][0];
    assert_eq!(scored["row"]["id"], a.iro);
    assert_eq!(scored["score"]["calibrated"], 3.5);
    assert_eq!(scored["score"]["standing"], "Material");
    assert_eq!(scored["calibration"]["by"], "admin@example.com");
    assert_eq!(json["ratings"][0]["assessor"], "expert@example.com");
    assert_eq!(json["ratings"][0]["rating"]["magnitude"], 4);
    assert_eq!(json["ratings"][0]["rationale"], "Drought maps");
    for file in ["iros.csv", "ratings.csv", "assessment.json"] {
        let uri = format!("/api/v1/cycles/{id}/{file}");
        let (status, _) = page(&app, &uri, Some(&a.assessor)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{file}");
    }

    // Reviewers read the scores but calibrate nothing; the register says who submitted.
    let reviewer = session(&db, "rev@example.com", Role::Reviewer).await;
    let (status, html) = page(&app, &scores, Some(&reviewer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("3.50") && !html.contains("data-testid=\"calibrate-"));
    let (status, html) = page(
        &app,
        &format!("/admin/cycles/{id}/register"),
        Some(&a.admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-assessor=\"expert@example.com\" data-state=\"submitted\""));

    // Hidden names (the register's form, without JavaScript): the exports number the assessor.
    let register = format!("/admin/cycles/{id}/register");
    let hide = format!("id={id}&hidden=true");
    let (status, to) = post_form(&app, SetHideAssessors::PATH, &hide, &a.admin, &register).await;
    assert_eq!(
        (status, to.contains("__err")),
        (StatusCode::FOUND, false),
        "{to}"
    );
    let (_, html) = page(&app, &register, Some(&a.admin)).await;
    assert!(
        html.contains("data-testid=\"names\" data-hidden=\"true\""),
        "{html}"
    );
    for file in ["ratings.csv", "assessment.json"] {
        let uri = format!("/api/v1/cycles/{id}/{file}");
        let (_, text) = page(&app, &uri, Some(&a.admin)).await;
        assert!(!text.contains("expert@example.com"), "{file}: {text}");
        assert!(text.contains("assessor 1"), "{file}: {text}");
    }
}

/// The scores page lists what stands in the way of the confirmation; an admin's post without
/// JavaScript is refused while anything is missing, writing nothing, and confirms once nothing is:
/// the page then shows the stamp. The scoring constants are set by form, bad ones refused by field.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_double_materiality_cycle_is_confirmed_from_its_scores_page(db: Db) {
    use app::api::review::ConfirmCycle;
    let app = router(db.clone());
    let a = assigned(&db, &app, &risk("Drought")).await;
    let id = a.cycle;
    let scores = format!("/cycles/{id}/assessment");
    let (_, html) = page(&app, &scores, Some(&a.admin)).await;
    // Not submitted, and so not assessable.
    assert!(
        html.contains("data-testid=\"gaps\" data-count=\"2\""),
        "{html}"
    );
    assert!(html.contains("neither submitted nor waived"));
    let confirm = format!("id={id}&confirm=yes");
    let (status, to) = post_form(&app, ConfirmCycle::PATH, &confirm, &a.admin, &scores).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(to.contains("__err="), "back with the refusal: {to}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM confirmations").await, 0);
    let back = to.trim_start_matches("http://localhost");
    let (_, html) = page(&app, back, Some(&a.admin)).await;
    assert!(
        html.contains("which assessments and decisions are still missing"),
        "{html}"
    );

    // Constants out of range are refused by field and change nothing; good ones are kept.
    let bad = format!("id={id}&aggregation=median&impact_threshold=9&financial_threshold=2.5&grey_band=0.5&spread_limit=1.5");
    let (status, res) = send(&app, call(SetCycleScoring::PATH, &bad, Some(&a.admin))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = body_text(res).await;
    assert!(
        text.contains("impact_threshold") && text.contains("aggregation"),
        "{text}"
    );
    let unset = "SELECT COUNT(*) FROM cycles WHERE scoring IS NULL";
    assert_eq!(count(&db, unset).await, 1);
    let good = bad.replace("median", "max").replace("=9", "=3.5");
    ok(&app, SetCycleScoring::PATH, &good, &a.admin).await;
    assert_eq!(count(&db, unset).await, 0);
    let register = format!("/admin/cycles/{id}/register");
    let (_, html) = page(&app, &register, Some(&a.admin)).await;
    assert!(
        html.contains("an impact score of 3.50 or a financial score of 2.50"),
        "{html}"
    );

    // M 4 × L 3 / 5 = 2.4: below 2.5 by less than the band, the grey zone; decided, confirmed.
    let rate = format!(
        "id={id}&iro={}&ratings[0][horizon]=long&ratings[0][likelihood]=3&ratings[0][magnitude]=4&rationale=Drought+maps&submit=true",
        a.iro
    );
    ok(&app, SaveMyRating::PATH, &rate, &a.assessor).await;
    let (_, html) = page(&app, &scores, Some(&a.admin)).await;
    assert!(
        html.contains("data-testid=\"gaps\" data-count=\"1\""),
        "{html}"
    );
    let decide = format!(
        "id={id}&iro={}&material=true&reason=Basin+under+stress",
        a.iro
    );
    ok(&app, DecideIro::PATH, &decide, &a.admin).await;
    let (_, html) = page(&app, &scores, Some(&a.admin)).await;
    assert!(html.contains("data-testid=\"gaps-none\""), "{html}");
    let (status, to) = post_form(&app, ConfirmCycle::PATH, &confirm, &a.admin, &scores).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(!to.contains("__err"), "{to}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM confirmations").await, 1);
    let reviewer = session(&db, "rev@example.com", Role::Reviewer).await;
    let (_, html) = page(&app, &scores, Some(&reviewer)).await;
    assert!(
        html.contains("data-testid=\"dm-stamp\"") && html.contains("data-testid=\"stamp-intact\"")
    );
    assert!(html.contains("Confirmed on ") && html.contains("by admin@example.com"));
    assert!(!html.contains("data-testid=\"confirm-form\""));
    // Frozen: the constants refuse a change.
    let (status, _) = send(&app, call(SetCycleScoring::PATH, &good, Some(&a.admin))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Correcting an IRO without JavaScript: its page shows its fields as they are (admins only); a
/// correction goes back to the register and shows there; once rated, a change of kind comes back to
/// the page with the reason beside the field and changes nothing.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_iro_is_corrected_on_its_own_page_without_javascript(db: Db) {
    let app = router(db.clone());
    let a = assigned(&db, &app, &risk("Drought")).await;
    let (id, iro) = (a.cycle, a.iro);
    let edit = format!("/admin/cycles/{id}/register/iros/{iro}");
    let (status, html) = page(&app, &edit, Some(&a.admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"iro-edit-form\""), "{html}");
    assert!(html.contains(">Drought</textarea>"), "{html}");
    assert!(
        html.contains("value=\"anticipated\" checked")
            || html.contains("checked value=\"anticipated\""),
        "the IRO's occurrence is checked: {html}"
    );
    for (who, status) in [(Some(a.assessor.as_str()), 403), (None, 401)] {
        let (got, _) = page(&app, &edit, who).await;
        assert_eq!(got.as_u16(), status);
    }
    let (status, _) = page(
        &app,
        &format!("/admin/cycles/{id}/register/iros/{}", iro + 9),
        Some(&a.admin),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let fixed = format!(
        "id={id}&iro={iro}&{}",
        risk("Drought in the basin").replace("iro[", "fields[")
    );
    let (status, to) = post_form(&app, EditIro::PATH, &fixed, &a.admin, &edit).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(
        to.ends_with(&format!("/admin/cycles/{id}/register#iro-{iro}")),
        "{to}"
    );
    let (_, html) = page(
        &app,
        &format!("/admin/cycles/{id}/register"),
        Some(&a.admin),
    )
    .await;
    assert!(html.contains("Drought in the basin"), "{html}");

    // An impact that gives rise to the risk: both rows say so, and its page has the link to correct.
    let impact = format!(
        "id={id}&{}&iro[leads_to]=%23{iro}",
        risk("Crops fail").replace(
            "iro[kind]=risk&iro[occurrence]=anticipated",
            "iro[kind]=negative_impact&iro[occurrence]=potential"
        )
    );
    let register = format!("/admin/cycles/{id}/register");
    let (status, to) = post_form(&app, AddIro::PATH, &impact, &a.admin, &register).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(!to.contains("__err"), "{to}");
    let linked: i64 = sqlx::query_scalar("SELECT from_iro FROM iro_links WHERE to_iro = ?")
        .bind(iro)
        .fetch_one(&db)
        .await
        .unwrap();
    let (_, html) = page(&app, &register, Some(&a.admin)).await;
    assert!(
        html.contains(&format!("class=\"hint\">Gives rise to #{iro}<"))
            && html.contains(&format!("class=\"hint\">Arises from #{linked}<")),
        "{html}"
    );
    let (_, html) = page(&app, &format!("{register}/iros/{linked}"), Some(&a.admin)).await;
    assert!(
        html.contains(&format!("name=\"fields[leads_to]\" value=\"{iro}\"")),
        "{html}"
    );

    let rate = format!("id={id}&iro={iro}&ratings[0][horizon]=long&rationale=Maps&submit=false");
    ok(&app, SaveMyRating::PATH, &rate, &a.assessor).await;
    let opportunity = fixed.replace("fields[kind]=risk", "fields[kind]=opportunity");
    let (status, to) = post_form(&app, EditIro::PATH, &opportunity, &a.admin, &edit).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(to.contains("__err="), "back with the refusal: {to}");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM iros WHERE kind = 'risk'").await,
        1
    );
    let (_, html) = page(
        &app,
        to.trim_start_matches("http://localhost"),
        Some(&a.admin),
    )
    .await;
    assert!(html.contains("Already rated: kind"), "{html}");
}

/// An entity-specific matter added without JavaScript: back to the register, which marks it and
/// offers it to IROs; a refused one comes back with the reason and adds nothing; it is removed while
/// no IRO belongs to it.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn an_entity_specific_matter_is_added_and_removed_without_javascript(db: Db) {
    let app = router(db.clone());
    let a = assigned(&db, &app, &risk("Drought")).await;
    let id = a.cycle;
    let register = format!("/admin/cycles/{id}/register");
    let form = "matter[parent]=S1.1&matter[code]=S1.1.X&matter[name_zh]=%E5%80%92%E7%8F%AD&matter[name_en]=Shift+work";
    let (status, to) = post_form(
        &app,
        AddMatter::PATH,
        &format!("id={id}&{form}"),
        &a.admin,
        &register,
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(!to.contains("__err"), "{to}");
    let (_, html) = page(&app, &register, Some(&a.admin)).await;
    assert!(html.contains("<tr data-matter=\"S1.1.X\">"), "{html}");
    assert!(html.contains("data-testid=\"entity-specific\""));
    assert!(
        html.contains("<option value=\"S1.1.X\">"),
        "the IRO form offers it: {html}"
    );

    let (status, to) = post_form(
        &app,
        AddMatter::PATH,
        &format!("id={id}&{form}"),
        &a.admin,
        &register,
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(to.contains("__err="), "{to}");
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM matters WHERE entity_specific = 1"
        )
        .await,
        1
    );
    let (_, html) = page(
        &app,
        to.trim_start_matches("http://localhost"),
        Some(&a.admin),
    )
    .await;
    assert!(html.contains("This code is already used"), "{html}");
    assert!(
        html.contains("data-testid=\"matter-form-box\" open"),
        "the form is open at its reasons: {html}"
    );

    let remove = format!("id={id}&matter=S1.1.X");
    let (status, to) = post_form(&app, RemoveMatter::PATH, &remove, &a.admin, &register).await;
    assert_eq!(
        (status, to.contains("__err")),
        (StatusCode::FOUND, false),
        "{to}"
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM matters WHERE entity_specific = 1"
        )
        .await,
        0
    );
    // Assessors cannot add one.
    let (status, _) = send(
        &app,
        call(
            AddMatter::PATH,
            &format!("id={id}&{form}"),
            Some(&a.assessor),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The disclosure drafts: reviewers and admins read the IRO-1 text, the SBM-3 table and the IRO-2
/// list in both languages and download SBM-3 and IRO-2 as CSV; assessors and anonymous callers are
/// refused, an unknown cycle is not found.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_disclosure_drafts_hold_the_scores(db: Db) {
    let app = router(db.clone());
    let a = assigned(&db, &app, &risk("Drought limits withdrawals")).await;
    let id = a.cycle;
    let rate = format!(
        "id={id}&iro={}&ratings[0][horizon]=long&ratings[0][likelihood]=3&ratings[0][magnitude]=4&rationale=Maps&submit=true",
        a.iro
    );
    ok(&app, SaveMyRating::PATH, &rate, &a.assessor).await;
    let drafts = format!("/cycles/{id}/disclosures");
    let reviewer = session(&db, "rev@example.com", Role::Reviewer).await;
    // 2.4: not material, nothing in SBM-3 yet.
    let (status, html) = page(&app, &drafts, Some(&reviewer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("No impact, risk or opportunity stands material yet."),
        "{html}"
    );
    let calibrate = format!("id={id}&iro={}&score=3.5&reason=New+maps", a.iro);
    ok(&app, CalibrateIro::PATH, &calibrate, &a.admin).await;
    let (_, html) = page(&app, &drafts, Some(&reviewer)).await;
    assert!(
        html.contains(&format!("data-testid=\"sbm3-{}\"", a.iro)),
        "{html}"
    );
    assert!(html.contains("Drought limits withdrawals") && html.contains("3.50"));
    assert!(html.contains(
        "identified: 1 (negative impacts: 0; positive impacts: 0; risks: 1; opportunities: 0)"
    ));
    assert!(html.contains("(calibrated scores: 1)"));
    assert!(html.contains("data-testid=\"iro2-E3.1.2\" data-materiality=\"Financial\""));
    let (_, html) = page(&app, &format!("{drafts}?lang=zh-CN"), Some(&reviewer)).await;
    assert!(html.contains("识别出 1 项影响、风险和机遇"), "{html}");
    let (status, csv) = page(
        &app,
        &format!("/api/v1/cycles/{id}/sbm3.csv"),
        Some(&reviewer),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.contains(&format!("\r\n{},E3.1.2,", a.iro)) && csv.contains(",3.5000,true,false"),
        "{csv}"
    );
    let (status, csv) = page(
        &app,
        &format!("/api/v1/cycles/{id}/iro2.csv"),
        Some(&reviewer),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.contains("E3,") && csv.contains(",E3.1.2,") && csv.contains(",financial,3.5000,"),
        "{csv}"
    );
    // The workbook: the same four tables, numbers as numbers.
    let xlsx = format!("/api/v1/cycles/{id}/assessment.xlsx");
    let (status, res) = send(&app, get_as(&xlsx, Some(&reviewer))).await;
    assert_eq!(status, StatusCode::OK);
    let bytes = body_bytes(res).await;
    let iros = xlsx_sheet(bytes.clone(), "iros");
    assert_eq!(iros[0][0], "iro");
    assert_eq!(
        (iros[1][0].as_str(), iros[1][1].as_str()),
        (a.iro.to_string().as_str(), "E3.1.2")
    );
    let col = |name: &str| iros[0].iter().position(|h| h == name).unwrap();
    assert_eq!(iros[1][col("computed_score")], "2.4");
    assert_eq!(iros[1][col("score")], "3.5", "the score that counts");
    let ratings = xlsx_sheet(bytes.clone(), "ratings");
    assert_eq!(
        ratings[1][1..8],
        ["expert@example.com", "long", "", "", "", "3", "4"]
    );
    let sbm3 = xlsx_sheet(bytes.clone(), "sbm3");
    assert_eq!(sbm3.len(), 2);
    assert_eq!(sbm3[1][11], "3.5");
    let iro2 = xlsx_sheet(bytes, "iro2");
    assert!(
        iro2.iter().any(|r| r[3] == "E3.1.2" && r[6] == "financial"),
        "{iro2:?}"
    );
    for uri in [
        drafts.clone(),
        format!("/api/v1/cycles/{id}/sbm3.csv"),
        format!("/api/v1/cycles/{id}/iro2.csv"),
        xlsx.clone(),
    ] {
        assert_eq!(
            page(&app, &uri, Some(&a.assessor)).await.0,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
        assert_eq!(
            page(&app, &uri, None).await.0,
            StatusCode::UNAUTHORIZED,
            "{uri}"
        );
        let unknown = uri.replace(&format!("/{id}/"), "/999/");
        assert_eq!(
            page(&app, &unknown, Some(&reviewer)).await.0,
            StatusCode::NOT_FOUND,
            "{unknown}"
        );
    }
}

/// The heat maps put each scored IRO in the cell of its likelihood and severity (or magnitude), as
/// SVG and PNG, for reviewers and admins only; any other file name is not found.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_heat_maps_place_each_iro_in_its_cell(db: Db) {
    let app = router(db.clone());
    let a = assigned(&db, &app, &risk("Drought")).await;
    let id = a.cycle;
    let rate = format!(
        "id={id}&iro={}&ratings[0][horizon]=long&ratings[0][likelihood]=3&ratings[0][magnitude]=4&rationale=Maps&submit=true",
        a.iro
    );
    ok(&app, SaveMyRating::PATH, &rate, &a.assessor).await;
    let map = |which: &str| format!("/api/v1/cycles/{id}/heat-map/{which}");
    let (status, svg) = page(&app, &map("financial.svg?lang=en"), Some(&a.admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(svg.starts_with("<svg role=\"img\""), "{svg}");
    assert!(
        svg.contains(&format!(
            "data-likelihood=\"3\" data-severity=\"4\" data-count=\"1\" data-iros=\"{}\"",
            a.iro
        )),
        "{svg}"
    );
    assert_eq!(svg.matches("class=\"cell\"").count(), 1);
    assert!(svg.contains("Magnitude of the financial effect"));
    let (_, svg) = page(&app, &map("impact.svg?lang=zh-CN"), Some(&a.admin)).await;
    assert_eq!(
        svg.matches("class=\"cell\"").count(),
        0,
        "no impact in the register"
    );
    assert!(svg.contains("严重程度"));
    let (status, res) = send(&app, get_as(&map("financial.png"), Some(&a.admin))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
    for bad in ["financial.gif", "other.svg", "financial"] {
        assert_eq!(
            page(&app, &map(bad), Some(&a.admin)).await.0,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
    assert_eq!(
        page(&app, &map("impact.svg"), Some(&a.assessor)).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        page(&app, &map("impact.svg"), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, html) = page(&app, &format!("/cycles/{id}/assessment"), Some(&a.admin)).await;
    assert!(html.contains(&format!(
        "src=\"/api/v1/cycles/{id}/heat-map/financial.svg?lang=en\""
    )));
}

/// `</textarea><script>` and an `<img onerror>` in an IRO's descriptions, an assessor's rationale
/// and a calibration's reason come out as text on every page that shows them, in both languages.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_register_free_text_is_escaped_on_every_page(db: Db) {
    let app = router(db.clone());
    let payload = "</textarea><script>alert(1)</script><img src=x onerror=alert(2)>";
    let a = assigned(&db, &app, &risk(payload)).await;
    let id = a.cycle;
    // An entity-specific matter named with the payload, the IRO moved to it.
    let matter = format!(
        "id={id}&matter[parent]=E3.1&matter[code]=E3.1.X&matter[name_zh]={p}&matter[name_en]={p}",
        p = enc(payload)
    );
    ok(&app, AddMatter::PATH, &matter, &a.admin).await;
    let moved = format!(
        "id={id}&iro={}&{}",
        a.iro,
        risk(payload)
            .replace("iro[", "fields[")
            .replace("E3.1.2", "E3.1.X")
    );
    let (status, res) = send(&app, call(EditIro::PATH, &moved, Some(&a.admin))).await;
    assert_eq!(status, StatusCode::OK, "{}", body_text(res).await);
    // Evidence: a link of another scheme is refused; a web link hiding markup is kept encoded, and
    // a note is text.
    let draft = |evidence: &str| {
        format!(
            "id={id}&iro={}&ratings[0][horizon]=long&rationale={}&evidence={}&submit=false",
            a.iro,
            enc(payload),
            enc(evidence)
        )
    };
    let (status, res) = send(
        &app,
        call(
            SaveMyRating::PATH,
            &draft("javascript:alert(1)"),
            Some(&a.assessor),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(res).await.contains("BadLink"));
    let evidence = format!("{payload}\nhttps://x.example/\"><script>alert(3)</script>");
    ok(&app, SaveMyRating::PATH, &draft(&evidence), &a.assessor).await;
    let (_, html) = page(&app, &format!("/cycles/{id}/assess"), Some(&a.assessor)).await;
    assert!(
        html.contains("<a href=\"https://x.example/%22%3E%3Cscript%3Ealert(3)%3C/script%3E\" rel=\"noopener noreferrer nofollow\">"),
        "{html}"
    );
    assert!(!html.contains("href=\"javascript"));
    // Calibrated material, so that the SBM-3 draft lists its description.
    let reason = format!("id={id}&iro={}&score=4&reason={}", a.iro, enc(payload));
    ok(&app, CalibrateIro::PATH, &reason, &a.admin).await;
    for (uri, who, shows) in [
        // The description, the matter's name in its row, the IRO's and the form's list.
        (format!("/admin/cycles/{id}/register"), &a.admin, 4),
        (
            format!("/admin/cycles/{id}/register/iros/{}", a.iro),
            &a.admin,
            3,
        ),
        // Description, rationale, evidence as typed and as listed.
        (format!("/cycles/{id}/assess"), &a.assessor, 4),
        // The description, the matter in the tables and in the matrix's key.
        (format!("/cycles/{id}/assessment"), &a.admin, 7),
        (format!("/cycles/{id}/disclosures"), &a.admin, 3),
    ] {
        for lang in ["en", "zh-CN"] {
            let (status, html) = page(&app, &format!("{uri}?lang={lang}"), Some(who)).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            assert!(!html.contains("<script>alert"), "{uri} {lang}");
            assert!(!html.contains("<img src=x"), "{uri} {lang}");
            let escaped = html.matches("&lt;script&gt;alert(1)").count();
            assert!(escaped >= shows, "{uri} {lang}: {escaped}");
        }
    }
}

/// Stakeholder input without JavaScript: an admin says on the register page which matter a survey
/// topic informs; the scores page then shows the topic's figure beside that matter (withheld below
/// k responses) and flags the matter, which no IRO makes material; reviewers cannot set it.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_survey_topic_informs_a_matter_and_its_figures_show_beside_it(db: Db) {
    let app = router(db.clone());
    let admin = session(&db, "admin@example.com", Role::Admin).await;
    let (id, codes) = demo(&db).await;
    sqlx::query("UPDATE cycles SET method = 'double' WHERE id = ?")
        .bind(id)
        .execute(&db)
        .await
        .unwrap();
    let preset = format!("id={id}&preset=esrs-2023");
    ok(&app, LoadMatterPreset::PATH, &preset, &admin).await;
    let register = format!("/admin/cycles/{id}/register");
    let (_, html) = page(&app, &register, Some(&admin)).await;
    assert!(html.contains("data-testid=\"topic-matters\""), "{html}");
    let topic = &codes[1];
    let form = format!("id={id}&topic={topic}&matter=E1");
    let (status, to) = post_form(&app, SetTopicMatter::PATH, &form, &admin, &register).await;
    assert_eq!(
        (status, to.contains("__err")),
        (StatusCode::FOUND, false),
        "{to}"
    );
    let (_, html) = page(&app, &register, Some(&admin)).await;
    assert!(
        html.contains(&format!("<tr data-topic=\"{topic}\" data-matter=\"E1\">")),
        "{html}"
    );
    // A matter not in the tree: the refusal comes back to the page, nothing changes.
    let bad = format!("id={id}&topic={topic}&matter=E9");
    let (_, to) = post_form(&app, SetTopicMatter::PATH, &bad, &admin, &register).await;
    assert!(to.contains("__err="), "{to}");
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM topic_matters WHERE matter_id IS NOT NULL"
        )
        .await,
        1
    );
    let (_, reviewer_session, _) = reviewer(&db).await;
    let (status, _) = send(
        &app,
        call(SetTopicMatter::PATH, &form, Some(&reviewer_session)),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let scores = format!("/cycles/{id}/assessment");
    let row = |html: &str| {
        let start = html
            .find("data-testid=\"matter-E1\"")
            .expect("the matter's row");
        html[start..start + html[start..].find("</tr>").unwrap()].to_string()
    };
    // Four responses, fewer than k = 5: the figure is withheld, and nothing is flagged.
    for _ in 0..4 {
        let t = token(&db, id, "EMP").await;
        let body = json!({"token": t, "answers": answers(&codes)});
        let (status, _) = send(&app, post_json("/api/v1/responses", &body)).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, html) = page(&app, &scores, Some(&reviewer_session)).await;
    let e1 = row(&html);
    assert!(e1.contains("withheld: fewer than k responses"), "{e1}");
    assert!(e1.contains("data-flagged=\"false\""), "{e1}");
    // The fifth: everyone's mean (5, from `answers`) stands beside E1, which is flagged.
    let t = token(&db, id, "EMP").await;
    let mut said = answers(&codes);
    said[1]["comment"] = json!("Our wells ran dry");
    let body = json!({"token": t, "answers": said});
    send(&app, post_json("/api/v1/responses", &body)).await;
    let (_, html) = page(&app, &scores, Some(&reviewer_session)).await;
    let e1 = row(&html);
    assert!(
        e1.contains(&format!("{topic} ")) && e1.contains(": 5.00 (n = 5)"),
        "{e1}"
    );
    assert!(e1.contains("data-flagged=\"true\""), "{e1}");
    assert!(e1.contains("data-testid=\"flag\""), "{e1}");

    // Once the survey is closed, the review shows what respondents wrote on the topic under the
    // matter it informs.
    sqlx::query("UPDATE cycles SET status = 'closed' WHERE id = ?")
        .bind(id)
        .execute(&db)
        .await
        .unwrap();
    let (_, html) = page(
        &app,
        &format!("/cycles/{id}/review"),
        Some(&reviewer_session),
    )
    .await;
    let start = html
        .find("data-testid=\"review-E1\"")
        .expect("E1 under review");
    let e1 = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(e1.contains("Our wells ran dry"), "{e1}");
    assert!(e1.contains("data-testid=\"flag\""), "{e1}");
}

/// The material-topic page and file of a double-materiality cycle list its material matters; next
/// year's copy compares each with this year's and lists a matter that is no longer material; the
/// management notes are the matters' (a survey topic code is not one).
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn the_material_list_of_a_double_materiality_cycle_compares_years(db: Db) {
    use app::api::review::SetNote;
    let app = router(db.clone());
    let a = assigned(&db, &app, &risk("Drought")).await;
    let id = a.cycle;
    // Current risk, M 4 × L 4 / 5 = 3.2: material, financial.
    let rate = format!(
        "id={id}&iro={}&ratings[0][horizon]=long&ratings[0][likelihood]=4&ratings[0][magnitude]=4&rationale=Drought+maps&submit=true",
        a.iro
    );
    ok(&app, SaveMyRating::PATH, &rate, &a.assessor).await;
    let material = format!("/cycles/{id}/material");
    let (status, html) = page(&app, &material, Some(&a.admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("data-testid=\"material-E3.1.2\" data-materiality=\"Financial\""),
        "{html}"
    );
    assert!(
        html.contains("<h2><span class=\"code\">E3</span>"),
        "under its standard: {html}"
    );
    assert!(
        !html.contains("data-testid=\"before\""),
        "no previous cycle: {html}"
    );

    // Next year's copy: the copied IRO is not rated yet, so the matter is no longer material.
    let next = app::store::cycles::copy_cycle(&db, &cli(), id)
        .await
        .unwrap();
    let note = format!("id={next}&topic=E3.1.2&note=Water+policy+W-1");
    ok(&app, SetNote::PATH, &note, &a.admin).await;
    let survey_topic = format!("id={next}&topic=NOPE&note=x");
    let (status, _) = send(&app, call(SetNote::PATH, &survey_topic, Some(&a.admin))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, html) = page(&app, &format!("/cycles/{next}/material"), Some(&a.admin)).await;
    assert!(
        html.contains("data-testid=\"material-E3.1.2\" data-materiality=\"NotMaterial\""),
        "{html}"
    );
    assert!(html.contains("No longer material"), "{html}");
    assert!(html.contains("In DMA (2026): Financial"), "{html}");
    assert!(html.contains("Water policy W-1"), "{html}");
    let (status, csv) = page(
        &app,
        &format!("/api/v1/cycles/{next}/material.csv"),
        Some(&a.admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].ends_with("impact_score,previous_materiality,management_note"),
        "{csv}"
    );
    // The matter and those above it (material by it last year), none material now.
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[1].starts_with("E3,水和海洋资源,Water and marine resources,E3,"),
        "{csv}"
    );
    assert!(lines[3].contains(",E3.1.2,"), "{csv}");
    assert!(
        lines[3].ends_with(",not_material,,,financial,Water policy W-1"),
        "{csv}"
    );
}

/// A double-materiality cycle is reviewed by its matters: a reviewer comments on an assessed matter
/// and proposes, never on a code the cycle lacks; nobody overrides a matter (the decision group
/// calibrates); once confirmed, comments are closed.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_double_materiality_cycle_is_reviewed_by_its_matters(db: Db) {
    use app::api::review::{AddComment, ConfirmCycle, SetOverride};
    let app = router(db.clone());
    let a = assigned(&db, &app, &risk("Drought")).await;
    let id = a.cycle;
    let reviewer = session(&db, "reviewer@example.com", Role::Reviewer).await;
    let rate = format!(
        "id={id}&iro={}&ratings[0][horizon]=long&ratings[0][likelihood]=4&ratings[0][magnitude]=4&rationale=Drought+maps&submit=true",
        a.iro
    );
    ok(&app, SaveMyRating::PATH, &rate, &a.assessor).await;
    let review = format!("/cycles/{id}/review");
    let (status, html) = page(&app, &review, Some(&reviewer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("data-testid=\"review-E3.1.2\" data-materiality=\"Financial\""),
        "{html}"
    );
    assert!(html.contains("data-testid=\"comment-form\""), "{html}");
    // Only assessed matters are listed: E1 has no IRO.
    assert!(!html.contains("data-testid=\"review-E1\""), "{html}");

    let comment = format!(
        "id={id}&topic=E3.1.2&body={}&proposal=not_material",
        enc("The maps are from 2019 </textarea><script>x</script>")
    );
    ok(&app, AddComment::PATH, &comment, &reviewer).await;
    let (_, html) = page(&app, &review, Some(&reviewer)).await;
    assert!(
        html.contains("The maps are from 2019 &lt;/textarea&gt;&lt;script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>x"), "{html}");

    let unknown = format!("id={id}&topic=NOPE&body=x");
    let (status, _) = send(&app, call(AddComment::PATH, &unknown, Some(&reviewer))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let over = format!("id={id}&topic=E3.1.2&decision=material&reason=Because");
    let (status, res) = send(&app, call(SetOverride::PATH, &over, Some(&a.admin))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let refusal = body_text(res).await;
    assert!(
        refusal.contains("decision") && refusal.contains("NotAllowed"),
        "{refusal}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM overrides").await, 0);

    ok(
        &app,
        ConfirmCycle::PATH,
        &format!("id={id}&confirm=yes"),
        &a.admin,
    )
    .await;
    let (status, _) = send(&app, call(AddComment::PATH, &comment, Some(&reviewer))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM review_comments").await, 1);
    let (_, html) = page(&app, &review, Some(&reviewer)).await;
    assert!(html.contains("data-testid=\"not-in-review\""), "{html}");
    assert!(!html.contains("data-testid=\"comment-form\""), "{html}");
}

/// A confirmed double-materiality result is carried into a next-year copy nobody has rated: its pages
/// and files show the earlier assessment, its own register refuses writes, and its confirmation
/// stamps the same scores. A survey cycle, or a copy someone has rated, takes no such result.
#[sqlx::test(migrator = "app::store::MIGRATOR")]
async fn a_double_materiality_result_is_carried_forward(db: Db) {
    use app::api::review::{CarryForward, ConfirmCycle};
    let app = router(db.clone());
    let a = assigned(&db, &app, &risk("Drought")).await;
    let id = a.cycle;
    let rate = |cycle: i64, iro: i64, submit: bool| {
        format!(
            "id={cycle}&iro={iro}&ratings[0][horizon]=long&ratings[0][likelihood]=4&ratings[0][magnitude]=4&rationale=Drought+maps{}",
            if submit { "&submit=true" } else { "" }
        )
    };
    ok(
        &app,
        SaveMyRating::PATH,
        &rate(id, a.iro, true),
        &a.assessor,
    )
    .await;
    ok(
        &app,
        ConfirmCycle::PATH,
        &format!("id={id}&confirm=yes"),
        &a.admin,
    )
    .await;
    let carry = |to: i64| format!("id={to}&from={id}&rationale=No+major+change");
    let refused = |to: i64| {
        let app = app.clone();
        let body = carry(to);
        let admin = a.admin.clone();
        async move {
            let (status, res) = send(&app, call(CarryForward::PATH, &body, Some(&admin))).await;
            (status, body_text(res).await)
        }
    };

    // A survey cycle takes no double-materiality result.
    let survey = draft_cycle(&db).await;
    let (status, text) = refused(survey).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    // Nor does a copy that an assessor has begun to rate.
    let rated = app::store::cycles::copy_cycle(&db, &cli(), id)
        .await
        .unwrap();
    let iro = count(
        &db,
        &format!("SELECT id FROM iros WHERE cycle_id = {rated}"),
    )
    .await;
    let user = count(
        &db,
        "SELECT id FROM users WHERE email = 'expert@example.com'",
    )
    .await;
    ok(
        &app,
        AssignIro::PATH,
        &format!("id={rated}&iro={iro}&user={user}"),
        &a.admin,
    )
    .await;
    ok(
        &app,
        SaveMyRating::PATH,
        &rate(rated, iro, false),
        &a.assessor,
    )
    .await;
    let (status, text) = refused(rated).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM cycles WHERE carried_from IS NOT NULL"
        )
        .await,
        0
    );

    let next = app::store::cycles::copy_cycle(&db, &cli(), id)
        .await
        .unwrap();
    // Assigned but not rated yet: the carry is taken, and the assignment is set aside with the
    // register.
    let copied = count(&db, &format!("SELECT id FROM iros WHERE cycle_id = {next}")).await;
    let assign = format!("id={next}&iro={copied}&user={user}");
    ok(&app, AssignIro::PATH, &assign, &a.admin).await;
    ok(&app, CarryForward::PATH, &carry(next), &a.admin).await;
    let (_, html) = page(&app, "/assess", Some(&a.assessor)).await;
    assert!(!html.contains(&format!("/cycles/{next}/assess")), "{html}");
    // The register page shows the earlier cycle's register, without its forms.
    let (_, html) = page(
        &app,
        &format!("/admin/cycles/{next}/register"),
        Some(&a.admin),
    )
    .await;
    assert!(html.contains("data-testid=\"carried-forward\""), "{html}");
    assert!(html.contains(&format!("id=\"iro-{}\"", a.iro)), "{html}");
    assert!(!html.contains(&format!("id=\"iro-{copied}\"")), "{html}");
    assert!(!html.contains("data-testid=\"iro-form\""), "{html}");
    let (status, html) = page(&app, &format!("/cycles/{next}/assessment"), Some(&a.admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"carried-forward\""), "{html}");
    assert!(html.contains("No major change"), "{html}");
    assert!(
        html.contains("data-testid=\"matter-E3.1.2\" data-materiality=\"Financial\""),
        "{html}"
    );
    assert!(!html.contains("data-testid=\"calibrate-"), "{html}");
    assert!(html.contains("data-testid=\"gaps-none\""), "{html}");
    let (_, csv) = page(
        &app,
        &format!("/api/v1/cycles/{next}/ratings.csv"),
        Some(&a.admin),
    )
    .await;
    assert!(csv.contains("Drought maps"), "{csv}");
    // Its own register is set aside: every write is refused.
    let add = format!("id={next}&{}", risk("Flood"));
    let (status, _) = send(&app, call(AddIro::PATH, &add, Some(&a.admin))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    ok(
        &app,
        ConfirmCycle::PATH,
        &format!("id={next}&confirm=yes"),
        &a.admin,
    )
    .await;
    let hash = |cycle: i64| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT assessment_hash FROM confirmations WHERE cycle_id = ?",
            )
            .bind(cycle)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    assert_eq!(hash(next).await, hash(id).await);
    let (_, html) = page(&app, &format!("/cycles/{next}/assessment"), Some(&a.admin)).await;
    assert!(html.contains("data-testid=\"stamp-intact\""), "{html}");

    // A new draft with no tree of its own takes the result too: its review takes comments on the
    // earlier tree's matters, and a copy of it starts from the earlier cycle's register.
    let fresh = draft_cycle(&db).await;
    ok(
        &app,
        SetCycleMethod::PATH,
        &format!("id={fresh}&method=double"),
        &a.admin,
    )
    .await;
    ok(&app, CarryForward::PATH, &carry(fresh), &a.admin).await;
    let comment = format!("id={fresh}&topic=E3.1.2&body=Still+true");
    ok(&app, app::api::review::AddComment::PATH, &comment, &a.admin).await;
    let (_, html) = page(&app, &format!("/cycles/{fresh}/review"), Some(&a.admin)).await;
    assert!(html.contains("Still true"), "{html}");
    let after = app::store::cycles::copy_cycle(&db, &cli(), fresh)
        .await
        .unwrap();
    let copied = format!(
        "SELECT COUNT(*) FROM iros WHERE cycle_id = {after} AND description_en = 'Drought'"
    );
    assert_eq!(count(&db, &copied).await, 1);
}
