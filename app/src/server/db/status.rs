//! Changing whether a response counts. The status is the one home of "what counts"
//! (`domain::status`); a change subtracts or adds the response's figures (weekly rows, kept
//! period totals, failed items) in the same transaction, and is logged with who, when and why.

use super::figures::{self, Rollup};
use super::templates::TemplateCache;
use super::{Backend, Db};
use crate::api::wire::HeldResponse;
use crate::domain::review::ItemComment;
use crate::domain::status::{Move, Status};

/// What a status change did.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    Changed {
        from: Status,
        to: Status,
    },
    /// It already had that status: nothing written.
    Unchanged,
    NotFound,
    /// That move may not be made from this status (see `Move::target`), or (an automatic
    /// release) someone opened the visit or its time has not come.
    NotAllowed {
        from: Status,
    },
}

#[derive(sqlx::FromRow)]
struct CurrentRow {
    store_id: i64,
    channel: String,
    finished_at: i64,
    answers: String,
    status: String,
    timezone: String,
    template_key: String,
    version: i64,
    template_id: i64,
    revision: i64,
    opened_at: Option<i64>,
    review_due: Option<i64>,
    critical_failed: i64,
    submitted_by: Option<i64>,
}

/// Why a status changed: the reason, and a reviewer's comments on items (shown to the
/// shopper on a returned visit).
#[derive(Clone, Copy, Debug)]
pub struct Note<'a> {
    pub reason: &'a str,
    pub comments: &'a [ItemComment],
}

impl<'a> Note<'a> {
    pub fn reason(reason: &'a str) -> Note<'a> {
        Note {
            reason,
            comments: &[],
        }
    }
}

/// Make a move on a response's status, moving its figures with it. `by` is the user
/// deciding (None for the system's own rules).
pub async fn change(
    db: &Db,
    templates: &TemplateCache,
    response_id: &str,
    mv: Move,
    note: Note<'_>,
    by: Option<i64>,
    now_ms: i64,
) -> Result<Changed, sqlx::Error> {
    let lock = match db.backend {
        // Two decisions on one response at once take turns on its row.
        Backend::Postgres => " FOR UPDATE OF r",
        // SQLite: the write turn already serializes them.
        Backend::Sqlite => "",
    };
    let sql = format!(
        "SELECT r.store_id, r.channel, r.finished_at, r.answers, r.status, s.timezone,
                t.template_key, v.version, v.template_id, r.revision, r.opened_at, r.review_due,
                r.critical_failed, r.submitted_by
         FROM responses r
         JOIN stores s ON s.id = r.store_id
         JOIN template_versions v ON v.id = r.template_version_id
         JOIN templates t ON t.id = v.template_id
         WHERE r.id = $1{lock}"
    );
    // The template version is read (and cached) before the transaction holds a connection.
    let Some(peek) = sqlx::query_as::<_, CurrentRow>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(response_id)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(Changed::NotFound);
    };
    let version = u32::try_from(peek.version).unwrap_or(0);
    let template = templates
        .get(db, &peek.template_key, version)
        .await?
        .ok_or_else(|| sqlx::Error::Decode("a response's template version is missing".into()))?;

    let mut tx = db.write_tx().await?;
    let Some(current) = sqlx::query_as::<_, CurrentRow>(sqlx::AssertSqlSafe(sql))
        .bind(response_id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(Changed::NotFound);
    };
    let from = Status::parse(&current.status)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {}", current.status).into()))?;
    let to = match mv.target(from) {
        Some(to) if to == from => return Ok(Changed::Unchanged),
        Some(to) => to,
        None => return Ok(Changed::NotAllowed { from }),
    };
    // Sampling's release waits for its time, and never takes a visit someone is looking at.
    let due = current.review_due.is_some_and(|due| due <= now_ms);
    if mv == Move::AutoRelease && (current.opened_at.is_some() || !due) {
        return Ok(Changed::NotAllowed { from });
    }
    record(
        &mut tx,
        response_id,
        (from, to),
        note,
        (by, now_ms),
        current.revision,
    )
    .await?;
    if from.counts() != to.counts() {
        let rollup = Rollup {
            week: figures::week_key(&current.timezone, current.finished_at),
            template_id: current.template_id,
            contribution: figures::contribution_of(&template.template, &current.answers)?,
        };
        if to.counts() {
            figures::add_response(&mut tx, current.store_id, &current.channel, &rollup).await?;
        } else {
            figures::subtract_response(&mut tx, current.store_id, &current.channel, &rollup)
                .await?;
        }
    }
    follow_on(&mut tx, response_id, &current, to, now_ms).await?;
    tx.commit().await?;
    Ok(Changed::Changed { from, to })
}

