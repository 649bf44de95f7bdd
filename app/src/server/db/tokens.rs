//! API tokens for integrations. A token acts as the user it belongs to, with that user's scope.

use super::users::{actor_columns, ActorRow};
use super::{affected, Db};
use crate::api::wire::ApiTokenView;
use crate::server::actor::{Actor, TokenScope};
use crate::server::from_ms;

/// `last_used_at` is refreshed at most this often, so that a busy integration does not turn
/// every read into a write.
const LAST_USED_GRANULARITY_MS: i64 = 60_000;

pub async fn create_token(
    db: &Db,
    user_id: i64,
    name: &str,
    token: &str,
    token_hash: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    create_expiring_token(
        db,
        user_id,
        name,
        (token, token_hash),
        now,
        (None, TokenScope::Admin),
    )
    .await
}

/// A token that stops working at `expires_at` (epoch ms; None: until revoked) and may do what
/// its scope allows.
pub async fn create_expiring_token(
    db: &Db,
    user_id: i64,
    name: &str,
    (token, token_hash): (&str, &str),
    now: i64,
    (expires_at, scope): (Option<i64>, TokenScope),
) -> Result<i64, sqlx::Error> {
    let prefix: String = token.chars().take(10).collect();
    sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at, expires_at, scope)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(prefix)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .bind(scope.as_str())
    .fetch_one(&db.pool)
    .await
}

/// The live token's user and scope.
pub async fn token_actor(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<(Actor, TokenScope)>, sqlx::Error> {
    let row: Option<TokenRow> = sqlx::query_as(concat!(
        "SELECT ",
        actor_columns!(),
        ", t.id AS token_id, t.last_used_at, t.scope
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1
           AND (t.expires_at IS NULL OR t.expires_at > $2)"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    let Some(TokenRow {
        user,
        token_id,
        last_used_at,
        scope,
    }) = row
    else {
        return Ok(None);
    };
    let actor = user.actor()?;
    if last_used_at.is_none_or(|t| now - t > LAST_USED_GRANULARITY_MS) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(token_id)
            .execute(&db.pool)
            .await?;
    }
    // A scope this version does not know (written by a newer one) reads as the narrowest.
    Ok(Some((
        actor,
        TokenScope::parse(&scope).unwrap_or(TokenScope::Read),
    )))
}

/// A live token and its user, as [`token_actor`] reads them.
#[derive(sqlx::FromRow)]
struct TokenRow {
    #[sqlx(flatten)]
    user: ActorRow,
    token_id: i64,
    last_used_at: Option<i64>,
    scope: String,
}

/// How long after its creation a new token may still be shown (the flash cookie lives as long).
pub const SHOW_WINDOW_MS: i64 = 120_000;

/// Marks the token with this hash as shown and says whether this call did it: true once, for a
/// live token created within [`SHOW_WINDOW_MS`]; false ever after. The one-time display is kept
/// here rather than by clearing the cookie alone, because a browser may still send the cookie
/// again (a reload racing the clearing response, a copied request).
pub async fn mark_shown(db: &Db, token_hash: &str, now: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE api_tokens SET shown_at = $1
         WHERE token_hash = $2 AND shown_at IS NULL AND revoked_at IS NULL AND created_at > $3",
    )
    .bind(now)
    .bind(token_hash)
    .bind(now - SHOW_WINDOW_MS)
    .execute(&db.pool)
    .await?;
    Ok(affected(&r) == 1)
}

/// Every token, newest first (admins only; the caller checks the role).
pub async fn list_tokens(db: &Db) -> Result<Vec<ApiTokenView>, sqlx::Error> {
    let rows: Vec<TokenListRow> = sqlx::query_as(
        "SELECT t.id, t.name, t.prefix, u.username AS owner, t.created_at, t.last_used_at,
                t.revoked_at, t.expires_at, t.scope
         FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ApiTokenView {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            owner: r.owner,
            created_at: from_ms(r.created_at),
            last_used_at: r.last_used_at.map(from_ms),
            revoked: r.revoked_at.is_some(),
            expires_at: r.expires_at.map(from_ms),
            scope: r.scope,
        })
        .collect())
}

/// A token as [`list_tokens`] reads it.
#[derive(sqlx::FromRow)]
struct TokenListRow {
    id: i64,
    name: String,
    prefix: String,
    owner: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
    expires_at: Option<i64>,
    scope: String,
}

/// Revoke by id; false when there is no such live token.
pub async fn revoke_token(db: &Db, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let r =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&db.pool)
            .await?;
    Ok(affected(&r) == 1)
}
