//! A response as submitted by any channel, and the checks that need no database.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::answers::{check_answers, AnswerInput, AnswerSet, FieldError};
use super::model::{Channel, Template};

/// A store's public code, e.g. `SH-001`: 1-32 letters, digits, dashes or underscores.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct StoreCode(String);

impl StoreCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for StoreCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(StoreCode(s))
        } else {
            Err("a store code is 1-32 letters, digits, dashes or underscores".into())
        }
    }
}

impl From<StoreCode> for String {
    fn from(c: StoreCode) -> String {
        c.0
    }
}

impl std::fmt::Display for StoreCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The body of `PUT /api/v1/responses/{uuid}`. The template version is pinned: a response
/// is always checked and scored against the exact version it was started on.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ResponseSubmission {
    pub template: String,
    pub template_version: u32,
    pub store: String,
    pub channel: Channel,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub answers: Vec<AnswerInput>,
    /// The mystery-shopping assignment this response fulfils, if any. Left out of the JSON
    /// when absent, so responses made before assignments existed keep their content hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<i64>,
    /// When the visit started on the phone, and where if the shopper allowed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in: Option<CheckIn>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CheckIn {
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Radius of the phone's uncertainty, in metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f64>,
}

impl CheckIn {
    fn problems(
        &self,
        started_at: DateTime<Utc>,
        finished_at: DateTime<Utc>,
    ) -> Option<&'static str> {
        let in_range =
            |v: Option<f64>, limit: f64| v.is_none_or(|v| v.is_finite() && v.abs() <= limit);
        if self.latitude.is_some() != self.longitude.is_some() {
            Some("give both latitude and longitude, or neither")
        } else if !in_range(self.latitude, 90.0) || !in_range(self.longitude, 180.0) {
            Some("latitude or longitude out of range")
        } else if self.accuracy_m.is_some_and(|a| !a.is_finite() || a < 0.0) {
            Some("accuracy_m must be a positive number of metres")
        } else if self.at < started_at - Duration::minutes(5) || self.at > finished_at {
            Some("the check-in must fall between the start and the end of the visit")
        } else {
            None
        }
    }
}

/// Clocks on phones drift a little (they are set by the network); allow this much "future"
/// before calling a time wrong. More would let a visit be dated ahead into the next week.
pub const CLOCK_SKEW: Duration = Duration::minutes(10);
/// A single visit, call or survey does not take longer than this.
const LONGEST_RESPONSE: Duration = Duration::days(7);

impl ResponseSubmission {
    /// The photo hashes the answers refer to (each photo travels separately, by hash).
    pub fn photo_hashes(&self, template: &Template) -> Vec<String> {
        let mut hashes: Vec<String> = self
            .answers
            .iter()
            .filter(|a| {
                template
                    .question(&a.question)
                    .is_some_and(|q| q.kind == super::model::QuestionType::Photo)
            })
            .filter_map(|a| a.value.as_ref()?.as_str().map(str::to_string))
            .collect();
        hashes.sort();
        hashes.dedup();
        hashes
    }

    /// The same submission with answers in a fixed order, so that equal content always
    /// serialises (and hashes) the same way whatever order a client sent.
    pub fn canonical(&self) -> ResponseSubmission {
        let mut c = self.clone();
        c.answers.sort_by(|a, b| a.question.cmp(&b.question));
        c
    }

