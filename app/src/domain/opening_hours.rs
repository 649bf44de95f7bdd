//! A store's opening hours per weekday, as a chain writes them in a spreadsheet:
//! `Mon-Fri 09:00-21:00; Sat 10:00-18:00; Sun closed`. A single range without days
//! (`09:00-21:00`, the form stores had before) means every day.
//!
//! Pure and wasm-safe: the survey's outside-opening-hours flag and the admin pages read the
//! same text the same way.

use chrono::{Datelike, NaiveDateTime, NaiveTime, Weekday};

/// One day's hours; `closes` before `opens` passes midnight (`18:00-02:00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayHours {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// Monday first; None: closed that day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeekHours {
    pub days: [Option<DayHours>; 7],
}

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const FULL_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn day_index(word: &str) -> Option<usize> {
    let w = word.trim().to_lowercase();
    (0..7).find(|&i| w == DAY_NAMES[i].to_lowercase() || w == FULL_NAMES[i])
}

fn parse_time(t: &str) -> Option<NaiveTime> {
    let t = t.trim();
    // 24:00 is how spreadsheets often write "until midnight".
    if t == "24:00" {
        return NaiveTime::from_hms_opt(0, 0, 0);
    }
    NaiveTime::parse_from_str(t, "%H:%M").ok()
}

fn parse_range(s: &str) -> Option<DayHours> {
    let (opens, closes) = s.trim().split_once('-')?;
    let hours = DayHours {
        opens: parse_time(opens)?,
        closes: parse_time(closes)?,
    };
    (hours.opens != hours.closes).then_some(hours)
}

impl DayHours {
    fn text(&self) -> String {
        format!(
            "{}-{}",
            self.opens.format("%H:%M"),
            self.closes.format("%H:%M")
        )
    }

    fn passes_midnight(&self) -> bool {
        self.closes <= self.opens
    }
}

impl WeekHours {
    pub fn every_day(hours: DayHours) -> WeekHours {
        WeekHours {
            days: [Some(hours); 7],
        }
    }

