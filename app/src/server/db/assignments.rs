//! Mystery-shopping assignments: who visits (or calls) which store, with which pinned
//! template version, within which window of store-local dates.

use chrono::NaiveDate;

use super::Db;
use crate::api::wire::AssignmentView;
use crate::domain::Channel;
use crate::server::actor::Actor;

pub struct NewAssignment<'a> {
    pub store_id: i64,
    pub template_version_id: i64,
    pub shopper_id: i64,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub instructions: &'a str,
    pub created_by: i64,
}

/// What ingest needs to know about an assignment a response claims to fulfil.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AssignmentRow {
    pub id: i64,
    pub store_id: i64,
    pub template_version_id: i64,
    pub shopper_id: i64,
    /// Store-local dates, inclusive ('YYYY-MM-DD'; see `window`).
    pub window_start: String,
    pub window_end: String,
    /// When it was cancelled (epoch ms), if it was.
    pub cancelled_at: Option<i64>,
    pub response_id: Option<String>,
}

impl AssignmentRow {
    pub fn cancelled(&self) -> bool {
        self.cancelled_at.is_some()
    }

    /// The window as dates.
    pub fn window(&self) -> Result<(NaiveDate, NaiveDate), sqlx::Error> {
        Ok((
            parse_date(&self.window_start)?,
            parse_date(&self.window_end)?,
        ))
    }
}

