//! An admin's decisions on whether a response counts: the held and excluded lists, and
//! counting or excluding a response with a reason. The change itself, with its figures, is
//! `db::status::change`; who may make it is decided here.

use super::auth::Actor;
use super::db::status::{self, Changed, Note};
use super::db::templates::TemplateCache;
use super::db::Db;
use super::error::{ServiceError, ServiceResult};
use crate::api::wire::{HeldResponse, Role};
use crate::domain::status::{Move, Status};

/// Longest reason kept with a decision.
pub const MAX_REASON: usize = 500;

fn admin_only(actor: &Actor) -> ServiceResult<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// Responses that do not count for a reason an admin may act on (`held` or `excluded`),
/// oldest first.
pub async fn list(db: &Db, actor: &Actor, status: &str) -> ServiceResult<Vec<HeldResponse>> {
    admin_only(actor)?;
    let status = match Status::parse(status) {
        Some(s @ (Status::Held | Status::Excluded | Status::Flagged)) => s,
        _ => {
            return Err(ServiceError::invalid(
                "status",
                "list held, excluded or flagged responses",
            ))
        }
    };
    Ok(status::with_status(db, status, 500).await?)
}

/// Count or exclude a response, with a reason. Returns (from, to).
pub async fn decide(
    db: &Db,
    templates: &TemplateCache,
    actor: &Actor,
    response_id: &str,
    to: &str,
    reason: &str,
    now_ms: i64,
) -> ServiceResult<(Status, Status)> {
    admin_only(actor)?;
    let mut errors = Vec::new();
    let to = Status::parse(to);
    if !matches!(to, Some(Status::Counted | Status::Excluded)) {
        errors.push(crate::domain::FieldError::new(
            "status",
            "a response can be made to count (counted) or left out (excluded)",
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        errors.push(crate::domain::FieldError::new(
            "reason",
            "say why, for whoever reads the figures later",
        ));
    } else if reason.chars().count() > MAX_REASON {
        errors.push(crate::domain::FieldError::new(
            "reason",
            format!("at most {MAX_REASON} characters"),
        ));
    }
    let (Some(to), true) = (to, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    match status::change(
        db,
        templates,
        response_id,
        Move::Admin(to),
        Note::reason(reason),
        Some(actor.user_id),
        now_ms,
    )
    .await?
    {
        Changed::Changed { from, to } => Ok((from, to)),
        Changed::Unchanged => Ok((to, to)),
        Changed::NotFound => Err(ServiceError::NotFound),
        Changed::NotAllowed { from } => Err(ServiceError::invalid(
            "status",
            match from {
                Status::Submitted | Status::Returned | Status::Voided => format!(
                    "a {from} visit is decided in the review queue (release, return or void)"
                ),
                _ => format!("a {from} response cannot become {to}"),
            },
        )),
    }
}
