//! Browser-only (feature `hydrate`): what makes the shopper app work without a network.
//!
//! - `db`: IndexedDB, where drafts, the outbox, photos and the assignment feed live;
//! - `net`: `fetch` calls to the stable JSON API;
//! - `photo`: compress a camera photo and hash it;
//! - `sync`: send the outbox (photos in resumable chunks, then the idempotent PUT);
//! - `platform`: service worker, persistent storage, geolocation and other browser bits.

pub mod db;
pub mod net;
pub mod photo;
pub mod platform;
pub mod sync;

/// Any failure below, in words a shopper can read.
pub type Result<T> = std::result::Result<T, String>;

pub(crate) fn js_err(e: impl std::fmt::Debug) -> String {
    format!("{e:?}")
}
