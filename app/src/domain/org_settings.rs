//! The settings a chain changes itself (kept in the database, edited on the settings page and
//! by `PATCH /api/v1/settings`), as opposed to the server flags that belong to the machine.
//! Pure: every value is checked here, so the page and the API refuse the same things.

use serde::{Deserialize, Serialize};

use super::model::Channel;

/// How the people measured appear in reports.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StaffIdentification {
    /// Nobody is identified ("an employee").
    None,
    /// By role ("the cashier"): the default.
    Role,
    /// By name, when the chain has chosen to.
    Name,
}

impl StaffIdentification {
    pub const ALL: [StaffIdentification; 3] = [
        StaffIdentification::None,
        StaffIdentification::Role,
        StaffIdentification::Name,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffIdentification::None => "none",
            StaffIdentification::Role => "role",
            StaffIdentification::Name => "name",
        }
    }

    pub fn parse(s: &str) -> Option<StaffIdentification> {
        StaffIdentification::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// The organisation's settings, every one with a default.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default)]
pub struct OrgSettings {
    /// Weights of the channels in the combined score. The team's view of itself is shown beside
    /// the others and never weighs in.
    pub weight_mystery_visit: f64,
    pub weight_mystery_call: f64,
    pub weight_customer: f64,
    /// Fewer answers than this and a score is shown as tentative.
    pub min_answers_score: i64,
    /// Fewer answers than this and an NPS is shown as tentative.
    pub min_answers_nps: i64,
    /// Days before one shopper may visit one store again.
    pub revisit_days: u32,
    /// One customer answer per phone and store within this many hours.
    pub survey_repeat_hours: u32,
    /// A team's self-assessment is shown only from this many answers in a period (never
    /// below 3, so no answer points to a person).
    pub self_assessment_min: i64,
    pub staff_identification: StaffIdentification,
    /// The checklist customers answer through the store's QR code: a published customer
    /// survey (`customer-pulse`, or `customer-expectations` for the perception-minus-
    /// expectation gap, or one the chain designed).
    pub customer_template: String,
    /// Review before release: every visit of a shopper's first this many is reviewed...
    pub review_first_visits: u32,
    /// ...then this share of the rest (percent), plus every visit with an evidence flag or a
    /// failed critical item...
    pub review_share_pct: u32,
    /// ...and the rest release themselves after this many hours unless someone opened them.
    pub review_release_hours: u32,
    /// Regional managers may review their regions' visits too (besides reviewers and admins).
    pub regional_managers_review: bool,
    /// A store manager may appeal items of a released visit for this many days.
    pub appeal_days: u32,
    /// Evidence: a check-in farther than this many metres from the store is flagged.
    pub evidence_distance_m: u32,
    /// Evidence: a visit sent this many hours or more after it finished is flagged.
    pub evidence_late_hours: u32,
    /// Complaint cases: hours to acknowledge a case, per priority...
    pub case_ack_hours_normal: u32,
    pub case_ack_hours_high: u32,
    pub case_ack_hours_urgent: u32,
    /// ...and hours to resolve it, from the same start.
    pub case_resolve_hours_normal: u32,
    pub case_resolve_hours_high: u32,
    pub case_resolve_hours_urgent: u32,
    /// A compensation claim above this amount marks a case (0: never).
    pub case_claim_threshold: f64,
    /// The same contact complaining again within this many days marks a repeat.
    pub case_repeat_days: u32,
    /// A closed case's follow-up contact is due this many days after closing.
    pub case_follow_up_days: u32,
    /// Words (comma-separated, any language) that mark strong emotion...
    pub case_emotion_words: String,
    /// ...and a threat to go to the media or a regulator.
    pub case_threat_words: String,
}

/// The short customer survey, until the chain picks another.
pub const DEFAULT_CUSTOMER_TEMPLATE: &str = "customer-pulse";

fn default_customer_template() -> String {
    DEFAULT_CUSTOMER_TEMPLATE.to_string()
}

/// The fewest answers a team's self-assessment is ever shown from.
pub const SELF_ASSESSMENT_FLOOR: i64 = super::self_assessment::MIN_ANSWERS as i64;

impl Default for OrgSettings {
    fn default() -> Self {
        OrgSettings {
            weight_mystery_visit: 0.4,
            weight_mystery_call: 0.2,
            weight_customer: 0.4,
            min_answers_score: 10,
            min_answers_nps: 30,
            revisit_days: 30,
            survey_repeat_hours: 24,
            self_assessment_min: SELF_ASSESSMENT_FLOOR,
            staff_identification: StaffIdentification::Role,
            customer_template: default_customer_template(),
            review_first_visits: 5,
            review_share_pct: 20,
            review_release_hours: 24,
            regional_managers_review: false,
            appeal_days: 7,
            evidence_distance_m: 300,
            evidence_late_hours: 48,
            case_ack_hours_normal: 24,
            case_ack_hours_high: 8,
            case_ack_hours_urgent: 2,
            case_resolve_hours_normal: 72,
            case_resolve_hours_high: 48,
            case_resolve_hours_urgent: 24,
            case_claim_threshold: 200.0,
            case_repeat_days: 30,
            case_follow_up_days: 7,
            case_emotion_words: super::cases::DEFAULT_EMOTION_WORDS.to_string(),
            case_threat_words: super::cases::DEFAULT_THREAT_WORDS.to_string(),
        }
    }
}

/// Every setting's key, in the order pages list them.
pub const KEYS: [&str; 28] = [
    "weight_mystery_visit",
    "weight_mystery_call",
    "weight_customer",
    "min_answers_score",
    "min_answers_nps",
    "revisit_days",
    "survey_repeat_hours",
    "self_assessment_min",
    "staff_identification",
    "customer_template",
    "review_first_visits",
    "review_share_pct",
    "review_release_hours",
    "regional_managers_review",
    "appeal_days",
    "evidence_distance_m",
    "evidence_late_hours",
    "case_ack_hours_normal",
    "case_ack_hours_high",
    "case_ack_hours_urgent",
    "case_resolve_hours_normal",
    "case_resolve_hours_high",
    "case_resolve_hours_urgent",
    "case_claim_threshold",
    "case_repeat_days",
    "case_follow_up_days",
    "case_emotion_words",
    "case_threat_words",
];

/// The settings that are a yes or a no (shown as a choice, not a box to type in).
pub const YES_NO_KEYS: [&str; 1] = ["regional_managers_review"];

fn whole(text: &str, low: i64, high: i64) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(v) if (low..=high).contains(&v) => Ok(v),
        _ => Err(format!("a whole number from {low} to {high}")),
    }
}

