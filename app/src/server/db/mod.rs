//! All SQL of the application. One `sqlx::Any` pool serves SQLite and PostgreSQL with the same
//! statements (`$n` placeholders, `ON CONFLICT`, `RETURNING`), so both backends run the same
//! code and the same tests.

pub mod appeals;
pub mod assignments;
pub mod audit;
pub mod cases;
pub mod figures;
pub mod inbox;
pub mod jobs;
pub mod org;
pub mod org_settings;
pub mod people;
pub mod photos;
pub mod reports;
pub mod responses;
pub mod review;
pub mod sessions;
pub mod status;
pub mod store_setup;
pub mod survey_links;
pub mod targets;
pub mod template_drafts;
pub mod templates;
pub mod tokens;
pub mod users;

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyQueryResult};
use sqlx::AnyPool;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite has one writer. Write transactions that span several statements queue here
    /// instead of in SQLite's busy handler, whose growing sleeps (up to 100 ms) made the slow
    /// tail of ingest under concurrency; PostgreSQL does not need it.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Db {
    /// Connect and configure. SQLite gets WAL (readers never block the writer), foreign keys,
    /// a busy timeout (writers queue instead of failing) and `synchronous=NORMAL`: a crash can
    /// lose the last transactions of the OS, never corrupt the file; see README "Durability".
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or_else(|| {
            sqlx::Error::Configuration("DATABASE_URL must start with sqlite: or postgres:".into())
        })?;
        let mut options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 10000",
                        "PRAGMA synchronous = NORMAL",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            });
        }
        let pool = options.connect(url).await?;
        Ok(Db {
            pool,
            backend,
            writer: Default::default(),
        })
    }
}

impl Db {
    /// Held around a multi-statement write transaction: on SQLite one at a time, in arrival
    /// order; on PostgreSQL nothing to wait for.
    pub async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.writer.lock().await),
            Backend::Postgres => None,
        }
    }
}

/// A write transaction that has its turn: on SQLite the process's write queue is held until
/// it commits or is dropped (dropping rolls back) and the database's write lock is taken at
/// its start; on PostgreSQL it is a plain transaction.
/// Use cases compose small functions over `&mut *tx` (insert the row, claim, add figures)
/// inside one of these.
pub struct WriteTx<'a> {
    // Declared first so it is dropped (rolled back) before the turn is given up.
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::MutexGuard<'a, ()>>,
}

impl Db {
    pub async fn write_tx(&self) -> Result<WriteTx<'_>, sqlx::Error> {
        let turn = self.write_turn().await;
        let tx = match self.backend {
            // Take SQLite's write lock at the start (waiting in the busy handler if another
            // process holds it): a transaction that reads first and writes later would
            // otherwise fail at once with "database is locked" when another connection
            // wrote in between.
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx { tx, _turn: turn })
    }
}

impl WriteTx<'_> {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

pub(crate) fn affected(r: &AnyQueryResult) -> u64 {
    r.rows_affected()
}
