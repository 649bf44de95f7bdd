//! Server-side signatures (HMAC-SHA256) for values a form carries back to us, such as the
//! moment a survey form was opened: the customer's browser holds the value, but cannot change
//! it without the signature failing. The key is made on first use and kept in the database,
//! so signatures survive a restart and hold across replicas.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::db::Db;

type HmacSha256 = Hmac<Sha256>;

/// A secret key. Not `Debug`, not `Serialize`: it never reaches a log or a page.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl SigningKey {
    pub fn from_bytes(bytes: Vec<u8>) -> SigningKey {
        SigningKey(bytes)
    }

    /// HMAC takes keys of any length, so this is always Some.
    fn mac(&self, message: &str) -> Option<HmacSha256> {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0).ok()?;
        mac.update(message.as_bytes());
        Some(mac)
    }

    pub fn sign(&self, message: &str) -> String {
        self.mac(message)
            .map(|m| hex::encode(m.finalize().into_bytes()))
            .unwrap_or_default()
    }

    /// Constant-time check of a hex signature.
    pub fn verify(&self, message: &str, signature_hex: &str) -> bool {
        match (self.mac(message), hex::decode(signature_hex)) {
            (Some(mac), Ok(sig)) => mac.verify_slice(&sig).is_ok(),
            _ => false,
        }
    }
}

/// The named key, made (32 random bytes) on first use. Two servers starting at once both end
/// up with the key that won the primary key.
pub async fn load_key(db: &Db, name: &str, now_ms: i64) -> Result<SigningKey, sqlx::Error> {
    let fresh: [u8; 32] = rand::random();
    sqlx::query(
        "INSERT INTO server_keys (name, key_hex, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(hex::encode(fresh))
    .bind(now_ms)
    .execute(&db.pool)
    .await?;
    let key_hex: String = sqlx::query_scalar("SELECT key_hex FROM server_keys WHERE name = $1")
        .bind(name)
        .fetch_one(&db.pool)
        .await?;
    hex::decode(key_hex)
        .map(SigningKey)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_only_for_the_signed_message_and_key() {
        let key = SigningKey::from_bytes(b"key one".to_vec());
        let sig = key.sign("opened:1700000000000");
        assert!(key.verify("opened:1700000000000", &sig));
        assert!(!key.verify("opened:1700000000001", &sig));
        assert!(!SigningKey::from_bytes(b"key two".to_vec()).verify("opened:1700000000000", &sig));
        assert!(!key.verify("opened:1700000000000", "not hex"));
    }
}
