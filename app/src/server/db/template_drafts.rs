//! The checklist designer's drafts: one per template key, saved on every change, deleted when
//! published (in the transaction that publishes it).

use sqlx::AnyConnection;

use super::Db;
use crate::domain::Template;

/// A saved draft as the designer reads it.
#[derive(Clone, Debug)]
pub struct Draft {
    pub template: Template,
    /// The version it was opened from; None for a checklist not published yet.
    pub base_version: Option<u32>,
    pub updated_at: i64,
    pub updated_by: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    body: String,
    base_version: Option<i64>,
    updated_at: i64,
    updated_by: Option<String>,
}

impl DraftRow {
    fn into_draft(self) -> Result<Draft, sqlx::Error> {
        Ok(Draft {
            // A draft is a whole document (it may fail the checks, never the shape).
            template: serde_json::from_str(&self.body)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            base_version: self
                .base_version
                .map(super::templates::version_number)
                .transpose()?,
            updated_at: self.updated_at,
            updated_by: self.updated_by,
        })
    }
}

const SELECT_DRAFTS: &str = "SELECT d.body, d.base_version, d.updated_at, u.username AS updated_by
     FROM template_drafts d LEFT JOIN users u ON u.id = d.updated_by";

pub async fn load(db: &Db, key: &str) -> Result<Option<Draft>, sqlx::Error> {
    let row: Option<DraftRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_DRAFTS} WHERE d.template_key = $1"
    )))
    .bind(key)
    .fetch_optional(&db.pool)
    .await?;
    row.map(DraftRow::into_draft).transpose()
}

/// Every draft (its document names its key), by key.
pub async fn all(db: &Db) -> Result<Vec<Draft>, sqlx::Error> {
    let rows: Vec<DraftRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_DRAFTS} ORDER BY d.template_key"
    )))
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(DraftRow::into_draft).collect()
}

/// Save a draft, creating it or replacing its document.
pub async fn save(
    conn: &mut AnyConnection,
    t: &Template,
    base_version: Option<u32>,
    user_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    let body = serde_json::to_string(t).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO template_drafts (template_key, body, base_version, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (template_key) DO UPDATE SET body = excluded.body,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(&t.key)
    .bind(body)
    .bind(base_version.map(i64::from))
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Delete a draft; false when there was none.
pub async fn delete(conn: &mut AnyConnection, key: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM template_drafts WHERE template_key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Does a published template or a draft already use this key?
pub async fn key_taken(conn: &mut AnyConnection, key: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM templates WHERE template_key = $1)
              + (SELECT COUNT(*) FROM template_drafts WHERE template_key = $1)",
    )
    .bind(key)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}
