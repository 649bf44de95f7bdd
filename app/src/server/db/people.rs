//! People as admins and regional managers manage them: the list with scope and last sign-in,
//! role and scope changes, and invitations (one-time links to set a password). Statements
//! that change something take the caller's write transaction.

use sqlx::AnyConnection;

use super::Db;

/// A user as the people pages list them.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub active: i64,
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
    /// The user has set a password (false: invited, not yet accepted).
    pub has_password: i64,
}

/// What a user may see: region names (regional managers) and store codes (store managers and
/// employees).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    pub regions: Vec<String>,
    pub stores: Vec<String>,
}

/// The password hash of a user who has not set one yet: never a valid argon2 hash, so no
/// password matches it.
pub const NO_PASSWORD: &str = "!invited";

macro_rules! person_select {
    () => {
        "SELECT u.id, u.username, u.display_name, u.role, u.active, u.created_at, u.last_sign_in_at,
            CASE WHEN u.password_hash = '!invited' THEN 0 ELSE 1 END AS has_password
         FROM users u"
    };
}

pub async fn all_people(db: &Db) -> Result<Vec<PersonRow>, sqlx::Error> {
    sqlx::query_as(concat!(person_select!(), " ORDER BY u.username"))
        .fetch_all(&db.pool)
        .await
}

pub async fn person(
    conn: &mut AnyConnection,
    username: &str,
) -> Result<Option<PersonRow>, sqlx::Error> {
    sqlx::query_as(concat!(person_select!(), " WHERE u.username = $1"))
        .bind(username)
        .fetch_optional(conn)
        .await
}

/// Every user's scope, by user id.
pub async fn scopes(
    conn: &mut AnyConnection,
) -> Result<std::collections::HashMap<i64, Scope>, sqlx::Error> {
    let regions: Vec<(i64, String)> = sqlx::query_as(
        "SELECT ur.user_id, g.name FROM user_regions ur JOIN regions g ON g.id = ur.region_id ORDER BY g.name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let stores: Vec<(i64, String)> = sqlx::query_as(
        "SELECT us.user_id, s.code FROM user_stores us JOIN stores s ON s.id = us.store_id ORDER BY s.code",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out: std::collections::HashMap<i64, Scope> = std::collections::HashMap::new();
    for (user, name) in regions {
        out.entry(user).or_default().regions.push(name);
    }
    for (user, code) in stores {
        out.entry(user).or_default().stores.push(code);
    }
    Ok(out)
}

/// The regions of stores, by store code (what a regional manager's reach is checked against).
pub async fn store_regions(
    conn: &mut AnyConnection,
) -> Result<std::collections::HashMap<String, (i64, String)>, sqlx::Error> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT s.code, s.id, r.name FROM stores s JOIN regions r ON r.id = s.region_id",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(c, id, r)| (c, (id, r))).collect())
}

/// The region names a regional manager manages.
pub async fn regions_of(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT g.name FROM user_regions ur JOIN regions g ON g.id = ur.region_id WHERE ur.user_id = $1 ORDER BY g.name",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}

pub async fn insert_person(
    conn: &mut AnyConnection,
    username: &str,
    display_name: &str,
    role: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (username, display_name, password_hash, role, active, created_at)
         VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(NO_PASSWORD)
    .bind(role)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn update_person(
    conn: &mut AnyConnection,
    id: i64,
    display_name: &str,
    role: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET display_name = $2, role = $3 WHERE id = $1")
        .bind(id)
        .bind(display_name)
        .bind(role)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replace a user's regions and stores (ids).
pub async fn set_scope(
    conn: &mut AnyConnection,
    user_id: i64,
    region_ids: &[i64],
    store_ids: &[i64],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_regions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM user_stores WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for r in region_ids {
        sqlx::query("INSERT INTO user_regions (user_id, region_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(r)
            .execute(&mut *conn)
            .await?;
    }
    for s in store_ids {
        sqlx::query("INSERT INTO user_stores (user_id, store_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(s)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Deactivate (ending every session and revoking every API token) or reactivate.
pub async fn set_active(
    conn: &mut AnyConnection,
    user_id: i64,
    active: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET active = $2 WHERE id = $1")
        .bind(user_id)
        .bind(i64::from(active))
        .execute(&mut *conn)
        .await?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM invitations WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A new invitation for a user; earlier unused ones stop working (only the newest link does).
pub async fn insert_invitation(
    conn: &mut AnyConnection,
    user_id: i64,
    token_hash: &str,
    created_by: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM invitations WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO invitations (token_hash, user_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The user a live invitation is for: unused, unexpired, the user active.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct InvitationRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
}

pub async fn live_invitation(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<InvitationRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.username, u.display_name FROM invitations i JOIN users u ON u.id = i.user_id
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Use an invitation: the password is set, the link is spent, sessions end. False when the
/// link was spent meanwhile (two tabs): nothing changed.
pub async fn accept_invitation(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
    password_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let spent = sqlx::query(
        "UPDATE invitations SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
    )
    .bind(token_hash)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if spent.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user_id)
        .bind(password_hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

pub async fn record_sign_in(db: &Db, user_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_sign_in_at = $2 WHERE id = $1")
        .bind(user_id)
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(())
}
