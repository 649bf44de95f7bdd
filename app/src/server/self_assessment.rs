//! Employee self-assessment: the team answers the same questions as customers, once per
//! period (calendar month, store time) each, anonymously. Reached on an employee's own
//! login (`/self`) or through the store's staff link with a PIN (`/staff/{code}`).
//!
//! Anonymity: the response is stored without who sent it; the "answered this period" claim
//! names the respondent only by a keyed hash and is not linked to the response. Managers see
//! totals only, and only from the chain's threshold of answers in a period (never below
//! `domain::self_assessment::MIN_ANSWERS`).

use chrono::{DateTime, Utc};

use super::db::figures;
use super::db::org::StaffStore;
use super::db::responses::{self, period_claimed, self_assessments, InsertOutcome};
use super::db::templates::{latest_version, StoredVersion, TemplateCache};
use super::db::Db;
use super::error::{ServiceError, ServiceResult};
use super::signed_form::{content_hash, opened_at, FORM_FIELD, OPENED, RESPONSE_ID};
use super::signing::SigningKey;
use super::stored_response::response_row;
use crate::domain::self_assessment::{period_of, summary, Summary};
use crate::domain::survey_form::{self, first_value, Problem, Problems};
use crate::domain::{score, AnswerInput, Channel, ResponseSubmission};

pub const TEMPLATE_KEY: &str = "employee-self";

/// The period an answer given now at the store belongs to.
pub fn current_period(store: &StaffStore, now: DateTime<Utc>) -> String {
    let tz: chrono_tz::Tz = store.timezone.parse().unwrap_or(chrono_tz::UTC);
    period_of(now.with_timezone(&tz).date_naive())
}

/// The period before `period` ('YYYY-MM').
pub fn previous_period(period: &str) -> String {
    let (y, m) = period.split_once('-').unwrap_or(("1970", "01"));
    let (y, m): (i32, u32) = (y.parse().unwrap_or(1970), m.parse().unwrap_or(1));
    if m <= 1 {
        format!("{:04}-12", y - 1)
    } else {
        format!("{y:04}-{:02}", m - 1)
    }
}

/// Who answers, as far as "once per period" needs to know: a signed-in employee, or a phone
/// that passed the staff link's PIN (its device hash, and the pass's nonce: one PIN entry
/// gives one answer).
pub enum Respondent {
    Employee(i64),
    StaffDevice { device: String, pass: String },
}

impl Respondent {
    /// Keyed, so the claims table alone cannot be matched to user ids.
    pub fn key(&self, key: &SigningKey, store_id: i64) -> String {
        match self {
            Respondent::Employee(id) => key.sign(&format!("self:user:{store_id}:{id}")),
            Respondent::StaffDevice { device, .. } => {
                key.sign(&format!("self:device:{store_id}:{device}"))
            }
        }
    }
}

/// Has this respondent already answered this period? Lets the page say so on opening instead
/// of after a whole form was filled in; the insert's claim stays the rule that counts.
pub async fn already_answered(
    db: &Db,
    key: &SigningKey,
    store: &StaffStore,
    respondent: &Respondent,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let period = current_period(store, now);
    period_claimed(db, store.id, &period, &respondent.key(key, store.id)).await
}

pub async fn current_template(
    db: &Db,
    cache: &TemplateCache,
) -> Result<Option<StoredVersion>, sqlx::Error> {
    latest_version(db, cache, TEMPLATE_KEY).await
}

#[derive(Debug, PartialEq)]
pub enum Outcome {
    Stored,
    Replayed,
    AlreadyThisPeriod,
    /// The staff pass was used for an answer already: enter the PIN again.
    PassUsed,
    Invalid(Problems),
}

