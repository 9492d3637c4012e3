//! The topic library: list, add, edit, reorder, retire, restore, delete; custom categories; import
//! (preview first, then all or nothing), export and presets.

use crate::api::admin::{
    import_topics, library, preset, preview_import, DeleteTopic, MoveTopic, SaveCategory,
    SaveTopic, SetTopicActive,
};
use crate::api::AppError;
use crate::components::{
    editing_until_saved, field_errors, problems_of, refusal, AdminNav, AdminTable, Header,
};
use crate::domain::{Category, CustomCategory, ImportPreview, TopicRecord, TopicRow};
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn TopicsPage() -> impl IntoView {
    let t = use_lang().t();
    let save = ServerAction::<SaveTopic>::new();
    let toggle = ServerAction::<SetTopicActive>::new();
    let reorder = ServerAction::<MoveTopic>::new();
    let delete = ServerAction::<DeleteTopic>::new();
    let save_category = ServerAction::<SaveCategory>::new();
    let import = ImportState::new();
    let imported = import.imported;
    let data = Resource::new(
        move || {
            (
                save.version().get(),
                toggle.version().get(),
                reorder.version().get(),
                delete.version().get(),
                save_category.version().get(),
                imported.get(),
            )
        },
        |_| library(),
    );
    // The topic and category being edited; None: the forms add new ones.
    let editing =
        editing_until_saved::<TopicRecord>(move || matches!(save.value().get(), Some(Ok(()))));
    let editing_category = editing_until_saved::<CustomCategory>(move || {
        matches!(save_category.value().get(), Some(Ok(())))
    });
    view! {
        <Header />
        <main class="page wide admin">
            <AdminNav />
            <h1>{t.topics_title}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => refusal(e, t.topics_title, "/admin/topics".into()),
                        Ok(lib) => {
                            let categories = lib.categories.clone();
                            view! {
                                <TopicTable rows=lib.topics.clone() categories=categories.clone() editing toggle reorder delete />
                                {move || {
                                    let p = problems_of(delete.value().get());
                                    (!p.is_empty()).then(|| view! { <p class="field-error" role="alert">{t.topic_has_answers}</p> })
                                }}
                                <TopicForm save editing categories=categories.clone() />
                                <CategorySection categories save_category editing=editing_category />
                                <ImportSection state=import />
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

#[component]
fn TopicTable(
    rows: Vec<TopicRow>,
    categories: Vec<CustomCategory>,
    editing: RwSignal<Option<TopicRecord>>,
    toggle: ServerAction<SetTopicActive>,
    reorder: ServerAction<MoveTopic>,
    delete: ServerAction<DeleteTopic>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let last = rows.len().saturating_sub(1);
    let body = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let r = row.record.clone();
            let code = r.code.clone();
            let custom = r.custom_category.as_ref().and_then(|c| {
                categories.iter().find(|k| &k.code == c).map(|k| {
                    let name = lang.pick(&k.name.zh, &k.name.en).to_string();
                    view! {
                        <span class="swatch" style=format!("background:{}", k.colour) aria-hidden="true"></span>
                        {name}
                    }
                })
            });
            let record = r.clone();
            let testid = format!("topic-{code}");
            let (up, down, toggled, deleted) = (code.clone(), code.clone(), code.clone(), code.clone());
            let (up_label, down_label) = (format!("{} {code}", t.move_up), format!("{} {code}", t.move_down));
            view! {
                <tr data-testid=testid class:retired=!r.active>
                    <td class="order">
                        <ActionForm action=reorder attr:class="inline">
                            <input type="hidden" name="code" value=up />
                            <input type="hidden" name="up" value="true" />
                            <button type="submit" disabled=i == 0 aria-label=up_label>"↑"</button>
                        </ActionForm>
                        <ActionForm action=reorder attr:class="inline">
                            <input type="hidden" name="code" value=down />
                            <input type="hidden" name="up" value="false" />
                            <button type="submit" disabled=i == last aria-label=down_label>"↓"</button>
                        </ActionForm>
                    </td>
                    <th scope="row">{code}</th>
                    <td>
                        <span class=format!("badge cat-{}", r.category.as_str())>{t.category(r.category)}</span>
                        {custom}
                    </td>
                    <td lang="zh-CN">{r.name.zh.clone()}</td>
                    <td lang="en">{r.name.en.clone()}</td>
                    <td>{if r.active { t.active } else { t.retired }}</td>
                    <td class="actions">
                        <button type="button" on:click=move |_| editing.set(Some(record.clone()))>{t.edit}</button>
                        <ActionForm action=toggle attr:class="inline">
                            <input type="hidden" name="code" value=toggled />
                            <input type="hidden" name="active" value=if r.active { "false" } else { "true" } />
                            <button type="submit">{if r.active { t.retire } else { t.restore }}</button>
                        </ActionForm>
                        {if row.answered {
                            view! { <span class="hint">{t.answered_retire_only}</span> }.into_any()
                        } else {
                            view! {
                                <ActionForm action=delete attr:class="inline">
                                    <input type="hidden" name="code" value=deleted />
                                    <button type="submit" class="danger">{t.delete}</button>
                                </ActionForm>
                            }
                                .into_any()
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AdminTable caption=t.topics_caption testid="topics" columns=vec![t.col_order, t.col_code, t.col_category, t.name_zh, t.name_en, t.col_state]>
            {body}
        </AdminTable>
    }
    .into_any()
}

#[component]
fn TopicForm(
    save: ServerAction<SaveTopic>,
    editing: RwSignal<Option<TopicRecord>>,
    categories: Vec<CustomCategory>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let problems = move || problems_of(save.value().get());
    move || {
        let current = editing.get();
        let r = current.clone().unwrap_or(TopicRecord {
            code: String::new(),
            category: Category::E,
            custom_category: None,
            name: Default::default(),
            description: Default::default(),
            active: true,
        });
        let original = current.as_ref().map(|c| c.code.clone()).unwrap_or_default();
        let heading = match &current {
            Some(c) => format!("{} {}", t.edit_topic, c.code),
            None => t.add_topic.to_string(),
        };
        let custom_options = categories
            .iter()
            .map(|c| {
                let selected = r.custom_category.as_deref() == Some(c.code.as_str());
                let name = lang.pick(&c.name.zh, &c.name.en).to_string();
                view! { <option value=c.code.clone() selected=selected>{name}</option> }
            })
            .collect_view();
        view! {
            <section class="admin-form" aria-labelledby="topic-form-title">
                <h2 id="topic-form-title">{heading}</h2>
                <ActionForm action=save attr:class="grid-form" attr:data-testid="topic-form">
                    <input type="hidden" name="original" value=original />
                    <label>
                        <span>{t.col_code}</span>
                        <input type="text" name="topic[code]" value=r.code.clone() required maxlength="16" />
                    </label>
                    {move || field_errors(&problems(), "code")}
                    <label>
                        <span>{t.col_category}</span>
                        <select name="topic[category]">
                            {Category::ALL.map(|c| view! { <option value=c.as_str() selected=c == r.category>{t.category(c)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{t.custom_category}</span>
                        <select name="topic[custom_category]">
                            <option value="">{t.none}</option>
                            {custom_options}
                        </select>
                    </label>
                    {move || field_errors(&problems(), "custom_category")}
                    <label>
                        <span>{t.name_zh}</span>
                        <input type="text" name="topic[name_zh]" lang="zh-CN" value=r.name.zh.clone() />
                    </label>
                    {move || field_errors(&problems(), "name_zh")}
                    <label>
                        <span>{t.name_en}</span>
                        <input type="text" name="topic[name_en]" lang="en" value=r.name.en.clone() />
                    </label>
                    {move || field_errors(&problems(), "name_en")}
                    <label>
                        <span>{t.description_zh}</span>
                        <textarea name="topic[description_zh]" lang="zh-CN" rows="2" prop:value=r.description.zh.clone()></textarea>
                    </label>
                    {move || field_errors(&problems(), "description_zh")}
                    <label>
                        <span>{t.description_en}</span>
                        <textarea name="topic[description_en]" lang="en" rows="2" prop:value=r.description.en.clone()></textarea>
                    </label>
                    {move || field_errors(&problems(), "description_en")}
                    <input type="hidden" name="topic[active]" value=r.active.to_string() />
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

#[component]
fn CategorySection(
    categories: Vec<CustomCategory>,
    save_category: ServerAction<SaveCategory>,
    editing: RwSignal<Option<CustomCategory>>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let problems = move || problems_of(save_category.value().get());
    let list = categories
        .into_iter()
        .map(|c| {
            let testid = format!("category-{}", c.code);
            let record = c.clone();
            view! {
                <li data-testid=testid>
                    <span class="swatch" style=format!("background:{}", c.colour) aria-hidden="true"></span>
                    <strong>{c.code.clone()}</strong>
                    " " {c.name.zh.clone()} " / " {c.name.en.clone()} " " <code>{c.colour.clone()}</code> " "
                    <button type="button" on:click=move |_| editing.set(Some(record.clone()))>{t.edit}</button>
                </li>
            }
        })
        .collect_view();
    let form = move || {
        let current = editing.get();
        let is_new = current.is_none();
        let c = current.unwrap_or(CustomCategory {
            code: String::new(),
            name: Default::default(),
            colour: "#cc79a7".into(),
        });
        view! {
            <ActionForm action=save_category attr:class="grid-form" attr:data-testid="category-form">
                <input type="hidden" name="is_new" value=is_new.to_string() />
                <label>
                    <span>{t.col_code}</span>
                    <input type="text" name="category[code]" value=c.code.clone() required maxlength="16" readonly=!is_new />
                </label>
                {move || field_errors(&problems(), "code")}
                <label>
                    <span>{t.name_zh}</span>
                    <input type="text" name="category[name][zh]" lang="zh-CN" value=c.name.zh.clone() />
                </label>
                {move || field_errors(&problems(), "name_zh")}
                <label>
                    <span>{t.name_en}</span>
                    <input type="text" name="category[name][en]" lang="en" value=c.name.en.clone() />
                </label>
                {move || field_errors(&problems(), "name_en")}
                <label>
                    <span>{t.colour}</span>
                    <input type="color" name="category[colour]" value=c.colour.clone() />
                </label>
                {move || field_errors(&problems(), "colour")}
                <div class="actions">
                    <button type="submit">{if is_new { t.add_category } else { t.save }}</button>
                    {(!is_new).then(|| view! {
                        <button type="button" on:click=move |_| editing.set(None)>{t.cancel}</button>
                    })}
                </div>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <section class="admin-form" aria-labelledby="categories-title">
            <h2 id="categories-title">{t.custom_categories}</h2>
            <p class="hint">{t.custom_categories_help}</p>
            <ul class="categories">{list}</ul>
            {form}
        </section>
    }
    .into_any()
}

/// Reads a chosen file's text into the import box (browser only).
#[cfg(feature = "hydrate")]
fn read_file(ev: leptos::ev::Event, into: RwSignal<String>) {
    use wasm_bindgen::JsCast;
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    leptos::task::spawn_local(async move {
        if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
            if let Some(text) = text.as_string() {
                into.set(text);
            }
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn read_file(_ev: leptos::ev::Event, _into: RwSignal<String>) {}

/// The import's state. It lives with the page, not the section: the section is drawn again whenever
/// the library reloads (after an import, too), and must not forget what it showed.
#[derive(Clone, Copy)]
struct ImportState {
    text: RwSignal<String>,
    /// The preview and the text it was made from: importing is offered only for that same text.
    shown: RwSignal<Option<(String, ImportPreview)>>,
    result: RwSignal<Option<crate::domain::Imported>>,
    failed: RwSignal<bool>,
    /// Bumped after an import, so the list shows what it wrote.
    imported: RwSignal<u32>,
}

impl ImportState {
    fn new() -> Self {
        ImportState {
            text: RwSignal::new(String::new()),
            shown: RwSignal::new(None),
            result: RwSignal::new(None),
            failed: RwSignal::new(false),
            imported: RwSignal::new(0),
        }
    }
}

#[component]
fn ImportSection(state: ImportState) -> impl IntoView {
    let t = use_lang().t();
    let ImportState {
        text,
        shown,
        result,
        failed,
        imported,
    } = state;
    let run_preview = move || {
        let body = text.get_untracked();
        result.set(None);
        leptos::task::spawn_local(async move {
            match preview_import(body.clone()).await {
                Ok(p) => {
                    failed.set(false);
                    shown.set(Some((body, p)));
                }
                Err(_) => failed.set(true),
            }
        });
    };
    let run_import = move |_| {
        let Some((body, _)) = shown.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match import_topics(body.clone()).await {
                Ok(n) => {
                    result.set(Some(n));
                    shown.set(None);
                    imported.update(|v| *v += 1);
                }
                // Something changed since the preview: show the new problems.
                Err(AppError::Import(p)) => shown.set(Some((body, p))),
                Err(_) => failed.set(true),
            }
        });
    };
    let load_preset = move |_| {
        leptos::task::spawn_local(async move {
            match preset("report-2022".into()).await {
                Ok(csv) => {
                    text.set(csv);
                    run_preview();
                }
                Err(_) => failed.set(true),
            }
        });
    };
    let can_import = move || {
        shown
            .get()
            .is_some_and(|(body, p)| p.ok() && body == text.get())
    };
    view! {
        <section class="admin-form" aria-labelledby="import-title">
            <h2 id="import-title">{t.import_title}</h2>
            <p class="hint">{t.import_help}</p>
            <p class="export-links">
                {t.export} ": "
                <a href="/api/v1/topics.csv" download="topics.csv" rel="external">"CSV"</a>
                " · "
                <a href="/api/v1/topics.json" download="topics.json" rel="external">"JSON"</a>
            </p>
            <p>
                <button type="button" on:click=load_preset data-testid="preset">{t.load_preset}</button>
            </p>
            <label>
                <span>{t.import_file}</span>
                <input type="file" accept=".csv,.json,text/csv,application/json" on:change=move |ev| read_file(ev, text) data-testid="import-file" />
            </label>
            <label>
                <span>{t.import_text}</span>
                <textarea rows="8" class="mono" data-testid="import-text" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </label>
            <div class="actions">
                <button type="button" on:click=move |_| run_preview() data-testid="preview">{t.preview}</button>
                <button type="button" class="primary" disabled=move || !can_import() on:click=run_import data-testid="import">{t.import}</button>
            </div>
            {move || failed.get().then(|| view! { <p class="field-error" role="alert">{t.error_body}</p> })}
            {move || result.get().map(|n| view! {
                <p class="ok" role="status" data-testid="import-done">
                    {t.imported.replace("{a}", &n.added.to_string()).replace("{u}", &n.updated.to_string())}
                </p>
            })}
            {move || shown.get().map(|(_, p)| view! { <PreviewTable preview=p /> })}
        </section>
    }
    .into_any()
}

#[component]
fn PreviewTable(preview: ImportPreview) -> impl IntoView {
    let t = use_lang().t();
    let bad = preview
        .rows
        .iter()
        .filter(|r| !r.problems.is_empty())
        .count();
    let blocked = bad > 0 || preview.file_problem.is_some();
    let summary = t.import_summary(preview.file_problem.as_ref(), bad, preview.rows.len());
    let rows = preview
        .rows
        .into_iter()
        .map(|r| {
            let problems = t.row_problems(&r.problems);
            let action = t.row_action(r.action);
            let ok = r.problems.is_empty();
            view! {
                <tr class:row-bad=!ok data-testid=format!("preview-line-{}", r.line)>
                    <td class="num">{r.line}</td>
                    <th scope="row">{r.raw.code.clone()}</th>
                    <td>{r.raw.name_zh.clone()}</td>
                    <td>{r.raw.name_en.clone()}</td>
                    <td>{action}</td>
                    <td class="problems">{problems}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p role="status" data-testid="preview-summary" class:field-error=blocked>{summary}</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label=t.preview>
            <table class="stats" data-testid="preview-rows">
                <caption>{t.preview}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.col_line}</th>
                        <th scope="col">{t.col_code}</th>
                        <th scope="col">{t.name_zh}</th>
                        <th scope="col">{t.name_en}</th>
                        <th scope="col">{t.col_action}</th>
                        <th scope="col">{t.col_problems}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
