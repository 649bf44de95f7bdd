//! Users, their roles and what each may see (regions for regional managers, stores for
//! store managers and employees).

use super::Db;
use crate::api::wire::Role;
use crate::server::actor::{Actor, PasswordHashString};

/// The columns an [`ActorRow`] reads, from `users u`.
macro_rules! actor_columns {
    () => {
        "u.id AS user_id, u.username, u.display_name, u.role"
    };
}
pub(crate) use actor_columns;

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
    sqlx::query_scalar(
        "INSERT INTO users (username, display_name, password_hash, role, active, created_at)
         VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
    )
    .bind(user.username)
    .bind(user.display_name)
    .bind(user.password_hash.0)
    .bind(user.role.as_str())
    .bind(now)
    .fetch_one(&db.pool)
    .await
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
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE username = $1 AND active = 1")
            .bind(username)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(id, hash)| (id, PasswordHashString(hash))))
}

pub async fn actor_by_username(db: &Db, username: &str) -> Result<Option<Actor>, sqlx::Error> {
    let row: Option<ActorRow> = sqlx::query_as(concat!(
        "SELECT ",
        actor_columns!(),
        " FROM users u WHERE u.username = $1 AND u.active = 1"
    ))
    .bind(username)
    .fetch_optional(&db.pool)
    .await?;
    row.map(ActorRow::actor).transpose()
}

/// A user as `actor_columns!` reads them; flattened into the rows of sessions and tokens.
#[derive(sqlx::FromRow)]
pub(crate) struct ActorRow {
    user_id: i64,
    username: String,
    display_name: String,
    role: String,
}

impl ActorRow {
    pub(crate) fn actor(self) -> Result<Actor, sqlx::Error> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {}", self.role).into()))?;
        Ok(Actor {
            user_id: self.user_id,
            username: self.username,
            display_name: self.display_name,
            role,
        })
    }
}

pub async fn count_users(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await
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
    let users: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, username, display_name, role, active FROM users ORDER BY username",
    )
    .fetch_all(&db.pool)
    .await?;
    let scopes: Vec<(i64, String)> = sqlx::query_as(
        "SELECT ur.user_id, g.name FROM user_regions ur JOIN regions g ON g.id = ur.region_id
         UNION ALL
         SELECT us.user_id, s.code FROM user_stores us JOIN stores s ON s.id = us.store_id
         ORDER BY 2",
    )
    .fetch_all(&db.pool)
    .await?;
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
    let Some(user_id) = sqlx::query_scalar::<_, i64>(
        "UPDATE users SET active = $1 WHERE username = $2 RETURNING id",
    )
    .bind(i64::from(active))
    .bind(username)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(false);
    };
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
    let Some(user_id) = sqlx::query_scalar::<_, i64>(
        "UPDATE users SET password_hash = $1 WHERE username = $2 RETURNING id",
    )
    .bind(hash.0)
    .bind(username)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// The language a user chose on their account page (None: as their browser asks).
pub async fn language_of(db: &Db, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT language FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
        .map(Option::flatten)
}

pub async fn set_language(db: &Db, user_id: i64, language: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET language = $2 WHERE id = $1")
        .bind(user_id)
        .bind(language)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A user's password hash by id (to check the current password before a change).
pub async fn password_hash_of(
    db: &Db,
    user_id: i64,
) -> Result<Option<PasswordHashString>, sqlx::Error> {
    let hash: Option<String> =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND active = 1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(hash.map(PasswordHashString))
}
