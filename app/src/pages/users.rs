//! Accounts, for admins.

use crate::api::users::{list_users, AddUser, ResetPassword, SetUserDisabled, UserProblem};
use crate::api::AppError;
use crate::components::{Header, Notice};
use crate::domain::{format_utc, Role};
use crate::use_lang;
use leptos::prelude::*;

/// The words for an account problem.
pub fn user_problem_text(t: &'static crate::i18n::Text, p: UserProblem) -> &'static str {
    match p {
        UserProblem::BadEmail => t.err_bad_email,
        UserProblem::EmailTaken => t.err_email_taken,
        UserProblem::ShortPassword => t.err_short_password,
        UserProblem::BadRole => t.err_malformed,
        UserProblem::WrongPassword => t.err_wrong_password,
        UserProblem::TryLater => t.err_try_later,
    }
}

/// What an account action did: `done` (with `testid`), the problem, or the error; nothing before it ran.
pub fn account_outcome(
    t: &'static crate::i18n::Text,
    value: Option<Result<(), AppError>>,
    done: &'static str,
    testid: &'static str,
) -> Option<AnyView> {
    value.map(|r| match r {
        Ok(()) => view! { <p role="status" data-testid=testid>{done}</p> }.into_any(),
        Err(AppError::Account(p)) => {
            view! { <p class="field-error" role="alert">{user_problem_text(t, p)}</p> }.into_any()
        }
        Err(_) => view! { <p class="field-error" role="alert">{t.error_body}</p> }.into_any(),
    })
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let t = use_lang().t();
    let add = ServerAction::<AddUser>::new();
    let toggle = ServerAction::<SetUserDisabled>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let users = Resource::new(
        move || (add.version().get(), toggle.version().get()),
        |_| list_users(),
    );
    let reset_result =
        move || account_outcome(t, reset.value().get(), t.password_reset_done, "reset-done");
    let problem = move || match add.value().get() {
        Some(Err(AppError::Account(p))) => Some(p),
        _ => None,
    };
    let message = move |field: UserProblem| {
        move || {
            (problem() == Some(field)).then(|| {
                view! { <p class="field-error" role="alert">{user_problem_text(t, field)}</p> }
            })
        }
    };
    let role_name = move |r: Role| match r {
        Role::Admin => t.role_admin,
        Role::Reviewer => t.role_reviewer,
        Role::Assessor => t.role_assessor,
    };
    view! {
        <Header />
        <main class="page">
            <h1>{t.users_title}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(list) => view! {
                            <table class="stats users" data-testid="users">
                                <caption>{t.users_title}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{t.email}</th>
                                        <th scope="col">{t.role}</th>
                                        <th scope="col">{t.col_created}</th>
                                        <th scope="col">{t.col_state}</th>
                                        <th scope="col"><span class="visually-hidden">{t.disable}</span></th>
                                        <th scope="col"><span class="visually-hidden">{t.reset_password}</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|row| {
                                        let disabled = row.disabled_at.is_some();
                                        view! {
                                            <tr data-testid=format!("user-{}", row.user.email)>
                                                <th scope="row">{row.user.email.clone()}</th>
                                                <td>{role_name(row.user.role)}</td>
                                                <td>{format_utc(row.created_at)}</td>
                                                <td>{if disabled { t.disabled } else { t.active }}</td>
                                                <td>
                                                    <ActionForm action=toggle>
                                                        <input type="hidden" name="id" value=row.user.id />
                                                        <input type="hidden" name="disabled" value=if disabled { "false" } else { "true" } />
                                                        <button type="submit">{if disabled { t.enable } else { t.disable }}</button>
                                                    </ActionForm>
                                                </td>
                                                <td>
                                                    <ActionForm action=reset attr:class="inline">
                                                        <input type="hidden" name="id" value=row.user.id />
                                                        <label class="inline-label">
                                                            <span class="visually-hidden">{t.new_password}</span>
                                                            <input type="password" name="password" autocomplete="new-password" placeholder=t.new_password required />
                                                        </label>
                                                        <button type="submit">{t.reset_password}</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {reset_result}
                            <h2>{t.add_user}</h2>
                            <ActionForm action=add attr:class="login add-user">
                                <label>
                                    <span>{t.email}</span>
                                    <input type="email" name="email" autocomplete="off" required />
                                </label>
                                {message(UserProblem::BadEmail)}
                                {message(UserProblem::EmailTaken)}
                                <label>
                                    <span>{t.password}</span>
                                    <input type="password" name="password" autocomplete="new-password" required />
                                </label>
                                {message(UserProblem::ShortPassword)}
                                <label>
                                    <span>{t.role}</span>
                                    <select name="role">
                                        <option value="reviewer">{t.role_reviewer}</option>
                                        <option value="assessor">{t.role_assessor}</option>
                                        <option value="admin">{t.role_admin}</option>
                                    </select>
                                </label>
                                {message(UserProblem::BadRole)}
                                <button type="submit">{t.add_user}</button>
                            </ActionForm>
                        }
                            .into_any(),
                        Err(AppError::Unauthorized) => view! {
                            <p>{t.login_needed}</p>
                            <p><a href="/login?next=/admin/users">{t.sign_in}</a></p>
                        }
                            .into_any(),
                        Err(AppError::Forbidden) => view! { <Notice title=t.users_title body=t.admin_only /> }.into_any(),
                        Err(_) => view! { <Notice title=t.error_title body=t.error_body /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
