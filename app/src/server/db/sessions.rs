//! Browser sessions, keyed by the SHA-256 of the random cookie value.

use super::users::{actor_columns, ActorRow};
use super::Db;
use crate::server::actor::Actor;

/// A new session; `user_agent` names the device on the account page (cut to 200 characters).
pub async fn create_session(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    (now, expires_at): (i64, i64),
    user_agent: &str,
) -> Result<(), sqlx::Error> {
    // Sign-in is a natural moment to forget this user's expired sessions.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2")
        .bind(user_id)
        .bind(now)
        .execute(&db.pool)
        .await?;
    let user_agent: String = user_agent.chars().take(200).collect();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, user_agent) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .bind(user_agent)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The live session's user and its CSRF token.
pub async fn session_actor(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<(Actor, String)>, sqlx::Error> {
    let row: Option<SessionRow> = sqlx::query_as(concat!(
        "SELECT ",
        actor_columns!(),
        ", s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((r.user.actor()?, r.csrf_token))).transpose()
}

/// A live session as [`session_actor`] reads it.
#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: ActorRow,
    csrf_token: String,
}

pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// One of a user's live sessions, as their account page lists it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct SessionListRow {
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
}

pub async fn sessions_of(
    db: &Db,
    user_id: i64,
    now: i64,
) -> Result<Vec<SessionListRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT token_hash, created_at, expires_at, user_agent FROM sessions
         WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(&db.pool)
    .await
}

/// Sign a user out everywhere: every session of theirs ends.
pub async fn delete_sessions_of(db: &Db, user_id: i64) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(r.rows_affected())
}
