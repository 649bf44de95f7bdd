//! Review before release: what happens to a shopper's visit between arriving and counting.
//!
//! - On arrival (`assess`): its evidence flags are computed once from what the server knows
//!   (`domain::evidence`), and the sampler (`domain::review::must_review`) decides whether a
//!   person must review it or it releases itself after the delay unless someone opens it.
//! - Reviewers (and admins; regional managers when the organisation allows) read the queue
//!   of their regions' visits and decide: release, return with comments, or void.
//! - `release_due` releases what sampling let through once its time has come; the job
//!   runner runs it every minute, and several servers running it at once release each visit once
//!   (the status change re-checks the status under the row's lock).
//!
//! Every decision is a `Move` through `db::status::change`, so figures move only there.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::actor::Actor;
use super::db::assignments::AssignmentRow;
use super::db::review::{self as stored, QueueFilter};
use super::db::status::{self, Changed, Note};
use super::db::templates::{StoredVersion, TemplateCache};
use super::db::Db;
use super::error::{ServiceError, ServiceResult};
use super::from_ms;
use crate::api::wire::review::{DecisionRequest, ReviewFilter, ReviewItem, ReviewQueue};
use crate::domain::answers::{stored_answers, AnswerInput, AnswerSet};
use crate::domain::evidence::{evidence, EvidenceFlag, EvidenceRules, VisitFacts};
use crate::domain::opening_hours::WeekHours;
use crate::domain::org_settings::OrgSettings;
use crate::domain::review::{draw_of, must_review, Arrival, ItemComment, ReviewReason, MAX_TEXT};
use crate::domain::status::{Decision, Move, Status};
use crate::domain::{Channel, FieldError, ResponseSubmission, ScoreCard};

/// What review adds to an arriving visit's row.
pub struct Assessed {
    pub evidence_json: String,
    pub review_reason: Option<String>,
    /// When it releases itself (epoch ms), if no person must review it.
    pub review_due: Option<i64>,
}

/// A visit's place in review as it arrives: its evidence flags, and whether a person must
/// review it. `corrected`: a revision of a returned visit (always looked at again).
#[allow(clippy::too_many_arguments)]
pub async fn assess(
    db: &Db,
    org: &OrgSettings,
    (store_id, timezone): (i64, &str),
    version: &StoredVersion,
    submission: &ResponseSubmission,
    assignment: Option<&AssignmentRow>,
    (shopper_id, response_id): (i64, &str),
    card: &ScoreCard,
    answers: &AnswerSet,
    corrected: bool,
    now: DateTime<Utc>,
) -> ServiceResult<Assessed> {
    let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    let place = stored::store_place(db, store_id).await?;
    let hours = place
        .opening_hours
        .as_deref()
        .and_then(|h| WeekHours::parse(h).ok());
    let previous_json =
        stored::previous_answers(db, shopper_id, store_id, version.id, response_id).await?;
    let previous = previous_json.as_deref().and_then(|json| {
        let inputs: Vec<AnswerInput> = serde_json::from_str(json).ok()?;
        stored_answers(&version.template, &inputs).ok()
    });
    let check_in = submission.check_in.as_ref();
    let facts = VisitFacts {
        template: &version.template,
        answers,
        started_at: submission.started_at,
        finished_at: submission.finished_at,
        received_at: now,
        check_in_local: check_in.map(|c| c.at.with_timezone(&tz).naive_local()),
        check_in_place: check_in.and_then(|c| Some(((c.latitude?, c.longitude?), c.accuracy_m))),
        store_place: place.latitude.zip(place.longitude),
        opening_hours: hours.as_ref(),
        window: assignment.and_then(|a| a.window().ok()),
        previous: previous.as_ref(),
    };
    let rules = EvidenceRules {
        max_distance_m: f64::from(org.evidence_distance_m),
        late_after_hours: i64::from(org.evidence_late_hours),
        min_minutes: version.template.min_minutes.map(i64::from),
        ..EvidenceRules::default()
    };
    let flags = evidence(&facts, &rules);
    let earlier = stored::earlier_visits(db, shopper_id, response_id).await?;
    let sampling = org.sampling();
    let reason = if corrected {
        Some(ReviewReason::Corrected)
    } else {
        must_review(
            &Arrival {
                earlier_visits: u32::try_from(earlier).unwrap_or(u32::MAX),
                flagged: !flags.is_empty(),
                critical_failed: card.failed(),
                draw: draw_of(response_id),
            },
            &sampling,
        )
    };
    let due = now + chrono::Duration::hours(i64::from(sampling.release_after_hours));
    Ok(Assessed {
        evidence_json: serde_json::to_string(&flags)
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
        review_reason: reason.map(|r| r.as_str().to_string()),
        review_due: reason.is_none().then(|| due.timestamp_millis()),
    })
}

