//! The survey model: templates made of sections and questions, as stored in JSON.
//!
//! A template is plain data so that the browser (offline shopper form) and the server
//! (ingest, scoring) read exactly the same document. Validation lives in
//! [`super::template_check`]; this module only describes the shape.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The five SERVQUAL service-quality dimensions every scored question is tagged with.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Tangibles,
    Reliability,
    Responsiveness,
    Assurance,
    Empathy,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Tangibles,
        Dimension::Reliability,
        Dimension::Responsiveness,
        Dimension::Assurance,
        Dimension::Empathy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Tangibles => "tangibles",
            Dimension::Reliability => "reliability",
            Dimension::Responsiveness => "responsiveness",
            Dimension::Assurance => "assurance",
            Dimension::Empathy => "empathy",
        }
    }
}

/// How a response reached us. Each channel has its own trust level and its own template.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    MysteryVisit,
    MysteryCall,
    CustomerQr,
    EmployeeSelf,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::MysteryVisit,
        Channel::MysteryCall,
        Channel::CustomerQr,
        Channel::EmployeeSelf,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::MysteryVisit => "mystery_visit",
            Channel::MysteryCall => "mystery_call",
            Channel::CustomerQr => "customer_qr",
            Channel::EmployeeSelf => "employee_self",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Mystery visits and calls: done by shoppers, reviewed before they count.
    pub fn is_mystery(self) -> bool {
        matches!(self, Channel::MysteryVisit | Channel::MysteryCall)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Text in the three shipped languages. English is required and is the fallback,
/// so a template imported with only English still renders everywhere.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct I18nText {
    pub en: String,
    #[serde(rename = "zh-CN", default, skip_serializing_if = "Option::is_none")]
    pub zh_cn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ru: Option<String>,
}

/// A text given in English only (the fallback for every language).
impl From<&str> for I18nText {
    fn from(en: &str) -> Self {
        I18nText {
            en: en.to_string(),
            ..I18nText::default()
        }
    }
}

impl I18nText {
    /// The text for a language code ("en", "zh-CN", "ru"), falling back to English.
    pub fn get(&self, lang: &str) -> &str {
        let translated = match lang {
            "zh-CN" => self.zh_cn.as_deref(),
            "ru" => self.ru.as_deref(),
            _ => None,
        };
        translated
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(&self.en)
    }
}

/// Reads an [`I18nText`] written either as one: `{"en": ...}`, or as a plain string (what an
/// older version wrote for a field that is now translated).
pub fn text_or_i18n<'de, D: serde::Deserializer<'de>>(d: D) -> Result<I18nText, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Plain(String),
        Texts(I18nText),
    }
    Ok(match Either::deserialize(d)? {
        Either::Plain(en) => I18nText {
            en,
            ..I18nText::default()
        },
        Either::Texts(t) => t,
    })
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    YesNo,
    #[serde(rename = "scale_1_5")]
    Scale5,
    /// 0-10 likelihood to recommend; feeds NPS.
    #[serde(rename = "likelihood_0_10")]
    Recommend,
    SingleChoice,
    MultipleChoice,
    Number,
    /// Seconds; the shopper form shows a stopwatch.
    DurationSeconds,
    /// A tally such as rings before the phone was answered.
    Count,
    FreeText,
    Photo,
}

impl QuestionType {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::YesNo => "yes_no",
            QuestionType::Scale5 => "scale_1_5",
            QuestionType::Recommend => "likelihood_0_10",
            QuestionType::SingleChoice => "single_choice",
            QuestionType::MultipleChoice => "multiple_choice",
            QuestionType::Number => "number",
            QuestionType::DurationSeconds => "duration_seconds",
            QuestionType::Count => "count",
            QuestionType::FreeText => "free_text",
            QuestionType::Photo => "photo",
        }
    }

    pub fn is_choice(self) -> bool {
        matches!(
            self,
            QuestionType::SingleChoice | QuestionType::MultipleChoice
        )
    }

    pub fn is_measured(self) -> bool {
        matches!(
            self,
            QuestionType::Number | QuestionType::DurationSeconds | QuestionType::Count
        )
    }
}

/// Pass band for number, duration and count questions, e.g. "answered by the 3rd ring"
/// is `at_most: 3`, "on hold at most 17 seconds" is `at_most: 17`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<f64>,
}

