//! Customer survey links: one key in use per store, rotated on demand; retired keys are kept
//! so an old QR code can still be answered politely.

use super::Db;

/// 48 random bits as 12 hex characters: short enough for a sparse, easily scanned QR code.
/// The key only tells a rotated link from the current one; it is printed on posters, so it is
/// no secret.
fn new_key() -> String {
    let bytes: [u8; 6] = rand::random();
    hex::encode(bytes)
}

/// The store behind a link in use, as far as the survey needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct SurveyStore {
    pub id: i64,
    pub code: String,
    pub name: crate::domain::I18nText,
    /// IANA time zone, e.g. `Asia/Shanghai`.
    pub timezone: String,
    /// `HH:MM-HH:MM` local time, if known.
    pub opening_hours: Option<String>,
}

/// What a scanned link leads to.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkTarget {
    /// The store's link in use.
    InUse(SurveyStore),
    /// A rotated link: the store is named, the survey is not offered.
    Retired { store_name: crate::domain::I18nText },
    /// No such store code and key.
    Unknown,
}

/// The key in use for a store, made on first use. Two first uses at once both end up with
/// the one key that won the unique index.
pub async fn current_key(db: &Db, store_id: i64, now_ms: i64) -> Result<String, sqlx::Error> {
    if let Some(key) = key_in_use(db, store_id).await? {
        return Ok(key);
    }
    sqlx::query(
        "INSERT INTO survey_links (link_key, store_id, created_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(new_key())
    .bind(store_id)
    .bind(now_ms)
    .execute(&db.pool)
    .await?;
    key_in_use(db, store_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

async fn key_in_use(db: &Db, store_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT link_key FROM survey_links WHERE store_id = $1 AND retired_at IS NULL",
    )
    .bind(store_id)
    .fetch_optional(&db.pool)
    .await
}

/// Retire the store's link and put a new one in use, in one transaction.
pub async fn rotate(db: &Db, store_id: i64, now_ms: i64) -> Result<String, sqlx::Error> {
    let key = new_key();
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "UPDATE survey_links SET retired_at = $1 WHERE store_id = $2 AND retired_at IS NULL",
    )
    .bind(now_ms)
    .bind(store_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO survey_links (link_key, store_id, created_at) VALUES ($1, $2, $3)")
        .bind(&key)
        .bind(store_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(key)
}

/// Where a scanned `/s/{code}/{key}` leads. Only active stores take answers.
pub async fn resolve(db: &Db, store_code: &str, key: &str) -> Result<LinkTarget, sqlx::Error> {
    let row: Option<LinkRow> = sqlx::query_as(
        "SELECT s.id, s.name, s.name_zh_cn, s.name_ru, l.retired_at, s.active, s.code, s.timezone, s.opening_hours FROM survey_links l
         JOIN stores s ON s.id = l.store_id
         WHERE s.code = $1 AND l.link_key = $2",
    )
    .bind(store_code)
    .bind(key)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(LinkTarget::Unknown);
    };
    Ok(if row.retired_at.is_some() || row.active == 0 {
        LinkTarget::Retired {
            store_name: row.names.text(),
        }
    } else {
        LinkTarget::InUse(SurveyStore {
            id: row.id,
            code: row.code,
            name: row.names.text(),
            timezone: row.timezone,
            opening_hours: row.opening_hours,
        })
    })
}

/// A survey link and its store, as [`resolve`] reads them.
#[derive(sqlx::FromRow)]
struct LinkRow {
    id: i64,
    #[sqlx(flatten)]
    names: super::org::StoreNames,
    retired_at: Option<i64>,
    active: i64,
    code: String,
    timezone: String,
    opening_hours: Option<String>,
}