/// Check a posted self-assessment form and store it once, anonymously.
pub async fn submit_form(
    db: &Db,
    key: &SigningKey,
    store: &StaffStore,
    version: &StoredVersion,
    respondent: Respondent,
    fields: &[(String, String)],
    now: DateTime<Utc>,
) -> ServiceResult<Outcome> {
    let template = &version.template;
    let mut problems = Problems::new();
    let response_id = first_value(fields, RESPONSE_ID)
        .and_then(|v| uuid::Uuid::parse_str(v).ok())
        .map(|u| u.to_string());
    if response_id.is_none() {
        problems.insert(FORM_FIELD.into(), Problem::NotAChoice);
    }
    let answers = survey_form::read_answers(template, fields).unwrap_or_else(|p| {
        problems.extend(p);
        Vec::new()
    });
    let Some(response_id) = response_id.filter(|_| problems.is_empty()) else {
        return Ok(Outcome::Invalid(problems));
    };
    let now_ms = now.timestamp_millis();
    let opened = first_value(fields, OPENED)
        .and_then(|t| opened_at(key, t, &response_id, store.id))
        .filter(|at| *at <= now_ms)
        .unwrap_or(now_ms);
    let times = (super::from_ms(opened), now);
    store_answer(
        db,
        key,
        store,
        version,
        respondent,
        &response_id,
        answers,
        times,
        now,
    )
    .await
}

/// Store a checked self-assessment: anonymous, with its period claimed in the same
/// transaction. Used by the forms and by `PUT /api/v1/responses` for employees.
#[allow(clippy::too_many_arguments)]
pub async fn store_answer(
    db: &Db,
    key: &SigningKey,
    store: &StaffStore,
    version: &StoredVersion,
    respondent: Respondent,
    response_id: &str,
    answers: Vec<AnswerInput>,
    (started_at, finished_at): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> ServiceResult<Outcome> {
    let template = &version.template;
    let submission = ResponseSubmission {
        template: template.key.clone(),
        template_version: version.version,
        store: store.code.clone(),
        channel: Channel::EmployeeSelf,
        started_at,
        finished_at,
        answers,
        assignment: None,
        check_in: None,
    };
    let checked = submission
        .check(template, now)
        .map_err(ServiceError::Invalid)?;
    let card = score(template, &checked);
    let (mut row, rollup) = response_row(
        response_id,
        (store.id, &store.timezone),
        version,
        None,
        &submission,
        &card,
        now,
    )?;
    row.body_hash = content_hash(&submission, None)?;
    let period = current_period(store, now);
    let respondent_key = respondent.key(key, store.id);

    // One write transaction: the anonymous row, the respondent's claim on the period (and the
    // staff pass's one answer), and the team's figures.
    let mut tx = db.write_tx().await?;
    if !responses::insert(&mut tx, &row).await? {
        tx.rollback().await?;
        return Ok(match responses::replayed_or_conflict(db, &row).await? {
            InsertOutcome::Replayed(_) => Outcome::Replayed,
            InsertOutcome::Created(_) | InsertOutcome::Conflict => Outcome::AlreadyThisPeriod,
        });
    }
    if let Respondent::StaffDevice { pass, .. } = &respondent {
        if !responses::claim_staff_pass(&mut tx, pass, store.id, row.received_at).await? {
            tx.rollback().await?;
            return Ok(Outcome::PassUsed);
        }
    }
    if !responses::claim_period(&mut tx, &row.id, store.id, &period, &respondent_key).await? {
        tx.rollback().await?;
        return Ok(Outcome::AlreadyThisPeriod);
    }
    figures::add_response(&mut tx, store.id, row.channel, &rollup).await?;
    tx.commit().await?;
    Ok(Outcome::Stored)
}

/// What managers see of a store's self-assessments in these periods.
pub async fn summaries(
    db: &Db,
    templates: &TemplateCache,
    store_id: i64,
    periods: &[String],
    min: i64,
) -> ServiceResult<Vec<Summary>> {
    let Some(version) = current_template(db, templates).await? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for period in periods {
        let sets: Vec<_> = self_assessments(db, store_id, period)
            .await?
            .iter()
            .filter_map(|json| serde_json::from_str::<Vec<AnswerInput>>(json).ok())
            .filter_map(|inputs| {
                crate::domain::answers::check_answers(&version.template, &inputs).ok()
            })
            .collect();
        out.push(summary(
            &version.template,
            period,
            &sets,
            usize::try_from(min).unwrap_or(0),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_before_january_is_last_december() {
        assert_eq!(previous_period("2026-01"), "2025-12");
        assert_eq!(previous_period("2026-11"), "2026-10");
    }
}
