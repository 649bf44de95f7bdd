//! The header: brand, main navigation, the user's name with sign-out, and the language switch.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::{use_locale, use_me};
use crate::api::wire::Role;
use crate::i18n::Locale;
use crate::tr;

#[component]
pub fn Header() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    if super::is_customer_page(&location.pathname.get_untracked()) {
        return None;
    }
    let me = use_me().0;
    // Where to come back to after switching language: this very page.
    let here = move || {
        let search = location.search.get();
        let path = location.pathname.get();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    Some(view! {
        <header class="topbar">
            <a class="brand" href="/">{tr!(locale, "app.name")}</a>
            <nav class="mainnav" aria-label=tr!(locale, "nav.main")>
                <a href="/">{tr!(locale, "nav.home")}</a>
                <a href="/stores">{tr!(locale, "nav.stores")}</a>
                <Suspense fallback=|| ()>
                    {move || {
                        let (role, reviews) = match me.get() {
                            Some(Ok(Some(m))) => (Some(m.role), m.reviews),
                            _ => (None, false),
                        };
                        view! {
                            {(role == Some(Role::Shopper)).then(|| view! { <a href="/shopper">{tr!(locale, "nav.shopper")}</a> })}
                            {(role == Some(Role::Employee)).then(|| view! { <a href="/self" rel="external">{tr!(locale, "nav.self")}</a> })}
                            {reviews.then(|| view! { <a href="/reviews" rel="external">{tr!(locale, "nav.reviews")}</a> })}
                            {matches!(role, Some(Role::Admin | Role::RegionalManager)).then(|| view! { <a href="/league" rel="external">{tr!(locale, "nav.league")}</a> })}
                            {matches!(role, Some(Role::Admin | Role::RegionalManager)).then(|| view! { <a href="/assign">{tr!(locale, "nav.assign")}</a> })}
                            {(role == Some(Role::Admin)).then(|| view! { <a href="/admin/stores">{tr!(locale, "nav.setup")}</a> })}
                            {(role == Some(Role::Admin)).then(|| view! { <a href="/admin/templates">{tr!(locale, "nav.checklists")}</a> })}
                            {matches!(role, Some(Role::Admin | Role::RegionalManager)).then(|| view! { <a href="/admin/users">{tr!(locale, "nav.people")}</a> })}
                            {(role == Some(Role::Admin)).then(|| view! { <a href="/admin/tokens">{tr!(locale, "nav.tokens")}</a> })}
                        }
                    }}
                </Suspense>
            </nav>
            <div class="account">
                <Suspense fallback=|| ()>
                    {move || match me.get() {
                        Some(Ok(Some(m))) => Either::Left(view! {
                            <a class="who" href="/account" rel="external">{m.display_name.clone()}</a>
                            <form method="post" action="/auth/logout" class="inline">
                                <input type="hidden" name="csrf" value=m.csrf.clone()/>
                                <button type="submit" class="link">{tr!(locale, "nav.sign_out")}</button>
                            </form>
                        }),
                        _ => Either::Right(view! { <a href="/login" rel="external">{tr!(locale, "nav.sign_in")}</a> }),
                    }}
                </Suspense>
            </div>
            <nav class="langs" aria-label=tr!(locale, "lang.label")>
                {Locale::ALL.into_iter().map(|l| {
                    let href = move || format!("/lang?to={}&next={}", l.code(), urlencode(&here()));
                    view! {
                        <a href=href rel="external" hreflang=l.code() lang=l.code()
                           aria-current=(l == locale).then_some("true")>{l.native_name()}</a>
                    }
                }).collect_view()}
            </nav>
        </header>
    })
}

/// Percent-encode a path for use as a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
