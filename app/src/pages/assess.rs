//! The assessors' pages: the cycles with IROs assigned to the signed-in user (`/assess`), and one
//! cycle's assignments with a rating form each (`/cycles/{id}/assess`): every criterion the IRO's
//! formula needs, per time horizon, on labelled 1–5 anchors or "can't judge", and the rationale.
//! Plain forms: saving and submitting work without JavaScript.

use crate::api::register::{my_assessment_cycles, my_assignments, SaveMyRating};
use crate::api::AppError;
use crate::components::{cycle_id, field_errors, problems_of, refusal, Header};
use crate::domain::double_materiality::{needed, Criteria, Horizon, Rating};
use crate::domain::iro::{word, Assignment, HORIZONS};
use crate::domain::FieldProblem;
use crate::i18n::DmText;
use crate::use_lang;
use leptos::prelude::*;

/// `/assess`: where an assessor starts.
#[component]
pub fn AssessHome() -> impl IntoView {
    let lang = use_lang();
    let dm = lang.dm();
    let cycles = Resource::new(|| (), |_| my_assessment_cycles());
    view! {
        <Header />
        <main class="page">
            <h1>{dm.my_title}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match cycles.await {
                        Ok(list) if list.is_empty() => view! { <p data-testid="no-assignments">{dm.no_assignments}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain" data-testid="assess-cycles">
                                {list.into_iter().map(|c| view! {
                                    <li>
                                        <a href=format!("/cycles/{}/assess", c.id)>{format!("{} ({})", c.name, c.year)}</a>
                                        " · " {dm.my_progress(c.submitted, c.assigned)}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }
                            .into_any(),
                        Err(e) => refusal(e, dm.my_title, "/assess".into()),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// `/cycles/{id}/assess`: the signed-in user's own assignments in a cycle. Each form saves on its
/// own and updates only itself: what is filled in elsewhere on the page stays as it is.
#[component]
pub fn AssessPage() -> impl IntoView {
    let dm = use_lang().dm();
    let id = cycle_id();
    let data = Resource::new(id, |id| async move {
        my_assignments(id.ok_or(AppError::NotFound)?).await
    });
    view! {
        <Header />
        <main class="page wide assess">
            <p><a href="/assess">{dm.my_title}</a></p>
            <h1>{dm.my_title}</h1>
            <p class="hint">{dm.my_intro}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.is_empty() => view! { <p data-testid="no-assignments">{dm.no_assignments}</p> }.into_any(),
                        Ok(list) => list
                            .into_iter()
                            .map(|a| view! { <AssignmentForm id=id().unwrap_or_default() a /> })
                            .collect_view()
                            .into_any(),
                        Err(e) => refusal(e, dm.my_title, format!("/cycles/{}/assess", id().unwrap_or_default())),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The criteria of a rating, in the order the form asks them, with their field names.
fn criteria_of<T: Copy>(c: &Criteria<T>) -> [(&'static str, Option<T>); 5] {
    [
        ("scale", c.scale),
        ("scope", c.scope),
        ("irremediable", c.irremediable),
        ("likelihood", c.likelihood),
        ("magnitude", c.magnitude),
    ]
}

#[component]
fn AssignmentForm(id: i64, a: Assignment) -> impl IntoView {
    let lang = use_lang();
    let dm = lang.dm();
    let row = &a.iro;
    let r = &row.record;
    let iro = row.id;
    // Each form its own action, so that its messages stay beside it.
    let save = ServerAction::<SaveMyRating>::new();
    let mine = Signal::derive(move || problems_of(save.value().get()));
    let (submitted, waived) = (a.submitted, a.waived);
    let locked =
        Signal::derive(move || submitted || waived || matches!(save.value().get(), Some(Ok(true))));
    let chain = r
        .value_chain
        .iter()
        .map(|v| dm.chain(*v))
        .collect::<Vec<_>>()
        .join(", ");
    let heading = format!(
        "#{iro} · {} · {} · {}",
        dm.kind(r.iro.kind),
        dm.occurrence(r.iro.kind, r.iro.potential),
        r.matter
    );
    let asked = needed(&r.iro);
    let horizons = r
        .iro
        .horizons
        .iter()
        .enumerate()
        .map(|(i, &h)| {
            let given = a
                .ratings
                .iter()
                .find(|(at, _)| *at == h)
                .map(|(_, r)| *r)
                .unwrap_or_default();
            view! { <HorizonFieldset i h asked given locked mine /> }
        })
        .collect_view();
    let state = move || {
        if waived {
            Some(dm.waived_note)
        } else if locked.get() {
            Some(dm.submitted_note)
        } else if matches!(save.value().get(), Some(Ok(false))) {
            Some(dm.saved)
        } else {
            None
        }
    };
    view! {
        <article class="assignment" data-testid=format!("assignment-{iro}") aria-labelledby=format!("iro-{iro}-title")>
            <h2 id=format!("iro-{iro}-title")>{heading}</h2>
            <p class="prose">{lang.pick(&r.description.zh, &r.description.en).to_string()}</p>
            <p class="hint">
                {dm.col_value_chain} ": " {chain}
                {r.iro.human_rights.then(|| view! { " · " {dm.human_rights_short} })}
            </p>
            <ActionForm action=save attr:class="rating-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="iro" value=iro />
                {horizons}
                {move || field_errors(&mine.get(), "rating")}
                <label>
                    <span>{dm.rationale}</span>
                    <textarea name="rationale" rows="3" disabled=move || locked.get()>{crate::components::textarea_text(&a.rationale)}</textarea>
                </label>
                {move || field_errors(&mine.get(), "rationale")}
                <label>
                    <span>{dm.evidence}</span>
                    <span class="hint">{dm.evidence_hint}</span>
                    <textarea name="evidence" rows="3" disabled=move || locked.get()>{crate::components::textarea_text(&a.evidence)}</textarea>
                </label>
                {move || field_errors(&mine.get(), "evidence")}
                <EvidenceList stored=a.evidence.clone() />
                <div class="actions" class:hidden=move || locked.get()>
                    <button type="submit" name="submit" value="false" disabled=move || locked.get()>{dm.save_draft}</button>
                    <button type="submit" name="submit" value="true" class="primary" disabled=move || locked.get()>{dm.submit}</button>
                </div>
            </ActionForm>
            <p role="status" class="locked" class:hidden=move || state().is_none() data-testid=move || if locked.get() { "locked" } else { "state" }>{state}</p>
        </article>
    }
}

/// One horizon's criteria: a group of radio buttons each, 1–5 with its anchor, or "can't judge".
#[component]
fn HorizonFieldset(
    i: usize,
    h: Horizon,
    asked: Criteria<()>,
    given: Rating,
    locked: Signal<bool>,
    mine: Signal<Vec<FieldProblem>>,
) -> impl IntoView {
    let dm: &'static DmText = use_lang().dm();
    let field = format!("rating.{}", word(&HORIZONS, h));
    let criteria = criteria_of(&asked)
        .into_iter()
        .zip(criteria_of(&given))
        .zip(criteria_of(&dm.criteria))
        .zip(criteria_of(&dm.questions))
        .zip(criteria_of(&dm.anchors))
        .filter(|((((asked, _), _), _), _)| asked.1.is_some())
        .map(|((((asked, given), label), question), anchors)| {
            let name = format!("ratings[{i}][{}]", asked.0);
            let anchors = anchors.1.unwrap_or_default();
            let points = (1..=5u8)
                .map(|v| {
                    let name = name.clone();
                    view! {
                        <label class="point">
                            <input type="radio" name=name value=v checked=given.1 == Some(v) disabled=move || locked.get() />
                            <span>{format!("{v} · {}", anchors[usize::from(v) - 1])}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="criterion" data-criterion=asked.0>
                    <legend>{label.1.unwrap_or_default()}</legend>
                    <p class="hint">{question.1.unwrap_or_default()}</p>
                    {points}
                    <label class="point">
                        <input type="radio" name=name value="" checked=given.1.is_none() disabled=move || locked.get() />
                        <span>{dm.cant_judge}</span>
                    </label>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <fieldset class="horizon" data-horizon=word(&HORIZONS, h)>
            <legend>{dm.horizon(h)}</legend>
            <input type="hidden" name=format!("ratings[{i}][horizon]") value=word(&HORIZONS, h) />
            {criteria}
            {move || field_errors(&mine.get(), &field)}
        </fieldset>
    }
}

/// Saved evidence as the page shows it: web links as links (opened without sending this page's
/// address), notes as text.
#[component]
pub fn EvidenceList(stored: String) -> impl IntoView {
    use crate::domain::evidence::{items, Evidence};
    let list = items(&stored)
        .into_iter()
        .map(|e| match e {
            Evidence::Link(href) => view! {
                <li><a href=href.to_string() rel="noopener noreferrer nofollow">{href.to_string()}</a></li>
            }
            .into_any(),
            Evidence::Note(note) => view! { <li>{note.to_string()}</li> }.into_any(),
        })
        .collect_view();
    (!stored.trim().is_empty())
        .then(|| view! { <ul class="evidence" data-testid="evidence">{list}</ul> })
}
