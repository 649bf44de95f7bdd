//! The scoring engine, shared by the shopper's phone and the server.
//!
//! Both sides call [`score`] on the same template and answers, so the live preview a
//! shopper sees offline is the number the manager reads later.
//!
//! Rules:
//! - each scored question is worth its weight in points; the answer earns a fraction of it
//!   (yes = all, no = none; a 1-5 scale earns (v-1)/4; a choice earns its points over the best
//!   option's; a measured value earns all or nothing against its pass band);
//! - "not applicable", unanswered and hidden questions leave the denominator (0/0, not 0/X);
//! - an item is failed when it earns less than half its points; a failed critical item
//!   fails the visit whatever the percentage.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

use super::answers::{Answer, AnswerSet, AnswerValue};
use super::model::{Dimension, Question, QuestionType, Template};

/// A percentage in 0..=100. Only built by the scoring code or checked conversion.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, PartialOrd)]
#[serde(try_from = "f64", into = "f64")]
pub struct Score(f64);

impl Score {
    pub fn value(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Score {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, Self::Error> {
        if v.is_finite() && (0.0..=100.0).contains(&v) {
            Ok(Score(v))
        } else {
            Err(format!(
                "{} is not a percentage",
                super::display::trimmed(v, 3)
            ))
        }
    }
}

impl From<Score> for f64 {
    fn from(s: Score) -> f64 {
        s.0
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", super::display::fixed(self.0, 0))
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Passed,
    Failed,
    NotApplicable,
    /// Optional and left blank, or hidden by a condition.
    NotAnswered,
    /// Free text, photo, or a measure without a pass band: recorded, not scored.
    Unscored,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ItemScore {
    pub question: String,
    pub section: String,
    pub dimension: Option<Dimension>,
    pub earned: f64,
    pub possible: f64,
    pub status: ItemStatus,
    pub critical: bool,
}

/// Points earned over points possible for a group of items, with what was left out.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default)]
pub struct Tally {
    pub earned: f64,
    pub possible: f64,
    pub scored_items: u32,
    pub failed_items: u32,
    pub not_applicable: u32,
}

impl Tally {
    fn add(&mut self, item: &ItemScore) {
        match item.status {
            ItemStatus::Passed | ItemStatus::Failed => {
                self.earned += item.earned;
                self.possible += item.possible;
                self.scored_items += 1;
                if item.status == ItemStatus::Failed {
                    self.failed_items += 1;
                }
            }
            ItemStatus::NotApplicable => self.not_applicable += 1,
            ItemStatus::NotAnswered | ItemStatus::Unscored => {}
        }
    }

    /// None when nothing was scored: "no data" is not "0%".
    pub fn percent(&self) -> Option<Score> {
        if self.possible <= 0.0 {
            return None;
        }
        Score::try_from((self.earned / self.possible * 100.0).clamp(0.0, 100.0)).ok()
    }
}

/// "12 of 15 points, 2 items not applicable" (English; the UI localises from the numbers).
impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} points",
            fmt_points(self.earned),
            fmt_points(self.possible)
        )?;
        match self.not_applicable {
            0 => Ok(()),
            1 => write!(f, ", 1 item not applicable"),
            n => write!(f, ", {n} items not applicable"),
        }
    }
}

