//! How good is good: a target per measure (the organisation's, optionally a store's own), and
//! the two comparisons a scorecard puts beside each figure (the region, the previous period).
//! Pure so the rules are tested once and read the same wherever a figure is shown.

use serde::{Deserialize, Serialize};

use super::Dimension;

/// What a target can be set for: the overall score, one dimension, or customers' NPS.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Goal {
    Overall,
    Dimension(Dimension),
    Nps,
}

/// Why a target was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum TargetError {
    UnknownMeasure(String),
    OutOfRange { low: f64, high: f64 },
}

impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetError::UnknownMeasure(m) => write!(
                f,
                "unknown measure {m:?}: one of overall, tangibles, reliability, responsiveness, assurance, empathy, nps"
            ),
            TargetError::OutOfRange { low, high } => {
                write!(f, "a target for this measure lies between {low} and {high}")
            }
        }
    }
}

impl Goal {
    pub const ALL: [Goal; 7] = [
        Goal::Overall,
        Goal::Dimension(Dimension::Tangibles),
        Goal::Dimension(Dimension::Reliability),
        Goal::Dimension(Dimension::Responsiveness),
        Goal::Dimension(Dimension::Assurance),
        Goal::Dimension(Dimension::Empathy),
        Goal::Nps,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Goal::Overall => "overall",
            Goal::Dimension(d) => d.as_str(),
            Goal::Nps => "nps",
        }
    }

    pub fn parse(s: &str) -> Result<Goal, TargetError> {
        Goal::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| TargetError::UnknownMeasure(s.to_string()))
    }

    /// Scores are percentages; NPS runs from -100 to +100.
    pub fn range(self) -> (f64, f64) {
        match self {
            Goal::Nps => (-100.0, 100.0),
            _ => (0.0, 100.0),
        }
    }

    /// The value as a target for this measure, or why not.
    pub fn check(self, value: f64) -> Result<f64, TargetError> {
        let (low, high) = self.range();
        if value.is_finite() && (low..=high).contains(&value) {
            Ok(value)
        } else {
            Err(TargetError::OutOfRange { low, high })
        }
    }
}

/// The targets that apply to one store: its own where set, the organisation's otherwise.
pub fn target_for(goal: Goal, organisation: &[(Goal, f64)], store: &[(Goal, f64)]) -> Option<f64> {
    let find = |list: &[(Goal, f64)]| list.iter().find(|(g, _)| *g == goal).map(|(_, v)| *v);
    find(store).or_else(|| find(organisation))
}

/// The fewest stores with figures before a region's average is shown beside a store's figure:
/// with two, a manager could work out the other store's figure from it.
pub const MIN_REGION_STORES: usize = 3;

/// The region's figure (its stores' answers pooled, as the league's region row shows it), or
/// None when fewer than [`MIN_REGION_STORES`] of its stores have a figure of their own.
pub fn region_figure(pooled: Option<f64>, stores_with_a_figure: usize) -> Option<f64> {
    pooled.filter(|_| stores_with_a_figure >= MIN_REGION_STORES)
}

/// The change since the previous period, when both have a figure.
pub fn change(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    Some(now? - before?)
}

/// Whether a figure reaches its target (None: no figure or no target).
pub fn meets(value: Option<f64>, target: Option<f64>) -> Option<bool> {
    Some(value? >= target?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_measure_reads_back_and_unknown_ones_are_refused() {
        for g in Goal::ALL {
            assert_eq!(Goal::parse(g.as_str()), Ok(g));
        }
        assert!(matches!(
            Goal::parse("happiness"),
            Err(TargetError::UnknownMeasure(_))
        ));
    }

    #[test]
    fn targets_must_lie_on_the_measures_scale() {
        assert_eq!(Goal::Overall.check(80.0), Ok(80.0));
        assert!(Goal::Overall.check(-1.0).is_err());
        assert!(Goal::Overall.check(100.5).is_err());
        assert!(Goal::Overall.check(f64::NAN).is_err());
        assert_eq!(Goal::Nps.check(-20.0), Ok(-20.0));
        assert!(Goal::Nps.check(101.0).is_err());
    }

    #[test]
    fn a_stores_own_target_wins_over_the_organisations() {
        let org = [(Goal::Overall, 80.0), (Goal::Nps, 30.0)];
        let store = [(Goal::Overall, 85.0)];
        assert_eq!(target_for(Goal::Overall, &org, &store), Some(85.0));
        assert_eq!(target_for(Goal::Nps, &org, &store), Some(30.0));
        assert_eq!(
            target_for(Goal::Dimension(Dimension::Empathy), &org, &store),
            None
        );
    }

    #[test]
    fn a_regions_figure_needs_three_stores_with_one() {
        assert_eq!(region_figure(Some(70.0), 2), None);
        assert_eq!(region_figure(Some(70.0), 3), Some(70.0));
        assert_eq!(region_figure(None, 5), None);
    }

    #[test]
    fn change_and_meeting_need_both_figures() {
        assert_eq!(change(Some(82.0), Some(80.0)), Some(2.0));
        assert_eq!(change(Some(82.0), None), None);
        assert_eq!(meets(Some(80.0), Some(80.0)), Some(true));
        assert_eq!(meets(Some(79.9), Some(80.0)), Some(false));
        assert_eq!(meets(None, Some(80.0)), None);
    }
}
