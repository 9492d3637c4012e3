//! The materiality matrix of a cycle, for reviewers: the chart and the table of the same numbers.

use crate::api::auth::Logout;
use crate::api::results::{get_matrix, MatrixView};
use crate::api::AppError;
use crate::components::{fmt2, refusal, Header, ResultNav, Standing};
use crate::domain::{sort_topics, AxisStats, MatrixOptions, TopicResult};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MatrixPage() -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let id = crate::components::cycle_id();
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let on = |k: &str| q.get(k).as_deref() == Some("true");
        (
            q.get("group").unwrap_or_else(|| "all".into()),
            MatrixOptions {
                weighted: on("weighted"),
                bars: on("bars"),
                zoom: on("zoom"),
                shade: on("shade"),
                yoy: on("yoy"),
                split: false,
            },
        )
    };
    let data = Resource::new(
        move || (id(), filter()),
        move |(id, (group, options))| async move {
            match id {
                Some(id) => get_matrix(id, lang, group, options)
                    .await
                    .map(|v| (v, options)),
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Header />
        <main class="page wide">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((view, options)) => view! { <Matrix view options /> }.into_any(),
                        Err(e) => refusal(e, t.matrix_title, format!("/cycles/{}/matrix", id().unwrap_or_default())),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Matrix(view: MatrixView, options: MatrixOptions) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let id = view.results.cycle.id;
    let chosen = use_query_map()
        .read_untracked()
        .get("group")
        .unwrap_or_else(|| "all".into());
    let query = format!("group={chosen}&{}&lang={}", options.query(), lang.tag());
    let weighted = options.weighted;
    let choices = [
        ("all".to_string(), t.filter_all.to_string()),
        ("internal".to_string(), t.internal.to_string()),
        ("external".to_string(), t.external.to_string()),
        ("split".to_string(), t.filter_split.to_string()),
    ]
    .into_iter()
    .chain(view.groups.iter().map(|g| {
        (
            g.code.clone(),
            lang.pick(&g.name.zh, &g.name.en).to_string(),
        )
    }))
    .map(|(value, label)| {
        let selected = value == chosen;
        view! { <option value=value selected=selected>{label}</option> }
    })
    .collect_view();
    let filters = view! {
        <form method="get" class="filters" data-testid="filters">
            <label>
                <span>{t.filter_respondents}</span>
                <select name="group">{choices}</select>
            </label>
            <label class="check">
                <input type="checkbox" name="weighted" value="true" checked=weighted />
                {t.filter_weighted}
            </label>
            <label class="check">
                <input type="checkbox" name="bars" value="true" checked=options.bars />
                {t.filter_bars}
            </label>
            <label class="check">
                <input type="checkbox" name="zoom" value="true" checked=options.zoom />
                {t.filter_zoom}
            </label>
            <label class="check">
                <input type="checkbox" name="shade" value="true" checked=options.shade />
                {t.filter_shade}
            </label>
            {view.previous.as_ref().map(|p| view! {
                <label class="check">
                    <input type="checkbox" name="yoy" value="true" checked=options.yoy />
                    {t.filter_yoy.replace("{y}", &p.year.to_string())}
                </label>
            })}
            <button type="submit">{t.show}</button>
        </form>
        <p class="downloads" data-testid="downloads">
            {t.download} ": "
            <a href=format!("/api/v1/cycles/{id}/results.csv?{query}") download rel="external" data-testid="download-csv">"CSV"</a>
            " · "
            <a href=format!("/api/v1/cycles/{id}/results.xlsx?{query}") download rel="external" data-testid="download-xlsx">"XLSX"</a>
            " · "
            <a href=format!("/api/v1/cycles/{id}/results.json?{query}") download rel="external">"JSON"</a>
            " · "
            <a href=format!("/api/v1/cycles/{id}/matrix.svg?{query}") download rel="external">"SVG"</a>
            " · "
            <a href=format!("/api/v1/cycles/{id}/matrix.png?{query}") download rel="external" data-testid="download-png">"PNG"</a>
        </p>
    };
    if view.withheld {
        return view! {
            <h1>{t.matrix_title}</h1>
            {filters}
            <p class="field-error" role="alert" data-testid="withheld">{t.withheld.replace("{k}", &view.results.cycle.k.to_string())}</p>
            <Standing results=view.results.clone() />
        }
        .into_any();
    }
    let logout = ServerAction::<Logout>::new();
    let cycle = view.results.cycle.clone();
    let previous = view.previous.clone();
    let has_previous = previous.is_some();
    let mut rows = view.results.topics.clone();
    let sort = use_query_map()
        .read_untracked()
        .get("sort")
        .unwrap_or_else(|| "rank".into());
    sort_topics(&mut rows, &sort);
    // A column header is a link that sorts by it (and works without JavaScript).
    let base = format!("?group={chosen}&{}", options.query());
    let header = move |key: String, label: &'static str, attrs: (&'static str, u8)| {
        let (scope, rowspan) = attrs;
        let active = key == sort;
        let ascending = key == "rank" || key == "code";
        view! {
            <th
                scope=scope
                rowspan=rowspan
                aria-sort=active.then_some(if ascending { "ascending" } else { "descending" })
            >
                // A page load, like the filters: the page is drawn for its query as a whole.
                <a href=format!("{base}&sort={key}") rel="external" class:sorted=active>{label}</a>
            </th>
        }
    };
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
        <ResultNav id />
        <Standing results=view.results.clone() />
        <p>
            {t.responses} ": " <strong data-testid="responses">{view.responses}</strong> " · " {t.threshold} ": "
            {format!("{:.2}", cycle.threshold)}
        </p>
        <p class="intro">{if weighted { t.matrix_intro_weighted } else { t.matrix_intro }}</p>
        {filters}
        <div class="matrix-layout">
            <figure class="chart" data-testid="matrix" inner_html=view.svg></figure>
            <div class="table-wrap" tabindex="0" role="region" aria-label=t.table_caption>
                <table class="stats" data-testid="stats-table">
                    <caption>{t.table_caption}</caption>
                    <thead>
                        <tr>
                            {header("rank".into(), t.col_rank, ("col", 2))}
                            {header("code".into(), t.col_topic, ("col", 2))}
                            {has_previous.then(|| view! { <th scope="col" rowspan="2">{t.col_rank_change}</th> })}
                            <th scope="colgroup" colspan="5">{t.business_axis}</th>
                            <th scope="colgroup" colspan="5">{t.stakeholder_axis}</th>
                            <th scope="col" rowspan="2">{t.col_material}</th>
                        </tr>
                        <tr>
                            {["business", "stakeholder"]
                                .into_iter()
                                .flat_map(|axis| {
                                    [
                                        ("n", t.col_n),
                                        ("mean", t.col_mean),
                                        ("median", t.col_median),
                                        ("iqr", t.col_iqr),
                                        ("dont_know", t.col_dont_know),
                                    ]
                                    .map(|(figure, label)| header(format!("{axis}.{figure}"), label, ("col", 1)))
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|r| {
                                let change = previous.as_ref().map(|p| p.rank_change(&r.code, r.rank));
                                view! { <Row r change /> }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
    .into_any()
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

/// One topic's row. `change`: with a previous cycle, the places it gained (None: not asked then).
#[component]
fn Row(r: TopicResult, change: Option<Option<i64>>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let name = lang.pick(&r.name.zh, &r.name.en).to_string();
    let change = change.map(|c| match c {
        Some(0) => "=".to_string(),
        Some(n) if n > 0 => format!("+{n}"),
        Some(n) => format!("−{}", -n),
        None => t.new_topic.to_string(),
    });
    view! {
        <tr data-testid=format!("row-{}", r.code)>
            <td class="num">{r.rank}</td>
            <th scope="row">
                <span class=format!("badge cat-{}", r.category.as_str())>{r.code.clone()}</span>
                " "
                {name}
                {r.contested.then(|| view! { <span class="contested">" (" {t.contested} ")"</span> })}
            </th>
            {change.map(|c| view! { <td class="num change">{c}</td> })}
            {axis_cells(&r.business)}
            {axis_cells(&r.stakeholder)}
            <td>
                {if r.material { t.yes } else { t.no }}
                {r.override_.as_ref().map(|o| view! {
                    <span class="overridden" title=o.reason.clone()>" (" {t.overridden} ")"</span>
                })}
            </td>
        </tr>
    }
}
