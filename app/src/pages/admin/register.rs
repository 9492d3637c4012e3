//! A double-materiality cycle's register, for admins: the method, the sustainability matters (from a
//! preset), the impacts, risks and opportunities, and who assesses each. Plain forms: every action
//! works without JavaScript.

use crate::api::register::{
    get_register, AddIro, AddMatter, AssignIro, LoadMatterPreset, RemoveMatter, RetireIro,
    SetCycleMethod, SetCycleScoring, SetHideAssessors, SetTopicMatter, WaiveAssignment,
};
use crate::api::users::list_users;
use crate::api::AppError;
use crate::components::{
    cycle_id, field_errors, problems_of, refusal, success_version, AdminNav, AdminTable, Header,
};
use crate::domain::double_materiality::Method;
use crate::domain::iro::RegisterView;
use crate::domain::matters::MatterPresetName;
use crate::domain::{CycleStatus, FieldProblem, UserRow};
use crate::use_lang;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Actions {
    method: ServerAction<SetCycleMethod>,
    preset: ServerAction<LoadMatterPreset>,
    add: ServerAction<AddIro>,
    retire: ServerAction<RetireIro>,
    assign: ServerAction<AssignIro>,
    waive: ServerAction<WaiveAssignment>,
    scoring: ServerAction<SetCycleScoring>,
    names: ServerAction<SetHideAssessors>,
    pub(super) add_matter: ServerAction<AddMatter>,
    pub(super) remove_matter: ServerAction<RemoveMatter>,
    topic_matter: ServerAction<SetTopicMatter>,
    upload: super::register_import::Upload,
}

