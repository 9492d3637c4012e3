//! Reviewer sign-in.

use crate::api::auth::{safe_next, Login};
use crate::components::Header;
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_lang().t();
    let query = use_query_map();
    let next = move || safe_next(&query.read().get("next").unwrap_or_default()).to_string();
    let login = ServerAction::<Login>::new();
    let failed = move || matches!(login.value().get(), Some(Ok(false)));
    view! {
        <Header />
        <main class="page narrow">
            <h1>{t.login_title}</h1>
            <ActionForm action=login attr:class="login">
                <input type="hidden" name="next" value=next />
                <label>
                    <span>{t.email}</span>
                    <input type="email" name="email" autocomplete="username" required />
                </label>
                <label>
                    <span>{t.password}</span>
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                <Show when=failed>
                    <p class="field-error" role="alert">{t.bad_credentials}</p>
                </Show>
                <button type="submit" disabled=move || login.pending().get()>{t.sign_in}</button>
            </ActionForm>
        </main>
    }
}
