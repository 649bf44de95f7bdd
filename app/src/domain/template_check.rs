//! Checks a template document before it is published, with one plain message per problem.
//!
//! Authors write templates by hand as JSON; a mistake found at import time costs a minute,
//! the same mistake found by a shopper in a store costs a visit. So every rule the scoring
//! engine and the forms rely on is checked here, and all problems are reported at once.

use std::collections::HashSet;

use super::model::{Question, QuestionType, Template};

/// Longest free text we accept when a question does not set its own limit.
pub const DEFAULT_TEXT_MAX_LEN: u32 = 2000;
const MAX_QUESTIONS: usize = 200;

fn is_slug(s: &str, allow: impl Fn(char) -> bool) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || allow(c))
}

/// Template keys: lower-case letters, digits and dashes, e.g. `instore-visit`.
pub fn is_valid_template_key(s: &str) -> bool {
    s.len() >= 2 && is_slug(s, |c| c == '-')
}

/// Question, section and option ids: lower-case letters, digits and underscores.
pub fn is_valid_item_id(s: &str) -> bool {
    is_slug(s, |c| c == '_')
}

/// Parse a template from JSON text and check it. Errors are sentences for a person.
pub fn parse_template(json: &str) -> Result<Template, Vec<String>> {
    let template: Template = serde_json::from_str(json)
        .map_err(|e| vec![format!("not a valid template document: {e}")])?;
    check_template(&template)?;
    Ok(template)
}

