//! The survey link use cases for managers: see a store's link (made on first use) and rotate
//! it. Scoped like every store read: only managers and admins who may see the store.

use http::HeaderMap;

use super::auth::Actor;
use super::db::{org, survey_links, Db};
use super::error::{ServiceError, ServiceResult};
use super::qr;
use super::state::Settings;
use crate::domain::survey_link::ChannelTag;
use crate::i18n::Locale;

pub struct StoreLink {
    pub store_code: String,
    pub store_name: crate::domain::I18nText,
    pub key: String,
}

impl StoreLink {
    /// The address a code holds, with the language and placement asked for (`lang`, `ch`
    /// as in the link's query; unknown values are left out), and what was understood of them.
    pub fn url(
        &self,
        base: &str,
        lang: &str,
        ch: &str,
    ) -> (String, Option<Locale>, Option<ChannelTag>) {
        let lang = Locale::from_code(lang);
        let tag = ChannelTag::parse(ch);
        (
            qr::survey_url(base, &self.store_code, &self.key, lang, tag),
            lang,
            tag,
        )
    }
}

/// The store, if the actor manages it (or oversees it). A store the actor may not see is
/// "not found", so codes cannot be probed.
async fn managed_store(
    db: &Db,
    actor: &Actor,
    code: &str,
) -> ServiceResult<(i64, crate::domain::I18nText)> {
    if !actor.role.reads_scores() {
        return Err(ServiceError::Forbidden);
    }
    org::visible_store_row(db, actor, code)
        .await?
        .map(|s| (s.id, s.names.text()))
        .ok_or(ServiceError::NotFound)
}

pub async fn link_for(db: &Db, actor: &Actor, code: &str, now_ms: i64) -> ServiceResult<StoreLink> {
    let (store_id, store_name) = managed_store(db, actor, code).await?;
    let key = survey_links::current_key(db, store_id, now_ms).await?;
    Ok(StoreLink {
        store_code: code.to_string(),
        store_name,
        key,
    })
}

pub async fn rotate_for(
    db: &Db,
    actor: &Actor,
    code: &str,
    now_ms: i64,
) -> ServiceResult<StoreLink> {
    let (store_id, store_name) = managed_store(db, actor, code).await?;
    let key = survey_links::rotate(db, store_id, now_ms).await?;
    tracing::info!(user_id = actor.user_id, store = code, "survey link rotated");
    Ok(StoreLink {
        store_code: code.to_string(),
        store_name,
        key,
    })
}

/// Where customers reach this server: the configured public address, else the address this
/// request came to (fine on a local network; set `SERVSCOPE_PUBLIC_URL` behind a proxy).
pub fn public_base(settings: &Settings, headers: &HeaderMap) -> String {
    if let Some(url) = &settings.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// Set (a PIN of digits) or remove (empty) the store's staff self-assessment link. Returns
/// whether a PIN is now set.
pub async fn set_staff_pin_for(
    db: &Db,
    actor: &Actor,
    code: &str,
    pin: &str,
) -> ServiceResult<bool> {
    let (store_id, _) = managed_store(db, actor, code).await?;
    let hash = if pin.is_empty() {
        None
    } else {
        Some(
            super::auth::hash_password_blocking(pin.to_string())
                .await?
                .0,
        )
    };
    org::set_staff_pin(db, store_id, hash.as_deref()).await?;
    tracing::info!(
        user_id = actor.user_id,
        store = code,
        set = hash.is_some(),
        "staff link PIN changed"
    );
    Ok(hash.is_some())
}

/// Whether the store's staff link is open (a PIN is set).
pub async fn staff_link_open(db: &Db, code: &str) -> ServiceResult<bool> {
    Ok(org::staff_store_by_code(db, code)
        .await?
        .is_some_and(|s| s.staff_pin_hash.is_some()))
}
