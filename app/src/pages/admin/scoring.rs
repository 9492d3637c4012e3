//! The settings of a double-materiality cycle, on its register page: its scoring constants, and
//! whether its exports name the assessors. Plain forms (they work without JavaScript) while the
//! cycle is not confirmed, the settings as text once it is.

use crate::api::register::{SetCycleScoring, SetHideAssessors};
use crate::components::{field_errors, problems_of};
use crate::domain::double_materiality::{Scoring, AGGREGATIONS};
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn ScoringForm(
    id: i64,
    scoring: Scoring,
    frozen: bool,
    action: ServerAction<SetCycleScoring>,
) -> impl IntoView {
    let dm = use_lang().dm();
    let problems = move || problems_of(action.value().get());
    let number = move |name: &'static str, label: &'static str, value: f64| {
        view! {
            <label>
                <span>{label}</span>
                <input type="text" inputmode="decimal" name=name value=format!("{value}") class="count" />
            </label>
            {move || field_errors(&problems(), name)}
        }
    };
    let form = (!frozen).then(|| {
        view! {
            <ActionForm action attr:class="scoring" attr:data-testid="scoring-form">
                <input type="hidden" name="id" value=id />
                <label>
                    <span>{dm.aggregation}</span>
                    <select name="aggregation">
                        {AGGREGATIONS.iter().zip(dm.aggregations).map(|((word, a), label)| view! {
                            <option value=*word selected=*a == scoring.aggregation>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                {move || field_errors(&problems(), "aggregation")}
                {number("impact_threshold", dm.impact_threshold, scoring.impact_threshold)}
                {number("financial_threshold", dm.financial_threshold, scoring.financial_threshold)}
                {number("grey_band", dm.grey_band, scoring.grey_band)}
                {number("spread_limit", dm.spread_limit, scoring.spread_limit)}
                {move || field_errors(&problems(), "scoring")}
                <button type="submit">{dm.set_scoring}</button>
            </ActionForm>
        }
    });
    view! {
        <section aria-labelledby="scoring-title">
            <h2 id="scoring-title">{dm.scoring_title}</h2>
            <p class="hint">{dm.scoring_intro}</p>
            <p data-testid="scoring">{dm.scoring_summary(&scoring)}</p>
            {form}
        </section>
    }
}

/// Whether the ratings file, the workbook and the JSON name each rating's assessor or number them.
#[component]
pub fn AssessorNamesForm(
    id: i64,
    hidden: bool,
    frozen: bool,
    action: ServerAction<SetHideAssessors>,
) -> impl IntoView {
    let dm = use_lang().dm();
    let problems = move || problems_of(action.value().get());
    view! {
        <section aria-labelledby="names-title">
            <h2 id="names-title">{dm.names_title}</h2>
            <p data-testid="names" data-hidden=hidden.to_string()>{if hidden { dm.names_hidden } else { dm.names_shown }}</p>
            {(!frozen).then(|| view! {
                <ActionForm action attr:class="inline" attr:data-testid="names-form">
                    <input type="hidden" name="id" value=id />
                    <label class="check">
                        <input type="checkbox" name="hidden" value="true" checked=hidden />
                        <span>{dm.names_hide}</span>
                    </label>
                    <button type="submit">{use_lang().t().save}</button>
                </ActionForm>
            })}
            {move || field_errors(&problems(), "hide_assessors")}
        </section>
    }
}
