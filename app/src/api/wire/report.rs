//! Wire types of the report page (see `api::report`): plain data, importing only `domain`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::scoring::ItemStatus;
use crate::domain::{Channel, Dimension, I18nText};

/// An answer as the report shows it; choice labels come with the answer, in every language
/// the template has.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum Shown {
    /// Not answered (optional, or hidden by a condition).
    Missing,
    NotApplicable,
    YesNo(bool),
    /// A rating out of `max` (1-5 scale, 0-10 recommendation).
    OutOf {
        value: u8,
        max: u8,
    },
    Choices(Vec<I18nText>),
    Number(f64),
    Seconds(u32),
    Count(u32),
    Text(String),
    /// Hex SHA-256 of the photo, served by `/api/v1/photos/{sha}` to whoever may see this.
    Photo(String),
    /// A photo was taken; the reader (the team's copy) does not see photos.
    PhotoKept,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ReportItem {
    pub question: String,
    pub text: I18nText,
    pub answer: Shown,
    pub status: ItemStatus,
    pub earned: f64,
    pub possible: f64,
    pub critical: bool,
    pub dimension: Option<Dimension>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ReportSection {
    pub title: I18nText,
    pub earned: f64,
    pub possible: f64,
    pub percent: Option<f64>,
    pub items: Vec<ReportItem>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DimensionPart {
    pub dimension: Dimension,
    pub earned: f64,
    pub possible: f64,
    pub percent: Option<f64>,
}

/// A response's full report: every question with its answer and points, the sections and
/// dimensions they add up to, and the critical items that failed it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Report {
    pub id: String,
    pub store_code: String,
    pub store_name: crate::domain::I18nText,
    /// The store's IANA time zone: its times are shown on its clock.
    pub timezone: String,
    pub channel: Channel,
    pub template_title: I18nText,
    pub template_key: String,
    pub template_version: u32,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub percent: Option<f64>,
    pub earned: f64,
    pub possible: f64,
    pub not_applicable: u32,
    pub critical_failures: Vec<I18nText>,
    pub dimensions: Vec<DimensionPart>,
    pub sections: Vec<ReportSection>,
    /// Stuffing flags: a flagged answer is shown but left out of every figure.
    pub flags: Vec<String>,
    /// `counted`, or why it is in no figure (`flagged`, `held`, `excluded`, `submitted`,
    /// `returned`, `voided`) with the reason.
    pub status: String,
    pub status_reason: Option<String>,
    /// When the shopper checked in (the phone's clock), and how far from the store's
    /// coordinates, when both places are known.
    pub check_in_at: Option<DateTime<Utc>>,
    pub distance_m: Option<u32>,
    /// Evidence flags computed when the visit arrived.
    pub evidence: Vec<crate::domain::evidence::EvidenceFlag>,
    /// Why a person must review it, or when it releases itself (a waiting visit).
    pub must_review: Option<String>,
    pub releases_at: Option<DateTime<Utc>>,
    /// 0 for the first send, then one more per corrected revision.
    pub revision: i64,
    /// Who did the visit: shown to reviewers only (never to the store).
    pub shopper: Option<String>,
    /// Every decision on it, oldest first (who only for readers who may know).
    pub decisions: Vec<super::review::DecisionView>,
    pub appeals: Vec<super::review::AppealView>,
    /// What the reader may do here.
    pub may_decide: bool,
    pub may_decide_appeals: bool,
    /// The last day (store-local) an appeal may be made, when the reader may appeal.
    pub appeal_until: Option<chrono::NaiveDate>,
    /// The employee's copy: the team reads what was said about them.
    pub employee_copy: bool,
}

/// One free-text answer in a store's comments.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CommentView {
    pub response_id: String,
    pub channel: Channel,
    pub finished_at: DateTime<Utc>,
    pub question: I18nText,
    pub text: String,
}

/// A response a critical item failed, with the items.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CriticalView {
    pub response_id: String,
    pub channel: Channel,
    pub finished_at: DateTime<Utc>,
    pub score: Option<f64>,
    pub items: Vec<I18nText>,
}

/// A response in a store's list of latest reports.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ReportLink {
    pub response_id: String,
    pub channel: Channel,
    pub finished_at: DateTime<Utc>,
    pub score: Option<f64>,
    pub critical_failed: bool,
}

/// A page of a store's comments, newest first.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CommentList {
    pub store_code: String,
    pub store_name: crate::domain::I18nText,
    /// The store's IANA time zone: its times are shown on its clock.
    pub timezone: String,
    pub weeks: u32,
    pub comments: Vec<CommentView>,
    /// Where the next page starts (`finished_at:id`), when there may be more.
    pub next: Option<String>,
}
