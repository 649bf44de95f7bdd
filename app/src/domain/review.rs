//! Review before release: which arriving mystery visits a person must check, and the
//! comments a reviewer leaves on items. Pure, so the sampling rule is tested here and the
//! server applies exactly this.

use serde::{Deserialize, Serialize};

/// A reviewer's comment on one item of a visit (shown to the shopper on a returned visit).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ItemComment {
    pub question: String,
    pub text: String,
}

/// Longest comment or reason kept.
pub const MAX_TEXT: usize = 1000;

/// The organisation's sampling settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sampling {
    /// Every visit of a shopper's first this many is reviewed.
    pub first_visits: u32,
    /// Then this share of the rest, in percent (0-100).
    pub share_pct: u32,
    /// A visit nobody must review releases itself after this many hours unless opened.
    pub release_after_hours: u32,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            first_visits: 5,
            share_pct: 20,
            release_after_hours: 24,
        }
    }
}

/// What the sampler knows about an arriving visit.
#[derive(Clone, Copy, Debug)]
pub struct Arrival {
    /// How many visits and calls this shopper sent before this one.
    pub earlier_visits: u32,
    /// An evidence flag was raised.
    pub flagged: bool,
    /// A critical item failed.
    pub critical_failed: bool,
    /// A number drawn evenly from 0 to 99 for this visit (from its id, so a replay draws the
    /// same).
    pub draw: u32,
}

/// Why a person must review a visit, or None when it may release itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewReason {
    NewShopper,
    Evidence,
    CriticalFailed,
    Sampled,
    /// A returned visit the shopper corrected: the reviewer who returned it looks again.
    Corrected,
}

impl ReviewReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewReason::NewShopper => "new_shopper",
            ReviewReason::Evidence => "evidence",
            ReviewReason::CriticalFailed => "critical_failed",
            ReviewReason::Sampled => "sampled",
            ReviewReason::Corrected => "corrected",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewReason> {
        [
            ReviewReason::NewShopper,
            ReviewReason::Evidence,
            ReviewReason::CriticalFailed,
            ReviewReason::Sampled,
            ReviewReason::Corrected,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// Whether a person must review this visit, and why (the first reason that applies).
pub fn must_review(arrival: &Arrival, sampling: &Sampling) -> Option<ReviewReason> {
    if arrival.earlier_visits < sampling.first_visits {
        Some(ReviewReason::NewShopper)
    } else if arrival.flagged {
        Some(ReviewReason::Evidence)
    } else if arrival.critical_failed {
        Some(ReviewReason::CriticalFailed)
    } else if arrival.draw % 100 < sampling.share_pct.min(100) {
        Some(ReviewReason::Sampled)
    } else {
        None
    }
}

/// An even draw from 0 to 99 taken from a response id (a UUID made on the phone): the same
/// visit always draws the same number, so a replay is sampled as the first send was.
pub fn draw_of(id: &str) -> u32 {
    // FNV-1a: tiny, stable across builds and platforms (std's hasher is neither promised).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % 100) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arrival(earlier: u32, flagged: bool, critical: bool, draw: u32) -> Arrival {
        Arrival {
            earlier_visits: earlier,
            flagged,
            critical_failed: critical,
            draw,
        }
    }

    #[test]
    fn a_new_shoppers_first_visits_are_all_reviewed() {
        let s = Sampling::default();
        for earlier in 0..5 {
            assert_eq!(
                must_review(&arrival(earlier, false, false, 99), &s),
                Some(ReviewReason::NewShopper)
            );
        }
        assert_eq!(must_review(&arrival(5, false, false, 99), &s), None);
    }

    #[test]
    fn evidence_or_a_failed_critical_item_is_always_reviewed() {
        let s = Sampling {
            share_pct: 0,
            ..Sampling::default()
        };
        assert_eq!(
            must_review(&arrival(50, true, false, 99), &s),
            Some(ReviewReason::Evidence)
        );
        assert_eq!(
            must_review(&arrival(50, false, true, 99), &s),
            Some(ReviewReason::CriticalFailed)
        );
    }

    #[test]
    fn the_share_decides_the_rest() {
        let s = Sampling::default();
        assert_eq!(
            must_review(&arrival(9, false, false, 19), &s),
            Some(ReviewReason::Sampled)
        );
        assert_eq!(must_review(&arrival(9, false, false, 20), &s), None);
        let all = Sampling {
            share_pct: 100,
            ..s
        };
        assert_eq!(
            must_review(&arrival(9, false, false, 99), &all),
            Some(ReviewReason::Sampled)
        );
    }

    #[test]
    fn a_replay_draws_the_same_and_uuids_spread_evenly() {
        let id = "6f1c2b0e-8a51-4c1e-9d7e-2b1f0e3c4d5a";
        assert_eq!(draw_of(id), draw_of(id));
        // 2,000 ids in 10 buckets of ten: each within a few points of its 10 % share.
        let mut buckets = [0u32; 10];
        for i in 0..2000u32 {
            let id = format!(
                "{:08x}-0000-4000-8000-{:012x}",
                i.wrapping_mul(2_654_435_761),
                i
            );
            buckets[(draw_of(&id) / 10) as usize] += 1;
        }
        for b in buckets {
            assert!((140..=260).contains(&b), "{buckets:?}");
        }
    }

    proptest! {
        #[test]
        fn the_share_of_sampled_visits_is_the_setting(share in 0u32..=100) {
            let s = Sampling { first_visits: 0, share_pct: share, release_after_hours: 24 };
            let sampled = (0..100).filter(|d| must_review(&arrival(3, false, false, *d), &s).is_some()).count();
            prop_assert_eq!(sampled as u32, share);
        }
    }
}
