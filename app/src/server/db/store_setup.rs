//! Regions and stores as admins set them up: read every field, insert, update, open and
//! close. Statements that change something take the caller's write transaction, so a use
//! case stores a store, its region and its audit rows together or not at all.

use sqlx::AnyConnection;

use super::Db;
use crate::domain::opening_hours::WeekHours;
use crate::domain::store_setup::StoreFields;

/// A store with every field an admin edits.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoreRecordRow {
    pub id: i64,
    pub region_id: i64,
    pub region: String,
    pub code: String,
    pub name: String,
    pub name_zh_cn: Option<String>,
    pub name_ru: Option<String>,
    pub address: String,
    pub timezone: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: String,
    pub opening_hours: Option<String>,
    pub active: i64,
}

impl StoreRecordRow {
    /// As checked fields: what a form or a CSV row is compared with.
    pub fn fields(&self) -> StoreFields {
        StoreFields {
            code: self.code.clone(),
            name: self.name.clone(),
            name_zh_cn: self.name_zh_cn.clone().filter(|n| !n.is_empty()),
            name_ru: self.name_ru.clone().filter(|n| !n.is_empty()),
            region: self.region.clone(),
            address: self.address.clone(),
            timezone: self.timezone.clone(),
            location: self.latitude.zip(self.longitude),
            phone: self.phone.clone(),
            // Hours kept before they were checked here and that no longer read are shown
            // as none; saving the store then stores what the admin typed.
            opening_hours: self
                .opening_hours
                .as_deref()
                .and_then(|h| WeekHours::parse(h).ok()),
            open: Some(self.active == 1),
        }
    }
}

/// The columns of [`StoreRecordRow`].
macro_rules! record_select {
    () => {
        "SELECT s.id, s.region_id, r.name AS region, s.code, s.name, s.name_zh_cn, s.name_ru,
            s.address, s.timezone, s.latitude, s.longitude, s.phone, s.opening_hours, s.active
         FROM stores s JOIN regions r ON r.id = s.region_id"
    };
}

/// Every store, open and closed, by region and code.
pub async fn all_stores(db: &Db) -> Result<Vec<StoreRecordRow>, sqlx::Error> {
    sqlx::query_as(concat!(record_select!(), " ORDER BY r.name, s.code"))
        .fetch_all(&db.pool)
        .await
}

pub async fn store_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<StoreRecordRow>, sqlx::Error> {
    sqlx::query_as(concat!(record_select!(), " WHERE s.code = $1"))
        .bind(code)
        .fetch_optional(conn)
        .await
}

/// Every store keyed by code (an import compares each row with these).
pub async fn stores_by_code(
    conn: &mut AnyConnection,
) -> Result<std::collections::HashMap<String, StoreRecordRow>, sqlx::Error> {
    let rows: Vec<StoreRecordRow> = sqlx::query_as(record_select!()).fetch_all(conn).await?;
    Ok(rows.into_iter().map(|r| (r.code.clone(), r)).collect())
}

fn hours_text(f: &StoreFields) -> Option<String> {
    f.opening_hours.map(|h| h.text())
}

pub async fn insert_store(
    conn: &mut AnyConnection,
    region_id: i64,
    f: &StoreFields,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO stores (region_id, code, name, name_zh_cn, name_ru, address, timezone, latitude, longitude, phone, opening_hours, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(region_id)
    .bind(&f.code)
    .bind(&f.name)
    .bind(f.name_zh_cn.as_deref())
    .bind(f.name_ru.as_deref())
    .bind(&f.address)
    .bind(&f.timezone)
    .bind(f.location.map(|l| l.0))
    .bind(f.location.map(|l| l.1))
    .bind(&f.phone)
    .bind(hours_text(f))
    .bind(i64::from(f.open.unwrap_or(true)))
    .fetch_one(conn)
    .await
}

/// Write every field of a store (its code stays: printed QR codes carry it).
pub async fn update_store(
    conn: &mut AnyConnection,
    id: i64,
    region_id: i64,
    f: &StoreFields,
    open: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE stores SET region_id = $2, name = $3, name_zh_cn = $4, name_ru = $5, address = $6,
            timezone = $7, latitude = $8, longitude = $9, phone = $10, opening_hours = $11, active = $12
         WHERE id = $1",
    )
    .bind(id)
    .bind(region_id)
    .bind(&f.name)
    .bind(f.name_zh_cn.as_deref())
    .bind(f.name_ru.as_deref())
    .bind(&f.address)
    .bind(&f.timezone)
    .bind(f.location.map(|l| l.0))
    .bind(f.location.map(|l| l.1))
    .bind(&f.phone)
    .bind(hours_text(f))
    .bind(i64::from(open))
    .execute(conn)
    .await?;
    Ok(())
}

/// A region with its organisation and how many open stores it has.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RegionRow {
    pub id: i64,
    pub name: String,
    pub org_id: i64,
    pub organisation: String,
    pub stores: i64,
}

pub async fn regions(db: &Db) -> Result<Vec<RegionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, r.name, r.org_id, o.name AS organisation,
            (SELECT COUNT(*) FROM stores s WHERE s.region_id = r.id AND s.active = 1) AS stores
         FROM regions r JOIN organisations o ON o.id = r.org_id ORDER BY o.name, r.name",
    )
    .fetch_all(&db.pool)
    .await
}

/// Region ids by name (names are unique within an organisation; a chain has one).
pub async fn region_ids(
    conn: &mut AnyConnection,
) -> Result<std::collections::HashMap<String, i64>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT name, id FROM regions ORDER BY id")
        .fetch_all(conn)
        .await?;
    let mut map = std::collections::HashMap::new();
    for (name, id) in rows {
        map.entry(name).or_insert(id);
    }
    Ok(map)
}

pub async fn organisations(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM organisations ORDER BY id")
        .fetch_all(conn)
        .await
}

pub async fn insert_organisation(conn: &mut AnyConnection, name: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO organisations (name) VALUES ($1) RETURNING id")
        .bind(name)
        .fetch_one(conn)
        .await
}

pub async fn rename_organisation(
    conn: &mut AnyConnection,
    id: i64,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE organisations SET name = $2 WHERE id = $1")
        .bind(id)
        .bind(name)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_region(
    conn: &mut AnyConnection,
    org_id: i64,
    name: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO regions (org_id, name) VALUES ($1, $2) RETURNING id")
        .bind(org_id)
        .bind(name)
        .fetch_one(conn)
        .await
}

pub async fn rename_region(
    conn: &mut AnyConnection,
    id: i64,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE regions SET name = $2 WHERE id = $1")
        .bind(id)
        .bind(name)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn region_by_id(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT org_id, name FROM regions WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Keep an uploaded stores file for its preview; drafts over a day old are dropped.
pub async fn save_import_draft(
    db: &Db,
    id: &str,
    user_id: i64,
    body: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write_tx().await?;
    sqlx::query("DELETE FROM store_import_drafts WHERE created_at < $1")
        .bind(now_ms - 24 * 3600 * 1000)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO store_import_drafts (id, user_id, created_at, body) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(user_id)
    .bind(now_ms)
    .bind(body)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// A draft's file, only for the user who uploaded it.
pub async fn import_draft(db: &Db, id: &str, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT body FROM store_import_drafts WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn delete_import_draft(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM store_import_drafts WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
