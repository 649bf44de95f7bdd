//! The ingest use case behind `PUT /api/v1/responses/{uuid}`: check, score, store once.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::auth::Actor;
use super::db::figures::{self, Rollup};
use super::db::responses::{insert_response, InsertOutcome, NewResponse};
use super::db::templates::{StoredVersion, TemplateCache};
use super::db::{assignments, org, photos, Db};
use super::error::{ServiceError, ServiceResult};
use crate::api::wire::{Receipt, Role};
use crate::domain::rollup::Contribution;
use crate::domain::{score, Channel, FieldError, ResponseSubmission, ScoreCard};

/// Who may submit through which channel. Customers answer through the survey form
/// (`customer_survey`), not this API; through it only admins (imports) send customer answers.
fn may_submit(role: Role, channel: Channel) -> bool {
    match role {
        Role::Admin => true,
        Role::Shopper => matches!(channel, Channel::MysteryVisit | Channel::MysteryCall),
        Role::Employee => channel == Channel::EmployeeSelf,
        Role::RegionalManager | Role::StoreManager => false,
    }
}

#[derive(Debug, PartialEq)]
pub enum Stored {
    Created(Receipt),
    Replayed(Receipt),
}

/// Check the submission against its pinned template version, score it and store it once.
/// Nothing is stored unless every check passes.
pub async fn submit_response(
    db: &Db,
    templates: &TemplateCache,
    actor: Option<&Actor>,
    id: uuid::Uuid,
    submission: ResponseSubmission,
    now: DateTime<Utc>,
) -> ServiceResult<Stored> {
    let actor = actor.ok_or(ServiceError::Unauthenticated)?;
    if !may_submit(actor.role, submission.channel) {
        return Err(ServiceError::Forbidden);
    }

    let mut errors: Vec<FieldError> = Vec::new();
    let version = templates
        .get(db, &submission.template, submission.template_version)
        .await?;
    if version.is_none() {
        errors.push(FieldError::new(
            "template_version",
            format!(
                "template {} has no version {}",
                submission.template, submission.template_version
            ),
        ));
    }
    let store = org::store_by_code(db, &submission.store).await?;
    match &store {
        None => errors.push(FieldError::new(
            "store",
            format!("no store with code {}", submission.store),
        )),
        Some(s)
            if actor.role == Role::Employee
                && !org::is_member_of_store(db, actor.user_id, s.id).await? =>
        {
            return Err(ServiceError::Forbidden);
        }
        Some(_) => {}
    }
    let (Some(version), Some(store)) = (version, store) else {
        return Err(ServiceError::Invalid(errors));
    };
    let answers = submission
        .check(&version.template, now)
        .map_err(ServiceError::Invalid)?;
    if submission.channel == Channel::EmployeeSelf && actor.role == Role::Employee {
        return self_assessment_by_api(db, &version, id, submission, actor, now).await;
    }
    if let Some(assignment) = submission.assignment {
        check_assignment(db, actor, assignment, id, store.id, version.id).await?;
    }
    let photo_hashes = submission.photo_hashes(&version.template);
    let mut missing = Vec::new();
    for hash in &photo_hashes {
        if !photos::exists(db, hash).await? {
            missing.push(FieldError::new(
                "photos",
                format!("photo {hash} has not been uploaded yet"),
            ));
        }
    }
    if !missing.is_empty() {
        return Err(ServiceError::Invalid(missing));
    }
    let card = score(&version.template, &answers);

    let mut row = response_row(
        &id.to_string(),
        (store.id, &store.timezone),
        &version,
        Some(actor.user_id),
        &submission,
        &card,
        now,
    )?;
    row.photos = photo_hashes;
    let outcome = insert_response(db, row).await?;
    match outcome {
        InsertOutcome::Created(r) => Ok(Stored::Created(r)),
        InsertOutcome::Replayed(r) => Ok(Stored::Replayed(r)),
        InsertOutcome::Conflict => Err(ServiceError::Conflict(format!(
            "response {id} was already received with different content"
        ))),
        InsertOutcome::AssignmentClosed => Err(ServiceError::Conflict(
            "the assignment was answered by another response or cancelled meanwhile".into(),
        )),
        // Only customer survey answers carry a device claim.
        InsertOutcome::DeviceAnsweredRecently => Err(ServiceError::Conflict(
            "this device answered this store's survey recently".into(),
        )),
        // Self-assessments of employees go through `self_assessment::store_answer`.
        InsertOutcome::PeriodAlreadyAnswered => Err(ServiceError::Conflict(
            "already answered for this period".into(),
        )),
    }
}

