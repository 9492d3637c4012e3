//! Assessment cycles: the list, creating and copying, one cycle's settings, topics, groups, status and
//! links, and the live progress page.

use crate::api::admin::{
    cycle_admin, cycle_progress, list_cycles, CopyCycle, CreateCycle, CycleAdminView, DeleteCycle,
    GenerateLinks, MakeOpenLink, NewLinks, RevokeLink, RevokeUnused, SetCycleGroups,
    SetCycleStatus, SetCycleTopics, UpdateCycle,
};
use crate::api::review::CarryForward;
use crate::api::AppError;
use crate::components::{
    field_errors, fmt2, percent_encode, problems_of, refusal, AdminNav, AdminTable, Header,
};
use crate::domain::{
    csv_document, date_of, CycleForm, CycleSettings, CycleStatus, FieldProblem, GroupProgress,
    Scale, ScaleLabels, ThresholdRule,
};
use crate::i18n::Text;
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

fn status_name(t: &Text, s: CycleStatus) -> &'static str {
    match s {
        CycleStatus::Draft => t.status_draft,
        CycleStatus::Open => t.status_open,
        CycleStatus::Closed => t.status_closed,
        CycleStatus::Confirmed => t.status_confirmed,
    }
}

#[component]
pub fn CyclesPage() -> impl IntoView {
    let t = use_lang().t();
    let create = ServerAction::<CreateCycle>::new();
    let copy = ServerAction::<CopyCycle>::new();
    let cycles = Resource::new(move || copy.version().get(), |_| list_cycles());
    let navigate = use_navigate();
    // A new or copied cycle opens its own page.
    Effect::new(move |_| {
        let id = match (create.value().get(), copy.value().get()) {
            (Some(Ok(id)), _) | (_, Some(Ok(id))) => Some(id),
            _ => None,
        };
        if let Some(id) = id {
            navigate(&format!("/admin/cycles/{id}"), Default::default());
        }
    });
    view! {
        <Header />
        <main class="page wide admin">
            <AdminNav />
            <h1>{t.cycles_title}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match cycles.await {
                        Err(e) => refusal(e, t.cycles_title, "/admin/cycles".into()),
                        Ok(list) => {
                            let rows = list
                                .into_iter()
                                .map(|c| view! {
                                    <tr data-testid=format!("cycle-{}", c.id)>
                                        <th scope="row"><a href=format!("/admin/cycles/{}", c.id)>{c.name.clone()}</a></th>
                                        <td class="num">{c.year}</td>
                                        <td>{status_name(t, c.status)}</td>
                                        <td class="num">{c.topics}</td>
                                        <td class="num">{c.groups}</td>
                                        <td class="num">{c.responses}</td>
                                        <td class="actions">
                                            <a href=format!("/admin/cycles/{}/progress", c.id)>{t.progress_title}</a>
                                            " "
                                            <a href=format!("/cycles/{}/matrix", c.id)>{t.matrix_title}</a>
                                            <ActionForm action=copy attr:class="inline">
                                                <input type="hidden" name="from" value=c.id />
                                                <button type="submit">{t.copy_cycle}</button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                })
                                .collect_view();
                            view! {
                                <AdminTable caption=t.cycles_title testid="cycles" columns=vec![t.col_name, t.year, t.col_status, t.topics_title, t.groups_title, t.responses]>
                                    {rows}
                                </AdminTable>
                                <section class="admin-form" aria-labelledby="new-cycle-title">
                                    <h2 id="new-cycle-title">{t.new_cycle}</h2>
                                    <ActionForm action=create attr:class="grid-form" attr:data-testid="cycle-form">
                                        <SettingsFields form=new_cycle_form() frozen=false problems=Signal::derive(move || problems_of(create.value().get())) />
                                        <div class="actions">
                                            <button type="submit" class="primary">{t.create_cycle}</button>
                                        </div>
                                    </ActionForm>
                                </section>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

/// The settings a new cycle starts from: this year, the five-point scale, k = 5, both axes >= 3.5.
fn new_cycle_form() -> CycleForm {
    #[cfg(feature = "ssr")]
    let today = date_of(crate::store::now());
    #[cfg(not(feature = "ssr"))]
    let today = date_of((js_sys_now() / 1000.0) as i64);
    CycleForm::from(&CycleSettings {
        name: String::new(),
        year: today[..4].parse().unwrap_or(2026),
        scale: Scale::FIVE,
        labels: ScaleLabels::default_for(Scale::FIVE),
        opens_on: None,
        closes_on: None,
        k: 5,
        threshold: 3.5,
        threshold_rule: ThresholdRule::Both,
        preview_open: false,
    })
}

#[cfg(not(feature = "ssr"))]
fn js_sys_now() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.time_origin() + p.now())
            .unwrap_or(0.0)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// The inputs of a cycle's settings (`cycle[...]`), with their messages.
#[component]
fn SettingsFields(
    form: CycleForm,
    frozen: bool,
    #[prop(into)] problems: Signal<Vec<FieldProblem>>,
) -> impl IntoView {
    let t = use_lang().t();
    let err = move |field: &'static str| move || field_errors(&problems.get(), field);
    let scale_select = if frozen {
        // Frozen: the scale stays; a disabled select would not be sent, so send it hidden.
        view! {
            <input type="hidden" name="cycle[scale]" value=form.scale.clone() />
            <p class="frozen-note">{t.scale} ": " {form.scale.clone()} " — " {t.frozen_scale}</p>
        }
        .into_any()
    } else {
        view! {
            <label>
                <span>{t.scale}</span>
                <select name="cycle[scale]">
                    {["1-5", "1-7", "0-10"].map(|s| view! { <option value=s selected=form.scale == s>{s}</option> }).collect_view()}
                </select>
            </label>
        }
        .into_any()
    };
    let rules = [
        (ThresholdRule::Both, t.rule_both),
        (ThresholdRule::Either, t.rule_either),
        (ThresholdRule::Mean, t.rule_mean),
    ];
    view! {
        <label>
            <span>{t.col_name}</span>
            <input type="text" name="cycle[name]" value=form.name.clone() required maxlength="200" />
        </label>
        {err("name")}
        <label>
            <span>{t.year}</span>
            <input type="number" name="cycle[year]" value=form.year.clone() min="2000" max="2100" />
        </label>
        {err("year")}
        {scale_select}
        {err("scale")}
        <label>
            <span>{t.labels_zh}</span>
            <textarea name="cycle[labels_zh]" lang="zh-CN" rows="5" readonly=frozen prop:value=form.labels_zh.clone()></textarea>
        </label>
        {err("labels_zh")}
        <label>
            <span>{t.labels_en}</span>
            <textarea name="cycle[labels_en]" lang="en" rows="5" readonly=frozen prop:value=form.labels_en.clone()></textarea>
        </label>
        {err("labels_en")}
        <p class="hint">{t.labels_help}</p>
        <label>
            <span>{t.opens_on}</span>
            <input type="date" name="cycle[opens_on]" value=form.opens_on.clone() />
        </label>
        {err("opens_on")}
        <label>
            <span>{t.closes_on}</span>
            <input type="date" name="cycle[closes_on]" value=form.closes_on.clone() />
        </label>
        {err("closes_on")}
        <label>
            <span>{t.k_label}</span>
            <input type="number" name="cycle[k]" value=form.k.clone() min="1" max="1000" />
        </label>
        {err("k")}
        <label>
            <span>{t.threshold}</span>
            <input type="text" inputmode="decimal" name="cycle[threshold]" value=form.threshold.clone() />
        </label>
        {err("threshold")}
        <label>
            <span>{t.threshold_rule}</span>
            <select name="cycle[threshold_rule]">
                {rules.map(|(r, name)| view! { <option value=r.as_str() selected=form.threshold_rule == r.as_str()>{name}</option> }).collect_view()}
            </select>
        </label>
        {err("threshold_rule")}
        <label class="check">
            <input
                type="checkbox"
                name="cycle[preview_open]"
                value="on"
                checked=!form.preview_open.is_empty()
                aria-describedby="preview-warning"
            />
            {t.preview_open}
        </label>
        <p class="hint" id="preview-warning">{t.preview_warning}</p>
    }
    .into_any()
}

#[component]
pub fn CyclePage() -> impl IntoView {
    let t = use_lang().t();
    let id = crate::components::cycle_id();
    let update = ServerAction::<UpdateCycle>::new();
    let topics = ServerAction::<SetCycleTopics>::new();
    let groups = ServerAction::<SetCycleGroups>::new();
    let status = ServerAction::<SetCycleStatus>::new();
    let delete = ServerAction::<DeleteCycle>::new();
    let links = ServerAction::<GenerateLinks>::new();
    let open = ServerAction::<MakeOpenLink>::new();
    let revoke = ServerAction::<RevokeUnused>::new();
    let revoke_one = ServerAction::<RevokeLink>::new();
    let carry = ServerAction::<CarryForward>::new();
    let data = Resource::new(
        move || {
            (
                id(),
                update.version().get(),
                topics.version().get(),
                groups.version().get(),
                status.version().get(),
                carry.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => cycle_admin(id).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    let actions = CycleActions {
        update,
        topics,
        groups,
        status,
        delete,
        links,
        open,
        revoke,
        revoke_one,
        carry,
    };
    view! {
        <Header />
        <main class="page wide admin">
            <AdminNav />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <CycleAdmin view actions /> }.into_any(),
                        Err(e) => refusal(e, t.cycles_title, format!("/admin/cycles/{}", id().unwrap_or_default())),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct CycleActions {
    update: ServerAction<UpdateCycle>,
    topics: ServerAction<SetCycleTopics>,
    groups: ServerAction<SetCycleGroups>,
    status: ServerAction<SetCycleStatus>,
    delete: ServerAction<DeleteCycle>,
    links: ServerAction<GenerateLinks>,
    open: ServerAction<MakeOpenLink>,
    revoke: ServerAction<RevokeUnused>,
    revoke_one: ServerAction<RevokeLink>,
    carry: ServerAction<CarryForward>,
}

#[component]
fn CycleAdmin(view: CycleAdminView, actions: CycleActions) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let c = view.cycle.clone();
    let id = c.id;
    let frozen = c.frozen();
    let moves = [
        (CycleStatus::Open, if c.status == CycleStatus::Closed { t.reopen_cycle } else { t.open_cycle }),
        (CycleStatus::Closed, t.close_cycle),
    ]
    .into_iter()
    .filter(|(to, _)| c.status.can_move_to(*to))
    .map(|(to, label)| {
        view! {
            <ActionForm action=actions.status attr:class="inline">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="status" value=to.as_str() />
                <button type="submit" class="primary" data-testid=format!("status-{}", to.as_str())>{label}</button>
            </ActionForm>
        }
    })
    .collect_view();
    let status_problems = move || {
        let mut p = problems_of(actions.status.value().get());
        p.extend(problems_of(actions.delete.value().get()));
        p
    };
    let in_cycle = |code: &str| c.topics.iter().any(|x| x == code);
    let topic_boxes = view
        .topics
        .iter()
        .filter(|row| row.record.active || in_cycle(&row.record.code))
        .map(|row| {
            let r = &row.record;
            let checked = in_cycle(&r.code);
            view! {
                <label class="check">
                    <input type="checkbox" name="topics[]" value=r.code.clone() checked=checked disabled=frozen />
                    <span class=format!("badge cat-{}", r.category.as_str())>{r.category.as_str()}</span>
                    <span class="code">{r.code.clone()}</span> " "
                    {lang.pick(&r.name.zh, &r.name.en).to_string()}
                </label>
            }
        })
        .collect_view();
    let group_in = |code: &str| c.groups.iter().any(|x| x == code);
    let group_boxes = view
        .groups
        .iter()
        .filter(|g| g.active || group_in(&g.code))
        .map(|g| {
            view! {
                <label class="check">
                    <input type="checkbox" name="groups[]" value=g.code.clone() checked=group_in(&g.code) />
                    <span class="code">{g.code.clone()}</span> " "
                    {lang.pick(&g.name.zh, &g.name.en).to_string()}
                </label>
            }
        })
        .collect_view();
    let link_rows = view
        .groups
        .iter()
        .filter(|g| group_in(&g.code))
        .map(|g| {
            let testid = format!("links-{}", g.code);
            let (c1, c2, c3) = (g.code.clone(), g.code.clone(), g.code.clone());
            view! {
                <tr data-testid=testid>
                    <th scope="row">{lang.pick(&g.name.zh, &g.name.en).to_string()}</th>
                    <td>
                        <ActionForm action=actions.links attr:class="inline">
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="group" value=c1 />
                            <label class="inline-label">
                                <span class="visually-hidden">{t.link_count}</span>
                                <input type="number" name="count" value="10" min="1" max="10000" class="count" />
                            </label>
                            <button type="submit">{t.generate_links}</button>
                        </ActionForm>
                    </td>
                    <td>
                        <ActionForm action=actions.open attr:class="inline">
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="group" value=c2 />
                            <label class="inline-label">
                                <span class="visually-hidden">{t.open_link_cap}</span>
                                <input type="number" name="cap" min="1" max="1000000" class="count" placeholder="∞" title=t.open_link_cap />
                            </label>
                            <button type="submit">{t.make_open_link}</button>
                        </ActionForm>
                    </td>
                    <td>
                        <ActionForm action=actions.revoke attr:class="inline">
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="group" value=c3 />
                            <button type="submit" class="danger">{t.revoke_unused}</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let carry_problems = move || problems_of(actions.carry.value().get());
    let carry_section = match c.carried_from {
        Some(from) => {
            let source = view.confirmed.iter().find(|x| x.id == from);
            let carried = crate::domain::CarriedForward {
                from,
                name: source.map_or_else(|| format!("#{from}"), |x| x.name.clone()),
                year: source.map_or(0, |x| x.year),
                rationale: c.carry_rationale.clone().unwrap_or_default(),
            };
            Some(
                view! {
                    <section class="admin-form" data-testid="carried">
                        <h2>{t.carry_title}</h2>
                        <p>{t.carried(&carried)}</p>
                    </section>
                }
                .into_any(),
            )
        }
        None if c.status == CycleStatus::Draft
            && c.responses == 0
            && !view.confirmed.is_empty() =>
        {
            let options = view
                .confirmed
                .iter()
                .map(|x| view! { <option value=x.id>{format!("{} ({})", x.name, x.year)}</option> })
                .collect_view();
            Some(view! {
                <section class="admin-form" aria-labelledby="carry-title">
                    <h2 id="carry-title">{t.carry_title}</h2>
                    <p class="hint">{t.carry_body}</p>
                    <ActionForm action=actions.carry attr:class="grid-form" attr:data-testid="carry-form">
                        <input type="hidden" name="id" value=id />
                        <label>
                            <span>{t.carry_from}</span>
                            <select name="from">{options}</select>
                        </label>
                        {move || field_errors(&carry_problems(), "from")}
                        <label>
                            <span>{t.carry_rationale}</span>
                            <textarea name="rationale" rows="2" maxlength="2000"></textarea>
                        </label>
                        {move || field_errors(&carry_problems(), "rationale")}
                        <div class="actions">
                            <button type="submit">{t.carry_button}</button>
                        </div>
                    </ActionForm>
                </section>
            }
            .into_any())
        }
        None => None,
    };
    let settings_problems = Signal::derive(move || problems_of(actions.update.value().get()));
    let topic_problems = move || problems_of(actions.topics.value().get());
    let group_problems = move || problems_of(actions.groups.value().get());
    let link_problems = move || {
        let mut p = problems_of(actions.links.value().get());
        p.extend(problems_of(actions.open.value().get()));
        p.extend(problems_of(actions.revoke.value().get()));
        p
    };
    let new_links = move || match (actions.links.value().get(), actions.open.value().get()) {
        (Some(Ok(l)), _) | (_, Some(Ok(l))) => Some(l),
        _ => None,
    };
    view! {
        <h1>{c.settings.name.clone()}</h1>
        <p class="cycle-status" data-testid="cycle-status">
            {t.col_status} ": " <strong>{status_name(t, c.status)}</strong>
            " · " {t.responses} ": " {c.responses}
            " · " <a href=format!("/admin/cycles/{id}/progress")>{t.progress_title}</a>
            " · " <a href=format!("/admin/cycles/{id}/mail") data-testid="mail-link">{lang.mail().link}</a>
            " · " <a href=format!("/cycles/{id}/matrix")>{t.matrix_title}</a>
            " · " <a href=format!("/cycles/{id}/review")>{t.review_title}</a>
            " · " <a href=format!("/admin/cycles/{id}/register") data-testid="register-link">{lang.dm().register_title}</a>
        </p>
        {frozen.then(|| view! { <p class="frozen-note" role="note" data-testid="frozen">{t.frozen_note}</p> })}
        <section class="admin-form">
            <h2>{t.col_status}</h2>
            <p class="hint">{t.status_help}</p>
            <div class="actions">
                {moves}
                {(c.responses == 0).then(|| view! {
                    <ActionForm action=actions.delete attr:class="inline">
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="danger">{t.delete_cycle}</button>
                    </ActionForm>
                })}
            </div>
            {move || field_errors(&status_problems(), "status")}
            {move || field_errors(&status_problems(), "topics")}
            {move || field_errors(&status_problems(), "groups")}
            {move || field_errors(&status_problems(), "cycle")}
        </section>
        {carry_section}
        <section class="admin-form">
            <h2>{t.topics_title} " (" {c.topics.len()} ")"</h2>
            {frozen.then(|| view! { <p class="hint">{t.frozen_topics}</p> })}
            <ActionForm action=actions.topics attr:data-testid="cycle-topics">
                <input type="hidden" name="id" value=id />
                <div class="checks">{topic_boxes}</div>
                {move || field_errors(&topic_problems(), "topics")}
                {(!frozen).then(|| view! { <button type="submit">{t.save_topics}</button> })}
            </ActionForm>
        </section>
        <section class="admin-form">
            <h2>{t.groups_title} " (" {c.groups.len()} ")"</h2>
            <ActionForm action=actions.groups attr:data-testid="cycle-groups">
                <input type="hidden" name="id" value=id />
                <div class="checks">{group_boxes}</div>
                {move || field_errors(&group_problems(), "groups")}
                <button type="submit">{t.save_groups}</button>
            </ActionForm>
        </section>
        <section class="admin-form">
            <h2>{t.links_title}</h2>
            <p class="hint">{t.links_help}</p>
            <table class="stats" data-testid="links">
                <caption class="visually-hidden">{t.links_title}</caption>
                <tbody>{link_rows}</tbody>
            </table>
            {move || field_errors(&link_problems(), "count")}
            {move || field_errors(&link_problems(), "group")}
            {move || actions.revoke.value().get().and_then(|r| r.ok()).map(|n| view! {
                <p role="status" data-testid="revoked">{t.revoked_n.replace("{n}", &n.to_string())}</p>
            })}
            {move || new_links().map(|l| view! { <LinkList links=l /> })}
            <ActionForm action=actions.revoke_one attr:class="inline revoke-one">
                <input type="hidden" name="id" value=id />
                <label>
                    <span>{t.revoke_one}</span>
                    <input type="text" name="link" />
                </label>
                <button type="submit" class="danger">{t.revoke}</button>
            </ActionForm>
            {move || match actions.revoke_one.value().get() {
                Some(Ok(())) => Some(view! { <p role="status">{t.link_revoked}</p> }.into_any()),
                Some(Err(AppError::Refused(_))) => Some(view! { <p class="field-error" role="alert">{t.link_not_revocable}</p> }.into_any()),
                _ => None,
            }}
        </section>
        <section class="admin-form">
            <h2>{t.settings_title}</h2>
            <ActionForm action=actions.update attr:class="grid-form" attr:data-testid="settings-form">
                <input type="hidden" name="id" value=id />
                <SettingsFields form=CycleForm::from(&c.settings) frozen problems=settings_problems />
                <div class="actions">
                    <button type="submit">{t.save}</button>
                </div>
            </ActionForm>
            {move || matches!(actions.update.value().get(), Some(Ok(()))).then(|| view! { <p role="status">{t.saved}</p> })}
        </section>
    }
    .into_any()
}

/// New links, shown once: as a list and as a CSV file for a mail merge.
#[component]
fn LinkList(links: NewLinks) -> impl IntoView {
    let t = use_lang().t();
    let csv = csv_document(
        &["group", "link"],
        links
            .links
            .iter()
            .map(|l| [links.group.as_str(), l.as_str()]),
    );
    let href = format!("data:text/csv;charset=utf-8,{}", percent_encode(&csv));
    let file = format!("links-{}.csv", links.group);
    let items = links
        .links
        .iter()
        .map(|l| view! { <li><code>{l.clone()}</code></li> })
        .collect_view();
    view! {
        <div class="new-links" role="status" data-testid="new-links">
            <p>{if links.open { t.open_link_once } else { t.links_once }}</p>
            <p><a href=href download=file data-testid="links-csv" rel="external">{t.download_csv}</a></p>
            <ol>{items}</ol>
        </div>
    }
    .into_any()
}

/// A response rate for a table cell, or a dash before any link exists.
fn rate_text(g: &GroupProgress) -> String {
    g.rate()
        .map(|r| format!("{r:.0}%"))
        .unwrap_or_else(|| fmt2(None))
}

#[component]
pub fn ProgressPage() -> impl IntoView {
    let t = use_lang().t();
    let id = crate::components::cycle_id();
    // Bumped every few seconds in the browser: the figures follow responses as they arrive.
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || tick.update(|v| *v += 1),
            std::time::Duration::from_secs(5),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    let data = Resource::new(
        move || (id(), tick.get()),
        |(id, _)| async move {
            match id {
                Some(id) => cycle_progress(id).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    view! {
        <Header />
        <main class="page wide admin">
            <AdminNav />
            <h1>{t.progress_title}</h1>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => refusal(e, t.progress_title, format!("/admin/cycles/{}/progress", id().unwrap_or_default())),
                        Ok(p) => {
                            let k = p.k;
                            let sum = |f: fn(&GroupProgress) -> i64| p.groups.iter().map(f).sum::<i64>();
                            let total = GroupProgress {
                                code: String::new(),
                                name: Default::default(),
                                invited: sum(|g| g.invited),
                                opened: sum(|g| g.opened),
                                submitted: sum(|g| g.submitted),
                                revoked: sum(|g| g.revoked),
                                open_link: false,
                            };
                            let rows = p
                                .groups
                                .into_iter()
                                .map(|g| {
                                    let lang = use_lang();
                                    view! {
                                        <tr data-testid=format!("progress-{}", g.code)>
                                            <th scope="row">{lang.pick(&g.name.zh, &g.name.en).to_string()}</th>
                                            <td class="num" data-col="invited">{g.invited}</td>
                                            <td class="num" data-col="opened">{g.opened}</td>
                                            <td class="num" data-col="submitted">{g.submitted}</td>
                                            <td class="num">{rate_text(&g)}</td>
                                            <td class="num" data-col="needed">{g.needed(k)}</td>
                                            <td>{if g.open_link { t.yes } else { t.no }}</td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            view! {
                                <p class="cycle-name">{p.name.clone()}</p>
                                <p class="hint">{t.progress_help.replace("{k}", &k.to_string())}</p>
                                <div class="table-wrap" tabindex="0" role="region" aria-label=t.progress_title>
                                    <table class="stats" data-testid="progress" aria-live="polite">
                                        <caption>{t.progress_title}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t.col_group}</th>
                                                <th scope="col">{t.col_invited}</th>
                                                <th scope="col">{t.col_opened}</th>
                                                <th scope="col">{t.col_submitted}</th>
                                                <th scope="col">{t.col_rate}</th>
                                                <th scope="col">{t.col_needed}</th>
                                                <th scope="col">{t.col_open_link}</th>
                                            </tr>
                                        </thead>
                                        <tbody>{rows}</tbody>
                                        <tfoot>
                                            <tr>
                                                <th scope="row">{t.total}</th>
                                                <td class="num">{total.invited}</td>
                                                <td class="num">{total.opened}</td>
                                                <td class="num" data-testid="total-submitted">{total.submitted}</td>
                                                <td class="num">{rate_text(&total)}</td>
                                                <td></td>
                                                <td></td>
                                            </tr>
                                        </tfoot>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </main>
    }
    .into_any()
}
