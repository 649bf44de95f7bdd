//! Stored responses. The device-made UUID is the primary key, so "store once" is enforced by
//! the database under any concurrency: `INSERT ... ON CONFLICT (id) DO NOTHING`, then compare
//! the stored content hash. Never check-then-insert.
//!
//! Storing is composed by each use case from the small functions here, all over one write
//! transaction (`Db::write_tx`): [`insert`] the row, then whatever that use case claims
//! ([`claim_assignment`], [`claim_device`], [`claim_period`], [`claim_staff_pass`]), what it
//! links ([`link_photos`], [`insert_contact`], [`mark_customer`]), and the figures
//! (`figures::add_response`) when its status counts. A failed claim rolls everything back.

use sqlx::AnyConnection;

use super::Db;
use crate::api::wire::{Receipt, ResponseDetail, ResponseSummary};
use crate::domain::status::Status;
use crate::domain::survey_form::Contact;
use crate::domain::Tally;
use crate::server::actor::Actor;
use crate::server::from_ms;

/// Only responses with the status `counted` are in figures, lists and exports: the one rule
/// for "what counts", embedded by every such read (responses aliased `r`).
#[macro_export]
macro_rules! counts {
    () => {
        "r.status = 'counted'"
    };
}

/// The row every stored response has, whoever sent it.
#[derive(Clone, Debug)]
pub struct ResponseRow {
    pub id: String,
    pub store_id: i64,
    pub template_version_id: i64,
    pub channel: &'static str,
    pub submitted_by: Option<i64>,
    pub started_at: i64,
    pub finished_at: i64,
    pub received_at: i64,
    /// What makes a replay "identical".
    pub body_hash: String,
    pub answers_json: String,
    pub points_earned: f64,
    pub points_possible: f64,
    pub not_applicable: u32,
    pub score_pct: Option<f64>,
    pub critical_failed: bool,
    pub recommend: Option<u8>,
    pub dimension_scores_json: String,
    pub check_in_json: Option<String>,
    /// Whether it counts, and why not when it does not.
    pub status: Status,
    pub status_reason: Option<String>,
    /// Evidence flags (JSON array, `domain::evidence`), '[]' when none or not a visit.
    pub evidence_json: String,
    /// A submitted visit: why a person must review it, or when it releases itself.
    pub review_reason: Option<String>,
    pub review_due: Option<i64>,
}

/// What the customer survey adds to its answers: where the code was placed, the device, the
/// answer fingerprint and the stuffing flags (space-separated, '' when none).
#[derive(Clone, Debug)]
pub struct CustomerMarks {
    pub channel_tag: Option<&'static str>,
    pub device_hash: String,
    pub fingerprint: String,
    pub flags: String,
}

#[derive(Debug, PartialEq)]
pub enum InsertOutcome {
    Created(Receipt),
    /// The same id with the same content: the original receipt.
    Replayed(Receipt),
    /// The same id with different content.
    Conflict,
}

pub fn receipt(
    id: &str,
    received_at: i64,
    score: Option<f64>,
    critical_failed: bool,
    (earned, possible, na): (f64, f64, u32),
    status: Status,
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
        status: status.as_str().to_string(),
    }
}

/// The receipt of a row just stored.
pub fn created(r: &ResponseRow) -> Receipt {
    receipt(
        &r.id,
        r.received_at,
        r.score_pct,
        r.critical_failed,
        (r.points_earned, r.points_possible, r.not_applicable),
        r.status,
    )
}

fn insert_statement(r: &ResponseRow) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(
        "INSERT INTO responses (id, store_id, template_version_id, channel, submitted_by, started_at, finished_at,
            received_at, body_hash, answers, points_earned, points_possible, not_applicable, score_pct,
            critical_failed, recommend, dimension_scores, check_in, status, status_reason, evidence,
            review_reason, review_due)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
            $21, $22, $23)
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
    .bind(r.status.as_str())
    .bind(&r.status_reason)
    .bind(&r.evidence_json)
    .bind(&r.review_reason)
    .bind(r.review_due)
}

/// Insert the row; false when a response with this id was stored before (nothing written).
pub async fn insert(conn: &mut AnyConnection, r: &ResponseRow) -> Result<bool, sqlx::Error> {
    Ok(insert_statement(r).execute(conn).await?.rows_affected() == 1)
}

