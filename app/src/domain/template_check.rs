//! Checks a template document before it is published, with one problem per mistake.
//!
//! Authors write templates in the designer or by hand as JSON; a mistake found before
//! publishing costs a minute, the same mistake found by a shopper in a store costs a visit.
//! So every rule the scoring engine and the forms rely on is checked here, and all problems
//! are reported at once. Each problem knows the item and the field it concerns, so the
//! designer shows it beside that field (in the reader's language, from its `code`), while
//! the command line and the API read the English sentence.

use std::collections::HashSet;
use std::fmt;

use super::model::{Question, QuestionType, Template};

/// Longest free text we accept when a question does not set its own limit.
pub const DEFAULT_TEXT_MAX_LEN: u32 = 2000;
pub const MAX_QUESTIONS: usize = 200;

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

/// Which item of the document a problem is about, by position (ids may be wrong or twice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Template,
    Section(usize),
    /// Section index, question index within it.
    Question(usize, usize),
    /// Section, question and option index.
    Option(usize, usize, usize),
}

impl Place {
    /// The designer's form name of `field` at this place: `s0.q2.weight`, `s0.q2.o1.label.en`.
    pub fn field_name(self, field: &str) -> String {
        match self {
            Place::Template => field.to_string(),
            Place::Section(s) => format!("s{s}.{field}"),
            Place::Question(s, q) => format!("s{s}.q{q}.{field}"),
            Place::Option(s, q, o) => format!("s{s}.q{q}.o{o}.{field}"),
        }
    }
}

