//! The questionnaire at `/s/{token}` and its thank-you page.
//!
//! The page is a plain `<form method="post">`: without JavaScript the browser posts it and the server
//! answers with a full page (the thank-you page, or this page again with the errors and every answer
//! kept); a draft is the same post with `intent=draft`. The page loads no wasm: respondents are the
//! many, on any phone and network, and the hydrated bundle (the admin and reviewer pages' code) would
//! multiply the page's weight many times for no function the form lacks. A few lines of script count
//! the answered topics as they are chosen (see `SURVEY_SCRIPT`); the shell leaves the hydration
//! scripts out on `/s/` paths ([`crate::hydrates`]).

use crate::api::survey::load_survey;
use crate::components::{Header, Notice};
use crate::domain::{
    form_field, format_utc, CycleTopic, FieldError, SubmitOutcome, SurveyState, SurveyView,
    DONT_KNOW,
};
use crate::i18n::{Lang, Text};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
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
                        Ok((SurveyState::Full, _)) => {
                            view! { <Notice title=t.full_link_title body=t.full_link_body /> }.into_any()
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

/// The page's only script (the survey ships no wasm, see the module comment): counts answered topics
/// as they are chosen, moves focus to the error summary after a refused post, and stops a second click
/// from posting the form twice.
const SURVEY_SCRIPT: &str = r#"(function () {
  var f = document.querySelector('form.questionnaire');
  if (!f) return;
  var summary = document.getElementById('error-summary');
  if (summary && !summary.hidden) summary.focus();
  var topics = f.querySelectorAll('li.topic');
  function count() {
    var n = 0;
    topics.forEach(function (li) {
      if (li.querySelector('.scale-b input:checked') && li.querySelector('.scale-s input:checked')) n++;
    });
    var text = f.dataset.progress.replace('{a}', n).replace('{n}', topics.length);
    f.querySelectorAll('.progress, .progress-bottom').forEach(function (p) { p.textContent = text; });
  }
  f.addEventListener('change', count);
  f.addEventListener('submit', function (e) {
    if (f.dataset.sent) { e.preventDefault(); return; }
    var b = f.querySelector('button.primary');
    if (e.submitter === b) { f.dataset.sent = '1'; b.textContent = f.dataset.sending; }
  });
  count();
  f.dataset.ready = 'true';
})();"#;

#[component]
fn SurveyForm(token: String, view: SurveyView, posted: Option<PostedForm>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let codes: Vec<String> = view.topics.iter().map(|t| t.code.clone()).collect();
    let total = codes.len();
    let (fields, errors) = match posted {
        Some(PostedForm {
            fields,
            outcome: Some(SubmitOutcome::Invalid(errors)),
        }) => (fields, errors),
        Some(PostedForm { fields, .. }) => (fields, Vec::new()),
        // A saved draft comes back as if it had just been posted.
        None => (view.draft.clone(), Vec::new()),
    };
    let answered = count_answered(&fields, &codes);
    let cycle_errors: Vec<_> = errors
        .iter()
        .filter(|e| e.topic.is_none())
        .cloned()
        .collect();
    let value_of = move |name: String| {
        fields
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    let topics = view
        .topics
        .iter()
        .map(|topic| {
            let mine: Vec<FieldError> = errors
                .iter()
                .filter(|e| e.topic.as_deref() == Some(topic.code.as_str()))
                .cloned()
                .collect();
            view! { <TopicItem topic=topic.clone() view=view.clone() errors=mine value_of=value_of.clone() /> }
        })
        .collect_view();
    let open_link = view.open_link;

    view! {
        <h1>{t.survey_title}</h1>
        <p class="cycle-name">{view.cycle_name.clone()}</p>
        <p class="intro">{t.survey_intro}</p>
        <p class="intro">{t.survey_how}</p>
        <p class="group">
            {t.survey_group} ": " <strong>{lang.pick(&view.group.zh, &view.group.en).to_string()}</strong>
        </p>
        {open_link.then(|| view! { <p class="open-link-note" data-testid="open-link-note">{t.open_link_note}</p> })}
        <div id="error-summary" class="error-summary" role="alert" tabindex="-1" hidden=errors.is_empty()>
            <p>{t.fix_errors}</p>
            <ul>
                {cycle_errors.into_iter().map(|e| view! { <li>{t.error(e.code)}</li> }).collect_view()}
            </ul>
        </div>
        <form
            method="post"
            action=format!("/s/{token}")
            class="questionnaire"
            data-progress=t.answered_of
            data-sending=t.submitting
        >
            <input type="hidden" name="lang" value=lang.tag() />
            <p class="progress" aria-live="polite" data-testid="progress">{t.progress(answered, total)}</p>
            <ol class="topics">{topics}</ol>
            <p class="progress-bottom">{t.progress(answered, total)}</p>
            <div class="actions">
                <button type="submit" class="primary">{t.submit}</button>
                {(!open_link).then(|| view! {
                    <button type="submit" name="intent" value="draft" formnovalidate>{t.save_draft}</button>
                })}
            </div>
            <p class="draft-saved" role="status" data-testid="draft-saved">
                {view.draft_saved_at.map(|at| t.draft_saved.replace("{t}", &format_utc(at)))}
            </p>
        </form>
        <script nonce=leptos::nonce::use_nonce() inner_html=SURVEY_SCRIPT></script>
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
    errors: Vec<FieldError>,
    value_of: impl Fn(String) -> Option<String> + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let code = topic.code.clone();
    let error_id = format!("err-{code}");
    let described_by = error_id.clone();
    let has_error = !errors.is_empty();
    let name = lang.pick(&topic.name.zh, &topic.name.en).to_string();
    let description = lang
        .pick(&topic.description.zh, &topic.description.en)
        .to_string();
    // A posted comment must not close its textarea when the page is rendered again.
    let comment =
        crate::components::textarea_text(&value_of(form_field('c', &code)).unwrap_or_default());
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
                    {errors.iter().map(|e| view! { <p class="field-error">{error_text(t, e)}</p> }).collect_view()}
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
