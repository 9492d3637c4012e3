//! The review of a double-materiality cycle: every assessed matter with its position, the
//! stakeholder input beside it and what respondents wrote on the survey topics that inform it, and
//! the reviewers' comments and proposals on it. The decision group acts on the scores page: it
//! calibrates an IRO's score with its reason and confirms there; a matter is never overridden.

use super::review::{refetch_when, CommentForm, Comments, RespondentComments, ReviewData};
use crate::api::review::{AddComment, ReviewView};
use crate::components::fmt2;
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn MatterReviews(view: ReviewView, data: ReviewData) -> impl IntoView {
    let lang = use_lang();
    let dm = lang.dm();
    let a = view
        .double
        .clone()
        .expect("a double-materiality cycle's review");
    let id = a.id;
    let in_review = view.in_review;
    let matters = a
        .matters
        .into_iter()
        .filter(|m| m.assessed())
        .map(|m| {
            let code = m.matter.code.clone();
            let p = &m.position;
            let flagged = m.flagged();
            let comments = view
                .comments
                .iter()
                .filter(|c| c.topic == code)
                .cloned()
                .collect();
            // What respondents wrote on the survey topics that inform this matter.
            let said = view
                .respondent_comments
                .iter()
                .filter(|c| m.stakeholders.iter().any(|f| f.code == c.topic))
                .cloned()
                .collect();
            let comment = ServerAction::<AddComment>::new();
            refetch_when(data, move || matches!(comment.value().get(), Some(Ok(()))));
            let figures = format!(
                "{} {} · {} {} · {}",
                dm.col_financial,
                fmt2(p.financial),
                dm.col_impact,
                fmt2(p.impact),
                dm.materiality(p.materiality)
            );
            let name = lang.pick(&m.matter.name.zh, &m.matter.name.en).to_string();
            view! {
                <section class="review-topic" data-testid=format!("review-{code}") data-materiality=format!("{:?}", p.materiality) aria-labelledby=format!("matter-{code}")>
                    <h2 id=format!("matter-{code}")>
                        <span class="code">{code.clone()}</span> " " {name}
                    </h2>
                    <p class="figures" data-testid="figures">{figures}</p>
                    {flagged.then(|| view! { <p><strong class="flag" data-testid="flag">{dm.flag_review}</strong></p> })}
                    <RespondentComments said />
                    <Comments comments />
                    {in_review.then(|| view! { <CommentForm id code=code.clone() comment /> })}
                </section>
            }
        })
        .collect_view();
    view! {
        <p class="intro">{dm.review_intro}</p>
        <p class="no-print">
            <a href=format!("/cycles/{id}/assessment") data-testid="assessment-link">{dm.assessment_title}</a>
        </p>
        {(!in_review).then(|| view! { <p class="note" data-testid="not-in-review">{dm.review_closed}</p> })}
        <div class="review-topics">{matters}</div>
    }
}
