//! The checklist designer's form, read into a template, and its editing steps.
//!
//! The designer is one HTML form whose field names say where a value goes (`s0.q2.weight`,
//! `s1.q0.o1.label.ru`, see [`Place::field_name`]). The server reads a posted form with
//! [`read_form`] to save the draft, and the browser reads the same form with the same
//! function on every keystroke to redraw the phone preview: what the admin sees in the
//! preview is what gets saved. Adding, removing and moving items are [`apply_step`]s, the
//! value of the button that was pressed, so the page works with JavaScript off as well.

use serde_json::Value;

use super::model::{
    Asks, ChoiceOption, Condition, Dimension, I18nText, Question, QuestionType, Section, Template,
    Threshold,
};
use super::template_check::{Place, ProblemKind};

/// The three languages texts are written in, as the form names them.
pub const LANGS: [&str; 3] = ["en", "zh-CN", "ru"];

/// Every question type, in the order the designer offers them.
pub const TYPES: [QuestionType; 10] = [
    QuestionType::YesNo,
    QuestionType::Scale5,
    QuestionType::Recommend,
    QuestionType::SingleChoice,
    QuestionType::MultipleChoice,
    QuestionType::Number,
    QuestionType::DurationSeconds,
    QuestionType::Count,
    QuestionType::FreeText,
    QuestionType::Photo,
];

pub fn parse_type(s: &str) -> Option<QuestionType> {
    TYPES.into_iter().find(|t| t.as_str() == s)
}

pub fn parse_dimension(s: &str) -> Option<Dimension> {
    Dimension::ALL.into_iter().find(|d| d.as_str() == s)
}

/// A text in one language, or None when that translation is missing.
pub fn text_in<'a>(t: &'a I18nText, lang: &str) -> Option<&'a str> {
    match lang {
        "en" => Some(t.en.as_str()),
        "zh-CN" => t.zh_cn.as_deref(),
        "ru" => t.ru.as_deref(),
        _ => None,
    }
    .filter(|s| !s.trim().is_empty())
}

fn set_text(t: &mut I18nText, lang: &str, value: &str) {
    let trimmed = value.trim();
    let kept = (!trimmed.is_empty()).then(|| trimmed.to_string());
    match lang {
        "en" => t.en = trimmed.to_string(),
        "zh-CN" => t.zh_cn = kept,
        "ru" => t.ru = kept,
        _ => {}
    }
}

/// The languages a text lacks (English included): the designer marks them.
pub fn missing_languages(t: &I18nText) -> Vec<&'static str> {
    LANGS
        .into_iter()
        .filter(|l| text_in(t, l).is_none())
        .collect()
}

/// A show-if value as the designer's box shows it: `yes`, `3`, `rude, slow`.
pub fn condition_text(v: &Value) -> String {
    match v {
        Value::Array(items) => items
            .iter()
            .map(condition_text)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A show-if box read for the question it looks at: yes/no for yes-no questions, option ids
/// for choices, whole numbers for scales and counts. A list is "any of".
pub fn parse_condition(text: &str, target: Option<&Question>) -> Value {
    let one = |part: &str| -> Value {
        let kind = target.map(|q| q.kind);
        match (kind, part.to_lowercase().as_str()) {
            (Some(QuestionType::YesNo), "yes" | "true") => Value::Bool(true),
            (Some(QuestionType::YesNo), "no" | "false") => Value::Bool(false),
            (
                Some(QuestionType::Scale5 | QuestionType::Recommend | QuestionType::Count),
                digits,
            ) if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) => digits
                .parse::<u64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(part.into())),
            _ => Value::String(part.to_string()),
        }
    };
    let parts: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [single] => one(single),
        many => Value::Array(many.iter().map(|p| one(p)).collect()),
    }
}

/// What reading a form found wrong before the template could be checked: a number box
/// holding something else (the saved value is kept).
#[derive(Clone, Debug, PartialEq)]
pub struct FormProblem {
    /// The form field's name.
    pub field: String,
    pub kind: ProblemKind,
}

