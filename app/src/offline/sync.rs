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
use crate::ui::shopper::draft::{ItemState, LocalResponse, Problem};

/// Bytes per photo request: small enough for a weak connection.
pub const CHUNK_BYTES: f64 = 256.0 * 1024.0;

thread_local! {
    static RUNNING: Cell<bool> = const { Cell::new(false) };
}

/// Why a pass stopped early.
pub enum Stop {
    /// Try again later (no connection, server trouble, signed out), with the details.
    Transient(Problem, String),
}

/// The request did not get through.
fn no_connection(detail: String) -> Stop {
    Stop::Transient(Problem::NoConnection, detail)
}

/// The phone's storage failed.
fn device(detail: String) -> Stop {
    Stop::Transient(Problem::Device, detail)
}

/// What happened to one item.
enum Settled {
    Sent(Receipt),
    /// Refused for good: why, and the server's words.
    Rejected(Problem, String),
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
    let database = db::open().await.map_err(device)?;
    let items = db::responses(&database, owner).await.map_err(device)?;
    let mut sent = 0;
    for mut item in items.into_iter().filter(|i| i.state.is_unsent()) {
        item.state = ItemState::Sending;
        item.problem = None;
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
            Ok(Settled::Rejected(problem, reason)) => {
                item.state = ItemState::Rejected;
                item.problem = Some(problem);
                item.message = (!reason.is_empty()).then_some(reason);
            }
            Err(Stop::Transient(problem, why)) => {
                item.state = ItemState::Queued;
                item.problem = Some(problem);
                item.message = (!why.is_empty()).then(|| why.clone());
                let _ = db::save_response(&database, &item).await;
                changed(&item);
                return Err(Stop::Transient(problem, why));
            }
        }
        db::save_response(&database, &item).await.map_err(device)?;
        changed(&item);
    }
    Ok(sent)
}

/// A reply that means "later", not "no".
fn transient(reply: &Reply) -> Option<Stop> {
    let problem = Problem::of_status(reply.status);
    problem
        .is_transient()
        .then(|| Stop::Transient(problem, reply.reason()))
}

async fn send_one(database: &Database, item: &LocalResponse) -> Result<Settled, Stop> {
    let Some(template) = db::load_template(database, &item.template, item.template_version)
        .await
        .map_err(device)?
    else {
        return Ok(Settled::Rejected(
            Problem::TemplateMissing,
            format!("{} v{}", item.template, item.template_version),
        ));
    };
    let submission = item.submission(without_hidden(&template.template, &item.answers));
    for hash in submission.photo_hashes(&template.template) {
        if let Some((problem, detail)) = upload_photo(database, &hash).await? {
            return Ok(Settled::Rejected(problem, detail));
        }
    }
    let body = serde_json::to_string(&submission).map_err(|e| device(e.to_string()))?;
    let reply = net::send(
        "PUT",
        &format!("/api/v1/responses/{}", item.id),
        Some(&JsValue::from_str(&body)),
        Some("application/json"),
    )
    .await
    .map_err(no_connection)?;
    if let Some(stop) = transient(&reply) {
        return Err(stop);
    }
    if reply.ok() {
        let receipt: Receipt = serde_json::from_str(&reply.text).map_err(|e| {
            Stop::Transient(
                Problem::ServerBusy {
                    status: reply.status,
                },
                e.to_string(),
            )
        })?;
        Ok(Settled::Sent(receipt))
    } else {
        Ok(Settled::Rejected(
            Problem::of_status(reply.status),
            reply.reason(),
        ))
    }
}

/// Upload one photo, resuming from the server's count. `Ok(Some(why))` when the photo
/// cannot be sent, ever.
async fn upload_photo(database: &Database, hash: &str) -> Result<Option<(Problem, String)>, Stop> {
    let Some(blob) = db::load_photo(database, hash).await.map_err(device)? else {
        return Ok(Some((Problem::PhotoMissing, hash.to_string())));
    };
    let size = blob.size();
    let content_type = match blob.type_().as_str() {
        "" => "image/jpeg".to_string(),
        t => t.to_string(),
    };
    let status_url = format!("/api/v1/photos/{hash}/upload");
    let reply = net::get_json(&status_url).await.map_err(no_connection)?;
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
            .map_err(|e| device(super::js_err(e)))?;
        let url = format!(
            "{status_url}?offset={}&size={}",
            received as u64, size as u64
        );
        let reply = net::send("PUT", &url, Some(&chunk), Some(&content_type))
            .await
            .map_err(no_connection)?;
        if let Some(stop) = transient(&reply) {
            return Err(stop);
        }
        // 200: the chunk is in. 409: the server stands elsewhere (an acknowledgement was
        // lost); continue from there.
        match (reply.status, upload_status(&reply.text)) {
            (200, Some(s)) if s.complete => return Ok(None),
            (200 | 409, Some(s)) => received = s.received as f64,
            _ => return Ok(Some((Problem::of_status(reply.status), reply.reason()))),
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
