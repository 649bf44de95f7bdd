//! Whether a response counts: the one rule behind every figure, list and export.
//!
//! Every stored response carries exactly one status. Only `Counted` responses are in a
//! store's figures; the others are kept (nothing anybody sent is thrown away) and say why
//! they are out. Later capabilities (review before release, appeals) add statuses here, and
//! every way a response starts or stops counting is a change of this one value.

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
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Counted,
        Status::Flagged,
        Status::Held,
        Status::Excluded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Counted => "counted",
            Status::Flagged => "flagged",
            Status::Held => "held",
            Status::Excluded => "excluded",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether a response with this status is in the figures.
    pub fn counts(self) -> bool {
        self == Status::Counted
    }

    /// What an admin may turn a response of this status into. A flagged or held response
    /// may be counted or excluded; a decision may be taken back. Nothing becomes flagged or
    /// held by hand: those come from the rules that look at the response when it arrives.
    pub fn may_become(self, to: Status) -> bool {
        self != to && matches!(to, Status::Counted | Status::Excluded)
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
        assert!(Status::Held.may_become(Status::Counted));
        assert!(Status::Held.may_become(Status::Excluded));
        assert!(Status::Flagged.may_become(Status::Counted));
        assert!(Status::Excluded.may_become(Status::Counted));
        assert!(Status::Counted.may_become(Status::Excluded));
        assert!(!Status::Counted.may_become(Status::Held));
        assert!(!Status::Counted.may_become(Status::Flagged));
        assert!(!Status::Counted.may_become(Status::Counted));
    }
}
