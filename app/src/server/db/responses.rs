//! Stored responses. The device-made UUID is the primary key, so "store once" is enforced by
//! the database under any concurrency: `INSERT ... ON CONFLICT (id) DO NOTHING`, then compare
//! the stored content hash. Never check-then-insert.

use sqlx::Row;

use super::Db;
use crate::api::wire::{Receipt, ResponseDetail, ResponseSummary};
use crate::domain::survey_form::Contact;
use crate::domain::Tally;
use crate::server::auth::Actor;
use crate::server::from_ms;

#[derive(Clone, Debug)]
pub struct NewResponse {
    pub id: String,
    pub store_id: i64,
    pub template_version_id: i64,
    pub channel: &'static str,
    pub submitted_by: Option<i64>,
    pub started_at: i64,
    pub finished_at: i64,
    pub received_at: i64,
    pub body_hash: String,
    pub answers_json: String,
    pub points_earned: f64,
    pub points_possible: f64,
    pub not_applicable: u32,
    pub score_pct: Option<f64>,
    pub critical_failed: bool,
    pub recommend: Option<u8>,
    pub dimension_scores_json: String,
    /// The assignment this response fulfils; it is marked answered in the same transaction.
    pub assignment_id: Option<i64>,
    /// Hashes of the (already uploaded) photos the answers show.
    pub photos: Vec<String>,
    pub check_in_json: Option<String>,
    /// Customer survey only: where the code was placed, the device, the answer fingerprint
    /// and the stuffing flags (space-separated, '' when none).
    pub channel_tag: Option<&'static str>,
    pub device_hash: Option<String>,
    pub fingerprint: Option<String>,
    pub flags: String,
    /// Customer survey only: the device may not have answered this store since then.
    pub device_claim: Option<DeviceClaim>,
    /// Customer survey only: a request to be called back, stored beside the response.
    pub contact: Option<Contact>,
    /// Self-assessment only: the period ('YYYY-MM') and the respondent's keyed hash, claimed
    /// once per store and period in the same transaction (the claim is not linked to the
    /// response, which stays anonymous).
    pub period: Option<String>,
    pub period_claim: Option<String>,
    /// What the response adds to its store's weekly figures (left out when flagged).
    pub rollup: Option<super::figures::Rollup>,
}

#[derive(Clone, Debug)]
pub struct DeviceClaim {
    pub device_hash: String,
    /// Epoch ms: an answer of this device to this store at or after this instant blocks.
    pub not_since: i64,
}

#[derive(Debug, PartialEq)]
pub enum InsertOutcome {
    Created(Receipt),
    /// The same id with the same content: the original receipt.
    Replayed(Receipt),
    /// The same id with different content.
    Conflict,
    /// The assignment was answered by another response, or cancelled, meanwhile.
    AssignmentClosed,
    /// The device answered this store's survey recently (`DeviceClaim`).
    DeviceAnsweredRecently,
    /// The respondent already answered the self-assessment for this period.
    PeriodAlreadyAnswered,
}

pub fn receipt(
    id: &str,
    received_at: i64,
    score: Option<f64>,
    critical_failed: bool,
    earned: f64,
    possible: f64,
    na: u32,
) -> Receipt {
    let tally = Tally {
        earned,
        possible,
        scored_items: 0,
        failed_items: 0,
        not_applicable: na,
    };
    Receipt {
        id: id.to_string(),
        received_at: from_ms(received_at),
        score,
        critical_failed,
        points_earned: earned,
        points_possible: possible,
        not_applicable: na,
        summary: tally.to_string(),
    }
}

fn created(r: &NewResponse) -> InsertOutcome {
    InsertOutcome::Created(receipt(
        &r.id,
        r.received_at,
        r.score_pct,
        r.critical_failed,
        r.points_earned,
        r.points_possible,
        r.not_applicable,
    ))
}

/// The INSERT of one response row; a second insert of the same id does nothing.
fn insert_row(r: &NewResponse) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(
        "INSERT INTO responses (id, store_id, template_version_id, channel, submitted_by, started_at, finished_at,
            received_at, body_hash, answers, points_earned, points_possible, not_applicable, score_pct,
            critical_failed, recommend, dimension_scores, check_in, channel_tag, device_hash, fingerprint, flags, period)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&r.id)
    .bind(r.store_id)
    .bind(r.template_version_id)
    .bind(r.channel)
    .bind(r.submitted_by)
    .bind(r.started_at)
    .bind(r.finished_at)
    .bind(r.received_at)
    .bind(&r.body_hash)
    .bind(&r.answers_json)
    .bind(r.points_earned)
    .bind(r.points_possible)
    .bind(i64::from(r.not_applicable))
    .bind(r.score_pct)
    .bind(i64::from(r.critical_failed))
    .bind(r.recommend.map(i64::from))
    .bind(&r.dimension_scores_json)
    .bind(&r.check_in_json)
    .bind(r.channel_tag)
    .bind(&r.device_hash)
    .bind(&r.fingerprint)
    .bind(&r.flags)
    .bind(&r.period)
}

