//! Who is acting: password hashing, session cookies, API tokens and the [`Actor`] every data
//! function takes.
//!
//! Secrets (passwords, session and API tokens) are only ever stored as hashes: argon2 for
//! passwords, SHA-256 for the long random tokens (they carry 256 bits, so a fast hash is safe).

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::http::{header, HeaderMap};

pub use super::actor::{sha256_hex, Actor, PasswordHashString, TokenScope};
use super::db::{sessions, tokens, Db};
use super::error::{ServiceError, ServiceResult};

pub const SESSION_COOKIE: &str = "servscope_session";
pub const SESSION_DAYS: i64 = 14;

pub fn hash_password(password: &str) -> ServiceResult<PasswordHashString> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| PasswordHashString(h.to_string()))
        .map_err(|e| ServiceError::Internal(format!("hashing a password: {e}")))
}

pub fn verify_password(hash: &PasswordHashString, password: &str) -> bool {
    PasswordHash::new(&hash.0)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hash and verify on the blocking pool: argon2 takes tens of milliseconds on purpose.
pub async fn hash_password_blocking(password: String) -> ServiceResult<PasswordHashString> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
}

pub async fn verify_password_blocking(hash: PasswordHashString, password: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .unwrap_or(false)
}

/// Minimum rules for a new password; long passphrases are welcome.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < 10 {
        return Err("a password needs at least 10 characters".into());
    }
    if n > 256 {
        return Err("a password may have at most 256 characters".into());
    }
    Ok(())
}

/// 256 random bits as 64 hex characters.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// API tokens look like `sst_<64 hex>`; the prefix tells a leaked string for what it is.
pub const TOKEN_PREFIX: &str = "sst_";

pub fn new_api_token() -> String {
    format!("{TOKEN_PREFIX}{}", new_secret())
}

/// The value of one cookie from the request's Cookie headers.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    cookie_value(headers, SESSION_COOKIE).filter(|t| !t.is_empty())
}

pub fn lang_cookie(headers: &HeaderMap) -> Option<&str> {
    cookie_value(headers, "lang")
}

/// How the request proved who it is.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A browser session; `csrf` must accompany every form it posts.
    Session {
        csrf: String,
    },
    ApiToken {
        scope: TokenScope,
    },
}

/// Resolve the actor from a Bearer token or the session cookie. `Ok(None)` means anonymous;
/// a Bearer header that does not match a live token is an error, not anonymity.
pub async fn authenticate(
    db: &Db,
    headers: &HeaderMap,
) -> ServiceResult<Option<(Actor, Credential)>> {
    let now = super::now_ms();
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ServiceError::Unauthenticated)?;
        let (actor, scope) = tokens::token_actor(db, &sha256_hex(token.as_bytes()), now)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        return Ok(Some((actor, Credential::ApiToken { scope })));
    }
    let Some(token) = session_token(headers) else {
        return Ok(None);
    };
    Ok(
        sessions::session_actor(db, &sha256_hex(token.as_bytes()), now)
            .await?
            .map(|(actor, csrf)| (actor, Credential::Session { csrf })),
    )
}

/// Compare secrets without leaking where they differ through timing.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(h.0.starts_with("$argon2"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse battery!"));
        assert!(!verify_password(&PasswordHashString("garbage".into()), "x"));
    }

    #[test]
    fn session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "lang=ru; servscope_session=abc123; x=y"
                .parse()
                .expect("header"),
        );
        assert_eq!(session_token(&h), Some("abc123"));
        assert_eq!(lang_cookie(&h), Some("ru"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("a long enough passphrase").is_ok());
    }

    #[test]
    fn constant_time_comparison_is_still_a_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
