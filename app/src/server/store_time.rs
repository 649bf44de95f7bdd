//! A store's own time: today where the store is, and the instants its local weeks cover.
//! What the scorecard, the reports and the exports bound their reads by.

use chrono::{NaiveDate, TimeZone, Utc};

/// Today in the store's time zone: the period ends with the store's current week.
pub fn store_today(timezone: &str) -> NaiveDate {
    let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    Utc::now().with_timezone(&tz).date_naive()
}

/// The instants a period of store-local weeks covers: `[first Monday 00:00, the Monday
/// after the last week)`, in epoch ms.
pub fn period_ms(timezone: &str, first: NaiveDate, last: NaiveDate) -> (i64, i64) {
    let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    let start = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map_or(0, |t| t.timestamp_millis())
    };
    (start(first), start(last + chrono::Duration::days(7)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::from_ms;

    #[test]
    fn a_period_runs_from_the_first_local_monday_to_the_monday_after_the_last_week() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let last = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        let (from, to) = period_ms("Asia/Shanghai", monday, last);
        // Midnight in Shanghai is 16:00 UTC the day before.
        assert_eq!(from_ms(from).to_rfc3339(), "2026-11-01T16:00:00+00:00");
        assert_eq!(from_ms(to).to_rfc3339(), "2026-11-22T16:00:00+00:00");
    }
}
