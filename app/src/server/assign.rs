//! Making and cancelling mystery-shopping assignments (admins and regional managers), and the
//! feed a shopper's phone downloads to work offline.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::auth::Actor;
use super::db::assignments::{self, NewAssignment};
use super::db::templates::{latest_versions, TemplateCache};
use super::db::{org, users, Db};
use super::error::{ServiceError, ServiceResult};
use crate::api::wire::{Role, ShopperFeed, TemplateVersionView};
use crate::domain::{Channel, FieldError};

/// The body of `POST /api/v1/assignments` and of the assignment form.
#[derive(Deserialize, Clone, Debug)]
pub struct AssignmentRequest {
    pub store: String,
    /// Template key; the newest version is pinned at this moment.
    pub template: String,
    /// The shopper's username.
    pub shopper: String,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    #[serde(default)]
    pub instructions: String,
}

const MAX_INSTRUCTIONS: usize = 2000;
/// How long after its window the phone keeps showing a settled assignment.
const FEED_HISTORY_DAYS: i64 = 30;

/// "Today" for checking that a window is not in the past. The store-local date is not known
/// here (stores span time zones), so a window counts as past only when it ended before
/// yesterday in UTC.
pub fn lenient_today() -> NaiveDate {
    (chrono::Utc::now() - Duration::days(1)).date_naive()
}

pub fn may_assign(role: Role) -> bool {
    matches!(role, Role::Admin | Role::RegionalManager)
}

/// Words in the refusal of an assignment too close to another of the shopper at the store
/// (the form page tells this case apart by them).
pub const TOO_CLOSE: &str = "visits to one store must be more than";

/// Check everything, report every problem at once, store nothing unless all is well.
pub async fn create_assignment(
    db: &Db,
    actor: &Actor,
    req: &AssignmentRequest,
    min_gap_days: u32,
    today: NaiveDate,
    now_ms: i64,
) -> ServiceResult<i64> {
    if !may_assign(actor.role) {
        return Err(ServiceError::Forbidden);
    }
    let mut errors = Vec::new();
    let store = match org::visible_store(db, actor, req.store.trim(), 0).await? {
        Some(_) => org::store_by_code(db, req.store.trim()).await?,
        None => None,
    };
    if store.is_none() {
        errors.push(FieldError::new(
            "store",
            format!(
                "no store with code {} that you may assign",
                req.store.trim()
            ),
        ));
    }
    let template = latest_versions(db)
        .await?
        .into_iter()
        .find(|(t, _)| t.key == req.template)
        .map(|(t, _)| t);
    let template_version = match &template {
        Some(t)
            if t.channel == Channel::MysteryVisit.as_str()
                || t.channel == Channel::MysteryCall.as_str() =>
        {
            super::db::templates::load_version(db, &t.key, t.version).await?
        }
        _ => None,
    };
    if template_version.is_none() {
        errors.push(FieldError::new(
            "template",
            format!("no mystery visit or call template {}", req.template),
        ));
    }
    let shopper = users::actor_by_username(db, req.shopper.trim())
        .await?
        .filter(|u| u.role == Role::Shopper);
    if shopper.is_none() {
        errors.push(FieldError::new(
            "shopper",
            format!("no active shopper {}", req.shopper.trim()),
        ));
    }
    if req.window_end < req.window_start {
        errors.push(FieldError::new(
            "window_end",
            "the window ends before it starts",
        ));
    } else if req.window_end < today {
        errors.push(FieldError::new("window_end", "the window is in the past"));
    } else if req.window_end - req.window_start > Duration::days(92) {
        errors.push(FieldError::new(
            "window_end",
            "a window is at most 92 days long",
        ));
    }
    if req.instructions.chars().count() > MAX_INSTRUCTIONS {
        errors.push(FieldError::new(
            "instructions",
            format!("at most {MAX_INSTRUCTIONS} characters"),
        ));
    }
    let (Some(store), Some(version), Some(shopper), true) =
        (store, template_version, shopper, errors.is_empty())
    else {
        return Err(ServiceError::Invalid(errors));
    };
    let outcome = assignments::insert_unless_too_close(
        db,
        NewAssignment {
            store_id: store.id,
            template_version_id: version.id,
            shopper_id: shopper.user_id,
            window_start: req.window_start,
            window_end: req.window_end,
            instructions: req.instructions.trim(),
            created_by: actor.user_id,
        },
        min_gap_days,
        now_ms,
    )
    .await?;
    outcome.map_err(|(start, end)| {
        ServiceError::Invalid(vec![FieldError::new(
            "shopper",
            format!(
                "{} is already assigned to {} from {start} to {end}; {TOO_CLOSE} {min_gap_days} days apart",
                shopper.username, store.code
            ),
        )])
    })
}

pub async fn cancel_assignment(db: &Db, actor: &Actor, id: i64, now_ms: i64) -> ServiceResult<()> {
    if !may_assign(actor.role) {
        return Err(ServiceError::Forbidden);
    }
    if assignments::cancel_visible(db, actor, id, now_ms).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Undo a cancellation (see `assignments::restore_visible`): the shopper's phone shows the
/// assignment again at its next sync.
pub async fn restore_assignment(
    db: &Db,
    actor: &Actor,
    id: i64,
    min_gap_days: u32,
) -> ServiceResult<()> {
    if !may_assign(actor.role) {
        return Err(ServiceError::Forbidden);
    }
    match assignments::restore_visible(db, actor, id, lenient_today(), min_gap_days).await? {
        assignments::Restored::Done => Ok(()),
        assignments::Restored::NotFound => Err(ServiceError::NotFound),
        assignments::Restored::TooClose => Err(ServiceError::invalid(
            "shopper",
            format!("the shopper has another assignment at this store since; {TOO_CLOSE} {min_gap_days} days apart"),
        )),
    }
}

/// The signed-in shopper's assignments and every template version they pin.
pub async fn shopper_feed(
    db: &Db,
    templates: &TemplateCache,
    actor: &Actor,
    today: NaiveDate,
) -> ServiceResult<ShopperFeed> {
    if actor.role != Role::Shopper {
        return Err(ServiceError::Forbidden);
    }
    let list =
        assignments::for_shopper(db, actor.user_id, today - Duration::days(FEED_HISTORY_DAYS))
            .await?;
    let mut pinned: Vec<(String, u32)> = list
        .iter()
        .map(|a| (a.template.clone(), a.template_version))
        .collect();
    pinned.sort();
    pinned.dedup();
    let mut versions = Vec::with_capacity(pinned.len());
    for (key, version) in pinned {
        if let Some(v) = templates.get(db, &key, version).await? {
            versions.push(TemplateVersionView {
                key,
                version,
                template: (*v.template).clone(),
            });
        }
    }
    Ok(ShopperFeed {
        assignments: list,
        templates: versions,
    })
}
