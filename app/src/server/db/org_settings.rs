//! The organisation's settings as stored: a row per setting that differs from its default.

use sqlx::AnyConnection;

use super::Db;

pub async fn stored(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT key, value FROM org_settings ORDER BY key")
        .fetch_all(&db.pool)
        .await
}

pub async fn stored_in(conn: &mut AnyConnection) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT key, value FROM org_settings ORDER BY key")
        .fetch_all(conn)
        .await
}

pub async fn put(
    conn: &mut AnyConnection,
    key: &str,
    value: &str,
    user_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO org_settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
            updated_by = excluded.updated_by",
    )
    .bind(key)
    .bind(value)
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}
