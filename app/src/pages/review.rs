//! Step 4 pages: the review of a cycle's result (comments, proposals, overrides, confirmation) and the
//! material-topic list with its management-approach notes, printable and downloadable.

use crate::api::review::{
    get_material, get_review, AddComment, ConfirmCycle, MaterialView, ReviewView, SetNote,
    SetOverride,
};
use crate::api::AppError;
use crate::components::{
    cycle_id, field_errors, fmt2, problems_of, refusal, Header, ResultNav, Standing,
};
use crate::domain::{
    format_utc, material_list, Proposal, RespondentComment, ReviewComment, TopicResult,
};
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn ReviewPage() -> impl IntoView {
    let t = use_lang().t();
    let id = cycle_id();
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_review(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Header />
        <main class="page wide review">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <Review view data /> }.into_any(),
                        Err(e) => refusal(e, t.review_title, format!("/cycles/{}/review", id().unwrap_or_default())),
                    }
                })}
            </Suspense>
        </main>
    }
}

pub type ReviewData = Resource<Result<ReviewView, AppError>>;

/// Reloads the page's data once `done` says an action went through.
pub fn refetch_when(data: ReviewData, done: impl Fn() -> bool + Send + Sync + 'static) {
    Effect::new(move |_| {
        if done() {
            data.refetch();
        }
    });
}

#[component]
fn Review(view: ReviewView, data: ReviewData) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let c = view.results.cycle.clone();
    if view.double.is_some() {
        return view! {
            <h1>{t.review_title}</h1>
            <p class="cycle-name">{format!("{} ({})", c.name, c.year)}</p>
            <ResultNav id=c.id />
            <Standing results=view.results.clone() />
            <super::dm_review::MatterReviews view data />
        }
        .into_any();
    }
    let mut topics = view.results.topics.clone();
    topics.sort_by_key(|r| r.rank);
    let topics = topics
        .into_iter()
        .map(|r| {
            let comments: Vec<ReviewComment> = view
                .comments
                .iter()
                .filter(|x| x.topic == r.code)
                .cloned()
                .collect();
            let said: Vec<RespondentComment> = view
                .respondent_comments
                .iter()
                .filter(|x| x.topic == r.code)
                .cloned()
                .collect();
            view! { <TopicReview id=c.id r comments said in_review=view.in_review admin=view.admin data /> }
        })
        .collect_view();
    let confirm = ServerAction::<ConfirmCycle>::new();
    refetch_when(data, move || matches!(confirm.value().get(), Some(Ok(()))));
    let confirm_form = (view.admin && view.in_review).then(|| {
        view! {
            <section class="admin-form confirm" aria-labelledby="confirm-title">
                <h2 id="confirm-title">{t.confirm_title}</h2>
                <p>{t.confirm_body}</p>
                <ConfirmForm id=c.id action=confirm />
            </section>
        }
    });
    view! {
        <h1>{t.review_title}</h1>
        <p class="cycle-name">{format!("{} ({})", c.name, c.year)}</p>
        <ResultNav id=c.id />
        <Standing results=view.results.clone() />
        <p class="intro">{t.review_intro}</p>
        {(!view.in_review).then(|| view! { <p class="note" data-testid="not-in-review">{t.not_in_review_note}</p> })}
        <div class="review-topics">{topics}</div>
        {confirm_form}
    }
    .into_any()
}

fn decision_word(material: bool) -> &'static str {
    let t = use_lang().t();
    if material {
        t.material_word
    } else {
        t.not_material_word
    }
}

