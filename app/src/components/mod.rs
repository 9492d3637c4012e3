//! View pieces shared by pages.

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

/// A number for a table cell: two decimals, or a dash where there is no value.
pub fn fmt2(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}"))
        .unwrap_or_else(|| "–".to_string())
}
