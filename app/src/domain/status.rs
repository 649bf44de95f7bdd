//! Whether a response counts: the one rule behind every figure, list and export.
//!
//! Every stored response carries exactly one status. Only `Counted` responses are in a
//! store's figures; the others are kept (nothing anybody sent is thrown away) and say why
//! they are out. Every way a response starts or stops counting is a change of this one
//! value, made by one of the [`Move`]s below and nothing else.
//!
//! A mystery visit or call from a shopper arrives `Submitted` and counts once a reviewer
//! releases it (then it is `Counted`, shown as "released"); a reviewer may return it to the
//! shopper (`Returned`, until the shopper sends a revision, which is `Submitted` again) or
//! void it (`Voided`, kept and never counted).

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// In the figures.
    Counted,
    /// A customer answer with signs of stuffing (its flags say which).
    Flagged,
    /// Kept but held out until an admin decides (for example a visit finished offline on an
    /// assignment that was cancelled meanwhile).
    Held,
    /// An admin decided it does not count.
    Excluded,
    /// A mystery visit or call waiting for a reviewer.
    Submitted,
    /// Sent back to the shopper with comments, to be corrected and sent again.
    Returned,
    /// A reviewer decided it never counts (with a reason; kept).
    Voided,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Counted,
        Status::Flagged,
        Status::Held,
        Status::Excluded,
        Status::Submitted,
        Status::Returned,
        Status::Voided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Counted => "counted",
            Status::Flagged => "flagged",
            Status::Held => "held",
            Status::Excluded => "excluded",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether a response with this status is in the figures.
    pub fn counts(self) -> bool {
        self == Status::Counted
    }

    /// Whether a reviewer still has to decide on it (the review queue).
    pub fn awaits_review(self) -> bool {
        self == Status::Submitted
    }
}

/// A reviewer's decision on a submitted visit or call.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// It counts.
    Release,
    /// Back to the shopper, with comments, to correct and send again.
    Return,
    /// It never counts.
    Void,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Release, Decision::Return, Decision::Void];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Release => "release",
            Decision::Return => "return",
            Decision::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// Every way a response's status changes. `db::status::change` takes one of these, so no
/// other path can move a response into or out of the figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// An admin counts or excludes a response the rules held, flagged or counted (and may
    /// take that back). Visits under review go through the reviewer's decisions instead.
    Admin(Status),
    /// A reviewer decides on a submitted visit (a returned one may still be voided).
    Review(Decision),
    /// The shopper sent a corrected revision of a returned visit.
    Resubmit,
    /// Sampling let it through: nobody opened it within the delay.
    AutoRelease,
}

impl Move {
    /// The status this move leads to from `from`, or None when it may not be made.
    pub fn target(self, from: Status) -> Option<Status> {
        use Status::*;
        match (self, from) {
            (Move::Admin(to @ (Counted | Excluded)), Counted | Flagged | Held | Excluded) => {
                Some(to)
            }
            (Move::Admin(_), _) => None,
            (Move::Review(Decision::Release), Submitted) => Some(Counted),
            (Move::Review(Decision::Return), Submitted) => Some(Returned),
            (Move::Review(Decision::Void), Submitted | Returned) => Some(Voided),
            (Move::Review(_), _) => None,
            (Move::Resubmit, Returned) => Some(Submitted),
            (Move::Resubmit, _) => None,
            (Move::AutoRelease, Submitted) => Some(Counted),
            (Move::AutoRelease, _) => None,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_counted_responses_count() {
        let counting: Vec<_> = Status::ALL.into_iter().filter(|s| s.counts()).collect();
        assert_eq!(counting, vec![Status::Counted]);
    }

    #[test]
    fn every_status_reads_back_from_its_text() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("COUNTED"), None);
        assert_eq!(Status::parse(""), None);
    }

    #[test]
    fn admins_count_or_exclude_but_never_flag_or_hold_by_hand() {
        let admin = |to| Move::Admin(to);
        assert_eq!(
            admin(Status::Counted).target(Status::Held),
            Some(Status::Counted)
        );
        assert_eq!(
            admin(Status::Excluded).target(Status::Held),
            Some(Status::Excluded)
        );
        assert_eq!(
            admin(Status::Counted).target(Status::Flagged),
            Some(Status::Counted)
        );
        assert_eq!(
            admin(Status::Counted).target(Status::Excluded),
            Some(Status::Counted)
        );
        assert_eq!(
            admin(Status::Excluded).target(Status::Counted),
            Some(Status::Excluded)
        );
        assert_eq!(admin(Status::Held).target(Status::Counted), None);
        assert_eq!(admin(Status::Flagged).target(Status::Counted), None);
        assert_eq!(admin(Status::Submitted).target(Status::Counted), None);
    }

    #[test]
    fn a_visit_under_review_moves_only_by_a_review_decision() {
        // An admin's count would skip the review; a voided visit stays voided for everyone.
        for from in [Status::Submitted, Status::Returned, Status::Voided] {
            assert_eq!(Move::Admin(Status::Counted).target(from), None, "{from}");
            assert_eq!(Move::Admin(Status::Excluded).target(from), None, "{from}");
        }
        for m in [
            Move::Review(Decision::Release),
            Move::Review(Decision::Return),
            Move::Review(Decision::Void),
            Move::Resubmit,
            Move::AutoRelease,
        ] {
            assert_eq!(m.target(Status::Voided), None, "{m:?}");
            assert_eq!(
                m.target(Status::Counted),
                None,
                "a released visit is appealed: {m:?}"
            );
        }
        let review = |d| Move::Review(d);
        assert_eq!(
            review(Decision::Release).target(Status::Submitted),
            Some(Status::Counted)
        );
        assert_eq!(
            review(Decision::Return).target(Status::Submitted),
            Some(Status::Returned)
        );
        assert_eq!(
            review(Decision::Void).target(Status::Submitted),
            Some(Status::Voided)
        );
        assert_eq!(
            review(Decision::Void).target(Status::Returned),
            Some(Status::Voided)
        );
        assert_eq!(review(Decision::Release).target(Status::Returned), None);
        assert_eq!(
            Move::Resubmit.target(Status::Returned),
            Some(Status::Submitted)
        );
        assert_eq!(Move::Resubmit.target(Status::Submitted), None);
        assert_eq!(
            Move::AutoRelease.target(Status::Submitted),
            Some(Status::Counted)
        );
        assert_eq!(Move::AutoRelease.target(Status::Returned), None);
    }

    #[test]
    fn only_a_release_puts_a_reviewed_visit_into_the_figures() {
        for m in [
            Move::Review(Decision::Return),
            Move::Review(Decision::Void),
            Move::Resubmit,
        ] {
            for from in Status::ALL {
                if let Some(to) = m.target(from) {
                    assert!(!to.counts(), "{m:?} from {from} counts");
                }
            }
        }
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
    }
}