pub fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_date(s: &str) -> Result<NaiveDate, sqlx::Error> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Insert the assignment unless the shopper already has a live one at this store whose
/// window is within `min_gap_days` of the new one; both happen in one transaction, so two
/// managers assigning at once cannot both slip past the rule (on SQLite the write lock
/// serialises them; on PostgreSQL the shopper's row is locked first).
/// Returns the new id, or the clashing window.
pub async fn insert_unless_too_close(
    db: &Db,
    a: NewAssignment<'_>,
    min_gap_days: u32,
    now_ms: i64,
) -> Result<Result<i64, (NaiveDate, NaiveDate)>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    if db.backend == super::Backend::Postgres {
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .bind(a.shopper_id)
            .execute(&mut *tx)
            .await?;
    } else {
        // Take SQLite's write lock now rather than at the INSERT, so the check below
        // cannot interleave with another assignment's.
        sqlx::query("UPDATE users SET active = active WHERE id = $1")
            .bind(a.shopper_id)
            .execute(&mut *tx)
            .await?;
    }
    let windows: Vec<(String, String)> = sqlx::query_as(
        "SELECT window_start, window_end FROM assignments
         WHERE shopper_id = $1 AND store_id = $2 AND cancelled_at IS NULL",
    )
    .bind(a.shopper_id)
    .bind(a.store_id)
    .fetch_all(&mut *tx)
    .await?;
    for (start, end) in &windows {
        let (start, end) = (parse_date(start)?, parse_date(end)?);
        if crate::domain::assignment::too_close(
            start,
            end,
            a.window_start,
            a.window_end,
            min_gap_days,
        ) {
            return Ok(Err((start, end)));
        }
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO assignments (store_id, template_version_id, shopper_id, window_start, window_end,
            instructions, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(a.store_id)
    .bind(a.template_version_id)
    .bind(a.shopper_id)
    .bind(date_text(a.window_start))
    .bind(date_text(a.window_end))
    .bind(a.instructions)
    .bind(a.created_by)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// What undoing a cancellation came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restored {
    Done,
    /// No cancelled, unanswered assignment with a window not yet over, in a store the actor
    /// may see.
    NotFound,
    /// The shopper got another assignment at the store since, too close to this one.
    TooClose,
}

/// Undo the cancellation of an assignment in a store the actor may see: only while nobody
/// answered it, its window is not over (`today`, the earliest date anywhere), and no live
/// assignment of the same shopper at the store is within `min_gap_days` of it (the rule a
/// new assignment meets). The check and the change are one write transaction.
pub async fn restore_visible(
    db: &Db,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
    min_gap_days: u32,
) -> Result<Restored, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let found: Option<(i64, i64, String, String)> = sqlx::query_as(concat!(
        "SELECT shopper_id, store_id, window_start, window_end FROM assignments
         WHERE id = $3 AND cancelled_at IS NOT NULL AND response_id IS NULL AND window_end >= $4
           AND store_id IN ",
        crate::visible_store_ids!()
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(id)
    .bind(date_text(today))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((shopper_id, store_id, start, end)) = found else {
        return Ok(Restored::NotFound);
    };
    let (start, end) = (parse_date(&start)?, parse_date(&end)?);
    let others: Vec<(String, String)> = sqlx::query_as(
        "SELECT window_start, window_end FROM assignments
         WHERE shopper_id = $1 AND store_id = $2 AND cancelled_at IS NULL AND id <> $3",
    )
    .bind(shopper_id)
    .bind(store_id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    for (s, e) in &others {
        let (s, e) = (parse_date(s)?, parse_date(e)?);
        if crate::domain::assignment::too_close(s, e, start, end, min_gap_days) {
            return Ok(Restored::TooClose);
        }
    }
    sqlx::query("UPDATE assignments SET cancelled_at = NULL WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Restored::Done)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<AssignmentRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, store_id, template_version_id, shopper_id, window_start, window_end,
                cancelled_at, response_id
         FROM assignments WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// Cancel an open assignment in a store the actor may see. False when there is no such
/// assignment, or it was already answered or cancelled.
pub async fn cancel_visible(
    db: &Db,
    actor: &Actor,
    id: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(concat!(
        "UPDATE assignments SET cancelled_at = $4
         WHERE id = $3 AND cancelled_at IS NULL AND response_id IS NULL AND store_id IN ",
        crate::visible_store_ids!()
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(id)
    .bind(now_ms)
    .execute(&db.pool)
    .await?;
    Ok(r.rows_affected() == 1)
}

macro_rules! view_select {
    () => {
        "SELECT a.id, s.code AS store_code, s.name, s.name_zh_cn, s.name_ru, s.address AS store_address,
            s.phone AS store_phone,
            t.channel, t.template_key, tv.version, u.username AS shopper,
            a.window_start, a.window_end, a.instructions, a.response_id, a.cancelled_at
         FROM assignments a
         JOIN stores s ON s.id = a.store_id
         JOIN template_versions tv ON tv.id = a.template_version_id
         JOIN templates t ON t.id = tv.template_id
         JOIN users u ON u.id = a.shopper_id "
    };
}

/// An assignment as `view_select!` reads it.
#[derive(sqlx::FromRow)]
struct ViewRow {
    id: i64,
    store_code: String,
    #[sqlx(flatten)]
    store_names: super::org::StoreNames,
    store_address: String,
    store_phone: String,
    channel: String,
    template_key: String,
    version: i64,
    shopper: String,
    window_start: String,
    window_end: String,
    instructions: String,
    response_id: Option<String>,
    cancelled_at: Option<i64>,
}

impl ViewRow {
    fn view(self) -> Result<AssignmentView, sqlx::Error> {
        let channel = Channel::parse(&self.channel).ok_or_else(|| {
            sqlx::Error::Decode(format!("unknown channel {}", self.channel).into())
        })?;
        Ok(AssignmentView {
            id: self.id,
            store_code: self.store_code,
            store_name: self.store_names.text(),
            store_address: self.store_address,
            store_phone: self.store_phone,
            channel,
            template: self.template_key,
            template_version: u32::try_from(self.version)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            shopper: self.shopper,
            window_start: parse_date(&self.window_start)?,
            window_end: parse_date(&self.window_end)?,
            instructions: self.instructions,
            submitted: self.response_id.is_some(),
            cancelled: self.cancelled_at.is_some(),
        })
    }
}

/// A shopper's assignments whose window ends on or after `since`, plus every one still open:
/// what the phone keeps. Cancelled ones are included so the phone can take them off its list.
pub async fn for_shopper(
    db: &Db,
    shopper_id: i64,
    since: NaiveDate,
) -> Result<Vec<AssignmentView>, sqlx::Error> {
    let rows: Vec<ViewRow> = sqlx::query_as(concat!(
        view_select!(),
        "WHERE a.shopper_id = $1
           AND (a.window_end >= $2 OR (a.response_id IS NULL AND a.cancelled_at IS NULL))
         ORDER BY a.window_start, a.id"
    ))
    .bind(shopper_id)
    .bind(date_text(since))
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(ViewRow::view).collect()
}

/// The newest assignments in the stores the actor may see (the assignment page).
pub async fn recent_visible(
    db: &Db,
    actor: &Actor,
    limit: i64,
) -> Result<Vec<AssignmentView>, sqlx::Error> {
    let rows: Vec<ViewRow> = sqlx::query_as(concat!(
        view_select!(),
        "WHERE a.store_id IN ",
        crate::visible_store_ids!(),
        " ORDER BY a.id DESC LIMIT $3"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(ViewRow::view).collect()
}

/// Active shoppers, by username: the choices on the assignment form.
pub async fn shoppers(db: &Db) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, username, display_name FROM users
         WHERE role = 'shopper' AND active = 1 ORDER BY username",
    )
    .fetch_all(&db.pool)
    .await
}
