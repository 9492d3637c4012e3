//! The Leptos application: pages, server functions and (with `ssr`) the storage and chart code behind
//! them. Compiled as a cdylib for the browser (`hydrate`) and as an rlib for the server (`ssr`).

// The questionnaire's view types nest deeply: the release build of the hydrated page needs more than
// the default recursion limit even with type erasure (`into_any`) at the topic component.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod i18n;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod chart;
#[cfg(feature = "ssr")]
pub mod store;

use i18n::Lang;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    provide_context(lang);
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(policy) = http::HeaderValue::from_str(&page_policy(&nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // No icon yet: say so, instead of letting every page ask for /favicon.ico.
                <link rel="icon" href="data:," />
                <AutoReload options=options.clone() />
                {hydrates().then(|| view! { <HydrationScripts options /> })}
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The Content-Security-Policy of a page: scripts only from this site and inline ones only with this
/// response's nonce (leptos_axum makes a fresh one per request; the hydration scripts and the survey's
/// script carry it), wasm compiled by `'wasm-unsafe-eval'`; everything else from this site only, no
/// plugins, no `<base>`, forms posting only here, and no framing by any site. Inline `style`
/// attributes stay allowed (a category's colour swatch); `<style>` elements do not.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The Content-Security-Policy of every response that is not a page (JSON, CSV, images, files):
/// nothing may load or run, should a browser ever render one as a document.
pub const OTHER_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Whether this page loads the browser bundle: every page but the respondents' (`/s/...`), which
/// work as plain HTML forms (see [`pages::survey`]).
pub fn hydrates() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .is_none_or(|parts| !parts.uri.path().starts_with("/s/"))
    }
    #[cfg(not(feature = "ssr"))]
    true
}

/// The language of this page load: `?lang=` first, then the `lang` cookie that the switcher sets,
/// then the browser's `Accept-Language`. The server decides it and writes it into `<html lang>`; the
/// browser reads it back from there, so both render the same words.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use http::request::Parts;
        let Some(parts) = use_context::<Parts>() else {
            return Lang::default();
        };
        let from_query = parts.uri.query().and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("lang="))
                .and_then(Lang::parse)
        });
        if let Some(lang) = from_query {
            // Remember the choice for the next pages (login, matrix, ...).
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                let cookie = format!(
                    "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
                    lang.tag()
                );
                if let Ok(v) = cookie.parse() {
                    response.append_header(http::header::SET_COOKIE, v);
                }
            }
            return lang;
        }
        api::ssr::request_lang(&parts.headers, None)
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Lang::parse(&l))
            .unwrap_or_default()
    }
}

/// The language of the current page, for components.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = use_context::<Lang>().unwrap_or_else(request_lang);
    provide_context(lang);
    // Marks the page interactive once the browser code has taken over (the browser tests wait for it).
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/materiality.css" />
        <Title text=lang.t().app_name />
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/") view=pages::Home />
                <Route path=path!("/s/:token") view=pages::survey::SurveyPage ssr=SsrMode::Async />
                <Route path=path!("/s/:token/thanks") view=pages::survey::ThanksPage />
                <Route path=path!("/login") view=pages::login::LoginPage />
                <Route path=path!("/cycles/:id/matrix") view=pages::matrix::MatrixPage ssr=SsrMode::Async />
                <Route path=path!("/cycles/:id/review") view=pages::review::ReviewPage ssr=SsrMode::Async />
                <Route path=path!("/cycles/:id/material") view=pages::review::MaterialPage ssr=SsrMode::Async />
                <Route path=path!("/cycles/:id/assessment") view=pages::assessment::AssessmentPage ssr=SsrMode::Async />
                <Route path=path!("/cycles/:id/disclosures") view=pages::disclosures::DisclosuresPage ssr=SsrMode::Async />
                <Route path=path!("/cycles/:id/assess") view=pages::assess::AssessPage ssr=SsrMode::Async />
                <Route path=path!("/assess") view=pages::assess::AssessHome ssr=SsrMode::Async />
                <Route path=path!("/admin/audit") view=pages::audit::AuditPage ssr=SsrMode::Async />
                <Route path=path!("/account/tokens") view=pages::tokens::TokensPage />
                <Route path=path!("/admin/users") view=pages::users::UsersPage />
                <Route path=path!("/admin/topics") view=pages::admin::topics::TopicsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/groups") view=pages::admin::groups::GroupsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/cycles") view=pages::admin::cycles::CyclesPage ssr=SsrMode::Async />
                <Route path=path!("/admin/cycles/:id") view=pages::admin::cycles::CyclePage ssr=SsrMode::Async />
                <Route path=path!("/admin/cycles/:id/register") view=pages::admin::register::RegisterPage ssr=SsrMode::Async />
                <Route path=path!("/admin/cycles/:id/register/iros/:iro") view=pages::admin::iro_form::EditIroPage ssr=SsrMode::Async />
                <Route path=path!("/admin/cycles/:id/mail") view=pages::admin::mail::MailPage ssr=SsrMode::Async />
                <Route path=path!("/admin/cycles/:id/progress") view=pages::admin::cycles::ProgressPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// Entry point of the browser bundle.
#[cfg(feature = "hydrate")]
#[allow(unsafe_code, reason = "wasm_bindgen's generated glue")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