fn yes_no(v: bool) -> &'static str {
    if v {
        "yes"
    } else {
        "no"
    }
}

fn weight(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err("a number from 0 to 100".into()),
    }
}

/// A comma-separated word list, as kept: each word trimmed, at most 2000 characters.
fn words(text: &str) -> Result<String, String> {
    let list = super::cases::word_list(text);
    let joined = list.join(", ");
    if joined.chars().count() > 2000 || list.iter().any(|w| w.chars().count() > 60) {
        return Err("words separated by commas, at most 2000 characters".into());
    }
    Ok(joined)
}

impl OrgSettings {
    /// The deadlines of complaint cases, per priority.
    pub fn case_deadlines(&self) -> super::cases::Deadlines {
        super::cases::Deadlines {
            acknowledge_hours: [
                self.case_ack_hours_normal,
                self.case_ack_hours_high,
                self.case_ack_hours_urgent,
            ],
            resolve_hours: [
                self.case_resolve_hours_normal,
                self.case_resolve_hours_high,
                self.case_resolve_hours_urgent,
            ],
        }
    }

    /// The word lists that mark a complaint's emotion and threats.
    pub fn case_keywords(&self) -> super::cases::Keywords {
        super::cases::Keywords::from_lists(&self.case_emotion_words, &self.case_threat_words)
    }