#[component]
fn TopicReview(
    id: i64,
    r: TopicResult,
    comments: Vec<ReviewComment>,
    /// The respondents' comments on this topic.
    said: Vec<RespondentComment>,
    in_review: bool,
    admin: bool,
    data: ReviewData,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let comment = ServerAction::<AddComment>::new();
    let over = ServerAction::<SetOverride>::new();
    refetch_when(data, move || matches!(comment.value().get(), Some(Ok(()))));
    refetch_when(data, move || matches!(over.value().get(), Some(Ok(()))));
    let code = r.code.clone();
    let name = lang.pick(&r.name.zh, &r.name.en).to_string();
    let override_note = r.override_.as_ref().map(|o| {
        view! {
            <p class="overridden" data-testid="override">
                {t.override_by.replace("{who}", &o.by).replace("{why}", &o.reason)}
            </p>
        }
    });
    let comment_form = in_review.then(|| view! { <CommentForm id code=code.clone() comment /> });
    let override_form = (in_review && admin).then(|| {
        view! {
            <ActionForm action=over attr:class="override-form" attr:data-testid="override-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="topic" value=code.clone() />
                <fieldset>
                    <legend>{t.override_title}</legend>
                    <label class="check"><input type="radio" name="decision" value="material" />{t.override_material}</label>
                    <label class="check"><input type="radio" name="decision" value="not_material" />{t.override_not_material}</label>
                    {r.override_.is_some().then(|| view! {
                        <label class="check"><input type="radio" name="decision" value="remove" />{t.remove_override}</label>
                    })}
                </fieldset>
                <label>
                    <span>{t.reason_label}</span>
                    <textarea name="reason" rows="2" maxlength="2000"></textarea>
                </label>
                {move || {
                    let p = problems_of(over.value().get());
                    view! { {field_errors(&p, "decision")} {field_errors(&p, "reason")} }
                }}
                <button type="submit">{t.save_override}</button>
            </ActionForm>
        }
    });
    view! {
        <section class="review-topic" data-testid=format!("review-{}", r.code) aria-labelledby=format!("topic-{}", r.code)>
            <h2 id=format!("topic-{}", r.code)>
                {format!("{}. ", r.rank)}
                <span class=format!("badge cat-{}", r.category.as_str())>{r.code.clone()}</span>
                " " {name}
            </h2>
            <p class="figures">
                {t.business_axis} " " {fmt2(r.business.mean)} " · " {t.stakeholder_axis} " " {fmt2(r.stakeholder.mean)}
                " · " {t.col_computed} ": " {decision_word(r.computed_material)}
                " · " {t.col_decision} ": " <strong data-testid="decision">{decision_word(r.material)}</strong>
            </p>
            {override_note}
            <RespondentComments said />
            <Comments comments />
            {comment_form}
            {override_form}
        </section>
    }
}

