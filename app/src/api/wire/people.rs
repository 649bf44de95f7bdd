//! What the people pages and `/api/v1/users` exchange.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::role::Role;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PersonView {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// Region names (regional managers).
    pub regions: Vec<String>,
    /// Store codes (store managers and employees).
    pub stores: Vec<String>,
    /// Invited and no password set yet.
    pub invited: bool,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}
