//! The job runner: each server runs the due jobs of the shared jobs table every few seconds
//! (`run_due`, with the time given, so tests move the clock). A job that fails is tried
//! again later, waiting longer each time; after `MAX_ATTEMPTS` it is given up and its error
//! kept, except the recurring ones, which never stop.
//!
//! Kinds:
//! - `release_due` (recurring, every minute): visits sampling let through release themselves.
//! - `case_deadline`, `case_follow_up`, `case_from_visit`: see `server::cases`.

use super::cases;
use super::db::jobs::{self, Claimed};
use super::db::templates::TemplateCache;
use super::db::Db;
use super::state::Settings;

/// A claimed job is the runner's for this long; a runner that dies gives it up after it.
pub const LEASE_MS: i64 = 120_000;
/// Attempts before a job is given up.
pub const MAX_ATTEMPTS: i64 = 10;
/// Jobs claimed at once.
const BATCH: i64 = 20;

pub const RELEASE_JOB: &str = "release_due";
const RELEASE_KEY: &str = "release-due";
const RELEASE_EVERY_MS: i64 = 60_000;

/// What the jobs need from the server.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub db: &'a Db,
    pub templates: &'a TemplateCache,
    pub flags: &'a Settings,
}

/// Queue the recurring jobs if they are not queued yet (every server does it at start; the
/// key makes it once).
pub async fn ensure_recurring(db: &Db, now_ms: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.write_tx().await?;
    jobs::enqueue_once(&mut tx, (RELEASE_JOB, RELEASE_KEY), "{}", now_ms, now_ms).await?;
    tx.commit().await
}

/// When a failed job is tried again: 30 s, 1 min, 2 min... at most an hour later.
pub fn retry_at(attempts: i64, now_ms: i64) -> i64 {
    let wait = 30_000i64.saturating_mul(1i64 << attempts.clamp(1, 20).saturating_sub(1));
    now_ms + wait.min(3_600_000)
}

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ran {
    pub done: usize,
    pub failed: usize,
}

/// Run every job due at `now_ms`, under this runner's `lease` name.
pub async fn run_due(ctx: Context<'_>, lease: &str, now_ms: i64) -> Result<Ran, sqlx::Error> {
    let mut ran = Ran::default();
    // Bounded: jobs a round queues for now (a retried deadline) wait for the next round.
    for _ in 0..50 {
        let claimed = jobs::claim(ctx.db, lease, now_ms, LEASE_MS, BATCH).await?;
        let count = claimed.len();
        for job in claimed {
            match run_one(ctx, &job, now_ms).await {
                Ok(()) => ran.done += 1,
                Err(e) => {
                    ran.failed += 1;
                    let recurring = job.kind == RELEASE_JOB;
                    let retry = (recurring || job.attempts < MAX_ATTEMPTS)
                        .then(|| retry_at(job.attempts, now_ms));
                    tracing::warn!(kind = %job.kind, key = %job.key, attempts = job.attempts, error = %e, "job failed");
                    jobs::failed(ctx.db, &job, &e, retry, now_ms).await?;
                }
            }
        }
        if (count as i64) < BATCH {
            break;
        }
    }
    Ok(ran)
}

fn case_of(job: &Claimed) -> Result<i64, String> {
    serde_json::from_str::<serde_json::Value>(&job.payload)
        .ok()
        .and_then(|v| v.get("case")?.as_i64())
        .ok_or_else(|| format!("job {} has no case", job.key))
}

async fn run_one(ctx: Context<'_>, job: &Claimed, now_ms: i64) -> Result<(), String> {
    let db_error = |e: sqlx::Error| e.to_string();
    match job.kind.as_str() {
        RELEASE_JOB => {
            let released = super::review::release_due(ctx.db, ctx.templates, now_ms)
                .await
                .map_err(|e| e.to_string())?;
            if released > 0 {
                tracing::info!(released, "visits released by sampling");
            }
            let mut tx = ctx.db.write_tx().await.map_err(db_error)?;
            if jobs::finish(&mut tx, job, now_ms).await.map_err(db_error)? {
                jobs::schedule(
                    &mut tx,
                    (RELEASE_JOB, RELEASE_KEY),
                    "{}",
                    now_ms + RELEASE_EVERY_MS,
                    now_ms,
                )
                .await
                .map_err(db_error)?;
            }
            tx.commit().await.map_err(db_error)
        }
        cases::DEADLINE_JOB => {
            let org = super::org_settings::load(ctx.db, ctx.flags)
                .await
                .map_err(db_error)?;
            cases::deadline_job(ctx.db, &org, job, case_of(job)?, now_ms)
                .await
                .map(|_| ())
                .map_err(db_error)
        }
        cases::FOLLOW_UP_JOB => cases::follow_up_job(ctx.db, job, case_of(job)?, now_ms)
            .await
            .map_err(db_error),
        cases::FROM_VISIT_JOB => {
            let response = serde_json::from_str::<serde_json::Value>(&job.payload)
                .ok()
                .and_then(|v| Some(v.get("response")?.as_str()?.to_string()))
                .ok_or_else(|| format!("job {} has no response", job.key))?;
            let org = super::org_settings::load(ctx.db, ctx.flags)
                .await
                .map_err(db_error)?;
            cases::from_visit_job(ctx.db, ctx.templates, &org, job, &response, now_ms)
                .await
                .map_err(db_error)
        }
        other => Err(format!("unknown job kind {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(retry_at(1, 0), 30_000);
        assert_eq!(retry_at(2, 0), 60_000);
        assert_eq!(retry_at(3, 0), 120_000);
        assert_eq!(retry_at(9, 0), 3_600_000);
        assert_eq!(retry_at(60, 0), 3_600_000);
    }
}
