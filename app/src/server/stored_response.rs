//! The row a checked and scored submission is stored as, and what it adds to its store's
//! figures: one builder for every use case that stores a response (shopper visits and calls,
//! the customer survey, self-assessments, imports and the synthetic data set).

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::db::figures::{self, Rollup};
use super::db::responses::ResponseRow;
use super::db::templates::StoredVersion;
use super::error::{ServiceError, ServiceResult};
use crate::domain::rollup::Contribution;
use crate::domain::status::Status;
use crate::domain::{ResponseSubmission, ScoreCard};

/// The score columns of a stored response, from its score card (kept with the row so lists
/// and exports need not score again).
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreColumns {
    pub points_earned: f64,
    pub points_possible: f64,
    pub not_applicable: u32,
    pub score_pct: Option<f64>,
    pub critical_failed: bool,
    pub recommend: Option<u8>,
    pub dimension_scores_json: String,
}

pub fn score_columns(card: &ScoreCard) -> ScoreColumns {
    let dimensions: serde_json::Map<String, serde_json::Value> = card
        .dimensions
        .iter()
        .map(|(d, t)| {
            (
                d.as_str().to_string(),
                serde_json::json!({ "earned": t.earned, "possible": t.possible }),
            )
        })
        .collect();
    ScoreColumns {
        points_earned: card.overall.earned,
        points_possible: card.overall.possible,
        not_applicable: card.overall.not_applicable,
        score_pct: card.overall.percent().map(|s| s.value()),
        critical_failed: card.failed(),
        recommend: card.recommend,
        dimension_scores_json: serde_json::Value::Object(dimensions).to_string(),
    }
}

/// The stored row for a checked and scored submission (canonical answers, their content hash,
/// which makes a replay "identical", and the score figures), counted by default, and what it
/// adds to its store's figures when it counts.
pub fn response_row(
    id: &str,
    (store_id, store_timezone): (i64, &str),
    version: &StoredVersion,
    submitted_by: Option<i64>,
    submission: &ResponseSubmission,
    card: &ScoreCard,
    received_at: DateTime<Utc>,
) -> ServiceResult<(ResponseRow, Rollup)> {
    let canonical = submission.canonical();
    let canonical_json =
        serde_json::to_vec(&canonical).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let answers_json = serde_json::to_string(&canonical.answers)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let columns = score_columns(card);
    let row = ResponseRow {
        id: id.to_string(),
        store_id,
        template_version_id: version.id,
        channel: submission.channel.as_str(),
        submitted_by,
        started_at: submission.started_at.timestamp_millis(),
        finished_at: submission.finished_at.timestamp_millis(),
        received_at: received_at.timestamp_millis(),
        body_hash: hex::encode(Sha256::digest(&canonical_json)),
        answers_json,
        points_earned: columns.points_earned,
        points_possible: columns.points_possible,
        not_applicable: columns.not_applicable,
        score_pct: columns.score_pct,
        critical_failed: columns.critical_failed,
        recommend: columns.recommend,
        dimension_scores_json: columns.dimension_scores_json,
        check_in_json: submission
            .check_in
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
        status: Status::Counted,
        status_reason: None,
        evidence_json: "[]".into(),
        review_reason: None,
        review_due: None,
    };
    let rollup = Rollup {
        week: figures::week_key(store_timezone, submission.finished_at.timestamp_millis()),
        template_id: version.template_id,
        contribution: Contribution::of(card),
    };
    Ok((row, rollup))
}
