//! The ingest use case behind `PUT /api/v1/responses/{uuid}`: check, score, store once.
//!
//! Who may move which figures is decided here before anything is written: a shopper sends a
//! mystery visit or call only for an open assignment of theirs (that store, that template
//! version), finished inside its window (plus the configured grace) and not in the future;
//! anything else is refused with 422 and nothing stored. A visit finished offline on an
//! assignment that was cancelled meanwhile is kept, but held out of the figures for an admin
//! to decide (a shopper's work is never lost). Admins importing history keep the plain path.

use chrono::{DateTime, Utc};

use super::auth::Actor;
use super::db::assignments::{self, AssignmentRow};
use super::db::figures::{self, Rollup};
use super::db::responses::{self, InsertOutcome, ResponseRow};
use super::db::templates::TemplateCache;
use super::db::{org, photos, Db};
use super::error::{ServiceError, ServiceResult};
use super::state::Settings;
use super::stored_response::response_row;
use crate::api::wire::{Receipt, Role};
use crate::domain::assignment::finished_in_window;
use crate::domain::status::Status;
use crate::domain::{score, Channel, FieldError, ResponseSubmission};

/// Who may submit through which channel. Customers answer through the survey form
/// (`customer_survey`), not this API; through it only admins (imports) send customer answers.
fn may_submit(role: Role, channel: Channel) -> bool {
    match role {
        Role::Admin => true,
        Role::Shopper => matches!(channel, Channel::MysteryVisit | Channel::MysteryCall),
        Role::Employee => channel == Channel::EmployeeSelf,
        Role::RegionalManager | Role::StoreManager | Role::Reviewer => false,
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
    settings: &Settings,
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
    let store = match submission.assignment {
        Some(_) => org::store_by_code_open_or_closed(db, &submission.store).await?,
        None => org::store_by_code(db, &submission.store).await?,
    };
    match &store {
        None => errors.push(FieldError::new(
            "store",
            format!("no open store with code {}", submission.store),
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
    let assignment = match submission.assignment {
        Some(assignment) => Some(
            check_assignment(
                db,
                actor,
                assignment,
                id,
                (&store, version.id),
                &submission,
                settings,
            )
            .await?,
        ),
        None if actor.role == Role::Shopper => {
            return Err(ServiceError::invalid(
                "assignment",
                "a mystery visit or call is sent for one of your assignments; this one names none",
            ));
        }
        None => None,
    };
    let photo_hashes = submission.photo_hashes(&version.template);
    let mut missing = Vec::new();
    for hash in &photo_hashes {
        if !photos::exists_or_join(db, hash, now.timestamp_millis()).await? {
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
    let (mut row, rollup) = response_row(
        &id.to_string(),
        (store.id, &store.timezone),
        &version,
        Some(actor.user_id),
        &submission,
        &card,
        now,
    )?;
    // A shopper's visit or call waits for review before it counts (an admin's import of
    // history counts at once). A resend of a returned visit with new content is its
    // corrected revision.
    if actor.role == Role::Shopper && submission.channel.is_mystery() {
        let returned =
            responses::status_of(db, &row.id).await?.as_deref() == Some(Status::Returned.as_str());
        let org = super::org_settings::load(db, settings).await?;
        let assessed = super::review::assess(
            db,
            &org,
            (store.id, &store.timezone),
            &version,
            &submission,
            assignment.as_ref(),
            (actor.user_id, &row.id),
            &card,
            &answers,
            returned,
            now,
        )
        .await?;
        row.status = Status::Submitted;
        row.evidence_json = assessed.evidence_json;
        row.review_reason = assessed.review_reason;
        row.review_due = assessed.review_due;
        if returned {
            if let Some(receipt) = responses::revise(db, &row, actor.user_id).await? {
                return Ok(Stored::Created(receipt));
            }
        }
    }
    // The assignment may be cancelled between the check above and the claim: then the visit
    // is stored held after all, on a second try.
    let mut held = assignment.as_ref().and_then(|a| a.held_reason());
    for _ in 0..2 {
        if let Some(reason) = &held {
            row.status = Status::Held;
            row.status_reason = Some(reason.clone());
        }
        match store_visit(db, &row, &rollup, submission.assignment, &photo_hashes).await? {
            VisitOutcome::Stored(outcome) => {
                return match outcome {
                    InsertOutcome::Created(r) => Ok(Stored::Created(r)),
                    InsertOutcome::Replayed(r) => Ok(Stored::Replayed(r)),
                    InsertOutcome::Conflict => Err(ServiceError::Conflict(format!(
                        "response {id} was already received with different content"
                    ))),
                };
            }
            VisitOutcome::AssignmentTaken => {
                let now_cancelled = match submission.assignment {
                    Some(a) => assignments::by_id(db, a)
                        .await?
                        .filter(|a| a.cancelled() && a.response_id.is_none()),
                    None => None,
                };
                match now_cancelled {
                    Some(a) if held.is_none() => held = a.held_reason(),
                    _ => break,
                }
            }
        }
    }
    Err(ServiceError::Conflict(
        "the assignment was answered by another response meanwhile".into(),
    ))
}

enum VisitOutcome {
    Stored(InsertOutcome),
    /// Another response claimed the assignment first, or it was cancelled meanwhile.
    AssignmentTaken,
}

/// Store a mystery visit or call (or an admin's import) in one write transaction: the row,
/// the assignment claim, the photos and, when it counts, its figures.
async fn store_visit(
    db: &Db,
    row: &ResponseRow,
    rollup: &Rollup,
    assignment: Option<i64>,
    photos: &[String],
) -> ServiceResult<VisitOutcome> {
    let mut tx = db.write_tx().await?;
    if !responses::insert(&mut tx, row).await? {
        tx.rollback().await?;
        return Ok(VisitOutcome::Stored(
            responses::replayed_or_conflict(db, row).await?,
        ));
    }
    if let Some(a) = assignment {
        let held = row.status == Status::Held;
        if !responses::claim_assignment(&mut tx, a, &row.id, held).await? {
            tx.rollback().await?;
            return Ok(VisitOutcome::AssignmentTaken);
        }
    }
    responses::link_photos(&mut tx, &row.id, photos).await?;
    if row.status.counts() {
        figures::add_response(&mut tx, row.store_id, row.channel, rollup).await?;
    }
    tx.commit().await?;
    Ok(VisitOutcome::Stored(InsertOutcome::Created(
        responses::created(row),
    )))
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
        (0.0, 0.0, 0),
        Status::Counted,
    );
    match outcome {
        Outcome::Stored => Ok(Stored::Created(receipt)),
        Outcome::Replayed => Ok(Stored::Replayed(receipt)),
        Outcome::AlreadyThisPeriod | Outcome::PassUsed => Err(ServiceError::Conflict(
            "you have already answered the self-assessment for this period".into(),
        )),
        Outcome::Invalid(_) => Err(ServiceError::Invalid(vec![FieldError::new(
            "answers",
            "not a valid self-assessment",
        )])),
    }
}

impl AssignmentRow {
    /// Why a visit for this assignment is held: it was cancelled before the visit arrived
    /// (the check found it open, or cancelled and unanswered). None: the visit counts.
    fn held_reason(&self) -> Option<String> {
        self.cancelled_at.map(|at| {
            format!(
                "Assignment {} was cancelled at {} before this visit arrived.",
                self.id,
                super::from_ms(at).format("%Y-%m-%d %H:%M UTC")
            )
        })
    }
}

/// A response may fulfil only an assignment of the one who submits it (admins: any), for the
/// same store and template version, finished inside its window plus the grace. A replay of
/// the response that fulfilled it passes. A cancelled assignment that nobody answered passes
/// too: the visit will be held.
async fn check_assignment(
    db: &Db,
    actor: &Actor,
    assignment: i64,
    response_id: uuid::Uuid,
    (store, template_version_id): (&org::StoreRow, i64),
    submission: &ResponseSubmission,
    settings: &Settings,
) -> ServiceResult<AssignmentRow> {
    let invalid = |msg: &str| ServiceError::Invalid(vec![FieldError::new("assignment", msg)]);
    let Some(a) = assignments::by_id(db, assignment).await? else {
        return Err(invalid("there is no such assignment"));
    };
    if a.shopper_id != actor.user_id && actor.role != Role::Admin {
        return Err(invalid("this assignment belongs to another shopper"));
    }
    if a.response_id.as_deref() == Some(response_id.to_string().as_str()) {
        return Ok(a);
    }
    if a.store_id != store.id || a.template_version_id != template_version_id {
        return Err(invalid(
            "the response is for another store or template version than the assignment",
        ));
    }
    if a.response_id.is_some() {
        return Err(ServiceError::Conflict(
            "this assignment was already answered by another response".into(),
        ));
    }
    let (start, end) = a.window()?;
    let tz: chrono_tz::Tz = store.timezone.parse().unwrap_or(chrono_tz::UTC);
    let finished = submission.finished_at.with_timezone(&tz).naive_local();
    let grace = chrono::Duration::hours(i64::from(settings.assignment_grace_hours));
    if !finished_in_window(finished, start, end, grace) {
        return Err(ServiceError::Invalid(vec![FieldError::new(
            "finished_at",
            format!(
                "the visit finished on {}, outside the assignment's window {start} to {end}",
                finished.format("%Y-%m-%d %H:%M")
            ),
        )]));
    }
    Ok(a)
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
