//! Evidence flags on a mystery visit or call: facts about how it was done that a reviewer
//! should see before it counts (issue 16, review before release).
//!
//! Each flag is a fact, not a verdict: a check-in 412 m from the store may be a phone with a
//! poor fix, a visit sent two days late may be a phone that was offline. So the flags are
//! computed once, when the visit arrives, from what the server knows then, and shown to the
//! reviewer with the numbers behind them. Pure, so every rule is tested here.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::answers::{Answer, AnswerSet, AnswerValue};
use super::model::{QuestionType, Template};
use super::opening_hours::WeekHours;

/// Mean radius of the Earth, in metres (the distances here are a few hundred metres, where
/// the sphere's error is far below a phone's).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance between two (latitude, longitude) points in degrees, in metres.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let d_lat = lat2 - lat1;
    let d_lon = (b.1 - a.1).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// The limits the flags are measured against (organisation settings, later).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvidenceRules {
    /// A check-in farther than this from the store (beyond the phone's own uncertainty).
    pub max_distance_m: f64,
    /// Sent this many hours or more after the visit finished.
    pub late_after_hours: i64,
    /// A visit or call shorter than this many minutes (None: no minimum).
    pub min_minutes: Option<i64>,
    /// A timed answer longer than this many seconds is not plausible for a shop visit.
    pub max_timer_seconds: u32,
}

impl Default for EvidenceRules {
    fn default() -> Self {
        EvidenceRules {
            max_distance_m: 300.0,
            late_after_hours: 48,
            min_minutes: None,
            max_timer_seconds: 3600,
        }
    }
}

/// One fact a reviewer should see, with the numbers behind it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum EvidenceFlag {
    /// The check-in was this far from the store's coordinates (beyond the phone's accuracy).
    FarFromStore { metres: u32 },
    /// The check-in fell outside the assignment's window (store-local dates).
    OutsideWindow,
    /// The check-in fell outside the store's opening hours.
    OutsideOpeningHours,
    /// The visit took fewer minutes than the minimum.
    TooShort { minutes: i64 },
    /// Sent this many hours after the visit finished.
    SentLate { hours: i64 },
    /// A photo the checklist requires is not there.
    PhotoMissing { question: String },
    /// A timed answer that no visit takes (seconds).
    ImplausibleTimer { question: String, seconds: u32 },
    /// Every answer equals the same shopper's previous visit to this store.
    SameAsPrevious,
}

impl EvidenceFlag {
    /// Every flag's code, in the order they are checked.
    pub const CODES: [&'static str; 8] = [
        "far_from_store",
        "outside_window",
        "outside_opening_hours",
        "too_short",
        "sent_late",
        "photo_missing",
        "implausible_timer",
        "same_as_previous",
    ];

    /// The flag's name, as stored and as the page's message key names it.
    pub fn code(&self) -> &'static str {
        match self {
            EvidenceFlag::FarFromStore { .. } => "far_from_store",
            EvidenceFlag::OutsideWindow => "outside_window",
            EvidenceFlag::OutsideOpeningHours => "outside_opening_hours",
            EvidenceFlag::TooShort { .. } => "too_short",
            EvidenceFlag::SentLate { .. } => "sent_late",
            EvidenceFlag::PhotoMissing { .. } => "photo_missing",
            EvidenceFlag::ImplausibleTimer { .. } => "implausible_timer",
            EvidenceFlag::SameAsPrevious => "same_as_previous",
        }
    }
}

/// What the server knows about a visit when it arrives.
pub struct VisitFacts<'a> {
    pub template: &'a Template,
    pub answers: &'a AnswerSet,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    /// The check-in: its store-local time, and where, with the phone's accuracy in metres.
    pub check_in_local: Option<NaiveDateTime>,
    pub check_in_place: Option<((f64, f64), Option<f64>)>,
    pub store_place: Option<(f64, f64)>,
    pub opening_hours: Option<&'a WeekHours>,
    /// The assignment's window (store-local dates), if the visit was assigned.
    pub window: Option<(NaiveDate, NaiveDate)>,
    /// The answers of the same shopper's previous visit to this store, if any.
    pub previous: Option<&'a AnswerSet>,
}