/// Whether the actor reviews visits (the organisation decides for regional managers).
pub fn reviews(actor: &Actor, org: &OrgSettings) -> bool {
    actor.role.reviews(org.regional_managers_review)
}

/// The statuses the queue lists, by the name the page and the API use.
fn queue_status(name: &str) -> Option<Status> {
    match name {
        "" | "waiting" => Some(Status::Submitted),
        "returned" => Some(Status::Returned),
        "voided" => Some(Status::Voided),
        _ => None,
    }
}

/// How many visits one page of the queue shows.
pub const QUEUE_PAGE: i64 = 200;

/// The review queue of the visits the actor may review, oldest first.
pub async fn queue(
    db: &Db,
    templates: &TemplateCache,
    org: &OrgSettings,
    actor: &Actor,
    filter: ReviewFilter,
) -> ServiceResult<ReviewQueue> {
    if !reviews(actor, org) {
        return Err(ServiceError::Forbidden);
    }
    let status = queue_status(filter.status.trim())
        .ok_or_else(|| ServiceError::invalid("status", "waiting, returned or voided"))?;
    let flag = filter.flag.trim();
    if !flag.is_empty() && !EvidenceFlag::CODES.contains(&flag) {
        return Err(ServiceError::invalid(
            "flag",
            format!("one of {}", EvidenceFlag::CODES.join(", ")),
        ));
    }
    let rows = stored::queue(
        db,
        actor,
        &QueueFilter {
            status: status.as_str(),
            region: filter.region.trim(),
            store: filter.store.trim(),
            shopper: filter.shopper.trim(),
            flag,
        },
        QUEUE_PAGE + 1,
    )
    .await?;
    let more = rows.len() as i64 > QUEUE_PAGE;
    let mut items = Vec::new();
    for r in rows.into_iter().take(QUEUE_PAGE as usize) {
        let version = u32::try_from(r.template_version).unwrap_or(0);
        let title = templates
            .get(db, &r.template_key, version)
            .await?
            .map(|v| v.template.title.clone())
            .unwrap_or_else(|| crate::domain::I18nText {
                en: r.template_key.clone(),
                zh_cn: None,
                ru: None,
            });
        items.push(ReviewItem {
            id: r.id,
            store_code: r.store_code,
            store_name: r.store_names.text(),
            region: r.region,
            channel: Channel::parse(&r.channel).unwrap_or(Channel::MysteryVisit),
            template_title: title,
            shopper: r.shopper.unwrap_or_default(),
            finished_at: from_ms(r.finished_at),
            received_at: from_ms(r.received_at),
            timezone: r.timezone,
            score: r.score_pct,
            critical_failed: r.critical_failed != 0,
            evidence: serde_json::from_str(&r.evidence).unwrap_or_default(),
            status: r.status,
            must_review: r.review_reason,
            releases_at: r.review_due.map(from_ms),
            opened: r.opened_at.is_some(),
            revision: r.revision,
        });
    }
    let choices = stored::queue_choices(db, actor, status.as_str()).await?;
    let regions: BTreeSet<String> = choices.iter().map(|c| c.region.clone()).collect();
    let mut stores: Vec<(String, crate::domain::I18nText)> = Vec::new();
    let mut shoppers: Vec<(String, String)> = Vec::new();
    for c in choices {
        if !stores.iter().any(|(code, _)| *code == c.store_code) {
            stores.push((c.store_code.clone(), c.store_names.text()));
        }
        if let (Some(u), Some(name)) = (c.username, c.shopper) {
            if !shoppers.iter().any(|(x, _)| *x == u) {
                shoppers.push((u, name));
            }
        }
    }
    stores.sort_by(|a, b| a.0.cmp(&b.0));
    shoppers.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(ReviewQueue {
        filter: ReviewFilter {
            status: match status {
                Status::Returned => "returned",
                Status::Voided => "voided",
                _ => "waiting",
            }
            .into(),
            region: filter.region.trim().into(),
            store: filter.store.trim().into(),
            shopper: filter.shopper.trim().into(),
            flag: flag.into(),
        },
        items,
        more,
        regions: regions.into_iter().collect(),
        stores,
        shoppers,
    })
}

