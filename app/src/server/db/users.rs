//! Users, their roles and what each may see (regions for regional managers, stores for
//! store managers and employees).

use sqlx::Row;

use super::Db;
use crate::api::wire::Role;
use crate::server::auth::{Actor, PasswordHashString};

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: PasswordHashString,
    pub role: Role,
}

/// Usernames: 3-64 of lower-case letters, digits, dot, dash, underscore.
pub fn is_valid_username(s: &str) -> bool {
    (3..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
}

pub async fn create_user(db: &Db, user: NewUser<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO users (username, display_name, password_hash, role, active, created_at)
         VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
    )
    .bind(user.username)
    .bind(user.display_name)
    .bind(user.password_hash.0)
    .bind(user.role.as_str())
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    row.try_get::<i64, _>(0)
}

pub async fn grant_region(db: &Db, user_id: i64, region_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO user_regions (user_id, region_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(region_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn grant_store(db: &Db, user_id: i64, store_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO user_stores (user_id, store_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(store_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// For sign-in: the id and password hash of an active user.
pub async fn login_lookup(
    db: &Db,
    username: &str,
) -> Result<Option<(i64, PasswordHashString)>, sqlx::Error> {
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE username = $1 AND active = 1")
        .bind(username)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| Ok((r.try_get(0)?, PasswordHashString(r.try_get(1)?))))
        .transpose()
}

pub async fn actor_by_username(db: &Db, username: &str) -> Result<Option<Actor>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, username, display_name, role FROM users WHERE username = $1 AND active = 1",
    )
    .bind(username)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| actor_from_row(&r, 0)).transpose()
}

/// Reads `id, username, display_name, role` starting at column `at`.
pub(crate) fn actor_from_row(r: &sqlx::any::AnyRow, at: usize) -> Result<Actor, sqlx::Error> {
    let role: String = r.try_get(at + 3)?;
    Ok(Actor {
        user_id: r.try_get(at)?,
        username: r.try_get(at + 1)?,
        display_name: r.try_get(at + 2)?,
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?,
    })
}

pub async fn count_users(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await?
        .try_get(0)
}
