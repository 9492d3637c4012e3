//! The materiality matrix of a cycle, for reviewers: the chart and the table of the same numbers.

use crate::api::auth::Logout;
use crate::api::results::{get_matrix, MatrixView};
use crate::api::AppError;
use crate::components::{fmt2, Header, Notice};
use crate::domain::{AxisStats, TopicResult};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn MatrixPage() -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let data = Resource::new(id, move |id| async move {
        match id {
            Some(id) => get_matrix(id, lang).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Header />
        <main class="page wide">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <Matrix view /> }.into_any(),
                        Err(AppError::Unauthorized) => {
                            let next = format!("/login?next=/cycles/{}/matrix", id().unwrap_or_default());
                            view! {
                                <section class="notice">
                                    <h1>{t.matrix_title}</h1>
                                    <p>{t.login_needed}</p>
                                    <p><a href=next>{t.sign_in}</a></p>
                                </section>
                            }
                                .into_any()
                        }
                        Err(AppError::Forbidden) => view! { <Notice title=t.matrix_title body=t.forbidden /> }.into_any(),
                        Err(AppError::NotFound) => view! { <Notice title=t.not_found_title body=t.not_found_body /> }.into_any(),
                        Err(_) => view! { <Notice title=t.error_title body=t.error_body /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Matrix(view: MatrixView) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let logout = ServerAction::<Logout>::new();
    let cycle = view.results.cycle.clone();
    let mut rows = view.results.topics.clone();
    rows.sort_by_key(|r| r.rank);
    view! {
        <div class="matrix-head">
            <h1>{t.matrix_title}</h1>
            <nav class="account">
                <a href="/account/tokens">{t.tokens_title}</a>
                <ActionForm action=logout attr:class="logout">
                    <button type="submit">{t.sign_out}</button>
                </ActionForm>
            </nav>
        </div>
        <p class="cycle-name">{format!("{} ({})", cycle.name, cycle.year)}</p>
        <p>
            {t.responses} ": " <strong data-testid="responses">{view.responses}</strong> " · " {t.threshold} ": "
            {format!("{:.2}", cycle.threshold)}
        </p>
        <p class="intro">{t.matrix_intro}</p>
        <div class="matrix-layout">
            <figure class="chart" data-testid="matrix" inner_html=view.svg></figure>
            <div class="table-wrap" tabindex="0" role="region" aria-label=t.table_caption>
                <table class="stats" data-testid="stats-table">
                    <caption>{t.table_caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col" rowspan="2">{t.col_rank}</th>
                            <th scope="col" rowspan="2">{t.col_topic}</th>
                            <th scope="colgroup" colspan="5">{t.business_axis}</th>
                            <th scope="colgroup" colspan="5">{t.stakeholder_axis}</th>
                            <th scope="col" rowspan="2">{t.col_material}</th>
                        </tr>
                        <tr>
                            {(0..2)
                                .map(|_| {
                                    view! {
                                        <th scope="col">{t.col_n}</th>
                                        <th scope="col">{t.col_mean}</th>
                                        <th scope="col">{t.col_median}</th>
                                        <th scope="col">{t.col_iqr}</th>
                                        <th scope="col">{t.col_dont_know}</th>
                                    }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>{rows.into_iter().map(|r| view! { <Row r /> }).collect_view()}</tbody>
                </table>
            </div>
        </div>
    }
}

fn axis_cells(s: &AxisStats) -> impl IntoView {
    view! {
        <td class="num">{s.n}</td>
        <td class="num">{fmt2(s.mean)}</td>
        <td class="num">{fmt2(s.median)}</td>
        <td class="num">{fmt2(s.iqr)}</td>
        <td class="num">{s.dont_know}</td>
    }
}

#[component]
fn Row(r: TopicResult) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let name = lang.pick(&r.name.zh, &r.name.en).to_string();
    view! {
        <tr data-testid=format!("row-{}", r.code)>
            <td class="num">{r.rank}</td>
            <th scope="row">
                <span class=format!("badge cat-{}", r.category.as_str())>{r.code.clone()}</span>
                " "
                {name}
                {r.contested.then(|| view! { <span class="contested">" (" {t.contested} ")"</span> })}
            </th>
            {axis_cells(&r.business)}
            {axis_cells(&r.stakeholder)}
            <td>{if r.material { t.yes } else { t.no }}</td>
        </tr>
    }
}
