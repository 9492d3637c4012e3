//! The confirmation of a double-materiality cycle, at the foot of its scores page: the stamp once it
//! is confirmed; before, what is still missing (every assignment submitted or waived, every grey-zone
//! and not-assessable score decided) and, for admins, the confirmation form. Works without
//! JavaScript: the form posts and the page comes back with the stamp or the refusal.

use crate::api::review::ConfirmCycle;
use crate::domain::iro::AssessmentView;
use crate::domain::CycleStatus;
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn Confirmation(view: AssessmentView, admin: bool, reload: RwSignal<usize>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let dm = lang.dm();
    if let Some(s) = view.stamp {
        let scoring = s
            .methodology
            .scoring
            .map(|sc| dm.scoring_summary(&sc))
            .unwrap_or_default();
        let check = if s.intact {
            view! { <p class="intact" data-testid="stamp-intact">{dm.stamp_scores_intact}</p> }
                .into_any()
        } else {
            view! { <p class="field-error" role="alert" data-testid="stamp-broken">{dm.stamp_scores_broken}</p> }
                .into_any()
        };
        return view! {
            <section class="standing confirmed" aria-labelledby="confirm-title" data-testid="dm-stamp">
                <h2 id="confirm-title">{dm.confirm_title}</h2>
                <p>
                    {t.confirmed(&s)}
                </p>
                <dl class="stamp">
                    <dt>{dm.scoring_title}</dt>
                    <dd>{scoring}</dd>
                    <dt>{dm.stamp_scores_hash}</dt>
                    <dd><code data-testid="scores-hash">{s.assessment_hash.clone().unwrap_or_default()}</code></dd>
                </dl>
                {check}
            </section>
        }
        .into_any();
    }
    let gaps = view.gaps();
    let mut missing: Vec<String> = Vec::new();
    if gaps.no_iros {
        missing.push(dm.gap_no_iros.to_string());
    }
    missing.extend(
        gaps.unsubmitted
            .iter()
            .map(|&(iro, n)| dm.gap_unsubmitted(iro, n)),
    );
    missing.extend(gaps.undecided.iter().map(|&iro| dm.gap_undecided(iro)));
    let count = missing.len();
    let list = if missing.is_empty() {
        view! { <p data-testid="gaps-none">{dm.gap_none}</p> }.into_any()
    } else {
        view! {
            <h3>{dm.gaps_title}</h3>
            <ul data-testid="gaps" data-count=count>
                {missing.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let confirm = ServerAction::<ConfirmCycle>::new();
    Effect::new(move |_| {
        if matches!(confirm.value().get(), Some(Ok(()))) {
            reload.update(|n| *n += 1);
        }
    });
    let id = view.id;
    // Open: a stakeholder survey running as evidence is closed before the confirmation.
    let form = (admin && view.status != CycleStatus::Open).then(|| {
        view! {
            <super::review::ConfirmForm id action=confirm />
        }
    });
    view! {
        <section class="admin-form confirm" aria-labelledby="confirm-title">
            <h2 id="confirm-title">{dm.confirm_title}</h2>
            <p>{dm.confirm_intro}</p>
            {list}
            {(view.status == CycleStatus::Open).then(|| view! { <p class="note" data-testid="survey-open">{dm.survey_open_note}</p> })}
            {form}
        </section>
    }
    .into_any()
}
