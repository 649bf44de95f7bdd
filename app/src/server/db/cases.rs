//! Complaint cases as stored: opening one (once per response or client key), its contact,
//! its timeline, reading them scoped to the reader, and writing a case's state after an
//! action or an escalation. The rules are `domain::cases`; the use cases `server::cases`.

use super::org::StoreNames;
use super::{Backend, Db};
use crate::server::actor::Actor;

/// The stores whose cases the user handles (`$1` role, `$2` user id): admins all, regional
/// managers their regions', store managers their own. Employees record cases but do not
/// read them; reviewers and shoppers have nothing to do with them.
#[macro_export]
macro_rules! case_store_ids {
    () => {
        "(SELECT vs.id FROM stores vs WHERE $1 = 'admin'
            OR ($1 = 'regional_manager' AND vs.region_id IN (SELECT ur.region_id FROM user_regions ur WHERE ur.user_id = $2))
            OR ($1 = 'store_manager' AND vs.id IN (SELECT us.store_id FROM user_stores us WHERE us.user_id = $2)))"
    };
}

/// A case as it opens.
#[derive(Clone, Debug)]
pub struct NewCaseRow<'a> {
    pub store_id: i64,
    pub source: &'a str,
    pub via: &'a str,
    pub response_id: Option<&'a str>,
    pub client_key: Option<&'a str>,
    pub category: &'a str,
    pub description: &'a str,
    pub wants: &'a str,
    pub claim_amount: Option<f64>,
    pub vip: bool,
    pub contact_key: Option<&'a str>,
    pub priority: &'a str,
    pub markers: &'a str,
    pub owner_id: Option<i64>,
    pub opened_by: Option<i64>,
    pub now_ms: i64,
}

/// Insert a case; None when one with its response or client key exists already.
pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    c: &NewCaseRow<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO cases (store_id, source, via, response_id, client_key, category, description,
             wants, claim_amount, vip, contact_key, status, priority, markers, owner_id, clock_from,
             opened_by, opened_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'new', $12, $13, $14, $15, $16, $15, $15)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(c.store_id)
    .bind(c.source)
    .bind(c.via)
    .bind(c.response_id)
    .bind(c.client_key)
    .bind(c.category)
    .bind(c.description)
    .bind(c.wants)
    .bind(c.claim_amount)
    .bind(i64::from(c.vip))
    .bind(c.contact_key)
    .bind(c.priority)
    .bind(c.markers)
    .bind(c.owner_id)
    .bind(c.now_ms)
    .bind(c.opened_by)
    .fetch_optional(conn)
    .await
}

/// The case opened earlier with this client key, if the same store's.
pub async fn by_client_key(
    db: &Db,
    client_key: &str,
) -> Result<Option<(i64, i64, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, store_id, priority, markers FROM cases WHERE client_key = $1")
        .bind(client_key)
        .fetch_optional(&db.pool)
        .await
}

pub async fn insert_contact(
    conn: &mut sqlx::AnyConnection,
    case_id: i64,
    (name, phone, email): (&str, &str, &str),
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_contacts (case_id, name, phone, email, consent, created_at)
         VALUES ($1, $2, $3, $4, 1, $5)",
    )
    .bind(case_id)
    .bind(name)
    .bind(phone)
    .bind(email)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// One step on a case's timeline.
