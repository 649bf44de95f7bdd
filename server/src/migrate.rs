//! Migrations, one folder per backend, chosen at run time. Never edit a merged migration;
//! add the next one to both folders.
//!
//! Several servers may start at once on one database. On PostgreSQL sqlx's migrator holds an
//! advisory lock while it migrates, so they take turns. SQLite has no such lock: two
//! migrators can both see a migration as missing and the second fails on the first's table.
//! Each migration runs in its own transaction, so the loser changed nothing; it waits a moment
//! and runs again, now seeing what the other applied. In one process they simply take turns.

use sqlx::migrate::{MigrateError, Migrator};

use app::server::db::{Backend, Db};

static SQLITE: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("migrations/postgres");

/// Attempts on SQLite before a failing migration is reported.
const SQLITE_ATTEMPTS: u32 = 10;

pub async fn run(db: &Db) -> Result<(), MigrateError> {
    static IN_PROCESS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = IN_PROCESS.lock().await;
    match db.backend {
        Backend::Postgres => POSTGRES.run(&db.pool).await,
        Backend::Sqlite => {
            let mut attempt = 1;
            loop {
                match SQLITE.run(&db.pool).await {
                    Err(MigrateError::Execute(e)) if attempt < SQLITE_ATTEMPTS => {
                        tracing::info!(error = %e, attempt, "migration raced another server; trying again");
                        attempt += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(
                            50 * u64::from(attempt),
                        ))
                        .await;
                    }
                    other => return other,
                }
            }
        }
    }
}
