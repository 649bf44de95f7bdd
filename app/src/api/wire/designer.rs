//! What the checklist designer's pages and `POST /api/v1/templates` exchange.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::template_diff::Change;
use crate::domain::Template;

/// One checklist on the list of checklists.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ChecklistRow {
    pub key: String,
    pub channel: String,
    /// The newest version's title, or the draft's for one never published.
    pub title: crate::domain::I18nText,
    /// None: only a draft so far.
    pub version: Option<u32>,
    pub questions: usize,
    pub published_at: Option<DateTime<Utc>>,
    /// When its draft was last saved, if it has one.
    pub draft_saved_at: Option<DateTime<Utc>>,
}

/// The designer page: the draft (or the newest version, until the first change is saved).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DesignerData {
    pub key: String,
    pub template: Template,
    /// Whether a draft is saved (false: the page shows the newest version, unchanged).
    pub has_draft: bool,
    /// The version the draft started from, and the newest one now (they differ when someone
    /// published in between).
    pub base_version: Option<u32>,
    pub latest_version: Option<u32>,
    pub versions: Vec<u32>,
    pub saved_at: Option<DateTime<Utc>>,
    pub saved_by: Option<String>,
    /// Number boxes the last save could not read (the saved value was kept).
    pub not_numbers: Vec<String>,
    /// What the page was asked to say: "saved", "published", "discarded", "problems"...
    pub notice: Option<String>,
    /// A JSON import that was refused, with why (English: serde's own words).
    pub import_error: Option<String>,
}

/// What changed between two versions (or the newest version and the draft).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DiffData {
    pub key: String,
    pub versions: Vec<u32>,
    pub from: u32,
    /// None: the draft.
    pub to: Option<u32>,
    pub title: crate::domain::I18nText,
    pub changes: Vec<Change>,
    /// Question texts by id, from both sides (for naming removed questions too).
    pub texts: Vec<(String, crate::domain::I18nText)>,
}

/// What `POST /api/v1/templates` and publishing a draft answer.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Published {
    pub key: String,
    pub version: u32,
    /// False when the document equalled the newest version (nothing was published).
    pub published: bool,
}