/// A topic's or matter's review comments, oldest first, with their proposals.
#[component]
pub fn Comments(comments: Vec<ReviewComment>) -> impl IntoView {
    let t = use_lang().t();
    let list = if comments.is_empty() {
        view! { <p class="muted">{t.no_comments}</p> }.into_any()
    } else {
        let items = comments
            .into_iter()
            .map(|c| {
                let proposal = c.proposal.map(|p| match p {
                    Proposal::Material => t.propose_material,
                    Proposal::NotMaterial => t.propose_not_material,
                });
                view! {
                    <li data-testid="comment">
                        <p class="meta">
                            <strong>{c.author}</strong> " · " {format_utc(c.at)}
                            {proposal.map(|p| view! { " · " <span class="proposal">{p}</span> })}
                        </p>
                        <p class="body">{c.body}</p>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="comments">{items}</ul> }.into_any()
    };
    view! {
        <h3 class="visually-hidden">{t.col_comments}</h3>
        {list}
    }
}

/// What respondents wrote on a topic (nothing when they wrote nothing).
#[component]
pub fn RespondentComments(said: Vec<RespondentComment>) -> impl IntoView {
    let t = use_lang().t();
    (!said.is_empty()).then(|| {
        let items = said
            .into_iter()
            .map(|c| {
                view! {
                    <li data-testid="respondent-comment">
                        {c.group.map(|g| view! { <span class="meta" data-testid="respondent-group">{g}</span> " " })}
                        <span class="body">{c.text}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h3>{t.respondent_comments}</h3>
            <ul class="comments respondents">{items}</ul>
        }
    })
}

/// A reviewer's form for a comment and proposal on topic (or matter) `code`.
#[component]
pub fn CommentForm(id: i64, code: String, comment: ServerAction<AddComment>) -> impl IntoView {
    let t = use_lang().t();
    view! {
        <ActionForm action=comment attr:class="comment-form" attr:data-testid="comment-form">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="topic" value=code />
            <label>
                <span>{t.comment_label}</span>
                <textarea name="body" rows="2" maxlength="2000"></textarea>
            </label>
            <label>
                <span>{t.proposal_label}</span>
                <select name="proposal">
                    <option value="">{t.proposal_none}</option>
                    <option value="material">{t.propose_material}</option>
                    <option value="not_material">{t.propose_not_material}</option>
                </select>
            </label>
            {move || field_errors(&problems_of(comment.value().get()), "body")}
            <button type="submit">{t.add_comment}</button>
        </ActionForm>
    }
}

#[component]
pub fn MaterialPage() -> impl IntoView {
    let t = use_lang().t();
    let id = cycle_id();
    let note = ServerAction::<SetNote>::new();
    let data = Resource::new(
        move || (id(), note.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_material(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Header />
        <main class="page wide material">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <MaterialList view note /> }.into_any(),
                        Err(e) => refusal(e, t.material_title, format!("/cycles/{}/material", id().unwrap_or_default())),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn MaterialList(view: MaterialView, note: ServerAction<SetNote>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let c = view.results.cycle.clone();
    let id = c.id;
    if let Some(list) = view.double {
        return view! {
            <h1>{t.material_title}</h1>
            <p class="cycle-name">{format!("{} ({})", c.name, c.year)}</p>
            <ResultNav id />
            <Standing results=view.results.clone() />
            <super::dm_material::MaterialMattersList id list notes=view.notes admin=view.admin note />
        }
        .into_any();
    }
    let sections = material_list(&view.results)
        .into_iter()
        .map(|(category, topics)| {
            let topics: Vec<TopicResult> = topics.into_iter().cloned().collect();
            let items = topics
                .into_iter()
                .map(|r| {
                    let text = view.notes.get(&r.code).cloned().unwrap_or_default();
                    let edit = view.admin.then(|| {
                        view! { <NoteForm id code=r.code.clone() current=text.clone() note /> }
                    });
                    view! {
                        <li data-testid=format!("material-{}", r.code)>
                            <p>
                                <span class=format!("badge cat-{}", r.category.as_str())>{r.code.clone()}</span>
                                " " <strong>{lang.pick(&r.name.zh, &r.name.en).to_string()}</strong>
                                {format!(" · {} {} · ", t.col_rank, r.rank)}
                                {format!("{} / {}", fmt2(r.business.mean), fmt2(r.stakeholder.mean))}
                                {r.override_.as_ref().map(|o| view! {
                                    <span class="overridden">{format!(" · {}: {}", t.overridden, o.reason)}</span>
                                })}
                            </p>
                            <Note text=text.clone() />
                            {edit}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="material-category">
                    <h2>{t.category(category)}</h2>
                    <ol>{items}</ol>
                </section>
            }
        })
        .collect_view();
    let empty = !view.results.topics.iter().any(|r| r.material);
    view! {
        <h1>{t.material_title}</h1>
        <p class="cycle-name">{format!("{} ({})", c.name, c.year)}</p>
        <ResultNav id />
        <Standing results=view.results.clone() />
        <p class="intro">{t.material_intro}</p>
        <p class="downloads no-print">
            <a href=format!("/api/v1/cycles/{id}/material.csv") download rel="external" data-testid="material-csv">{t.download_csv}</a>
            " · "
            <button type="button" on:click=|_| crate::components::print_page()>{t.print}</button>
        </p>
        {empty.then(|| view! { <p>{t.no_material}</p> })}
        {sections}
    }
    .into_any()
}

/// A management-approach note as the material list shows it (nothing when there is none).
#[component]
pub fn Note(text: String) -> impl IntoView {
    let t = use_lang().t();
    (!text.is_empty()).then(|| {
        view! {
            <p class="management-note" data-testid="note">
                <span class="label">{t.management_note} ": "</span>{text}
            </p>
        }
    })
}

/// An admin's form for the note of topic (or matter) `code`, showing the `current` one.
#[component]
pub fn NoteForm(
    id: i64,
    code: String,
    current: String,
    note: ServerAction<SetNote>,
) -> impl IntoView {
    let t = use_lang().t();
    view! {
        <ActionForm action=note attr:class="note-form no-print" attr:data-testid="note-form">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="topic" value=code />
            <label>
                <span>{t.management_note}</span>
                <textarea name="note" rows="2" maxlength="2000">{crate::components::textarea_text(&current)}</textarea>
            </label>
            <button type="submit">{t.save_note}</button>
        </ActionForm>
    }
}

/// The confirmation form: the "I confirm" box and the button, with the refusal beside them. The
/// survey's review page and the double-materiality scores page both confirm through it.
#[component]
pub fn ConfirmForm(id: i64, action: ServerAction<ConfirmCycle>) -> impl IntoView {
    let t = use_lang().t();
    view! {
        <ActionForm action attr:data-testid="confirm-form">
            <input type="hidden" name="id" value=id />
            <label class="check">
                <input type="checkbox" name="confirm" value="yes" />
                {t.confirm_check}
            </label>
            {move || {
                let p = problems_of(action.value().get());
                view! { {field_errors(&p, "confirm")} {field_errors(&p, "cycle")} }
            }}
            <button type="submit" class="primary">{t.confirm_button}</button>
        </ActionForm>
    }
}
