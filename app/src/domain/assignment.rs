//! Where a mystery-shopping assignment stands on a given day. Pure, so the phone works it out
//! offline exactly as the server would.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    /// The window is open today: go now.
    Due,
    /// The window closed and nothing was submitted.
    Overdue,
    /// The window opens later.
    Upcoming,
    /// A response has been sent (or, on the phone, is waiting in the outbox).
    Submitted,
    Cancelled,
}

impl AssignmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentStatus::Due => "due",
            AssignmentStatus::Overdue => "overdue",
            AssignmentStatus::Upcoming => "upcoming",
            AssignmentStatus::Submitted => "submitted",
            AssignmentStatus::Cancelled => "cancelled",
        }
    }

    /// A submitted or cancelled assignment is settled whatever the date; otherwise the
    /// window decides. Both ends of the window are inclusive (store-local dates).
    pub fn on(
        today: NaiveDate,
        window_start: NaiveDate,
        window_end: NaiveDate,
        submitted: bool,
        cancelled: bool,
    ) -> AssignmentStatus {
        if cancelled {
            AssignmentStatus::Cancelled
        } else if submitted {
            AssignmentStatus::Submitted
        } else if today < window_start {
            AssignmentStatus::Upcoming
        } else if today > window_end {
            AssignmentStatus::Overdue
        } else {
            AssignmentStatus::Due
        }
    }
}

/// Two visits by the same shopper to the same store must be more than `min_gap_days` apart,
/// or the staff start to recognise the shopper. Windows are inclusive date ranges.
pub fn too_close(
    a_start: NaiveDate,
    a_end: NaiveDate,
    b_start: NaiveDate,
    b_end: NaiveDate,
    min_gap_days: u32,
) -> bool {
    let gap = chrono::Duration::days(i64::from(min_gap_days));
    a_start <= b_end + gap && b_start <= a_end + gap
}

/// Whether a visit finished at `finished` (the store's local time) falls inside the
/// assignment's window, widened by `grace` at both ends: a shopper who visits late in the
/// evening of the last day and finishes the notes after midnight is still on time, a visit
/// dated years away is not. Both window dates are inclusive.
pub fn finished_in_window(
    finished: chrono::NaiveDateTime,
    window_start: NaiveDate,
    window_end: NaiveDate,
    grace: chrono::Duration,
) -> bool {
    let opens = window_start.and_time(chrono::NaiveTime::MIN) - grace;
    let closes = (window_end + chrono::Duration::days(1)).and_time(chrono::NaiveTime::MIN) + grace;
    opens <= finished && finished < closes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> chrono::NaiveDateTime {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("date and time")
    }

    #[test]
    fn a_visit_counts_inside_its_window_and_the_grace_around_it() {
        let (s, e) = (d("2026-05-10"), d("2026-05-12"));
        let none = chrono::Duration::zero();
        let day = chrono::Duration::hours(24);
        assert!(finished_in_window(at("2026-05-10 00:00"), s, e, none));
        assert!(finished_in_window(at("2026-05-12 23:59"), s, e, none));
        assert!(!finished_in_window(at("2026-05-13 00:00"), s, e, none));
        assert!(!finished_in_window(at("2026-05-09 23:59"), s, e, none));
        // A day of grace: the night after the last day, and the evening before the first.
        assert!(finished_in_window(at("2026-05-13 18:00"), s, e, day));
        assert!(finished_in_window(at("2026-05-09 01:00"), s, e, day));
        assert!(!finished_in_window(at("2026-05-14 00:00"), s, e, day));
        // Years away is never inside.
        assert!(!finished_in_window(at("2021-05-11 12:00"), s, e, day));
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_window_decides_until_the_assignment_is_settled() {
        let (s, e) = (d("2026-05-10"), d("2026-05-12"));
        assert_eq!(
            AssignmentStatus::on(d("2026-05-09"), s, e, false, false),
            AssignmentStatus::Upcoming
        );
        assert_eq!(
            AssignmentStatus::on(d("2026-05-10"), s, e, false, false),
            AssignmentStatus::Due
        );
        assert_eq!(
            AssignmentStatus::on(d("2026-05-12"), s, e, false, false),
            AssignmentStatus::Due
        );
        assert_eq!(
            AssignmentStatus::on(d("2026-05-13"), s, e, false, false),
            AssignmentStatus::Overdue
        );
        assert_eq!(
            AssignmentStatus::on(d("2026-05-13"), s, e, true, false),
            AssignmentStatus::Submitted
        );
        assert_eq!(
            AssignmentStatus::on(d("2026-05-11"), s, e, true, true),
            AssignmentStatus::Cancelled
        );
    }

    #[test]
    fn visits_closer_than_the_gap_are_too_close() {
        let (s, e) = (d("2026-05-10"), d("2026-05-12"));
        // Overlapping windows.
        assert!(too_close(s, e, d("2026-05-11"), d("2026-05-20"), 0));
        // 29 days after the first window ends, with a 30-day gap: too close.
        assert!(too_close(s, e, d("2026-06-10"), d("2026-06-11"), 30));
        // 31 days later: fine. And before, symmetrically.
        assert!(!too_close(s, e, d("2026-06-12"), d("2026-06-13"), 30));
        assert!(!too_close(d("2026-06-12"), d("2026-06-13"), s, e, 30));
        assert!(too_close(d("2026-06-11"), d("2026-06-13"), s, e, 30));
    }
}
