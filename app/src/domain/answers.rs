//! Answers: the wire shape a client sends, and the typed value we check it into.
//!
//! A JSON number could be a scale, a count or a duration, so answers are only typed against
//! the question they answer ("parse, don't validate"): once an [`Answer`] exists it is known
//! to be in range for its question.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::model::{Condition, Question, QuestionType, Template};
use super::template_check::DEFAULT_TEXT_MAX_LEN;

/// One answer as sent by a client: a value, or `not_applicable: true`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AnswerInput {
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_applicable: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    YesNo(bool),
    Scale(u8),
    Recommend(u8),
    Choice(String),
    Choices(Vec<String>),
    Number(f64),
    DurationSeconds(u32),
    Count(u32),
    Text(String),
    /// Hex SHA-256 of the photo's bytes; the photo itself travels separately.
    Photo(String),
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Value(AnswerValue),
    NotApplicable,
}

impl AnswerInput {
    /// An answer with a value.
    pub fn with_value(question: &str, value: serde_json::Value) -> AnswerInput {
        AnswerInput {
            question: question.to_string(),
            value: Some(value),
            not_applicable: false,
        }
    }

    /// "Not applicable" for a question that allows it.
    pub fn not_applicable(question: &str) -> AnswerInput {
        AnswerInput {
            question: question.to_string(),
            value: None,
            not_applicable: true,
        }
    }
}

/// Answers of one response keyed by question id.
pub type AnswerSet = BTreeMap<String, Answer>;

/// Longest duration or count we believe a person measured (a day in seconds).
const MAX_MEASURE: u64 = 86_400;

/// Check one answer against its question.
pub fn parse_answer(q: &Question, input: &AnswerInput) -> Result<Answer, String> {
    if input.not_applicable {
        if input.value.is_some() {
            return Err("give either a value or not_applicable, not both".into());
        }
        return if q.na_allowed {
            Ok(Answer::NotApplicable)
        } else {
            Err("this question cannot be answered \"not applicable\"".into())
        };
    }
    let v = input
        .value
        .as_ref()
        .ok_or_else(|| "an answer needs a value".to_string())?;
    let small_int = |lo: u64, hi: u64| -> Result<u8, String> {
        match v.as_u64() {
            Some(n) if (lo..=hi).contains(&n) => Ok(n as u8),
            _ => Err(format!("expected a whole number from {lo} to {hi}")),
        }
    };
    let measure = |what: &str| -> Result<u32, String> {
        match v.as_u64() {
            Some(n) if n <= MAX_MEASURE => Ok(n as u32),
            _ => Err(format!(
                "expected {what} as a whole number from 0 to {MAX_MEASURE}"
            )),
        }
    };
    let value = match q.kind {
        QuestionType::YesNo => AnswerValue::YesNo(v.as_bool().ok_or("expected true or false")?),
        QuestionType::Scale5 => AnswerValue::Scale(small_int(1, 5)?),
        QuestionType::Recommend => AnswerValue::Recommend(small_int(0, 10)?),
        QuestionType::SingleChoice => {
            let id = v.as_str().ok_or("expected an option id")?;
            if q.option(id).is_none() {
                return Err(format!("\"{id}\" is not one of the options"));
            }
            AnswerValue::Choice(id.to_string())
        }
        QuestionType::MultipleChoice => {
            let items = v.as_array().ok_or("expected a list of option ids")?;
            let mut ids: Vec<String> = Vec::with_capacity(items.len());
            for item in items {
                let id = item.as_str().ok_or("expected a list of option ids")?;
                if q.option(id).is_none() {
                    return Err(format!("\"{id}\" is not one of the options"));
                }
                if ids.iter().any(|x| x == id) {
                    return Err(format!("\"{id}\" is chosen twice"));
                }
                ids.push(id.to_string());
            }
            // Order carries no meaning; sorting makes equal answers compare equal.
            ids.sort();
            AnswerValue::Choices(ids)
        }
        QuestionType::Number => {
            let n = v
                .as_f64()
                .filter(|n| n.is_finite())
                .ok_or("expected a number")?;
            if q.min.is_some_and(|lo| n < lo) || q.max.is_some_and(|hi| n > hi) {
                return Err(format!(
                    "expected a number from {} to {}",
                    q.min
                        .map_or("any".into(), |x| super::display::trimmed(x, 3)),
                    q.max
                        .map_or("any".into(), |x| super::display::trimmed(x, 3))
                ));
            }
            AnswerValue::Number(n)
        }
        QuestionType::DurationSeconds => AnswerValue::DurationSeconds(measure("seconds")?),
        QuestionType::Count => AnswerValue::Count(measure("a count")?),
        QuestionType::FreeText => {
            let s = v.as_str().ok_or("expected text")?;
            let limit = q.max_len.unwrap_or(DEFAULT_TEXT_MAX_LEN) as usize;
            if s.chars().count() > limit {
                return Err(format!("text is longer than {limit} characters"));
            }
            AnswerValue::Text(s.to_string())
        }
        QuestionType::Photo => {
            let s = v.as_str().ok_or("expected the photo's SHA-256 hash")?;
            if s.len() != 64
                || !s
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            {
                return Err("expected the photo's SHA-256 hash as 64 lower-case hex digits".into());
            }
            AnswerValue::Photo(s.to_string())
        }
    };
    Ok(Answer::Value(value))
}

