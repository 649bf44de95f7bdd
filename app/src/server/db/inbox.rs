//! Each user's inbox, as stored: items are written inside the transaction of the event that
//! causes them, once per user and event (`ref`), and read by their owner only.

use super::org::StoreNames;
use super::Db;

/// Where an item points.
#[derive(Clone, Debug, Default)]
pub struct About<'a> {
    pub case_id: Option<i64>,
    pub response_id: Option<&'a str>,
    pub store_id: Option<i64>,
}

/// Put an item in each of these users' inboxes (a user who has it already is skipped).
pub async fn add(
    conn: &mut sqlx::AnyConnection,
    users: &[i64],
    (kind, reference): (&str, &str),
    about: &About<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    for user in users {
        sqlx::query(
            "INSERT INTO inbox (user_id, kind, ref, case_id, response_id, store_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, ref) DO NOTHING",
        )
        .bind(user)
        .bind(kind)
        .bind(reference)
        .bind(about.case_id)
        .bind(about.response_id)
        .bind(about.store_id)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InboxRow {
    pub id: i64,
    pub kind: String,
    pub case_id: Option<i64>,
    pub response_id: Option<String>,
    pub store_code: Option<String>,
    #[sqlx(flatten)]
    pub store_names: StoreNames,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A user's newest items.
pub async fn of_user(db: &Db, user_id: i64, limit: i64) -> Result<Vec<InboxRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.kind, i.case_id, i.response_id, s.code AS store_code,
                COALESCE(s.name, '') AS name, s.name_zh_cn, s.name_ru, i.created_at, i.read_at
         FROM inbox i LEFT JOIN stores s ON s.id = i.store_id
         WHERE i.user_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

pub async fn unread(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM inbox WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await
}

/// Mark the user's own items read: one (`Some(id)`) or all. Another user's item is never
/// touched (the user id is part of the condition).
pub async fn mark_read(
    db: &Db,
    user_id: i64,
    item: Option<i64>,
    now_ms: i64,
) -> Result<u64, sqlx::Error> {
    let r =
        match item {
            Some(id) => sqlx::query(
                "UPDATE inbox SET read_at = $3 WHERE user_id = $1 AND read_at IS NULL AND id = $2",
            )
            .bind(user_id)
            .bind(id)
            .bind(now_ms)
            .execute(&db.pool)
            .await?,
            None => {
                sqlx::query("UPDATE inbox SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
                    .bind(user_id)
                    .bind(now_ms)
                    .execute(&db.pool)
                    .await?
            }
        };
    Ok(r.rows_affected())
}

/// Mark read the user's items about a case, when they open it.
pub async fn mark_case_read(
    db: &Db,
    user_id: i64,
    case_id: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE inbox SET read_at = $3 WHERE user_id = $1 AND case_id = $2 AND read_at IS NULL",
    )
    .bind(user_id)
    .bind(case_id)
    .bind(now_ms)
    .execute(&db.pool)
    .await?;
    Ok(())
}
