//! The questionnaire at `/s/{token}` and its thank-you page.
//!
//! The page is a plain `<form method="post">`: without JavaScript the browser posts it and the server
//! answers with a full page (the thank-you page, or this page again with the errors and every answer
//! kept). Once hydrated, the same form is sent by a server function, progress is counted live and a
//! failed validation only adds the messages, leaving the answers in place.

use crate::api::survey::{load_survey, save_draft, submit_survey};
use crate::components::{Header, Notice};
use crate::domain::{
    form_field, format_utc, CycleTopic, DraftOutcome, FieldError, SubmitOutcome, SurveyState,
    SurveyView, DONT_KNOW,
};
use crate::i18n::{Lang, Text};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// The outcome of a plain form post that did not store anything, handed by the server's form handler
/// to the page it renders in answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PostedForm {
    pub fields: Vec<(String, String)>,
    pub outcome: Option<SubmitOutcome>,
}

/// How many topics have both scales answered (a point or "don't know").
fn count_answered(fields: &[(String, String)], codes: &[String]) -> usize {
    let has = |name: String| fields.iter().any(|(k, v)| *k == name && !v.is_empty());
    codes
        .iter()
        .filter(|c| has(form_field('b', c)) && has(form_field('s', c)))
        .count()
}

#[component]
pub fn SurveyPage() -> impl IntoView {
    let t = use_lang().t();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    // Only the server has a posted form; the browser receives the resource's value with the page.
    let posted = use_context::<PostedForm>();
    let data = Resource::new(token, move |tok| {
        let posted = posted.clone();
        async move { load_survey(tok).await.map(|state| (state, posted)) }
    });
    view! {
        <Header />
        <main class="page survey">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        // The link is read after any post, so a used, unknown or closed link shows as
                        // such here; a posted form only matters when it was refused as invalid.
                        Ok((SurveyState::Open(view), posted)) => {
                            view! { <SurveyForm token=token() view posted /> }.into_any()
                        }
                        Ok((SurveyState::Unknown, _)) => {
                            view! { <Notice title=t.unknown_link_title body=t.unknown_link_body /> }.into_any()
                        }
                        Ok((SurveyState::Used, _)) => {
                            view! { <Notice title=t.used_link_title body=t.used_link_body /> }.into_any()
                        }
                        Ok((SurveyState::Closed, _)) => {
                            view! { <Notice title=t.closed_title body=t.closed_body /> }.into_any()
                        }
                        Ok((SurveyState::Revoked, _)) => {
                            view! { <Notice title=t.revoked_link_title body=t.revoked_link_body /> }.into_any()
                        }
                        Ok((SurveyState::AnsweredHere, _)) => {
                            view! { <Notice title=t.answered_here_title body=t.answered_here_body /> }.into_any()
                        }
                        Err(_) => view! { <Notice title=t.error_title body=t.error_body /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// Reads the answers out of the form element, exactly as a form post would send them.
fn read_form(form: &NodeRef<leptos::html::Form>, codes: &[String]) -> Vec<(String, String)> {
    #[cfg(feature = "hydrate")]
    {
        let Some(el) = form.get_untracked() else {
            return Vec::new();
        };
        let Ok(data) = web_sys::FormData::new_with_form(&el) else {
            return Vec::new();
        };
        codes
            .iter()
            .flat_map(|c| ['b', 's', 'c'].map(|p| form_field(p, c)))
            .filter_map(|name| data.get(&name).as_string().map(|v| (name, v)))
            .collect()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (form, codes);
        Vec::new()
    }
}

#[component]
fn SurveyForm(token: String, view: SurveyView, posted: Option<PostedForm>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let codes: Vec<String> = view.topics.iter().map(|t| t.code.clone()).collect();
    let total = codes.len();
    let (fields, first_errors) = match posted {
        Some(PostedForm {
            fields,
            outcome: Some(SubmitOutcome::Invalid(errors)),
        }) => (fields, errors),
        Some(PostedForm { fields, .. }) => (fields, Vec::new()),
        // A saved draft comes back as if it had just been posted.
        None => (view.draft.clone(), Vec::new()),
    };
    let draft_saved = RwSignal::new(view.draft_saved_at);
    let answered = RwSignal::new(count_answered(&fields, &codes));
    let errors = RwSignal::new(first_errors);
    // Set when a hydrated submit finds the link unknown or used meanwhile.
    let gone = RwSignal::new(None::<SubmitOutcome>);
    let pending = RwSignal::new(false);
    let form = NodeRef::<leptos::html::Form>::new();
    let navigate = use_navigate();

    let recount = {
        let codes = codes.clone();
        move || answered.set(count_answered(&read_form(&form, &codes), &codes))
    };
    // Effects run only in the browser, once the page is interactive: count what was chosen before the
    // code arrived, and mark the form as hydrated (the browser tests wait for that mark).
    let hydrated = RwSignal::new(false);
    Effect::new({
        let recount = recount.clone();
        move |_| {
            recount();
            hydrated.set(true);
        }
    });
    let on_change = move |_| recount();
    // Without JavaScript the draft button posts the form with intent=draft; hydrated, it saves here.
    let on_draft = {
        let token = token.clone();
        let codes = codes.clone();
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            let fields = read_form(&form, &codes);
            let token = token.clone();
            leptos::task::spawn_local(async move {
                match save_draft(token, fields).await {
                    Ok(DraftOutcome::Saved(at)) => draft_saved.set(Some(at)),
                    Ok(DraftOutcome::Refused) | Err(_) => server_failed(),
                }
            });
        }
    };
    let open_link = view.open_link;
    let on_submit = {
        let token = token.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if pending.get_untracked() {
                return;
            }
            let fields = read_form(&form, &codes);
            let token = token.clone();
            let navigate = navigate.clone();
            pending.set(true);
            leptos::task::spawn_local(async move {
                match submit_survey(token.clone(), fields, lang).await {
                    Ok(SubmitOutcome::Stored { receipt, .. }) => {
                        navigate(
                            &format!("/s/{token}/thanks?r={receipt}"),
                            Default::default(),
                        );
                    }
                    Ok(SubmitOutcome::Invalid(list)) => {
                        errors.set(list);
                        pending.set(false);
                        // After the summary has been shown, or it cannot take focus.
                        request_animation_frame(focus_summary);
                    }
                    Ok(other) => gone.set(Some(other)),
                    Err(_) => {
                        errors.set(Vec::new());
                        gone.set(None);
                        pending.set(false);
                        server_failed();
                    }
                }
            });
        }
    };

    let cycle_errors = move || {
        errors
            .get()
            .into_iter()
            .filter(|e| e.topic.is_none())
            .collect::<Vec<_>>()
    };
    let value_of = move |name: String| {
        fields
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    let topics = view
        .topics
        .iter()
        .map(|topic| view! { <TopicItem topic=topic.clone() view=view.clone() errors value_of=value_of.clone() /> })
        .collect_view();

    view! {
        <Show
            when=move || gone.get().is_none()
            fallback=move || match gone.get() {
                Some(SubmitOutcome::Unknown) => view! { <Notice title=t.unknown_link_title body=t.unknown_link_body /> }.into_any(),
                _ => view! { <Notice title=t.used_link_title body=t.used_link_body /> }.into_any(),
            }
        >
            <h1>{t.survey_title}</h1>
            <p class="cycle-name">{view.cycle_name.clone()}</p>
            <p class="intro">{t.survey_intro}</p>
            <p class="intro">{t.survey_how}</p>
            <p class="group">
                {t.survey_group} ": " <strong>{lang.pick(&view.group.zh, &view.group.en).to_string()}</strong>
            </p>
            {open_link.then(|| view! { <p class="open-link-note" data-testid="open-link-note">{t.open_link_note}</p> })}
            <div id="error-summary" class="error-summary" role="alert" tabindex="-1" hidden=move || errors.get().is_empty()>
                <p>{t.fix_errors}</p>
                <ul>
                    {move || cycle_errors().into_iter().map(|e| view! { <li>{t.error(e.code)}</li> }).collect_view()}
                </ul>
            </div>
        </Show>
        <form
            method="post"
            action=format!("/s/{token}")
            node_ref=form
            on:change=on_change
            on:submit=on_submit
            class="questionnaire"
            hidden=move || gone.get().is_some()
            data-hydrated=move || hydrated.get().then_some("true")
        >
            <input type="hidden" name="lang" value=lang.tag() />
            <p class="progress" aria-live="polite" data-testid="progress">{move || t.progress(answered.get(), total)}</p>
            <ol class="topics">{topics}</ol>
            <p class="progress-bottom">{move || t.progress(answered.get(), total)}</p>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { t.submitting } else { t.submit }}
                </button>
                {(!open_link).then(|| view! {
                    <button type="submit" name="intent" value="draft" formnovalidate on:click=on_draft>
                        {t.save_draft}
                    </button>
                })}
            </div>
            <p class="draft-saved" role="status" data-testid="draft-saved">
                {move || draft_saved.get().map(|at| t.draft_saved.replace("{t}", &format_utc(at)))}
            </p>
        </form>
    }
}

#[cfg(feature = "hydrate")]
fn focus_summary() {
    use wasm_bindgen::JsCast;
    if let Some(el) = document().get_element_by_id("error-summary") {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

#[cfg(not(feature = "hydrate"))]
fn focus_summary() {}

/// A network or server failure: nothing was stored, the answers stay; say so.
fn server_failed() {
    #[cfg(feature = "hydrate")]
    {
        let t = use_lang().t();
        let _ = window().alert_with_message(t.error_body);
    }
}

/// Text of one field error, with the scale it concerns.
fn error_text(t: &Text, e: &FieldError) -> String {
    let field = match e.field.as_str() {
        "business" => Some(t.business_axis),
        "stakeholder" => Some(t.stakeholder_axis),
        "comment" => Some(t.comment_label),
        _ => None,
    };
    match field {
        Some(f) => format!("{f}: {}", t.error(e.code)),
        None => t.error(e.code).to_string(),
    }
}

#[component]
fn TopicItem(
    topic: CycleTopic,
    view: SurveyView,
    errors: RwSignal<Vec<FieldError>>,
    value_of: impl Fn(String) -> Option<String> + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let code = topic.code.clone();
    let error_id = format!("err-{code}");
    let described_by = error_id.clone();
    let my_errors = {
        let code = code.clone();
        move || {
            errors
                .get()
                .into_iter()
                .filter(|e| e.topic.as_deref() == Some(code.as_str()))
                .collect::<Vec<_>>()
        }
    };
    let has_error = {
        let my_errors = my_errors.clone();
        move || !my_errors().is_empty()
    };
    let name = lang.pick(&topic.name.zh, &topic.name.en).to_string();
    let description = lang
        .pick(&topic.description.zh, &topic.description.en)
        .to_string();
    // Leptos writes a textarea's text without escaping it; escape it here so that a posted comment
    // cannot close the element and inject markup when the page is rendered again.
    let comment = escape_text(&value_of(form_field('c', &code)).unwrap_or_default());
    view! {
        <li class="topic" class:has-error=has_error data-testid=format!("topic-{code}")>
            <fieldset aria-describedby=described_by>
                <legend>
                    <span class=format!("badge cat-{}", topic.category.as_str())>{t.category(topic.category)}</span>
                    <span class="code">{code.clone()}</span>
                    " "
                    <span class="name">{name}</span>
                </legend>
                <p class="description">{description}</p>
                <div id=error_id class="field-errors" aria-live="polite">
                    {move || my_errors().iter().map(|e| view! { <p class="field-error">{error_text(t, e)}</p> }).collect_view()}
                </div>
                <ScaleGroup field='b' code=code.clone() question=t.business_question view=view.clone() checked=value_of(form_field('b', &code)) />
                <ScaleGroup field='s' code=code.clone() question=t.stakeholder_question view=view checked=value_of(form_field('s', &code)) />
                <label class="comment">
                    <span>{t.comment_label}</span>
                    <textarea name=form_field('c', &code) rows="2" maxlength="2000">{comment}</textarea>
                </label>
            </fieldset>
        </li>
    }
    .into_any()
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One labelled radio group: a point per scale value plus "don't know".
#[component]
fn ScaleGroup(
    field: char,
    code: String,
    question: &'static str,
    view: SurveyView,
    checked: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    let labels = match lang {
        Lang::Zh => view.labels.zh.clone(),
        Lang::En => view.labels.en.clone(),
    };
    let name = form_field(field, &code);
    let points = view
        .scale
        .points()
        .zip(labels)
        .map(|(p, label)| {
            let value = p.to_string();
            let is_checked = checked.as_deref() == Some(value.as_str());
            view! {
                <label class="point">
                    <input type="radio" name=name.clone() value=value.clone() checked=is_checked />
                    <span class="num">{value}</span>
                    <span class="point-label">{label}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class=format!("scale scale-{field}")>
            <legend>{question}</legend>
            <div class="points">
                {points}
                <label class="point dk">
                    <input type="radio" name=name.clone() value=DONT_KNOW checked=checked.as_deref() == Some(DONT_KNOW) />
                    <span class="point-label">{lang.t().dont_know}</span>
                </label>
            </div>
        </fieldset>
    }
}

#[component]
pub fn ThanksPage() -> impl IntoView {
    let t = use_lang().t();
    let query = use_query_map();
    let receipt = move || {
        query
            .read()
            .get("r")
            .filter(|r| r.len() <= 32 && r.chars().all(|c| c.is_ascii_hexdigit()))
    };
    view! {
        <Header />
        <main class="page narrow">
            <section class="notice thanks" data-testid="thanks">
                <h1>{t.thanks_title}</h1>
                <p>{t.thanks_body}</p>
                {move || receipt().map(|r| view! { <p class="receipt">{t.receipt} ": " <code>{r}</code></p> })}
            </section>
        </main>
    }
}
