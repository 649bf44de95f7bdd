//! The customer survey behind a store's QR code: open the form, and take a posted answer
//! once. Anonymous customers, so the guards here are the stuffing rules (domain/stuffing.rs),
//! one answer per device and store within the repeat window, and the honeypot; rate limits
//! per address and device sit in the HTTP layer in front of this.

use chrono::{DateTime, Duration, Utc};

use super::db::figures;
use super::db::responses::{
    self, recent_customer_answers, CustomerMarks, DeviceClaim, InsertOutcome,
};
use super::db::survey_links::SurveyStore;
use super::db::templates::{latest_version, StoredVersion, TemplateCache};
use super::db::Db;
use super::error::ServiceResult;
use super::signed_form::{content_hash, opened_at, FORM_FIELD, OPENED, RESPONSE_ID, SENT_AT};
use super::signing::SigningKey;
use super::state::Settings;
use super::stored_response::response_row;
use crate::domain::opening_hours::WeekHours;
use crate::domain::org_settings::OrgSettings;
use crate::domain::status::Status;
use crate::domain::stuffing::{self, Flag, Recent, Sent};
use crate::domain::survey_form::{self, first_value, Problem, Problems, HONEYPOT};
use crate::domain::survey_link::ChannelTag;
use crate::domain::{score, Channel, ResponseSubmission};

/// The newest published version of the customer survey the chain uses (organisation
/// settings: `customer_template`); None when it is not installed.
pub async fn current_template(
    db: &Db,
    cache: &TemplateCache,
    org: &OrgSettings,
) -> Result<Option<StoredVersion>, sqlx::Error> {
    latest_version(db, cache, &org.customer_template).await
}

/// One posted answer, as the HTTP layer saw it.
pub struct Posted {
    pub fields: Vec<(String, String)>,
    /// SHA-256 of the device cookie (or of address and browser without cookies).
    pub device_hash: String,
    pub tag: Option<ChannelTag>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Stored, with its flags (empty for a plain answer).
    Stored(Vec<Flag>),
    /// This very answer had been stored before (a resend): nothing new.
    Replayed,
    /// The device answered this store within the repeat window, or sent other answers under
    /// an id already used: thanked, not stored.
    AlreadyAnswered,
    /// The honeypot was filled: thanked, not stored.
    Bot,
    /// Problems per field; nothing stored.
    Invalid(Problems),
}

