//! What one scored response adds to its store's weekly figures. The same function serves the
//! running totals kept at ingest and their rebuild from the raw responses, so both give the
//! same numbers by construction (and a test checks it on real databases).

use super::model::Dimension;
use super::scoring::{ItemStatus, ScoreCard};
use super::stats::to_fixed;

/// A scored checklist item's outcome in one response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemOutcome {
    pub question: String,
    pub failed: bool,
    pub critical: bool,
}

/// One response's share of the figures, in the fixed units of `stats`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    /// The response's overall percentage, None when nothing was scored.
    pub overall: Option<i64>,
    /// Per dimension in `Dimension::ALL` order.
    pub dimensions: [Option<i64>; 5],
    /// Perception minus expectation per dimension, in `Dimension::ALL` order, in hundredths
    /// of a scale point (only where the response rated both).
    pub gaps: [Option<i64>; 5],
    /// The 0-10 likelihood to recommend, if answered.
    pub recommend: Option<u8>,
    pub critical_failed: bool,
    /// Scored items only (passed or failed); not applicable and unanswered ones carry nothing.
    pub items: Vec<ItemOutcome>,
}

impl Contribution {
    pub fn of(card: &ScoreCard) -> Contribution {
        let dimensions = Dimension::ALL.map(|d| {
            card.dimensions
                .get(&d)
                .and_then(|t| t.percent())
                .map(|s| to_fixed(s.value()))
        });
        Contribution {
            overall: card.overall.percent().map(|s| to_fixed(s.value())),
            dimensions,
            gaps: Dimension::ALL.map(|d| card.gaps.get(&d).map(|g| to_fixed(*g))),
            recommend: card.recommend,
            critical_failed: card.failed(),
            items: card
                .items
                .iter()
                .filter(|i| matches!(i.status, ItemStatus::Passed | ItemStatus::Failed))
                .map(|i| ItemOutcome {
                    question: i.question.clone(),
                    failed: i.status == ItemStatus::Failed,
                    critical: i.critical,
                })
                .collect(),
        }
    }
}

pub use super::calendar::{week_of, weeks_ending};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::answers::{check_answers, AnswerInput};
    use crate::domain::builtin::builtin_templates;
    use crate::domain::scoring::score;
    use chrono::{Duration, NaiveDate};
    use serde_json::json;

    #[test]
    fn weeks_start_on_monday() {
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
        let monday = NaiveDate::from_ymd_opt(2026, 11, 16).expect("date");
        assert_eq!(week_of(sunday), monday);
        assert_eq!(week_of(monday), monday);
        let weeks = weeks_ending(sunday, 3);
        assert_eq!(weeks.len(), 3);
        assert_eq!(weeks[2], monday);
        assert_eq!(weeks[0], monday - Duration::weeks(2));
    }

    #[test]
    fn a_customer_answer_contributes_its_scores_and_recommendation() {
        let templates = builtin_templates().expect("templates");
        let pulse = templates
            .iter()
            .find(|t| t.key == "customer-pulse")
            .expect("pulse");
        let inputs: Vec<AnswerInput> = [
            ("recommend", json!(9)),
            ("store_tidy", json!(5)),
            ("got_what_promised", json!(1)),
            ("served_promptly", json!(3)),
            ("staff_competent", json!(5)),
            ("felt_cared_for", json!(5)),
        ]
        .into_iter()
        .map(|(q, v)| AnswerInput {
            question: q.into(),
            value: Some(v),
            not_applicable: false,
        })
        .collect();
        let answers = check_answers(pulse, &inputs).expect("valid");
        let c = Contribution::of(&score(pulse, &answers));
        assert_eq!(c.recommend, Some(9));
        // Tangibles: 5 of 5 -> 100 %; reliability: 1 of 5 -> 0 %; responsiveness 3 -> 50 %.
        assert_eq!(c.dimensions[0], Some(10000));
        assert_eq!(c.dimensions[1], Some(0));
        assert_eq!(c.dimensions[2], Some(5000));
        assert!(c
            .items
            .iter()
            .any(|i| i.question == "got_what_promised" && i.failed));
        assert!(c
            .items
            .iter()
            .all(|i| i.question != "recommend" || !i.failed));
    }
}
