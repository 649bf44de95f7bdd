//! The customer survey as a plain HTML form, and reading a posted form back.
//!
//! With JavaScript off the browser posts `name=value` pairs. This module names the fields and
//! turns the pairs into the same [`AnswerInput`]s a phone sends as JSON, plus the optional
//! call-back contact. Problems are reported per field as [`Problem`]s, which the page shows in
//! the customer's language next to the field. Pure, so every rule is tested without a server.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::answers::{is_visible, parse_answer, AnswerInput, AnswerSet};
use super::model::{QuestionType, Template};
use super::template_check::DEFAULT_TEXT_MAX_LEN;

/// A field people never see (moved off screen, not focusable). Bots that fill every field
/// fill it too.
pub const HONEYPOT: &str = "website";
/// The value of the "does not apply" choice of a question that allows it.
pub const NOT_APPLICABLE: &str = "na";
/// Ticked when the customer wants to be called back.
pub const CONTACT_OK: &str = "contact";
pub const CONTACT_NAME: &str = "contact_name";
pub const CONTACT_PHONE: &str = "contact_phone";
pub const CONTACT_EMAIL: &str = "contact_email";

pub const CONTACT_NAME_MAX: usize = 100;
pub const CONTACT_EMAIL_MAX: usize = 254;
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 6..=20;
const PHONE_MAX: usize = 32;

/// The form field of a question.
pub fn field_name(question_id: &str) -> String {
    format!("q.{question_id}")
}

/// The first value posted under `name`.
pub fn first_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Every value posted under `name` (check boxes of one question share a name).
pub fn all_values<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// What is wrong with one field, in terms the page can say in any language.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Required,
    /// Not one of the offered choices (only a tampered form sends this).
    NotAChoice,
    TooLong {
        max: u32,
    },
    /// Not a number, or outside the question's range.
    NotANumber,
    /// A call back was asked for without a phone number or an e-mail address.
    ContactNeeded,
    BadEmail,
    BadPhone,
}

impl Problem {
    /// The message key in `locales/app.yml`.
    pub fn message_key(self) -> &'static str {
        match self {
            Problem::Required => "survey.problem.required",
            Problem::NotAChoice => "survey.problem.not_a_choice",
            Problem::TooLong { .. } => "survey.problem.too_long",
            Problem::NotANumber => "survey.problem.not_a_number",
            Problem::ContactNeeded => "survey.problem.contact_needed",
            Problem::BadEmail => "survey.problem.bad_email",
            Problem::BadPhone => "survey.problem.bad_phone",
        }
    }
}

/// Problems by field name.
pub type Problems = BTreeMap<String, Problem>;

