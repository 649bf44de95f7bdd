//! The signed-in user's own account (`/account`): password, language, sessions.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::domain::role::Role;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SessionView {
    pub signed_in_at: chrono::DateTime<chrono::Utc>,
    pub device: String,
    /// The session this page is seen in.
    pub this_one: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AccountData {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub language: Option<String>,
    pub sessions: Vec<SessionView>,
    /// What the last form did (`password`, `language`), or what was wrong with it.
    pub done: Option<String>,
    pub error: Option<String>,
}

#[server(endpoint = "account-page")]
pub async fn account_page() -> Result<AccountData, AppError> {
    use crate::server::auth::{session_token, sha256_hex};
    use crate::server::db::{sessions, users};
    let (state, actor, _) = super::ssr::require_actor().await?;
    let parts = super::ssr::request_parts()?;
    let current = session_token(&parts.headers).map(|t| sha256_hex(t.as_bytes()));
    let now = crate::server::now_ms();
    let sessions = sessions::sessions_of(&state.db, actor.user_id, now)
        .await?
        .into_iter()
        .map(|s| SessionView {
            signed_in_at: crate::server::from_ms(s.created_at),
            device: s.user_agent,
            this_one: current.as_deref() == Some(s.token_hash.as_str()),
        })
        .collect();
    let query = super::ssr::query_pairs()?;
    let pick = |name: &str, allowed: &[&str]| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| allowed.contains(&v.as_str()))
    };
    Ok(AccountData {
        language: users::language_of(&state.db, actor.user_id).await?,
        username: actor.username,
        display_name: actor.display_name,
        role: actor.role,
        sessions,
        done: pick("done", &["password", "language"]),
        error: pick("error", &["current", "password", "repeat", "rate"]),
    })
}
