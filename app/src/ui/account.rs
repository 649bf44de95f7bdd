//! The signed-in user's own account: change the password, choose the language (it follows
//! them to every device they sign in on), see where they are signed in and sign out
//! everywhere. Plain forms with the session's CSRF token.

use leptos::either::Either;
use leptos::prelude::*;

use crate::api::account::{account_page, AccountData};
use crate::i18n::{message, Locale};
use crate::tr;
use crate::ui::{load_error, use_locale, use_me};

#[component]
pub fn AccountPage() -> impl IntoView {
    let locale = use_locale();
    let page = Resource::new(|| (), |_| account_page());
    let me = use_me();
    let csrf = move || me.csrf();
    view! {
        <h1>{tr!(locale, "account.title")}</h1>
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(e) => Either::Left(load_error(locale, e)),
                Ok(p) => Either::Right(account(locale, p, csrf)),
            })}
        </Suspense>
    }
}

fn account(
    locale: Locale,
    p: AccountData,
    csrf: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> AnyView {
    let chosen = p
        .language
        .clone()
        .unwrap_or_else(|| locale.code().to_string());
    view! {
        <p class="lead">{format!("{} ({}) · {}", p.display_name, p.username, message(locale, &format!("people.role.{}", p.role.as_str())))}</p>
        {p.done.map(|d| view! { <p class="notice status" role="status">{message(locale, &format!("account.done.{d}"))}</p> })}
        {p.error.map(|e| view! { <p class="notice alert" role="alert">{message(locale, &format!("account.error.{e}"))}</p> })}
        <h2 id="password-title">{tr!(locale, "account.password")}</h2>
        <form method="post" action="/account/password" class="card stack" aria-labelledby="password-title">
            <input type="hidden" name="csrf" value=csrf/>
            <input type="text" name="username" value=p.username.clone() autocomplete="username" hidden/>
            <label for="current-password">{tr!(locale, "account.current")}</label>
            <input id="current-password" type="password" name="current" autocomplete="current-password" required maxlength="256"/>
            <label for="new-password">{tr!(locale, "invite.password")}</label>
            <p class="hint">{tr!(locale, "invite.password_hint")}</p>
            <input id="new-password" type="password" name="password" autocomplete="new-password" required minlength="10" maxlength="256"/>
            <label for="repeat-password">{tr!(locale, "invite.repeat")}</label>
            <input id="repeat-password" type="password" name="repeat" autocomplete="new-password" required minlength="10" maxlength="256"/>
            <p class="hint">{tr!(locale, "account.password_hint")}</p>
            <button type="submit" class="button">{tr!(locale, "account.change_password")}</button>
        </form>
        <h2 id="language-title">{tr!(locale, "account.language")}</h2>
        <form method="post" action="/account/language" class="card stack" aria-labelledby="language-title">
            <input type="hidden" name="csrf" value=csrf/>
            <label for="language">{tr!(locale, "account.language_label")}</label>
            <select id="language" name="language">
                {Locale::ALL.into_iter().map(|l| view! {
                    <option value=l.code() selected=chosen == l.code() lang=l.code()>{l.native_name()}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button secondary">{tr!(locale, "setup.save")}</button>
        </form>
        <h2>{tr!(locale, "account.sessions")}</h2>
        <ul class="token-list">
            {p.sessions.into_iter().map(|s| view! {
                <li class="card">
                    <strong>{if s.device.is_empty() { tr!(locale, "account.unknown_device") } else { s.device.clone() }}</strong>
                    <p class="meta">
                        {tr!(locale, "account.since", date = format!("{} UTC", crate::domain::display::date_time(&s.signed_in_at.naive_utc())))}
                        {s.this_one.then(|| format!(" · {}", tr!(locale, "account.this_one")))}
                    </p>
                </li>
            }).collect_view()}
        </ul>
        <form method="post" action="/account/sign-out-everywhere" class="card stack">
            <input type="hidden" name="csrf" value=csrf/>
            <p class="hint">{tr!(locale, "account.everywhere_hint")}</p>
            <button type="submit" class="button danger">{tr!(locale, "account.everywhere")}</button>
        </form>
    }
    .into_any()
}