/// The checks of a decision: a known decision, a reason for a void, something to correct
/// for a return, and comments on the checklist's own items.
fn checked_decision(
    req: &DecisionRequest,
    template: &crate::domain::Template,
) -> Result<(Decision, Vec<ItemComment>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let decision = Decision::parse(req.decision.trim());
    if decision.is_none() {
        errors.push(FieldError::new("decision", "release, return or void"));
    }
    let reason = req.reason.trim();
    if reason.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(
            "reason",
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    let mut comments = Vec::new();
    for c in &req.comments {
        let text = c.text.trim();
        if text.is_empty() {
            continue;
        }
        if template.question(&c.question).is_none() {
            errors.push(FieldError::new(
                "comments",
                format!("the checklist has no question {}", c.question),
            ));
        } else if text.chars().count() > MAX_TEXT {
            errors.push(FieldError::new(
                "comments",
                format!("at most {MAX_TEXT} characters per comment"),
            ));
        } else {
            comments.push(ItemComment {
                question: c.question.clone(),
                text: text.to_string(),
            });
        }
    }
    match decision {
        Some(Decision::Void) if reason.is_empty() => errors.push(FieldError::new(
            "reason",
            "say why the visit is voided, for the shopper and whoever reads it later",
        )),
        Some(Decision::Return) if reason.is_empty() && comments.is_empty() => {
            errors.push(FieldError::new(
                "reason",
                "tell the shopper what to correct: a reason or a comment on an item",
            ))
        }
        _ => {}
    }
    match decision {
        Some(d) if errors.is_empty() => Ok((d, comments)),
        _ => Err(errors),
    }
}

/// A reviewer's decision on a visit. Returns the status it has afterwards.
pub async fn decide(
    db: &Db,
    templates: &TemplateCache,
    org: &OrgSettings,
    actor: &Actor,
    response_id: &str,
    req: &DecisionRequest,
    now_ms: i64,
) -> ServiceResult<Status> {
    if !reviews(actor, org) {
        return Err(ServiceError::Forbidden);
    }
    let row = super::db::reports::reviewable_row(db, actor, response_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let version = u32::try_from(row.template_version).unwrap_or(0);
    let stored = templates
        .get(db, &row.template_key, version)
        .await?
        .ok_or_else(|| ServiceError::Internal("a visit's checklist version is missing".into()))?;
    let (decision, comments) =
        checked_decision(req, &stored.template).map_err(ServiceError::Invalid)?;
    let note = Note {
        reason: req.reason.trim(),
        comments: &comments,
    };
    match status::change(
        db,
        templates,
        response_id,
        Move::Review(decision),
        note,
        Some(actor.user_id),
        now_ms,
    )
    .await?
    {
        Changed::Changed { to, .. } => Ok(to),
        Changed::Unchanged => Err(ServiceError::Conflict("nothing to change".into())),
        Changed::NotFound => Err(ServiceError::NotFound),
        Changed::NotAllowed { from } => Err(ServiceError::Conflict(format!(
            "this visit is {from}: it cannot be given the decision {}",
            decision.as_str()
        ))),
    }
}

/// Release every waiting visit whose automatic release is due and that nobody opened.
/// Returns how many were released.
pub async fn release_due(db: &Db, templates: &TemplateCache, now_ms: i64) -> ServiceResult<usize> {
    let mut released = 0;
    loop {
        let due = stored::due_for_release(db, now_ms, 100).await?;
        let batch = due.len();
        let before = released;
        for id in due {
            let note = Note::reason("released by sampling: nobody needed to review it");
            if let Changed::Changed { .. } =
                status::change(db, templates, &id, Move::AutoRelease, note, None, now_ms).await?
            {
                released += 1;
            }
        }
        // A visit another server released meanwhile is not picked again (no longer waiting).
        if batch < 100 || released == before {
            return Ok(released);
        }
    }
}

/// How many of their own visits a shopper's phone lists.
pub const SHOPPER_VISITS: i64 = 100;

/// A shopper's own visits and calls with their status, score, the reviewer's comments and
/// appeal outcomes (never who appealed or who reviewed).
pub async fn shopper_visits(
    db: &Db,
    templates: &TemplateCache,
    actor: &Actor,
) -> ServiceResult<Vec<crate::api::wire::review::MyVisit>> {
    use crate::api::wire::review::{ItemNote, MyVisit};
    if actor.role != crate::api::wire::Role::Shopper {
        return Err(ServiceError::Forbidden);
    }
    let mut out = Vec::new();
    for r in stored::shopper_visits(db, actor.user_id, SHOPPER_VISITS).await? {
        let version = u32::try_from(r.template_version).unwrap_or(0);
        let template = templates.get(db, &r.template_key, version).await?;
        let history = status::history(db, &r.id).await?;
        // What the reviewer said last (the shopper's own resend is not a comment to them).
        let last = history.iter().rev().find(|c| c.to_status != "submitted");
        let appeals = super::db::appeals::of_response(db, &r.id)
            .await?
            .into_iter()
            .map(|a| ItemNote {
                question_text: template
                    .as_ref()
                    .and_then(|v| v.template.question(&a.question).map(|q| q.text.clone()))
                    .unwrap_or_default(),
                text: a.reply.unwrap_or_default(),
                outcome: Some(a.status),
            })
            .collect();
        out.push(MyVisit {
            id: r.id,
            assignment: r.assignment_id,
            store_code: r.store_code,
            store_name: r.store_names.text(),
            template_key: r.template_key,
            template_version: version,
            channel: Channel::parse(&r.channel).unwrap_or(Channel::MysteryVisit),
            started_at: from_ms(r.started_at),
            finished_at: from_ms(r.finished_at),
            check_in: r
                .check_in
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok()),
            status: if r.status == Status::Counted.as_str() {
                "released".into()
            } else {
                r.status
            },
            score: r.score_pct,
            revision: r.revision,
            reason: last.map(|c| c.reason.clone()).filter(|r| !r.is_empty()),
            comments: last
                .and_then(|c| serde_json::from_str::<Vec<ItemComment>>(&c.comments).ok())
                .unwrap_or_default()
                .into_iter()
                .map(|c| ItemNote {
                    question_text: template
                        .as_ref()
                        .and_then(|v| v.template.question(&c.question).map(|q| q.text.clone()))
                        .unwrap_or_default(),
                    text: c.text,
                    outcome: None,
                })
                .collect(),
            answers: serde_json::from_str(&r.answers)
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
            appeals,
        });
    }
    Ok(out)
}
