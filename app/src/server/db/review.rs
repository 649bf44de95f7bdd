//! Review before release, as stored: what the sampler and the evidence rules read about an
//! arriving visit, the review queue (scoped like every read of responses), a reviewer
//! opening a visit, and the visits whose automatic release is due. Status changes
//! themselves are `db::status::change`.

use super::org::StoreNames;
use super::Db;
use crate::server::actor::Actor;

/// The store's place and hours, as the evidence rules need them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StorePlace {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub opening_hours: Option<String>,
}

pub async fn store_place(db: &Db, store_id: i64) -> Result<StorePlace, sqlx::Error> {
    sqlx::query_as("SELECT latitude, longitude, opening_hours FROM stores WHERE id = $1")
        .bind(store_id)
        .fetch_one(&db.pool)
        .await
}

/// How many mystery visits and calls the shopper sent before (any store, any status but a
/// voided one: a voided visit proves nothing about the shopper's next).
pub async fn earlier_visits(
    db: &Db,
    shopper_id: i64,
    response_id: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM responses
         WHERE submitted_by = $1 AND id <> $2 AND channel IN ('mystery_visit', 'mystery_call')
           AND status <> 'voided'",
    )
    .bind(shopper_id)
    .bind(response_id)
    .fetch_one(&db.pool)
    .await
}

/// The answers (JSON) of the shopper's latest earlier visit to this store with this
/// template version, if any.
pub async fn previous_answers(
    db: &Db,
    shopper_id: i64,
    store_id: i64,
    template_version_id: i64,
    response_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT answers FROM responses
         WHERE submitted_by = $1 AND store_id = $2 AND template_version_id = $3 AND id <> $4
         ORDER BY finished_at DESC, id DESC LIMIT 1",
    )
    .bind(shopper_id)
    .bind(store_id)
    .bind(template_version_id)
    .bind(response_id)
    .fetch_optional(&db.pool)
    .await
}

/// A row of the review queue.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueRow {
    pub id: String,
    pub store_code: String,
    #[sqlx(flatten)]
    pub store_names: StoreNames,
    pub region: String,
    pub timezone: String,
    pub channel: String,
    pub template_key: String,
    pub template_version: i64,
    pub shopper: Option<String>,
    pub finished_at: i64,
    pub received_at: i64,
    pub score_pct: Option<f64>,
    pub critical_failed: i64,
    pub evidence: String,
    pub status: String,
    pub review_reason: Option<String>,
    pub review_due: Option<i64>,
    pub opened_at: Option<i64>,
    pub revision: i64,
}

/// What the queue is narrowed to: a status and any of region name, store code, shopper
/// username and evidence flag code ('' for all).
pub struct QueueFilter<'a> {
    pub status: &'a str,
    pub region: &'a str,
    pub store: &'a str,
    pub shopper: &'a str,
    pub flag: &'a str,
}

