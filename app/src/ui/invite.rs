//! The invitation link (`/invite/{token}`): a new user, or one whose password was reset, sets
//! their own password. Nobody else ever types it. Works without JavaScript.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::people::invitation_page;
use crate::tr;
use crate::ui::{load_error, use_locale};

#[component]
pub fn InvitationPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let page = Resource::new(token, invitation_page);
    view! {
        <section class="card narrow">
            <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
                {move || page.get().map(|result| match result {
                    Err(e) => Either::Left(load_error(locale, e)),
                    Ok(p) => Either::Right(match p.who {
                        None => Either::Left(view! {
                            <h1>{tr!(locale, "invite.dead_title")}</h1>
                            <p>{tr!(locale, "invite.dead")}</p>
                        }),
                        Some((username, name)) => Either::Right(view! {
                            <h1>{tr!(locale, "invite.title", name = name)}</h1>
                            <p class="lead">{tr!(locale, "invite.lead", username = username.clone())}</p>
                            {p.error.map(|e| view! {
                                <p class="notice alert" role="alert">{crate::i18n::message(locale, &format!("invite.error.{e}"))}</p>
                            })}
                            <form method="post" action=format!("/invite/{}", token()) class="stack">
                                <input type="text" name="username" value=username autocomplete="username" hidden/>
                                <label for="new-password">{tr!(locale, "invite.password")}</label>
                                <p class="hint" id="password-hint">{tr!(locale, "invite.password_hint")}</p>
                                <input id="new-password" type="password" name="password" autocomplete="new-password" required minlength="10" maxlength="256" aria-describedby="password-hint"/>
                                <label for="repeat-password">{tr!(locale, "invite.repeat")}</label>
                                <input id="repeat-password" type="password" name="repeat" autocomplete="new-password" required minlength="10" maxlength="256"/>
                                <button type="submit" class="button">{tr!(locale, "invite.submit")}</button>
                            </form>
                        }),
                    }),
                })}
            </Suspense>
        </section>
    }
}
