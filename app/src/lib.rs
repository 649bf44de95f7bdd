//! Servscope: the Leptos application (pages, server functions) and the shared domain.
//!
//! - `domain`: pure survey model and scoring, compiled for both server and browser;
//! - `api`: server functions and wire types;
//! - `ui`: pages and components;
//! - `routes`: every address the server answers and who may use it;
//! - `server` (feature `ssr`): all SQL, authentication, the ingest use case.

#![recursion_limit = "256"]

// The server knows every message; the browser bundle carries only the ones the browser shows
// (`locales/browser`, a quarter of them), which keeps the shopper's first load smaller.
// The designer's bundle (admins only) carries them all.
#[cfg(not(all(feature = "hydrate", not(feature = "ssr"), not(feature = "designer"))))]
rust_i18n::i18n!("locales", fallback = "en");
#[cfg(all(feature = "hydrate", not(feature = "ssr"), not(feature = "designer")))]
rust_i18n::i18n!("locales/browser", fallback = "en");

pub mod api;
pub mod domain;
pub mod i18n;
#[cfg(feature = "hydrate")]
pub mod offline;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Only `/shopper` loads the bundle, and its app is built, not hydrated: the server renders
    // every other page completely, so nothing else needs the page's code in the browser.
    #[cfg(not(feature = "designer"))]
    ui::shopper::start();
    // The designer's own bundle: the checklist designer's live phone preview.
    #[cfg(feature = "designer")]
    ui::admin::designer_live::start();
    // End-to-end tests wait for this before interacting with client-side behaviour.
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