    /// The weight of a channel in the combined score.
    pub fn weight_of(&self, channel: Channel) -> f64 {
        match channel {
            Channel::MysteryVisit => self.weight_mystery_visit,
            Channel::MysteryCall => self.weight_mystery_call,
            Channel::CustomerQr => self.weight_customer,
            Channel::EmployeeSelf => 0.0,
        }
    }

    /// A setting as text, as the page and the API show it.
    pub fn get(&self, key: &str) -> Option<String> {
        Some(match key {
            "weight_mystery_visit" => self.weight_mystery_visit.to_string(),
            "weight_mystery_call" => self.weight_mystery_call.to_string(),
            "weight_customer" => self.weight_customer.to_string(),
            "min_answers_score" => self.min_answers_score.to_string(),
            "min_answers_nps" => self.min_answers_nps.to_string(),
            "revisit_days" => self.revisit_days.to_string(),
            "survey_repeat_hours" => self.survey_repeat_hours.to_string(),
            "self_assessment_min" => self.self_assessment_min.to_string(),
            "staff_identification" => self.staff_identification.as_str().to_string(),
            "customer_template" => self.customer_template.clone(),
            "review_first_visits" => self.review_first_visits.to_string(),
            "review_share_pct" => self.review_share_pct.to_string(),
            "review_release_hours" => self.review_release_hours.to_string(),
            "regional_managers_review" => yes_no(self.regional_managers_review).to_string(),
            "appeal_days" => self.appeal_days.to_string(),
            "evidence_distance_m" => self.evidence_distance_m.to_string(),
            "evidence_late_hours" => self.evidence_late_hours.to_string(),
            "case_ack_hours_normal" => self.case_ack_hours_normal.to_string(),
            "case_ack_hours_high" => self.case_ack_hours_high.to_string(),
            "case_ack_hours_urgent" => self.case_ack_hours_urgent.to_string(),
            "case_resolve_hours_normal" => self.case_resolve_hours_normal.to_string(),
            "case_resolve_hours_high" => self.case_resolve_hours_high.to_string(),
            "case_resolve_hours_urgent" => self.case_resolve_hours_urgent.to_string(),
            "case_claim_threshold" => self.case_claim_threshold.to_string(),
            "case_repeat_days" => self.case_repeat_days.to_string(),
            "case_follow_up_days" => self.case_follow_up_days.to_string(),
            "case_emotion_words" => self.case_emotion_words.clone(),
            "case_threat_words" => self.case_threat_words.clone(),
            _ => return None,
        })
    }