/// Mystery visits and calls of the stores the actor reads, with this status, oldest first.
pub async fn queue(
    db: &Db,
    actor: &Actor,
    f: &QueueFilter<'_>,
    limit: i64,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    // The flag is matched in the stored JSON as serde writes it (`"flag":"code"`); the code
    // was checked against the known flags, so it holds no LIKE wildcard.
    let flag_like = format!("%\"flag\":\"{}\"%", f.flag);
    sqlx::query_as(concat!(
        "SELECT r.id, s.code AS store_code, ",
        crate::store_name_columns!(),
        ", g.name AS region, s.timezone, r.channel, t.template_key, v.version AS template_version,
                u.display_name AS shopper, r.finished_at, r.received_at, r.score_pct, r.critical_failed,
                r.evidence, r.status, r.review_reason, r.review_due, r.opened_at, r.revision
         FROM responses r
         JOIN stores s ON s.id = r.store_id
         JOIN regions g ON g.id = s.region_id
         JOIN template_versions v ON v.id = r.template_version_id
         JOIN templates t ON t.id = v.template_id
         LEFT JOIN users u ON u.id = r.submitted_by
         WHERE r.status = $3 AND r.channel IN ('mystery_visit', 'mystery_call')
           AND ($4 = '' OR g.name = $4) AND ($5 = '' OR s.code = $5)
           AND ($6 = '' OR u.username = $6) AND ($7 = '' OR r.evidence LIKE $8)
           AND r.store_id IN ",
        crate::readable_store_ids!(),
        " ORDER BY r.received_at, r.id LIMIT $9"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(f.status)
    .bind(f.region)
    .bind(f.store)
    .bind(f.shopper)
    .bind(f.flag)
    .bind(flag_like)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// What the queue's filters offer: the regions, stores and shoppers of the visits with
/// this status that the actor reads.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueChoice {
    pub region: String,
    pub store_code: String,
    #[sqlx(flatten)]
    pub store_names: StoreNames,
    pub username: Option<String>,
    pub shopper: Option<String>,
}

pub async fn queue_choices(
    db: &Db,
    actor: &Actor,
    status: &str,
) -> Result<Vec<QueueChoice>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT DISTINCT g.name AS region, s.code AS store_code, ",
        crate::store_name_columns!(),
        ", u.username, u.display_name AS shopper
         FROM responses r
         JOIN stores s ON s.id = r.store_id
         JOIN regions g ON g.id = s.region_id
         LEFT JOIN users u ON u.id = r.submitted_by
         WHERE r.status = $3 AND r.channel IN ('mystery_visit', 'mystery_call') AND r.store_id IN ",
        crate::readable_store_ids!(),
        " LIMIT 2000"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(status)
    .fetch_all(&db.pool)
    .await
}

/// A reviewer opened a waiting visit: from now on it waits for a person's decision instead
/// of releasing itself. The first opening is kept.
pub async fn mark_opened(db: &Db, response_id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE responses SET opened_at = $1
         WHERE id = $2 AND opened_at IS NULL AND status = 'submitted'",
    )
    .bind(now_ms)
    .bind(response_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Waiting visits whose automatic release is due and that nobody opened, oldest due first.
pub async fn due_for_release(db: &Db, now_ms: i64, limit: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM responses
         WHERE status = 'submitted' AND review_due IS NOT NULL AND review_due <= $1
           AND opened_at IS NULL
         ORDER BY review_due, id LIMIT $2",
    )
    .bind(now_ms)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// One of a shopper's own visits or calls, newest first (`shopper_visits`).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ShopperVisitRow {
    pub id: String,
    pub assignment_id: Option<i64>,
    pub store_code: String,
    #[sqlx(flatten)]
    pub store_names: StoreNames,
    pub template_key: String,
    pub template_version: i64,
    pub channel: String,
    pub started_at: i64,
    pub finished_at: i64,
    pub check_in: Option<String>,
    pub status: String,
    pub status_reason: Option<String>,
    pub score_pct: Option<f64>,
    pub revision: i64,
    pub answers: String,
}

/// The shopper's own mystery visits and calls, newest first.
pub async fn shopper_visits(
    db: &Db,
    shopper_id: i64,
    limit: i64,
) -> Result<Vec<ShopperVisitRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT r.id, a.id AS assignment_id, s.code AS store_code, ",
        crate::store_name_columns!(),
        ", t.template_key, v.version AS template_version, r.channel, r.started_at, r.finished_at,
                r.check_in, r.status, r.status_reason, r.score_pct, r.revision, r.answers
         FROM responses r
         JOIN stores s ON s.id = r.store_id
         JOIN template_versions v ON v.id = r.template_version_id
         JOIN templates t ON t.id = v.template_id
         LEFT JOIN assignments a ON a.response_id = r.id
         WHERE r.submitted_by = $1 AND r.channel IN ('mystery_visit', 'mystery_call')
         ORDER BY r.finished_at DESC, r.id LIMIT $2"
    ))
    .bind(shopper_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}