    /// Read the written form. The error says what could not be read, in English (the pages
    /// word it by field).
    pub fn parse(text: &str) -> Result<WeekHours, String> {
        let text = text.trim();
        if let Some(hours) = parse_range(text) {
            return Ok(WeekHours::every_day(hours));
        }
        let mut days: [Option<DayHours>; 7] = [None; 7];
        let mut seen = [false; 7];
        for part in text
            .split([';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (which, hours) = part.split_once(char::is_whitespace).ok_or_else(|| {
                format!("'{part}': expected a day and hours, like 'Mon 09:00-21:00'")
            })?;
            let (first, last) = match which.split_once('-') {
                Some((a, b)) => (day_index(a), day_index(b)),
                None => (day_index(which), day_index(which)),
            };
            let (Some(first), Some(last)) = (first, last) else {
                return Err(format!(
                    "'{which}': not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)"
                ));
            };
            let hours = hours.trim();
            let value = if hours.eq_ignore_ascii_case("closed") {
                None
            } else {
                Some(parse_range(hours).ok_or_else(|| {
                    format!("'{hours}': expected hours like 09:00-21:00, or 'closed'")
                })?)
            };
            // Mon-Sun, or Fri-Mon across the week's end.
            let mut i = first;
            loop {
                if seen[i] {
                    return Err(format!("{} is given twice", DAY_NAMES[i]));
                }
                seen[i] = true;
                days[i] = value;
                if i == last {
                    break;
                }
                i = (i + 1) % 7;
            }
        }
        if !seen.iter().any(|s| *s) {
            return Err("expected hours like 'Mon-Fri 09:00-21:00; Sat 10:00-18:00'".into());
        }
        Ok(WeekHours { days })
    }

    /// The written form, runs of equal days joined (`Mon-Fri 09:00-21:00; Sat-Sun closed`).
    /// Reading it back gives the same hours, so an exported file imports as "unchanged".
    pub fn text(&self) -> String {
        if self.days.iter().all(|d| *d == self.days[0]) {
            if let Some(h) = self.days[0] {
                return h.text();
            }
        }
        let mut parts = Vec::new();
        let mut start = 0;
        while start < 7 {
            let mut end = start;
            while end + 1 < 7 && self.days[end + 1] == self.days[start] {
                end += 1;
            }
            let which = if start == end {
                DAY_NAMES[start].to_string()
            } else {
                format!("{}-{}", DAY_NAMES[start], DAY_NAMES[end])
            };
            let hours = self.days[start].map_or("closed".to_string(), |h| h.text());
            parts.push(format!("{which} {hours}"));
            start = end + 1;
        }
        parts.join("; ")
    }

    /// Open at this local date and time? Hours past midnight count for the day they began.
    pub fn is_open(&self, at: NaiveDateTime) -> bool {
        let day = at.weekday().num_days_from_monday() as usize;
        let time = at.time();
        if let Some(h) = self.days[day] {
            let open = if h.passes_midnight() {
                time >= h.opens
            } else {
                time >= h.opens && time < h.closes
            };
            if open {
                return true;
            }
        }
        let yesterday = (day + 6) % 7;
        matches!(self.days[yesterday], Some(h) if h.passes_midnight() && time < h.closes)
    }

    /// The hours of one weekday.
    pub fn on(&self, day: Weekday) -> Option<DayHours> {
        self.days[day.num_days_from_monday() as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("time")
    }

    /// 2026-11-30 is a Monday.
    fn at(day_of_week: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 30 + day_of_week)
            .or_else(|| NaiveDate::from_ymd_opt(2026, 12, day_of_week))
            .expect("date")
            .and_time(t(h, m))
    }

    #[test]
    fn a_spreadsheet_line_reads_per_weekday() {
        let w =
            WeekHours::parse("Mon-Fri 09:00-21:00; Sat 10:00-18:00; sunday closed").expect("reads");
        assert_eq!(
            w.on(Weekday::Tue),
            Some(DayHours {
                opens: t(9, 0),
                closes: t(21, 0)
            })
        );
        assert_eq!(
            w.on(Weekday::Sat),
            Some(DayHours {
                opens: t(10, 0),
                closes: t(18, 0)
            })
        );
        assert_eq!(w.on(Weekday::Sun), None);
        assert_eq!(w.text(), "Mon-Fri 09:00-21:00; Sat 10:00-18:00; Sun closed");
    }

    #[test]
    fn one_range_without_days_is_every_day_as_before() {
        let w = WeekHours::parse(" 08:30-22:00 ").expect("reads");
        assert!(w.days.iter().all(|d| *d
            == Some(DayHours {
                opens: t(8, 30),
                closes: t(22, 0)
            })));
        assert_eq!(w.text(), "08:30-22:00");
    }

    #[test]
    fn days_not_named_are_closed_and_ranges_may_wrap_the_week() {
        let w = WeekHours::parse("Fri-Mon 10:00-16:00").expect("reads");
        assert!(w.on(Weekday::Sun).is_some() && w.on(Weekday::Mon).is_some());
        assert_eq!(w.on(Weekday::Wed), None);
    }

    #[test]
    fn wrong_text_is_refused_with_what_was_wrong() {
        for bad in [
            "",
            "8-22",
            "Mon 25:00-26:00",
            "Funday 09:00-10:00",
            "Mon 09:00-09:00",
            "Mon 09:00-17:00; Mon closed",
            "Mon",
        ] {
            assert!(WeekHours::parse(bad).is_err(), "{bad:?} should be refused");
        }
        let e = WeekHours::parse("Mon 09:00-17:00; Mon closed").expect_err("twice");
        assert!(e.contains("twice"), "{e}");
    }

    #[test]
    fn hours_past_midnight_count_for_the_day_they_began() {
        let w = WeekHours::parse("Fri 18:00-02:00").expect("reads");
        assert!(w.is_open(at(4, 23, 0)), "Friday 23:00");
        assert!(w.is_open(at(5, 1, 30)), "Saturday 01:30 is Friday night");
        assert!(!w.is_open(at(5, 2, 0)), "Saturday 02:00 is closed");
        assert!(!w.is_open(at(5, 20, 0)), "Saturday evening is closed");
        assert!(!w.is_open(at(3, 23, 0)), "Thursday is closed");
    }

    #[test]
    fn a_closing_time_of_24_00_is_midnight() {
        let w = WeekHours::parse("Mon-Sun 10:00-24:00").expect("reads");
        assert!(w.is_open(at(0, 23, 59)));
        assert!(!w.is_open(at(1, 0, 30)));
    }

    fn day() -> impl Strategy<Value = Option<DayHours>> {
        prop_oneof![
            Just(None),
            (0u32..24, 0u32..4, 0u32..24, 0u32..4).prop_filter_map("not empty", |(a, b, c, d)| {
                let h = DayHours {
                    opens: t(a, b * 15),
                    closes: t(c, d * 15),
                };
                (h.opens != h.closes).then_some(Some(h))
            })
        ]
    }

    proptest! {
        #[test]
        fn the_written_form_reads_back_as_the_same_hours(days in proptest::array::uniform7(day())) {
            let w = WeekHours { days };
            let text = w.text();
            prop_assert_eq!(WeekHours::parse(&text), Ok(w), "{}", text);
        }
    }
}
