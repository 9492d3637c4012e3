//! The signed-in user's personal API tokens: create (shown once), list, revoke.

use crate::api::tokens::{my_tokens, CreateMyToken, RevokeMyToken};
use crate::api::users::ChangePassword;
use crate::api::AppError;
use crate::components::{Header, Notice};
use crate::domain::format_utc;
use crate::pages::users::account_outcome;
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn TokensPage() -> impl IntoView {
    let t = use_lang().t();
    let create = ServerAction::<CreateMyToken>::new();
    let revoke = ServerAction::<RevokeMyToken>::new();
    let change = ServerAction::<ChangePassword>::new();
    let changed = move || {
        account_outcome(
            t,
            change.value().get(),
            t.password_changed,
            "password-changed",
        )
    };
    // Refetch the list after every change.
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| my_tokens(),
    );
    view! {
        <Header />
        <main class="page">
            <h1>{t.tokens_title}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) => {
                            view! {
                                <p>{t.tokens_intro}</p>
                                <ActionForm action=create>
                                    <button type="submit" class="primary">{t.create_token}</button>
                                </ActionForm>
                                {move || match create.value().get() {
                                    Some(Ok(token)) => Some(view! {
                                        <div class="new-token" role="status">
                                            <p>{t.token_once}</p>
                                            <code data-testid="new-token">{token}</code>
                                        </div>
                                    }),
                                    _ => None,
                                }}
                                <table class="stats tokens" data-testid="tokens">
                                    <caption>{t.tokens_title}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t.col_created}</th>
                                            <th scope="col">{t.col_state}</th>
                                            <th scope="col"><span class="visually-hidden">{t.revoke}</span></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.into_iter().map(|tok| view! {
                                            <tr>
                                                <td>{format_utc(tok.created_at)}</td>
                                                <td>{match tok.revoked_at {
                                                    Some(at) => format!("{} {}", t.revoked, format_utc(at)),
                                                    None => t.active.to_string(),
                                                }}</td>
                                                <td>{tok.revoked_at.is_none().then(|| view! {
                                                    <ActionForm action=revoke>
                                                        <input type="hidden" name="id" value=tok.id />
                                                        <button type="submit">{t.revoke}</button>
                                                    </ActionForm>
                                                })}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <h2>{t.change_password}</h2>
                                <ActionForm action=change attr:class="login change-password">
                                    <label>
                                        <span>{t.current_password}</span>
                                        <input type="password" name="current" autocomplete="current-password" required />
                                    </label>
                                    <label>
                                        <span>{t.new_password}</span>
                                        <input type="password" name="new" autocomplete="new-password" minlength="10" required />
                                    </label>
                                    <button type="submit">{t.change_password}</button>
                                </ActionForm>
                                {changed}
                            }
                                .into_any()
                        }
                        Err(AppError::Unauthorized) => view! {
                            <p>{t.login_needed}</p>
                            <p><a href="/login?next=/account/tokens">{t.sign_in}</a></p>
                        }
                            .into_any(),
                        Err(_) => view! { <Notice title=t.error_title body=t.error_body /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
