//! Stakeholder identification: the groups with their two ratings, concerns, channels and weights, and
//! the stakeholder map drawn from them.

use crate::api::admin::{list_groups, stakeholder_map, SaveGroup, SetGroupActive};
use crate::components::{
    editing_until_saved, field_errors, problems_of, refusal, AdminNav, AdminTable, Header,
};
use crate::domain::{GroupForm, GroupRecord};
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn GroupsPage() -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let save = ServerAction::<SaveGroup>::new();
    let toggle = ServerAction::<SetGroupActive>::new();
    let versions = move || (save.version().get(), toggle.version().get());
    let groups = Resource::new(versions, |_| list_groups());
    let map = Resource::new(versions, move |_| stakeholder_map(lang));
    let editing =
        editing_until_saved::<GroupRecord>(move || matches!(save.value().get(), Some(Ok(()))));
    view! {
        <Header />
        <main class="page wide admin">
            <AdminNav />
            <h1>{t.groups_title}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match (groups.await, map.await) {
                        (Ok(list), Ok(svg)) => view! {
                            <p class="hint">{t.weight_rule}</p>
                            <GroupTable list editing toggle />
                            <GroupFormView save editing />
                            <h2>{t.map_title}</h2>
                            <figure class="chart map" inner_html=svg></figure>
                        }
                            .into_any(),
                        (Err(e), _) | (_, Err(e)) => refusal(e, t.groups_title, "/admin/groups".into()),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

#[component]
fn GroupTable(
    list: Vec<GroupRecord>,
    editing: RwSignal<Option<GroupRecord>>,
    toggle: ServerAction<SetGroupActive>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let rows = list
        .into_iter()
        .map(|g| {
            let record = g.clone();
            let weight = format!(
                "{:.2} ({})",
                g.weight,
                if g.weight_manual { t.weight_manual } else { t.weight_default }
            );
            let testid = format!("group-{}", g.code);
            let code = g.code.clone();
            view! {
                <tr data-testid=testid class:retired=!g.active>
                    <th scope="row">{g.code.clone()}</th>
                    <td>{lang.pick(&g.name.zh, &g.name.en).to_string()}</td>
                    <td>{if g.internal { t.internal } else { t.external }}</td>
                    <td class="num">{g.affected_by}</td>
                    <td class="num">{g.affects}</td>
                    <td class="num">{weight}</td>
                    <td>{lang.pick(&g.concerns.zh, &g.concerns.en).to_string()}</td>
                    <td>{lang.pick(&g.channels.zh, &g.channels.en).to_string()}</td>
                    <td>{if g.active { t.active } else { t.retired }}</td>
                    <td class="actions">
                        <button type="button" on:click=move |_| editing.set(Some(record.clone()))>{t.edit}</button>
                        <ActionForm action=toggle attr:class="inline">
                            <input type="hidden" name="code" value=code />
                            <input type="hidden" name="active" value=if g.active { "false" } else { "true" } />
                            <button type="submit">{if g.active { t.retire } else { t.restore }}</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AdminTable caption=t.groups_title testid="groups" columns=vec![t.col_code, t.col_name, t.col_kind, t.affected_by, t.affects, t.col_weight, t.concerns, t.channels, t.col_state]>
            {rows}
        </AdminTable>
    }
    .into_any()
}

#[component]
fn GroupFormView(
    save: ServerAction<SaveGroup>,
    editing: RwSignal<Option<GroupRecord>>,
) -> impl IntoView {
    let t = use_lang().t();
    let problems = move || problems_of(save.value().get());
    move || {
        let current = editing.get();
        let f = current.as_ref().map(GroupForm::from).unwrap_or(GroupForm {
            kind: "external".into(),
            affected_by: "3".into(),
            affects: "3".into(),
            ..Default::default()
        });
        let original = current.as_ref().map(|g| g.code.clone()).unwrap_or_default();
        let heading = match &current {
            Some(g) => format!("{} {}", t.edit_group, g.code),
            None => t.add_group.to_string(),
        };
        let rating = move |name: &'static str, label: &'static str, value: String| {
            view! {
                <label>
                    <span>{label}</span>
                    <select name=format!("group[{name}]")>
                        {(1..=5).map(|v| view! { <option value=v.to_string() selected=v.to_string() == value>{v}</option> }).collect_view()}
                    </select>
                </label>
                {move || field_errors(&problems(), name)}
            }
        };
        let text = move |name: &'static str,
                         label: &'static str,
                         value: String,
                         lang: &'static str| {
            view! {
                <label>
                    <span>{label}</span>
                    <textarea name=format!("group[{name}]") lang=lang rows="2" prop:value=value></textarea>
                </label>
                {move || field_errors(&problems(), name)}
            }
        };
        view! {
            <section class="admin-form" aria-labelledby="group-form-title">
                <h2 id="group-form-title">{heading}</h2>
                <ActionForm action=save attr:class="grid-form" attr:data-testid="group-form">
                    <input type="hidden" name="original" value=original />
                    <label>
                        <span>{t.col_code}</span>
                        <input type="text" name="group[code]" value=f.code.clone() required maxlength="16" />
                    </label>
                    {move || field_errors(&problems(), "code")}
                    <label>
                        <span>{t.name_zh}</span>
                        <input type="text" name="group[name_zh]" lang="zh-CN" value=f.name_zh.clone() />
                    </label>
                    {move || field_errors(&problems(), "name_zh")}
                    <label>
                        <span>{t.name_en}</span>
                        <input type="text" name="group[name_en]" lang="en" value=f.name_en.clone() />
                    </label>
                    {move || field_errors(&problems(), "name_en")}
                    <label>
                        <span>{t.col_kind}</span>
                        <select name="group[kind]">
                            <option value="internal" selected=f.kind == "internal">{t.internal}</option>
                            <option value="external" selected=f.kind == "external">{t.external}</option>
                        </select>
                    </label>
                    {rating("affected_by", t.affected_by, f.affected_by.clone())}
                    {rating("affects", t.affects, f.affects.clone())}
                    {text("concerns_zh", t.concerns_zh, f.concerns_zh.clone(), "zh-CN")}
                    {text("concerns_en", t.concerns_en, f.concerns_en.clone(), "en")}
                    {text("channels_zh", t.channels_zh, f.channels_zh.clone(), "zh-CN")}
                    {text("channels_en", t.channels_en, f.channels_en.clone(), "en")}
                    <label>
                        <span>{t.weight_override}</span>
                        <input type="text" inputmode="decimal" name="group[weight]" value=f.weight.clone() />
                    </label>
                    {move || field_errors(&problems(), "weight")}
                    <div class="actions">
                        <button type="submit" class="primary">{t.save}</button>
                        {current.is_some().then(|| view! {
                            <button type="button" on:click=move |_| editing.set(None)>{t.cancel}</button>
                        })}
                    </div>
                </ActionForm>
            </section>
        }
        .into_any()
    }
}
