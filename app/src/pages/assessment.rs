//! A double-materiality cycle's scores, for reviewers and admins (`/cycles/{id}/assessment`): every
//! active IRO with its computed score, the horizon that gave it, the assessors' spread, any
//! calibration with its reason, and its standing; then every assessed matter's position. Admins
//! calibrate a score here, always with the reason.

use crate::api::register::{get_assessment, AssessmentPage as Page, CalibrateIro, DecideIro};
use crate::api::AppError;
use crate::components::{cycle_id, field_errors, fmt2, problems_of, refusal, Header};
use crate::domain::double_materiality::Standing;
use crate::domain::iro::ScoredIro;
use crate::domain::stakeholder_input::TopicFigure;
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn AssessmentPage() -> impl IntoView {
    let lang = use_lang();
    let dm = lang.dm();
    let id = cycle_id();
    // Bumped by a calibration that went through: the scores reload.
    let calibrated = RwSignal::new(0usize);
    let data = Resource::new(
        move || (id(), calibrated.get()),
        move |(id, _)| async move { get_assessment(id.ok_or(AppError::NotFound)?, lang).await },
    );
    view! {
        <Header />
        <main class="page wide assessment">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <Assessment page calibrated /> }.into_any(),
                        Err(e) => refusal(e, dm.assessment_title, format!("/cycles/{}/assessment", id().unwrap_or_default())),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Assessment(page: Page, calibrated: RwSignal<usize>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let dm = lang.dm();
    let v = page.view;
    let id = v.id;
    let admin = page.admin;
    // A carried-forward result is the earlier cycle's: nothing of it is calibrated here.
    let frozen = v.status == crate::domain::CycleStatus::Confirmed || v.carried.is_some();
    let carried = v.carried.as_ref().map(|c| {
        view! { <p class="carried" data-testid="carried-forward">{t.carried(c)}</p> }
    });
    let confirmation = (v.method == crate::domain::double_materiality::Method::Double).then(
        || view! { <super::dm_confirm::Confirmation view=v.clone() admin reload=calibrated /> },
    );
    let name_of = |code: &str| {
        v.matters
            .iter()
            .find(|m| m.matter.code == code)
            .map(|m| lang.pick(&m.matter.name.zh, &m.matter.name.en).to_string())
            .unwrap_or_default()
    };
    let rows = v
        .iros
        .iter()
        .map(|s| {
            let matter = format!("{} {}", s.row.record.matter, name_of(&s.row.record.matter));
            view! { <ScoreRow s=s.clone() matter admin={admin && !frozen} id calibrated /> }
        })
        .collect_view();
    let matters = v
        .matters
        .iter()
        .filter(|m| m.assessed())
        .map(|m| {
            let p = &m.position;
            let flagged = m.flagged();
            view! {
                <tr data-testid=format!("matter-{}", m.matter.code) data-materiality=format!("{:?}", p.materiality) data-flagged=flagged.to_string()>
                    <th scope="row"><span class="code">{m.matter.code.clone()}</span> " " {lang.pick(&m.matter.name.zh, &m.matter.name.en).to_string()}</th>
                    <td class="num">{fmt2(p.financial)}</td>
                    <td class="num">{fmt2(p.impact)}</td>
                    <td>
                        {dm.materiality(p.materiality)}
                        {flagged.then(|| view! { <br /><strong class="flag" data-testid="flag">{dm.flag_review}</strong> })}
                    </td>
                    <td class="num">{p.undecided}</td>
                    <td data-testid="stakeholders"><StakeholderFigures figures=m.stakeholders.clone() /></td>
                </tr>
            }
        })
        .collect_view();
    let mut columns = vec![
        "#",
        dm.col_matter,
        dm.col_kind,
        dm.col_progress,
        dm.col_computed,
        dm.col_spread,
        dm.col_calibration,
        dm.col_decision,
        dm.col_score,
        dm.col_standing,
    ];
    if admin && !frozen {
        columns.push(dm.calibrate);
    }
    view! {
        <nav class="result-nav" aria-label=dm.assessment_title>
            {admin.then(|| view! { <a href=format!("/admin/cycles/{id}/register")>{dm.register_link}</a> })}
            <a href=format!("/cycles/{id}/review")>{t.review_title}</a>
            <a href=format!("/cycles/{id}/disclosures") data-testid="disclosures-link">{lang.disclosure().link}</a>
        </nav>
        <h1>{dm.assessment_title} " · " {v.name.clone()}</h1>
        {(v.method != crate::domain::double_materiality::Method::Double).then(|| view! { <p class="withheld-note">{dm.not_double}</p> })}
        {carried}
        <p class="hint">{dm.assessment_intro}</p>
        <p class="hint" data-testid="scoring">{dm.scoring_summary(&v.scoring)}</p>
        <figure class="chart" data-testid="double-matrix" inner_html=page.matrix></figure>
        <p class="downloads" data-testid="downloads">
            {t.download} ": "
            <a href=format!("/api/v1/cycles/{id}/double-matrix.svg?lang={}", lang.tag()) download rel="external">"SVG"</a>
            " · "
            <a href=format!("/api/v1/cycles/{id}/double-matrix.png?lang={}", lang.tag()) download rel="external" data-testid="download-png">"PNG"</a>
            " · "
            <a href=format!("/api/v1/cycles/{id}/iros.csv") download rel="external" data-testid="download-iros">{dm.iros_file}</a>
            " · "
            <a href=format!("/api/v1/cycles/{id}/ratings.csv") download rel="external" data-testid="download-ratings">{dm.ratings_file}</a>
            " · "
            <a href=format!("/api/v1/cycles/{id}/assessment.xlsx") download rel="external" data-testid="download-xlsx">"XLSX"</a>
        </p>
        <HeatMaps id />
        <div class="table-wrap" tabindex="0" role="region" aria-label=dm.iros_title>
            <table class="stats" data-testid="iro-scores">
                <caption>{dm.iros_title}</caption>
                <thead>
                    <tr>{columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h2>{dm.matters_title}</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-label=dm.matters_title>
            <table class="stats" data-testid="matter-positions">
                <caption>{dm.matters_title}</caption>
                <thead>
                    <tr>
                        <th scope="col">{dm.col_matter}</th>
                        <th scope="col">{dm.col_financial}</th>
                        <th scope="col">{dm.col_impact}</th>
                        <th scope="col">{dm.col_materiality}</th>
                        <th scope="col">{dm.col_undecided}</th>
                        <th scope="col">{dm.col_stakeholders}</th>
                    </tr>
                </thead>
                <tbody>{matters}</tbody>
            </table>
        </div>
        {confirmation}
    }
    .into_any()
}

/// A matter's stakeholder input: each survey topic that informs it with everyone's mean importance
/// to stakeholders and how many rated it, or why there is no figure.
#[component]
fn StakeholderFigures(figures: Vec<TopicFigure>) -> impl IntoView {
    let lang = use_lang();
    let dm = lang.dm();
    figures
        .into_iter()
        .map(|f| {
            let figure = if f.withheld {
                dm.stakeholders_withheld.to_string()
            } else {
                format!("{} (n = {})", fmt2(f.mean), f.n)
            };
            let text = format!("{} {}: {figure}", f.code, lang.pick(&f.name.zh, &f.name.en));
            view! { <p class:high=f.high data-topic=f.code>{text}</p> }
        })
        .collect_view()
}

#[component]
fn ScoreRow(
    s: ScoredIro,
    matter: String,
    admin: bool,
    id: i64,
    calibrated: RwSignal<usize>,
) -> impl IntoView {
    let lang = use_lang();
    let dm = lang.dm();
    let iro = s.row.id;
    let score = &s.score;
    let computed = score
        .computed
        .map(|(v, h)| format!("{v:.2} · {}", dm.horizon(h)))
        .unwrap_or_else(|| "–".into());
    let spread = view! {
        {fmt2(score.spread)}
        {score.needs_calibration.then(|| view! { " · " <strong class="flag">{dm.needs_calibration}</strong> })}
    };
    let note = s
        .calibration
        .as_ref()
        .map(|n| dm.calibrated_by(n))
        .unwrap_or_default();
    // A decision counts while the score needs one; one left from before stays visible.
    let decision = s
        .decision
        .as_ref()
        .map(|n| dm.decided_by(n))
        .unwrap_or_default();
    let decidable = score.decided || score.needs_decision();
    let standing_class = match score.standing {
        Standing::Material => "standing-material",
        Standing::GreyZone | Standing::NotAssessable => "standing-undecided",
        Standing::NotMaterial => "standing-not",
    };
    view! {
        <tr data-testid=format!("score-{iro}") data-standing=format!("{:?}", score.standing)>
            <th scope="row">{iro}</th>
            <td>{matter}</td>
            <td>{dm.kind(s.row.record.iro.kind)} " · " {dm.occurrence(s.row.record.iro.kind, s.row.record.iro.potential)}</td>
            <td class="num">{format!("{}/{}", s.submitted, s.assigned)}</td>
            <td class="num" data-testid="computed">{computed}</td>
            <td class="num">{spread}</td>
            <td class="prose" data-testid="calibration">{note}</td>
            <td class="prose" data-testid="decision">{decision}</td>
            <td class="num" data-testid="score">{fmt2(score.score())}</td>
            <td class=standing_class>{dm.standing(score.standing)}</td>
            {admin.then(|| view! {
                <td>
                    <CalibrateForm id iro calibrated />
                    {decidable.then(|| view! { <DecideForm id iro calibrated /> })}
                </td>
            })}
        </tr>
    }
}

#[component]
fn CalibrateForm(id: i64, iro: i64, calibrated: RwSignal<usize>) -> impl IntoView {
    let dm = use_lang().dm();
    let action = ServerAction::<CalibrateIro>::new();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            calibrated.update(|n| *n += 1);
        }
    });
    let problems = move || problems_of(action.value().get());
    view! {
        <ActionForm action attr:class="calibrate" attr:data-testid=format!("calibrate-{iro}")>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="iro" value=iro />
            <label>
                <span>{dm.calibrated_score}</span>
                <input type="text" inputmode="decimal" name="score" class="count" />
            </label>
            {move || field_errors(&problems(), "score")}
            <label>
                <span>{dm.reason}</span>
                <textarea name="reason" rows="2"></textarea>
            </label>
            {move || field_errors(&problems(), "reason")}
            <button type="submit">{dm.calibrate}</button>
        </ActionForm>
    }
}

