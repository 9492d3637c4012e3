//! A cycle's e-mail page (`/admin/cycles/{id}/mail`): live progress, sending, recipients (pasted,
//! checked line by line, added all or none; erased on request), the organisation and reminder
//! schedule, and the four message templates with preview and test message. Every form is a plain
//! form that works without JavaScript.

use crate::api::mail::{
    mail_progress, mail_view, EraseRecipient, ListOutcome, MailFigures, MailPageData,
    RecipientList, SaveMailSettings, SendMail, TemplateAction, TemplateOutcome,
};
use crate::components::{
    field_errors, problems_of, refusal, success_version, textarea_text, AdminNav, AdminTable,
    Header,
};
use crate::domain::mail::{CycleTemplate, MailGroup, RecipientItem};
use crate::i18n::Lang;
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn MailPage() -> impl IntoView {
    let lang = use_lang();
    let m = lang.mail();
    let id = crate::components::cycle_id();
    let list = ServerAction::<RecipientList>::new();
    let erase = ServerAction::<EraseRecipient>::new();
    let settings = ServerAction::<SaveMailSettings>::new();
    let send = ServerAction::<SendMail>::new();
    let (erased, saved, sent) = (
        success_version(erase),
        success_version(settings),
        success_version(send),
    );
    // A check of a list succeeds too, but only an addition changes the page; and what was typed
    // must outlive the page's refetch.
    let added = RwSignal::new(0usize);
    let typed = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(
            list.value().get(),
            Some(Ok(ListOutcome { added: Some(_), .. }))
        ) {
            added.update(|n| *n += 1);
            typed.set(String::new());
        }
    });
    let data = Resource::new(
        move || (id(), added.get(), erased.get(), saved.get(), sent.get()),
        |(id, ..)| async move {
            match id {
                Some(id) => mail_view(id).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    let actions = Actions {
        list,
        erase,
        settings,
        send,
        typed,
    };
    view! {
        <Header />
        <main class="page wide admin">
            <AdminNav />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <Mail view actions /> }.into_any(),
                        Err(e) => refusal(e, m.title, format!("/admin/cycles/{}/mail", id().unwrap_or_default())),
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct Actions {
    list: ServerAction<RecipientList>,
    erase: ServerAction<EraseRecipient>,
    settings: ServerAction<SaveMailSettings>,
    send: ServerAction<SendMail>,
    /// The list box's text.
    typed: RwSignal<String>,
}

#[component]
fn Mail(view: MailPageData, actions: Actions) -> impl IntoView {
    let lang = use_lang();
    let m = lang.mail();
    let t = lang.t();
    let id = crate::components::cycle_id();
    let cycle = id().unwrap_or_default();
    let notes = [
        (!view.mail_on).then_some(m.off),
        (!view.accepting && !view.frozen).then_some(m.not_accepting),
        view.frozen.then_some(m.frozen),
    ]
    .into_iter()
    .flatten()
    .map(|n| view! { <p class="frozen-note" role="note">{n}</p> })
    .collect_view();
    let privacy = m
        .privacy
        .iter()
        .map(|p| view! { <li>{*p}</li> })
        .collect_view();
    view! {
        <h1>{m.title} " · " {view.name.clone()}</h1>
        <p><a href=format!("/admin/cycles/{cycle}")>{t.cycles_title}</a></p>
        {notes}
        <Progress cycle initial=view.progress.clone() />
        {(!view.frozen).then(|| view! { <Send cycle actions /> })}
        {(!view.frozen).then(|| view! { <AddRecipients cycle groups=view.progress.groups.clone() actions /> })}
        <Recipients cycle items=view.recipients.clone() frozen=view.frozen actions />
        {(!view.frozen).then(|| view! { <Settings cycle view=view.clone() actions /> })}
        {(!view.frozen).then(|| view! { <Templates cycle templates=view.templates.clone() /> })}
        <section class="admin-form" aria-labelledby="privacy-title">
            <h2 id="privacy-title">{m.privacy_title}</h2>
            <ul data-testid="mail-privacy">{privacy}</ul>
        </section>
    }
    .into_any()
}

/// The figures, fetched again every few seconds in the browser.
#[component]
fn Progress(cycle: i64, initial: MailFigures) -> impl IntoView {
    let lang = use_lang();
    let m = lang.mail();
    let t = lang.t();
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || tick.update(|v| *v += 1),
            std::time::Duration::from_secs(3),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    let live = Resource::new(
        move || tick.get(),
        move |n| {
            let initial = initial.clone();
            async move {
                if n == 0 {
                    Ok(initial)
                } else {
                    mail_progress(cycle).await
                }
            }
        },
    );
    view! {
        <section class="admin-form" aria-labelledby="mail-progress-title">
            <h2 id="mail-progress-title">{m.progress_title}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let p = match live.await {
                        Ok(p) => p,
                        Err(_) => return ().into_any(),
                    };
                    let q = p.queue.clone();
                    let total = q.sent + q.failed + q.waiting;
                    let line = m
                        .queue_line
                        .replace("{sent}", &q.sent.to_string())
                        .replace("{failed}", &q.failed.to_string())
                        .replace("{waiting}", &q.waiting.to_string());
                    let rows = p
                        .groups
                        .iter()
                        .filter(|g| g.recipients > 0)
                        .map(|g| {
                            view! {
                                <tr data-testid=format!("mail-{}", g.code)>
                                    <th scope="row">{lang.pick(&g.name.zh, &g.name.en).to_string()}</th>
                                    <td class="num" data-col="recipients">{g.recipients}</td>
                                    <td class="num" data-col="emailed">{g.emailed}</td>
                                    <td class="num" data-col="opened">{g.opened}</td>
                                    <td class="num" data-col="answered">{g.answered}</td>
                                    <td class="num" data-col="bounced">{g.bounced}</td>
                                    <td class="num" data-col="opted_out">{g.opted_out}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    let failures = (!p.failures.is_empty()).then(|| {
                        let items = p
                            .failures
                            .iter()
                            .map(|f| {
                                view! {
                                    <tr>
                                        <td>{f.to.clone().unwrap_or_else(|| m.erased.to_string())}</td>
                                        <td>{m.kind(f.kind)}</td>
                                        <td>{f.reply.clone()}</td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-label=m.failures_title>
                                <table class="stats" data-testid="mail-failures">
                                    <caption>{m.failures_title}</caption>
                                    <thead><tr>
                                        <th scope="col">{m.col_address}</th>
                                        <th scope="col">{m.col_kind}</th>
                                        <th scope="col">{m.col_reply}</th>
                                    </tr></thead>
                                    <tbody>{items}</tbody>
                                </table>
                            </div>
                        }
                    });
                    view! {
                        <p>
                            <progress max=total.max(1) value=q.sent aria-label=m.progress_title></progress>
                            " " <span role="status" data-testid="mail-queue">{line}</span>
                        </p>
                        <div class="table-wrap" tabindex="0" role="region" aria-label=m.by_group>
                            <table class="stats" data-testid="mail-progress">
                                <caption>{m.by_group}</caption>
                                <thead><tr>
                                    <th scope="col">{t.col_group}</th>
                                    <th scope="col">{m.col_recipients}</th>
                                    <th scope="col">{m.col_emailed}</th>
                                    <th scope="col">{m.col_opened}</th>
                                    <th scope="col">{m.col_answered}</th>
                                    <th scope="col">{m.col_bounced}</th>
                                    <th scope="col">{m.col_opted_out}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                        {failures}
                    }
                    .into_any()
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Send(cycle: i64, actions: Actions) -> impl IntoView {
    let m = use_lang().mail();
    let result = move || {
        match actions.send.value().get() {
        Some(Ok(n)) => Some(view! { <p role="status" data-testid="mail-queued">{m.queued.replace("{n}", &n.to_string())}</p> }.into_any()),
        Some(Err(e)) => Some(field_errors(&problems_of(Some(Err::<(), _>(e))), "cycle").into_any()),
        None => None,
    }
    };
    view! {
        <section class="admin-form" aria-labelledby="mail-send-title">
            <h2 id="mail-send-title">{m.send_title}</h2>
            <div class="actions">
                <ActionForm action=actions.send attr:class="inline">
                    <input type="hidden" name="id" value=cycle />
                    <input type="hidden" name="what" value="invitations" />
                    <button type="submit" data-testid="send-invitations">{m.send_invitations}</button>
                </ActionForm>
                <ActionForm action=actions.send attr:class="inline">
                    <input type="hidden" name="id" value=cycle />
                    <input type="hidden" name="what" value="reminders" />
                    <button type="submit" data-testid="send-reminders">{m.send_reminders}</button>
                </ActionForm>
            </div>
            {result}
        </section>
    }
}

#[component]
fn AddRecipients(cycle: i64, groups: Vec<MailGroup>, actions: Actions) -> impl IntoView {
    let lang = use_lang();
    let m = lang.mail();
    let t = lang.t();
    let outcome = move || actions.list.value().get();
    let typed = actions.typed;
    let options = groups
        .iter()
        .map(|g| {
            let label = format!("{} {}", g.code, lang.pick(&g.name.zh, &g.name.en));
            view! { <option value=g.code.clone()>{label}</option> }
        })
        .collect_view();
    let preview = move || {
        let o: ListOutcome = match outcome() {
            Some(Ok(o)) => o,
            Some(Err(e)) => {
                return Some(field_errors(&problems_of(Some(Err::<(), _>(e))), "cycle").into_any())
            }
            None => return None,
        };
        if let Some(n) = o.added {
            return Some(view! { <p role="status" data-testid="recipients-added">{m.added.replace("{n}", &n.to_string())}</p> }.into_any());
        }
        let p = o.preview;
        let file = p
            .file_problem
            .as_ref()
            .map(|f| view! { <p class="field-error" role="alert">{t.problem(f.problem)}</p> });
        let ok = p.ok();
        let rows = p
            .rows
            .iter()
            .map(|r| {
                let problems = r
                    .problems
                    .iter()
                    .map(|q| format!("{}: {}", q.field, t.problem(q.problem)))
                    .collect::<Vec<_>>()
                    .join("; ");
                let bad = !r.problems.is_empty();
                view! {
                    <tr class:row-problem=bad data-testid=format!("list-line-{}", r.line)>
                        <td class="num">{r.line}</td>
                        <td>{r.email.clone()}</td>
                        <td>{r.lang.clone()}</td>
                        <td>{r.name.clone()}</td>
                        <td>{r.group.clone()}</td>
                        <td>{problems}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(
            view! {
                <div data-testid="list-preview">
                    {file}
                    <p role="status">{if ok { m.list_ok } else { m.list_problems }}</p>
                    <div class="table-wrap" tabindex="0" role="region" aria-label=m.preview_list>
                        <table class="stats">
                            <caption>{m.preview_list}</caption>
                            <thead><tr>
                                <th scope="col">{m.col_line}</th>
                                <th scope="col">{m.col_email}</th>
                                <th scope="col">{m.col_lang}</th>
                                <th scope="col">{m.col_name}</th>
                                <th scope="col">{t.col_group}</th>
                                <th scope="col">{m.col_problems}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </div>
            }
            .into_any(),
        )
    };
    view! {
        <section class="admin-form" aria-labelledby="mail-add-title">
            <h2 id="mail-add-title">{m.add_title}</h2>
            <p class="hint" id="list-help">{m.add_help}</p>
            <ActionForm action=actions.list attr:class="grid-form" attr:data-testid="recipient-form">
                <input type="hidden" name="id" value=cycle />
                <label for="list-group">{m.default_group}</label>
                <select id="list-group" name="group">
                    <option value="">{m.no_default_group}</option>
                    {options}
                </select>
                <label for="list-text">{m.list_label}</label>
                <textarea id="list-text" name="list" rows="8" aria-describedby="list-help"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))></textarea>
                <div class="actions">
                    <button type="submit" name="add" value="" data-testid="check-list">{m.preview_list}</button>
                    <button type="submit" name="add" value="1" data-testid="add-list">{m.add_all}</button>
                </div>
            </ActionForm>
            {preview}
        </section>
    }
}

fn state_of(r: &RecipientItem, m: &crate::i18n::mail::MailText) -> String {
    let mut s = Vec::new();
    for (on, word) in [
        (r.answered, m.col_answered),
        (r.opened && !r.answered, m.col_opened),
        (r.emailed && !r.opened && !r.answered, m.col_emailed),
        (r.bounced, m.col_bounced),
        (r.opted_out, m.col_opted_out),
        (r.waiting, m.state_waiting),
    ] {
        if on {
            s.push(word);
        }
    }
    s.join(", ")
}

#[component]
fn Recipients(
    cycle: i64,
    items: Vec<RecipientItem>,
    frozen: bool,
    actions: Actions,
) -> impl IntoView {
    let lang = use_lang();
    let m = lang.mail();
    let t = lang.t();
    if items.is_empty() {
        return view! {
            <section class="admin-form" aria-labelledby="mail-recipients-title">
                <h2 id="mail-recipients-title">{m.recipients_title}</h2>
                <p>{m.no_recipients}</p>
            </section>
        }
        .into_any();
    }
    let rows = items
        .into_iter()
        .map(|r| {
            let erase = (!frozen && r.email.is_some()).then(|| {
                let label = format!("{}: {}", m.erase, r.email.clone().unwrap_or_default());
                view! {
                    <ActionForm action=actions.erase attr:class="inline">
                        <input type="hidden" name="id" value=cycle />
                        <input type="hidden" name="recipient" value=r.id />
                        <button type="submit" class="secondary" aria-label=label>{m.erase}</button>
                    </ActionForm>
                }
            });
            view! {
                <tr>
                    <td>{r.email.clone().unwrap_or_else(|| m.erased.to_string())}</td>
                    <td>{r.name.clone()}</td>
                    <td>{r.lang.clone()}</td>
                    <td>{r.group.clone()}</td>
                    <td>{state_of(&r, m)}</td>
                    <td class="num">{r.reminders}</td>
                    <td>{erase}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="admin-form" aria-labelledby="mail-recipients-title">
            <h2 id="mail-recipients-title">{m.recipients_title}</h2>
            <AdminTable
                caption=m.recipients_title
                testid="recipients"
                columns=vec![m.col_email, m.col_name, m.col_lang, t.col_group, m.col_state, m.col_reminders]
            >
                {rows}
            </AdminTable>
        </section>
    }
    .into_any()
}

#[component]
fn Settings(cycle: i64, view: MailPageData, actions: Actions) -> impl IntoView {
    let lang = use_lang();
    let m = lang.mail();
    let s = view.settings;
    let problems = move || problems_of(actions.settings.value().get());
    let field = move |name: &'static str| move || field_errors(&problems(), name);
    view! {
        <section class="admin-form" aria-labelledby="mail-settings-title">
            <h2 id="mail-settings-title">{m.settings_title}</h2>
            <p class="hint" id="schedule-help">{m.schedule_help}</p>
            <ActionForm action=actions.settings attr:class="grid-form" attr:data-testid="mail-settings">
                <input type="hidden" name="id" value=cycle />
                <label for="org-zh">{m.organisation_zh}</label>
                <input id="org-zh" name="organisation_zh" value=s.organisation.zh.clone() />
                {field("organisation_zh")}
                <label for="org-en">{m.organisation_en}</label>
                <input id="org-en" name="organisation_en" value=s.organisation.en.clone() />
                {field("organisation_en")}
                <label for="remind-from">{m.remind_from}</label>
                <input id="remind-from" name="remind_from" value=s.remind_from.clone().unwrap_or_default() aria-describedby="schedule-help" />
                {field("remind_from")}
                <label for="remind-max">{m.remind_max}</label>
                <input id="remind-max" name="remind_max" inputmode="numeric" value=s.remind_max />
                {field("remind_max")}
                <label for="remind-gap">{m.remind_gap}</label>
                <input id="remind-gap" name="remind_gap_days" inputmode="numeric" value=s.remind_gap_days />
                {field("remind_gap_days")}
                <div class="actions"><button type="submit">{m.save}</button></div>
            </ActionForm>
        </section>
    }
}

#[component]
fn Templates(cycle: i64, templates: Vec<CycleTemplate>) -> impl IntoView {
    let m = use_lang().mail();
    let forms = templates
        .into_iter()
        .map(|ct| view! { <TemplateForm cycle ct /> })
        .collect_view();
    view! {
        <section class="admin-form" aria-labelledby="mail-templates-title">
            <h2 id="mail-templates-title">{m.templates_title}</h2>
            <p class="hint">{m.templates_help}</p>
            {forms}
        </section>
    }
}

#[component]
fn TemplateForm(cycle: i64, ct: CycleTemplate) -> impl IntoView {
    let m = use_lang().mail();
    // One action per form: its outcome shows under it.
    let action = ServerAction::<TemplateAction>::new();
    let kind = ct.kind;
    let lang = ct.lang;
    let key = format!(
        "{}-{}",
        kind.as_str(),
        if lang == Lang::Zh { "zh" } else { "en" }
    );
    let title = format!(
        "{} · {} ({})",
        m.kind(kind),
        if lang == Lang::Zh {
            m.lang_zh
        } else {
            m.lang_en
        },
        if ct.default { m.builtin } else { m.own }
    );
    let outcome = move || {
        match action.value().get()? {
            Ok(TemplateOutcome::Saved | TemplateOutcome::Reset) => Some(view! { <p role="status">{m.saved}</p> }.into_any()),
            Ok(TemplateOutcome::TestQueued(to)) => Some(view! { <p role="status" data-testid="test-queued">{m.test_queued.replace("{to}", &to)}</p> }.into_any()),
            Ok(TemplateOutcome::Preview(r)) => Some(
                view! {
                    <div class="mail-preview" data-testid="mail-preview">
                        <h4>{m.preview_title}</h4>
                        <p><strong>{m.subject} ": "</strong>{r.subject}</p>
                        <pre>{r.text}</pre>
                    </div>
                }
                .into_any(),
            ),
            Err(e) => {
                let p = problems_of(Some(Err::<(), _>(e)));
                Some(view! { {field_errors(&p, "subject")} {field_errors(&p, "body")} }.into_any())
            }
        }
    };
    let subject_id = format!("subject-{key}");
    let body_id = format!("body-{key}");
    view! {
        <h3 id=format!("template-{key}")>{title}</h3>
        <ActionForm action attr:class="grid-form" attr:data-testid=format!("template-{key}")>
            <input type="hidden" name="id" value=cycle />
            <input type="hidden" name="kind" value=kind.as_str() />
            <input type="hidden" name="lang" value=if lang == Lang::Zh { "zh" } else { "en" } />
            <label for=subject_id.clone()>{m.subject}</label>
            <input id=subject_id name="subject" value=ct.template.subject.clone() />
            <label for=body_id.clone()>{m.body}</label>
            <textarea id=body_id name="body" rows="10">{textarea_text(&ct.template.body)}</textarea>
            <div class="actions">
                <button type="submit" name="op" value="preview" class="secondary">{m.preview}</button>
                <button type="submit" name="op" value="save">{m.save}</button>
                <button type="submit" name="op" value="test" class="secondary">{m.test}</button>
                <button type="submit" name="op" value="reset" class="secondary">{m.reset}</button>
            </div>
        </ActionForm>
        {outcome}
    }
}
