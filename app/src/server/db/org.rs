//! Organisation > regions > stores, and the one rule of who sees which store.

use super::Db;
use crate::api::wire::StoreView;
use crate::domain::I18nText;
use crate::server::actor::Actor;
use crate::server::from_ms;

/// Ids of the stores the actor may read. `$1` is the actor's role, `$2` their user id.
/// Admins see every store; regional managers and reviewers their regions'; store managers and employees
/// the stores granted to them; shoppers none (they reach stores through assignments).
/// Every scoped query in the application embeds this one fragment.
#[macro_export]
macro_rules! visible_store_ids {
    () => {
        "(SELECT vs.id FROM stores vs WHERE $1 = 'admin'
            OR ($1 IN ('regional_manager', 'reviewer') AND vs.region_id IN (SELECT ur.region_id FROM user_regions ur WHERE ur.user_id = $2))
            OR ($1 IN ('store_manager', 'employee') AND vs.id IN (SELECT us.store_id FROM user_stores us WHERE us.user_id = $2)))"
    };
}

/// The stores whose responses the user may read (`$1` role, `$2` user id): as
/// [`visible_store_ids!`], but employees see their store without its responses, since what
/// was said about a team is read by its managers. Every read of raw responses, photos and
/// exports embeds this.
#[macro_export]
macro_rules! readable_store_ids {
    () => {
        "(SELECT vs.id FROM stores vs WHERE $1 = 'admin'
            OR ($1 IN ('regional_manager', 'reviewer') AND vs.region_id IN (SELECT ur.region_id FROM user_regions ur WHERE ur.user_id = $2))
            OR ($1 = 'store_manager' AND vs.id IN (SELECT us.store_id FROM user_stores us WHERE us.user_id = $2)))"
    };
}

/// A store's name in each language it has one: select `s.name, s.name_zh_cn, s.name_ru`
/// (`store_name_columns!`) and flatten this into the row.
#[derive(Clone, Debug, PartialEq, Default, sqlx::FromRow)]
pub struct StoreNames {
    pub name: String,
    pub name_zh_cn: Option<String>,
    pub name_ru: Option<String>,
}

impl StoreNames {
    /// As the pages take it: the name for every language, the default one as fallback.
    pub fn text(&self) -> I18nText {
        let given = |v: &Option<String>| v.clone().filter(|t| !t.trim().is_empty());
        I18nText {
            en: self.name.clone(),
            zh_cn: given(&self.name_zh_cn),
            ru: given(&self.name_ru),
        }
    }
}

/// The columns of [`StoreNames`] for a store table aliased `s`.
#[macro_export]
macro_rules! store_name_columns {
    () => {
        "s.name AS name, s.name_zh_cn AS name_zh_cn, s.name_ru AS name_ru"
    };
}

/// "Recent" in store lists: the last 12 weeks, the default scorecard period.
pub const RECENT_WINDOW_MS: i64 = 12 * 7 * 24 * 3600 * 1000;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoreRow {
    pub id: i64,
    pub region_id: i64,
    pub code: String,
    #[sqlx(flatten)]
    pub names: StoreNames,
    /// IANA time zone: the store's weeks and months are its local ones.
    pub timezone: String,
}

pub async fn create_organisation(db: &Db, name: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO organisations (name) VALUES ($1) RETURNING id")
        .bind(name)
        .fetch_one(&db.pool)
        .await
}

pub async fn create_region(db: &Db, org_id: i64, name: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO regions (org_id, name) VALUES ($1, $2) RETURNING id")
        .bind(org_id)
        .bind(name)
        .fetch_one(&db.pool)
        .await
}

pub async fn region_id_by_name(db: &Db, name: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM regions WHERE name = $1")
        .bind(name)
        .fetch_optional(&db.pool)
        .await
}

pub struct NewStore<'a> {
    pub region_id: i64,
    pub code: &'a str,
    pub name: &'a str,
    pub address: &'a str,
    pub timezone: &'a str,
    /// As dialled from anywhere ('+44 20 7946 0011'); '' when unknown.
    pub phone: &'a str,
}