/// Claim an assignment for the response. An open one (not cancelled, not answered) is
/// claimed for a counted visit; a cancelled one that nobody answered only for a held visit,
/// so the shopper's work is kept and the assignment still cannot be answered twice. False
/// when another response (or a cancellation) got there first.
pub async fn claim_assignment(
    conn: &mut AnyConnection,
    assignment_id: i64,
    response_id: &str,
    cancelled: bool,
) -> Result<bool, sqlx::Error> {
    let sql = if cancelled {
        "UPDATE assignments SET response_id = $1
         WHERE id = $2 AND response_id IS NULL AND cancelled_at IS NOT NULL"
    } else {
        "UPDATE assignments SET response_id = $1
         WHERE id = $2 AND response_id IS NULL AND cancelled_at IS NULL"
    };
    let claimed = sqlx::query(sql)
        .bind(response_id)
        .bind(assignment_id)
        .execute(conn)
        .await?;
    Ok(claimed.rows_affected() == 1)
}

#[derive(Clone, Debug)]
pub struct DeviceClaim {
    pub device_hash: String,
    /// Epoch ms: an answer of this device to this store at or after this instant blocks.
    pub not_since: i64,
}

/// Take the device's slot for this store unless it answered since `not_since`. One
/// statement, so two answers sent at once cannot both get it.
pub async fn claim_device(
    conn: &mut AnyConnection,
    store_id: i64,
    claim: &DeviceClaim,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "INSERT INTO survey_devices (store_id, device_hash, answered_at) VALUES ($1, $2, $3)
         ON CONFLICT (store_id, device_hash) DO UPDATE SET answered_at = excluded.answered_at
         WHERE survey_devices.answered_at < $4",
    )
    .bind(store_id)
    .bind(&claim.device_hash)
    .bind(at)
    .bind(claim.not_since)
    .execute(conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Self-assessment: claim the respondent's (keyed hash) one answer of the store's period and
/// file the response under the period. The claim is not linked to the response, which stays
/// anonymous. False when the respondent already answered this period.
pub async fn claim_period(
    conn: &mut AnyConnection,
    response_id: &str,
    store_id: i64,
    period: &str,
    respondent: &str,
) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "INSERT INTO self_assessment_claims (store_id, period, respondent) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(store_id)
    .bind(period)
    .bind(respondent)
    .execute(&mut *conn)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("UPDATE responses SET period = $1 WHERE id = $2")
        .bind(period)
        .bind(response_id)
        .execute(conn)
        .await?;
    Ok(true)
}

/// A staff-link PIN pass gives one answer: claim its nonce. False when it was used before.
pub async fn claim_staff_pass(
    conn: &mut AnyConnection,
    nonce: &str,
    store_id: i64,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "INSERT INTO staff_pass_uses (nonce, store_id, used_at) VALUES ($1, $2, $3)
         ON CONFLICT (nonce) DO NOTHING",
    )
    .bind(nonce)
    .bind(store_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Has this staff pass been used for an answer already?
pub async fn staff_pass_used(db: &Db, nonce: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT 1 FROM staff_pass_uses WHERE nonce = $1")
            .bind(nonce)
            .fetch_optional(&db.pool)
            .await?
            .is_some(),
    )
}

