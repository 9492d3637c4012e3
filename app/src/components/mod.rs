//! View pieces shared by pages.

use crate::api::AppError;
use crate::domain::FieldProblem;
use crate::use_lang;
use leptos::prelude::*;

/// The page header: product name and the language switch.
#[component]
pub fn Header() -> impl IntoView {
    let t = use_lang().t();
    view! {
        <header class="top">
            <a class="brand" href="/">{t.app_name}</a>
            <LangSwitch />
        </header>
    }
}

/// A link to the same page in the other language. It reloads the page (`rel="external"`): the
/// language is fixed for a page load, decided by the server (see `request_lang`).
#[component]
pub fn LangSwitch() -> impl IntoView {
    let other = use_lang().other();
    view! {
        <a class="lang-switch" href=format!("?lang={}", other.tag()) rel="external" lang=other.tag() hreflang=other.tag()>
            {use_lang().t().switch_language}
        </a>
    }
}

/// A full-width message: title and explanation.
#[component]
pub fn Notice(title: &'static str, body: &'static str) -> impl IntoView {
    view! {
        <section class="notice" data-testid="notice">
            <h1>{title}</h1>
            <p>{body}</p>
        </section>
    }
}

/// The `:id` of the page's route (a cycle's), or `None` when it is not a number.
pub fn cycle_id() -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.read().get("id").and_then(|s| s.parse::<i64>().ok())
}

/// A number for a table cell: two decimals, or a dash where there is no value.
/// The browser's print dialog (an event handler in the bundle: the page policy forbids inline ones).
pub fn print_page() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().print();
    }
}

pub fn fmt2(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}"))
        .unwrap_or_else(|| "–".to_string())
}

/// Links between the signed-in pages.
#[component]
pub fn AdminNav() -> impl IntoView {
    let t = use_lang().t();
    let logout = ServerAction::<crate::api::auth::Logout>::new();
    view! {
        <nav class="admin-nav" aria-label=t.admin_nav>
            <a href="/admin/topics">{t.topics_title}</a>
            <a href="/admin/groups">{t.groups_title}</a>
            <a href="/admin/cycles">{t.cycles_title}</a>
            <a href="/admin/users">{t.users_title}</a>
            <a href="/admin/audit">{t.audit_title}</a>
            <a href="/account/tokens">{t.tokens_title}</a>
            <ActionForm action=logout attr:class="inline sign-out">
                <button type="submit">{t.sign_out}</button>
            </ActionForm>
        </nav>
    }
}

/// What a page shows when its data was refused: a sign-in link (401), "admins only" (403 on an admin
/// page) or "not for your account" (403 elsewhere), not found (404) or the general error (500). On the server the HTTP status says the same.
pub fn refusal(err: AppError, title: &'static str, here: String) -> AnyView {
    let t = use_lang().t();
    let status = match err {
        AppError::Unauthorized => 401,
        AppError::Forbidden => 403,
        AppError::NotFound => 404,
        _ => 500,
    };
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(status) {
            r.set_status(code);
        }
    }
    match status {
        401 => view! {
            <section class="notice" data-testid="notice">
                <h1>{title}</h1>
                <p>{t.login_needed}</p>
                <p><a href=format!("/login?next={here}")>{t.sign_in}</a></p>
            </section>
        }
        .into_any(),
        403 if here.starts_with("/admin") => {
            view! { <Notice title body=t.admin_only /> }.into_any()
        }
        403 => view! { <Notice title body=t.forbidden /> }.into_any(),
        404 => view! { <Notice title=t.not_found_title body=t.not_found_body /> }.into_any(),
        _ => view! { <Notice title=t.error_title body=t.error_body /> }.into_any(),
    }
}

/// The problems an action's last answer reported, if it refused the input.
pub fn problems_of<T>(value: Option<Result<T, AppError>>) -> Vec<FieldProblem> {
    match value {
        Some(Err(AppError::Refused(p))) => p,
        _ => Vec::new(),
    }
}

/// The messages for one field, placed right after it.
pub fn field_errors(list: &[FieldProblem], field: &str) -> impl IntoView {
    let t = use_lang().t();
    list.iter()
        .filter(|p| p.field == field)
        .map(|p| view! { <p class="field-error" role="alert">{t.problem(p.problem)}</p> })
        .collect_view()
}