pub async fn create_store(db: &Db, s: NewStore<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO stores (region_id, code, name, address, timezone, phone, active) VALUES ($1, $2, $3, $4, $5, $6, 1) RETURNING id")
        .bind(s.region_id)
        .bind(s.code)
        .bind(s.name)
        .bind(s.address)
        .bind(s.timezone)
        .bind(s.phone)
        .fetch_one(&db.pool)
        .await
}

/// Set a store's Chinese and Russian names: None leaves one as it is, "" removes it.
/// False when there is no such store.
pub async fn set_store_names(
    db: &Db,
    code: &str,
    zh_cn: Option<&str>,
    ru: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let given = |v: Option<&str>| v.map(|v| (!v.is_empty()).then(|| v.to_string()));
    let (zh_cn, ru) = (given(zh_cn), given(ru));
    let r = sqlx::query(
        "UPDATE stores SET
            name_zh_cn = CASE WHEN $2 = 1 THEN $3 ELSE name_zh_cn END,
            name_ru = CASE WHEN $4 = 1 THEN $5 ELSE name_ru END
         WHERE code = $1",
    )
    .bind(code)
    .bind(i64::from(zh_cn.is_some()))
    .bind(zh_cn.flatten())
    .bind(i64::from(ru.is_some()))
    .bind(ru.flatten())
    .execute(&db.pool)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Unscoped lookup, for the ingest path (which checks the actor's right to submit itself).
pub async fn store_by_code(db: &Db, code: &str) -> Result<Option<StoreRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.region_id, s.code, s.name, s.name_zh_cn, s.name_ru, s.timezone FROM stores s WHERE s.code = $1 AND s.active = 1",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await
}

/// A store by code, open or closed (a closed store keeps its history: its scorecard, reports
/// and exports stay readable), only if the actor may see it (without the figures of
/// `visible_store`).
pub async fn visible_store_row(
    db: &Db,
    actor: &Actor,
    code: &str,
) -> Result<Option<StoreRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT s.id, s.region_id, s.code, s.name, s.name_zh_cn, s.name_ru, s.timezone FROM stores s WHERE s.code = $3 AND s.id IN ",
        visible_store_ids!()
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(code)
    .fetch_optional(&db.pool)
    .await
}

/// A store by code, open or closed: a visit planned before the store closed is still taken
/// in (the shopper's work is never refused for it).
pub async fn store_by_code_open_or_closed(
    db: &Db,
    code: &str,
) -> Result<Option<StoreRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.region_id, s.code, s.name, s.name_zh_cn, s.name_ru, s.timezone FROM stores s WHERE s.code = $1",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await
}

/// Is this store one the actor is attached to (store managers and employees)?
pub async fn is_member_of_store(db: &Db, user_id: i64, store_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM user_stores WHERE user_id = $1 AND store_id = $2")
            .bind(user_id)
            .bind(store_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.is_some())
}

/// Columns read by [`store_view`]; `$4` is the start of the "recent responses" window.
macro_rules! store_view_select {
    () => {
        concat!(
            "SELECT s.code, s.name, s.name_zh_cn, s.name_ru, s.address, s.timezone, r.name AS region,
                (SELECT COUNT(*) FROM responses x WHERE x.store_id = s.id AND x.finished_at >= $4)
                    AS recent_responses,
                (SELECT MAX(x.finished_at) FROM responses x WHERE x.store_id = s.id)
                    AS last_response_at
             FROM stores s JOIN regions r ON r.id = s.region_id
             WHERE s.id IN ",
            visible_store_ids!()
        )
    };
}

/// The stores the actor may see, optionally filtered by a search on code, name or address,
/// each with its response count since `since_ms`.
pub async fn visible_stores(
    db: &Db,
    actor: &Actor,
    search: &str,
    since_ms: i64,
) -> Result<Vec<StoreView>, sqlx::Error> {
    let pattern = format!("%{}%", search.trim().to_lowercase());
    let rows: Vec<StoreViewRow> = sqlx::query_as(concat!(
        store_view_select!(),
        " AND s.active = 1 AND (LOWER(s.code) LIKE $3 OR LOWER(s.name) LIKE $3 OR LOWER(COALESCE(s.name_zh_cn, '')) LIKE $3
              OR LOWER(COALESCE(s.name_ru, '')) LIKE $3 OR LOWER(s.address) LIKE $3)
         ORDER BY r.name, s.code"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(pattern)
    .bind(since_ms)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(StoreViewRow::view).collect())
}