/// The customer survey's marks on its answer.
pub async fn mark_customer(
    conn: &mut AnyConnection,
    response_id: &str,
    marks: &CustomerMarks,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE responses SET channel_tag = $1, device_hash = $2, fingerprint = $3, flags = $4
         WHERE id = $5",
    )
    .bind(marks.channel_tag)
    .bind(&marks.device_hash)
    .bind(&marks.fingerprint)
    .bind(&marks.flags)
    .bind(response_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A request to be called back, stored beside the response (only the store's managers read it).
pub async fn insert_contact(
    conn: &mut AnyConnection,
    response_id: &str,
    store_id: i64,
    c: &Contact,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO response_contacts (response_id, store_id, name, phone, email, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(response_id)
    .bind(store_id)
    .bind(&c.name)
    .bind(&c.phone)
    .bind(&c.email)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which (already uploaded) photos the response shows.
pub async fn link_photos(
    conn: &mut AnyConnection,
    response_id: &str,
    photos: &[String],
) -> Result<(), sqlx::Error> {
    for photo in photos {
        sqlx::query(
            "INSERT INTO response_photos (response_id, photo_sha256) VALUES ($1, $2)
             ON CONFLICT (response_id, photo_sha256) DO NOTHING",
        )
        .bind(response_id)
        .bind(photo)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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
pub async fn insert_bulk(db: &Db, rows: &[ResponseRow]) -> Result<u64, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let mut stored = 0;
    for r in rows {
        stored += u64::from(insert(&mut tx, r).await?);
    }
    tx.commit().await?;
    Ok(stored)
}

#[derive(sqlx::FromRow)]
struct StoredReceiptRow {
    body_hash: String,
    received_at: i64,
    score_pct: Option<f64>,
    critical_failed: i64,
    points_earned: f64,
    points_possible: f64,
    not_applicable: i64,
    status: String,
}

/// The id was stored before: the same content is a replay (same receipt), other content a
/// conflict. Read after the storing transaction ended.
pub async fn replayed_or_conflict(db: &Db, r: &ResponseRow) -> Result<InsertOutcome, sqlx::Error> {
    let stored: StoredReceiptRow = sqlx::query_as(
        "SELECT body_hash, received_at, score_pct, critical_failed, points_earned, points_possible,
                not_applicable, status
         FROM responses WHERE id = $1",
    )
    .bind(&r.id)
    .fetch_one(&db.pool)
    .await?;
    if stored.body_hash != r.body_hash {
        // An earlier revision sent again (a phone's retry after the visit was corrected) is
        // a replay too: it gets the receipt of what is stored now.
        let earlier: Option<i64> = sqlx::query_scalar(
            "SELECT revision FROM response_revisions WHERE response_id = $1 AND body_hash = $2",
        )
        .bind(&r.id)
        .bind(&r.body_hash)
        .fetch_optional(&db.pool)
        .await?;
        if earlier.is_none() {
            return Ok(InsertOutcome::Conflict);
        }
    }
    Ok(InsertOutcome::Replayed(receipt(
        &r.id,
        stored.received_at,
        stored.score_pct,
        stored.critical_failed != 0,
        (
            stored.points_earned,
            stored.points_possible,
            u32::try_from(stored.not_applicable).unwrap_or(0),
        ),
        Status::parse(&stored.status).unwrap_or(Status::Counted),
    )))
}

/// A stored response's status, if there is one with this id.
pub async fn status_of(db: &Db, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT status FROM responses WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

#[derive(sqlx::FromRow)]
struct RevisableRow {
    status: String,
    revision: i64,
    submitted_by: Option<i64>,
    store_id: i64,
    template_version_id: i64,
    body_hash: String,
    answers: String,
    score_pct: Option<f64>,
    started_at: i64,
    finished_at: i64,
    received_at: i64,
    check_in: Option<String>,
    evidence: String,
}

/// Store a shopper's corrected revision of their returned visit in one transaction: the
/// content as it was goes to `response_revisions`, the new content takes its place, and the
/// status moves back to submitted (`Move::Resubmit`; nothing counted, so no figures move).
/// None (nothing written) when the response is not a returned visit of this shopper for the
/// same store and checklist version.
pub async fn revise(
    db: &Db,
    row: &ResponseRow,
    shopper_id: i64,
) -> Result<Option<Receipt>, sqlx::Error> {
    let lock = match db.backend {
        super::Backend::Postgres => " FOR UPDATE",
        super::Backend::Sqlite => "",
    };
    let mut tx = db.write_tx().await?;
    let current: Option<RevisableRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT status, revision, submitted_by, store_id, template_version_id, body_hash, answers,
                score_pct, started_at, finished_at, received_at, check_in, evidence
         FROM responses WHERE id = $1{lock}"
    )))
    .bind(&row.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(c) = current else {
        return Ok(None);
    };
    let from = Status::parse(&c.status).unwrap_or(Status::Counted);
    let same_visit = c.submitted_by == Some(shopper_id)
        && c.store_id == row.store_id
        && c.template_version_id == row.template_version_id;
    let Some(to) = crate::domain::status::Move::Resubmit
        .target(from)
        .filter(|_| same_visit)
    else {
        return Ok(None);
    };
    sqlx::query(
        "INSERT INTO response_revisions (response_id, revision, body_hash, answers, score_pct,
            started_at, finished_at, received_at, check_in, evidence)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&row.id)
    .bind(c.revision)
    .bind(&c.body_hash)
    .bind(&c.answers)
    .bind(c.score_pct)
    .bind(c.started_at)
    .bind(c.finished_at)
    .bind(c.received_at)
    .bind(&c.check_in)
    .bind(&c.evidence)
    .execute(&mut *tx)
    .await?;
    let revision = c.revision + 1;
    sqlx::query(
        "UPDATE responses SET body_hash = $1, answers = $2, points_earned = $3, points_possible = $4,
            not_applicable = $5, score_pct = $6, critical_failed = $7, recommend = $8,
            dimension_scores = $9, check_in = $10, started_at = $11, finished_at = $12,
            received_at = $13, evidence = $14, review_reason = $15, review_due = $16,
            opened_at = NULL, revision = $17
         WHERE id = $18",
    )
    .bind(&row.body_hash)
    .bind(&row.answers_json)
    .bind(row.points_earned)
    .bind(row.points_possible)
    .bind(i64::from(row.not_applicable))
    .bind(row.score_pct)
    .bind(i64::from(row.critical_failed))
    .bind(row.recommend.map(i64::from))
    .bind(&row.dimension_scores_json)
    .bind(&row.check_in_json)
    .bind(row.started_at)
    .bind(row.finished_at)
    .bind(row.received_at)
    .bind(&row.evidence_json)
    .bind(&row.review_reason)
    .bind(row.review_due)
    .bind(revision)
    .bind(&row.id)
    .execute(&mut *tx)
    .await?;
    super::status::record(
        &mut tx,
        &row.id,
        (from, to),
        super::status::Note::reason("corrected and sent again"),
        (Some(shopper_id), row.received_at),
        revision,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(receipt(
        &row.id,
        row.received_at,
        row.score_pct,
        row.critical_failed,
        (row.points_earned, row.points_possible, row.not_applicable),
        to,
    )))
}

macro_rules! summary_select {
    () => {
        "SELECT r.id, s.code AS store, t.template_key AS template, v.version AS template_version,
                r.channel, r.finished_at, r.score_pct, r.critical_failed, r.started_at, r.received_at,
                r.points_earned, r.points_possible, r.not_applicable, r.answers, r.dimension_scores,
                r.flags, r.status
         FROM responses r
         JOIN stores s ON s.id = r.store_id
         JOIN template_versions v ON v.id = r.template_version_id
         JOIN templates t ON t.id = v.template_id
         WHERE r.channel <> 'employee_self' AND r.store_id IN "
    };
}

/// A response as `summary_select!` reads it.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    store: String,
    template: String,
    template_version: i64,
    channel: String,
    finished_at: i64,
    score_pct: Option<f64>,
    critical_failed: i64,
    started_at: i64,
    received_at: i64,
    points_earned: f64,
    points_possible: f64,
    not_applicable: i64,
    answers: String,
    dimension_scores: String,
    flags: String,
    status: String,
}

impl SummaryRow {
    fn summary(&self) -> ResponseSummary {
        ResponseSummary {
            id: self.id.clone(),
            store: self.store.clone(),
            template: self.template.clone(),
            template_version: u32::try_from(self.template_version).unwrap_or(0),
            channel: self.channel.clone(),
            finished_at: from_ms(self.finished_at),
            score: self.score_pct,
            critical_failed: self.critical_failed != 0,
            flags: flag_list(&self.flags),
            status: self.status.clone(),
        }
    }

    fn detail(self) -> Result<ResponseDetail, sqlx::Error> {
        let json = |text: &str| -> Result<serde_json::Value, sqlx::Error> {
            serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
        };
        Ok(ResponseDetail {
            summary: self.summary(),
            started_at: from_ms(self.started_at),
            received_at: from_ms(self.received_at),
            points_earned: self.points_earned,
            points_possible: self.points_possible,
            not_applicable: u32::try_from(self.not_applicable).unwrap_or(0),
            answers: json(&self.answers)?,
            dimensions: json(&self.dimension_scores)?,
        })
    }
}

fn flag_list(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(str::to_string).collect()
}

/// Which responses a list shows: those that count, and flagged customer answers when a
/// manager asks for them. Held and excluded responses are never listed here (an admin finds
/// them through `status::held`). Employees' single self-assessments are never listed at all:
/// the lists embed `r.channel <> 'employee_self'`.
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

    pub fn sql(self) -> &'static str {
        match self {
            FlagFilter::Exclude => concat!(" AND ", crate::counts!()),
            FlagFilter::Include => concat!(" AND (", crate::counts!(), " OR r.status = 'flagged')"),
            FlagFilter::Only => " AND r.status = 'flagged'",
        }
    }
}