pub fn check_template(t: &Template) -> Result<(), Vec<String>> {
    let mut errors = Vec::new();
    if !is_valid_template_key(&t.key) {
        errors.push(format!(
            "key \"{}\" must be 2-64 lower-case letters, digits or dashes",
            t.key
        ));
    }
    if t.title.en.trim().is_empty() {
        errors.push("title needs English text".to_string());
    }
    if t.sections.is_empty() {
        errors.push("a template needs at least one section".to_string());
    }
    if t.question_count() > MAX_QUESTIONS {
        errors.push(format!(
            "a template may have at most {MAX_QUESTIONS} questions"
        ));
    }

    let mut section_ids = HashSet::new();
    // Questions seen so far, in order: a condition may only look back.
    let mut earlier: Vec<&Question> = Vec::new();
    let mut recommend_count = 0;
    for section in &t.sections {
        let where_s = format!("section \"{}\"", section.id);
        if !is_valid_item_id(&section.id) {
            errors.push(format!(
                "{where_s}: id must be lower-case letters, digits or underscores"
            ));
        }
        if !section_ids.insert(section.id.as_str()) {
            errors.push(format!("{where_s}: id is used twice"));
        }
        if section.title.en.trim().is_empty() {
            errors.push(format!("{where_s}: title needs English text"));
        }
        if section.questions.is_empty() {
            errors.push(format!("{where_s}: has no questions"));
        }
        for q in &section.questions {
            let where_q = format!("question \"{}\"", q.id);
            if earlier.iter().any(|e| e.id == q.id) {
                errors.push(format!("{where_q}: id is used twice"));
            }
            if q.kind == QuestionType::Recommend {
                recommend_count += 1;
            }
            check_question(q, &earlier, &where_q, &mut errors);
            earlier.push(q);
        }
    }
    if recommend_count > 1 {
        errors.push(
            "a template may have at most one likelihood_0_10 question (it feeds NPS)".to_string(),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn check_question(q: &Question, earlier: &[&Question], at: &str, errors: &mut Vec<String>) {
    let mut err = |m: String| errors.push(format!("{at}: {m}"));
    if !is_valid_item_id(&q.id) {
        err("id must be lower-case letters, digits or underscores".into());
    }
    if q.text.en.trim().is_empty() {
        err("text needs English text".into());
    }
    if !q.weight.is_finite() || !(0.0..=100.0).contains(&q.weight) {
        err("weight must be a number from 0 to 100".into());
    }
    let kind = q.kind.as_str();
    if q.kind.is_choice() {
        if q.options.len() < 2 {
            err(format!("{kind} needs at least two options"));
        }
        let mut ids = HashSet::new();
        for o in &q.options {
            if !is_valid_item_id(&o.id) {
                err(format!(
                    "option \"{}\": id must be lower-case letters, digits or underscores",
                    o.id
                ));
            }
            if !ids.insert(o.id.as_str()) {
                err(format!("option \"{}\" is listed twice", o.id));
            }
            if !o.points.is_finite() || o.points < 0.0 {
                err(format!("option \"{}\": points must be zero or more", o.id));
            }
            if o.label.en.trim().is_empty() {
                err(format!("option \"{}\": label needs English text", o.id));
            }
        }
        if q.is_scored() && q.options.iter().all(|o| o.points <= 0.0) {
            err("a scored choice question needs at least one option worth points".into());
        }
    } else if !q.options.is_empty() {
        err(format!("{kind} questions do not take options"));
    }
    if q.kind != QuestionType::Number && (q.min.is_some() || q.max.is_some()) {
        err(format!("min/max apply to number questions, not {kind}"));
    }
    if let (Some(lo), Some(hi)) = (q.min, q.max) {
        if lo > hi {
            err("min is greater than max".into());
        }
    }
    if let Some(pass) = q.pass {
        if !q.kind.is_measured() {
            err(format!(
                "a pass threshold applies to number, duration or count questions, not {kind}"
            ));
        }
        match (pass.at_least, pass.at_most) {
            (None, None) => err("pass needs at_least or at_most".into()),
            (Some(lo), Some(hi)) if lo > hi => {
                err("pass.at_least is greater than pass.at_most".into())
            }
            _ => {}
        }
    }
    if q.max_len.is_some() && q.kind != QuestionType::FreeText {
        err(format!("max_len applies to free_text, not {kind}"));
    }
    if q.is_scored() && q.kind != QuestionType::Recommend && q.dimension.is_none() {
        err("every scored question needs a dimension (tangibles, reliability, responsiveness, assurance or empathy)".into());
    }
    if q.critical && !q.is_scored() {
        err("only a scored question can be critical".into());
    }
    if let Some(cond) = &q.show_if {
        match earlier.iter().find(|e| e.id == cond.question) {
            None => err(format!(
                "show_if refers to \"{}\", which is not an earlier question",
                cond.question
            )),
            Some(target) => {
                if let Err(m) = check_condition_value(target, &cond.equals) {
                    err(format!("show_if: {m}"));
                }
            }
        }
    }
}

fn check_condition_value(target: &Question, value: &serde_json::Value) -> Result<(), String> {
    let values: Vec<&serde_json::Value> = match value {
        serde_json::Value::Array(items) if !items.is_empty() => items.iter().collect(),
        serde_json::Value::Array(_) => return Err("equals may not be an empty list".into()),
        v => vec![v],
    };
    for v in values {
        let ok = match target.kind {
            QuestionType::YesNo => v.is_boolean(),
            QuestionType::SingleChoice | QuestionType::MultipleChoice => {
                v.as_str().is_some_and(|id| target.option(id).is_some())
            }
            QuestionType::Scale5 | QuestionType::Recommend | QuestionType::Count => v.is_u64(),
            _ => false,
        };
        if !ok {
            return Err(format!(
                "{v} cannot be compared with the answer to \"{}\" ({})",
                target.id,
                target.kind.as_str()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(questions: &str) -> String {
        format!(
            r#"{{"key":"t-1","channel":"mystery_visit","title":{{"en":"T"}},
               "sections":[{{"id":"s","title":{{"en":"S"}},"questions":[{questions}]}}]}}"#
        )
    }

    #[test]
    fn a_minimal_template_is_accepted() {
        let t = parse_template(&doc(
            r#"{"id":"clean","type":"yes_no","text":{"en":"Clean?"},"dimension":"tangibles"}"#,
        ))
        .expect("valid");
        assert_eq!(t.question_count(), 1);
        assert_eq!(t.sections[0].questions[0].weight, 1.0);
    }

    #[test]
    fn a_misspelt_field_is_reported_not_ignored() {
        let errs = parse_template(&doc(
            r#"{"id":"clean","type":"yes_no","text":{"en":"Clean?"},"dimension":"tangibles","requried":true}"#,
        ))
        .unwrap_err();
        assert!(errs[0].contains("requried"), "{errs:?}");
    }

    #[test]
    fn every_problem_is_reported_with_its_question() {
        let errs = parse_template(&doc(
            r#"{"id":"a","type":"single_choice","text":{"en":"Pick"},"dimension":"empathy","options":[{"id":"x","label":{"en":"X"}}]},
               {"id":"a","type":"yes_no","text":{"en":""},"pass":{"at_most":3}},
               {"id":"c","type":"count","text":{"en":"Rings"},"show_if":{"question":"zzz","equals":true}}"#,
        ))
        .unwrap_err();
        let all = errs.join("\n");
        assert!(
            all.contains("question \"a\": single_choice needs at least two options"),
            "{all}"
        );
        assert!(all.contains("question \"a\": id is used twice"), "{all}");
        assert!(
            all.contains("question \"a\": text needs English text"),
            "{all}"
        );
        assert!(all.contains("pass threshold applies to number"), "{all}");
        assert!(all.contains("needs a dimension"), "{all}");
        assert!(
            all.contains("\"zzz\", which is not an earlier question"),
            "{all}"
        );
    }

    #[test]
    fn a_condition_must_match_the_type_of_the_question_it_looks_at() {
        let errs = parse_template(&doc(
            r#"{"id":"called","type":"yes_no","text":{"en":"Called?"},"weight":0},
               {"id":"rings","type":"count","text":{"en":"Rings"},"show_if":{"question":"called","equals":"yes"}}"#,
        ))
        .unwrap_err();
        assert!(errs[0].contains("cannot be compared"), "{errs:?}");
    }

    #[test]
    fn keys_and_ids_are_slugs() {
        assert!(is_valid_template_key("instore-visit"));
        assert!(!is_valid_template_key("In Store"));
        assert!(is_valid_item_id("greet_5ft"));
        assert!(!is_valid_item_id("greet-5ft"));
    }
}