/// Every flag of a visit, in a fixed order.
pub fn evidence(facts: &VisitFacts<'_>, rules: &EvidenceRules) -> Vec<EvidenceFlag> {
    let mut flags = Vec::new();
    if let (Some(((lat, lon), accuracy)), Some(store)) = (facts.check_in_place, facts.store_place) {
        let metres = distance_m((lat, lon), store);
        // The phone says how far off its fix may be; only what lies beyond that counts.
        if metres - accuracy.unwrap_or(0.0).max(0.0) > rules.max_distance_m {
            flags.push(EvidenceFlag::FarFromStore {
                metres: metres.round() as u32,
            });
        }
    }
    if let Some(at) = facts.check_in_local {
        if let Some((first, last)) = facts.window {
            if at.date() < first || at.date() > last {
                flags.push(EvidenceFlag::OutsideWindow);
            }
        }
        if facts.opening_hours.is_some_and(|h| !h.is_open(at)) {
            flags.push(EvidenceFlag::OutsideOpeningHours);
        }
    }
    if let Some(min) = rules.min_minutes {
        let minutes = (facts.finished_at - facts.started_at).num_minutes();
        if minutes < min {
            flags.push(EvidenceFlag::TooShort { minutes });
        }
    }
    let hours = (facts.received_at - facts.finished_at).num_hours();
    if hours >= rules.late_after_hours {
        flags.push(EvidenceFlag::SentLate { hours });
    }
    for (_, q) in facts.template.questions() {
        match (q.kind, facts.answers.get(&q.id)) {
            (QuestionType::Photo, None) if q.required => flags.push(EvidenceFlag::PhotoMissing {
                question: q.id.clone(),
            }),
            (
                QuestionType::DurationSeconds,
                Some(Answer::Value(AnswerValue::DurationSeconds(s))),
            ) if *s > rules.max_timer_seconds => flags.push(EvidenceFlag::ImplausibleTimer {
                question: q.id.clone(),
                seconds: *s,
            }),
            _ => {}
        }
    }
    if let Some(previous) = facts.previous {
        let given: Vec<_> = facts.answers.iter().collect();
        if !given.is_empty() && given == previous.iter().collect::<Vec<_>>() {
            flags.push(EvidenceFlag::SameAsPrevious);
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::answers::{check_answers, AnswerInput};
    use crate::domain::builtin::builtin_templates;
    use chrono::TimeZone;
    use serde_json::json;

    fn visit() -> Template {
        builtin_templates()
            .expect("built-ins")
            .into_iter()
            .find(|t| t.key == "instore-visit")
            .expect("visit")
    }

    fn answers(t: &Template, greet_seconds: u32) -> AnswerSet {
        let inputs: Vec<AnswerInput> = t
            .questions()
            .filter(|(_, q)| q.required && q.show_if.is_none())
            .map(|(_, q)| {
                let v = match q.kind {
                    QuestionType::YesNo => json!(true),
                    QuestionType::Scale5 => json!(4),
                    QuestionType::DurationSeconds if q.id == "seconds_to_greet" => {
                        json!(greet_seconds)
                    }
                    QuestionType::DurationSeconds => json!(60),
                    _ => json!("x"),
                };
                AnswerInput::with_value(&q.id, v)
            })
            .collect();
        check_answers(t, &inputs).expect("valid")
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, h, m, 0)
            .single()
            .expect("time")
    }

    fn facts<'a>(t: &'a Template, a: &'a AnswerSet, hours: &'a WeekHours) -> VisitFacts<'a> {
        VisitFacts {
            template: t,
            answers: a,
            started_at: at(10, 0),
            finished_at: at(10, 25),
            received_at: at(10, 30),
            check_in_local: Some(at(10, 0).naive_utc()),
            check_in_place: Some(((51.5074, -0.1278), Some(20.0))),
            store_place: Some((51.5074, -0.1278)),
            opening_hours: Some(hours),
            window: NaiveDate::from_ymd_opt(2026, 11, 30).map(|d| (d, d)),
            previous: None,
        }
    }

    #[test]
    fn distances_are_those_of_a_map() {
        // A degree of latitude anywhere, and of longitude on the equator: 2 pi R / 360.
        let degree = 2.0 * std::f64::consts::PI * EARTH_RADIUS_M / 360.0;
        assert!((distance_m((51.0, -0.1), (52.0, -0.1)) - degree).abs() < 0.01);
        assert!((distance_m((0.0, 10.0), (0.0, 11.0)) - degree).abs() < 0.01);
        // Trafalgar Square to Piccadilly Circus: 197 m north and 425 m west, about 468 m.
        let d = distance_m((51.50809, -0.12807), (51.50986, -0.13421));
        assert!((465.0..472.0).contains(&d), "{d}");
        assert_eq!(distance_m((31.23, 121.47), (31.23, 121.47)), 0.0);
    }

    #[test]
    fn an_ordinary_visit_has_no_flags() {
        let t = visit();
        let a = answers(&t, 20);
        let hours = WeekHours::parse("Mon-Sun 09:00-21:00").expect("hours");
        assert_eq!(
            evidence(&facts(&t, &a, &hours), &EvidenceRules::default()),
            vec![]
        );
    }

    #[test]
    fn each_rule_raises_its_flag_with_the_numbers_behind_it() {
        let t = visit();
        let a = answers(&t, 5400);
        let previous = answers(&t, 5400);
        let hours = WeekHours::parse("Mon-Sun 12:00-21:00").expect("hours");
        let mut f = facts(&t, &a, &hours);
        // 0.005 degrees of latitude is about 556 m; the phone claims 100 m accuracy.
        f.check_in_place = Some(((51.5124, -0.1278), Some(100.0)));
        f.window = NaiveDate::from_ymd_opt(2026, 12, 1).map(|d| (d, d));
        f.received_at = at(10, 25) + chrono::Duration::hours(50);
        f.previous = Some(&previous);
        let rules = EvidenceRules {
            min_minutes: Some(30),
            ..EvidenceRules::default()
        };
        let flags = evidence(&f, &rules);
        assert_eq!(
            flags,
            vec![
                EvidenceFlag::FarFromStore { metres: 556 },
                EvidenceFlag::OutsideWindow,
                EvidenceFlag::OutsideOpeningHours,
                EvidenceFlag::TooShort { minutes: 25 },
                EvidenceFlag::SentLate { hours: 50 },
                EvidenceFlag::ImplausibleTimer {
                    question: "seconds_to_greet".into(),
                    seconds: 5400
                },
                EvidenceFlag::SameAsPrevious,
            ]
        );
    }

    #[test]
    fn a_poor_fix_near_the_store_is_not_far_and_a_missing_required_photo_is_named() {
        let mut t = visit();
        for s in &mut t.sections {
            for q in &mut s.questions {
                if q.kind == QuestionType::Photo {
                    q.required = true;
                }
            }
        }
        let inputs: Vec<AnswerInput> = t
            .questions()
            .filter(|(_, q)| q.required && q.show_if.is_none() && q.kind != QuestionType::Photo)
            .map(|(_, q)| {
                let v = match q.kind {
                    QuestionType::YesNo => json!(true),
                    QuestionType::Scale5 => json!(4),
                    QuestionType::DurationSeconds => json!(60),
                    _ => json!("x"),
                };
                AnswerInput::with_value(&q.id, v)
            })
            .collect();
        // The required photo is left out: the checks of the form would refuse it, so the set
        // is built without them, as a stored visit from an older checklist could be.
        let a: AnswerSet = crate::domain::answers::answers_so_far(&t, &inputs);
        let hours = WeekHours::parse("Mon-Sun 09:00-21:00").expect("hours");
        let mut f = facts(&t, &a, &hours);
        // 556 m away with a 400 m fix: within reach of the store.
        f.check_in_place = Some(((51.5124, -0.1278), Some(400.0)));
        let flags = evidence(&f, &EvidenceRules::default());
        assert_eq!(
            flags,
            vec![EvidenceFlag::PhotoMissing {
                question: "receipt_photo".into()
            }]
        );
    }
}
