//! The mystery shopper's app at `/shopper`: assignments, the checklist form, the outbox.
//!
//! It must open and work with no network, from cold. So the server renders only a shell
//! (header and a placeholder) that never depends on the query string, the service worker
//! keeps that one page, and after hydration everything is drawn from IndexedDB, refreshed
//! from the JSON API whenever the phone is online. `/shopper?a=<id>` opens an assignment's
//! form: the same shell, so the cached page serves every assignment offline.

pub mod draft;

#[cfg(feature = "hydrate")]
mod app;
#[cfg(feature = "hydrate")]
mod form;
#[cfg(feature = "hydrate")]
mod inputs;
#[cfg(feature = "hydrate")]
mod list;

use leptos::prelude::*;

use super::{use_locale, use_me, SignInPrompt};
use crate::api::wire::Role;
use crate::tr;

#[component]
pub fn ShopperPage() -> impl IntoView {
    let locale = use_locale();
    let me = use_me().0;
    // True only in the browser after hydration: the server and the hydrating client render
    // the same placeholder, then the client app takes over.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <Suspense fallback=|| ()>
            {move || match me.get() {
                Some(Ok(Some(m))) if m.role == Role::Shopper => {
                    let username = m.username.clone();
                    view! {
                        <Show when=move || mounted.get() fallback=move || view! { <ShellPlaceholder/> }>
                            {client_app(username.clone())}
                        </Show>
                    }.into_any()
                }
                Some(Ok(Some(_))) => view! {
                    <section class="card" role="status"><p>{tr!(locale, "shopper.only_shoppers")}</p></section>
                }.into_any(),
                _ => view! { <SignInPrompt next="/shopper"/> }.into_any(),
            }}
        </Suspense>
    }
}

#[component]
fn ShellPlaceholder() -> impl IntoView {
    let locale = use_locale();
    view! {
        // The service worker keeps only pages that carry this mark.
        <section class="card" aria-busy="true" data-shell="shopper">
            <h1>{tr!(locale, "shopper.title")}</h1>
            <p>{tr!(locale, "shopper.loading")}</p>
            <noscript><p class="error">{tr!(locale, "shopper.needs_js")}</p></noscript>
        </section>
    }
}

/// "queued", "rejected"... in the page's language.
pub fn state_label(locale: crate::i18n::Locale, state: draft::ItemState) -> String {
    let key = format!("shopper.state.{}", state.as_str());
    tr!(locale, key.as_str())
}

#[cfg(feature = "hydrate")]
fn client_app(owner: String) -> AnyView {
    view! { <app::ShopperApp owner/> }.into_any()
}

#[cfg(not(feature = "hydrate"))]
fn client_app(_owner: String) -> AnyView {
    ().into_any()
}