/// The answers of a posted form, in template order. Questions hidden by an earlier answer
/// are skipped whatever was posted for them (without JavaScript the browser shows them all);
/// photo questions are not offered on a form. If this returns answers, `check_answers`
/// accepts them (a property test holds it to that).
pub fn read_answers(
    template: &Template,
    pairs: &[(String, String)],
) -> Result<Vec<AnswerInput>, Problems> {
    let mut problems = Problems::new();
    let mut inputs = Vec::new();
    let mut so_far = AnswerSet::new();
    for (_, q) in template.questions() {
        if q.kind == QuestionType::Photo || !is_visible(q, &so_far) {
            continue;
        }
        let name = field_name(&q.id);
        let raw = first_value(pairs, &name)
            .map(str::trim)
            .filter(|v| !v.is_empty());
        let value: Result<Option<serde_json::Value>, Problem> = match (q.kind, raw) {
            (_, Some(NOT_APPLICABLE)) if q.na_allowed => {
                let input = AnswerInput::not_applicable(&q.id);
                if let Ok(a) = parse_answer(q, &input) {
                    so_far.insert(q.id.clone(), a);
                }
                inputs.push(input);
                continue;
            }
            (QuestionType::MultipleChoice, _) => {
                let mut ids: Vec<&str> = all_values(pairs, &name)
                    .into_iter()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                if ids.iter().any(|id| q.option(id).is_none()) {
                    Err(Problem::NotAChoice)
                } else if ids.is_empty() {
                    Ok(None)
                } else {
                    Ok(Some(serde_json::json!(ids)))
                }
            }
            (_, None) => Ok(None),
            (QuestionType::YesNo, Some(v)) => match v {
                "yes" => Ok(Some(serde_json::Value::Bool(true))),
                "no" => Ok(Some(serde_json::Value::Bool(false))),
                _ => Err(Problem::NotAChoice),
            },
            (QuestionType::Scale5, Some(v)) => whole(v, 1, 5).ok_or(Problem::NotAChoice),
            (QuestionType::Recommend, Some(v)) => whole(v, 0, 10).ok_or(Problem::NotAChoice),
            (QuestionType::SingleChoice, Some(v)) => match q.option(v) {
                Some(_) => Ok(Some(serde_json::json!(v))),
                None => Err(Problem::NotAChoice),
            },
            (QuestionType::Number, Some(v)) => v
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .filter(|n| q.min.is_none_or(|lo| *n >= lo) && q.max.is_none_or(|hi| *n <= hi))
                .map(|n| Some(serde_json::json!(n)))
                .ok_or(Problem::NotANumber),
            (QuestionType::DurationSeconds | QuestionType::Count, Some(v)) => {
                whole(v, 0, 86_400).ok_or(Problem::NotANumber)
            }
            (QuestionType::FreeText, Some(v)) => {
                let max = q.max_len.unwrap_or(DEFAULT_TEXT_MAX_LEN);
                if v.chars().count() > max as usize {
                    Err(Problem::TooLong { max })
                } else {
                    Ok(Some(serde_json::json!(v)))
                }
            }
            (QuestionType::Photo, Some(_)) => Ok(None),
        };
        match value {
            Err(p) => {
                problems.insert(name, p);
            }
            Ok(None) if q.required => {
                problems.insert(name, Problem::Required);
            }
            Ok(None) => {}
            Ok(Some(v)) => {
                let input = AnswerInput::with_value(&q.id, v);
                match parse_answer(q, &input) {
                    Ok(a) => {
                        so_far.insert(q.id.clone(), a);
                        inputs.push(input);
                    }
                    Err(_) => {
                        problems.insert(name, Problem::NotAChoice);
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(inputs)
    } else {
        Err(problems)
    }
}

fn whole(v: &str, lo: u64, hi: u64) -> Option<Option<serde_json::Value>> {
    v.parse::<u64>()
        .ok()
        .filter(|n| (lo..=hi).contains(n))
        .map(|n| Some(serde_json::json!(n)))
}

/// A customer's request to be called back. Kept apart from the answers and shown only to the
/// store's managers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    /// Empty when not given; at least one of phone and e-mail is.
    pub phone: String,
    pub email: String,
}

/// The contact of a posted form: None unless the customer ticked the call-back box (typed
/// details without the tick are not kept).
pub fn read_contact(pairs: &[(String, String)]) -> Result<Option<Contact>, Problems> {
    if first_value(pairs, CONTACT_OK) != Some("yes") {
        return Ok(None);
    }
    let field = |name| first_value(pairs, name).map(str::trim).unwrap_or("");
    let name: String = field(CONTACT_NAME)
        .chars()
        .filter(|c| !c.is_control())
        .take(CONTACT_NAME_MAX)
        .collect();
    let phone = field(CONTACT_PHONE);
    let email = field(CONTACT_EMAIL);
    let mut problems = Problems::new();
    if phone.is_empty() && email.is_empty() {
        problems.insert(CONTACT_PHONE.into(), Problem::ContactNeeded);
    }
    if !phone.is_empty() && !is_phone(phone) {
        problems.insert(CONTACT_PHONE.into(), Problem::BadPhone);
    }
    if !email.is_empty() && !is_email(email) {
        problems.insert(CONTACT_EMAIL.into(), Problem::BadEmail);
    }
    if problems.is_empty() {
        Ok(Some(Contact {
            name,
            phone: phone.to_string(),
            email: email.to_string(),
        }))
    } else {
        Err(problems)
    }
}

/// Digits with the usual separators, an optional leading +.
fn is_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let body = s.strip_prefix('+').unwrap_or(s);
    s.len() <= PHONE_MAX
        && PHONE_DIGITS.contains(&digits)
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'))
}

/// Deliberately loose (a typo is caught, an unusual address is not refused): one @, something
/// before it, a dotted domain after it, no spaces.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.chars().count() <= CONTACT_EMAIL_MAX
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::answers::check_answers;
    use crate::domain::builtin::builtin_templates;
    use proptest::prelude::*;

    fn template(key: &str) -> Template {
        builtin_templates()
            .expect("valid")
            .into_iter()
            .find(|t| t.key == key)
            .expect("template")
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn full_pulse() -> Vec<(String, String)> {
        pairs(&[
            ("q.recommend", "9"),
            ("q.store_tidy", "4"),
            ("q.got_what_promised", "5"),
            ("q.served_promptly", "na"),
            ("q.staff_competent", "3"),
            ("q.felt_cared_for", "2"),
            ("q.comment", "  Quick and friendly.  "),
        ])
    }

    #[test]
    fn a_complete_pulse_form_reads_into_answers_the_template_accepts() {
        let t = template("customer-pulse");
        let inputs = read_answers(&t, &full_pulse()).expect("valid form");
        assert_eq!(inputs.len(), 7);
        assert!(inputs.contains(&AnswerInput::with_value("recommend", serde_json::json!(9))));
        assert!(inputs.contains(&AnswerInput::not_applicable("served_promptly")));
        assert!(inputs.contains(&AnswerInput::with_value(
            "comment",
            serde_json::json!("Quick and friendly.")
        )));
        assert!(check_answers(&t, &inputs).is_ok());
    }

    #[test]
    fn missing_required_answers_are_reported_per_field_and_optional_ones_may_stay_empty() {
        let t = template("customer-pulse");
        let form = pairs(&[("q.recommend", "7"), ("q.comment", "   ")]);
        let problems = read_answers(&t, &form).expect_err("incomplete");
        assert_eq!(problems.get("q.store_tidy"), Some(&Problem::Required));
        assert_eq!(
            problems.get("q.got_what_promised"),
            Some(&Problem::Required)
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn tampered_values_are_refused_not_stored() {
        let t = template("customer-pulse");
        for (field, value) in [
            ("q.recommend", "11"),
            ("q.recommend", "-1"),
            ("q.store_tidy", "0"),
            ("q.store_tidy", "na"),
            ("q.store_tidy", "<script>"),
        ] {
            let mut form = full_pulse();
            form.retain(|(k, _)| k != field);
            form.push((field.into(), value.into()));
            let problems = read_answers(&t, &form).expect_err(value);
            assert_eq!(problems.get(field), Some(&Problem::NotAChoice), "{value}");
        }
    }

    #[test]
    fn a_comment_longer_than_the_template_allows_is_refused_with_the_limit() {
        let t = template("customer-pulse");
        let mut form = full_pulse();
        form.retain(|(k, _)| k != "q.comment");
        form.push(("q.comment".into(), "x".repeat(1001)));
        let problems = read_answers(&t, &form).expect_err("too long");
        assert_eq!(
            problems.get("q.comment"),
            Some(&Problem::TooLong { max: 1000 })
        );
        // Characters, not bytes: 1000 Chinese characters are fine.
        form.retain(|(k, _)| k != "q.comment");
        form.push(("q.comment".into(), "好".repeat(1000)));
        assert!(read_answers(&t, &form).is_ok());
    }

    #[test]
    fn answers_to_questions_hidden_by_an_earlier_answer_are_dropped() {
        let t = template("instore-visit");
        // Find a conditional question and answer it although its condition is not met.
        let (_, q) = t
            .questions()
            .find(|(_, q)| q.show_if.is_some())
            .expect("the visit template has a conditional question");
        let form = pairs(&[(field_name(&q.id).as_str(), "yes")]);
        let result = read_answers(&t, &form);
        let answered = match &result {
            Ok(inputs) => inputs.iter().any(|i| i.question == q.id),
            Err(problems) => problems.contains_key(&field_name(&q.id)),
        };
        assert!(
            !answered,
            "the hidden question is neither kept nor complained about"
        );
    }

    #[test]
    fn a_call_back_needs_a_phone_or_an_email_and_is_ignored_unless_ticked() {
        let none = pairs(&[("contact_phone", "+7 912 000 11 22")]);
        assert_eq!(read_contact(&none), Ok(None));
        let missing = pairs(&[("contact", "yes"), ("contact_name", "Anna")]);
        assert_eq!(
            read_contact(&missing)
                .expect_err("no way to reach")
                .get(CONTACT_PHONE),
            Some(&Problem::ContactNeeded)
        );
        let ok = pairs(&[
            ("contact", "yes"),
            ("contact_name", " Anna "),
            ("contact_phone", "+7 (912) 000-11-22"),
        ]);
        assert_eq!(
            read_contact(&ok),
            Ok(Some(Contact {
                name: "Anna".into(),
                phone: "+7 (912) 000-11-22".into(),
                email: String::new()
            }))
        );
        let bad = pairs(&[
            ("contact", "yes"),
            ("contact_phone", "call me"),
            ("contact_email", "anna@"),
        ]);
        let problems = read_contact(&bad).expect_err("bad details");
        assert_eq!(problems.get(CONTACT_PHONE), Some(&Problem::BadPhone));
        assert_eq!(problems.get(CONTACT_EMAIL), Some(&Problem::BadEmail));
        assert!(is_email("li.wei@example.cn"));
        assert!(!is_email("li wei@example.cn"));
        assert!(!is_email("a@b@example.cn"));
    }

    fn any_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
        let names = prop::sample::select(vec![
            "q.recommend",
            "q.store_tidy",
            "q.got_what_promised",
            "q.served_promptly",
            "q.staff_competent",
            "q.felt_cared_for",
            "q.comment",
            "q.unknown",
        ]);
        let values = prop_oneof![
            (0u32..13).prop_map(|n| n.to_string()),
            Just("na".to_string()),
            Just(String::new()),
            ".{0,20}",
        ];
        prop::collection::vec((names.prop_map(str::to_string), values), 0..20)
    }

    proptest! {
        /// Whatever a browser (or anyone else) posts, reading it never panics, and answers it
        /// returns are always accepted by the template check: the form adds no way around it.
        #[test]
        fn whatever_is_posted_read_answers_pass_the_template_check(form in any_pairs()) {
            let t = template("customer-pulse");
            if let Ok(inputs) = read_answers(&t, &form) {
                prop_assert!(check_answers(&t, &inputs).is_ok());
            }
        }
    }
}
