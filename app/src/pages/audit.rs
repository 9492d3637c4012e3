//! The audit log for admins: filter, read, download as CSV, verify the hash chain.

use crate::api::review::{get_audit, VerifyAudit};
use crate::components::{percent_encode, refusal, AdminNav, AdminTable, Header};
use crate::domain::{format_utc, ChainBreak};
use crate::i18n::Text;
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn chain_text(t: &Text, chain: &Result<usize, ChainBreak>) -> String {
    match chain {
        Ok(n) => t.audit_intact.replace("{n}", &n.to_string()),
        Err(b) if b.reason == "anchor" => t.audit_anchor_broken.replace("{id}", &b.id.to_string()),
        Err(b) => t.audit_broken.replace("{id}", &b.id.to_string()),
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let t = use_lang().t();
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        (get("actor"), get("action"), get("subject"))
    };
    let data = Resource::new(filter, |(actor, action, subject)| {
        get_audit(actor, action, subject)
    });
    let verify = ServerAction::<VerifyAudit>::new();
    view! {
        <Header />
        <main class="page wide admin">
            <AdminNav />
            <h1>{t.audit_title}</h1>
            <p class="intro">{t.audit_intro}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => refusal(e, t.audit_title, "/admin/audit".into()),
                        Ok(view) => {
                            let (actor, action, subject) = filter();
                            let csv = format!(
                                "/api/v1/audit.csv?actor={}&action={}&subject={}",
                                percent_encode(&actor),
                                percent_encode(&action),
                                percent_encode(&subject)
                            );
                            let broken = view.chain.is_err();
                            let rows = view
                                .entries
                                .into_iter()
                                .map(|e| view! {
                                    <tr data-testid="audit-entry">
                                        <td class="num">{e.id}</td>
                                        <td>{format_utc(e.at)}</td>
                                        <td>{e.actor}</td>
                                        <th scope="row">{e.action}</th>
                                        <td>{e.subject}</td>
                                        <td><code>{e.before.unwrap_or_default()}</code></td>
                                        <td><code>{e.after.unwrap_or_default()}</code></td>
                                        <td></td>
                                    </tr>
                                })
                                .collect_view();
                            view! {
                                <p class=if broken { "field-error" } else { "intact" } data-testid="chain">
                                    {chain_text(t, &view.chain)}
                                </p>
                                <ActionForm action=verify attr:class="inline">
                                    <button type="submit" data-testid="verify">{t.audit_verify}</button>
                                </ActionForm>
                                {move || verify.value().get().map(|r| match r {
                                    Ok(chain) => view! { <p role="status" data-testid="verified">{chain_text(t, &chain)}</p> }.into_any(),
                                    Err(_) => view! { <p class="field-error" role="alert">{t.error_body}</p> }.into_any(),
                                })}
                                <form method="get" class="filters" data-testid="audit-filter">
                                    <label><span>{t.col_actor}</span><input name="actor" value=actor /></label>
                                    <label><span>{t.col_audit_action}</span><input name="action" value=action /></label>
                                    <label><span>{t.col_subject}</span><input name="subject" value=subject /></label>
                                    <button type="submit">{t.filter_button}</button>
                                </form>
                                <p class="downloads">
                                    <a href=csv download rel="external" data-testid="audit-csv">{t.download_csv}</a>
                                </p>
                                <AdminTable caption=t.audit_title testid="audit" columns=vec!["#", t.col_when, t.col_actor, t.col_audit_action, t.col_subject, t.col_before, t.col_after]>
                                    {rows}
                                </AdminTable>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </main>
    }
}
