//! Servscope: the Leptos application (pages, server functions) and the shared domain.
//!
//! - `domain`: pure survey model and scoring, compiled for both server and browser;
//! - `api`: server functions and wire types;
//! - `ui`: pages and components;
//! - `routes`: every address the server answers and who may use it;
//! - `server` (feature `ssr`): all SQL, authentication, the ingest use case.

#![recursion_limit = "256"]

rust_i18n::i18n!("locales", fallback = "en");

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
    leptos::mount::hydrate_body(ui::App);
    // End-to-end tests wait for this before interacting with client-side behaviour.
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
