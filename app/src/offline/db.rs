//! IndexedDB on the phone. One database, five object stores, keyed so that each user's data
//! is separate (`owner` on every record) and a newer bundle keeps reading older records:
//! stores are only ever added (a version bump with an upgrade that creates what is missing).
//!
//! Records are `{ owner, body }` with `body` the JSON of a Rust type; photos are stored as
//! Blobs. The format is documented in docs/offline.md.

use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::{js_err, Result};
use crate::api::wire::{ShopperFeed, TemplateVersionView};
use crate::ui::shopper::draft::LocalResponse;

pub const DB_NAME: &str = "servscope";
const DB_VERSION: u32 = 1;
pub const FEED: &str = "feed";
pub const TEMPLATES: &str = "templates";
pub const RESPONSES: &str = "responses";
pub const PHOTOS: &str = "photos";
pub const META: &str = "meta";
const STORES: [&str; 5] = [FEED, TEMPLATES, RESPONSES, PHOTOS, META];

thread_local! {
    // One connection for the life of the page: opening costs a round trip per call.
    static OPEN: std::cell::RefCell<Option<std::rc::Rc<Database>>> = const { std::cell::RefCell::new(None) };
}

pub async fn open() -> Result<std::rc::Rc<Database>> {
    if let Some(db) = OPEN.with(|o| o.borrow().clone()) {
        return Ok(db);
    }
    let db = std::rc::Rc::new(connect().await?);
    OPEN.with(|o| *o.borrow_mut() = Some(db.clone()));
    Ok(db)
}

async fn connect() -> Result<Database> {
    let factory = Factory::new().map_err(js_err)?;
    let mut request = factory.open(DB_NAME, Some(DB_VERSION)).map_err(js_err)?;
    request.on_upgrade_needed(|event| {
        let Ok(db) = event.database() else { return };
        let existing = db.store_names();
        for name in STORES {
            if !existing.iter().any(|n| n == name) {
                let _ = db.create_object_store(name, ObjectStoreParams::new());
            }
        }
    });
    request.await.map_err(js_err)
}

fn record(owner: &str, body: &str) -> Result<JsValue> {
    let o = Object::new();
    Reflect::set(&o, &"owner".into(), &owner.into()).map_err(js_err)?;
    Reflect::set(&o, &"body".into(), &body.into()).map_err(js_err)?;
    Ok(o.into())
}

fn field(v: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(v, &name.into())
        .ok()
        .filter(|x| !x.is_undefined())
}

fn owner_and_body(v: &JsValue) -> Option<(String, String)> {
    Some((
        field(v, "owner")?.as_string()?,
        field(v, "body")?.as_string()?,
    ))
}

async fn put(db: &Database, store: &str, key: &str, value: &JsValue) -> Result<()> {
    let tx = db
        .transaction(&[store], TransactionMode::ReadWrite)
        .map_err(js_err)?;
    let s = tx.object_store(store).map_err(js_err)?;
    s.put(value, Some(&JsValue::from_str(key)))
        .map_err(js_err)?
        .await
        .map_err(js_err)?;
    tx.commit().map_err(js_err)?.await.map_err(js_err)?;
    Ok(())
}

async fn get(db: &Database, store: &str, key: &str) -> Result<Option<JsValue>> {
    let tx = db
        .transaction(&[store], TransactionMode::ReadOnly)
        .map_err(js_err)?;
    let s = tx.object_store(store).map_err(js_err)?;
    let v = s
        .get(JsValue::from_str(key))
        .map_err(js_err)?
        .await
        .map_err(js_err)?;
    Ok(v)
}

async fn all(db: &Database, store: &str) -> Result<Vec<JsValue>> {
    let tx = db
        .transaction(&[store], TransactionMode::ReadOnly)
        .map_err(js_err)?;
    let s = tx.object_store(store).map_err(js_err)?;
    s.get_all(None, None).map_err(js_err)?.await.map_err(js_err)
}

pub async fn save_feed(db: &Database, owner: &str, feed: &ShopperFeed) -> Result<()> {
    // Template versions are kept apart and never deleted: a draft pinned to a version must
    // stay fillable even after the feed stops listing it.
    for t in &feed.templates {
        let body = serde_json::to_string(t).map_err(js_err)?;
        put(
            db,
            TEMPLATES,
            &format!("{}@{}", t.key, t.version),
            &record("", &body)?,
        )
        .await?;
    }
    let body = serde_json::to_string(&feed.assignments).map_err(js_err)?;
    put(db, FEED, owner, &record(owner, &body)?).await
}

pub async fn load_feed(
    db: &Database,
    owner: &str,
) -> Result<Vec<crate::api::wire::AssignmentView>> {
    let Some(v) = get(db, FEED, owner).await? else {
        return Ok(Vec::new());
    };
    match owner_and_body(&v) {
        Some((o, body)) if o == owner => serde_json::from_str(&body).map_err(js_err),
        _ => Ok(Vec::new()),
    }
}

/// The key of a user's past visits in the feed store (beside their job list).
fn visits_key(owner: &str) -> String {
    format!("{owner}#visits")
}

/// The shopper's past visits as the server last listed them (status, score, comments).
pub async fn save_visits(
    db: &Database,
    owner: &str,
    visits: &[crate::api::wire::review::MyVisit],
) -> Result<()> {
    let body = serde_json::to_string(visits).map_err(js_err)?;
    put(db, FEED, &visits_key(owner), &record(owner, &body)?).await
}