impl Threshold {
    pub fn passes(&self, value: f64) -> bool {
        self.at_least.is_none_or(|lo| value >= lo) && self.at_most.is_none_or(|hi| value <= hi)
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub id: String,
    pub label: I18nText,
    /// Points this option earns; the best option earns the question's full weight.
    #[serde(default)]
    pub points: f64,
}

/// Show a question only when an earlier answer matches. `equals` is a boolean for yes/no,
/// an option id for choices, an integer for scales and counts, or a list meaning "any of".
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub question: String,
    pub equals: serde_json::Value,
}

/// What a question asks of the person answering. Most questions ask how the service was
/// (perception). A SERVQUAL survey also asks what they expected of such a store, or how much an
/// aspect matters to them, on the same 1-5 scale for the same dimension: the scorecard then
/// shows perception minus expectation per dimension (the gap). Such a question earns no points.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Asks {
    #[default]
    Perception,
    Expectation,
    Importance,
}

impl Asks {
    pub const ALL: [Asks; 3] = [Asks::Perception, Asks::Expectation, Asks::Importance];

    pub fn as_str(self) -> &'static str {
        match self {
            Asks::Perception => "perception",
            Asks::Expectation => "expectation",
            Asks::Importance => "importance",
        }
    }

    pub fn parse(s: &str) -> Option<Asks> {
        Asks::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn is_perception(&self) -> bool {
        *self == Asks::Perception
    }
}

fn default_weight() -> f64 {
    1.0
}

fn is_default_weight(w: &f64) -> bool {
    *w == 1.0
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    pub text: I18nText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<I18nText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension: Option<Dimension>,
    /// Perception unless the question asks for an expectation or an importance.
    #[serde(default, skip_serializing_if = "Asks::is_perception")]
    pub asks: Asks,
    #[serde(default = "default_weight", skip_serializing_if = "is_default_weight")]
    pub weight: f64,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub na_allowed: bool,
    /// Failing a critical item fails the whole visit, whatever the percentage.
    #[serde(default, skip_serializing_if = "is_false")]
    pub critical: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// Allowed input range for number questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<Threshold>,
    /// Longest accepted free text, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<u32>,
}

impl Question {
    /// Whether this question contributes points at all.
    pub fn is_scored(&self) -> bool {
        if self.weight <= 0.0 || !self.asks.is_perception() {
            return false;
        }
        match self.kind {
            QuestionType::YesNo
            | QuestionType::Scale5
            | QuestionType::Recommend
            | QuestionType::SingleChoice
            | QuestionType::MultipleChoice => true,
            QuestionType::Number | QuestionType::DurationSeconds | QuestionType::Count => {
                self.pass.is_some()
            }
            QuestionType::FreeText | QuestionType::Photo => false,
        }
    }

    pub fn option(&self, id: &str) -> Option<&ChoiceOption> {
        self.options.iter().find(|o| o.id == id)
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: I18nText,
    pub questions: Vec<Question>,
}

/// A survey template as authored and exchanged (`server templates import/export`).
/// The server assigns version numbers; a published version never changes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub key: String,
    pub channel: Channel,
    pub title: I18nText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<I18nText>,
    /// The shortest a real visit or call with this checklist takes, in minutes: a quicker
    /// one is an evidence flag for the reviewer (`domain::evidence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_minutes: Option<u32>,
    pub sections: Vec<Section>,
}

impl Template {
    pub fn questions(&self) -> impl Iterator<Item = (&Section, &Question)> {
        self.sections
            .iter()
            .flat_map(|s| s.questions.iter().map(move |q| (s, q)))
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().map(|(_, q)| q).find(|q| q.id == id)
    }

    pub fn question_count(&self) -> usize {
        self.sections.iter().map(|s| s.questions.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_falls_back_to_english_when_a_translation_is_missing_or_blank() {
        let t = I18nText {
            en: "Hello".into(),
            zh_cn: Some("你好".into()),
            ru: Some("  ".into()),
        };
        assert_eq!(t.get("zh-CN"), "你好");
        assert_eq!(t.get("ru"), "Hello");
        assert_eq!(t.get("fr"), "Hello");
    }

    #[test]
    fn threshold_bounds_are_inclusive() {
        let third_ring = Threshold {
            at_least: None,
            at_most: Some(3.0),
        };
        assert!(third_ring.passes(3.0));
        assert!(!third_ring.passes(4.0));
    }

    #[test]
    fn channel_names_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::parse("fax"), None);
    }
}
