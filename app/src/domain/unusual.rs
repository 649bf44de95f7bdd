//! Weeks whose number of answers is far outside the store's own history: a load test, a
//! script, a broken poster or a shopper sending one visit thousands of times. Until visits are
//! reviewed before they count, this is how a manager learns that a week's figures rest on
//! answers that need checking. The rule is deliberately simple, so the page can say it in
//! plain words: compared with the usual week (the median of the 12 weeks before it).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Channel;

/// Weeks of history each week is compared with.
pub const HISTORY_WEEKS: usize = 12;
/// Weeks of that history in which the store had any answers before it is judged at all: a
/// new store's first weeks have no "usual" yet.
pub const MIN_KNOWN_WEEKS: usize = 4;
/// "Far more": more than three times the usual week and more than 20 answers above it.
pub const TIMES_MORE: i64 = 3;
pub const MORE_BY: i64 = 20;
/// "Far fewer": under a quarter of a usual week of at least 12 answers.
pub const FEWER_SHARE: i64 = 4;
pub const FEWER_FROM: i64 = 12;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    More,
    Fewer,
}

/// A week of a store's channel with far more or fewer answers than usual, as pages show it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnusualWeek {
    pub week: NaiveDate,
    pub channel: Channel,
    pub count: i64,
    pub usual: i64,
    pub direction: Direction,
}

/// One week of one series that is far from its usual count.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnusualCount {
    /// Position among the checked weeks (the weeks after the history).
    pub week: usize,
    pub count: i64,
    /// The median week of the history.
    pub usual: i64,
    pub direction: Direction,
}

/// The median of counts (the lower middle one for an even number): robust to one odd week.
pub fn median(counts: &[i64]) -> i64 {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    match sorted.len() {
        0 => 0,
        n => sorted[(n - 1) / 2],
    }
}

/// Whether a count is far from the usual one, and which way.
pub fn judge(count: i64, usual: i64) -> Option<Direction> {
    if count > (usual * TIMES_MORE).max(usual + MORE_BY) {
        Some(Direction::More)
    } else if usual >= FEWER_FROM && count * FEWER_SHARE < usual {
        Some(Direction::Fewer)
    } else {
        None
    }
}

/// The unusual weeks of one channel's weekly counts. `counts` holds [`HISTORY_WEEKS`] weeks of
/// history and then the weeks to check; `active` says, for the same weeks, whether the store
/// had any answers in any channel (a quiet channel's zeros are its usual; a store that did not
/// exist yet has no usual). Each checked week is compared with the 12 weeks just before it.
pub fn unusual_weeks(counts: &[i64], active: &[bool]) -> Vec<UnusualCount> {
    (HISTORY_WEEKS..counts.len())
        .filter_map(|i| {
            let history = i - HISTORY_WEEKS..i;
            let known = active.get(history.clone())?.iter().filter(|a| **a).count();
            if known < MIN_KNOWN_WEEKS {
                return None;
            }
            let usual = median(&counts[history]);
            judge(counts[i], usual).map(|direction| UnusualCount {
                week: i - HISTORY_WEEKS,
                count: counts[i],
                usual,
                direction,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(usual: i64) -> Vec<i64> {
        vec![usual; HISTORY_WEEKS]
    }

    #[test]
    fn a_flood_of_visits_in_a_store_with_a_history_is_marked() {
        let mut counts = history(2);
        counts.extend([1, 12_455, 2]);
        let active = vec![true; counts.len()];
        assert_eq!(
            unusual_weeks(&counts, &active),
            vec![UnusualCount {
                week: 1,
                count: 12_455,
                usual: 2,
                direction: Direction::More
            }]
        );
    }

    #[test]
    fn ordinary_ups_and_downs_are_not() {
        // A busy week (three times the usual is allowed) and a quiet one.
        let mut counts = history(30);
        counts.extend([90, 10, 45, 8]);
        let active = vec![true; counts.len()];
        assert_eq!(unusual_weeks(&counts, &active), vec![]);
        // A channel that is usually empty may get a few answers.
        let mut quiet = history(0);
        quiet.extend([5, 20]);
        assert_eq!(unusual_weeks(&quiet, &vec![true; quiet.len()]), vec![]);
    }

    #[test]
    fn a_poster_that_stops_working_is_marked_too() {
        let mut counts = history(40);
        counts.extend([9, 0]);
        let active = vec![true; counts.len()];
        let marked = unusual_weeks(&counts, &active);
        assert_eq!(marked.len(), 2);
        assert!(marked.iter().all(|m| m.direction == Direction::Fewer));
    }

    #[test]
    fn a_new_store_is_not_judged_until_it_has_a_history() {
        let mut counts = vec![0; HISTORY_WEEKS - 2];
        counts.extend([30, 30, 30, 500]);
        let mut active = vec![false; HISTORY_WEEKS - 2];
        active.extend([true; 4]);
        // Week 3 of the check has only 4 known weeks before it: judged; the first ones not.
        let marked = unusual_weeks(&counts, &active);
        assert_eq!(marked.len(), 0, "{marked:?}: 500 after three weeks of 30 is judged against a median of 0 only once 4 weeks are known");
        let mut active_more = active.clone();
        active_more[HISTORY_WEEKS - 3] = true;
        let marked = unusual_weeks(&counts, &active_more);
        assert_eq!(marked.len(), 1);
        assert_eq!(marked[0].count, 500);
    }

    #[test]
    fn the_median_ignores_one_odd_week() {
        assert_eq!(median(&[2, 2, 3, 1000]), 2);
        assert_eq!(median(&[]), 0);
    }
}
