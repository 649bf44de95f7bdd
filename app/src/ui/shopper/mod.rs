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
pub(crate) mod inputs;
#[cfg(feature = "hydrate")]
mod list;
#[cfg(feature = "hydrate")]
mod store_facts;

use leptos::either::EitherOf3;
use leptos::prelude::*;

use super::{use_locale, use_me, SignInPrompt};
use crate::api::wire::Role;
use crate::tr;

#[component]
pub fn ShopperPage() -> impl IntoView {
    let locale = use_locale();
    let me = use_me().0;
    view! {
        <Suspense fallback=|| ()>
            {move || match me.get() {
                Some(Ok(Some(m))) if m.role == Role::Shopper => {
                    EitherOf3::A(view! { <ShopperMount owner=m.username/> })
                }
                Some(Ok(Some(_))) => EitherOf3::B(view! {
                    <section class="card" role="status"><p>{tr!(locale, "shopper.only_shoppers")}</p></section>
                }),
                _ => EitherOf3::C(view! { <SignInPrompt next="/shopper"/> }),
            }}
        </Suspense>
    }
}

/// The server renders the mount point with a placeholder inside; the browser builds the
/// client app into it (`start`). Nothing on the page is hydrated: every other page is
/// rendered on the server only, so the bundle carries neither hydration code nor the other
/// pages (design.md section 2: the shopper's first load is kept small).
#[component]
fn ShopperMount(owner: String) -> impl IntoView {
    view! {
        <div class="shopper-root" data-owner=owner><ShellPlaceholder/></div>
    }
}

/// In the browser: build the shopper app into `/shopper`'s mount point, if the page has one.
/// `/shopper?a=<id>` opens a job's form by the router's query, so the app runs under a
/// router; a link to any other page loads that page from the server. (No `<Routes>`: a
/// route's view is type-erased, which would keep the app's hydration code in the bundle.)
#[cfg(feature = "hydrate")]
pub fn start() -> bool {
    use leptos_router::components::Router;
    use wasm_bindgen::JsCast;

    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".shopper-root[data-owner]").ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    let owner = root.get_attribute("data-owner").unwrap_or_default();
    // The placeholder goes; the app draws its own "loading" state.
    root.set_text_content(None);
    let locale = crate::ui::request_locale();
    leptos::mount::mount_to(root, move || {
        provide_context(locale);
        view! {
            <Router>
                <LeaveForOtherPages/>
                <app::ShopperApp owner/>
            </Router>
        }
    })
    .forget();
    true
}

/// The router handles every link on the page; one to another page than `/shopper` is loaded
/// from the server (all other pages are rendered there).
#[cfg(feature = "hydrate")]
#[component]
fn LeaveForOtherPages() -> impl IntoView {
    let url = leptos_router::hooks::use_url();
    Effect::new(move |_| {
        let url = url.get();
        if url.path() != "/shopper" {
            crate::ui::load_from_server(&url);
        }
    });
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

/// Why something was not sent, in the page's language.
pub fn problem_text(locale: crate::i18n::Locale, problem: draft::Problem) -> String {
    use draft::Problem as P;
    match problem {
        P::NoConnection => tr!(locale, "shopper.problem.no_connection"),
        P::ServerBusy { status } => tr!(locale, "shopper.problem.server_busy", status = status),
        P::SignedOut => tr!(locale, "shopper.problem.signed_out"),
        P::Device => tr!(locale, "shopper.problem.device"),
        P::AlreadyAnswered => tr!(locale, "shopper.problem.already_answered"),
        P::NotAllowed => tr!(locale, "shopper.problem.not_allowed"),
        P::Refused => tr!(locale, "shopper.problem.refused"),
        P::TemplateMissing => tr!(locale, "shopper.problem.template_missing"),
        P::PhotoMissing => tr!(locale, "shopper.problem.photo_missing"),
    }
}

/// The server's receipt in the page's language: "Received 14:02 · 87 % (13 of 15 points)".
pub fn receipt_text(locale: crate::i18n::Locale, r: &crate::api::wire::Receipt) -> String {
    use crate::domain::display::{date_time, trimmed};
    let at = date_time(&r.received_at.with_timezone(&chrono::Local).naive_local());
    let points = tr!(
        locale,
        "shopper.receipt.points",
        earned = trimmed(r.points_earned, 1),
        possible = trimmed(r.points_possible, 1)
    );
    match r.score {
        Some(score) => tr!(
            locale,
            "shopper.receipt.scored",
            at = at,
            score = trimmed(score, 0),
            points = points
        ),
        None => tr!(locale, "shopper.receipt.unscored", at = at),
    }
}

/// Why an item was not sent, in the user's language, with the server's own words folded
/// away as details.
#[component]
pub fn ProblemNote(problem: Option<draft::Problem>, message: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let lead = match (problem, &message) {
        (Some(p), _) => Some(problem_text(locale, p)),
        (None, Some(m)) => Some(m.clone()),
        (None, None) => None,
    };
    let details = message.filter(|_| problem.is_some());
    lead.map(|lead| {
        view! {
            <span class="reason" data-problem=problem.map(|p| format!("{p:?}"))>{lead}</span>
            {details.map(|d| view! {
                <details class="problem-details">
                    <summary>{tr!(locale, "shopper.problem.details")}</summary>
                    <p>{d}</p>
                </details>
            })}
        }
    })
}

/// "queued", "rejected"... in the page's language.
pub fn state_label(locale: crate::i18n::Locale, state: draft::ItemState) -> String {
    let key = format!("shopper.state.{}", state.as_str());
    tr!(locale, key.as_str())
}
