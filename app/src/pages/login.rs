//! Reviewer sign-in.

use crate::api::auth::{safe_next, Login, LoginResult};
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
    // A browser without JavaScript is sent back here with the refusal in the query.
    let posted = move || {
        let q = query.read();
        LoginResult::from_query(q.get("failed").as_deref(), q.get("wait").as_deref())
    };
    let problem = move || match login.value().get().or_else(|| posted().map(Ok)) {
        Some(Ok(LoginResult::Refused)) => Some(t.bad_credentials.to_string()),
        Some(Ok(LoginResult::Wait(secs))) => Some(t.login_wait.replace("{n}", &secs.to_string())),
        Some(Ok(LoginResult::Busy)) => Some(t.login_busy.to_string()),
        Some(Err(_)) => Some(t.error_body.to_string()),
        _ => None,
    };
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
                {move || problem().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                <button type="submit" disabled=move || login.pending().get()>{t.sign_in}</button>
            </ActionForm>
        </main>
    }
}
