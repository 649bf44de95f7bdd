//! Who a request acts for, as every data function takes it, and the hashes secrets are
//! kept as. A leaf: the database layer reads and writes these, and `auth` builds them from
//! sessions and tokens, so neither imports the other for them.

use sha2::{Digest, Sha256};

use crate::api::wire::Role;

/// The signed-in user on whose behalf a request runs. Built only from a valid session or
/// API token; every data function takes one and filters by it.
#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

/// A password hash: deliberately not Serialize, so it cannot end up in a response.
pub struct PasswordHashString(pub String);

/// SHA-256 as hex: how session cookies, API tokens and photos are keyed.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// What an API token may do, whatever more its owner may.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenScope {
    /// Reads only (GET).
    Read,
    /// Reads, and sending responses with their photos (a till or kiosk integration).
    Submit,
    /// Everything its owner may do.
    Admin,
}

impl TokenScope {
    pub const ALL: [TokenScope; 3] = [TokenScope::Read, TokenScope::Submit, TokenScope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Submit => "submit",
            TokenScope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<TokenScope> {
        TokenScope::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// May a token of this scope send this request (method, path without query)?
    pub fn allows(self, method: &str, path: &str) -> bool {
        let reads = matches!(method, "GET" | "HEAD");
        let submits = method == "PUT"
            && (crate::routes::fits("/api/v1/responses/{id}", path)
                || crate::routes::fits("/api/v1/photos/{sha256}/upload", path));
        match self {
            TokenScope::Read => reads,
            TokenScope::Submit => reads || submits,
            TokenScope::Admin => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TokenScope;

    #[test]
    fn a_token_does_only_what_its_scope_says() {
        let put = |p: &str| ("PUT", p.to_string());
        for (scope, method, path, ok) in [
            (TokenScope::Read, "GET", "/api/v1/stores".to_string(), true),
            (
                TokenScope::Read,
                put("/api/v1/responses/x").0,
                put("/api/v1/responses/x").1,
                false,
            ),
            (
                TokenScope::Read,
                "POST",
                "/api/v1/assignments".to_string(),
                false,
            ),
            (
                TokenScope::Submit,
                "PUT",
                "/api/v1/responses/1f0e".to_string(),
                true,
            ),
            (
                TokenScope::Submit,
                "PUT",
                "/api/v1/photos/ab12/upload".to_string(),
                true,
            ),
            (
                TokenScope::Submit,
                "POST",
                "/api/v1/responses/1f0e/status".to_string(),
                false,
            ),
            (
                TokenScope::Submit,
                "PATCH",
                "/api/v1/stores/N-1".to_string(),
                false,
            ),
            (
                TokenScope::Admin,
                "PATCH",
                "/api/v1/stores/N-1".to_string(),
                true,
            ),
        ] {
            assert_eq!(scope.allows(method, &path), ok, "{scope:?} {method} {path}");
        }
        for t in TokenScope::ALL {
            assert_eq!(TokenScope::parse(t.as_str()), Some(t));
        }
    }
}