/// Points as a person writes them: 12, 12.5, never 12.000000001.
pub fn fmt_points(p: f64) -> String {
    super::display::trimmed(p, 1)
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ScoreCard {
    pub overall: Tally,
    /// In template order.
    pub sections: Vec<(String, Tally)>,
    pub dimensions: BTreeMap<Dimension, Tally>,
    pub critical_failures: Vec<String>,
    /// The 0-10 likelihood-to-recommend answer, if the template asks it and it was answered.
    pub recommend: Option<u8>,
    pub items: Vec<ItemScore>,
    /// Per dimension where the response rated both how it was and what was expected (or how
    /// much it matters) on the 1-5 scale: the mean perception minus the mean expectation, in
    /// scale points (-4 to 4). Negative: the store fell short of what the customer expected.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gaps: BTreeMap<Dimension, f64>,
}

impl ScoreCard {
    /// A failed critical item fails the response, whatever the percentage says.
    pub fn failed(&self) -> bool {
        !self.critical_failures.is_empty()
    }
}

/// Fraction of a question's points an answer earns, or None when it carries no score.
fn fraction(q: &Question, value: &AnswerValue) -> Option<f64> {
    match (q.kind, value) {
        (QuestionType::YesNo, AnswerValue::YesNo(b)) => Some(if *b { 1.0 } else { 0.0 }),
        (QuestionType::Scale5, AnswerValue::Scale(v)) => Some(f64::from(v.saturating_sub(1)) / 4.0),
        (QuestionType::Recommend, AnswerValue::Recommend(v)) => Some(f64::from(*v) / 10.0),
        (QuestionType::SingleChoice, AnswerValue::Choice(id)) => {
            let best = q.options.iter().map(|o| o.points).fold(0.0, f64::max);
            let got = q.option(id).map_or(0.0, |o| o.points);
            (best > 0.0).then(|| got / best)
        }
        (QuestionType::MultipleChoice, AnswerValue::Choices(ids)) => {
            let all: f64 = q.options.iter().map(|o| o.points.max(0.0)).sum();
            let got: f64 = ids
                .iter()
                .filter_map(|id| q.option(id))
                .map(|o| o.points)
                .sum();
            (all > 0.0).then(|| (got / all).min(1.0))
        }
        (QuestionType::Number, AnswerValue::Number(n)) => {
            q.pass.map(|p| pass_fraction(p.passes(*n)))
        }
        (QuestionType::DurationSeconds, AnswerValue::DurationSeconds(s)) => {
            q.pass.map(|p| pass_fraction(p.passes(f64::from(*s))))
        }
        (QuestionType::Count, AnswerValue::Count(c)) => {
            q.pass.map(|p| pass_fraction(p.passes(f64::from(*c))))
        }
        _ => None,
    }
}

fn pass_fraction(passed: bool) -> f64 {
    if passed {
        1.0
    } else {
        0.0
    }
}

/// Score a checked answer set against its template.
pub fn score(template: &Template, answers: &AnswerSet) -> ScoreCard {
    let mut items = Vec::with_capacity(template.question_count());
    let mut recommend = None;
    for (section, q) in template.questions() {
        let answer = answers.get(&q.id);
        if let Some(Answer::Value(AnswerValue::Recommend(v))) = answer {
            recommend = Some(*v);
        }
        let (earned, possible, status) = if !q.is_scored() {
            (0.0, 0.0, ItemStatus::Unscored)
        } else {
            match answer {
                None => (0.0, 0.0, ItemStatus::NotAnswered),
                Some(Answer::NotApplicable) => (0.0, 0.0, ItemStatus::NotApplicable),
                Some(Answer::Value(v)) => match fraction(q, v) {
                    None => (0.0, 0.0, ItemStatus::Unscored),
                    Some(f) => {
                        let status = if f < 0.5 {
                            ItemStatus::Failed
                        } else {
                            ItemStatus::Passed
                        };
                        (q.weight * f, q.weight, status)
                    }
                },
            }
        };
        items.push(ItemScore {
            question: q.id.clone(),
            section: section.id.clone(),
            dimension: q.dimension,
            earned,
            possible,
            status,
            critical: q.critical,
        });
    }

    let mut overall = Tally::default();
    let mut sections: Vec<(String, Tally)> = template
        .sections
        .iter()
        .map(|s| (s.id.clone(), Tally::default()))
        .collect();
    let mut dimensions: BTreeMap<Dimension, Tally> = BTreeMap::new();
    let mut critical_failures = Vec::new();
    for item in &items {
        overall.add(item);
        if let Some((_, t)) = sections.iter_mut().find(|(id, _)| *id == item.section) {
            t.add(item);
        }
        if let Some(d) = item.dimension {
            dimensions.entry(d).or_default().add(item);
        }
        if item.critical && item.status == ItemStatus::Failed {
            critical_failures.push(item.question.clone());
        }
    }
    ScoreCard {
        overall,
        sections,
        dimensions,
        critical_failures,
        recommend,
        items,
        gaps: expectation_gaps(template, answers),
    }
}

/// Perception minus expectation per dimension (see [`ScoreCard::gaps`]): only 1-5 ratings
/// are compared, so both sides are on the same scale.
fn expectation_gaps(template: &Template, answers: &AnswerSet) -> BTreeMap<Dimension, f64> {
    // Per dimension: (sum, count) of perceptions, then of expectations.
    let mut sides: BTreeMap<Dimension, [(f64, u32); 2]> = BTreeMap::new();
    for (_, q) in template.questions() {
        let (Some(d), QuestionType::Scale5) = (q.dimension, q.kind) else {
            continue;
        };
        if let Some(Answer::Value(AnswerValue::Scale(v))) = answers.get(&q.id) {
            let side = usize::from(!q.asks.is_perception());
            let entry = &mut sides.entry(d).or_default()[side];
            entry.0 += f64::from(*v);
            entry.1 += 1;
        }
    }
    sides
        .into_iter()
        .filter(|(_, [p, e])| p.1 > 0 && e.1 > 0)
        .map(|(d, [p, e])| (d, p.0 / f64::from(p.1) - e.0 / f64::from(e.1)))
        .collect()
}

/// Net Promoter Score over answered 0-10 values: % of 9-10 minus % of 0-6.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default)]
pub struct Nps {
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
}

impl Nps {
    pub fn from_answers(values: impl IntoIterator<Item = u8>) -> Nps {
        let mut n = Nps {
            promoters: 0,
            passives: 0,
            detractors: 0,
        };
        for v in values {
            match v {
                9..=10 => n.promoters += 1,
                7..=8 => n.passives += 1,
                _ => n.detractors += 1,
            }
        }
        n
    }

    pub fn responses(&self) -> u32 {
        self.promoters + self.passives + self.detractors
    }

    /// In -100..=100, or None without answers.
    pub fn value(&self) -> Option<f64> {
        let n = self.responses();
        (n > 0).then(|| {
            (f64::from(self.promoters) - f64::from(self.detractors)) / f64::from(n) * 100.0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::answers::{check_answers, AnswerInput};
    use crate::domain::template_check::parse_template;
    use serde_json::json;

    fn template() -> Template {
        parse_template(
            r#"{"key":"t-1","channel":"mystery_visit","title":{"en":"Visit"},"sections":[
              {"id":"arrive","title":{"en":"Arrival"},"questions":[
                {"id":"clean","type":"yes_no","text":{"en":"Clean"},"dimension":"tangibles","weight":2,"na_allowed":true},
                {"id":"greet","type":"duration_seconds","text":{"en":"Greeted within"},"dimension":"responsiveness",
                 "pass":{"at_most":30},"weight":3,"critical":true}
              ]},
              {"id":"serve","title":{"en":"Service"},"questions":[
                {"id":"knew","type":"scale_1_5","text":{"en":"Knowledge"},"dimension":"assurance","weight":4},
                {"id":"offer","type":"single_choice","text":{"en":"Alternatives"},"dimension":"empathy","weight":2,
                 "options":[{"id":"two","label":{"en":"Two+"},"points":2},{"id":"one","label":{"en":"One"},"points":1},
                            {"id":"none","label":{"en":"None"},"points":0}]},
                {"id":"nps","type":"likelihood_0_10","text":{"en":"Recommend"},"weight":0},
                {"id":"comment","type":"free_text","text":{"en":"Comment"}}
              ]}]}"#,
        )
        .expect("valid")
    }

    fn answers(t: &Template, given: &[(&str, serde_json::Value)]) -> AnswerSet {
        let inputs: Vec<AnswerInput> = given
            .iter()
            .map(|(q, v)| {
                if v == &json!("n/a") {
                    AnswerInput {
                        question: q.to_string(),
                        value: None,
                        not_applicable: true,
                    }
                } else {
                    AnswerInput {
                        question: q.to_string(),
                        value: Some(v.clone()),
                        not_applicable: false,
                    }
                }
            })
            .collect();
        check_answers(t, &inputs).expect("valid answers")
    }

    #[test]
    fn weighted_points_add_up_across_sections_and_dimensions() {
        let t = template();
        let s = score(
            &t,
            &answers(
                &t,
                &[
                    ("clean", json!(true)),
                    ("greet", json!(12)),
                    ("knew", json!(4)),
                    ("offer", json!("one")),
                    ("nps", json!(9)),
                ],
            ),
        );
        // clean 2/2, greet 3/3, knew 4*(3/4)=3 of 4, offer 2*(1/2)=1 of 2 → 9 of 11
        assert_eq!(s.overall.earned, 9.0);
        assert_eq!(s.overall.possible, 11.0);
        assert_eq!(s.overall.to_string(), "9 of 11 points");
        assert_eq!(s.sections[0].1.percent().map(Score::value), Some(100.0));
        assert!(
            (s.sections[1].1.percent().expect("scored").value() - 4.0 / 6.0 * 100.0).abs() < 1e-9
        );
        assert_eq!(s.dimensions[&Dimension::Assurance].earned, 3.0);
        assert_eq!(s.recommend, Some(9));
        assert!(!s.failed());
    }

    #[test]
    fn not_applicable_leaves_the_denominator() {
        let t = template();
        let s = score(
            &t,
            &answers(
                &t,
                &[
                    ("clean", json!("n/a")),
                    ("greet", json!(12)),
                    ("knew", json!(5)),
                    ("offer", json!("two")),
                ],
            ),
        );
        assert_eq!(s.overall.possible, 9.0);
        assert_eq!(s.overall.percent().map(Score::value), Some(100.0));
        assert_eq!(
            s.overall.to_string(),
            "9 of 9 points, 1 item not applicable"
        );
        assert_eq!(
            s.dimensions[&Dimension::Tangibles].percent(),
            None,
            "0/0 is no score, not 0%"
        );
    }

    #[test]
    fn a_failed_critical_item_fails_the_visit_even_with_a_high_score() {
        let t = template();
        let s = score(
            &t,
            &answers(
                &t,
                &[
                    ("clean", json!(true)),
                    ("greet", json!(45)),
                    ("knew", json!(5)),
                    ("offer", json!("two")),
                ],
            ),
        );
        assert_eq!(s.critical_failures, vec!["greet".to_string()]);
        assert!(s.failed());
        assert!(s.overall.percent().expect("scored").value() > 70.0);
    }

    #[test]
    fn a_low_scale_answer_counts_as_a_failed_item() {
        let t = template();
        let s = score(&t, &answers(&t, &[("knew", json!(2))]));
        let knew = s.items.iter().find(|i| i.question == "knew").expect("item");
        assert_eq!(knew.status, ItemStatus::Failed);
        assert_eq!(knew.earned, 1.0);
        assert_eq!(s.overall.failed_items, 1);
    }

    #[test]
    fn nothing_answered_gives_no_score_rather_than_zero() {
        let t = template();
        assert_eq!(score(&t, &AnswerSet::new()).overall.percent(), None);
    }

    #[test]
    fn nps_is_promoters_minus_detractors_over_answered() {
        let n = Nps::from_answers([10, 9, 8, 7, 6, 0, 10, 10]);
        assert_eq!((n.promoters, n.passives, n.detractors), (4, 2, 2));
        assert_eq!(n.value(), Some(25.0));
        assert_eq!(Nps::from_answers([]).value(), None);
    }

    #[test]
    fn points_print_like_a_person_writes_them() {
        assert_eq!(fmt_points(12.0), "12");
        assert_eq!(fmt_points(12.5), "12.5");
        assert_eq!(fmt_points(0.1 + 0.2), "0.3");
    }

    #[test]
    fn score_refuses_values_outside_zero_to_hundred() {
        assert!(Score::try_from(100.0).is_ok());
        assert!(Score::try_from(100.1).is_err());
        assert!(Score::try_from(f64::NAN).is_err());
    }
}