/// One response, only if its store is visible to the actor.
pub async fn visible_response(
    db: &Db,
    actor: &Actor,
    id: &str,
) -> Result<Option<ResponseDetail>, sqlx::Error> {
    let row: Option<SummaryRow> = sqlx::query_as(concat!(
        summary_select!(),
        crate::readable_store_ids!(),
        " AND r.id = $3 AND (",
        crate::counts!(),
        " OR r.status = 'flagged' OR $1 = 'admin')"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(SummaryRow::detail).transpose()
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
        crate::readable_store_ids!(),
        flagged.sql()
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(actor.role.as_str())
        .bind(actor.user_id)
        .bind(store_code)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.iter().map(SummaryRow::summary).collect())
}

pub async fn count_responses(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM responses")
        .fetch_one(&db.pool)
        .await
}

/// A store's recent customer answer, as the stuffing rules compare a new one with it.
#[derive(sqlx::FromRow)]
pub struct RecentAnswerRow {
    pub received_at: i64,
    pub fingerprint: Option<String>,
    pub device_hash: Option<String>,
}

/// A store's customer answers received since `since_ms`, whatever their status: what the
/// burst and identical-answer flags compare a new answer with.
pub async fn recent_customer_answers(
    db: &Db,
    store_id: i64,
    since_ms: i64,
) -> Result<Vec<RecentAnswerRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT received_at, fingerprint, device_hash FROM responses
         WHERE store_id = $1 AND channel = 'customer_qr' AND received_at >= $2",
    )
    .bind(store_id)
    .bind(since_ms)
    .fetch_all(&db.pool)
    .await
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
                t.template_key AS template, v.version AS template_version
         FROM responses r
         JOIN template_versions v ON v.id = r.template_version_id
         JOIN templates t ON t.id = v.template_id
         WHERE r.store_id IN {} AND r.store_id = $3 AND r.channel = 'customer_qr'{}
         ORDER BY r.finished_at DESC, r.id LIMIT $4",
        crate::readable_store_ids!(),
        flagged.sql()
    );
    let rows: Vec<CustomerAnswerSql> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(actor.role.as_str())
        .bind(actor.user_id)
        .bind(store_id)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| CustomerAnswerRow {
            id: r.id,
            finished_at: r.finished_at,
            recommend: r.recommend.map(recommend_value),
            score: r.score_pct,
            channel_tag: r.channel_tag,
            answers_json: r.answers,
            flags: flag_list(&r.flags),
            template: r.template,
            template_version: u32::try_from(r.template_version).unwrap_or(0),
        })
        .collect())
}