/// Check a posted answer and store it once.
pub async fn submit(
    db: &Db,
    settings: &Settings,
    org: &OrgSettings,
    key: &SigningKey,
    store: &SurveyStore,
    version: &StoredVersion,
    posted: Posted,
) -> ServiceResult<Outcome> {
    let fields = &posted.fields;
    if first_value(fields, HONEYPOT).is_some_and(|v| !v.trim().is_empty()) {
        tracing::info!(store = %store.code, "survey honeypot filled; not stored");
        return Ok(Outcome::Bot);
    }
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
    let contact = survey_form::read_contact(fields).unwrap_or_else(|p| {
        problems.extend(p);
        None
    });
    let Some(response_id) = response_id.filter(|_| problems.is_empty()) else {
        return Ok(Outcome::Invalid(problems));
    };

    let now = posted.now;
    let now_ms = now.timestamp_millis();
    // A missing or forged token: the answering time is unknown, which is flagged as too fast.
    let signed_open = first_value(fields, OPENED)
        .and_then(|t| opened_at(key, t, &response_id, store.id))
        .filter(|at| *at <= now_ms);
    let opened_ms = signed_open.unwrap_or(now_ms);
    let sent_ms = first_value(fields, SENT_AT)
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|at| (opened_ms..=now_ms).contains(at))
        .unwrap_or(now_ms);
    let submission = ResponseSubmission {
        template: template.key.clone(),
        template_version: version.version,
        store: store.code.clone(),
        channel: Channel::CustomerQr,
        started_at: super::from_ms(opened_ms),
        finished_at: super::from_ms(sent_ms),
        answers,
        assignment: None,
        check_in: None,
    };
    let checked = match submission.check(template, now) {
        Ok(set) => set,
        Err(errors) => {
            // read_answers only returns answers the template accepts; if that ever breaks,
            // the customer is asked to check the form rather than shown our field names.
            tracing::warn!(?errors, "a read survey form failed the template check");
            problems.insert(FORM_FIELD.into(), Problem::NotAChoice);
            return Ok(Outcome::Invalid(problems));
        }
    };
    let card = score(template, &checked);
    let fingerprint = stuffing::fingerprint(&checked);
    let mut flags = flags_for(
        db,
        settings,
        store,
        opened_ms,
        now,
        &fingerprint,
        &posted.device_hash,
    )
    .await?;
    if signed_open.is_none() && !flags.contains(&Flag::TooFast) {
        flags.insert(0, Flag::TooFast);
    }

    let (mut row, rollup) = response_row(
        &response_id,
        (store.id, &store.timezone),
        version,
        None,
        &submission,
        &card,
        now,
    )?;
    // A resend of this answer (the same page posted again, or survey.js retrying after a
    // network failure) is a replay when the customer's content is the same; the moment it
    // arrived is not part of that content.
    row.body_hash = content_hash(&submission, posted.tag)?;
    if !flags.is_empty() {
        row.status = Status::Flagged;
    }
    let marks = CustomerMarks {
        channel_tag: posted.tag.map(ChannelTag::as_str),
        device_hash: posted.device_hash.clone(),
        fingerprint,
        flags: flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    };
    // The chain's repeat window (organisation settings, read with the template).
    let claim = DeviceClaim {
        device_hash: posted.device_hash,
        not_since: now_ms - i64::from(org.survey_repeat_hours) * 3_600_000,
    };

    // One write transaction: the row, its marks, the device's claim, the call-back request
    // and, when it counts, its figures.
    let mut tx = db.write_tx().await?;
    if !responses::insert(&mut tx, &row).await? {
        tx.rollback().await?;
        return Ok(match responses::replayed_or_conflict(db, &row).await? {
            InsertOutcome::Replayed(_) => Outcome::Replayed,
            InsertOutcome::Created(_) | InsertOutcome::Conflict => Outcome::AlreadyAnswered,
        });
    }
    responses::mark_customer(&mut tx, &row.id, &marks).await?;
    if !responses::claim_device(&mut tx, store.id, &claim, row.received_at).await? {
        tx.rollback().await?;
        return Ok(Outcome::AlreadyAnswered);
    }
    if let Some(c) = &contact {
        responses::insert_contact(&mut tx, &row.id, store.id, c, row.received_at).await?;
    }
    // The closed loop: a customer who asked to be contacted, or who scored low and said why
    // (and counts: a flagged answer is not followed up unasked), becomes a case.
    let low =
        crate::domain::cases::low_score_comment(template, &checked).filter(|_| row.status.counts());
    if contact.is_some() || low.is_some() {
        let description = low.unwrap_or_else(|| comments_of(&checked));
        let case = super::cases::NewCase {
            store_id: store.id,
            source: if contact.is_some() {
                "customer_contact"
            } else {
                "customer_low_score"
            },
            via: "survey",
            response_id: Some(&row.id),
            client_key: None,
            category: "other",
            description: &description,
            wants: "",
            claim_amount: None,
            vip: false,
            contact: contact
                .as_ref()
                .map(|c| (c.name.as_str(), c.phone.as_str(), c.email.as_str())),
            opened_by: None,
        };
        super::cases::open_in(&mut tx, org, &case, now_ms).await?;
    }
    if row.status.counts() {
        figures::add_response(&mut tx, store.id, row.channel, &rollup).await?;
    }
    tx.commit().await?;
    if !flags.is_empty() {
        tracing::info!(store = %store.code, ?flags, "customer answer flagged");
    }
    Ok(Outcome::Stored(flags))
}

/// The customer's comments, joined.
fn comments_of(answers: &crate::domain::answers::AnswerSet) -> String {
    use crate::domain::answers::{Answer, AnswerValue};
    answers
        .values()
        .filter_map(|a| match a {
            Answer::Value(AnswerValue::Text(t)) if !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn flags_for(
    db: &Db,
    settings: &Settings,
    store: &SurveyStore,
    opened_ms: i64,
    now: DateTime<Utc>,
    fingerprint: &str,
    device: &str,
) -> ServiceResult<Vec<Flag>> {
    let rules = &settings.stuffing;
    let window = Duration::hours(rules.identical_hours).max(Duration::minutes(rules.burst_minutes));
    let recent: Vec<Recent> =
        recent_customer_answers(db, store.id, (now - window).timestamp_millis())
            .await?
            .into_iter()
            .map(|r| Recent {
                received_at: super::from_ms(r.received_at),
                fingerprint: r.fingerprint.unwrap_or_default(),
                device: r.device_hash.unwrap_or_default(),
            })
            .collect();
    let tz: chrono_tz::Tz = store.timezone.parse().unwrap_or(chrono_tz::UTC);
    let sent = Sent {
        opened_at: super::from_ms(opened_ms),
        received_at: now,
        fingerprint: fingerprint.to_string(),
        device: device.to_string(),
        local_time: now.with_timezone(&tz).naive_local(),
        // Hours that no longer read (none are stored so) are as none: never a false flag.
        opening_hours: store
            .opening_hours
            .as_deref()
            .and_then(|h| WeekHours::parse(h).ok()),
    };
    Ok(stuffing::flags(rules, &sent, &recent))
}
