//! Signs that a customer survey was not filled by a real customer on their own.
//!
//! Staff may fill surveys themselves or hand them only to happy customers (domain.md). A
//! response with such signs is still kept, but flagged and left out of scorecards unless a
//! manager includes it; only a filled honeypot (a field people never see) marks a bot, whose
//! answer is not stored at all. The rules are plain and explained to managers, so the
//! thresholds are settings, not learned numbers.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::opening_hours::WeekHours;
use serde::{Deserialize, Serialize};

use super::answers::{Answer, AnswerSet, AnswerValue};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Answered faster than a person can read the questions.
    TooFast,
    /// Many responses for the store within a few minutes that look alike (the same phone,
    /// or the same answers but for one).
    Burst,
    /// The same answers as several other recent responses for the store.
    IdenticalAnswers,
    /// Sent while the store was closed (store's local time).
    OutsideOpeningHours,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::TooFast => "too_fast",
            Flag::Burst => "burst",
            Flag::IdenticalAnswers => "identical_answers",
            Flag::OutsideOpeningHours => "outside_opening_hours",
        }
    }
}

impl Flag {
    pub const ALL: [Flag; 4] = [
        Flag::TooFast,
        Flag::Burst,
        Flag::IdenticalAnswers,
        Flag::OutsideOpeningHours,
    ];

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// The thresholds. Defaults suit the seven-question customer pulse.
#[derive(Clone, Debug, PartialEq)]
pub struct Rules {
    /// Fewer seconds than this between opening the form and sending it is too fast.
    pub min_seconds: i64,
    /// This many responses that look alike (this one included) within `burst_minutes` is a
    /// burst. Unlike answers sent at the same time are not: four fakes must not push a
    /// genuine answer from another phone out of the figures.
    pub burst_count: usize,
    pub burst_minutes: i64,
    /// This many responses (this one included) with identical answers within
    /// `identical_hours` are suspicious.
    pub identical_count: usize,
    pub identical_hours: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            min_seconds: 10,
            burst_count: 5,
            burst_minutes: 10,
            identical_count: 3,
            identical_hours: 24,
        }
    }
}

/// A recent response of the same store, as far as the rules need it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recent {
    pub received_at: DateTime<Utc>,
    pub fingerprint: String,
    /// The phone's hash ('' when unknown).
    pub device: String,
}

/// What is known about the response being judged.
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    pub opened_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub fingerprint: String,
    /// The phone's hash ('' when unknown).
    pub device: String,
    /// The store's local time of `received_at`, and its opening hours (None: always open).
    pub local_time: NaiveDateTime,
    pub opening_hours: Option<WeekHours>,
}

