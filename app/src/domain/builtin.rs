//! The templates that ship with the product, written from the domain brief in three languages.
//! Kept as JSON files so that they are also examples of the import format.

use super::model::Template;
use super::template_check::parse_template;

/// (key, JSON document) of every built-in template.
pub const BUILTIN_TEMPLATES: [(&str, &str); 6] = [
    (
        "instore-visit",
        include_str!("../../templates/instore-visit.json"),
    ),
    (
        "phone-call",
        include_str!("../../templates/phone-call.json"),
    ),
    (
        "customer-pulse",
        include_str!("../../templates/customer-pulse.json"),
    ),
    (
        "customer-expectations",
        include_str!("../../templates/customer-expectations.json"),
    ),
    (
        "employee-self",
        include_str!("../../templates/employee-self.json"),
    ),
    (
        "complaint-follow-up",
        include_str!("../../templates/complaint-follow-up.json"),
    ),
];

/// Parse every built-in template; an error names the file, so a broken edit fails loudly.
pub fn builtin_templates() -> Result<Vec<Template>, String> {
    BUILTIN_TEMPLATES
        .iter()
        .map(|(key, json)| {
            parse_template(json)
                .map_err(|errs| format!("built-in template {key}: {}", errs.join("; ")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Channel, Dimension, QuestionType};

    fn all() -> Vec<Template> {
        builtin_templates().expect("built-in templates are valid")
    }

    /// The moments of truth of the brief: eye contact and a smile at about 15 feet, a spoken
    /// greeting at about 5 feet, and the last 30 seconds (thanks, an invitation back).
    #[test]
    fn the_visit_checklist_asks_for_the_moments_of_truth_in_every_language() {
        let visit = all()
            .into_iter()
            .find(|t| t.key == "instore-visit")
            .expect("visit checklist");
        let text = |id: &str| visit.question(id).map(|q| q.text.clone()).expect(id);
        for (id, en, zh, ru) in [
            ("eye_contact", "15 feet", "5 米", "5 метрах"),
            ("greeting_spoken", "5 feet", "1.5 米", "1,5 метра"),
            (
                "thanked",
                "last 30 seconds",
                "最后 30 秒",
                "последние 30 секунд",
            ),
            (
                "invited_back",
                "last 30 seconds",
                "最后 30 秒",
                "последние 30 секунд",
            ),
        ] {
            let t = text(id);
            assert!(t.en.contains(en), "{id}: {}", t.en);
            assert!(
                t.zh_cn.as_deref().is_some_and(|z| z.contains(zh)),
                "{id} zh"
            );
            assert!(t.ru.as_deref().is_some_and(|r| r.contains(ru)), "{id} ru");
        }
    }

    #[test]
    fn every_builtin_template_is_valid_and_named_after_its_file() {
        for (t, (key, _)) in all().iter().zip(BUILTIN_TEMPLATES.iter()) {
            assert_eq!(&t.key, key);
        }
    }

    #[test]
    fn every_text_is_translated_into_chinese_and_russian() {
        for t in all() {
            let mut texts = vec![("title", &t.title)];
            for s in &t.sections {
                texts.push(("section", &s.title));
                for q in &s.questions {
                    texts.push((q.id.as_str(), &q.text));
                    if let Some(h) = &q.help {
                        texts.push((q.id.as_str(), h));
                    }
                    for o in &q.options {
                        texts.push((o.id.as_str(), &o.label));
                    }
                }
            }
            for (what, text) in texts {
                assert!(
                    text.zh_cn.as_deref().is_some_and(|s| !s.is_empty()),
                    "{} {what}: no Chinese",
                    t.key
                );
                assert!(
                    text.ru.as_deref().is_some_and(|s| !s.is_empty()),
                    "{} {what}: no Russian",
                    t.key
                );
            }
        }
    }

    #[test]
    fn the_store_visit_covers_all_five_dimensions_with_about_25_items() {
        let visit = all()
            .into_iter()
            .find(|t| t.key == "instore-visit")
            .expect("visit");
        assert_eq!(visit.channel, Channel::MysteryVisit);
        let scored = visit.questions().filter(|(_, q)| q.is_scored()).count();
        assert!((22..=28).contains(&scored), "{scored} scored items");
        for d in Dimension::ALL {
            assert!(
                visit.questions().any(|(_, q)| q.dimension == Some(d)),
                "no {d:?} item"
            );
        }
    }

    #[test]
    fn the_phone_call_checks_the_third_ring_and_seventeen_seconds_on_hold() {
        let call = all()
            .into_iter()
            .find(|t| t.key == "phone-call")
            .expect("call");
        let rings = call.question("rings").expect("rings");
        assert_eq!(rings.pass.and_then(|p| p.at_most), Some(3.0));
        let hold = call.question("hold_seconds").expect("hold");
        assert_eq!(hold.pass.and_then(|p| p.at_most), Some(17.0));
    }

    #[test]
    fn customer_pulse_is_short_and_employee_survey_mirrors_it() {
        let templates = all();
        let pulse = templates
            .iter()
            .find(|t| t.key == "customer-pulse")
            .expect("pulse");
        let staff = templates
            .iter()
            .find(|t| t.key == "employee-self")
            .expect("staff");
        assert!(pulse.question_count() <= 8);
        assert!(pulse
            .questions()
            .any(|(_, q)| q.kind == QuestionType::Recommend));
        let ids = |t: &Template| {
            t.questions()
                .map(|(_, q)| (q.id.clone(), q.kind, q.dimension))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(pulse), ids(staff));
        for d in Dimension::ALL {
            assert_eq!(
                pulse
                    .questions()
                    .filter(|(_, q)| q.dimension == Some(d))
                    .count(),
                1
            );
        }
    }

    /// The SERVQUAL gap: every dimension is asked twice on the same 1-5 scale, what a very good
    /// store would do and how this one did, in the three languages; the score counts only the
    /// perceptions, and the gap is perception minus expectation.
    #[test]
    fn the_expectations_survey_asks_both_sides_of_every_dimension_and_gives_the_gap() {
        use crate::domain::answers::{check_answers, AnswerInput};
        use crate::domain::model::Asks;
        use crate::domain::score;
        let t = all()
            .into_iter()
            .find(|t| t.key == "customer-expectations")
            .expect("expectations survey");
        assert_eq!(t.channel, Channel::CustomerQr);
        for d in Dimension::ALL {
            for asks in [Asks::Perception, Asks::Expectation] {
                let q = t
                    .questions()
                    .map(|(_, q)| q)
                    .find(|q| q.dimension == Some(d) && q.asks == asks)
                    .unwrap_or_else(|| panic!("{d:?} {asks:?}"));
                assert_eq!(q.kind, QuestionType::Scale5);
                assert!(q.text.zh_cn.is_some() && q.text.ru.is_some(), "{}", q.id);
            }
        }
        // Expected 5 everywhere; got 3 for tangibles, 5 for reliability, nothing else rated.
        let mut inputs: Vec<AnswerInput> = Dimension::ALL
            .iter()
            .map(|d| {
                AnswerInput::with_value(&format!("expect_{}", d.as_str()), serde_json::json!(5))
            })
            .collect();
        inputs.push(AnswerInput::with_value("store_tidy", serde_json::json!(3)));
        inputs.push(AnswerInput::with_value(
            "got_what_promised",
            serde_json::json!(5),
        ));
        inputs.push(AnswerInput::with_value("recommend", serde_json::json!(8)));
        for id in ["served_promptly", "staff_competent", "felt_cared_for"] {
            inputs.push(AnswerInput::not_applicable(id));
        }
        let answers = check_answers(&t, &inputs).expect("valid answers");
        let card = score(&t, &answers);
        assert_eq!(card.gaps.get(&Dimension::Tangibles), Some(&-2.0));
        assert_eq!(card.gaps.get(&Dimension::Reliability), Some(&0.0));
        assert_eq!(card.gaps.len(), 2, "no gap without a perception");
        // Only the perceptions earn points: (2/4 + 4/4) of 2.
        assert_eq!(card.overall.possible, 2.0);
        assert_eq!(card.overall.earned, 1.5);
    }
}
