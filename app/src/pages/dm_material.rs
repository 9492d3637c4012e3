//! The material-topic page of a double-materiality cycle: its material matters under the topical
//! standard each brings into scope, with year over year and the management-approach notes.

use super::review::{Note, NoteForm};
use crate::api::review::SetNote;
use crate::components::fmt2;
use crate::domain::dm_material::MaterialMatters;
use crate::domain::double_materiality::MatterMateriality;
use crate::use_lang;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[component]
pub fn MaterialMattersList(
    id: i64,
    list: MaterialMatters,
    notes: BTreeMap<String, String>,
    admin: bool,
    note: ServerAction<SetNote>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let dm = lang.dm();
    let previous = list
        .previous
        .as_ref()
        .map(|p| format!("{} ({})", p.name, p.year));
    // Consecutive rows of one standard make one section (the rows come in the register's order).
    let mut sections: Vec<(String, String, Vec<_>)> = Vec::new();
    for m in list.rows {
        let standard = m.row.standard.clone();
        if sections.last().is_none_or(|s| s.0 != standard) {
            let name = lang.pick(&m.row.standard_name.zh, &m.row.standard_name.en);
            sections.push((standard, name.to_string(), Vec::new()));
        }
        sections.last_mut().expect("pushed above").2.push(m);
    }
    let empty = sections.is_empty();
    let sections = sections
        .into_iter()
        .map(|(code, name, rows)| {
            let items = rows
                .into_iter()
                .map(|m| {
                    let r = m.row;
                    let text = notes.get(&r.matter).cloned().unwrap_or_default();
                    let dropped = r.materiality == MatterMateriality::NotMaterial;
                    let standing = if dropped {
                        dm.no_longer_material
                    } else {
                        dm.materiality(r.materiality)
                    };
                    let before = previous.as_deref().map(|p| dm.before(p, m.before));
                    let figures = format!(
                        "{} · {} {} · {} {}",
                        standing,
                        dm.col_financial,
                        fmt2(r.financial),
                        dm.col_impact,
                        fmt2(r.impact)
                    );
                    let edit = admin.then(|| {
                        view! { <NoteForm id code=r.matter.clone() current=text.clone() note /> }
                    });
                    view! {
                        <li data-testid=format!("material-{}", r.matter) data-materiality=format!("{:?}", r.materiality) class:dropped=dropped>
                            <p>
                                <span class="code">{r.matter.clone()}</span>
                                " " <strong>{lang.pick(&r.matter_name.zh, &r.matter_name.en).to_string()}</strong>
                                " · " {figures}
                            </p>
                            {before.map(|b| view! { <p class="hint" data-testid="before">{b}</p> })}
                            <Note text />
                            {edit}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="material-category">
                    <h2><span class="code">{code}</span> " " {name}</h2>
                    <ol>{items}</ol>
                </section>
            }
        })
        .collect_view();
    view! {
        <p class="intro">{dm.material_intro}</p>
        <p class="downloads no-print">
            <a href=format!("/api/v1/cycles/{id}/material.csv") download rel="external" data-testid="material-csv">{t.download_csv}</a>
            " · "
            <button type="button" on:click=|_| crate::components::print_page()>{t.print}</button>
        </p>
        {empty.then(|| view! { <p>{t.no_material}</p> })}
        {sections}
    }
}