/// Is the condition met by the answers given so far? An unanswered or N/A target hides.
pub fn condition_met(cond: &Condition, answers: &AnswerSet) -> bool {
    let Some(Answer::Value(value)) = answers.get(&cond.question) else {
        return false;
    };
    let candidates: Vec<&serde_json::Value> = match &cond.equals {
        serde_json::Value::Array(items) => items.iter().collect(),
        v => vec![v],
    };
    candidates.iter().any(|want| match value {
        AnswerValue::YesNo(b) => want.as_bool() == Some(*b),
        AnswerValue::Scale(n) | AnswerValue::Recommend(n) => want.as_u64() == Some(u64::from(*n)),
        AnswerValue::Count(n) => want.as_u64() == Some(u64::from(*n)),
        AnswerValue::Choice(id) => want.as_str() == Some(id.as_str()),
        AnswerValue::Choices(ids) => want.as_str().is_some_and(|w| ids.iter().any(|i| i == w)),
        _ => false,
    })
}

/// Is this question shown, given the answers so far?
pub fn is_visible(q: &Question, answers: &AnswerSet) -> bool {
    q.show_if.as_ref().is_none_or(|c| condition_met(c, answers))
}

/// The message of a required question left unanswered (the phone lists these by name).
pub const REQUIRED: &str = "this question is required";

/// A problem with one field of a submission, for a 422 body or a form message.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Check a full set of answers against a template: every answer known, typed and visible,
/// every visible required question answered. Returns all problems at once.
pub fn check_answers(
    template: &Template,
    inputs: &[AnswerInput],
) -> Result<AnswerSet, Vec<FieldError>> {
    checked(template, inputs, false)
}

/// Read stored answers back: as [`check_answers`], except that any item may be "not
/// applicable", which is what an upheld appeal may make of an item the shopper could not
/// mark so. Only for answers the server stored; whatever a client sends goes through
/// `check_answers`.
pub fn stored_answers(
    template: &Template,
    inputs: &[AnswerInput],
) -> Result<AnswerSet, Vec<FieldError>> {
    checked(template, inputs, true)
}