pub async fn add_event(
    conn: &mut sqlx::AnyConnection,
    case_id: i64,
    (kind, note, data): (&str, &str, &str),
    by: Option<i64>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_events (case_id, kind, note, data, by_user, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(kind)
    .bind(note)
    .bind(data)
    .bind(by)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether the same contact opened a case since then (anywhere in the chain).
pub async fn contact_seen_since(
    conn: &mut sqlx::AnyConnection,
    contact_key: &str,
    since_ms: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE contact_key = $1 AND opened_at >= $2")
            .bind(contact_key)
            .bind(since_ms)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

/// Who owns a new case of the store: its first active store manager.
pub async fn default_owner(
    conn: &mut sqlx::AnyConnection,
    store_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN user_stores us ON us.user_id = u.id
         WHERE us.store_id = $1 AND u.role = 'store_manager' AND u.active = 1
         ORDER BY u.id LIMIT 1",
    )
    .bind(store_id)
    .fetch_optional(conn)
    .await
}

/// Whom an escalation of a store's case goes to: level 1 the active regional managers of
/// its region, level 2 the active admins.
pub async fn escalation_targets(
    conn: &mut sqlx::AnyConnection,
    store_id: i64,
    level: u8,
) -> Result<Vec<i64>, sqlx::Error> {
    if level >= 2 {
        return sqlx::query_scalar(
            "SELECT id FROM users WHERE role = 'admin' AND active = 1 ORDER BY id",
        )
        .fetch_all(conn)
        .await;
    }
    sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN user_regions ur ON ur.user_id = u.id
         JOIN stores s ON s.region_id = ur.region_id
         WHERE s.id = $1 AND u.role = 'regional_manager' AND u.active = 1 ORDER BY u.id",
    )
    .bind(store_id)
    .fetch_all(conn)
    .await
}

/// The people a store's case may be given to: its active store managers, its region's
/// regional managers, and the admins. (username, name, id)
pub async fn possible_owners(
    db: &Db,
    store_id: i64,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.username, u.display_name, u.id FROM users u
         WHERE u.active = 1 AND (u.role = 'admin'
            OR (u.role = 'store_manager' AND u.id IN (SELECT us.user_id FROM user_stores us WHERE us.store_id = $1))
            OR (u.role = 'regional_manager' AND u.id IN (SELECT ur.user_id FROM user_regions ur
                  JOIN stores s ON s.region_id = ur.region_id WHERE s.id = $1)))
         ORDER BY CASE u.role WHEN 'store_manager' THEN 0 WHEN 'regional_manager' THEN 1 ELSE 2 END,
                  u.display_name",
    )
    .bind(store_id)
    .fetch_all(&db.pool)
    .await
}

/// A case's state, as every action reads and writes it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub store_id: i64,
    pub store_code: String,
    #[sqlx(flatten)]
    pub store_names: StoreNames,
    pub timezone: String,
    pub source: String,
    pub via: String,
    pub response_id: Option<String>,
    pub category: String,
    pub description: String,
    pub wants: String,
    pub claim_amount: Option<f64>,
    pub vip: i64,
    pub status: String,
    pub priority: String,
    pub markers: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub reassignments: i64,
    pub level: i64,
    pub clock_from: i64,
    pub root_cause: Option<String>,
    pub action_taken: Option<String>,
    pub follow_up_due: Option<i64>,
    pub follow_up_done_at: Option<i64>,
    pub satisfaction: Option<i64>,
    pub opened_at: i64,
    pub acknowledged_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
}

macro_rules! case_columns {
    () => {
        concat!(
            "c.id, c.store_id, s.code AS store_code, ",
            crate::store_name_columns!(),
            ", s.timezone, c.source, c.via, c.response_id, c.category, c.description, c.wants,
            c.claim_amount, c.vip, c.status, c.priority, c.markers, c.owner_id,
            o.display_name AS owner_name, c.reassignments, c.level, c.clock_from, c.root_cause,
            c.action_taken, c.follow_up_due, c.follow_up_done_at, c.satisfaction, c.opened_at,
            c.acknowledged_at, c.resolved_at, c.closed_at
         FROM cases c JOIN stores s ON s.id = c.store_id LEFT JOIN users o ON o.id = c.owner_id"
        )
    };
}

/// A case the actor handles; None for another's (answered as not found).
pub async fn get(db: &Db, actor: &Actor, id: i64) -> Result<Option<CaseRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        case_columns!(),
        " WHERE c.id = $3 AND (c.store_id IN ",
        crate::case_store_ids!(),
        " OR c.owner_id = $2)"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// A case inside a write transaction, its row locked on PostgreSQL (SQLite's write turn
