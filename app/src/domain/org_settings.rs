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
        }
    }
}

/// Every setting's key, in the order pages list them.
pub const KEYS: [&str; 9] = [
    "weight_mystery_visit",
    "weight_mystery_call",
    "weight_customer",
    "min_answers_score",
    "min_answers_nps",
    "revisit_days",
    "survey_repeat_hours",
    "self_assessment_min",
    "staff_identification",
];

fn whole(text: &str, low: i64, high: i64) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(v) if (low..=high).contains(&v) => Ok(v),
        _ => Err(format!("a whole number from {low} to {high}")),
    }
}

fn weight(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err("a number from 0 to 100".into()),
    }
}

impl OrgSettings {
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
            _ => return Err("no such setting".into()),
        }
        Ok(())
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
