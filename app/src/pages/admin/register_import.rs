//! The register page's import: a CSV file or workbook (or pasted CSV) previewed row by row, then
//! imported all or nothing, as the topic library's import. The preview needs JavaScript; the forms
//! above it add and correct IROs without.

use crate::api::register::{ImportRegister, PreviewRegisterImport};
use crate::api::AppError;
use crate::domain::register_file::{RegisterFile, RegisterPreview};
use crate::use_lang;
use leptos::prelude::*;

/// The file being imported and the actions that preview and import it. It lives with the page: the
/// section is drawn again whenever the register reloads.
#[derive(Clone, Copy)]
pub struct Upload {
    pub file: RwSignal<RegisterFile>,
    pub too_large: RwSignal<bool>,
    pub preview: ServerAction<PreviewRegisterImport>,
    pub import: ServerAction<ImportRegister>,
}

impl Default for Upload {
    fn default() -> Self {
        Upload {
            file: RwSignal::new(RegisterFile::default()),
            too_large: RwSignal::new(false),
            preview: ServerAction::new(),
            import: ServerAction::new(),
        }
    }
}

impl Upload {
    /// A new file or text: what was previewed no longer holds.
    fn set(self, file: RegisterFile) {
        self.file.set(file);
        self.preview.value().set(None);
        self.import.value().set(None);
    }
}

/// Reads the chosen file: a workbook as base64, anything else as text (browser only).
#[cfg(feature = "hydrate")]
fn read_file(ev: leptos::ev::Event, upload: Upload) {
    use wasm_bindgen::JsCast;
    let Some(file) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|f| f.get(0))
    else {
        return;
    };
    let limit = crate::domain::register_file::MAX_FILE_BYTES as f64;
    upload.too_large.set(file.size() > limit);
    if upload.too_large.get_untracked() {
        return;
    }
    let xlsx = file.name().to_ascii_lowercase().ends_with(".xlsx");
    leptos::task::spawn_local(async move {
        let text = if xlsx {
            let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await else {
                return;
            };
            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
            // btoa takes a string of byte-sized characters.
            let binary: String = bytes.iter().map(|&b| char::from(b)).collect();
            match web_sys::window().and_then(|w| w.btoa(&binary).ok()) {
                Some(b64) => b64,
                None => return,
            }
        } else {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(t) => t.as_string().unwrap_or_default(),
                Err(_) => return,
            }
        };
        upload.set(RegisterFile { text, xlsx });
    });
}

#[cfg(not(feature = "hydrate"))]
fn read_file(_ev: leptos::ev::Event, _upload: Upload) {}

#[component]
pub fn RegisterImport(id: i64, upload: Upload) -> impl IntoView {
    let lang = use_lang();
    let (t, dm) = (lang.t(), lang.dm());
    // The last import's refusal, else the preview; any other failure is shown too.
    let shown = move || match (upload.import.value().get(), upload.preview.value().get()) {
        (Some(Err(AppError::RegisterImport(p))), _) => Some(Ok(p)),
        (Some(Err(e)), _) => Some(Err(e)),
        (Some(Ok(_)), _) => None,
        (None, p) => p,
    };
    let can_import = move || matches!(upload.preview.value().get(), Some(Ok(p)) if p.ok());
    let preview = move |_| {
        upload.import.value().set(None);
        upload.preview.dispatch(PreviewRegisterImport {
            id,
            file: upload.file.get_untracked(),
        });
    };
    let import = move |_| {
        upload.import.dispatch(ImportRegister {
            id,
            file: upload.file.get_untracked(),
        });
    };
    let done = move || match upload.import.value().get() {
        Some(Ok(n)) => Some(view! {
            <p class="ok" role="status" data-testid="register-imported">
                {dm.imported.replace("{a}", &n.added.to_string()).replace("{u}", &n.updated.to_string())}
            </p>
        }),
        _ => None,
    };
    view! {
        <section class="admin-form" aria-labelledby="register-import-title">
            <h2 id="register-import-title">{dm.import_title}</h2>
            <p class="hint">{dm.import_help}</p>
            <p class="export-links">
                {dm.download_register} ": "
                <a href=format!("/api/v1/cycles/{id}/register.csv") download=format!("register-{id}.csv") rel="external" data-testid="register-csv">"CSV"</a>
                " · "
                <a href=format!("/api/v1/cycles/{id}/register.xlsx") download=format!("register-{id}.xlsx") rel="external">"XLSX"</a>
            </p>
            <noscript><p class="withheld-note">{dm.import_needs_js}</p></noscript>
            <label>
                <span>{dm.import_file}</span>
                <input type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" on:change=move |ev| read_file(ev, upload) data-testid="register-file" />
            </label>
            {move || upload.too_large.get().then(|| view! { <p class="field-error" role="alert">{t.problem(crate::domain::Problem::TooLong)}</p> })}
            <label>
                <span>{t.import_text}</span>
                <textarea rows="6" class="mono" data-testid="register-text"
                    prop:value=move || upload.file.with(|f| if f.xlsx { String::new() } else { f.text.clone() })
                    on:input=move |ev| upload.set(RegisterFile { text: event_target_value(&ev), xlsx: false })></textarea>
            </label>
            <div class="actions">
                <button type="button" on:click=preview data-testid="register-preview">{t.preview}</button>
                <button type="button" class="primary" disabled=move || !can_import() on:click=import data-testid="register-import">{t.import}</button>
            </div>
            {done}
            {move || match shown() {
                Some(Ok(p)) => view! { <PreviewTable preview=p /> }.into_any(),
                Some(Err(AppError::Refused(p))) => view! { <p class="field-error" role="alert">{t.row_problems(&p)}</p> }.into_any(),
                Some(Err(_)) => view! { <p class="field-error" role="alert">{t.error_body}</p> }.into_any(),
                None => ().into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn PreviewTable(preview: RegisterPreview) -> impl IntoView {
    let lang = use_lang();
    let (t, dm) = (lang.t(), lang.dm());
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
            let f = r.form;
            view! {
                <tr class:row-bad=!ok data-testid=format!("register-line-{}", r.line)>
                    <th scope="row" class="num">{r.line}</th>
                    <td>{r.iro.map(|n| format!("#{n}")).unwrap_or_default()}</td>
                    <td>{f.matter}</td>
                    <td>{f.kind}</td>
                    <td class="prose">{lang.pick(&f.description_zh, &f.description_en).to_string()}</td>
                    <td>{action}</td>
                    <td class="problems">{problems}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p role="status" data-testid="register-preview-summary" class:field-error=blocked>{summary}</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label=t.preview>
            <table class="stats" data-testid="register-preview-rows">
                <caption>{t.preview}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.col_line}</th>
                        <th scope="col">"#"</th>
                        <th scope="col">{dm.col_matter}</th>
                        <th scope="col">{dm.col_kind}</th>
                        <th scope="col">{dm.col_description}</th>
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
