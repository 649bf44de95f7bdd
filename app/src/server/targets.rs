//! Targets per measure: read and set by admins (the organisation's, or one store's own).
//! The scorecard reads the ones that apply to its store (`server::scorecard`).

use serde::{Deserialize, Serialize};

use super::auth::Actor;
use super::db::targets::{self, TargetRow};
use super::db::{org, Db};
use super::error::{ServiceError, ServiceResult};
use crate::domain::role::Role;
use crate::domain::targets::Goal;

/// `PUT /api/v1/targets`: `value` null removes the target; `store` null is the organisation's.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
pub struct SetTarget {
    #[serde(default)]
    pub store: Option<String>,
    pub measure: String,
    pub value: Option<f64>,
}

pub async fn list(db: &Db, actor: &Actor) -> ServiceResult<Vec<TargetRow>> {
    if actor.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    Ok(targets::all(db).await?)
}

/// Check everything first, then write: a refused request changes nothing.
pub async fn set(db: &Db, actor: &Actor, request: &SetTarget, now_ms: i64) -> ServiceResult<()> {
    if actor.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let goal = Goal::parse(&request.measure)
        .map_err(|e| ServiceError::invalid("measure", e.to_string()))?;
    let value = match request.value {
        Some(v) => Some(
            goal.check(v)
                .map_err(|e| ServiceError::invalid("value", e.to_string()))?,
        ),
        None => None,
    };
    let store_id = match &request.store {
        None => None,
        Some(code) => Some(
            org::visible_store_row(db, actor, code)
                .await?
                .ok_or_else(|| ServiceError::invalid("store", "no such store"))?
                .id,
        ),
    };
    targets::set(db, store_id, goal, value, Some(actor.user_id), now_ms).await?;
    Ok(())
}
