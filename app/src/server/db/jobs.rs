//! The jobs table: work the server does later or again, shared by every server on the
//! database. A runner claims due jobs by writing its lease on them (on PostgreSQL the
//! claim skips rows another runner is claiming at that moment, `FOR UPDATE SKIP LOCKED`;
//! on SQLite the write turn serialises claims), runs each, and marks it done in the same
//! transaction as the job's effect, only while it still holds the lease. A runner that dies
//! leaves its lease to expire, and another takes the job.

use super::{Backend, Db};

/// A claimed job, as its handler gets it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub payload: String,
    /// Including this one.
    pub attempts: i64,
    pub lease: String,
}

/// Queue a job under `key`, or move it: a job with that key (pending or finished) runs again
/// at `run_at` with this payload. For checks whose time changes (a case's next deadline).
pub async fn schedule(
    conn: &mut sqlx::AnyConnection,
    (kind, key): (&str, &str),
    payload: &str,
    run_at: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO jobs (kind, key, payload, run_at, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, payload = excluded.payload,
             run_at = excluded.run_at, attempts = 0, last_error = NULL, lease = NULL,
             leased_until = NULL, outcome = NULL, done_at = NULL",
    )
    .bind(kind)
    .bind(key)
    .bind(payload)
    .bind(run_at)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Queue a job under `key` unless one was ever queued: a message is sent once, however often
/// the event that causes it is handled. True when this call queued it.
pub async fn enqueue_once(
    conn: &mut sqlx::AnyConnection,
    (kind, key): (&str, &str),
    payload: &str,
    run_at: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO jobs (kind, key, payload, run_at, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(kind)
    .bind(key)
    .bind(payload)
    .bind(run_at)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Claim up to `limit` due jobs for `lease_ms`, oldest due first.
pub async fn claim(
    db: &Db,
    lease: &str,
    now_ms: i64,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let skip_locked = match db.backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET lease = $1, leased_until = $2, attempts = attempts + 1
         WHERE id IN (SELECT id FROM jobs
                      WHERE outcome IS NULL AND run_at <= $3
                        AND (leased_until IS NULL OR leased_until < $3)
                      ORDER BY run_at, id LIMIT $4{skip_locked})
         RETURNING id, kind, key, payload, attempts, lease"
    );
    let mut tx = db.write_tx().await?;
    let mut claimed: Vec<Claimed> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(lease)
        .bind(now_ms + lease_ms)
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// Mark a claimed job done, inside the transaction of its effect. False when the lease was
/// lost (it expired and another runner took the job, or the job was scheduled again): the
/// caller rolls back, and the job runs again as it now stands.
pub async fn finish(
    conn: &mut sqlx::AnyConnection,
    job: &Claimed,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE jobs SET outcome = 'done', done_at = $3, lease = NULL, leased_until = NULL,
             last_error = NULL
         WHERE id = $1 AND lease = $2",
    )
    .bind(job.id)
    .bind(&job.lease)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A failed attempt: try again at `retry_at`, or give up (keeping the error to read).
pub async fn failed(
    db: &Db,
    job: &Claimed,
    error: &str,
    retry_at: Option<i64>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let error: String = error.chars().take(500).collect();
    let mut tx = db.write_tx().await?;
    match retry_at {
        Some(at) => {
            sqlx::query(
                "UPDATE jobs SET run_at = $3, last_error = $4, lease = NULL, leased_until = NULL
                 WHERE id = $1 AND lease = $2",
            )
            .bind(job.id)
            .bind(&job.lease)
            .bind(at)
            .bind(&error)
            .execute(&mut *tx)
            .await?
        }
        None => {
            sqlx::query(
                "UPDATE jobs SET outcome = 'gave_up', done_at = $3, last_error = $4, lease = NULL,
                     leased_until = NULL
                 WHERE id = $1 AND lease = $2",
            )
            .bind(job.id)
            .bind(&job.lease)
            .bind(now_ms)
            .bind(&error)
            .execute(&mut *tx)
            .await?
        }
    };
    tx.commit().await
}

/// A job as the tests and the operators read it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct JobRow {
    pub kind: String,
    pub key: String,
    pub run_at: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub outcome: Option<String>,
}

pub async fn by_key(db: &Db, key: &str) -> Result<Option<JobRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, key, run_at, attempts, last_error, outcome FROM jobs WHERE key = $1",
    )
    .bind(key)
    .fetch_optional(&db.pool)
    .await
}

/// How many jobs wait, and how late the oldest due one is (ms; 0 when none is late).
pub async fn backlog(db: &Db, now_ms: i64) -> Result<(i64, i64), sqlx::Error> {
    let (waiting, oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(run_at) FROM jobs WHERE outcome IS NULL AND run_at <= $1",
    )
    .bind(now_ms)
    .fetch_one(&db.pool)
    .await?;
    Ok((waiting, oldest.map_or(0, |at| now_ms - at)))
}
