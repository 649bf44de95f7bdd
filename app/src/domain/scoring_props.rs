//! Property tests for the scoring engine over the built-in templates and random answers.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::answers::{check_answers, is_visible, Answer, AnswerInput, AnswerSet};
use super::builtin::builtin_templates;
use super::model::{Question, QuestionType, Template};
use super::scoring::{score, ItemStatus, Nps};

/// A random but valid value for a question, picked by `r`.
fn random_value(q: &Question, r: u32) -> Value {
    match q.kind {
        QuestionType::YesNo => json!(r.is_multiple_of(2)),
        QuestionType::Scale5 => json!(1 + r % 5),
        QuestionType::Recommend => json!(r % 11),
        QuestionType::SingleChoice => json!(q.options[r as usize % q.options.len()].id),
        QuestionType::MultipleChoice => {
            let picked: Vec<&str> = q
                .options
                .iter()
                .enumerate()
                .filter(|(i, _)| r >> i & 1 == 1)
                .map(|(_, o)| o.id.as_str())
                .collect();
            json!(picked)
        }
        QuestionType::Number => json!(q.min.unwrap_or(0.0) + f64::from(r % 100)),
        QuestionType::DurationSeconds => json!(r % 600),
        QuestionType::Count => json!(r % 10),
        QuestionType::FreeText => json!("ok"),
        QuestionType::Photo => json!("a".repeat(64)),
    }
}

/// The value that earns full marks.
fn best_value(q: &Question) -> Value {
    match q.kind {
        QuestionType::YesNo => json!(true),
        QuestionType::Scale5 => json!(5),
        QuestionType::Recommend => json!(10),
        QuestionType::SingleChoice => {
            let best = q
                .options
                .iter()
                .max_by(|a, b| a.points.total_cmp(&b.points))
                .map(|o| o.id.clone());
            json!(best)
        }
        QuestionType::MultipleChoice => {
            json!(q
                .options
                .iter()
                .filter(|o| o.points > 0.0)
                .map(|o| o.id.clone())
                .collect::<Vec<_>>())
        }
        QuestionType::Number | QuestionType::DurationSeconds | QuestionType::Count => {
            let p = q.pass.unwrap_or_default();
            json!(p.at_least.or(p.at_most).unwrap_or(0.0) as u64)
        }
        QuestionType::FreeText => json!("fine"),
        QuestionType::Photo => json!("b".repeat(64)),
    }
}

/// Builds answers in template order, respecting conditions, so the result always validates.
/// `pick(q, i)` returns None to skip, Some(None) for N/A, Some(Some(v)) for a value.
fn build(
    t: &Template,
    mut pick: impl FnMut(&Question, usize) -> Option<Option<Value>>,
) -> Vec<AnswerInput> {
    let mut set = AnswerSet::new();
    let mut inputs = Vec::new();
    for (i, (_, q)) in t.questions().enumerate() {
        if !is_visible(q, &set) {
            continue;
        }
        let choice = match pick(q, i) {
            Some(None) if !q.na_allowed => Some(Some(random_value(q, i as u32))),
            None if q.required => Some(Some(random_value(q, i as u32))),
            c => c,
        };
        let input = match choice {
            None => continue,
            Some(None) => AnswerInput {
                question: q.id.clone(),
                value: None,
                not_applicable: true,
            },
            Some(Some(v)) => AnswerInput {
                question: q.id.clone(),
                value: Some(v),
                not_applicable: false,
            },
        };
        let parsed = if input.not_applicable {
            Answer::NotApplicable
        } else {
            super::answers::parse_answer(q, &input).expect("generated answers are valid")
        };
        set.insert(q.id.clone(), parsed);
        inputs.push(input);
    }
    inputs
}

fn random_answers(t: &Template, entropy: &[u32]) -> AnswerSet {
    let inputs = build(t, |q, i| {
        let r = entropy[i % entropy.len()];
        match r % 7 {
            0 => None,
            1 => Some(None),
            _ => Some(Some(random_value(q, r / 7))),
        }
    });
    check_answers(t, &inputs).expect("generated answers validate")
}

fn templates() -> Vec<Template> {
    builtin_templates().expect("valid")
}

proptest! {
    #[test]
    fn every_percentage_stays_within_0_and_100(which in 0usize..5, entropy in prop::collection::vec(any::<u32>(), 1..64)) {
        let t = &templates()[which];
        let card = score(t, &random_answers(t, &entropy));
        let tallies = std::iter::once(card.overall)
            .chain(card.sections.iter().map(|(_, s)| *s))
            .chain(card.dimensions.values().copied());
        for tally in tallies {
            prop_assert!(tally.earned <= tally.possible + 1e-9);
            if let Some(p) = tally.percent() {
                prop_assert!((0.0..=100.0).contains(&p.value()));
            }
        }
    }

    #[test]
    fn answering_not_applicable_never_changes_the_other_items(which in 0usize..5, entropy in prop::collection::vec(any::<u32>(), 1..64), victim in any::<usize>()) {
        let t = &templates()[which];
        let answers = random_answers(t, &entropy);
        let candidates: Vec<&String> = answers
            .iter()
            .filter(|(id, a)| matches!(a, Answer::Value(_)) && t.question(id).is_some_and(|q| q.na_allowed))
            .map(|(id, _)| id)
            .collect();
        prop_assume!(!candidates.is_empty());
        let id = candidates[victim % candidates.len()].clone();
        // A condition may look at this answer; only compare items whose visibility is unaffected.
        prop_assume!(!t.questions().any(|(_, q)| q.show_if.as_ref().is_some_and(|c| c.question == id)));
        let mut with_na = answers.clone();
        with_na.insert(id.clone(), Answer::NotApplicable);
        let before = score(t, &answers);
        let after = score(t, &with_na);
        for (b, a) in before.items.iter().zip(after.items.iter()) {
            if b.question == id {
                prop_assert_eq!(a.status, ItemStatus::NotApplicable);
                prop_assert_eq!(a.possible, 0.0);
            } else {
                prop_assert_eq!(b, a);
            }
        }
    }

    #[test]
    fn nps_stays_within_minus_100_and_100(values in prop::collection::vec(0u8..=10, 1..200)) {
        let n = Nps::from_answers(values.iter().copied());
        let v = n.value().expect("answered");
        prop_assert!((-100.0..=100.0).contains(&v));
        prop_assert_eq!(n.responses() as usize, values.len());
    }
}

#[test]
fn best_answers_everywhere_give_exactly_100_with_no_failures() {
    for t in templates() {
        let inputs = build(&t, |q, _| Some(Some(best_value(q))));
        let card = score(&t, &check_answers(&t, &inputs).expect("valid"));
        assert_eq!(
            card.overall.percent().map(|s| s.value()),
            Some(100.0),
            "{}",
            t.key
        );
        assert!(!card.failed(), "{}", t.key);
        assert_eq!(card.overall.failed_items, 0, "{}", t.key);
    }
}
