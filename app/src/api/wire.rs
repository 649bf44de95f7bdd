//! Types exchanged between the browser and the server (server functions and the JSON API).
//! They are plain data: no secrets (password hashes never leave `server::auth`).

pub mod cases;
pub mod designer;
pub mod league;
pub mod people;
pub mod report;
pub mod review;
pub mod scorecard;
pub mod store_setup;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::domain::role::Role;

/// The signed-in user as the pages see them. `csrf` goes into every form they post.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub csrf: String,
    /// Whether they work the review queue: reviewers and admins, and regional managers while
    /// the organisation lets them (`regional_managers_review`).
    #[serde(default)]
    pub reviews: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StoreView {
    pub code: String,
    pub name: crate::domain::I18nText,
    pub address: String,
    pub timezone: String,
    pub region: String,
    /// Responses received over the last 12 weeks.
    pub recent_responses: i64,
    pub last_response_at: Option<DateTime<Utc>>,
    /// That day on the store's own calendar (the browser has no time zone database).
    #[serde(default)]
    pub last_response_day: Option<chrono::NaiveDate>,
}

/// What `PUT /api/v1/responses/{uuid}` answers; an identical replay gets the same receipt.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Receipt {
    pub id: String,
    pub received_at: DateTime<Utc>,
    pub score: Option<f64>,
    pub critical_failed: bool,
    pub points_earned: f64,
    pub points_possible: f64,
    pub not_applicable: u32,
    /// e.g. "12 of 15 points, 2 items not applicable".
    pub summary: String,
    /// Whether the response counts (`counted`), or why not (`held`: kept for an admin to
    /// decide). Older servers did not send it.
    #[serde(default = "counted")]
    pub status: String,
}

fn counted() -> String {
    "counted".to_string()
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ResponseSummary {
    pub id: String,
    pub store: String,
    pub template: String,
    pub template_version: u32,
    pub channel: String,
    pub finished_at: DateTime<Utc>,
    pub score: Option<f64>,
    pub critical_failed: bool,
    /// Stuffing flags of a customer answer (`too_fast`, `burst`, ...); empty when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// `counted`, `flagged`, or (for admins) `held` / `excluded`.
    #[serde(default = "counted")]
    pub status: String,
}

/// A response that does not count, as an admin deciding on it sees it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HeldResponse {
    pub id: String,
    pub store: String,
    pub channel: String,
    pub finished_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub score_pct: Option<f64>,
    /// `held`, `excluded` or `flagged`.
    pub status: String,
    /// Why it does not count.
    pub reason: Option<String>,
}

/// One customer answer as a store's managers see it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CustomerAnswerView {
    pub id: String,
    /// When the customer sent it.
    pub sent_at: DateTime<Utc>,
    /// 0-10, the NPS question.
    pub recommend: Option<u8>,
    pub score: Option<f64>,
    /// Where the code was placed: till, receipt, table.
    pub placement: Option<String>,
    /// The customer's free text, as typed.
    pub comment: String,
    pub flags: Vec<String>,
}

/// A customer's request to be called back; only the store's own managers see these.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CallBackView {
    pub response_id: String,
    pub received_at: DateTime<Utc>,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub recommend: Option<u8>,
    /// Marked handled: when and by whom (their display name).
    #[serde(default)]
    pub handled: Option<Handled>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Handled {
    pub at: DateTime<Utc>,
    pub by: String,
}

/// The team's self-assessment for its store's managers: months with their answer counts,
/// totals only from `MIN_ANSWERS` answers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TeamView {
    pub store_code: String,
    pub store_name: crate::domain::I18nText,
    /// This month and the last.
    pub periods: Vec<crate::domain::self_assessment::Summary>,
    /// (question id, text) of the self-assessment template, to label the totals.
    pub questions: Vec<(String, crate::domain::I18nText)>,
}

/// What the sign-in page shows besides the form.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct SignInHints {
    /// Started with the demo data: the demo accounts are printed in the terminal.
    pub demo: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ApiTokenView {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub owner: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    /// When it stops working (None: until revoked).
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// `read`, `submit` or `admin`.
    #[serde(default)]
    pub scope: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TemplateSummary {
    pub key: String,
    pub version: u32,
    pub channel: String,
    pub title: String,
    pub questions: usize,
    pub published_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ResponseDetail {
    #[serde(flatten)]
    pub summary: ResponseSummary,
    pub started_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub points_earned: f64,
    pub points_possible: f64,
    pub not_applicable: u32,
    /// The answers as submitted (canonical order).
    pub answers: serde_json::Value,
    /// Per dimension: earned and possible points.
    pub dimensions: serde_json::Value,
}

/// One assignment as the shopper's phone (and the assignment page) sees it. The template
/// version is pinned when the assignment is made; the phone keeps that version's document.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AssignmentView {
    pub id: i64,
    pub store_code: String,
    /// Read leniently: a phone may keep a feed from before stores had names per language.
    #[serde(deserialize_with = "crate::domain::model::text_or_i18n")]
    pub store_name: crate::domain::I18nText,
    pub store_address: String,
    /// The store's telephone number ('' when unknown); a phone that kept an older feed has
    /// none until it refreshes.
    #[serde(default)]
    pub store_phone: String,
    pub channel: crate::domain::Channel,
    pub template: String,
    pub template_version: u32,
    pub shopper: String,
    pub window_start: chrono::NaiveDate,
    pub window_end: chrono::NaiveDate,
    pub instructions: String,
    pub submitted: bool,
    pub cancelled: bool,
}

/// A pinned template version, whole, so the phone can render and score it offline.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TemplateVersionView {
    pub key: String,
    pub version: u32,
    pub template: crate::domain::Template,
}

/// `GET /api/v1/shopper/assignments`: everything a shopper's phone needs to work offline.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ShopperFeed {
    pub assignments: Vec<AssignmentView>,
    pub templates: Vec<TemplateVersionView>,
}

/// Where a chunked photo upload stands; a client resumes from `received`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PhotoUploadStatus {
    pub sha256: String,
    pub received: u64,
    pub size: Option<u64>,
    pub complete: bool,
}

#[cfg(test)]
mod store_name_tests {
    use super::AssignmentView;

    #[test]
    fn a_feed_kept_from_before_names_per_language_still_reads() {
        let old = serde_json::json!({
            "id": 1, "store_code": "SH-001", "store_name": "Nanjing Road", "store_address": "",
            "channel": "mystery_visit", "template": "instore-visit", "template_version": 1,
            "shopper": "shopper.chen", "window_start": "2026-11-30", "window_end": "2026-12-01",
            "instructions": "", "submitted": false, "cancelled": false
        });
        let view: Result<AssignmentView, _> = serde_json::from_value(old);
        match view {
            Ok(v) => assert_eq!(v.store_name.get("zh-CN"), "Nanjing Road"),
            Err(e) => panic!("an old feed must still read: {e}"),
        }
    }
}