impl Actions {
    /// Every refusal of the page's last actions, by field.
    pub(super) fn problems(self) -> Vec<FieldProblem> {
        let mut p = problems_of(self.method.value().get());
        p.extend(problems_of(self.preset.value().get()));
        p.extend(problems_of(self.retire.value().get()));
        p.extend(problems_of(self.assign.value().get()));
        p.extend(problems_of(self.waive.value().get()));
        p.extend(problems_of(self.remove_matter.value().get()));
        p
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let dm = use_lang().dm();
    let id = cycle_id();
    let actions = Actions {
        method: ServerAction::new(),
        preset: ServerAction::new(),
        add: ServerAction::new(),
        retire: ServerAction::new(),
        assign: ServerAction::new(),
        waive: ServerAction::new(),
        scoring: ServerAction::new(),
        names: ServerAction::new(),
        add_matter: ServerAction::new(),
        remove_matter: ServerAction::new(),
        topic_matter: ServerAction::new(),
        upload: super::register_import::Upload::default(),
    };
    // A refused IRO or scoring does not reload the page, so the form keeps what was typed beside
    // the messages.
    let added = success_version(actions.add);
    let matter_added = success_version(actions.add_matter);
    let scored = success_version(actions.scoring);
    let imported = success_version(actions.upload.import);
    let versions = move || {
        (
            id(),
            actions.method.version().get(),
            actions.preset.version().get(),
            added.get(),
            actions.retire.version().get(),
            actions.assign.version().get(),
            actions.waive.version().get(),
            scored.get(),
            matter_added.get(),
            actions.remove_matter.version().get(),
            actions.names.version().get(),
            (imported.get(), actions.topic_matter.version().get()),
        )
    };
    let data = Resource::new(versions, |(id, ..)| async move {
        let id = id.ok_or(AppError::NotFound)?;
        let register = get_register(id).await?;
        let users = list_users().await?;
        Ok::<_, AppError>((register, users))
    });
    view! {
        <Header />
        <main class="page wide admin">
            <AdminNav />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((register, users)) => view! {
                            <Register id=id().unwrap_or_default() register users actions />
                        }
                            .into_any(),
                        Err(e) => refusal(e, dm.register_title, format!("/admin/cycles/{}/register", id().unwrap_or_default())),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

#[component]
fn Register(
    id: i64,
    register: RegisterView,
    users: Vec<UserRow>,
    actions: Actions,
) -> impl IntoView {
    let lang = use_lang();
    let dm = lang.dm();
    // A carried-forward result's register is the earlier cycle's: nothing of it changes here.
    let frozen = register.status == CycleStatus::Confirmed || register.carried.is_some();
    let carried = register.carried.as_ref().map(|c| {
        view! { <p class="carried" data-testid="carried-forward">{lang.t().carried(c)}</p> }
    });
    let double = register.method == Method::Double;
    let method_form = (register.status == CycleStatus::Draft && register.matters.is_empty()).then(|| {
        view! {
            <ActionForm action=actions.method attr:class="inline" attr:data-testid="method-form">
                <input type="hidden" name="id" value=id />
                <label class="inline-label">
                    <span class="visually-hidden">{dm.method}</span>
                    <select name="method">
                        {[Method::Survey, Method::Double].into_iter().map(|m| view! {
                            <option value=m.as_str() selected=m == register.method>{dm.method(m)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit">{dm.set_method}</button>
            </ActionForm>
        }
    });
    let matters = if !double {
        view! { <p class="hint">{dm.survey_method_note}</p> }.into_any()
    } else if register.matters.is_empty() {
        view! { <PresetForm id actions /> }.into_any()
    } else {
        view! { <super::matters::Matters id register=register.clone() frozen actions /> }.into_any()
    };
    let register_part = (double && !register.matters.is_empty()).then(|| {
        view! {
            <IroTable id register=register.clone() users frozen actions />
            {(!frozen).then(|| view! { <super::iro_form::AddIroForm id register=register.clone() add=actions.add /> })}
            {(!frozen).then(|| view! { <super::register_import::RegisterImport id upload=actions.upload /> })}
            <super::topic_matters::TopicMatters id register=register.clone() frozen action=actions.topic_matter />
        }
    });
    view! {
        <p><a href=format!("/admin/cycles/{id}")>{register.name.clone()}</a></p>
        <h1>{dm.register_title} " · " {register.name.clone()}</h1>
        <p class="hint">{dm.register_intro}</p>
        {carried}
        {(register.status == CycleStatus::Confirmed).then(|| view! { <p class="withheld-note" data-testid="frozen">{dm.frozen_note}</p> })}
        <section aria-labelledby="method-title">
            <h2 id="method-title">{dm.method}</h2>
            <p data-testid="method" data-method=register.method.as_str()>{dm.method(register.method)}</p>
            {method_form}
            {(register.status != CycleStatus::Draft || !register.matters.is_empty()).then(|| view! { <p class="hint">{dm.method_fixed}</p> })}
            {move || field_errors(&actions.problems(), "method")}
        </section>
        <section aria-labelledby="matters-title">
            <h2 id="matters-title">{dm.matters_title}</h2>
            {matters}
        </section>
        {double.then(|| view! {
            <super::scoring::ScoringForm id scoring=register.scoring frozen action=actions.scoring />
            <super::scoring::AssessorNamesForm id hidden=register.hide_assessors frozen action=actions.names />
        })}
        {register_part}
        {double.then(|| view! {
            <p><a href=format!("/cycles/{id}/assessment") data-testid="scores-link">{dm.scores_link}</a></p>
        })}
    }
    .into_any()
}

#[component]
fn PresetForm(id: i64, actions: Actions) -> impl IntoView {
    let dm = use_lang().dm();
    view! {
        <p class="hint">{dm.no_matters}</p>
        <ActionForm action=actions.preset attr:class="inline" attr:data-testid="preset-form">
            <input type="hidden" name="id" value=id />
            <label class="inline-label">
                <span class="visually-hidden">{dm.matters_title}</span>
                <select name="preset">
                    {MatterPresetName::ALL.into_iter().map(|p| {
                        let label = match p {
                            MatterPresetName::Esrs2023 => dm.preset_esrs,
                            MatterPresetName::CnExchanges2024 => dm.preset_cn,
                        };
                        view! { <option value=p.as_str()>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="primary">{dm.load_preset}</button>
        </ActionForm>
        {move || field_errors(&actions.problems(), "preset")}
    }
}

#[component]
fn IroTable(
    id: i64,
    register: RegisterView,
    users: Vec<UserRow>,
    frozen: bool,
    actions: Actions,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let dm = lang.dm();
    let name_of = |code: &str| {
        register
            .matters
            .iter()
            .find(|m| m.code == code)
            .map(|m| lang.pick(&m.name.zh, &m.name.en).to_string())
            .unwrap_or_default()
    };
    let accounts: Vec<(i64, String)> = users
        .iter()
        .filter(|u| u.disabled_at.is_none())
        .map(|u| {
            (
                u.user.id,
                format!("{} ({})", u.user.email, u.user.role.as_str()),
            )
        })
        .collect();
    let rows = register
        .iros
        .iter()
        .map(|row| {
            let r = &row.record;
            let iro = row.id;
            let active = !row.retired && !frozen;
            let who = register
                .assignees
                .iter()
                .filter(|a| a.iro == iro)
                .map(|a| {
                    let (word, state) = if a.waived {
                        ("waived", dm.waived)
                    } else if a.submitted {
                        ("submitted", dm.submitted)
                    } else {
                        ("pending", dm.pending)
                    };
                    let waivable = active && word == "pending";
                    let user = a.user;
                    view! {
                        <li data-assessor=a.email.clone() data-state=word>
                            {a.email.clone()} " · " <span class="state">{state}</span>
                            {waivable.then(|| view! {
                                <ActionForm action=actions.waive attr:class="inline waive">
                                    <input type="hidden" name="id" value=id />
                                    <input type="hidden" name="iro" value=iro />
                                    <input type="hidden" name="user" value=user />
                                    <label class="inline-label">
                                        <span class="visually-hidden">{dm.waive_reason}</span>
                                        <input type="text" name="reason" placeholder=dm.waive_reason />
                                    </label>
                                    <button type="submit">{dm.waive}</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                })
                .collect_view();
            let nobody = !register.assignees.iter().any(|a| a.iro == iro);
            let chain = r.value_chain.iter().map(|v| dm.chain(*v)).collect::<Vec<_>>().join(", ");
            let horizons = r.iro.horizons.iter().map(|h| dm.horizon(*h)).collect::<Vec<_>>().join(", ");
            let arises_from: Vec<i64> = register
                .iros
                .iter()
                .filter(|o| o.record.leads_to.contains(&iro))
                .map(|o| o.id)
                .collect();
            let links = [(dm.gives_rise_to, "leads-to", r.leads_to.clone()), (dm.arises_from, "arises-from", arises_from)]
                .into_iter()
                .filter(|(_, _, ids)| !ids.is_empty())
                .map(|(label, testid, ids)| {
                    let ids = ids.iter().map(|n| format!("#{n}")).collect::<Vec<_>>().join(", ");
                    view! { <br /><span class="hint" data-testid=testid>{format!("{label} {ids}")}</span> }
                })
                .collect_view();
            let kind = dm.kind(r.iro.kind);
            let kind_class = format!("iro-kind {}", r.iro.kind.word());
            let options = accounts
                .iter()
                .map(|(uid, label)| view! { <option value=*uid>{label.clone()}</option> })
                .collect_view();
            view! {
                <tr id=format!("iro-{iro}") data-testid=format!("iro-{iro}") class:retired=row.retired>
                    <th scope="row">{iro}</th>
                    <td><span class="code">{r.matter.clone()}</span> " " {name_of(&r.matter)}</td>
                    <td><span class=kind_class>{kind}</span>{r.iro.human_rights.then(|| view! { " · " {dm.human_rights_short} })}</td>
                    <td>{dm.occurrence(r.iro.kind, r.iro.potential)}</td>
                    <td>{chain}</td>
                    <td>{horizons}</td>
                    <td class="prose">{lang.pick(&r.description.zh, &r.description.en).to_string()}{links}</td>
                    <td>{dm.source(r.source)}</td>
                    <td>
                        {if nobody { view! { <span class="hint">{dm.nobody_assigned}</span> }.into_any() } else { view! { <ul class="plain">{who}</ul> }.into_any() }}
                    </td>
                    <td class="actions">
                        {row.retired.then(|| view! { <span>{t.retired}</span> })}
                        {active.then(|| view! {
                            <a href=format!("/admin/cycles/{id}/register/iros/{iro}") data-testid=format!("edit-{iro}")>{t.edit}</a>
                            <ActionForm action=actions.assign attr:class="inline" attr:data-testid=format!("assign-{iro}")>
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="iro" value=iro />
                                <label class="inline-label">
                                    <span class="visually-hidden">{dm.assessor}</span>
                                    <select name="user">{options}</select>
                                </label>
                                <button type="submit">{dm.assign}</button>
                            </ActionForm>
                            <ActionForm action=actions.retire attr:class="inline">
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="iro" value=iro />
                                <button type="submit" class="danger">{t.retire}</button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section>
            <h2 id="iros-title">{dm.iros_title}</h2>
            {register.iros.is_empty().then(|| view! { <p class="hint">{dm.no_iros}</p> })}
            {move || field_errors(&actions.problems(), "assessor")}
            {move || field_errors(&actions.problems(), "iro")}
            {move || field_errors(&actions.problems(), "waiver")}
            {move || field_errors(&actions.problems(), "reason")}
            <AdminTable caption=dm.iros_title testid="iros" columns=vec!["#", dm.col_matter, dm.col_kind, dm.col_occurrence, dm.col_value_chain, dm.col_horizons, dm.col_description, dm.col_source, dm.col_assessors]>
                {rows}
            </AdminTable>
        </section>
    }
    .into_any()
}
