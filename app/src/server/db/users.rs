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

/// One user as `server users list` shows them.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct UserListRow {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub active: i64,
    /// Region names or store codes, comma-separated.
    pub scope: String,
}

/// Every user with role, state and scope, by username.
pub async fn list_users(db: &Db) -> Result<Vec<UserListRow>, sqlx::Error> {
    let users: Vec<(i64, String, String, String, i64)> =
        sqlx::query("SELECT id, username, display_name, role, active FROM users ORDER BY username")
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;
    let scopes: Vec<(i64, String)> = sqlx::query(
        "SELECT ur.user_id, g.name FROM user_regions ur JOIN regions g ON g.id = ur.region_id
         UNION ALL
         SELECT us.user_id, s.code FROM user_stores us JOIN stores s ON s.id = us.store_id
         ORDER BY 2",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(users
        .into_iter()
        .map(|(id, username, display_name, role, active)| UserListRow {
            username,
            display_name,
            role,
            active,
            scope: scopes
                .iter()
                .filter(|(u, _)| *u == id)
                .map(|(_, s)| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect())
}

/// Deactivate or reactivate a user. Deactivating ends every session and revokes every API
/// token of theirs in the same transaction, so nothing they hold keeps working. False when
/// there is no such user.
pub async fn set_active(
    db: &Db,
    username: &str,
    active: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let Some(row) = sqlx::query("UPDATE users SET active = $1 WHERE username = $2 RETURNING id")
        .bind(i64::from(active))
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(false);
    };
    let user_id: i64 = row.try_get(0)?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Set a user's password and end their sessions, all but `keep` (the session token hash of
/// the user changing their own password). False when there is no such user.
pub async fn set_password(
    db: &Db,
    username: &str,
    hash: PasswordHashString,
    keep: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let Some(row) =
        sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2 RETURNING id")
            .bind(hash.0)
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?
    else {
        return Ok(false);
    };
    let user_id: i64 = row.try_get(0)?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}
