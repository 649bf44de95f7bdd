//! Wire types of the scorecard page (see `api::scorecard`): plain data, importing only `domain`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::stats::{Baseline, ChartPoint, ControlLimits, Estimate};
use crate::domain::targets::Goal;
use crate::domain::{Channel, Dimension, I18nText};

/// The measures a chart can follow: the overall score or one dimension.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Measure {
    #[default]
    Overall,
    Dimension(Dimension),
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::Overall,
        Measure::Dimension(Dimension::Tangibles),
        Measure::Dimension(Dimension::Reliability),
        Measure::Dimension(Dimension::Responsiveness),
        Measure::Dimension(Dimension::Assurance),
        Measure::Dimension(Dimension::Empathy),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Overall => "overall",
            Measure::Dimension(d) => d.as_str(),
        }
    }

    pub fn parse(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Position in the weekly figures (overall first, then `Dimension::ALL`).
    pub fn index(self) -> usize {
        Measure::ALL.iter().position(|m| *m == self).unwrap_or(0)
    }
}

/// One channel's figures over the period.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ChannelFigures {
    pub channel: Channel,
    pub responses: i64,
    pub overall: Option<Estimate>,
    /// In `Dimension::ALL` order.
    pub dimensions: Vec<Option<Estimate>>,
    pub nps: Option<Estimate>,
    /// Its weight in the combined score (0: shown, not combined).
    pub weight: f64,
}

/// One week of the trend, all channels combined with their weights.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TrendWeek {
    pub week: NaiveDate,
    pub responses: i64,
    pub overall: Option<f64>,
    /// In `Dimension::ALL` order.
    pub dimensions: Vec<Option<f64>>,
    /// Customers' NPS that week, with its count.
    pub nps: Option<f64>,
    pub nps_n: i64,
}

/// The control chart of one measure in one channel.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ChartView {
    pub channel: Channel,
    pub measure: Measure,
    /// Where the centre line and limits come from.
    pub baseline: Baseline,
    /// None: too little data in the baseline to compute limits.
    pub limits: Option<ControlLimits>,
    /// One per week of the period (None: no answers that week).
    pub points: Vec<Option<ChartPoint>>,
}

/// One dimension as customers, mystery shoppers and the team see it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GapRow {
    pub dimension: Dimension,
    pub customers: Option<Estimate>,
    pub shoppers: Option<Estimate>,
    /// Only from three self-assessments in the period (anonymity).
    pub employees: Option<Estimate>,
    /// Customers' perception minus expectation, in 1-5 scale points, from the answers that
    /// rated both (none when no checklist in use asks for expectations).
    #[serde(default)]
    pub expectation_gap: Option<Estimate>,
}

/// A checklist item and how often it failed, most failed first.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ParetoRow {
    pub template: String,
    pub question: String,
    pub text: I18nText,
    pub channel: Channel,
    pub failed: i64,
    pub critical: bool,
    /// Share of all failures in the list up to and including this item, 0..=1.
    pub cumulative: f64,
}

/// One measure of the period with what says how good it is.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Benchmark {
    pub goal: Goal,
    /// The store's figure over the period (scores combined over the channels; NPS from
    /// customers).
    pub value: Option<f64>,
    /// The store's own target, or the organisation's.
    pub target: Option<f64>,
    /// The region's figure over the same weeks, its stores' answers pooled as in the league's
    /// region row (None: fewer than three of its stores have a figure).
    pub region: Option<f64>,
    /// The same measure over the same number of weeks just before the period.
    pub previous: Option<f64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Scorecard {
    pub store_code: String,
    pub store_name: crate::domain::I18nText,
    /// The store's IANA time zone: its times are shown on its clock.
    pub timezone: String,
    /// The weeks of the period (Mondays), oldest first.
    pub weeks: Vec<NaiveDate>,
    pub channels: Vec<ChannelFigures>,
    /// Weighted over the channels that have answers.
    pub combined_overall: Option<f64>,
    pub combined_dimensions: Vec<Option<f64>>,
    /// Customers' NPS over the period.
    pub nps: Option<Estimate>,
    /// The NPS with the flagged customer answers counted too, when there are any in the
    /// period: shown next to the figure, as on the customer answers page.
    pub nps_with_flagged: Option<crate::domain::Nps>,
    /// In `Goal::ALL` order: overall, the five dimensions, NPS.
    pub benchmarks: Vec<Benchmark>,
    /// Weeks of the period with far more or fewer answers than the store's usual week.
    pub unusual: Vec<crate::domain::unusual::UnusualWeek>,
    pub trend: Vec<TrendWeek>,
    pub chart: ChartView,
    pub gap: Vec<GapRow>,
    pub pareto: Vec<ParetoRow>,
    /// The period's latest visit and call reports, critical failures and comments (flagged
    /// answers and the team's own left out).
    pub reports: Vec<super::report::ReportLink>,
    pub critical: Vec<super::report::CriticalView>,
    pub comments: Vec<super::report::CommentView>,
}
