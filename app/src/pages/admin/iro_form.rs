//! The IRO form, one for adding on the register page and for correcting an IRO on its own page
//! (`/admin/cycles/:id/register/iros/:iro`). Plain forms: both work without JavaScript.

use crate::api::register::{get_register, AddIro, EditIro};
use crate::api::AppError;
use crate::components::{
    cycle_id, field_errors, problems_of, refusal, textarea_text, AdminNav, Header,
};
use crate::domain::iro::{IroRecord, RegisterView, CHAIN, HORIZONS, KINDS, SOURCES};
use crate::domain::FieldProblem;
use crate::use_lang;
use leptos::prelude::*;

/// The form's fields, named `{prefix}[…]` for the server function's struct argument, showing
/// `current` when correcting an IRO and the problems of the last attempt beside their fields.
#[component]
fn IroFields(
    register: RegisterView,
    prefix: &'static str,
    current: Option<IroRecord>,
    problems: Signal<Vec<FieldProblem>>,
) -> impl IntoView {
    let lang = use_lang();
    let dm = lang.dm();
    let now = current.clone();
    let has = move |pred: &dyn Fn(&IroRecord) -> bool| now.as_ref().is_some_and(pred);
    let matters = register
        .matters
        .iter()
        .map(|m| {
            let depth = crate::domain::matters::depth_of(&register.matters, m.id);
            let indent = "\u{a0}\u{a0}".repeat(depth.saturating_sub(1));
            let label = format!("{indent}{} {}", m.code, lang.pick(&m.name.zh, &m.name.en));
            let selected = has(&|r| r.matter == m.code);
            view! { <option value=m.code.clone() selected=selected>{label}</option> }
        })
        .collect_view();
    let choices = |name: &'static str,
                   kind: &'static str,
                   options: Vec<(&'static str, &'static str, bool)>| {
        options
            .into_iter()
            .map(|(value, label, checked)| {
                let field = if kind == "radio" {
                    format!("{prefix}[{name}]")
                } else {
                    format!("{prefix}[{name}][]")
                };
                view! {
                    <label class="check">
                        <input type=kind name=field value=value checked=checked required=kind == "radio" />
                        <span>{label}</span>
                    </label>
                }
            })
            .collect_view()
    };
    let kinds = KINDS
        .iter()
        .map(|(w, k)| (*w, dm.kind(*k), has(&|r| r.iro.kind == *k)))
        .collect();
    // A risk or opportunity is current or anticipated, an impact actual or potential.
    let occurrence = current.as_ref().map(IroRecord::occurrence_word);
    let occurrences = [
        ("actual", dm.actual),
        ("potential", dm.potential),
        ("current", dm.current),
        ("anticipated", dm.anticipated),
    ]
    .into_iter()
    .map(|(w, label)| (w, label, occurrence == Some(w)))
    .collect();
    let chain = CHAIN
        .iter()
        .map(|(w, v)| (*w, dm.chain(*v), has(&|r| r.value_chain.contains(v))))
        .collect();
    let horizons = HORIZONS
        .iter()
        .map(|(w, h)| (*w, dm.horizon(*h), has(&|r| r.iro.horizons.contains(h))))
        .collect();
    let sources = SOURCES
        .iter()
        .map(|(w, s)| {
            let selected = has(&|r| r.source == *s);
            view! { <option value=*w selected=selected>{dm.source(*s)}</option> }
        })
        .collect_view();
    let links = current
        .as_ref()
        .map(|r| {
            r.leads_to
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    // Escaped: Leptos writes a textarea's children as they are.
    let text =
        |f: fn(&IroRecord) -> &str| textarea_text(current.as_ref().map(f).unwrap_or_default());
    let errors = move |field: &'static str| move || field_errors(&problems.get(), field);
    view! {
        <label>
            <span>{dm.col_matter}</span>
            <select name=format!("{prefix}[matter]") required>{matters}</select>
        </label>
        {errors("matter")}
        <fieldset>
            <legend>{dm.col_kind}</legend>
            {choices("kind", "radio", kinds)}
        </fieldset>
        {errors("kind")}
        <fieldset>
            <legend>{dm.col_occurrence}</legend>
            {choices("occurrence", "radio", occurrences)}
        </fieldset>
        {errors("occurrence")}
        <fieldset>
            <legend>{dm.col_value_chain}</legend>
            {choices("value_chain", "checkbox", chain)}
        </fieldset>
        {errors("value_chain")}
        <fieldset>
            <legend>{dm.col_horizons}</legend>
            {choices("horizons", "checkbox", horizons)}
        </fieldset>
        {errors("horizons")}
        <label class="check">
            <input type="checkbox" name=format!("{prefix}[human_rights]") value="true" checked=has(&|r| r.iro.human_rights) />
            <span>{dm.human_rights}</span>
        </label>
        {errors("human_rights")}
        <label>
            <span>{dm.description_zh}</span>
            <textarea name=format!("{prefix}[description_zh]") lang="zh-CN" rows="2">{text(|r| &r.description.zh)}</textarea>
        </label>
        {errors("description_zh")}
        <label>
            <span>{dm.description_en}</span>
            <textarea name=format!("{prefix}[description_en]") lang="en" rows="2">{text(|r| &r.description.en)}</textarea>
        </label>
        {errors("description_en")}
        <label>
            <span>{dm.col_source}</span>
            <select name=format!("{prefix}[source]")>{sources}</select>
        </label>
        {errors("source")}
        <label>
            <span>{dm.leads_to}</span>
            <input type="text" name=format!("{prefix}[leads_to]") value=links inputmode="numeric" aria-describedby=format!("{prefix}-leads-to-hint") />
        </label>
        <p class="hint" id=format!("{prefix}-leads-to-hint")>{dm.leads_to_hint}</p>
        {errors("leads_to")}
    }
}

/// The register page's form for a new IRO.
#[component]
pub fn AddIroForm(id: i64, register: RegisterView, add: ServerAction<AddIro>) -> impl IntoView {
    let lang = use_lang();
    let dm = lang.dm();
    let t = lang.t();
    let problems = Signal::derive(move || problems_of(add.value().get()));
    // Ready for the next IRO once one is added (a refused one stays as typed, beside the messages).
    let form = NodeRef::<leptos::html::Form>::new();
    crate::components::reset_on_success(form, add);
    view! {
        <section class="admin-form" aria-labelledby="iro-form-title">
            <h2 id="iro-form-title">{dm.add_iro}</h2>
            <ActionForm action=add node_ref=form attr:class="grid-form" attr:data-testid="iro-form">
                <input type="hidden" name="id" value=id />
                <IroFields register prefix="iro" current=None problems />
                <div class="actions">
                    <button type="submit" class="primary">{t.save}</button>
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// `/admin/cycles/:id/register/iros/:iro`: one IRO's fields as they are, to correct.
#[component]
pub fn EditIroPage() -> impl IntoView {
    let dm = use_lang().dm();
    let id = cycle_id();
    let params = leptos_router::hooks::use_params_map();
    let iro = move || params.read().get("iro").and_then(|s| s.parse::<i64>().ok());
    let edit = ServerAction::<EditIro>::new();
    let data = Resource::new(id, |id| async move {
        get_register(id.ok_or(AppError::NotFound)?).await
    });
    view! {
        <Header />
        <main class="page wide admin">
            <AdminNav />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let here = format!("/admin/cycles/{}/register/iros/{}", id().unwrap_or_default(), iro().unwrap_or_default());
                    let found = data.await.and_then(|register| {
                        let row = register
                            .iros
                            .iter()
                            .find(|r| Some(r.id) == iro() && !r.retired)
                            .cloned()
                            .ok_or(AppError::NotFound)?;
                        Ok((register, row))
                    });
                    match found {
                        Ok((register, row)) => view! { <EditIro id=id().unwrap_or_default() register row edit /> }.into_any(),
                        Err(e) => refusal(e, dm.edit_iro, here),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

#[component]
fn EditIro(
    id: i64,
    register: RegisterView,
    row: crate::domain::iro::IroRow,
    edit: ServerAction<EditIro>,
) -> impl IntoView {
    let lang = use_lang();
    let (dm, t) = (lang.dm(), lang.t());
    let problems = Signal::derive(move || problems_of(edit.value().get()));
    let back = format!("/admin/cycles/{id}/register");
    let heading = view! {
        <p><a href=back.clone()>{dm.register_title} " · " {register.name.clone()}</a></p>
        <h1>{dm.edit_iro} " #" {row.id}</h1>
    };
    if register.status == crate::domain::CycleStatus::Confirmed {
        return view! { {heading} <p class="withheld-note" data-testid="frozen">{dm.frozen_note}</p> }
            .into_any();
    }
    view! {
        {heading}
        <p class="hint">{dm.edit_iro_note}</p>
        <section class="admin-form" aria-labelledby="iro-form-title">
            <h2 id="iro-form-title" class="visually-hidden">{dm.edit_iro}</h2>
            {move || field_errors(&problems.get(), "iro")}
            <ActionForm action=edit attr:class="grid-form" attr:data-testid="iro-edit-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="iro" value=row.id />
                <IroFields register prefix="fields" current=Some(row.record) problems />
                <div class="actions">
                    <button type="submit" class="primary">{t.save}</button>
                    <a href=back>{t.cancel}</a>
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}