/// What is wrong. `code` names the message a page shows; `Display` is the English sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum ProblemKind {
    KeyInvalid(String),
    NeedsEnglish,
    NoSections,
    TooManyQuestions,
    OneRecommendOnly,
    IdInvalid,
    IdTwice,
    NoQuestions,
    WeightRange,
    NeedsTwoOptions(&'static str),
    OptionIdInvalid(String),
    OptionTwice(String),
    OptionPoints(String),
    OptionNeedsEnglish(String),
    ChoiceNeedsPoints,
    NoOptionsFor(&'static str),
    MinMaxOnlyNumber(&'static str),
    MinAboveMax,
    PassOnlyMeasured(&'static str),
    PassNeedsBound,
    PassLowAboveHigh,
    MaxLenOnlyText(&'static str),
    NeedsDimension,
    CriticalNeedsScore,
    ShowIfNotEarlier(String),
    ShowIfEmptyList,
    ShowIfMismatch {
        value: String,
        question: String,
        kind: &'static str,
    },
    ExpectationNeedsScale,
    ExpectationNeedsDimension,
    /// The designer's form: a number box holds something else.
    NotANumber,
}

impl ProblemKind {
    /// The message's name: the designer shows `designer.problem.{code}`.
    pub fn code(&self) -> &'static str {
        use ProblemKind::*;
        match self {
            KeyInvalid(_) => "key_invalid",
            NeedsEnglish => "needs_english",
            NoSections => "no_sections",
            TooManyQuestions => "too_many_questions",
            OneRecommendOnly => "one_recommend_only",
            IdInvalid => "id_invalid",
            IdTwice => "id_twice",
            NoQuestions => "no_questions",
            WeightRange => "weight_range",
            NeedsTwoOptions(_) => "needs_two_options",
            OptionIdInvalid(_) => "option_id_invalid",
            OptionTwice(_) => "option_twice",
            OptionPoints(_) => "option_points",
            OptionNeedsEnglish(_) => "option_needs_english",
            ChoiceNeedsPoints => "choice_needs_points",
            NoOptionsFor(_) => "no_options_for",
            MinMaxOnlyNumber(_) => "min_max_only_number",
            MinAboveMax => "min_above_max",
            PassOnlyMeasured(_) => "pass_only_measured",
            PassNeedsBound => "pass_needs_bound",
            PassLowAboveHigh => "pass_low_above_high",
            MaxLenOnlyText(_) => "max_len_only_text",
            NeedsDimension => "needs_dimension",
            CriticalNeedsScore => "critical_needs_score",
            ShowIfNotEarlier(_) => "show_if_not_earlier",
            ShowIfEmptyList => "show_if_empty_list",
            ShowIfMismatch { .. } => "show_if_mismatch",
            ExpectationNeedsScale => "expectation_needs_scale",
            ExpectationNeedsDimension => "expectation_needs_dimension",
            NotANumber => "not_a_number",
        }
    }

    /// The value a message names (`%{detail}`): an option id, a type, a key.
    pub fn detail(&self) -> String {
        use ProblemKind::*;
        match self {
            KeyInvalid(s)
            | OptionIdInvalid(s)
            | OptionTwice(s)
            | OptionPoints(s)
            | OptionNeedsEnglish(s)
            | ShowIfNotEarlier(s) => s.clone(),
            NeedsTwoOptions(k) | NoOptionsFor(k) | MinMaxOnlyNumber(k) | PassOnlyMeasured(k)
            | MaxLenOnlyText(k) => (*k).to_string(),
            ShowIfMismatch {
                value, question, ..
            } => format!("{value} / {question}"),
            _ => String::new(),
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ProblemKind::*;
        match self {
            KeyInvalid(key) => write!(
                f,
                "key \"{key}\" must be 2-64 lower-case letters, digits or dashes"
            ),
            NeedsEnglish => f.write_str("needs English text"),
            NoSections => f.write_str("a template needs at least one section"),
            TooManyQuestions => write!(f, "a template may have at most {MAX_QUESTIONS} questions"),
            OneRecommendOnly => f.write_str(
                "a template may have at most one likelihood_0_10 question (it feeds NPS)",
            ),
            IdInvalid => f.write_str("id must be lower-case letters, digits or underscores"),
            IdTwice => f.write_str("id is used twice"),
            NoQuestions => f.write_str("has no questions"),
            WeightRange => f.write_str("weight must be a number from 0 to 100"),
            NeedsTwoOptions(kind) => write!(f, "{kind} needs at least two options"),
            OptionIdInvalid(id) => write!(
                f,
                "option \"{id}\": id must be lower-case letters, digits or underscores"
            ),
            OptionTwice(id) => write!(f, "option \"{id}\" is listed twice"),
            OptionPoints(id) => write!(f, "option \"{id}\": points must be zero or more"),
            OptionNeedsEnglish(id) => write!(f, "option \"{id}\": label needs English text"),
            ChoiceNeedsPoints => {
                f.write_str("a scored choice question needs at least one option worth points")
            }
            NoOptionsFor(kind) => write!(f, "{kind} questions do not take options"),
            MinMaxOnlyNumber(kind) => write!(f, "min/max apply to number questions, not {kind}"),
            MinAboveMax => f.write_str("min is greater than max"),
            PassOnlyMeasured(kind) => write!(
                f,
                "a pass threshold applies to number, duration or count questions, not {kind}"
            ),
            PassNeedsBound => f.write_str("pass needs at_least or at_most"),
            PassLowAboveHigh => f.write_str("pass.at_least is greater than pass.at_most"),
            MaxLenOnlyText(kind) => write!(f, "max_len applies to free_text, not {kind}"),
            NeedsDimension => f.write_str("every scored question needs a dimension (tangibles, reliability, responsiveness, assurance or empathy)"),
            CriticalNeedsScore => f.write_str("only a scored question can be critical"),
            ShowIfNotEarlier(id) => write!(
                f,
                "show_if refers to \"{id}\", which is not an earlier question"
            ),
            ShowIfEmptyList => f.write_str("show_if: equals may not be an empty list"),
            ShowIfMismatch {
                value,
                question,
                kind,
            } => write!(
                f,
                "show_if: {value} cannot be compared with the answer to \"{question}\" ({kind})"
            ),
            ExpectationNeedsScale => f.write_str(
                "an expectation or importance question is a scale_1_5 question",
            ),
            ExpectationNeedsDimension => {
                f.write_str("an expectation or importance question needs a dimension")
            }
            NotANumber => f.write_str("not a number"),
        }
    }
}

/// One mistake in a template: where, in which field, and what.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateProblem {
    pub place: Place,
    /// The field's name within its item (`weight`, `text.en`, `show_if.question`).
    pub field: &'static str,
    /// How the item is named in a sentence: `question "greet"`, `section "arrival"`.
    pub label: String,
    pub kind: ProblemKind,
}

impl TemplateProblem {
    /// The designer's form name of the field this is about.
    pub fn field_name(&self) -> String {
        self.place.field_name(self.field)
    }
}

impl fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, self.label.is_empty()) {
            // "title needs English text", as the import always said it.
            (ProblemKind::NeedsEnglish, _) => {
                let field = self.field.trim_end_matches(".en");
                if self.label.is_empty() {
                    write!(f, "{field} {}", self.kind)
                } else {
                    write!(f, "{}: {field} {}", self.label, self.kind)
                }
            }
            (_, true) => write!(f, "{}", self.kind),
            (_, false) => write!(f, "{}: {}", self.label, self.kind),
        }
    }
}

