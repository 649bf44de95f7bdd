//! Sign-in. A plain form posting to `/auth/login`, so it works with JavaScript off.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::use_locale;
use crate::tr;

#[component]
pub fn SignInPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let next = move || {
        query
            .with(|q| q.get("next"))
            .filter(|n| n.starts_with('/') && !n.starts_with("//"))
            // Empty: the server picks the user's own start page.
            .unwrap_or_default()
    };
    let message = move || {
        query.with(|q| {
            if q.get("signed_out").is_some() {
                return Some(("status", tr!(locale, "signin.signed_out")));
            }
            if q.get("password_set").is_some() {
                return Some(("status", tr!(locale, "signin.password_set")));
            }
            q.get("error").map(|e| {
                let key = match e.as_str() {
                    "rate" => "signin.error.rate",
                    "origin" => "signin.error.origin",
                    _ => "signin.error.invalid",
                };
                ("alert", tr!(locale, key))
            })
        })
    };
    // Typed before a wrong password: kept, so only the password is typed again.
    let username = move || {
        query
            .with(|q| q.get("username"))
            .map(|u| u.chars().take(64).collect::<String>())
            .unwrap_or_default()
    };
    let hints = Resource::new(|| (), |_| crate::api::sign_in_page());
    view! {
        <section class="card narrow">
            <h1>{tr!(locale, "signin.title")}</h1>
            {move || message().map(|(role, text)| view! { <p class=format!("notice {role}") role=role>{text}</p> })}
            <form method="post" action="/auth/login" class="stack">
                <input type="hidden" name="next" value=next/>
                <label for="username">{tr!(locale, "signin.username")}</label>
                <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" required maxlength="64" value=username/>
                <label for="password">{tr!(locale, "signin.password")}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256"/>
                <button type="submit" class="button">{tr!(locale, "signin.submit")}</button>
            </form>
            <p class="hint">{tr!(locale, "signin.forgot")}</p>
            <Suspense fallback=|| ()>
                {move || hints.get().and_then(Result::ok).filter(|h| h.demo).map(|_| view! {
                    <p class="hint" data-testid="demo-hint">{tr!(locale, "signin.demo")}</p>
                })}
            </Suspense>
        </section>
    }
}
