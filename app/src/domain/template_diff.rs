//! What changed between two versions of a checklist, item by item.
//!
//! A published version never changes, and visits keep the version they were started on, so
//! a manager comparing this month with last needs to know what the checklist asked then:
//! which questions came and went, and which changed their text, weight or scoring. Items are
//! matched by id, the same key answers are stored under.

use serde::{Deserialize, Serialize};

use super::model::{Question, Template};

/// One difference between two versions.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// The title, description or channel of the checklist.
    Checklist {
        fields: Vec<String>,
    },
    SectionAdded {
        section: String,
    },
    SectionRemoved {
        section: String,
    },
    /// A section's title changed.
    SectionRenamed {
        section: String,
    },
    QuestionAdded {
        section: String,
        question: String,
    },
    QuestionRemoved {
        question: String,
    },
    /// Same question, now in another section or place.
    QuestionMoved {
        question: String,
    },
    /// Same question, these fields differ (`text`, `weight`, `options`...).
    QuestionChanged {
        question: String,
        fields: Vec<String>,
    },
}

/// The fields of a question that differ, by name.
fn question_fields(a: &Question, b: &Question) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |name: &'static str, differs: bool| {
        if differs {
            out.push(name);
        }
    };
    check("type", a.kind != b.kind);
    check("text", a.text != b.text);
    check("help", a.help != b.help);
    check("dimension", a.dimension != b.dimension);
    check("asks", a.asks != b.asks);
    check("weight", a.weight != b.weight);
    check("required", a.required != b.required);
    check("na_allowed", a.na_allowed != b.na_allowed);
    check("critical", a.critical != b.critical);
    check("show_if", a.show_if != b.show_if);
    check("options", a.options != b.options);
    check("min_max", a.min != b.min || a.max != b.max);
    check("pass", a.pass != b.pass);
    check("max_len", a.max_len != b.max_len);
    out
}

/// Where each question sits: (section id, position among all questions).
fn positions(t: &Template) -> Vec<(&str, &str)> {
    t.questions()
        .map(|(s, q)| (s.id.as_str(), q.id.as_str()))
        .collect()
}

/// Every change from `old` to `new`, checklist first, then sections, then questions in the
/// new version's order with removed ones last.
pub fn diff(old: &Template, new: &Template) -> Vec<Change> {
    let mut out = Vec::new();
    let mut top = Vec::new();
    if old.title != new.title {
        top.push("title");
    }
    if old.description != new.description {
        top.push("description");
    }
    if old.channel != new.channel {
        top.push("channel");
    }
    if !top.is_empty() {
        out.push(Change::Checklist {
            fields: top.into_iter().map(String::from).collect(),
        });
    }
    for s in &new.sections {
        match old.sections.iter().find(|o| o.id == s.id) {
            None => out.push(Change::SectionAdded {
                section: s.id.clone(),
            }),
            Some(o) if o.title != s.title => out.push(Change::SectionRenamed {
                section: s.id.clone(),
            }),
            Some(_) => {}
        }
    }
    for o in &old.sections {
        if !new.sections.iter().any(|s| s.id == o.id) {
            out.push(Change::SectionRemoved {
                section: o.id.clone(),
            });
        }
    }
    // A question moved when its section differs, or when it is not among the longest run of
    // shared questions that kept their order (so an insertion elsewhere moves nobody, and
    // moving one question names that one only).
    let old_pos = positions(old);
    let new_pos = positions(new);
    let shared = |list: &[(&str, &str)], other: &Template| -> Vec<String> {
        list.iter()
            .filter(|(_, q)| other.question(q).is_some())
            .map(|(_, q)| q.to_string())
            .collect()
    };
    let in_order = longest_common_run(&shared(&old_pos, new), &shared(&new_pos, old));
    for (section, q) in new.questions() {
        let Some(before) = old.question(&q.id) else {
            out.push(Change::QuestionAdded {
                section: section.id.clone(),
                question: q.id.clone(),
            });
            continue;
        };
        let old_section = old_pos.iter().find(|(_, id)| *id == q.id).map(|(s, _)| *s);
        if old_section != Some(section.id.as_str()) || !in_order.contains(&q.id) {
            out.push(Change::QuestionMoved {
                question: q.id.clone(),
            });
        }
        let fields = question_fields(before, q);
        if !fields.is_empty() {
            out.push(Change::QuestionChanged {
                question: q.id.clone(),
                fields: fields.into_iter().map(String::from).collect(),
            });
        }
    }
    for (_, q) in old.questions() {
        if new.question(&q.id).is_none() {
            out.push(Change::QuestionRemoved {
                question: q.id.clone(),
            });
        }
    }
    out
}

/// The longest common subsequence of two id lists (at most a few hundred items each).
fn longest_common_run(a: &[String], b: &[String]) -> Vec<String> {
    let mut len = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            len[i][j] = if a[i] == b[j] {
                len[i + 1][j + 1] + 1
            } else {
                len[i + 1][j].max(len[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(a[i].clone());
            i += 1;
            j += 1;
        } else if len[i + 1][j] >= len[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template_form::{apply_step, Step};
    use crate::domain::QuestionType;

    fn visit() -> Template {
        crate::domain::builtin::builtin_templates()
            .expect("built-ins")
            .into_iter()
            .find(|t| t.key == "instore-visit")
            .expect("the visit checklist")
    }

    #[test]
    fn a_version_has_no_changes_from_itself() {
        let t = visit();
        assert!(diff(&t, &t).is_empty());
    }

    #[test]
    fn added_removed_changed_and_moved_questions_are_each_named_once() {
        let old = visit();
        let mut new = old.clone();
        let removed = new.sections[0].questions.remove(0).id;
        new.sections[0].questions[0].weight += 1.0;
        new.sections[0].questions[0].text.en.push_str(" (changed)");
        let changed = new.sections[0].questions[0].id.clone();
        let moved = new.sections[1].questions.remove(0);
        let moved_id = moved.id.clone();
        new.sections[2].questions.push(moved);
        apply_step(&mut new, Step::AddQuestion(1, QuestionType::YesNo));
        let added = new.sections[1].questions.last().expect("added").id.clone();
        let changes = diff(&old, &new);
        assert!(changes.contains(&Change::QuestionRemoved { question: removed }));
        assert!(changes.contains(&Change::QuestionChanged {
            question: changed,
            fields: vec!["text".into(), "weight".into()]
        }));
        assert!(changes.contains(&Change::QuestionMoved { question: moved_id }));
        assert!(changes.contains(&Change::QuestionAdded {
            section: new.sections[1].id.clone(),
            question: added
        }));
        // Removing the first question moves nobody else.
        let moves = changes
            .iter()
            .filter(|c| matches!(c, Change::QuestionMoved { .. }))
            .count();
        assert_eq!(moves, 1, "{changes:?}");
    }

    #[test]
    fn sections_and_the_title_are_compared_too() {
        let old = visit();
        let mut new = old.clone();
        new.title.en = "Store visit 2027".into();
        new.sections[0].title.en = "Arriving".into();
        let first = new.sections[0].id.clone();
        let gone = new.sections.remove(1).id;
        new.sections[0].questions.clear();
        let changes = diff(&old, &new);
        assert_eq!(
            changes[0],
            Change::Checklist {
                fields: vec!["title".into()]
            }
        );
        assert!(changes.contains(&Change::SectionRenamed { section: first }));
        assert!(changes.contains(&Change::SectionRemoved { section: gone }));
    }
}
