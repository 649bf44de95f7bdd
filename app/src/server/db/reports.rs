//! Reading single responses back for people: a visit's full report, a store's latest
//! comments and critical failures. Each read is bounded (one response, or a page along the
//! `(store_id, finished_at)` index), never a scan of a store's history.

use super::Db;
use crate::server::actor::Actor;

/// One stored response with what its report needs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportRow {
    pub id: String,
    pub store_code: String,
    #[sqlx(flatten)]
    pub store_names: super::org::StoreNames,
    pub timezone: String,
    pub store_latitude: Option<f64>,
    pub store_longitude: Option<f64>,
    pub channel: String,
    pub template_key: String,
    pub template_version: i64,
    pub started_at: i64,
    pub finished_at: i64,
    pub received_at: i64,
    pub answers_json: String,
    /// Stuffing flags, space-separated; '' when none.
    pub flags: String,
    /// Whether it counts (`counted`), and why not when it does not.
    pub status: String,
    pub status_reason: Option<String>,
    /// The check-in (JSON `CheckIn`), when the phone sent one.
    pub check_in: Option<String>,
    /// Evidence flags (JSON), '[]' when none.
    pub evidence: String,
    pub review_reason: Option<String>,
    pub review_due: Option<i64>,
    pub revision: i64,
    /// The shopper (or whoever sent it): shown only to reviewers.
    pub submitted_by_name: Option<String>,
}

/// Who reads a report, as its visibility rule needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// Managers and admins: counted and flagged responses of their stores (admins all).
    Manager,
    /// Reviewers: every status, of the stores they read.
    Reviewer,
    /// An employee: the released mystery visits and calls of their own store.
    Employee,
}

/// A response, only if its store is visible to the actor: counted or flagged, or (for
/// admins, who decide on them, and reviewers) any status; an employee only the released
/// visits and calls of their store (the employee's copy). The team's individual
/// self-assessments are never shown one by one (they could be traced to a person).
pub async fn visible_report_row(
    db: &Db,
    actor: &Actor,
    id: &str,
    reader: Reader,
) -> Result<Option<ReportRow>, sqlx::Error> {
    let (manager, reviewer) = match reader {
        Reader::Manager => (1_i64, 0_i64),
        Reader::Reviewer => (1, 1),
        Reader::Employee => (0, 0),
    };
    sqlx::query_as(concat!(
        "SELECT r.id, s.code AS store_code, s.name, s.name_zh_cn, s.name_ru, s.timezone,
                s.latitude AS store_latitude, s.longitude AS store_longitude, r.channel, t.template_key,
                v.version AS template_version, r.started_at, r.finished_at, r.received_at,
                r.answers AS answers_json, r.flags, r.status, r.status_reason, r.check_in, r.evidence,
                r.review_reason, r.review_due, r.revision, u.display_name AS submitted_by_name
         FROM responses r
         JOIN stores s ON s.id = r.store_id
         JOIN template_versions v ON v.id = r.template_version_id
         JOIN templates t ON t.id = v.template_id
         LEFT JOIN users u ON u.id = r.submitted_by
         WHERE r.id = $3 AND r.channel <> 'employee_self' AND ((
             $4 = 1 AND (",
        crate::counts!(),
        " OR r.status = 'flagged' OR $1 = 'admin' OR $5 = 1) AND r.store_id IN ",
        crate::readable_store_ids!(),
        ") OR ($1 = 'employee' AND $4 = 0 AND ",
        crate::counts!(),
        " AND r.channel IN ('mystery_visit', 'mystery_call')
             AND r.store_id IN (SELECT us.store_id FROM user_stores us WHERE us.user_id = $2)))"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(id)
    .bind(manager)
    .bind(reviewer)
    .fetch_optional(&db.pool)
    .await
}

/// A mystery visit or call the actor may review: any status, of a store they read. The
/// caller has checked the actor reviews at all.
pub async fn reviewable_row(
    db: &Db,
    actor: &Actor,
    id: &str,
) -> Result<Option<ReportRow>, sqlx::Error> {
    Ok(visible_report_row(db, actor, id, Reader::Reviewer)
        .await?
        .filter(|r| matches!(r.channel.as_str(), "mystery_visit" | "mystery_call")))
}

/// A response in a store's listing.
#[derive(Clone, Debug)]
pub struct ListedResponse {
    pub id: String,
    pub channel: String,
    pub template_key: String,
    pub template_version: u32,
    pub finished_at: i64,
    pub score: Option<f64>,
    pub critical_failed: bool,
    pub answers_json: String,
}

/// Which of a store's responses a listing reads: unflagged, not the team's own, finished in
/// `[from_ms, to_ms)`, newest first, older than `before` (finished_at, id) when paging on.
#[derive(Clone, Debug)]
pub struct Listing {
    pub store_id: i64,
    pub from_ms: i64,
    pub to_ms: i64,
    pub critical_only: bool,
    pub before: Option<(i64, String)>,
    pub limit: i64,
}

/// The caller has checked the store is visible to the user (`org::visible_store_row`).
pub async fn store_listing(db: &Db, l: &Listing) -> Result<Vec<ListedResponse>, sqlx::Error> {
    let (before_ms, before_id) = l.before.clone().unwrap_or((l.to_ms, String::new()));
    let sql = format!(
        "SELECT r.id, r.channel, t.template_key, v.version AS template_version, r.finished_at,
                r.score_pct, r.critical_failed, r.answers
         FROM responses r
         JOIN template_versions v ON v.id = r.template_version_id
         JOIN templates t ON t.id = v.template_id
         WHERE r.store_id = $1 AND r.finished_at >= $2 AND r.finished_at < $3
           AND {} AND r.channel <> 'employee_self'{}
           AND (r.finished_at < $4 OR (r.finished_at = $4 AND r.id > $5))
         ORDER BY r.finished_at DESC, r.id LIMIT $6",
        crate::counts!(),
        if l.critical_only {
            " AND r.critical_failed = 1"
        } else {
            ""
        }
    );
    let rows: Vec<ListedRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(l.store_id)
        .bind(l.from_ms)
        .bind(l.to_ms)
        .bind(before_ms)
        .bind(before_id)
        .bind(l.limit)
        .fetch_all(&db.pool)
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ListedResponse {
                id: r.id,
                channel: r.channel,
                template_key: r.template_key,
                template_version: super::templates::version_number(r.template_version)?,
                finished_at: r.finished_at,
                score: r.score_pct,
                critical_failed: r.critical_failed != 0,
                answers_json: r.answers,
            })
        })
        .collect()
}

/// A listed response as [`store_listing`] reads it.
#[derive(sqlx::FromRow)]
struct ListedRow {
    id: String,
    channel: String,
    template_key: String,
    template_version: i64,
    finished_at: i64,
    score_pct: Option<f64>,
    critical_failed: i64,
    answers: String,
}
