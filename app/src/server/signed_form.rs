//! The hidden fields of the forms customers and staff answer without signing in (the
//! customer survey, the staff link's self-assessment): each form carries its response id (the
//! idempotency key of its answer) and the signed moment it was opened, and an answer is known
//! by the hash of what was sent. Shared by both use cases, so neither imports the other.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::error::{ServiceError, ServiceResult};
use super::signing::SigningKey;
use crate::domain::survey_link::ChannelTag;
use crate::domain::ResponseSubmission;

/// Hidden fields of the form.
pub const RESPONSE_ID: &str = "rid";
pub const OPENED: &str = "opened";
/// Set by survey.js to the moment the customer pressed "Send", so an answer kept through a
/// network failure and sent later keeps its real time.
pub const SENT_AT: &str = "sent";

/// The field under which a form-level problem (a broken or foreign form) is reported.
pub const FORM_FIELD: &str = "form";

/// A new form: its response id (the idempotency key of the answer) and the signed moment
/// it was opened.
pub struct NewForm {
    pub response_id: String,
    pub opened: String,
}

fn opened_message(response_id: &str, store_id: i64, at_ms: i64) -> String {
    format!("opened:{store_id}:{response_id}:{at_ms}")
}

pub fn new_form(key: &SigningKey, store_id: i64, now: DateTime<Utc>) -> NewForm {
    let response_id = uuid::Uuid::new_v4().to_string();
    let at = now.timestamp_millis();
    let signature = key.sign(&opened_message(&response_id, store_id, at));
    NewForm {
        opened: format!("{at}.{signature}"),
        response_id,
    }
}

/// When the form was opened, if the token is ours, for this response and store.
pub fn opened_at(key: &SigningKey, token: &str, response_id: &str, store_id: i64) -> Option<i64> {
    let (at, signature) = token.split_once('.')?;
    let at: i64 = at.parse().ok()?;
    key.verify(&opened_message(response_id, store_id, at), signature)
        .then_some(at)
}

/// What the customer sent: the submission without its arrival time, and the placement.
pub fn content_hash(
    submission: &ResponseSubmission,
    tag: Option<ChannelTag>,
) -> ServiceResult<String> {
    let mut canonical = submission.canonical();
    canonical.finished_at = canonical.started_at;
    let json = serde_json::to_vec(&(canonical, tag.map(ChannelTag::as_str)))
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(hex::encode(Sha256::digest(&json)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opened_token_names_its_response_and_store_and_cannot_be_moved() {
        let key = SigningKey::from_bytes(vec![7; 32]);
        let now = super::super::from_ms(1_700_000_000_000);
        let form = new_form(&key, 3, now);
        assert_eq!(
            opened_at(&key, &form.opened, &form.response_id, 3),
            Some(1_700_000_000_000)
        );
        assert_eq!(opened_at(&key, &form.opened, &form.response_id, 4), None);
        let other = uuid::Uuid::new_v4().to_string();
        assert_eq!(opened_at(&key, &form.opened, &other, 3), None);
        let earlier = form.opened.replacen("1700000000000", "1699999000000", 1);
        assert_eq!(opened_at(&key, &earlier, &form.response_id, 3), None);
    }
}