/// Has this respondent (keyed hash) already answered the store's self-assessment in `period`?
pub async fn period_claimed(
    db: &Db,
    store_id: i64,
    period: &str,
    respondent: &str,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT 1 FROM self_assessment_claims WHERE store_id = $1 AND period = $2 AND respondent = $3",
    )
    .bind(store_id)
    .bind(period)
    .bind(respondent)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Many new rows in one transaction, for loading a synthetic data set: nothing linked is
/// stored and the weekly figures are left alone (the loader rebuilds them afterwards).
/// Returns the rows stored (ids already present are skipped).
pub async fn insert_bulk(db: &Db, rows: &[NewResponse]) -> Result<u64, sqlx::Error> {
    let _turn = db.write_turn().await;
    let mut tx = db.pool.begin().await?;
    let mut stored = 0;
    for r in rows {
        stored += insert_row(r).execute(&mut *tx).await?.rows_affected();
    }
    tx.commit().await?;
    Ok(stored)
}

pub async fn insert_response(db: &Db, r: NewResponse) -> Result<InsertOutcome, sqlx::Error> {
    // Flagged answers stay out of the figures, as they stay out of every figure.
    let figures = r.rollup.as_ref().filter(|_| r.flags.trim().is_empty());
    let linked = r.assignment_id.is_some()
        || !r.photos.is_empty()
        || r.device_claim.is_some()
        || r.contact.is_some()
        || r.period_claim.is_some()
        || figures.is_some();
    if !linked {
        // Nothing linked: one statement, no transaction.
        let result = insert_row(&r).execute(&db.pool).await?;
        if result.rows_affected() == 1 {
            return Ok(created(&r));
        }
        return replayed_or_conflict(db, &r).await;
    }
    let _turn = db.write_turn().await;
    let mut tx = db.pool.begin().await?;
    let result = insert_row(&r).execute(&mut *tx).await?;
    if result.rows_affected() == 1 {
        if let Some(assignment) = r.assignment_id {
            // Claim the assignment; if another response (or a cancellation) got there
            // first, nothing of this response is kept.
            let claimed = sqlx::query(
                "UPDATE assignments SET response_id = $1
                 WHERE id = $2 AND response_id IS NULL AND cancelled_at IS NULL",
            )
            .bind(&r.id)
            .bind(assignment)
            .execute(&mut *tx)
            .await?;
            if claimed.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(InsertOutcome::AssignmentClosed);
            }
        }
        if let Some(claim) = &r.device_claim {
            // Take the device's slot for this store unless it answered since `not_since`.
            // One statement, so two answers sent at once cannot both get it.
            let claimed = sqlx::query(
                "INSERT INTO survey_devices (store_id, device_hash, answered_at) VALUES ($1, $2, $3)
                 ON CONFLICT (store_id, device_hash) DO UPDATE SET answered_at = excluded.answered_at
                 WHERE survey_devices.answered_at < $4",
            )
            .bind(r.store_id)
            .bind(&claim.device_hash)
            .bind(r.received_at)
            .bind(claim.not_since)
            .execute(&mut *tx)
            .await?;
            if claimed.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(InsertOutcome::DeviceAnsweredRecently);
            }
        }
        if let (Some(period), Some(respondent)) = (&r.period, &r.period_claim) {
            let claimed = sqlx::query(
                "INSERT INTO self_assessment_claims (store_id, period, respondent) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(r.store_id)
            .bind(period)
            .bind(respondent)
            .execute(&mut *tx)
            .await?;
            if claimed.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(InsertOutcome::PeriodAlreadyAnswered);
            }
        }
        if let Some(c) = &r.contact {
            sqlx::query(
                "INSERT INTO response_contacts (response_id, store_id, name, phone, email, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&r.id)
            .bind(r.store_id)
            .bind(&c.name)
            .bind(&c.phone)
            .bind(&c.email)
            .bind(r.received_at)
            .execute(&mut *tx)
            .await?;
        }
        for photo in &r.photos {
            sqlx::query(
                "INSERT INTO response_photos (response_id, photo_sha256) VALUES ($1, $2)
                 ON CONFLICT (response_id, photo_sha256) DO NOTHING",
            )
            .bind(&r.id)
            .bind(photo)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(rollup) = figures {
            super::figures::add_response(&mut tx, r.store_id, r.channel, rollup).await?;
        }
        tx.commit().await?;
        return Ok(created(&r));
    }
    tx.commit().await?;
    replayed_or_conflict(db, &r).await
}

