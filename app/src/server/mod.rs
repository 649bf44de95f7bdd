//! Server-only code (feature `ssr`): all SQL, authentication and the use cases behind the
//! JSON API and the server functions. The `server` crate wires these into axum.

pub mod actor;
pub mod appeals;
pub mod assign;
pub mod auth;
pub mod cases;
pub mod customer_answers;
pub mod customer_survey;
pub mod db;
pub mod designer;
pub mod error;
pub mod export;
pub mod inbox;
pub mod ingest;
pub mod jobs;
pub mod league;
pub mod org_settings;
pub mod people;
pub mod qr;
pub mod report;
pub mod response_status;
pub mod review;
pub mod scorecard;
pub mod self_assessment;
pub mod signed_form;
pub mod signing;
pub mod state;
pub mod store_setup;
pub mod store_time;
pub mod stored_response;
pub mod survey_link;
pub mod targets;
pub mod team;

/// Milliseconds since the Unix epoch: how every timestamp is stored (see the migrations).
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub fn from_ms(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