/// Read a posted designer form over the draft it was drawn from. Fields absent from the form
/// keep the draft's value; items are those of the draft (steps add and remove them).
/// `number` reads a number box: the server uses Rust's parser, the browser its own (which
/// keeps a float parser out of the phone's bundle).
pub fn read_form(
    base: &Template,
    pairs: &[(String, String)],
    number: impl Fn(&str) -> Option<f64>,
) -> (Template, Vec<FormProblem>) {
    let mut t = base.clone();
    let mut problems = Vec::new();
    // Conditions are read last: they need the (possibly renamed) questions they look at.
    let mut conditions: Vec<(usize, usize, Option<String>, Option<String>)> = Vec::new();
    for (name, value) in pairs {
        let Some(at) = parse_field(name) else {
            continue;
        };
        match at {
            Field::Top(field) => read_top(&mut t, field, value),
            Field::Section(s, field) => {
                if let Some(section) = t.sections.get_mut(s) {
                    match field {
                        "id" => section.id = value.trim().to_string(),
                        f => {
                            if let Some(lang) = f.strip_prefix("title.") {
                                set_text(&mut section.title, lang, value);
                            }
                        }
                    }
                }
            }
            Field::Question(s, q, field) => {
                let Some(question) = t.sections.get_mut(s).and_then(|x| x.questions.get_mut(q))
                else {
                    continue;
                };
                match field {
                    "show_if.question" => upsert(&mut conditions, s, q, |c| {
                        c.2 = Some(value.trim().to_string())
                    }),
                    "show_if.equals" => upsert(&mut conditions, s, q, |c| {
                        c.3 = Some(value.trim().to_string())
                    }),
                    f => {
                        if let Err(kind) = read_question(question, f, value, &number) {
                            problems.push(FormProblem {
                                field: name.clone(),
                                kind,
                            });
                        }
                    }
                }
            }
            Field::Option(s, q, o, field) => {
                let Some(option) = t
                    .sections
                    .get_mut(s)
                    .and_then(|x| x.questions.get_mut(q))
                    .and_then(|x| x.options.get_mut(o))
                else {
                    continue;
                };
                match field {
                    "id" => option.id = value.trim().to_string(),
                    "points" => match value.trim() {
                        "" => option.points = 0.0,
                        v => match number(v) {
                            Some(p) => option.points = p,
                            None => problems.push(FormProblem {
                                field: name.clone(),
                                kind: ProblemKind::NotANumber,
                            }),
                        },
                    },
                    f => {
                        if let Some(lang) = f.strip_prefix("label.") {
                            set_text(&mut option.label, lang, value);
                        }
                    }
                }
            }
        }
    }
    for (s, q, question_id, equals) in conditions {
        let target_id = match question_id {
            Some(id) => id,
            None => match t.sections[s].questions[q].show_if.as_ref() {
                Some(c) => c.question.clone(),
                None => continue,
            },
        };
        if target_id.is_empty() {
            t.sections[s].questions[q].show_if = None;
            continue;
        }
        let equals_text = equals.unwrap_or_else(|| {
            t.sections[s].questions[q]
                .show_if
                .as_ref()
                .map(|c| condition_text(&c.equals))
                .unwrap_or_default()
        });
        let equals = parse_condition(&equals_text, t.question(&target_id));
        t.sections[s].questions[q].show_if = Some(Condition {
            question: target_id,
            equals,
        });
    }
    for section in &mut t.sections {
        for q in &mut section.questions {
            fit_to_type(q);
        }
    }
    (t, problems)
}

fn upsert(
    list: &mut Vec<(usize, usize, Option<String>, Option<String>)>,
    s: usize,
    q: usize,
    f: impl FnOnce(&mut (usize, usize, Option<String>, Option<String>)),
) {
    match list.iter_mut().find(|c| c.0 == s && c.1 == q) {
        Some(c) => f(c),
        None => {
            let mut c = (s, q, None, None);
            f(&mut c);
            list.push(c);
        }
    }
}

