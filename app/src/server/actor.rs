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