/// Parse a template from JSON text and check it. Errors are sentences for a person.
pub fn parse_template(json: &str) -> Result<Template, Vec<String>> {
    let template: Template = serde_json::from_str(json)
        .map_err(|e| vec![format!("not a valid template document: {e}")])?;
    check_template(&template)?;
    Ok(template)
}

/// Check a template; the problems as English sentences (the import's and the API's answer).
pub fn check_template(t: &Template) -> Result<(), Vec<String>> {
    let problems = template_problems(t);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.iter().map(ToString::to_string).collect())
    }
}

/// Every problem of a template, in document order.
pub fn template_problems(t: &Template) -> Vec<TemplateProblem> {
    let mut out = Problems(Vec::new());
    let top = Place::Template;
    if !is_valid_template_key(&t.key) {
        out.push(top, "key", "", ProblemKind::KeyInvalid(t.key.clone()));
    }
    if t.title.en.trim().is_empty() {
        out.push(top, "title.en", "", ProblemKind::NeedsEnglish);
    }
    if t.sections.is_empty() {
        out.push(top, "sections", "", ProblemKind::NoSections);
    }
    if t.question_count() > MAX_QUESTIONS {
        out.push(top, "sections", "", ProblemKind::TooManyQuestions);
    }

    let mut section_ids = HashSet::new();
    // Questions seen so far, in order: a condition may only look back.
    let mut earlier: Vec<&Question> = Vec::new();
    let mut recommend_count = 0;
    for (si, section) in t.sections.iter().enumerate() {
        let at = Place::Section(si);
        let label = format!("section \"{}\"", section.id);
        if !is_valid_item_id(&section.id) {
            out.push(at, "id", &label, ProblemKind::IdInvalid);
        }
        if !section_ids.insert(section.id.as_str()) {
            out.push(at, "id", &label, ProblemKind::IdTwice);
        }
        if section.title.en.trim().is_empty() {
            out.push(at, "title.en", &label, ProblemKind::NeedsEnglish);
        }
        if section.questions.is_empty() {
            out.push(at, "questions", &label, ProblemKind::NoQuestions);
        }
        for (qi, q) in section.questions.iter().enumerate() {
            let at = Place::Question(si, qi);
            let label = format!("question \"{}\"", q.id);
            if earlier.iter().any(|e| e.id == q.id) {
                out.push(at, "id", &label, ProblemKind::IdTwice);
            }
            if q.kind == QuestionType::Recommend {
                recommend_count += 1;
                if recommend_count == 2 {
                    out.push(at, "type", "", ProblemKind::OneRecommendOnly);
                }
            }
            check_question(q, &earlier, at, &label, &mut out);
            earlier.push(q);
        }
    }
    out.0
}

struct Problems(Vec<TemplateProblem>);

impl Problems {
    fn push(&mut self, place: Place, field: &'static str, label: &str, kind: ProblemKind) {
        self.0.push(TemplateProblem {
            place,
            field,
            label: label.to_string(),
            kind,
        });
    }
}

