//! Employee self-assessment results as managers may see them: only totals, and only when at
//! least [`MIN_ANSWERS`] colleagues answered in the period, so no answer points to a person.

use serde::{Deserialize, Serialize};

use super::answers::{Answer, AnswerValue};
use super::model::{QuestionType, Template};
use super::AnswerSet;

/// The fewest answers in a period from which managers see more than how many there are; a
/// chain may ask for more (`OrgSettings::self_assessment_min`), never fewer.
pub const MIN_ANSWERS: usize = 3;

pub use super::calendar::period_of;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct QuestionMean {
    pub question: String,
    pub mean: f64,
    pub answers: u32,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Summary {
    pub period: String,
    pub count: u32,
    /// The answers needed before more than the count is shown (the chain's threshold).
    #[serde(default)]
    pub min: u32,
    /// Empty unless `count >= min`.
    pub means: Vec<QuestionMean>,
    /// Free-text answers, sorted (not in the order given); empty unless `count >= min`.
    pub comments: Vec<String>,
}

/// Totals of a period's answers (each a checked answer set of `template`), shown from `min`
/// answers (never fewer than [`MIN_ANSWERS`]).
pub fn summary(template: &Template, period: &str, answers: &[AnswerSet], min: usize) -> Summary {
    let min = min.max(MIN_ANSWERS);
    let count = answers.len() as u32;
    let mut out = Summary {
        period: period.to_string(),
        count,
        min: min as u32,
        means: Vec::new(),
        comments: Vec::new(),
    };
    if answers.len() < min {
        return out;
    }
    for (_, q) in template.questions() {
        let values: Vec<f64> = answers
            .iter()
            .filter_map(|a| match a.get(&q.id) {
                Some(Answer::Value(AnswerValue::Scale(n) | AnswerValue::Recommend(n))) => {
                    Some(f64::from(*n))
                }
                _ => None,
            })
            .collect();
        if !values.is_empty() {
            out.means.push(QuestionMean {
                question: q.id.clone(),
                mean: values.iter().sum::<f64>() / values.len() as f64,
                answers: values.len() as u32,
            });
        }
        if q.kind == QuestionType::FreeText {
            out.comments
                .extend(answers.iter().filter_map(|a| match a.get(&q.id) {
                    Some(Answer::Value(AnswerValue::Text(t))) if !t.trim().is_empty() => {
                        Some(t.clone())
                    }
                    _ => None,
                }));
        }
    }
    out.comments.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::answers::check_answers;
    use crate::domain::builtin::builtin_templates;
    use crate::domain::AnswerInput;
    use serde_json::json;

    fn template() -> Template {
        builtin_templates()
            .expect("valid")
            .into_iter()
            .find(|t| t.key == "employee-self")
            .expect("template")
    }

    fn answer(t: &Template, recommend: u8, scale: u8, comment: &str) -> AnswerSet {
        let mut inputs = vec![AnswerInput::with_value("recommend", json!(recommend))];
        for q in [
            "store_tidy",
            "got_what_promised",
            "served_promptly",
            "staff_competent",
            "felt_cared_for",
        ] {
            inputs.push(AnswerInput::with_value(q, json!(scale)));
        }
        if !comment.is_empty() {
            inputs.push(AnswerInput::with_value("comment", json!(comment)));
        }
        check_answers(t, &inputs).expect("valid")
    }

    #[test]
    fn fewer_than_three_answers_show_only_the_count() {
        let t = template();
        let two = [
            answer(&t, 9, 5, "more staff at lunch"),
            answer(&t, 3, 2, ""),
        ];
        let s = summary(&t, "2026-11", &two, MIN_ANSWERS);
        assert_eq!(s.count, 2);
        assert!(s.means.is_empty());
        assert!(
            s.comments.is_empty(),
            "a comment of one of two could name its author"
        );
    }

    #[test]
    fn three_answers_show_means_and_unordered_comments() {
        let t = template();
        let three = [
            answer(&t, 9, 5, "zzz last"),
            answer(&t, 6, 2, ""),
            answer(&t, 3, 2, "aaa first"),
        ];
        let s = summary(&t, "2026-11", &three, MIN_ANSWERS);
        assert_eq!(s.count, 3);
        let recommend = s
            .means
            .iter()
            .find(|m| m.question == "recommend")
            .expect("mean");
        assert_eq!((recommend.mean, recommend.answers), (6.0, 3));
        let tidy = s
            .means
            .iter()
            .find(|m| m.question == "store_tidy")
            .expect("mean");
        assert_eq!(tidy.mean, 3.0);
        assert_eq!(s.comments, ["aaa first", "zzz last"]);
    }

    #[test]
    fn a_period_is_the_local_calendar_month() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
        assert_eq!(period_of(d), "2026-03");
    }
}