/// A table of admin records: its caption, the column headers, and the rows. A last column holds each
/// row's actions; its header is for screen readers only.
#[component]
pub fn AdminTable(
    caption: &'static str,
    testid: &'static str,
    columns: Vec<&'static str>,
    children: Children,
) -> impl IntoView {
    let t = use_lang().t();
    view! {
        // Focusable, so that a table wider than the screen can be scrolled from the keyboard.
        <div class="table-wrap" tabindex="0" role="region" aria-label=caption>
            <table class="stats admin-table" data-testid=testid>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        {columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}
                        <th scope="col"><span class="visually-hidden">{t.col_actions}</span></th>
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// What an add-or-edit form is editing (None: it adds a new record). It goes back to None once `saved`
/// says the last save went through, so the form is ready for the next record.
pub fn editing_until_saved<T: Send + Sync + 'static>(
    saved: impl Fn() -> bool + Send + Sync + 'static,
) -> RwSignal<Option<T>> {
    let editing = RwSignal::new(None);
    Effect::new(move |_| {
        if saved() {
            editing.set(None);
        }
    });
    editing
}

/// Where a result stands: provisional, or confirmed with its stamp (methodology, weights, hash and
/// whether the statistics still match it); and, when it was carried forward, from where and why.
#[component]
pub fn Standing(results: crate::domain::CycleResults) -> impl IntoView {
    let lang = use_lang();
    let t = lang.t();
    let carried = results.carried_forward.as_ref().map(|c| {
        view! { <p class="carried" data-testid="carried-forward">{t.carried(c)}</p> }
    });
    let stamp = results.confirmation.clone().map(|s| {
        let m = &s.methodology;
        let weights = m
            .weights
            .iter()
            .map(|(g, w)| format!("{g} {w:.2}"))
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <dl class="stamp" data-testid="stamp">
                <dt>{t.stamp_methodology}</dt>
                <dd>
                    {format!(
                        "{} {}–{} · k = {} · {} {} {:.2}",
                        t.scale,
                        m.scale.min,
                        m.scale.max,
                        m.k,
                        t.threshold,
                        m.threshold_rule.as_str(),
                        m.threshold,
                    )}
                </dd>
                <dt>{t.stamp_weights}</dt>
                <dd>{weights}</dd>
                <dt>{t.stamp_hash}</dt>
                <dd><code>{s.statistics_hash.clone()}</code></dd>
            </dl>
            {if s.intact {
                view! { <p class="intact" data-testid="stamp-intact">{t.stamp_intact}</p> }.into_any()
            } else {
                view! { <p class="field-error" role="alert" data-testid="stamp-broken">{t.stamp_broken}</p> }.into_any()
            }}
        }
    });
    // The anonymity rule's withheld groupings, named: which are withheld follows from the counts alone.
    let withheld = (!results.withheld.is_empty()).then(|| {
        let names = results
            .withheld
            .iter()
            .map(|key| t.grouping_name(key))
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <p class="withheld-note" data-testid="anonymity-note" data-withheld=results.withheld.len()>
                {t.anonymity_withheld(results.withheld.len(), results.cycle.k, &names)}
            </p>
        }
    });
    let cycle = &results.cycle;
    let preview = if !cycle.figures_shown() {
        Some(view! { <p class="withheld-note" data-testid="figures-after-close">{t.figures_after_close}</p> }.into_any())
    } else if cycle.status == crate::domain::CycleStatus::Open {
        Some(
            view! { <p class="field-error" data-testid="preview-warning">{t.preview_on_note}</p> }
                .into_any(),
        )
    } else {
        None
    };
    let class = if results.confirmation.is_some() {
        "standing confirmed"
    } else {
        "standing provisional"
    };
    view! {
        <section class=class data-testid="standing" data-standing=results.standing()>
            <p><strong>{t.standing(&results)}</strong></p>
            {carried}
            {stamp}
            {preview}
            {withheld}
        </section>
    }
}

/// Links between a cycle's result pages.
#[component]
pub fn ResultNav(id: i64) -> impl IntoView {
    let t = use_lang().t();
    view! {
        <nav class="result-nav" aria-label=t.matrix_title>
            <a href=format!("/cycles/{id}/matrix")>{t.matrix_title}</a>
            <a href=format!("/cycles/{id}/review")>{t.review_title}</a>
            <a href=format!("/cycles/{id}/material")>{t.material_title}</a>
        </nav>
    }
}

/// Percent-encodes everything but unreserved characters, for a `data:` URL or a query value.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `s` escaped for HTML or SVG text and attribute values: `&`, `<`, `>` and `"`. The one escape for
/// markup the application writes itself (the chart's SVG, a textarea's text).
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The initial text of a `<textarea>`, for its children. Leptos writes a textarea's children into the
/// server's HTML unescaped (it treats the element as raw text), so `</textarea><script>` typed by
/// anyone would close it there: on the server the text is escaped (the browser decodes it back);
/// in the browser a text node is never parsed as markup, so it goes in as it is.
pub fn textarea_text(s: &str) -> String {
    if cfg!(feature = "ssr") {
        escape_html(s)
    } else {
        s.to_string()
    }
}

/// Whether a server action's last call succeeded (tracked).
pub fn succeeded<S>(action: ServerAction<S>) -> bool
where
    S: leptos::server_fn::ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    action.value().with(|v| matches!(v, Some(Ok(_))))
}

/// The version of a server action's last success: what a page refetches on when a refused attempt
/// must not reload it (so that the form keeps what was typed, beside the messages).
pub fn success_version<S>(action: ServerAction<S>) -> Memo<usize>
where
    S: leptos::server_fn::ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    Memo::new(move |before: Option<&usize>| {
        if succeeded(action) {
            action.version().get()
        } else {
            before.copied().unwrap_or_default()
        }
    })
}

/// Empties `form` once `action` succeeds, ready for the next entry; a refused one stays as typed,
/// beside its messages. Only in the browser: without JavaScript the page reloads.
pub fn reset_on_success<S>(form: NodeRef<leptos::html::Form>, action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if succeeded(action) {
            #[cfg(feature = "hydrate")]
            if let Some(f) = form.get() {
                f.reset();
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = form;
}