/// A customer answer as [`customer_answers`] reads it.
#[derive(sqlx::FromRow)]
struct CustomerAnswerSql {
    id: String,
    finished_at: i64,
    recommend: Option<i64>,
    score_pct: Option<f64>,
    channel_tag: Option<String>,
    answers: String,
    flags: String,
    template: String,
    template_version: i64,
}

/// A stored 0-10 recommendation (checked at ingest) as the `u8` the figures use.
fn recommend_value(stored: i64) -> u8 {
    u8::try_from(stored.clamp(0, 10)).unwrap_or(0)
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

/// NPS answers of a store's customer answers finished in `[from_ms, to_ms)`, each with
/// whether it was flagged: enough to show the figure with and without the flagged ones.
pub async fn customer_recommends(
    db: &Db,
    store_id: i64,
    (from_ms, to_ms): (i64, i64),
) -> Result<Vec<(u8, bool)>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(concat!(
        "SELECT r.recommend, r.status FROM responses r
         WHERE r.store_id = $1 AND r.channel = 'customer_qr' AND r.finished_at >= $2
           AND r.finished_at < $3 AND r.recommend IS NOT NULL AND (",
        crate::counts!(),
        " OR r.status = 'flagged')"
    ))
    .bind(store_id)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(recommend, status)| {
            (
                recommend_value(recommend),
                status == Status::Flagged.as_str(),
            )
        })
        .collect())
}

