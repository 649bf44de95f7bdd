//! Migrations, one folder per backend, chosen at run time. Never edit a merged migration;
//! add the next one to both folders.
//!
//! Several servers may start at once on one database. On PostgreSQL sqlx's migrator holds an
//! advisory lock while it migrates, so they take turns. SQLite has no such lock: two
//! migrators can both see a migration as missing and the second fails on the first's table.
//! Each migration runs in its own transaction, so the loser changed nothing; it waits a moment
//! and runs again, now seeing what the other applied. In one process they simply take turns.

use std::borrow::Cow;
use std::sync::LazyLock;

use sqlx::migrate::{MigrateError, Migration, MigrationType, Migrator};
use sqlx::SqlSafeStr;

use app::server::db::{Backend, Db};

/// The `.sql` files of each folder, embedded by `build.rs`.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

static SQLITE: LazyLock<Migrator> = LazyLock::new(|| migrator(embedded::SQLITE));
static POSTGRES: LazyLock<Migrator> = LazyLock::new(|| migrator(embedded::POSTGRES));

/// The migrations as sqlx reads a folder: `<version>_<description>.sql`, the underscores of
/// the description read as spaces, `-- no-transaction` on the first line to run outside a
/// transaction. The checksum is of the text, so databases migrated before stay valid.
fn migrator(files: &'static [(&'static str, &'static str)]) -> Migrator {
    let migrations = files
        .iter()
        .map(|&(name, sql)| {
            let (version, description) = name
                .trim_end_matches(".sql")
                .split_once('_')
                .unwrap_or_else(|| {
                    panic!("migration {name} is not named <version>_<description>.sql")
                });
            let version = version
                .parse()
                .unwrap_or_else(|_| panic!("migration {name} does not start with a number"));
            Migration::new(
                version,
                Cow::Owned(description.replace('_', " ")),
                MigrationType::Simple,
                sql.into_sql_str(),
                sql.starts_with("-- no-transaction"),
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded migrations are what sqlx itself reads from the folders: same versions,
    /// descriptions and checksums (a changed checksum would stop every existing database).
    #[tokio::test]
    async fn embedded_migrations_equal_the_folders() {
        for (embedded, folder) in [
            (&*SQLITE, "migrations/sqlite"),
            (&*POSTGRES, "migrations/postgres"),
        ] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
            let read = Migrator::new(dir.as_path())
                .await
                .expect("the folder reads");
            let key = |m: &Migration| {
                (
                    m.version,
                    m.description.to_string(),
                    m.checksum.to_vec(),
                    m.no_tx,
                )
            };
            let ours: Vec<_> = embedded.iter().map(key).collect();
            let theirs: Vec<_> = read.iter().map(key).collect();
            assert_eq!(ours, theirs, "{folder}");
            assert!(ours.len() >= 14, "{folder} has all migrations");
        }
    }
}
