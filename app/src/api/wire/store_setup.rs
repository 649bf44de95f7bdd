//! What the store set-up pages and `/api/v1/stores`, `/api/v1/regions` exchange.

use serde::{Deserialize, Serialize};

use crate::domain::store_setup::StoreInput;
use crate::domain::FieldError;

/// A store as an admin sees and edits it: every field as text (the form's and the CSV's
/// form), whether it is open, and where it sits.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StoreRecordView {
    #[serde(flatten)]
    pub fields: StoreInput,
    pub open: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RegionView {
    pub id: i64,
    pub name: String,
    pub organisation: String,
    /// Open stores in it.
    pub stores: i64,
}

/// What an import did, or would do (`dry_run`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    Unchanged,
    /// The row has problems: nothing of the file is stored.
    Refused,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ImportRow {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub code: String,
    pub action: RowAction,
    /// Fields that change (Update).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<FieldError>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ImportReport {
    /// True only when every row was stored (all or nothing).
    pub committed: bool,
    pub dry_run: bool,
    /// Problems with the file as a whole (columns, size); none of the rows is stored.
    pub file_problems: Vec<String>,
    pub rows: Vec<ImportRow>,
    /// Regions the file names that do not exist yet: created with the stores.
    pub new_regions: Vec<String>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub refused: usize,
}

impl ImportReport {
    pub fn has_problems(&self) -> bool {
        !self.file_problems.is_empty() || self.refused > 0
    }
}

/// One line of the audit log.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AuditEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub subject_kind: String,
    pub subject: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}