/// The decision group's decision on a grey-zone or not-assessable score: material or not, with the
/// reason.
#[component]
fn DecideForm(id: i64, iro: i64, calibrated: RwSignal<usize>) -> impl IntoView {
    let dm = use_lang().dm();
    let action = ServerAction::<DecideIro>::new();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            calibrated.update(|n| *n += 1);
        }
    });
    let problems = move || problems_of(action.value().get());
    view! {
        <ActionForm action attr:class="calibrate" attr:data-testid=format!("decide-{iro}")>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="iro" value=iro />
            <fieldset>
                <legend>{dm.col_decision}</legend>
                <label class="check">
                    <input type="radio" name="material" value="true" />
                    <span>{dm.decision_material}</span>
                </label>
                <label class="check">
                    <input type="radio" name="material" value="false" />
                    <span>{dm.decision_not}</span>
                </label>
            </fieldset>
            {move || field_errors(&problems(), "material")}
            {move || field_errors(&problems(), "decision")}
            <label>
                <span>{dm.reason}</span>
                <textarea name="reason" rows="2"></textarea>
            </label>
            {move || field_errors(&problems(), "reason")}
            <button type="submit">{dm.decide}</button>
        </ActionForm>
    }
}

/// The two heat maps, drawn by the server as images (their numbers are the IRO numbers of the table
/// below), each with its SVG and PNG download.
#[component]
fn HeatMaps(id: i64) -> impl IntoView {
    let lang = use_lang();
    let dm = lang.dm();
    let maps = [
        ("impact", dm.heat_impact_title),
        ("financial", dm.heat_financial_title),
    ];
    view! {
        <section class="heat-maps" aria-labelledby="heat-title">
            <h2 id="heat-title">{dm.heat_maps}</h2>
            <div class="heat-grid">
                {maps.into_iter().map(|(which, title)| {
                    let src = format!("/api/v1/cycles/{id}/heat-map/{which}.svg?lang={}", lang.tag());
                    let png = format!("/api/v1/cycles/{id}/heat-map/{which}.png?lang={}", lang.tag());
                    view! {
                        <figure data-testid=format!("heat-{which}")>
                            <img src=src.clone() alt=format!("{title}. {}", dm.heat_note) width="640" height="600" loading="lazy" />
                            <figcaption>
                                <a href=src download rel="external">"SVG"</a>
                                " · "
                                <a href=png download rel="external">"PNG"</a>
                            </figcaption>
                        </figure>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}
