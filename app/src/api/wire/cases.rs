//! What the complaint pages and `/api/v1/cases` exchange: a new case, an action on one, the
//! list and one case with its timeline; and the inbox.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::I18nText;

/// The customer's contact, given with their consent.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ContactInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// The customer agreed to be contacted about it: without it nothing is kept.
    #[serde(default)]
    pub consent: bool,
}

/// `POST /api/v1/cases`, and the staff's form.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct NewCaseRequest {
    /// The store's code.
    pub store: String,
    /// How it reached the store: in_store, phone, email, social (API: also api).
    #[serde(default)]
    pub via: String,
    pub category: String,
    /// What happened.
    pub description: String,
    /// What the customer wants.
    #[serde(default)]
    pub wants: String,
    #[serde(default)]
    pub claim_amount: Option<f64>,
    /// An important customer.
    #[serde(default)]
    pub vip: bool,
    #[serde(default)]
    pub contact: Option<ContactInput>,
    /// Sent again with the same key, the case is not opened twice (a phone that retried).
    #[serde(default)]
    pub client_key: Option<String>,
}

/// `POST /api/v1/cases/{id}/events`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct CaseActionRequest {
    /// acknowledge, note, reassign, resolve, close, reopen, follow_up
    pub action: String,
    #[serde(default)]
    pub note: String,
    /// reassign: the new owner's username.
    #[serde(default)]
    pub owner: Option<String>,
    /// resolve: why it happened (a root cause of the list, or the chain's own word)...
    #[serde(default)]
    pub root_cause: Option<String>,
    /// ...and what was done.
    #[serde(default)]
    pub action_taken: Option<String>,
    /// follow_up: the customer's satisfaction with the handling, 1-5.
    #[serde(default)]
    pub satisfaction: Option<u8>,
}

/// A case in a list.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CaseSummary {
    pub id: i64,
    pub store_code: String,
    pub store_name: I18nText,
    pub timezone: String,
    pub source: String,
    pub via: String,
    pub category: String,
    pub status: String,
    pub priority: String,
    pub markers: Vec<String>,
    /// The owner's name, if anyone owns it.
    pub owner: Option<String>,
    pub opened_at: DateTime<Utc>,
    /// When the step now due must be done by; None when resolved or closed.
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    /// 0 not escalated, 1 to the region, 2 to the admins.
    pub level: u8,
    /// The start of the description (masked), for the list.
    pub excerpt: String,
}

/// `GET /api/v1/cases?status=&store=`: `status` is open (the default), overdue, all, or one
/// status; `store` a store's code.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct CaseFilter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub store: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CaseList {
    pub filter: CaseFilter,
    pub items: Vec<CaseSummary>,
    /// More cases match than the page shows.
    pub more: bool,
    /// The stores the reader may choose from: code and name.
    pub stores: Vec<(String, I18nText)>,
    /// The reader may record a new case.
    pub can_open: bool,
}

/// One step of a case's timeline.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CaseEventView {
    pub kind: String,
    pub note: String,
    /// Who did it; None for the server's own steps (an escalation).
    pub by: Option<String>,
    pub at: DateTime<Utc>,
    /// The new owner (reassign), the level (escalated), the satisfaction (follow_up).
    pub detail: Option<String>,
}

/// The customer's contact as the people who call back read it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CaseContact {
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// `GET /api/v1/cases/{id}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub description: String,
    pub wants: String,
    pub claim_amount: Option<f64>,
    /// The response it came from (a customer's answer or a mystery visit).
    pub response_id: Option<String>,
    pub root_cause: Option<String>,
    pub action_taken: Option<String>,
    pub follow_up_due: Option<DateTime<Utc>>,
    pub follow_up_done_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<u8>,
    /// Only for the store's managers and the owner: the customer agreed to be called by the
    /// store.
    pub contact: Option<CaseContact>,
    pub events: Vec<CaseEventView>,
    /// What the reader may do now.
    pub actions: Vec<String>,
    /// Whom it may be passed to: username and name.
    pub owners: Vec<(String, String)>,
    /// The reader's CSRF token for the forms.
    pub csrf: String,
}

/// What `POST /api/v1/cases` answers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Opened {
    pub id: i64,
    pub priority: String,
    pub markers: Vec<String>,
    /// False when a case with this client key (or from this response) was opened before.
    pub created: bool,
}

/// One item of a user's inbox.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct InboxItem {
    pub id: i64,
    /// case_opened, case_escalated, case_assigned, follow_up_due, visit_returned,
    /// appeal_decided
    pub kind: String,
    pub case_id: Option<i64>,
    pub response_id: Option<String>,
    pub store_code: Option<String>,
    pub store_name: Option<I18nText>,
    pub at: DateTime<Utc>,
    pub read: bool,
    /// Where it leads.
    pub href: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Inbox {
    pub items: Vec<InboxItem>,
    pub unread: i64,
    pub csrf: String,
}