pub async fn load_visits(
    db: &Database,
    owner: &str,
) -> Result<Vec<crate::api::wire::review::MyVisit>> {
    let Some(v) = get(db, FEED, &visits_key(owner)).await? else {
        return Ok(Vec::new());
    };
    match owner_and_body(&v) {
        Some((o, body)) if o == owner => Ok(serde_json::from_str(&body).unwrap_or_default()),
        _ => Ok(Vec::new()),
    }
}

pub async fn load_template(
    db: &Database,
    key: &str,
    version: u32,
) -> Result<Option<TemplateVersionView>> {
    let Some(v) = get(db, TEMPLATES, &format!("{key}@{version}")).await? else {
        return Ok(None);
    };
    let Some((_, body)) = owner_and_body(&v) else {
        return Ok(None);
    };
    serde_json::from_str(&body).map(Some).map_err(js_err)
}

pub async fn save_response(db: &Database, r: &LocalResponse) -> Result<()> {
    let body = serde_json::to_string(r).map_err(js_err)?;
    put(db, RESPONSES, &r.id, &record(&r.owner, &body)?).await
}

/// Every response of this owner, oldest first. Records that do not parse (never expected)
/// are skipped rather than blocking the rest.
pub async fn responses(db: &Database, owner: &str) -> Result<Vec<LocalResponse>> {
    let mut list: Vec<LocalResponse> = all(db, RESPONSES)
        .await?
        .iter()
        .filter_map(owner_and_body)
        .filter(|(o, _)| o == owner)
        .filter_map(|(_, body)| serde_json::from_str(&body).ok())
        .collect();
    list.sort_by_key(|r| r.started_at);
    Ok(list)
}

/// What signing out leaves of a user on a shared phone: only their work that is not on the
/// server yet (drafts, the outbox, refused items, and the photos these show), owner-tagged
/// and shown to nobody else. The job list, the past visits, the sync bookkeeping, sent items
/// and other photos go, so the next user of the phone cannot read them.
pub async fn forget_user(db: &Database, owner: &str) -> Result<()> {
    let (sent, kept): (Vec<LocalResponse>, Vec<LocalResponse>) = responses(db, owner)
        .await?
        .into_iter()
        .partition(|r| r.state == crate::ui::shopper::draft::ItemState::Sent);
    let kept_photos: std::collections::HashSet<String> = kept
        .iter()
        .flat_map(|r| r.answers.iter())
        .filter_map(|a| {
            a.value
                .as_ref()
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .collect();
    let photo_keys = {
        let tx = db
            .transaction(&[PHOTOS], TransactionMode::ReadOnly)
            .map_err(js_err)?;
        let store = tx.object_store(PHOTOS).map_err(js_err)?;
        store
            .get_all_keys(None, None)
            .map_err(js_err)?
            .await
            .map_err(js_err)?
    };
    let photo_values = all(db, PHOTOS).await?;
    let photos: Vec<JsValue> = photo_keys
        .into_iter()
        .zip(photo_values)
        .filter(|(key, value)| {
            let theirs =
                field(value, "owner").and_then(|o| o.as_string()).as_deref() == Some(owner);
            theirs && !key.as_string().is_some_and(|k| kept_photos.contains(&k))
        })
        .map(|(key, _)| key)
        .collect();
    let sent: Vec<JsValue> = sent.iter().map(|r| JsValue::from_str(&r.id)).collect();
    let tx = db
        .transaction(&[FEED, META, RESPONSES, PHOTOS], TransactionMode::ReadWrite)
        .map_err(js_err)?;
    for (store, keys) in [
        (
            FEED,
            vec![
                JsValue::from_str(owner),
                JsValue::from_str(&visits_key(owner)),
            ],
        ),
        (META, vec![JsValue::from_str(owner)]),
        (RESPONSES, sent),
        (PHOTOS, photos),
    ] {
        let s = tx.object_store(store).map_err(js_err)?;
        for key in keys {
            s.delete(key).map_err(js_err)?.await.map_err(js_err)?;
        }
    }
    tx.commit().map_err(js_err)?.await.map_err(js_err)?;
    Ok(())
}

pub async fn save_photo(
    db: &Database,
    owner: &str,
    sha256: &str,
    blob: &web_sys::Blob,
) -> Result<()> {
    let o = Object::new();
    Reflect::set(&o, &"owner".into(), &owner.into()).map_err(js_err)?;
    Reflect::set(&o, &"blob".into(), blob).map_err(js_err)?;
    put(db, PHOTOS, sha256, &o.into()).await
}

pub async fn load_photo(db: &Database, sha256: &str) -> Result<Option<web_sys::Blob>> {
    Ok(get(db, PHOTOS, sha256)
        .await?
        .and_then(|v| field(&v, "blob"))
        .and_then(|b| b.dyn_into::<web_sys::Blob>().ok()))
}

/// Sync bookkeeping per user: last success, last error, failures in a row.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, Default, PartialEq)]
pub struct SyncMeta {
    pub last_success: Option<chrono::DateTime<chrono::Utc>>,
    /// What stopped the last attempt, in the user's language when shown.
    #[serde(default)]
    pub last_problem: Option<crate::ui::shopper::draft::Problem>,
    /// Its details, as the server or the browser said them.
    pub last_error: Option<String>,
    pub failures: u32,
    pub next_attempt_ms: i64,
}

pub async fn load_meta(db: &Database, owner: &str) -> Result<SyncMeta> {
    Ok(get(db, META, owner)
        .await?
        .as_ref()
        .and_then(owner_and_body)
        .and_then(|(_, body)| serde_json::from_str(&body).ok())
        .unwrap_or_default())
}

pub async fn save_meta(db: &Database, owner: &str, meta: &SyncMeta) -> Result<()> {
    let body = serde_json::to_string(meta).map_err(js_err)?;
    put(db, META, owner, &record(owner, &body)?).await
}
