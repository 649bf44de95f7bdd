//! Migrations, one folder per backend, chosen at run time. Never edit a merged migration;
//! add the next one to both folders.

use sqlx::migrate::Migrator;

use app::server::db::{Backend, Db};

static SQLITE: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("migrations/postgres");

pub async fn run(db: &Db) -> Result<(), sqlx::migrate::MigrateError> {
    match db.backend {
        Backend::Sqlite => SQLITE.run(&db.pool).await,
        Backend::Postgres => POSTGRES.run(&db.pool).await,
    }
}
