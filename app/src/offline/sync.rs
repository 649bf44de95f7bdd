//! One sync pass: for each unsent response of the signed-in user, oldest first, upload its
//! photos (chunked, resumed from where the server stands) and then PUT the response with its
//! device-made id. The PUT is idempotent, so a pass interrupted anywhere is simply run again.
//!
//! A refusal by the server (409, 422, 403...) settles the item as rejected with the server's
//! reason; it stays on the phone, readable and exportable. A network failure, a 5xx or a
//! lost sign-in stops the pass and leaves the item queued for the next attempt.

use std::cell::Cell;

use idb::Database;
use wasm_bindgen::JsValue;

use super::db;
use super::net::{self, Reply};
use crate::api::wire::{PhotoUploadStatus, Receipt};
use crate::domain::without_hidden;
use crate::ui::shopper::draft::{ItemState, LocalResponse};

/// Bytes per photo request: small enough for a weak connection.
pub const CHUNK_BYTES: f64 = 256.0 * 1024.0;

thread_local! {
    static RUNNING: Cell<bool> = const { Cell::new(false) };
}

/// Why a pass stopped early.
pub enum Stop {
    /// Try again later (no connection, server trouble, signed out).
    Transient(String),
}

/// What happened to one item.
enum Settled {
    Sent(Receipt),
    Rejected(String),
}

/// Run a pass unless one is already running. `changed` gets every item whose state changed,
/// so the page can redraw it. Returns how many items were sent.
pub async fn run_pass(owner: &str, changed: &dyn Fn(&LocalResponse)) -> Result<usize, Stop> {
    if RUNNING.with(|r| r.replace(true)) {
        return Ok(0);
    }
    let result = pass(owner, changed).await;
    RUNNING.with(|r| r.set(false));
    result
}

async fn pass(owner: &str, changed: &dyn Fn(&LocalResponse)) -> Result<usize, Stop> {
    let database = db::open().await.map_err(Stop::Transient)?;
    let items = db::responses(&database, owner)
        .await
        .map_err(Stop::Transient)?;
    let mut sent = 0;
    for mut item in items.into_iter().filter(|i| i.state.is_unsent()) {
        item.state = ItemState::Sending;
        item.message = None;
        let _ = db::save_response(&database, &item).await;
        changed(&item);
        let outcome = send_one(&database, &item).await;
        match outcome {
            Ok(Settled::Sent(receipt)) => {
                item.state = ItemState::Sent;
                item.receipt = Some(receipt);
                sent += 1;
            }
            Ok(Settled::Rejected(reason)) => {
                item.state = ItemState::Rejected;
                item.message = Some(reason);
            }
            Err(Stop::Transient(why)) => {
                item.state = ItemState::Queued;
                item.message = Some(why.clone());
                let _ = db::save_response(&database, &item).await;
                changed(&item);
                return Err(Stop::Transient(why));
            }
        }
        db::save_response(&database, &item)
            .await
            .map_err(Stop::Transient)?;
        changed(&item);
    }
    Ok(sent)
}

fn transient(reply: &Reply) -> Option<Stop> {
    match reply.status {
        401 => Some(Stop::Transient(
            "signed out: sign in again to send".to_string(),
        )),
        408 | 429 | 500..=599 => Some(Stop::Transient(format!(
            "the server could not take it now ({})",
            reply.status
        ))),
        _ => None,
    }
}

async fn send_one(database: &Database, item: &LocalResponse) -> Result<Settled, Stop> {
    let Some(template) = db::load_template(database, &item.template, item.template_version)
        .await
        .map_err(Stop::Transient)?
    else {
        return Ok(Settled::Rejected(format!(
            "template {} version {} is missing on this phone",
            item.template, item.template_version
        )));
    };
    let submission = item.submission(without_hidden(&template.template, &item.answers));
    for hash in submission.photo_hashes(&template.template) {
        if let Some(rejected) = upload_photo(database, &hash).await? {
            return Ok(Settled::Rejected(rejected));
        }
    }
    let body = serde_json::to_string(&submission).map_err(|e| Stop::Transient(e.to_string()))?;
    let reply = net::send(
        "PUT",
        &format!("/api/v1/responses/{}", item.id),
        Some(&JsValue::from_str(&body)),
        Some("application/json"),
    )
    .await
    .map_err(Stop::Transient)?;
    if let Some(stop) = transient(&reply) {
        return Err(stop);
    }
    if reply.ok() {
        let receipt: Receipt =
            serde_json::from_str(&reply.text).map_err(|e| Stop::Transient(e.to_string()))?;
        Ok(Settled::Sent(receipt))
    } else {
        Ok(Settled::Rejected(reply.reason()))
    }
}

/// Upload one photo, resuming from the server's count. `Ok(Some(reason))` when the server
/// refuses the photo for good.
async fn upload_photo(database: &Database, hash: &str) -> Result<Option<String>, Stop> {
    let Some(blob) = db::load_photo(database, hash)
        .await
        .map_err(Stop::Transient)?
    else {
        return Ok(Some(format!("photo {hash} is missing on this phone")));
    };
    let size = blob.size();
    let content_type = match blob.type_().as_str() {
        "" => "image/jpeg".to_string(),
        t => t.to_string(),
    };
    let status_url = format!("/api/v1/photos/{hash}/upload");
    let reply = net::get_json(&status_url).await.map_err(Stop::Transient)?;
    if let Some(stop) = transient(&reply) {
        return Err(stop);
    }
    let current = upload_status(&reply.text);
    if reply.ok() && current.as_ref().is_some_and(|s| s.complete) {
        return Ok(None);
    }
    let mut received = current.map_or(0.0, |s| s.received as f64);
    while received < size {
        let end = (received + CHUNK_BYTES).min(size);
        let chunk = blob
            .slice_with_f64_and_f64(received, end)
            .map_err(|e| Stop::Transient(super::js_err(e)))?;
        let url = format!(
            "{status_url}?offset={}&size={}",
            received as u64, size as u64
        );
        let reply = net::send("PUT", &url, Some(&chunk), Some(&content_type))
            .await
            .map_err(Stop::Transient)?;
        if let Some(stop) = transient(&reply) {
            return Err(stop);
        }
        // 200: the chunk is in. 409: the server stands elsewhere (an acknowledgement was
        // lost); continue from there.
        match (reply.status, upload_status(&reply.text)) {
            (200, Some(s)) if s.complete => return Ok(None),
            (200 | 409, Some(s)) => received = s.received as f64,
            _ => return Ok(Some(reply.reason())),
        }
    }
    Ok(None)
}

/// The server's answer about an upload: the body of a 200, or `status` inside a 409.
fn upload_status(text: &str) -> Option<PhotoUploadStatus> {
    serde_json::from_str::<PhotoUploadStatus>(text)
        .ok()
        .or_else(|| {
            serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| serde_json::from_value(v["status"].clone()).ok())
        })
}
