//! The calendar figures are kept in: weeks (named by their Monday, in the store's own time
//! zone) and months (the self-assessment's period). Pure, so the phone and the server agree;
//! turning an instant into a store-local date needs the time zone database and happens on the
//! server (`server::db::figures::week_key`).

use chrono::{Datelike, Duration, NaiveDate};

/// The Monday of the week a (store-local) date falls in: the key of weekly figures.
pub fn week_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// The `count` weeks ending with the week of `last`, oldest first.
pub fn weeks_ending(last: NaiveDate, count: u32) -> Vec<NaiveDate> {
    let end = week_of(last);
    (0..i64::from(count))
        .rev()
        .map(|back| end - Duration::weeks(back))
        .collect()
}

/// Periods a manager can choose for scorecards, the league and exports, in weeks.
pub const PERIODS: [u32; 4] = [4, 12, 26, 52];
pub const DEFAULT_WEEKS: u32 = 12;

/// A period a manager may choose, or the default (anything else in a query string).
pub fn period_or_default(weeks: u32) -> u32 {
    if PERIODS.contains(&weeks) {
        weeks
    } else {
        DEFAULT_WEEKS
    }
}

/// The calendar month ('YYYY-MM') an answer given at this local date belongs to.
pub fn period_of(local: NaiveDate) -> String {
    format!("{:04}-{:02}", local.year(), local.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn only_the_offered_periods_are_taken_anything_else_is_the_default() {
        for weeks in PERIODS {
            assert_eq!(period_or_default(weeks), weeks);
        }
        for weeks in [0, 1, 5, 13, 53, 104, u32::MAX] {
            assert_eq!(period_or_default(weeks), DEFAULT_WEEKS);
        }
    }

    #[test]
    fn weeks_start_on_monday_and_months_are_calendar_months() {
        assert_eq!(week_of(d("2026-11-29")), d("2026-11-23"));
        assert_eq!(week_of(d("2026-11-30")), d("2026-11-30"));
        assert_eq!(
            weeks_ending(d("2026-11-30"), 2),
            vec![d("2026-11-23"), d("2026-11-30")]
        );
        assert_eq!(period_of(d("2026-01-31")), "2026-01");
    }
}
