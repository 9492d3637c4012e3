//! The register page's stakeholder input: the survey topics the cycle asks, each with the matter it
//! informs (whose row on the scores page then shows the topic's stakeholder figures). One small form
//! per topic, so it works without JavaScript.

use crate::api::register::SetTopicMatter;
use crate::components::{field_errors, problems_of};
use crate::domain::iro::RegisterView;
use crate::domain::matters::depth_of;
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn TopicMatters(
    id: i64,
    register: RegisterView,
    frozen: bool,
    action: ServerAction<SetTopicMatter>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let dm = lang.dm();
    let matter_name = |code: &str| {
        register
            .matters
            .iter()
            .find(|m| m.code == code)
            .map(|m| format!("{} {}", m.code, lang.pick(&m.name.zh, &m.name.en)))
            .unwrap_or_else(|| code.to_string())
    };
    // The tree as options, each indented by its depth.
    let options: Vec<(String, String)> = register
        .matters
        .iter()
        .map(|m| {
            let indent = "\u{a0}\u{a0}".repeat(depth_of(&register.matters, m.id).saturating_sub(1));
            let label = format!("{indent}{} {}", m.code, lang.pick(&m.name.zh, &m.name.en));
            (m.code.clone(), label)
        })
        .collect();
    let rows = register
        .topics
        .iter()
        .map(|topic| {
            let name = format!("{} {}", topic.code, lang.pick(&topic.name.zh, &topic.name.en));
            let chosen = topic.matter.clone().unwrap_or_default();
            let cell = if frozen {
                let shown = topic
                    .matter
                    .as_deref()
                    .map(matter_name)
                    .unwrap_or_else(|| dm.no_matter.to_string());
                view! { <td>{shown}</td> }.into_any()
            } else {
                let label = format!("{}: {name}", dm.col_informs);
                let code = topic.code.clone();
                let none = chosen.is_empty();
                let options = options
                    .iter()
                    .map(|(code, text)| {
                        view! { <option value=code.clone() selected=*code == chosen>{text.clone()}</option> }
                    })
                    .collect_view();
                view! {
                    <td>
                        <ActionForm action attr:class="inline">
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="topic" value=code />
                            <select name="matter" aria-label=label>
                                <option value="" selected=none>{dm.no_matter}</option>
                                {options}
                            </select>
                            <button type="submit">{t.save}</button>
                        </ActionForm>
                    </td>
                }
                .into_any()
            };
            view! {
                <tr data-topic=topic.code.clone() data-matter=chosen.clone()>
                    <th scope="row">{name}</th>
                    {cell}
                </tr>
            }
        })
        .collect_view();
    // The table's region is named apart from the section's, which is a region too (axe:
    // landmark-unique).
    let table_label = format!("{} · {}", dm.col_topic, dm.col_informs);
    let body = if register.topics.is_empty() {
        view! { <p class="hint" data-testid="no-survey-topics">{dm.input_no_topics}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=table_label>
                <table class="stats" data-testid="topic-matters">
                    <caption class="visually-hidden">{dm.input_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{dm.col_topic}</th>
                            <th scope="col">{dm.col_informs}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="input-title">
            <h2 id="input-title">{dm.input_title}</h2>
            <p class="hint">{dm.input_intro}</p>
            {body}
            {move || {
                let p = problems_of(action.value().get());
                view! { {field_errors(&p, "topic")} {field_errors(&p, "matter")} }
            }}
        </section>
    }
}