/// An employee's own self-assessment through the API: anonymous and once per period, like
/// the form. The receipt carries no score (the team's totals are what managers see).
async fn self_assessment_by_api(
    db: &Db,
    version: &super::db::templates::StoredVersion,
    id: uuid::Uuid,
    submission: ResponseSubmission,
    actor: &Actor,
    now: DateTime<Utc>,
) -> ServiceResult<Stored> {
    use super::self_assessment::{store_answer, Outcome, Respondent};
    let store = org::staff_store_by_code(db, &submission.store)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let key = super::signing::load_key(db, "forms", now.timestamp_millis()).await?;
    let outcome = store_answer(
        db,
        &key,
        &store,
        version,
        Respondent::Employee(actor.user_id),
        &id.to_string(),
        submission.answers,
        (submission.started_at, submission.finished_at),
        now,
    )
    .await?;
    let receipt = crate::server::db::responses::receipt(
        &id.to_string(),
        now.timestamp_millis(),
        None,
        false,
        0.0,
        0.0,
        0,
    );
    match outcome {
        Outcome::Stored => Ok(Stored::Created(receipt)),
        Outcome::Replayed => Ok(Stored::Replayed(receipt)),
        Outcome::AlreadyThisPeriod => Err(ServiceError::Conflict(
            "you have already answered the self-assessment for this period".into(),
        )),
        Outcome::Invalid(_) => Err(ServiceError::Invalid(vec![FieldError::new(
            "answers",
            "not a valid self-assessment",
        )])),
    }
}

/// A response may fulfil only an open assignment of the one who submits it, for the same
/// store and template version. A replay of the response that fulfilled it passes.
async fn check_assignment(
    db: &Db,
    actor: &Actor,
    assignment: i64,
    response_id: uuid::Uuid,
    store_id: i64,
    template_version_id: i64,
) -> ServiceResult<()> {
    let invalid = |msg: &str| ServiceError::Invalid(vec![FieldError::new("assignment", msg)]);
    let Some(a) = assignments::by_id(db, assignment).await? else {
        return Err(invalid("there is no such assignment"));
    };
    if a.shopper_id != actor.user_id && actor.role != Role::Admin {
        return Err(invalid("this assignment belongs to another shopper"));
    }
    if a.response_id.as_deref() == Some(response_id.to_string().as_str()) {
        return Ok(());
    }
    if a.cancelled {
        return Err(invalid("this assignment was cancelled"));
    }
    if a.store_id != store_id || a.template_version_id != template_version_id {
        return Err(invalid(
            "the response is for another store or template version than the assignment",
        ));
    }
    if a.response_id.is_some() {
        return Err(ServiceError::Conflict(
            "this assignment was already answered by another response".into(),
        ));
    }
    Ok(())
}

/// The stored row for a checked and scored submission: canonical answers, their content hash
/// (what makes a replay "identical") and the score figures.
pub fn response_row(
    id: &str,
    (store_id, store_timezone): (i64, &str),
    version: &StoredVersion,
    submitted_by: Option<i64>,
    submission: &ResponseSubmission,
    card: &ScoreCard,
    received_at: DateTime<Utc>,
) -> ServiceResult<NewResponse> {
    let canonical = submission.canonical();
    let canonical_json =
        serde_json::to_vec(&canonical).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let answers_json = serde_json::to_string(&canonical.answers)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let dimensions: serde_json::Map<String, serde_json::Value> = card
        .dimensions
        .iter()
        .map(|(d, t)| {
            (
                d.as_str().to_string(),
                serde_json::json!({ "earned": t.earned, "possible": t.possible }),
            )
        })
        .collect();
    Ok(NewResponse {
        id: id.to_string(),
        store_id,
        template_version_id: version.id,
        channel: submission.channel.as_str(),
        submitted_by,
        started_at: submission.started_at.timestamp_millis(),
        finished_at: submission.finished_at.timestamp_millis(),
        received_at: received_at.timestamp_millis(),
        body_hash: hex::encode(Sha256::digest(&canonical_json)),
        answers_json,
        points_earned: card.overall.earned,
        points_possible: card.overall.possible,
        not_applicable: card.overall.not_applicable,
        score_pct: card.overall.percent().map(|s| s.value()),
        critical_failed: card.failed(),
        recommend: card.recommend,
        dimension_scores_json: serde_json::Value::Object(dimensions).to_string(),
        assignment_id: submission.assignment,
        photos: Vec::new(),
        check_in_json: submission
            .check_in
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
        channel_tag: None,
        device_hash: None,
        fingerprint: None,
        flags: String::new(),
        device_claim: None,
        contact: None,
        period: None,
        period_claim: None,
        rollup: Some(Rollup {
            week: figures::week_key(store_timezone, submission.finished_at.timestamp_millis()),
            template_id: version.template_id,
            contribution: Contribution::of(card),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_right_roles_submit_on_each_channel() {
        assert!(may_submit(Role::Shopper, Channel::MysteryVisit));
        assert!(!may_submit(Role::Shopper, Channel::EmployeeSelf));
        assert!(may_submit(Role::Employee, Channel::EmployeeSelf));
        assert!(!may_submit(Role::Employee, Channel::CustomerQr));
        assert!(!may_submit(Role::StoreManager, Channel::MysteryVisit));
        assert!(may_submit(Role::Admin, Channel::CustomerQr));
    }
}