    /// Set one setting from text; the error says what it takes.
    pub fn set(&mut self, key: &str, text: &str) -> Result<(), String> {
        match key {
            "weight_mystery_visit" => self.weight_mystery_visit = weight(text)?,
            "weight_mystery_call" => self.weight_mystery_call = weight(text)?,
            "weight_customer" => self.weight_customer = weight(text)?,
            "min_answers_score" => self.min_answers_score = whole(text, 1, 1000)?,
            "min_answers_nps" => self.min_answers_nps = whole(text, 1, 1000)?,
            "revisit_days" => self.revisit_days = whole(text, 0, 365)? as u32,
            "survey_repeat_hours" => self.survey_repeat_hours = whole(text, 1, 720)? as u32,
            "self_assessment_min" => {
                self.self_assessment_min = whole(text, SELF_ASSESSMENT_FLOOR, 100)?
            }
            "staff_identification" => {
                self.staff_identification = StaffIdentification::parse(text.trim())
                    .ok_or_else(|| "none, role or name".to_string())?
            }
            // Whether it is a published customer survey is the server's to check.
            "customer_template" => {
                let key = text.trim();
                if !super::template_check::is_valid_template_key(key) {
                    return Err("a customer survey's key, such as customer-pulse".into());
                }
                self.customer_template = key.to_string();
            }
            "review_first_visits" => self.review_first_visits = whole(text, 0, 1000)? as u32,
            "review_share_pct" => self.review_share_pct = whole(text, 0, 100)? as u32,
            "review_release_hours" => self.review_release_hours = whole(text, 1, 720)? as u32,
            "regional_managers_review" => {
                self.regional_managers_review = match text.trim() {
                    "yes" => true,
                    "no" => false,
                    _ => return Err("yes or no".into()),
                }
            }
            "appeal_days" => self.appeal_days = whole(text, 1, 90)? as u32,
            "evidence_distance_m" => self.evidence_distance_m = whole(text, 20, 100_000)? as u32,
            "evidence_late_hours" => self.evidence_late_hours = whole(text, 1, 720)? as u32,
            "case_ack_hours_normal" => self.case_ack_hours_normal = whole(text, 1, 720)? as u32,
            "case_ack_hours_high" => self.case_ack_hours_high = whole(text, 1, 720)? as u32,
            "case_ack_hours_urgent" => self.case_ack_hours_urgent = whole(text, 1, 720)? as u32,
            "case_resolve_hours_normal" => {
                self.case_resolve_hours_normal = whole(text, 1, 2160)? as u32
            }
            "case_resolve_hours_high" => {
                self.case_resolve_hours_high = whole(text, 1, 2160)? as u32
            }
            "case_resolve_hours_urgent" => {
                self.case_resolve_hours_urgent = whole(text, 1, 2160)? as u32
            }
            "case_claim_threshold" => {
                self.case_claim_threshold = match text.trim().parse::<f64>() {
                    Ok(v) if v.is_finite() && (0.0..=1e9).contains(&v) => v,
                    _ => return Err("an amount from 0 to 1000000000 (0: never)".into()),
                }
            }
            "case_repeat_days" => self.case_repeat_days = whole(text, 1, 365)? as u32,
            "case_follow_up_days" => self.case_follow_up_days = whole(text, 1, 90)? as u32,
            "case_emotion_words" => self.case_emotion_words = words(text)?,
            "case_threat_words" => self.case_threat_words = words(text)?,
            _ => return Err("no such setting".into()),
        }
        Ok(())
    }

    /// The sampling rule's part of the settings.
    pub fn sampling(&self) -> super::review::Sampling {
        super::review::Sampling {
            first_visits: self.review_first_visits,
            share_pct: self.review_share_pct,
            release_after_hours: self.review_release_hours,
        }
    }

    /// Rules across settings: the combined score needs some weight.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.weight_mystery_visit + self.weight_mystery_call + self.weight_customer <= 0.0 {
            return Err((
                "weight_customer",
                "at least one channel needs a weight above 0".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_reads_back_what_it_was_set_to() {
        let mut s = OrgSettings::default();
        for key in KEYS {
            let text = s.get(key).expect("a key");
            s.set(key, &text).expect("its own text");
        }
        assert_eq!(s, OrgSettings::default());
        s.set("staff_identification", "name").expect("name");
        s.set("weight_customer", "0.7").expect("weight");
        assert_eq!(s.staff_identification, StaffIdentification::Name);
        assert_eq!(s.weight_of(Channel::CustomerQr), 0.7);
        assert_eq!(
            s.weight_of(Channel::EmployeeSelf),
            0.0,
            "the team never weighs in"
        );
    }

    #[test]
    fn out_of_range_values_are_refused_and_the_self_assessment_floor_holds() {
        let mut s = OrgSettings::default();
        for (key, bad) in [
            ("self_assessment_min", "2"),
            ("self_assessment_min", "0"),
            ("revisit_days", "-1"),
            ("survey_repeat_hours", "0"),
            ("min_answers_nps", "1.5"),
            ("weight_mystery_call", "-0.1"),
            ("weight_mystery_call", "NaN"),
            ("staff_identification", "everyone"),
            ("colour", "red"),
        ] {
            assert!(s.set(key, bad).is_err(), "{key}={bad}");
        }
        assert_eq!(s, OrgSettings::default(), "nothing changed");
        for key in [
            "weight_mystery_visit",
            "weight_mystery_call",
            "weight_customer",
        ] {
            s.set(key, "0").expect("zero");
        }
        assert!(s.check().is_err(), "no channel weighs anything");
    }
}
