//! A double-materiality cycle's disclosure drafts, for reviewers and admins
//! (`/cycles/{id}/disclosures`): the IRO-1 methodology text from the cycle's settings and counts, the
//! SBM-3 table of material IROs and the IRO-2 list of material matters with the standards they bring
//! into scope. Printable; SBM-3 and IRO-2 also as CSV. Nothing here is interactive but the print
//! button.

use crate::api::register::get_disclosures;
use crate::api::AppError;
use crate::components::{cycle_id, fmt2, print_page, refusal, Header};
use crate::domain::dm_disclosure::{standards_in_scope, Disclosures};
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn DisclosuresPage() -> impl IntoView {
    let d = use_lang().disclosure();
    let id = cycle_id();
    let data = Resource::new(id, |id| async move {
        get_disclosures(id.ok_or(AppError::NotFound)?).await
    });
    view! {
        <Header />
        <main class="page wide disclosures">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(drafts) => view! { <Drafts drafts /> }.into_any(),
                        Err(e) => refusal(e, d.title, format!("/cycles/{}/disclosures", id().unwrap_or_default())),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Drafts(drafts: Disclosures) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let dm = lang.dm();
    let d = lang.disclosure();
    let id = drafts.id;
    let pick = move |b: &crate::domain::Bilingual| lang.pick(&b.zh, &b.en).to_string();
    let iro1 = d
        .iro1(&drafts.facts, drafts.stamp.as_ref())
        .into_iter()
        .map(|p| view! { <p>{p}</p> })
        .collect_view();
    let sbm3 = if drafts.sbm3.is_empty() {
        view! { <p>{d.sbm3_none}</p> }.into_any()
    } else {
        let rows = drafts
            .sbm3
            .iter()
            .map(|r| {
                let mut notes = Vec::new();
                if r.human_rights {
                    notes.push(d.human_rights);
                }
                if r.calibrated {
                    notes.push(d.calibrated);
                }
                if r.decided {
                    notes.push(d.by_decision);
                }
                let chain = r.value_chain.iter().map(|&v| dm.chain(v)).collect::<Vec<_>>().join(", ");
                let horizons = r.horizons.iter().map(|&h| dm.horizon(h)).collect::<Vec<_>>().join(", ");
                view! {
                    <tr data-testid=format!("sbm3-{}", r.iro)>
                        <th scope="row"><span class="code">{r.matter.clone()}</span> " " {pick(&r.matter_name)}</th>
                        <td>{dm.kind(r.kind)}</td>
                        <td>{dm.occurrence(r.kind, r.potential)}</td>
                        <td>{chain}</td>
                        <td>{horizons}</td>
                        <td class="prose">{pick(&r.description)}</td>
                        <td class="num" data-testid="score">{fmt2(r.score)}</td>
                        <td>{notes.join(", ")}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=d.sbm3_title>
                <table class="stats" data-testid="sbm3" data-count=drafts.sbm3.len()>
                    <caption class="visually-hidden">{d.sbm3_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{dm.col_matter}</th>
                            <th scope="col">{dm.col_kind}</th>
                            <th scope="col">{dm.col_occurrence}</th>
                            <th scope="col">{dm.col_value_chain}</th>
                            <th scope="col">{dm.col_horizons}</th>
                            <th scope="col">{dm.col_description}</th>
                            <th scope="col">{d.col_score}</th>
                            <th scope="col"><span class="visually-hidden">{d.calibrated}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let iro2 = if drafts.iro2.is_empty() {
        view! { <p>{d.iro2_none}</p> }.into_any()
    } else {
        let standards = standards_in_scope(&drafts.iro2)
            .into_iter()
            .map(|(code, name)| view! { <li><span class="code">{code}</span> " " {pick(&name)}</li> })
            .collect_view();
        let rows = drafts
            .iro2
            .iter()
            .map(|r| {
                view! {
                    <tr data-testid=format!("iro2-{}", r.matter) data-materiality=format!("{:?}", r.materiality)>
                        <td><span class="code">{r.standard.clone()}</span></td>
                        <th scope="row"><span class="code">{r.matter.clone()}</span> " " {pick(&r.matter_name)}</th>
                        <td>{dm.materiality(r.materiality)}</td>
                        <td class="num">{fmt2(r.financial)}</td>
                        <td class="num">{fmt2(r.impact)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h3>{d.standards_in_scope}</h3>
            <ul data-testid="standards">{standards}</ul>
            <div class="table-wrap" tabindex="0" role="region" aria-label=d.iro2_title>
                <table class="stats" data-testid="iro2">
                    <caption class="visually-hidden">{d.iro2_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{d.col_standard}</th>
                            <th scope="col">{dm.col_matter}</th>
                            <th scope="col">{dm.col_materiality}</th>
                            <th scope="col">{dm.col_financial}</th>
                            <th scope="col">{dm.col_impact}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <nav class="result-nav" aria-label=d.title>
            <a href=format!("/cycles/{id}/assessment")>{dm.assessment_title}</a>
        </nav>
        <h1>{d.title} " · " {drafts.name.clone()}</h1>
        {(drafts.method != crate::domain::double_materiality::Method::Double).then(|| view! { <p class="withheld-note">{dm.not_double}</p> })}
        <p class="intro">{d.intro}</p>
        <p class="downloads no-print">
            <a href=format!("/api/v1/cycles/{id}/sbm3.csv") download rel="external" data-testid="sbm3-csv">{d.sbm3_file}</a>
            " · "
            <a href=format!("/api/v1/cycles/{id}/iro2.csv") download rel="external" data-testid="iro2-csv">{d.iro2_file}</a>
            " · "
            <button type="button" on:click=|_| print_page()>{t.print}</button>
        </p>
        <section aria-labelledby="iro1-title" data-testid="iro1">
            <h2 id="iro1-title">{d.iro1_title}</h2>
            {iro1}
        </section>
        <section>
            <h2 id="sbm3-title">{d.sbm3_title}</h2>
            <p class="hint">{d.sbm3_intro}</p>
            {sbm3}
        </section>
        <section>
            <h2 id="iro2-title">{d.iro2_title}</h2>
            <p class="hint">{d.iro2_intro}</p>
            {iro2}
        </section>
    }
}