/// What a status change causes besides the figures, in its transaction: a released mystery
/// visit with a failed critical item queues the opening of a case for its store (once per
/// visit), and a returned visit goes to its shopper's inbox.
async fn follow_on(
    conn: &mut sqlx::AnyConnection,
    response_id: &str,
    current: &CurrentRow,
    to: Status,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mystery = matches!(current.channel.as_str(), "mystery_visit" | "mystery_call");
    if mystery && to.counts() && current.critical_failed != 0 {
        let key = format!("case-from-visit:{response_id}");
        let payload = serde_json::json!({ "response": response_id }).to_string();
        let kind = crate::server::cases::FROM_VISIT_JOB;
        super::jobs::enqueue_once(conn, (kind, &key), &payload, now_ms, now_ms).await?;
    }
    if let (true, Status::Returned, Some(shopper)) = (mystery, to, current.submitted_by) {
        let about = super::inbox::About {
            response_id: Some(response_id),
            store_id: Some(current.store_id),
            ..Default::default()
        };
        let reference = format!("response:{response_id}:returned:{}", current.revision);
        super::inbox::add(
            conn,
            &[shopper],
            ("visit_returned", &reference),
            &about,
            now_ms,
        )
        .await?;
    }
    Ok(())
}

/// Write a status change and its log line, inside the caller's transaction. Only `change`
/// and a shopper's revision (`responses::revise`, returned to submitted, no figures moved)
/// call this, each after checking its `Move`.
pub(crate) async fn record(
    conn: &mut sqlx::AnyConnection,
    response_id: &str,
    (from, to): (Status, Status),
    note: Note<'_>,
    (by, now_ms): (Option<i64>, i64),
    revision: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE responses SET status = $1, status_reason = $2 WHERE id = $3")
        .bind(to.as_str())
        .bind(note.reason)
        .bind(response_id)
        .execute(&mut *conn)
        .await?;
    let comments = serde_json::to_string(note.comments)
        .map_err(|e| sqlx::Error::Protocol(format!("comments: {e}")))?;
    sqlx::query(
        "INSERT INTO response_status_changes (response_id, from_status, to_status, reason, changed_by, changed_at, comments, revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(response_id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(note.reason)
    .bind(by)
    .bind(now_ms)
    .bind(comments)
    .bind(revision)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct HeldRow {
    id: String,
    code: String,
    channel: String,
    finished_at: i64,
    received_at: i64,
    score_pct: Option<f64>,
    status: String,
    status_reason: Option<String>,
}

/// Responses with a status (held or excluded), oldest first: what an admin decides on.
pub async fn with_status(
    db: &Db,
    status: Status,
    limit: i64,
) -> Result<Vec<HeldResponse>, sqlx::Error> {
    let rows: Vec<HeldRow> = sqlx::query_as(
        "SELECT r.id, s.code, r.channel, r.finished_at, r.received_at, r.score_pct, r.status, r.status_reason
         FROM responses r JOIN stores s ON s.id = r.store_id
         WHERE r.status = $1 ORDER BY r.received_at, r.id LIMIT $2",
    )
    .bind(status.as_str())
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| HeldResponse {
            id: r.id,
            store: r.code,
            channel: r.channel,
            finished_at: crate::server::from_ms(r.finished_at),
            received_at: crate::server::from_ms(r.received_at),
            score_pct: r.score_pct,
            status: r.status,
            reason: r.status_reason,
        })
        .collect())
}

/// One change of a response's status, as the log keeps it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StatusChange {
    pub from_status: String,
    pub to_status: String,
    pub reason: String,
    /// The user who changed it; None for changes the server made itself.
    pub changed_by: Option<i64>,
    /// Their name as shown (None with `changed_by`).
    pub changed_by_name: Option<String>,
    /// Epoch ms.
    pub changed_at: i64,
    /// JSON `[{question, text}]`: a reviewer's comments on items.
    pub comments: String,
    pub revision: i64,
}

/// Every status change of a response, oldest first.
pub async fn history(db: &Db, response_id: &str) -> Result<Vec<StatusChange>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.from_status, c.to_status, c.reason, c.changed_by, u.display_name AS changed_by_name,
                c.changed_at, c.comments, c.revision
         FROM response_status_changes c LEFT JOIN users u ON u.id = c.changed_by
         WHERE c.response_id = $1 ORDER BY c.changed_at, c.id",
    )
    .bind(response_id)
    .fetch_all(&db.pool)
    .await
}