/// The id was stored before: the same content is a replay (same receipt), other content a conflict.
async fn replayed_or_conflict(db: &Db, r: &NewResponse) -> Result<InsertOutcome, sqlx::Error> {
    let row = sqlx::query(
        "SELECT body_hash, received_at, score_pct, critical_failed, points_earned, points_possible, not_applicable
         FROM responses WHERE id = $1",
    )
    .bind(&r.id)
    .fetch_one(&db.pool)
    .await?;
    let stored_hash: String = row.try_get(0)?;
    if stored_hash != r.body_hash {
        return Ok(InsertOutcome::Conflict);
    }
    Ok(InsertOutcome::Replayed(receipt(
        &r.id,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get::<i64, _>(3)? != 0,
        row.try_get(4)?,
        row.try_get(5)?,
        row.try_get::<i64, _>(6)? as u32,
    )))
}

macro_rules! summary_select {
    () => {
        "SELECT r.id, s.code, t.template_key, v.version, r.channel, r.finished_at, r.score_pct, r.critical_failed,
                r.started_at, r.received_at, r.points_earned, r.points_possible, r.not_applicable, r.answers, r.dimension_scores,
                r.flags
         FROM responses r
         JOIN stores s ON s.id = r.store_id
         JOIN template_versions v ON v.id = r.template_version_id
         JOIN templates t ON t.id = v.template_id
         WHERE (r.channel <> 'employee_self' OR (SELECT COUNT(*) FROM responses r2
                WHERE r2.store_id = r.store_id AND r2.channel = 'employee_self' AND r2.period = r.period) >= 3)
           AND r.store_id IN "
    };
}

fn summary(r: &sqlx::any::AnyRow) -> Result<ResponseSummary, sqlx::Error> {
    Ok(ResponseSummary {
        id: r.try_get(0)?,
        store: r.try_get(1)?,
        template: r.try_get(2)?,
        template_version: r.try_get::<i64, _>(3)? as u32,
        channel: r.try_get(4)?,
        finished_at: from_ms(r.try_get(5)?),
        score: r.try_get(6)?,
        critical_failed: r.try_get::<i64, _>(7)? != 0,
        flags: flag_list(&r.try_get::<String, _>(15)?),
    })
}

fn flag_list(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(str::to_string).collect()
}

/// Which responses a list shows, by their stuffing flags. Figures leave flagged answers out
/// unless a manager asks to include them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum FlagFilter {
    #[default]
    Exclude,
    Include,
    Only,
}

impl FlagFilter {
    /// `?flagged=include|only`; anything else excludes.
    pub fn parse(s: &str) -> FlagFilter {
        match s {
            "include" => FlagFilter::Include,
            "only" => FlagFilter::Only,
            _ => FlagFilter::Exclude,
        }
    }

    fn sql(self) -> &'static str {
        match self {
            FlagFilter::Exclude => " AND r.flags = ''",
            FlagFilter::Include => "",
            FlagFilter::Only => " AND r.flags <> ''",
        }
    }
}

fn json_column(r: &sqlx::any::AnyRow, i: usize) -> Result<serde_json::Value, sqlx::Error> {
    let text: String = r.try_get(i)?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// One response, only if its store is visible to the actor.
pub async fn visible_response(
    db: &Db,
    actor: &Actor,
    id: &str,
) -> Result<Option<ResponseDetail>, sqlx::Error> {
    let row = sqlx::query(concat!(
        summary_select!(),
        crate::visible_store_ids!(),
        " AND r.id = $3"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(ResponseDetail {
        summary: summary(&r)?,
        started_at: from_ms(r.try_get(8)?),
        received_at: from_ms(r.try_get(9)?),
        points_earned: r.try_get(10)?,
        points_possible: r.try_get(11)?,
        not_applicable: r.try_get::<i64, _>(12)? as u32,
        answers: json_column(&r, 13)?,
        dimensions: json_column(&r, 14)?,
    }))
}

/// The newest responses of one store the actor may see (empty if they may not).
pub async fn visible_store_responses(
    db: &Db,
    actor: &Actor,
    store_code: &str,
    flagged: FlagFilter,
    limit: i64,
) -> Result<Vec<ResponseSummary>, sqlx::Error> {
    let sql = format!(
        "{}{} AND s.code = $3{} ORDER BY r.finished_at DESC, r.id LIMIT $4",
        summary_select!(),
        crate::visible_store_ids!(),
        flagged.sql()
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(actor.role.as_str())
        .bind(actor.user_id)
        .bind(store_code)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(summary).collect()
}

pub async fn count_responses(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) FROM responses")
        .fetch_one(&db.pool)
        .await?
        .try_get(0)
}

/// Received time and answer fingerprint of a store's customer responses since `since_ms`:
/// what the burst and identical-answer flags compare a new answer with.
pub async fn recent_customer_answers(
    db: &Db,
    store_id: i64,
    since_ms: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT received_at, fingerprint FROM responses
         WHERE store_id = $1 AND channel = 'customer_qr' AND received_at >= $2",
    )
    .bind(store_id)
    .bind(since_ms)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get(0)?,
                r.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
            ))
        })
        .collect()
}