/// One store by code, open or closed (its history stays readable), only if the actor may
/// see it.
pub async fn visible_store(
    db: &Db,
    actor: &Actor,
    code: &str,
    since_ms: i64,
) -> Result<Option<StoreView>, sqlx::Error> {
    let row: Option<StoreViewRow> =
        sqlx::query_as(concat!(store_view_select!(), " AND s.code = $3"))
            .bind(actor.role.as_str())
            .bind(actor.user_id)
            .bind(code)
            .bind(since_ms)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(StoreViewRow::view))
}

/// A store as `store_view_select!` reads it.
#[derive(sqlx::FromRow)]
struct StoreViewRow {
    code: String,
    #[sqlx(flatten)]
    names: StoreNames,
    address: String,
    timezone: String,
    region: String,
    recent_responses: i64,
    last_response_at: Option<i64>,
}

impl StoreViewRow {
    fn view(self) -> StoreView {
        StoreView {
            last_response_day: self.last_response_at.map(|ms| {
                let tz: chrono_tz::Tz = self.timezone.parse().unwrap_or(chrono_tz::UTC);
                from_ms(ms).with_timezone(&tz).date_naive()
            }),
            name: self.names.text(),
            code: self.code,
            address: self.address,
            timezone: self.timezone,
            region: self.region,
            recent_responses: self.recent_responses,
            last_response_at: self.last_response_at.map(from_ms),
        }
    }
}

/// Set (or clear) a store's opening hours, `HH:MM-HH:MM` in its time zone. False: no such store.
pub async fn set_opening_hours(
    db: &Db,
    code: &str,
    hours: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE stores SET opening_hours = $1 WHERE code = $2")
        .bind(hours)
        .bind(code)
        .execute(&db.pool)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// A store as its staff's self-assessment needs it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaffStore {
    pub id: i64,
    pub code: String,
    #[sqlx(flatten)]
    pub names: StoreNames,
    pub timezone: String,
    /// argon2 hash of the staff link's PIN; None: no staff link.
    pub staff_pin_hash: Option<String>,
}

pub async fn staff_store_by_code(db: &Db, code: &str) -> Result<Option<StaffStore>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.code, s.name, s.name_zh_cn, s.name_ru, s.timezone, s.staff_pin_hash FROM stores s WHERE s.code = $1 AND s.active = 1",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await
}

/// The (first) active store a user is attached to: an employee's store.
pub async fn staff_store_of_user(db: &Db, user_id: i64) -> Result<Option<StaffStore>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.code, s.name, s.name_zh_cn, s.name_ru, s.timezone, s.staff_pin_hash FROM stores s
         JOIN user_stores us ON us.store_id = s.id
         WHERE us.user_id = $1 AND s.active = 1 ORDER BY s.id LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn set_staff_pin(db: &Db, store_id: i64, hash: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE stores SET staff_pin_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(store_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A store as a league table lists it, with its region and organisation.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct PlacedStore {
    pub id: i64,
    pub code: String,
    #[sqlx(flatten)]
    pub names: StoreNames,
    pub region: String,
    pub organisation: String,
}

/// Every active store the actor may see, with its region and organisation.
pub async fn visible_placed_stores(
    db: &Db,
    actor: &Actor,
) -> Result<Vec<PlacedStore>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT s.id, s.code, s.name, s.name_zh_cn, s.name_ru, r.name AS region, o.name AS organisation FROM stores s
         JOIN regions r ON r.id = s.region_id JOIN organisations o ON o.id = r.org_id
         WHERE s.active = 1 AND s.id IN ",
        visible_store_ids!(),
        " ORDER BY o.name, r.name, s.code"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .fetch_all(&db.pool)
    .await
}