    /// Everything that can be checked with the template alone. `now` is the server's clock.
    pub fn check(
        &self,
        template: &Template,
        now: DateTime<Utc>,
    ) -> Result<AnswerSet, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.channel != template.channel {
            errors.push(FieldError::new(
                "channel",
                format!(
                    "template {} is for the {} channel",
                    template.key, template.channel
                ),
            ));
        }
        if self.finished_at < self.started_at {
            errors.push(FieldError::new("finished_at", "finishes before it starts"));
        } else if self.finished_at - self.started_at > LONGEST_RESPONSE {
            errors.push(FieldError::new(
                "finished_at",
                "more than 7 days after started_at",
            ));
        }
        if self.finished_at > now + CLOCK_SKEW {
            errors.push(FieldError::new("finished_at", "is in the future"));
        }
        if let Some(problem) = self
            .check_in
            .as_ref()
            .and_then(|c| c.problems(self.started_at, self.finished_at))
        {
            errors.push(FieldError::new("check_in", problem));
        }
        match check_answers(template, &self.answers) {
            Ok(set) if errors.is_empty() => Ok(set),
            Ok(_) => Err(errors),
            Err(mut answer_errors) => {
                errors.append(&mut answer_errors);
                Err(errors)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_templates;
    use serde_json::json;

    fn pulse() -> Template {
        builtin_templates()
            .expect("valid")
            .into_iter()
            .find(|t| t.key == "customer-pulse")
            .expect("pulse")
    }

    fn submission(now: DateTime<Utc>) -> ResponseSubmission {
        ResponseSubmission {
            template: "customer-pulse".into(),
            template_version: 1,
            store: "SH-001".into(),
            channel: Channel::CustomerQr,
            started_at: now - Duration::minutes(1),
            finished_at: now,
            answers: vec![
                AnswerInput {
                    question: "store_tidy".into(),
                    value: Some(json!(4)),
                    not_applicable: false,
                },
                AnswerInput {
                    question: "recommend".into(),
                    value: Some(json!(9)),
                    not_applicable: false,
                },
                AnswerInput {
                    question: "got_what_promised".into(),
                    value: Some(json!(5)),
                    not_applicable: false,
                },
            ],
            assignment: None,
            check_in: None,
        }
    }

    #[test]
    fn a_finish_more_than_a_few_minutes_ahead_is_refused() {
        let now = chrono::Utc::now();
        let mut s = submission(now);
        s.finished_at = now + Duration::minutes(9);
        s.started_at = s.finished_at - Duration::minutes(5);
        assert!(s.check(&pulse(), now).is_ok());
        s.finished_at = now + Duration::minutes(11);
        assert!(s.check(&pulse(), now).is_err());
    }

    #[test]
    fn a_good_submission_passes() {
        let now = Utc::now();
        let set = submission(now).check(&pulse(), now).expect("valid");
        assert_eq!(set.len(), 3);
    }

    #[test]
    fn wrong_channel_and_backwards_times_are_reported_together_with_answer_errors() {
        let now = Utc::now();
        let mut s = submission(now);
        s.channel = Channel::MysteryVisit;
        s.finished_at = s.started_at - Duration::seconds(1);
        s.answers[0].value = Some(json!(6));
        let errs = s.check(&pulse(), now).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["channel", "finished_at", "answers.store_tidy"]);
    }

    #[test]
    fn canonical_form_ignores_answer_order() {
        let now = Utc::now();
        let a = submission(now);
        let mut b = a.clone();
        b.answers.reverse();
        assert_ne!(a, b);
        assert_eq!(a.canonical(), b.canonical());
    }

    #[test]
    fn store_codes_are_checked_at_the_edge() {
        assert!(StoreCode::try_from("SH-001".to_string()).is_ok());
        assert!(StoreCode::try_from("SH 001".to_string()).is_err());
        assert!(StoreCode::try_from(String::new()).is_err());
    }

    #[test]
    fn a_check_in_needs_a_plausible_place_and_time() {
        let now = Utc::now();
        let mut s = submission(now);
        s.channel = Channel::CustomerQr;
        let check_in = |lat: Option<f64>, lon: Option<f64>, at: DateTime<Utc>| CheckIn {
            at,
            latitude: lat,
            longitude: lon,
            accuracy_m: Some(12.0),
        };
        s.check_in = Some(check_in(Some(51.5), Some(-0.12), s.started_at));
        assert!(s.check(&pulse(), now).is_ok());
        s.check_in = Some(check_in(None, None, s.started_at));
        assert!(s.check(&pulse(), now).is_ok(), "location is optional");
        for bad in [
            check_in(Some(91.0), Some(0.0), s.started_at),
            check_in(Some(51.5), None, s.started_at),
            check_in(Some(51.5), Some(0.0), now + Duration::hours(1)),
        ] {
            s.check_in = Some(bad);
            let errs = s.check(&pulse(), now).unwrap_err();
            assert_eq!(errs[0].field, "check_in");
        }
    }
}