/// Call-back requests of a store, for its store managers only (an admin or a regional manager
/// gets none: the customer agreed to be called by the store).
pub async fn call_backs(
    db: &Db,
    actor: &Actor,
    store_id: i64,
    limit: i64,
) -> Result<Vec<crate::api::wire::CallBackView>, sqlx::Error> {
    let rows: Vec<CallBackRow> = sqlx::query_as(
        "SELECT c.response_id, c.created_at, c.name, c.phone, c.email, r.recommend,
                c.handled_at, h.display_name AS handled_by
         FROM response_contacts c
         JOIN responses r ON r.id = c.response_id
         JOIN user_stores us ON us.store_id = c.store_id AND us.user_id = $2
         LEFT JOIN users h ON h.id = c.handled_by
         WHERE $1 = 'store_manager' AND c.store_id = $3
         ORDER BY c.created_at DESC, c.response_id LIMIT $4",
    )
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(store_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| crate::api::wire::CallBackView {
            response_id: r.response_id,
            received_at: from_ms(r.created_at),
            name: r.name,
            phone: r.phone,
            email: r.email,
            recommend: r.recommend.map(recommend_value),
            handled: r.handled_at.map(|at| crate::api::wire::Handled {
                at: from_ms(at),
                by: r.handled_by.unwrap_or_default(),
            }),
        })
        .collect())
}

/// Mark a call-back request of the store handled, as one of the store's own managers (the
/// only people who see them). True when this call marked it; false when it was marked
/// already, is not this store's, or the actor is not its manager.
pub async fn mark_call_back_handled(
    db: &Db,
    actor: &Actor,
    store_id: i64,
    response_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE response_contacts SET handled_at = $5, handled_by = $2
         WHERE response_id = $4 AND store_id = $3 AND handled_at IS NULL AND $1 = 'store_manager'
           AND EXISTS (SELECT 1 FROM user_stores us WHERE us.user_id = $2 AND us.store_id = $3)",
    )
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(store_id)
    .bind(response_id)
    .bind(now_ms)
    .execute(&db.pool)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The NPS answers of a store's flagged customer answers finished in `[from_ms, to_ms)`: what
/// the scorecard adds to its kept figures to say what the NPS would be with them.
pub async fn flagged_recommends(
    db: &Db,
    store_id: i64,
    (from_ms, to_ms): (i64, i64),
) -> Result<Vec<u8>, sqlx::Error> {
    let rows: Vec<i64> = sqlx::query_scalar(
        "SELECT r.recommend FROM responses r
         WHERE r.store_id = $1 AND r.status = 'flagged' AND r.finished_at >= $2
           AND r.finished_at < $3 AND r.channel = 'customer_qr' AND r.recommend IS NOT NULL",
    )
    .bind(store_id)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(recommend_value).collect())
}

/// A call-back request as [`call_backs`] reads it.
#[derive(sqlx::FromRow)]
struct CallBackRow {
    response_id: String,
    created_at: i64,
    name: String,
    phone: String,
    email: String,
    recommend: Option<i64>,
    handled_at: Option<i64>,
    handled_by: Option<String>,
}

/// Answers (JSON) of a store's self-assessments in a period.
pub async fn self_assessments(
    db: &Db,
    store_id: i64,
    period: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(concat!(
        "SELECT r.answers FROM responses r
         WHERE r.store_id = $1 AND r.channel = 'employee_self' AND r.period = $2 AND ",
        crate::counts!(),
        " ORDER BY r.id"
    ))
    .bind(store_id)
    .bind(period)
    .fetch_all(&db.pool)
    .await
}