fn check_question(q: &Question, earlier: &[&Question], at: Place, label: &str, out: &mut Problems) {
    use ProblemKind as P;
    let mut err = |field: &'static str, kind: ProblemKind| out.push(at, field, label, kind);
    if !is_valid_item_id(&q.id) {
        err("id", P::IdInvalid);
    }
    if q.text.en.trim().is_empty() {
        err("text.en", P::NeedsEnglish);
    }
    if !q.weight.is_finite() || !(0.0..=100.0).contains(&q.weight) {
        err("weight", P::WeightRange);
    }
    let kind = q.kind.as_str();
    if q.kind.is_choice() {
        if q.options.len() < 2 {
            err("options", P::NeedsTwoOptions(kind));
        }
        let mut ids = HashSet::new();
        for (oi, o) in q.options.iter().enumerate() {
            let Place::Question(s, qn) = at else {
                continue;
            };
            let here = Place::Option(s, qn, oi);
            let mut opt =
                |field: &'static str, kind: ProblemKind| out.push(here, field, label, kind);
            if !is_valid_item_id(&o.id) {
                opt("id", P::OptionIdInvalid(o.id.clone()));
            }
            if !ids.insert(o.id.as_str()) {
                opt("id", P::OptionTwice(o.id.clone()));
            }
            if !o.points.is_finite() || o.points < 0.0 {
                opt("points", P::OptionPoints(o.id.clone()));
            }
            if o.label.en.trim().is_empty() {
                opt("label.en", P::OptionNeedsEnglish(o.id.clone()));
            }
        }
        let mut err = |field: &'static str, kind: ProblemKind| out.push(at, field, label, kind);
        if q.is_scored() && q.options.iter().all(|o| o.points <= 0.0) {
            err("options", P::ChoiceNeedsPoints);
        }
    } else if !q.options.is_empty() {
        err("options", P::NoOptionsFor(kind));
    }
    let mut err = |field: &'static str, kind: ProblemKind| out.push(at, field, label, kind);
    if q.kind != QuestionType::Number && (q.min.is_some() || q.max.is_some()) {
        err("min", P::MinMaxOnlyNumber(kind));
    }
    if let (Some(lo), Some(hi)) = (q.min, q.max) {
        if lo > hi {
            err("max", P::MinAboveMax);
        }
    }
    if let Some(pass) = q.pass {
        if !q.kind.is_measured() {
            err("pass.at_most", P::PassOnlyMeasured(kind));
        }
        match (pass.at_least, pass.at_most) {
            (None, None) => err("pass.at_most", P::PassNeedsBound),
            (Some(lo), Some(hi)) if lo > hi => err("pass.at_least", P::PassLowAboveHigh),
            _ => {}
        }
    }
    if q.max_len.is_some() && q.kind != QuestionType::FreeText {
        err("max_len", P::MaxLenOnlyText(kind));
    }
    if q.asks.is_perception() {
        if q.is_scored() && q.kind != QuestionType::Recommend && q.dimension.is_none() {
            err("dimension", P::NeedsDimension);
        }
    } else {
        if q.kind != QuestionType::Scale5 {
            err("asks", P::ExpectationNeedsScale);
        }
        if q.dimension.is_none() {
            err("dimension", P::ExpectationNeedsDimension);
        }
    }
    if q.critical && !q.is_scored() {
        err("critical", P::CriticalNeedsScore);
    }
    if let Some(cond) = &q.show_if {
        match earlier.iter().find(|e| e.id == cond.question) {
            None => err(
                "show_if.question",
                P::ShowIfNotEarlier(cond.question.clone()),
            ),
            Some(target) => {
                if let Err(kind) = check_condition_value(target, &cond.equals) {
                    err("show_if.equals", kind);
                }
            }
        }
    }
}

fn check_condition_value(target: &Question, value: &serde_json::Value) -> Result<(), ProblemKind> {
    let values: Vec<&serde_json::Value> = match value {
        serde_json::Value::Array(items) if !items.is_empty() => items.iter().collect(),
        serde_json::Value::Array(_) => return Err(ProblemKind::ShowIfEmptyList),
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
            return Err(ProblemKind::ShowIfMismatch {
                value: v.to_string(),
                question: target.id.clone(),
                kind: target.kind.as_str(),
            });
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