fn checked(
    template: &Template,
    inputs: &[AnswerInput],
    na_anywhere: bool,
) -> Result<AnswerSet, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut by_id: BTreeMap<&str, &AnswerInput> = BTreeMap::new();
    for input in inputs {
        let field = format!("answers.{}", input.question);
        if template.question(&input.question).is_none() {
            errors.push(FieldError::new(
                field,
                "no such question in this template version",
            ));
        } else if by_id.insert(input.question.as_str(), input).is_some() {
            errors.push(FieldError::new(field, "answered more than once"));
        }
    }
    // Walk in template order so that conditions see the answers before them.
    let mut answers = AnswerSet::new();
    for (_, q) in template.questions() {
        let field = format!("answers.{}", q.id);
        let visible = is_visible(q, &answers);
        match by_id.get(q.id.as_str()) {
            Some(_) if !visible => {
                errors.push(FieldError::new(
                    field,
                    "this question is hidden by an earlier answer",
                ));
            }
            Some(input) if na_anywhere && input.not_applicable && input.value.is_none() => {
                answers.insert(q.id.clone(), Answer::NotApplicable);
            }
            Some(input) => match parse_answer(q, input) {
                Ok(a) => {
                    answers.insert(q.id.clone(), a);
                }
                Err(m) => errors.push(FieldError::new(field, m)),
            },
            None if visible && q.required => {
                errors.push(FieldError::new(field, REQUIRED));
            }
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// The answers of an unfinished response that already stand: valid, and to questions that are
/// shown. What the phone scores for its live preview, so the shopper sees, answer by answer,
/// the number the manager will see once the response is complete.
pub fn answers_so_far(template: &Template, inputs: &[AnswerInput]) -> AnswerSet {
    let mut answers = AnswerSet::new();
    for (_, q) in template.questions() {
        if !is_visible(q, &answers) {
            continue;
        }
        if let Some(input) = inputs.iter().find(|i| i.question == q.id) {
            if let Ok(a) = parse_answer(q, input) {
                answers.insert(q.id.clone(), a);
            }
        }
    }
    answers
}

/// The inputs without answers to questions that a later change of mind has hidden (the
/// shopper answered "no" after filling the follow-up): those would be refused on submit.
pub fn without_hidden(template: &Template, inputs: &[AnswerInput]) -> Vec<AnswerInput> {
    let shown = answers_so_far(template, inputs);
    let mut visible = AnswerSet::new();
    let mut kept = Vec::new();
    for (_, q) in template.questions() {
        if !is_visible(q, &visible) {
            continue;
        }
        if let Some(a) = shown.get(&q.id) {
            visible.insert(q.id.clone(), a.clone());
        }
        if let Some(input) = inputs.iter().find(|i| i.question == q.id) {
            kept.push(input.clone());
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template_check::parse_template;
    use serde_json::json;

    fn template() -> Template {
        parse_template(
            r#"{"key":"t-1","channel":"mystery_call","title":{"en":"Call"},"sections":[
              {"id":"s","title":{"en":"S"},"questions":[
                {"id":"answered","type":"yes_no","text":{"en":"Answered?"},"dimension":"responsiveness","required":true},
                {"id":"rings","type":"count","text":{"en":"Rings"},"dimension":"responsiveness","pass":{"at_most":3},
                 "show_if":{"question":"answered","equals":true},"required":true},
                {"id":"tone","type":"single_choice","text":{"en":"Tone"},"dimension":"assurance","na_allowed":true,
                 "options":[{"id":"warm","label":{"en":"Warm"},"points":2},{"id":"flat","label":{"en":"Flat"},"points":0}]},
                {"id":"note","type":"free_text","text":{"en":"Notes"},"max_len":5}
              ]}]}"#,
        )
        .expect("test template is valid")
    }

    fn a(q: &str, v: serde_json::Value) -> AnswerInput {
        AnswerInput {
            question: q.into(),
            value: Some(v),
            not_applicable: false,
        }
    }

    #[test]
    fn a_complete_valid_set_is_typed_per_question() {
        let set = check_answers(
            &template(),
            &[
                a("answered", json!(true)),
                a("rings", json!(2)),
                a("tone", json!("warm")),
            ],
        )
        .expect("valid");
        assert_eq!(set["rings"], Answer::Value(AnswerValue::Count(2)));
        assert_eq!(
            set["tone"],
            Answer::Value(AnswerValue::Choice("warm".into()))
        );
    }

    #[test]
    fn every_field_problem_is_reported_by_name() {
        let errs = check_answers(
            &template(),
            &[
                a("answered", json!("yes")),
                a("ghost", json!(1)),
                a("tone", json!("loud")),
                a("note", json!("too long")),
            ],
        )
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"answers.answered"));
        assert!(fields.contains(&"answers.ghost"));
        assert!(fields.contains(&"answers.tone"));
        assert!(fields.contains(&"answers.note"));
    }

    #[test]
    fn a_required_question_hidden_by_its_condition_is_not_required() {
        let set = check_answers(&template(), &[a("answered", json!(false))]).expect("valid");
        assert!(!set.contains_key("rings"));
    }

    #[test]
    fn a_required_visible_question_left_out_is_an_error() {
        let errs = check_answers(&template(), &[a("answered", json!(true))]).unwrap_err();
        assert_eq!(
            errs,
            vec![FieldError::new(
                "answers.rings",
                "this question is required"
            )]
        );
    }

    #[test]
    fn answering_a_hidden_question_is_refused() {
        let errs = check_answers(
            &template(),
            &[a("answered", json!(false)), a("rings", json!(9))],
        )
        .unwrap_err();
        assert_eq!(errs[0].field, "answers.rings");
    }

    #[test]
    fn stored_answers_may_be_not_applicable_anywhere_but_client_answers_may_not() {
        let t = template();
        let strict_na = t
            .questions()
            .map(|(_, q)| q)
            .find(|q| !q.na_allowed && q.show_if.is_none())
            .expect("a question without N/A");
        let inputs = vec![AnswerInput::not_applicable(&strict_na.id)];
        let sent = check_answers(&t, &inputs).unwrap_err();
        assert!(sent
            .iter()
            .any(|e| e.field == format!("answers.{}", strict_na.id)));
        let stored = stored_answers(&t, &inputs);
        // Other required questions may still be missing; this one reads as not applicable.
        let errs = stored.as_ref().err().cloned().unwrap_or_default();
        assert!(!errs
            .iter()
            .any(|e| e.field == format!("answers.{}", strict_na.id)));
    }

    #[test]
    fn not_applicable_only_where_allowed() {
        let na = |q: &str| AnswerInput {
            question: q.into(),
            value: None,
            not_applicable: true,
        };
        let ok =
            check_answers(&template(), &[a("answered", json!(false)), na("tone")]).expect("valid");
        assert_eq!(ok["tone"], Answer::NotApplicable);
        let errs = check_answers(&template(), &[na("answered")]).unwrap_err();
        assert_eq!(errs[0].field, "answers.answered");
    }

    #[test]
    fn text_length_counts_characters_not_bytes() {
        let t = template();
        let q = t.question("note").expect("note");
        assert!(parse_answer(q, &a("note", json!("你好世界啊"))).is_ok());
        assert!(parse_answer(q, &a("note", json!("你好世界啊!"))).is_err());
    }

    #[test]
    fn an_unfinished_response_counts_only_what_already_stands() {
        let t = template();
        let inputs = vec![
            a("answered", json!(false)),
            a("rings", json!(2)),
            a("tone", json!("loud")),
        ];
        let so_far = answers_so_far(&t, &inputs);
        // "rings" is hidden by answered = false; "loud" is no option.
        assert_eq!(so_far.len(), 1);
        assert!(so_far.contains_key("answered"));
        let kept = without_hidden(&t, &inputs);
        let ids: Vec<&str> = kept.iter().map(|i| i.question.as_str()).collect();
        assert_eq!(ids, vec!["answered", "tone"]);
    }

    #[test]
    fn a_finished_response_so_far_is_the_checked_response() {
        let t = template();
        let inputs = vec![
            a("answered", json!(true)),
            a("rings", json!(2)),
            a("tone", json!("warm")),
        ];
        assert_eq!(Ok(answers_so_far(&t, &inputs)), check_answers(&t, &inputs));
    }
}
