//! The organisation's settings: read for every figure and form that depends on them (from the
//! database each time, so several servers on one database always agree), changed by admins
//! with every change in the audit log.

use std::collections::BTreeMap;

use super::actor::Actor;
use super::db::audit::{self, Change, Subject};
use super::db::org_settings as stored;
use super::db::Db;
use super::error::{ServiceError, ServiceResult};
use super::state::Settings;
use crate::api::wire::Role;
use crate::domain::org_settings::{OrgSettings, KEYS};
use crate::domain::FieldError;

/// The defaults: the product's, with the two that were server flags taken from the flags (so
/// a deployment that set them keeps them until an admin changes them on the page).
pub fn defaults(flags: &Settings) -> OrgSettings {
    OrgSettings {
        revisit_days: flags.revisit_days,
        survey_repeat_hours: flags.survey_repeat_hours,
        ..OrgSettings::default()
    }
}

fn apply(mut settings: OrgSettings, rows: Vec<(String, String)>) -> OrgSettings {
    for (key, value) in rows {
        // A value that no longer reads (or a key of a newer version) keeps the default.
        let mut next = settings.clone();
        if next.set(&key, &value).is_ok() {
            settings = next;
        }
    }
    settings
}

/// The settings in force.
pub async fn load(db: &Db, flags: &Settings) -> Result<OrgSettings, sqlx::Error> {
    Ok(apply(defaults(flags), stored::stored(db).await?))
}

/// Change settings (`key` -> text): all are checked first; nothing is stored unless all are
/// right. Returns the settings in force afterwards.
pub async fn update(
    db: &Db,
    flags: &Settings,
    actor: &Actor,
    changes: &BTreeMap<String, String>,
    now: i64,
) -> ServiceResult<OrgSettings> {
    if actor.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let mut tx = db.write_tx().await?;
    let current = apply(defaults(flags), stored::stored_in(&mut tx).await?);
    let mut next = current.clone();
    let mut errors = Vec::new();
    for (key, value) in changes {
        if let Err(e) = next.set(key, value) {
            errors.push(FieldError::new(key.as_str(), e));
        }
    }
    if errors.is_empty() {
        if let Err((key, e)) = next.check() {
            errors.push(FieldError::new(key, e));
        }
    }
    if next.customer_template != current.customer_template {
        let channel = super::db::templates::channel_of(&mut tx, &next.customer_template).await?;
        if channel.as_deref() != Some(crate::domain::Channel::CustomerQr.as_str()) {
            errors.push(FieldError::new(
                "customer_template",
                "no published customer survey has this key",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    for key in KEYS {
        let (old, new) = (current.get(key), next.get(key));
        if old != new {
            let new = new.unwrap_or_default();
            stored::put(&mut tx, key, &new, actor.user_id, now).await?;
            audit::record(
                &mut tx,
                actor,
                now,
                Change {
                    subject: Subject::Setting,
                    key,
                    field: "value",
                    old: old.as_deref(),
                    new: Some(&new),
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(next)
}
