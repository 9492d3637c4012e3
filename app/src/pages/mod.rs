//! One module per route.

pub mod admin;
pub mod assess;
pub mod assessment;
pub mod audit;
pub mod disclosures;
pub mod dm_confirm;
pub mod dm_material;
pub mod dm_review;
pub mod login;
pub mod matrix;
pub mod review;
pub mod survey;
pub mod tokens;
pub mod users;

use crate::components::{Header, Notice};
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let t = use_lang().t();
    view! {
        <Header />
        <main class="page">
            <h1>{t.home_title}</h1>
            <p>{t.home_body}</p>
            <p>
                <a href="/login">{t.sign_in}</a>
            </p>
            <p>
                <a href="/assess">{use_lang().dm().my_title}</a>
            </p>
        </main>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = use_lang().t();
    view! {
        <Header />
        <main class="page">
            <Notice title=t.not_found_title body=t.not_found_body />
        </main>
    }
}
