//! Wire types of review before release and appeals (see `api::review`): plain data,
//! importing only `domain`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::evidence::EvidenceFlag;
use crate::domain::review::ItemComment;
use crate::domain::{Channel, I18nText};

/// A visit or call in the review queue.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ReviewItem {
    pub id: String,
    pub store_code: String,
    pub store_name: I18nText,
    pub region: String,
    pub channel: Channel,
    pub template_title: I18nText,
    /// The shopper's name (reviewers see who did the visit; the store never does).
    pub shopper: String,
    pub finished_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    /// The store's IANA time zone.
    pub timezone: String,
    pub score: Option<f64>,
    pub critical_failed: bool,
    pub evidence: Vec<EvidenceFlag>,
    /// `submitted` (waiting), `returned` or `voided`.
    pub status: String,
    /// Why a person must review it (`new_shopper`, `evidence`, `critical_failed`,
    /// `sampled`); None: it releases itself at `releases_at` unless someone opens it.
    pub must_review: Option<String>,
    pub releases_at: Option<DateTime<Utc>>,
    pub opened: bool,
    /// 0 for the first send, then one more per corrected revision.
    pub revision: i64,
}

/// The queue's filters, as the query string gives them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(default)]
pub struct ReviewFilter {
    /// `waiting` (default), `returned` or `voided`.
    pub status: String,
    pub region: String,
    pub store: String,
    /// A shopper's username.
    pub shopper: String,
    /// An evidence flag's code.
    pub flag: String,
}

/// The review queue page: the visits, oldest first, and what the filters offer.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ReviewQueue {
    pub filter: ReviewFilter,
    pub items: Vec<ReviewItem>,
    /// More matched than are shown.
    pub more: bool,
    pub regions: Vec<String>,
    /// (code, name)
    pub stores: Vec<(String, I18nText)>,
    /// (username, name)
    pub shoppers: Vec<(String, String)>,
}

/// One decision or status change on a response, as its report shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DecisionView {
    pub from_status: String,
    pub to_status: String,
    pub reason: String,
    /// Who decided; None for the server's own rules (or hidden from the reader).
    pub by: Option<String>,
    pub at: DateTime<Utc>,
    pub comments: Vec<ItemComment>,
    pub revision: i64,
}

/// An appeal of one item, as the report shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AppealView {
    pub id: i64,
    pub question: String,
    pub question_text: I18nText,
    pub reason: String,
    /// `open`, `upheld` or `rejected`.
    pub status: String,
    pub reply: Option<String>,
    /// The store manager who appealed (None for a reader who may not know).
    pub by: Option<String>,
    pub at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// What `POST /api/v1/responses/{id}/decision` takes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DecisionRequest {
    /// `release`, `return` or `void`.
    pub decision: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub comments: Vec<ItemComment>,
}

/// One item a store manager disputes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AppealItem {
    pub question: String,
    pub reason: String,
}

/// What `POST /api/v1/responses/{id}/appeals` takes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AppealRequest {
    pub items: Vec<AppealItem>,
}

/// What `POST /api/v1/appeals/{id}/decision` takes. `value`: the corrected answer when the
/// appeal is upheld with one (as the checklist takes it); absent or null and upheld, the item
/// becomes not applicable.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AppealDecisionRequest {
    /// `upheld` or `rejected`.
    pub decision: String,
    #[serde(default)]
    pub reply: String,
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

/// A note on one item of a shopper's visit, as their phone shows it (offline too: the phone
/// keeps it): a reviewer's comment (`outcome` none), or an appeal's outcome (`open`, `upheld`,
/// `rejected`) with the reviewer's reply, if any. Never anybody's name. One shape for both
/// keeps the phone's bundle small.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ItemNote {
    pub question_text: I18nText,
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

/// One of the shopper's own past visits, as their phone lists it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MyVisit {
    pub id: String,
    pub assignment: Option<i64>,
    pub store_code: String,
    pub store_name: I18nText,
    pub template_key: String,
    pub template_version: u32,
    pub channel: Channel,
    /// As last sent: a corrected revision keeps the visit's own times and check-in.
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    #[serde(default)]
    pub check_in: Option<crate::domain::CheckIn>,
    /// `submitted`, `returned`, `released`, `voided` (or `held`, `excluded`).
    pub status: String,
    pub score: Option<f64>,
    pub revision: i64,
    /// The latest decision's reason and item comments (what to correct, on a returned visit).
    pub reason: Option<String>,
    pub comments: Vec<ItemNote>,
    /// The answers as last sent, so a returned visit can be corrected on the phone.
    pub answers: Vec<crate::domain::AnswerInput>,
    /// Appeal outcomes on its items, with the reviewer's reply.
    pub appeals: Vec<ItemNote>,
}