/// The newest customer answers of a store the actor may see.
pub async fn customer_answers(
    db: &Db,
    actor: &Actor,
    store_id: i64,
    flagged: FlagFilter,
    limit: i64,
) -> Result<Vec<CustomerAnswerRow>, sqlx::Error> {
    let sql = format!(
        "SELECT r.id, r.finished_at, r.recommend, r.score_pct, r.channel_tag, r.answers, r.flags,
                t.template_key, v.version
         FROM responses r
         JOIN template_versions v ON v.id = r.template_version_id
         JOIN templates t ON t.id = v.template_id
         WHERE r.store_id IN {} AND r.store_id = $3 AND r.channel = 'customer_qr'{}
         ORDER BY r.finished_at DESC, r.id LIMIT $4",
        crate::visible_store_ids!(),
        flagged.sql()
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(actor.role.as_str())
        .bind(actor.user_id)
        .bind(store_id)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CustomerAnswerRow {
                id: r.try_get(0)?,
                finished_at: r.try_get(1)?,
                recommend: r.try_get::<Option<i64>, _>(2)?.map(|v| v as u8),
                score: r.try_get(3)?,
                channel_tag: r.try_get(4)?,
                answers_json: r.try_get(5)?,
                flags: flag_list(&r.try_get::<String, _>(6)?),
                template: r.try_get(7)?,
                template_version: r.try_get::<i64, _>(8)? as u32,
            })
        })
        .collect()
}

#[derive(Clone, Debug)]
pub struct CustomerAnswerRow {
    pub id: String,
    /// When the customer sent it.
    pub finished_at: i64,
    pub recommend: Option<u8>,
    pub score: Option<f64>,
    pub channel_tag: Option<String>,
    pub answers_json: String,
    pub flags: Vec<String>,
    pub template: String,
    pub template_version: u32,
}

/// NPS answers of a store's customer answers since `since_ms`, each with whether it was
/// flagged: enough to show the figure with and without the flagged ones.
pub async fn customer_recommends(
    db: &Db,
    store_id: i64,
    since_ms: i64,
) -> Result<Vec<(u8, bool)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT recommend, flags FROM responses
         WHERE store_id = $1 AND channel = 'customer_qr' AND finished_at >= $2 AND recommend IS NOT NULL",
    )
    .bind(store_id)
    .bind(since_ms)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<i64, _>(0)? as u8,
                !r.try_get::<String, _>(1)?.is_empty(),
            ))
        })
        .collect()
}

/// Call-back requests of a store, for its store managers only (an admin or a regional manager
/// gets none: the customer agreed to be called by the store).
pub async fn call_backs(
    db: &Db,
    actor: &Actor,
    store_id: i64,
    limit: i64,
) -> Result<Vec<crate::api::wire::CallBackView>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.response_id, c.created_at, c.name, c.phone, c.email, r.recommend
         FROM response_contacts c
         JOIN responses r ON r.id = c.response_id
         JOIN user_stores us ON us.store_id = c.store_id AND us.user_id = $2
         WHERE $1 = 'store_manager' AND c.store_id = $3
         ORDER BY c.created_at DESC, c.response_id LIMIT $4",
    )
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(store_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(crate::api::wire::CallBackView {
                response_id: r.try_get(0)?,
                received_at: from_ms(r.try_get(1)?),
                name: r.try_get(2)?,
                phone: r.try_get(3)?,
                email: r.try_get(4)?,
                recommend: r.try_get::<Option<i64>, _>(5)?.map(|v| v as u8),
            })
        })
        .collect()
}

/// Answers (JSON) of a store's self-assessments in a period.
pub async fn self_assessments(
    db: &Db,
    store_id: i64,
    period: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT answers FROM responses
         WHERE store_id = $1 AND channel = 'employee_self' AND period = $2 ORDER BY id",
    )
    .bind(store_id)
    .bind(period)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}