/// already serialises writers): whatever else acts on it waits for this to commit.
pub async fn for_update(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    id: i64,
) -> Result<Option<CaseRow>, sqlx::Error> {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE OF c",
        Backend::Sqlite => "",
    };
    let sql = format!("SELECT {} WHERE c.id = $1{lock}", case_columns!());
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Write a case's state after an action (all the fields an action may change).
pub async fn save(
    conn: &mut sqlx::AnyConnection,
    c: &CaseRow,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE cases SET status = $2, priority = $3, markers = $4, owner_id = $5,
             reassignments = $6, level = $7, clock_from = $8, root_cause = $9, action_taken = $10,
             follow_up_due = $11, follow_up_done_at = $12, satisfaction = $13,
             acknowledged_at = $14, resolved_at = $15, closed_at = $16, updated_at = $17
         WHERE id = $1",
    )
    .bind(c.id)
    .bind(&c.status)
    .bind(&c.priority)
    .bind(&c.markers)
    .bind(c.owner_id)
    .bind(c.reassignments)
    .bind(c.level)
    .bind(c.clock_from)
    .bind(&c.root_cause)
    .bind(&c.action_taken)
    .bind(c.follow_up_due)
    .bind(c.follow_up_done_at)
    .bind(c.satisfaction)
    .bind(c.acknowledged_at)
    .bind(c.resolved_at)
    .bind(c.closed_at)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Raise a case's escalation level from `from` to `to`, only if it is still at `from` and
/// open: two servers handling the same deadline escalate it once.
pub async fn escalate(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    (from, to): (i64, i64),
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE cases SET level = $3, updated_at = $4
         WHERE id = $1 AND level = $2 AND status NOT IN ('resolved', 'closed')",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A case's contact, for the people who call back.
pub async fn contact(
    db: &Db,
    case_id: i64,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT name, phone, email FROM case_contacts WHERE case_id = $1")
        .bind(case_id)
        .fetch_optional(&db.pool)
        .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub kind: String,
    pub note: String,
    pub data: String,
    pub by_name: Option<String>,
    pub at: i64,
}

/// A case's timeline, oldest first.
pub async fn events(db: &Db, case_id: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.kind, e.note, e.data, u.display_name AS by_name, e.at
         FROM case_events e LEFT JOIN users u ON u.id = e.by_user
         WHERE e.case_id = $1 ORDER BY e.at, e.id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await
}

/// What a list is narrowed to.
pub struct ListFilter<'a> {
    /// '' for every status; 'open' for the unresolved ones; or one status.
    pub status: &'a str,
    /// A store's code, or ''.
    pub store: &'a str,
}

/// The cases the actor handles (and any they own), newest first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    f: &ListFilter<'_>,
    limit: i64,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        case_columns!(),
        " WHERE (c.store_id IN ",
        crate::case_store_ids!(),
        " OR c.owner_id = $2)
           AND ($3 = '' OR s.code = $3)
           AND ($4 = '' OR ($4 = 'open' AND c.status NOT IN ('resolved', 'closed')) OR c.status = $4)
         ORDER BY c.opened_at DESC, c.id DESC LIMIT $5"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(f.store)
    .bind(f.status)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// The stores the actor may record a case for: those they see (employees their own).
pub async fn openable_stores(
    db: &Db,
    actor: &Actor,
) -> Result<Vec<(i64, String, StoreNames)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        code: String,
        #[sqlx(flatten)]
        names: StoreNames,
    }
    let rows: Vec<Row> = sqlx::query_as(concat!(
        "SELECT s.id, s.code, ",
        crate::store_name_columns!(),
        " FROM stores s WHERE s.active = 1 AND s.id IN ",
        crate::visible_store_ids!(),
        " AND $1 IN ('admin', 'regional_manager', 'store_manager', 'employee') ORDER BY s.code"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.code, r.names)).collect())
}

/// A counted mystery visit or call, as the case opened for its failed critical items needs it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VisitForCase {
    pub store_id: i64,
    pub template_key: String,
    pub template_version: i64,
    pub answers: String,
}

pub async fn visit_for_case(
    db: &Db,
    response_id: &str,
) -> Result<Option<VisitForCase>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.store_id, t.template_key, v.version AS template_version, r.answers
         FROM responses r
         JOIN template_versions v ON v.id = r.template_version_id
         JOIN templates t ON t.id = v.template_id
         WHERE r.id = $1 AND r.status = 'counted'
           AND r.channel IN ('mystery_visit', 'mystery_call')",
    )
    .bind(response_id)
    .fetch_optional(&db.pool)
    .await
}