fn read_top(t: &mut Template, field: &str, value: &str) {
    if field == "channel" {
        if let Some(c) = super::model::Channel::parse(value.trim()) {
            t.channel = c;
        }
    } else if let Some(lang) = field.strip_prefix("title.") {
        set_text(&mut t.title, lang, value);
    } else if let Some(lang) = field.strip_prefix("description.") {
        let mut d = t.description.clone().unwrap_or_default();
        set_text(&mut d, lang, value);
        t.description = (missing_languages(&d).len() < LANGS.len()).then_some(d);
    } else if field == "min_minutes" {
        // Blank (or not a whole number of minutes up to ten hours): no minimum.
        t.min_minutes = value
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=600).contains(m));
    }
}

fn read_question(
    q: &mut Question,
    field: &str,
    value: &str,
    number: &impl Fn(&str) -> Option<f64>,
) -> Result<(), ProblemKind> {
    let v = value.trim();
    let optional = |v: &str| -> Result<Option<f64>, ProblemKind> {
        match v {
            "" => Ok(None),
            v => number(v).map(Some).ok_or(ProblemKind::NotANumber),
        }
    };
    match field {
        "id" => q.id = v.to_string(),
        "type" => {
            if let Some(kind) = parse_type(v) {
                q.kind = kind;
            }
        }
        "dimension" => q.dimension = parse_dimension(v),
        "asks" => q.asks = Asks::parse(v).unwrap_or_default(),
        "weight" => q.weight = number(v).ok_or(ProblemKind::NotANumber)?,
        "required" => q.required = v == "true",
        "na_allowed" => q.na_allowed = v == "true",
        "critical" => q.critical = v == "true",
        "min" => q.min = optional(v)?,
        "max" => q.max = optional(v)?,
        "max_len" => {
            q.max_len = match optional(v)? {
                None => None,
                Some(n) if n >= 1.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0 => {
                    Some(n as u32)
                }
                Some(_) => return Err(ProblemKind::NotANumber),
            }
        }
        "pass.at_least" | "pass.at_most" => {
            let bound = optional(v)?;
            let mut pass = q.pass.unwrap_or_default();
            if field == "pass.at_least" {
                pass.at_least = bound;
            } else {
                pass.at_most = bound;
            }
            q.pass = (pass != Threshold::default()).then_some(pass);
        }
        f => {
            if let Some(lang) = f.strip_prefix("text.") {
                set_text(&mut q.text, lang, value);
            } else if let Some(lang) = f.strip_prefix("help.") {
                let mut h = q.help.clone().unwrap_or_default();
                set_text(&mut h, lang, value);
                q.help = (missing_languages(&h).len() < LANGS.len()).then_some(h);
            }
        }
    }
    Ok(())
}

/// A question keeps only what its type uses: a yes/no question turned into a count drops its
/// options, a new choice question starts with two options to fill in.
fn fit_to_type(q: &mut Question) {
    if !q.kind.is_choice() {
        q.options.clear();
    } else if q.options.is_empty() {
        q.options = vec![blank_option(1, 1.0), blank_option(2, 0.0)];
    }
    if !q.kind.is_measured() {
        q.pass = None;
    }
    if q.kind != QuestionType::Number {
        q.min = None;
        q.max = None;
    }
    if q.kind != QuestionType::FreeText {
        q.max_len = None;
    }
}

fn blank_option(n: usize, points: f64) -> ChoiceOption {
    ChoiceOption {
        id: format!("option_{n}"),
        label: I18nText::default(),
        points,
    }
}

