//! The register page's sustainability matters: the tree from the preset, with the company's own
//! (entity-specific) matters added anywhere in it and removed while nothing depends on them.

use super::register::Actions;
use crate::components::{field_errors, problems_of};
use crate::domain::iro::RegisterView;
use crate::domain::matters::{depth_of, MAX_DEPTH};
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn Matters(id: i64, register: RegisterView, frozen: bool, actions: Actions) -> impl IntoView {
    let lang = use_lang();
    let dm = lang.dm();
    let rows = register
        .matters
        .iter()
        .map(|m| {
            let depth = depth_of(&register.matters, m.id).saturating_sub(1);
            let removable = m.entity_specific && !frozen;
            let code = m.code.clone();
            view! {
                <tr data-matter=m.code.clone()>
                    <th scope="row" class=format!("code depth-{depth}")>{m.code.clone()}</th>
                    <td><span class=format!("badge cat-{}", m.pillar)>{m.pillar.clone()}</span></td>
                    <td>
                        {lang.pick(&m.name.zh, &m.name.en).to_string()}
                        {m.entity_specific.then(|| view! { " " <span class="badge" data-testid="entity-specific">{dm.entity_specific}</span> })}
                    </td>
                    <td class="actions">
                        {removable.then(|| view! {
                            <ActionForm action=actions.remove_matter attr:class="inline">
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="matter" value=code />
                                <button type="submit" class="danger">{use_lang().t().delete}</button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let count = register
        .matters
        .iter()
        .filter(|m| m.entity_specific)
        .count();
    view! {
        <p>
            {dm.preset_from} " " <strong>{register.preset.clone().unwrap_or_default()}</strong>
        </p>
        <details data-testid="matters" open=count > 0>
            <summary>{dm.matters_count(register.matters.len())}</summary>
            <table class="stats">
                <caption class="visually-hidden">{dm.matters_title}</caption>
                <tbody>{rows}</tbody>
            </table>
        </details>
        {move || field_errors(&actions.problems(), "matter")}
        {(!frozen).then(|| view! { <AddMatterForm id register=register.clone() actions /> })}
    }
}

/// An entity-specific matter: where it goes, its code, its pillar (topics only) and its names.
#[component]
fn AddMatterForm(id: i64, register: RegisterView, actions: Actions) -> impl IntoView {
    let lang = use_lang();
    let (dm, t) = (lang.dm(), lang.t());
    let add = actions.add_matter;
    let problems = move || problems_of(add.value().get());
    let form = NodeRef::<leptos::html::Form>::new();
    crate::components::reset_on_success(form, add);
    // Only a topic or a sub-topic can take a matter below it.
    let parents = register
        .matters
        .iter()
        .filter(|m| depth_of(&register.matters, m.id) < MAX_DEPTH)
        .map(|m| {
            let depth = depth_of(&register.matters, m.id).saturating_sub(1);
            let indent = "\u{a0}\u{a0}".repeat(depth);
            let label = format!("{indent}{} {}", m.code, lang.pick(&m.name.zh, &m.name.en));
            view! { <option value=m.code.clone()>{label}</option> }
        })
        .collect_view();
    view! {
        // Open when a matter came back refused, so that its reasons show without JavaScript too.
        <details class="admin-form" data-testid="matter-form-box" open=move || !problems().is_empty()>
            <summary>{dm.add_matter}</summary>
            <p class="hint">{dm.add_matter_hint}</p>
            <ActionForm action=add node_ref=form attr:class="grid-form" attr:data-testid="matter-form">
                <input type="hidden" name="id" value=id />
                <label>
                    <span>{dm.matter_parent}</span>
                    <select name="matter[parent]">
                        <option value="">{dm.matter_top}</option>
                        {parents}
                    </select>
                </label>
                {move || field_errors(&problems(), "parent")}
                <label>
                    <span>{t.col_code}</span>
                    <input type="text" name="matter[code]" required maxlength="16" />
                </label>
                {move || field_errors(&problems(), "code")}
                <label>
                    <span>{dm.matter_pillar}</span>
                    <select name="matter[pillar]">
                        {["E", "S", "G"].map(|p| view! { <option value=p>{p}</option> })}
                    </select>
                </label>
                {move || field_errors(&problems(), "pillar")}
                <label>
                    <span>{t.name_zh}</span>
                    <input type="text" name="matter[name_zh]" lang="zh-CN" required maxlength="200" />
                </label>
                {move || field_errors(&problems(), "name_zh")}
                <label>
                    <span>{t.name_en}</span>
                    <input type="text" name="matter[name_en]" lang="en" required maxlength="200" />
                </label>
                {move || field_errors(&problems(), "name_en")}
                <div class="actions">
                    <button type="submit" class="primary">{dm.add_matter}</button>
                </div>
            </ActionForm>
        </details>
    }
}