/// The answers reduced to what a person chooses (scales, scores, choices), in question
/// order. Free text and photos are left out: copied answers with different comments are
/// still copies.
pub fn fingerprint(answers: &AnswerSet) -> String {
    let picked: BTreeMap<&str, String> = answers
        .iter()
        .filter_map(|(q, a)| {
            let v = match a {
                Answer::NotApplicable => "na".to_string(),
                Answer::Value(AnswerValue::YesNo(b)) => b.to_string(),
                Answer::Value(AnswerValue::Scale(n) | AnswerValue::Recommend(n)) => n.to_string(),
                Answer::Value(AnswerValue::Choice(c)) => c.clone(),
                Answer::Value(AnswerValue::Choices(cs)) => cs.join("+"),
                Answer::Value(AnswerValue::Count(n) | AnswerValue::DurationSeconds(n)) => {
                    n.to_string()
                }
                Answer::Value(
                    AnswerValue::Text(_) | AnswerValue::Photo(_) | AnswerValue::Number(_),
                ) => return None,
            };
            Some((q.as_str(), v))
        })
        .collect();
    picked
        .iter()
        .map(|(q, v)| format!("{q}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// Whether two fingerprints differ in at most one chosen answer (a question answered in one
/// and not the other counts as a difference). Empty fingerprints are never alike.
pub fn nearly_identical(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let parse = |f: &str| -> BTreeMap<String, String> {
        f.split(';')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let (a, b) = (parse(a), parse(b));
    let differing = a
        .keys()
        .chain(b.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .count();
    differing <= 1
}

/// The flags of a response given the store's recent responses (any order; those older than
/// the rules' windows are ignored). Sorted, without repeats.
pub fn flags(rules: &Rules, sent: &Sent, recent: &[Recent]) -> Vec<Flag> {
    let mut out = Vec::new();
    if (sent.received_at - sent.opened_at).num_seconds() < rules.min_seconds {
        out.push(Flag::TooFast);
    }
    let within = |r: &Recent, d: chrono::Duration| {
        r.received_at <= sent.received_at && sent.received_at - r.received_at <= d
    };
    let alike = |r: &Recent| {
        (!sent.device.is_empty() && r.device == sent.device)
            || nearly_identical(&r.fingerprint, &sent.fingerprint)
    };
    let burst = recent
        .iter()
        .filter(|r| within(r, chrono::Duration::minutes(rules.burst_minutes)) && alike(r))
        .count();
    if burst + 1 >= rules.burst_count {
        out.push(Flag::Burst);
    }
    let same = recent
        .iter()
        .filter(|r| {
            r.fingerprint == sent.fingerprint
                && within(r, chrono::Duration::hours(rules.identical_hours))
        })
        .count();
    if !sent.fingerprint.is_empty() && same + 1 >= rules.identical_count {
        out.push(Flag::IdenticalAnswers);
    }
    if let Some(hours) = &sent.opening_hours {
        if !hours.is_open(sent.local_time) {
            out.push(Flag::OutsideOpeningHours);
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
            .single()
            .expect("valid")
            + chrono::Duration::minutes(min)
    }

    /// Monday 2026-11-30 at this time of day.
    fn time(h: u32, m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("valid")
    }

    fn hours(text: &str) -> Option<WeekHours> {
        Some(WeekHours::parse(text).expect("hours"))
    }

    fn sent(fingerprint: &str, seconds_taken: i64) -> Sent {
        Sent {
            opened_at: at(0) - chrono::Duration::seconds(seconds_taken),
            received_at: at(0),
            fingerprint: fingerprint.to_string(),
            device: "genuine-phone".to_string(),
            local_time: time(12, 0),
            opening_hours: hours("09:00-21:00"),
        }
    }

    fn recent(minutes_ago: i64, fingerprint: &str) -> Recent {
        Recent {
            received_at: at(-minutes_ago),
            fingerprint: fingerprint.to_string(),
            device: format!("phone-{minutes_ago}"),
        }
    }

    const FAKE: &str = "clean=5;kind=5;quick=5;recommend=10;right=5;skilled=5;tidy=5";
    const GENUINE: &str = "clean=4;kind=3;quick=2;recommend=6;right=4;skilled=4;tidy=4";

    #[test]
    fn four_fakes_do_not_push_a_different_genuine_answer_out_of_the_figures() {
        let fakes = [
            recent(1, FAKE),
            recent(2, FAKE),
            recent(3, FAKE),
            recent(4, FAKE),
        ];
        assert_eq!(flags(&Rules::default(), &sent(GENUINE, 60), &fakes), vec![]);
        // The fifth fake is flagged, as are fakes varied in one answer only.
        assert_eq!(
            flags(&Rules::default(), &sent(FAKE, 60), &fakes),
            vec![Flag::Burst, Flag::IdenticalAnswers]
        );
        let varied = FAKE.replace("recommend=10", "recommend=9");
        assert!(flags(&Rules::default(), &sent(&varied, 60), &fakes).contains(&Flag::Burst));
    }

    #[test]
    fn one_phone_sending_different_answers_in_a_row_is_a_burst() {
        let mut same_phone: Vec<Recent> = (1..=4)
            .map(|m| recent(m, &format!("a={m};b={m}")))
            .collect();
        for r in &mut same_phone {
            r.device = "genuine-phone".into();
        }
        assert_eq!(
            flags(&Rules::default(), &sent("a=9;b=9", 60), &same_phone),
            vec![Flag::Burst]
        );
    }

    #[test]
    fn nearly_identical_means_all_but_one_chosen_answer() {
        assert!(nearly_identical("a=1;b=2", "a=1;b=2"));
        assert!(nearly_identical("a=1;b=2", "a=1;b=3"));
        assert!(!nearly_identical("a=1;b=2", "a=2;b=3"));
        assert!(nearly_identical("a=1;b=2", "a=1"));
        assert!(!nearly_identical("", ""));
    }

    #[test]
    fn a_calm_response_has_no_flags() {
        let history = [recent(30, "a=5"), recent(200, "a=4")];
        assert!(flags(&Rules::default(), &sent("a=3", 45), &history).is_empty());
    }

    #[test]
    fn nine_seconds_is_too_fast_and_ten_is_not() {
        assert_eq!(
            flags(&Rules::default(), &sent("a=3", 9), &[]),
            vec![Flag::TooFast]
        );
        assert!(flags(&Rules::default(), &sent("a=3", 10), &[]).is_empty());
    }

    #[test]
    fn the_fifth_response_within_ten_minutes_is_a_burst() {
        let four = [
            recent(1, "a=1"),
            recent(3, "a=2"),
            recent(6, "a=3"),
            recent(10, "a=4"),
        ];
        assert_eq!(
            flags(&Rules::default(), &sent("a=5", 60), &four[..3]),
            vec![]
        );
        assert_eq!(
            flags(&Rules::default(), &sent("a=5", 60), &four),
            vec![Flag::Burst]
        );
        // Eleven minutes ago is outside the window.
        let spread = [
            recent(1, "a=1"),
            recent(3, "a=2"),
            recent(6, "a=3"),
            recent(11, "a=4"),
        ];
        assert_eq!(flags(&Rules::default(), &sent("a=5", 60), &spread), vec![]);
    }

    #[test]
    fn the_third_identical_answer_set_within_a_day_is_flagged() {
        let history = [
            recent(60, "a=5;b=5"),
            recent(600, "a=5;b=5"),
            recent(30, "a=4;b=5"),
        ];
        assert_eq!(
            flags(&Rules::default(), &sent("a=5;b=5", 60), &history[..1]),
            vec![]
        );
        assert_eq!(
            flags(&Rules::default(), &sent("a=5;b=5", 60), &history),
            vec![Flag::IdenticalAnswers]
        );
        // Only free text answered: nothing to compare.
        let empty = [recent(60, ""), recent(70, "")];
        assert_eq!(flags(&Rules::default(), &sent("", 60), &empty), vec![]);
    }

    #[test]
    fn flags_read_back_from_their_names() {
        for f in Flag::ALL {
            assert_eq!(Flag::parse(f.as_str()), Some(f));
        }
    }

    #[test]
    fn opening_hours_may_pass_midnight() {
        let mut s = sent("a=1", 60);
        s.local_time = time(22, 30);
        assert_eq!(
            flags(&Rules::default(), &s, &[]),
            vec![Flag::OutsideOpeningHours]
        );
        s.opening_hours = hours("18:00-02:00");
        assert!(flags(&Rules::default(), &s, &[]).is_empty());
        s.local_time = time(3, 0);
        assert_eq!(
            flags(&Rules::default(), &s, &[]),
            vec![Flag::OutsideOpeningHours]
        );
        s.opening_hours = None;
        assert!(flags(&Rules::default(), &s, &[]).is_empty());
    }

    #[test]
    fn a_day_the_store_is_closed_flags_every_answer() {
        // Monday noon, closed on Mondays.
        let mut s = sent("a=1", 60);
        s.opening_hours = hours("Tue-Sun 09:00-21:00; Mon closed");
        assert_eq!(
            flags(&Rules::default(), &s, &[]),
            vec![Flag::OutsideOpeningHours]
        );
        s.opening_hours = hours("Mon-Sun 09:00-21:00");
        assert!(flags(&Rules::default(), &s, &[]).is_empty());
    }

    #[test]
    fn the_fingerprint_keeps_choices_and_drops_free_text() {
        let mut a = AnswerSet::new();
        a.insert("recommend".into(), Answer::Value(AnswerValue::Recommend(9)));
        a.insert("tidy".into(), Answer::Value(AnswerValue::Scale(4)));
        a.insert("served".into(), Answer::NotApplicable);
        a.insert(
            "comment".into(),
            Answer::Value(AnswerValue::Text("Great!".into())),
        );
        assert_eq!(fingerprint(&a), "recommend=9;served=na;tidy=4");
        let mut b = a.clone();
        b.insert(
            "comment".into(),
            Answer::Value(AnswerValue::Text("Fine.".into())),
        );
        assert_eq!(fingerprint(&a), fingerprint(&b));
    }

    proptest! {
        /// More history never takes a flag away, and flags come sorted without repeats.
        #[test]
        fn more_history_only_adds_flags(
            ages in proptest::collection::vec((0i64..2000, 0u8..3), 0..12),
            extra in proptest::collection::vec((0i64..2000, 0u8..3), 0..6),
            taken in 0i64..60,
            mine in 0u8..3,
        ) {
            let to_recent = |v: &Vec<(i64, u8)>| v.iter().map(|(m, f)| recent(*m, &format!("a={f}"))).collect::<Vec<_>>();
            let before = to_recent(&ages);
            let mut after = before.clone();
            after.extend(to_recent(&extra));
            let s = sent(&format!("a={mine}"), taken);
            let f1 = flags(&Rules::default(), &s, &before);
            let f2 = flags(&Rules::default(), &s, &after);
            prop_assert!(f1.iter().all(|f| f2.contains(f)));
            let mut sorted = f2.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(sorted, f2);
        }
    }
}