enum Field<'a> {
    Top(&'a str),
    Section(usize, &'a str),
    Question(usize, usize, &'a str),
    Option(usize, usize, usize, &'a str),
}

/// `s0.q2.o1.label.en` → where and which field.
fn parse_field(name: &str) -> Option<Field<'_>> {
    fn index(part: &str, prefix: char) -> Option<usize> {
        part.strip_prefix(prefix)?.parse().ok()
    }
    let mut parts = name.splitn(2, '.');
    let first = parts.next()?;
    let rest = parts.next();
    let Some(s) = index(first, 's') else {
        return Some(Field::Top(name));
    };
    let rest = rest?;
    let mut parts = rest.splitn(2, '.');
    let second = parts.next()?;
    let Some(q) = index(second, 'q') else {
        return Some(Field::Section(s, rest));
    };
    let rest = parts.next()?;
    let mut parts = rest.splitn(2, '.');
    let third = parts.next()?;
    match index(third, 'o') {
        Some(o) => Some(Field::Option(s, q, o, parts.next()?)),
        None => Some(Field::Question(s, q, rest)),
    }
}

/// A button of the designer that changes the draft's shape rather than a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    AddSection,
    RemoveSection(usize),
    AddQuestion(usize, QuestionType),
    RemoveQuestion(usize, usize),
    /// Up one place; the first of a section goes to the end of the one before.
    MoveUp(usize, usize),
    MoveDown(usize, usize),
    AddOption(usize, usize),
    RemoveOption(usize, usize, usize),
}

impl Step {
    /// The button's value: `add_question:1:yes_no`, `move_up:0:3`.
    pub fn value(self) -> String {
        match self {
            Step::AddSection => "add_section".into(),
            Step::RemoveSection(s) => format!("remove_section:{s}"),
            Step::AddQuestion(s, kind) => format!("add_question:{s}:{}", kind.as_str()),
            Step::RemoveQuestion(s, q) => format!("remove_question:{s}:{q}"),
            Step::MoveUp(s, q) => format!("move_up:{s}:{q}"),
            Step::MoveDown(s, q) => format!("move_down:{s}:{q}"),
            Step::AddOption(s, q) => format!("add_option:{s}:{q}"),
            Step::RemoveOption(s, q, o) => format!("remove_option:{s}:{q}:{o}"),
        }
    }

    pub fn parse(value: &str) -> Option<Step> {
        let mut parts = value.split(':');
        let name = parts.next()?;
        let mut n = || -> Option<usize> { parts.next()?.parse().ok() };
        let step = match name {
            "add_section" => Step::AddSection,
            "remove_section" => Step::RemoveSection(n()?),
            "add_question" => {
                let s = n()?;
                let kind = parse_type(value.rsplit(':').next()?)?;
                Step::AddQuestion(s, kind)
            }
            "remove_question" => Step::RemoveQuestion(n()?, n()?),
            "move_up" => Step::MoveUp(n()?, n()?),
            "move_down" => Step::MoveDown(n()?, n()?),
            "add_option" => Step::AddOption(n()?, n()?),
            "remove_option" => Step::RemoveOption(n()?, n()?, n()?),
            _ => return None,
        };
        Some(step)
    }
}

/// An id not used yet in the template: `q7`, `section_3`.
fn fresh_id(t: &Template, prefix: &str) -> String {
    (1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|id| !t.sections.iter().any(|s| s.id == *id) && t.question(id).is_none())
        .unwrap_or_default()
}

/// A new question of `kind`: English text to fill in, scored types on a dimension to choose.
pub fn blank_question(t: &Template, kind: QuestionType) -> Question {
    let mut q = Question {
        id: fresh_id(t, "q"),
        kind,
        text: I18nText::default(),
        help: None,
        dimension: None,
        asks: Asks::Perception,
        weight: 1.0,
        required: true,
        na_allowed: false,
        critical: false,
        show_if: None,
        options: Vec::new(),
        min: None,
        max: None,
        pass: None,
        max_len: None,
    };
    fit_to_type(&mut q);
    q
}

/// A new template with one empty section, for the designer's "New checklist".
pub fn blank_template(key: &str, channel: super::model::Channel) -> Template {
    Template {
        key: key.to_string(),
        channel,
        title: I18nText::default(),
        description: None,
        min_minutes: None,
        sections: vec![Section {
            id: "section_1".into(),
            title: I18nText::default(),
            questions: Vec::new(),
        }],
    }
}

/// Apply a step; false when it names an item that is not there (nothing changes).
pub fn apply_step(t: &mut Template, step: Step) -> bool {
    match step {
        Step::AddSection => {
            let id = fresh_id(t, "section_");
            t.sections.push(Section {
                id,
                title: I18nText::default(),
                questions: Vec::new(),
            });
        }
        Step::RemoveSection(s) if s < t.sections.len() => {
            t.sections.remove(s);
        }
        Step::AddQuestion(s, kind) if s < t.sections.len() => {
            let q = blank_question(t, kind);
            t.sections[s].questions.push(q);
        }
        Step::RemoveQuestion(s, q) if has_question(t, s, q) => {
            t.sections[s].questions.remove(q);
        }
        Step::MoveUp(s, q) if has_question(t, s, q) => {
            if q > 0 {
                t.sections[s].questions.swap(q, q - 1);
            } else if s > 0 {
                let moved = t.sections[s].questions.remove(0);
                t.sections[s - 1].questions.push(moved);
            } else {
                return false;
            }
        }
        Step::MoveDown(s, q) if has_question(t, s, q) => {
            if q + 1 < t.sections[s].questions.len() {
                t.sections[s].questions.swap(q, q + 1);
            } else if s + 1 < t.sections.len() {
                let moved = t.sections[s].questions.remove(q);
                t.sections[s + 1].questions.insert(0, moved);
            } else {
                return false;
            }
        }
        Step::AddOption(s, q) if has_question(t, s, q) => {
            let question = &mut t.sections[s].questions[q];
            if !question.kind.is_choice() {
                return false;
            }
            let n = (1..)
                .find(|n| question.option(&format!("option_{n}")).is_none())
                .unwrap_or(1);
            question.options.push(blank_option(n, 0.0));
        }
        Step::RemoveOption(s, q, o)
            if has_question(t, s, q) && o < t.sections[s].questions[q].options.len() =>
        {
            t.sections[s].questions[q].options.remove(o);
        }
        _ => return false,
    }
    true
}

fn has_question(t: &Template, s: usize, q: usize) -> bool {
    t.sections.get(s).is_some_and(|x| q < x.questions.len())
}

/// Every field of a template as the designer's form posts it: reading these back with
/// [`read_form`] gives the template again (the tests hold the two to each other).
pub fn form_pairs(t: &Template) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut push = |place: Place, field: &str, value: String| {
        out.push((place.field_name(field), value));
    };
    let texts =
        |push: &mut dyn FnMut(Place, &str, String), place: Place, name: &str, t: &I18nText| {
            for lang in LANGS {
                push(
                    place,
                    &format!("{name}.{lang}"),
                    text_in(t, lang).unwrap_or_default().to_string(),
                );
            }
        };
    let top = Place::Template;
    push(top, "channel", t.channel.as_str().into());
    texts(&mut push, top, "title", &t.title);
    texts(
        &mut push,
        top,
        "description",
        &t.description.clone().unwrap_or_default(),
    );
    push(
        top,
        "min_minutes",
        t.min_minutes.map(|m| m.to_string()).unwrap_or_default(),
    );
    let num = |v: Option<f64>| v.map(|n| n.to_string()).unwrap_or_default();
    for (si, s) in t.sections.iter().enumerate() {
        let at = Place::Section(si);
        push(at, "id", s.id.clone());
        texts(&mut push, at, "title", &s.title);
        for (qi, q) in s.questions.iter().enumerate() {
            let at = Place::Question(si, qi);
            push(at, "id", q.id.clone());
            push(at, "type", q.kind.as_str().into());
            texts(&mut push, at, "text", &q.text);
            texts(&mut push, at, "help", &q.help.clone().unwrap_or_default());
            push(
                at,
                "dimension",
                q.dimension.map(|d| d.as_str()).unwrap_or_default().into(),
            );
            push(at, "asks", q.asks.as_str().into());
            push(at, "weight", q.weight.to_string());
            push(at, "required", q.required.to_string());
            push(at, "na_allowed", q.na_allowed.to_string());
            push(at, "critical", q.critical.to_string());
            push(
                at,
                "show_if.question",
                q.show_if
                    .as_ref()
                    .map(|c| c.question.clone())
                    .unwrap_or_default(),
            );
            push(
                at,
                "show_if.equals",
                q.show_if
                    .as_ref()
                    .map(|c| condition_text(&c.equals))
                    .unwrap_or_default(),
            );
            push(at, "min", num(q.min));
            push(at, "max", num(q.max));
            push(at, "pass.at_least", num(q.pass.and_then(|p| p.at_least)));
            push(at, "pass.at_most", num(q.pass.and_then(|p| p.at_most)));
            push(at, "max_len", num(q.max_len.map(f64::from)));
            for (oi, o) in q.options.iter().enumerate() {
                let at = Place::Option(si, qi, oi);
                push(at, "id", o.id.clone());
                texts(&mut push, at, "label", &o.label);
                push(at, "points", o.points.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template_check::template_problems;

    fn parse(v: &str) -> Option<f64> {
        v.parse().ok()
    }

    fn builtins() -> Vec<Template> {
        crate::domain::builtin::builtin_templates().expect("built-ins parse")
    }

    #[test]
    fn every_builtin_template_survives_the_form_unchanged() {
        for t in builtins() {
            let pairs = form_pairs(&t);
            let (read, problems) = read_form(&t, &pairs, parse);
            assert!(problems.is_empty(), "{}: {problems:?}", t.key);
            assert_eq!(read, t, "{}", t.key);
        }
    }

    #[test]
    fn a_form_read_over_an_empty_draft_of_the_same_shape_gives_the_template() {
        for t in builtins() {
            // The same items, every value blanked: everything comes from the form.
            let mut blank = t.clone();
            blank.title = I18nText::default();
            for s in &mut blank.sections {
                s.title = I18nText::default();
                for q in &mut s.questions {
                    q.text = I18nText::default();
                    q.weight = 7.0;
                    q.required = !q.required;
                    q.show_if = None;
                    q.dimension = None;
                }
            }
            let (read, _) = read_form(&blank, &form_pairs(&t), parse);
            assert_eq!(read, t, "{}", t.key);
        }
    }

    #[test]
    fn a_number_box_with_words_is_reported_and_the_saved_value_kept() {
        let t = &builtins()[0];
        let pairs = vec![("s0.q0.weight".to_string(), "heavy".to_string())];
        let (read, problems) = read_form(t, &pairs, parse);
        assert_eq!(
            read.sections[0].questions[0].weight,
            t.sections[0].questions[0].weight
        );
        assert_eq!(
            problems,
            vec![FormProblem {
                field: "s0.q0.weight".into(),
                kind: ProblemKind::NotANumber
            }]
        );
    }

    #[test]
    fn a_checkbox_posts_false_then_true_and_the_last_value_wins() {
        let t = &builtins()[0];
        let field = "s0.q0.critical".to_string();
        let on = vec![
            (field.clone(), "false".into()),
            (field.clone(), "true".into()),
        ];
        assert!(read_form(t, &on, parse).0.sections[0].questions[0].critical);
        let off = vec![(field, "false".into())];
        assert!(!read_form(t, &off, parse).0.sections[0].questions[0].critical);
    }

    #[test]
    fn a_show_if_box_is_read_for_the_type_of_the_question_it_looks_at() {
        let mut t = blank_template("t-1", super::super::model::Channel::MysteryCall);
        apply_step(&mut t, Step::AddQuestion(0, QuestionType::YesNo));
        apply_step(&mut t, Step::AddQuestion(0, QuestionType::Count));
        apply_step(&mut t, Step::AddQuestion(0, QuestionType::SingleChoice));
        let pairs: Vec<(String, String)> = [
            ("s0.q1.show_if.question", "q1"),
            ("s0.q1.show_if.equals", "Yes"),
            ("s0.q2.show_if.question", "q2"),
            ("s0.q2.show_if.equals", "3, 4"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let (read, _) = read_form(&t, &pairs, parse);
        let cond = |i: usize| read.sections[0].questions[i].show_if.clone().expect("set");
        assert_eq!(cond(1).equals, Value::Bool(true));
        assert_eq!(cond(2).equals, serde_json::json!([3, 4]));
        // An empty question box removes the condition.
        let clear = vec![("s0.q1.show_if.question".to_string(), String::new())];
        assert!(read_form(&read, &clear, parse).0.sections[0].questions[1]
            .show_if
            .is_none());
    }

    #[test]
    fn changing_a_type_keeps_only_what_the_new_type_uses() {
        let mut t = blank_template("t-1", super::super::model::Channel::MysteryVisit);
        apply_step(&mut t, Step::AddQuestion(0, QuestionType::SingleChoice));
        assert_eq!(t.sections[0].questions[0].options.len(), 2);
        let pairs = vec![
            ("s0.q0.type".to_string(), "count".to_string()),
            ("s0.q0.pass.at_most".to_string(), "3".to_string()),
        ];
        let (read, _) = read_form(&t, &pairs, parse);
        let q = &read.sections[0].questions[0];
        assert!(q.options.is_empty());
        assert_eq!(q.pass.and_then(|p| p.at_most), Some(3.0));
    }

    #[test]
    fn steps_add_move_and_remove_items_and_refuse_what_is_not_there() {
        let mut t = blank_template("t-1", super::super::model::Channel::MysteryVisit);
        assert!(apply_step(
            &mut t,
            Step::AddQuestion(0, QuestionType::YesNo)
        ));
        assert!(apply_step(&mut t, Step::AddSection));
        assert!(apply_step(
            &mut t,
            Step::AddQuestion(1, QuestionType::Scale5)
        ));
        // Down from the end of section 0 is the start of section 1.
        assert!(apply_step(&mut t, Step::MoveDown(0, 0)));
        assert_eq!(t.sections[1].questions[0].id, "q1");
        assert_eq!(t.sections[1].questions[1].id, "q2");
        assert!(apply_step(&mut t, Step::MoveUp(1, 0)));
        assert_eq!(t.sections[0].questions[0].id, "q1");
        assert!(!apply_step(&mut t, Step::MoveUp(0, 0)));
        assert!(!apply_step(&mut t, Step::RemoveQuestion(4, 0)));
        assert!(
            !apply_step(&mut t, Step::AddOption(0, 0)),
            "yes/no takes no options"
        );
        assert!(apply_step(&mut t, Step::RemoveSection(1)));
        assert_eq!(t.question_count(), 1);
        for step in [
            Step::AddSection,
            Step::AddQuestion(2, QuestionType::DurationSeconds),
            Step::RemoveOption(1, 2, 3),
            Step::MoveDown(0, 5),
        ] {
            assert_eq!(Step::parse(&step.value()), Some(step));
        }
        assert_eq!(Step::parse("drop_table:1"), None);
    }

    #[test]
    fn a_new_question_is_reported_until_its_text_and_dimension_are_given() {
        let mut t = blank_template("new-one", super::super::model::Channel::MysteryVisit);
        apply_step(&mut t, Step::AddQuestion(0, QuestionType::YesNo));
        let fields: Vec<String> = template_problems(&t)
            .iter()
            .map(|p| p.field_name())
            .collect();
        for f in [
            "title.en",
            "s0.title.en",
            "s0.q0.text.en",
            "s0.q0.dimension",
        ] {
            assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
        }
    }

    #[test]
    fn missing_translations_are_listed() {
        let t = I18nText {
            en: "Hello".into(),
            zh_cn: None,
            ru: Some(" ".into()),
        };
        assert_eq!(missing_languages(&t), vec!["zh-CN", "ru"]);
    }
}
