//! Wire types of the league page (see `api::league`): plain data, importing only `domain`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::stats::{Estimate, Signal};
use crate::domain::Dimension;

/// What the table is sorted by.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SortKey {
    /// The overall score adjusted for the number of answers (the ranking).
    #[default]
    Rank,
    Overall,
    Dimension(Dimension),
    Nps,
    Trend,
    Responses,
}

impl SortKey {
    pub const ALL: [SortKey; 10] = [
        SortKey::Rank,
        SortKey::Overall,
        SortKey::Dimension(Dimension::Tangibles),
        SortKey::Dimension(Dimension::Reliability),
        SortKey::Dimension(Dimension::Responsiveness),
        SortKey::Dimension(Dimension::Assurance),
        SortKey::Dimension(Dimension::Empathy),
        SortKey::Nps,
        SortKey::Trend,
        SortKey::Responses,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Rank => "rank",
            SortKey::Overall => "overall",
            SortKey::Dimension(d) => d.as_str(),
            SortKey::Nps => "nps",
            SortKey::Trend => "trend",
            SortKey::Responses => "responses",
        }
    }

    pub fn parse(s: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The figures of a store, a region or the organisation over the period: the channels
/// combined with the scorecard's weights, NPS from customers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GroupFigures {
    /// Answers in the weighted channels (visits, calls, customers).
    pub responses: i64,
    /// The combined score; `n` and the interval are those of the pooled answers.
    pub overall: Option<Estimate>,
    /// In `Dimension::ALL` order.
    pub dimensions: Vec<Option<Estimate>>,
    pub nps: Option<Estimate>,
    /// Points per week: each channel's least-squares slope of its weekly means (weighted by
    /// their answers), combined with the channel weights. None without two weeks of answers.
    pub trend: Option<f64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct LeagueRow {
    /// Place in the ranking by adjusted score (1 = best), whatever the table is sorted by.
    pub rank: Option<u32>,
    pub code: String,
    pub name: crate::domain::I18nText,
    pub region: String,
    pub figures: GroupFigures,
    /// The overall score pulled towards the mean of all stores by how few answers it rests on.
    pub adjusted: Option<f64>,
    /// The latest week the store's control chart flagged, and why.
    pub out_of_control: Option<(NaiveDate, Signal)>,
    /// The latest week of the period with far more or fewer answers than the store's usual.
    pub unusual: Option<crate::domain::unusual::UnusualWeek>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RollupRow {
    pub name: String,
    /// True for the organisation's row, false for a region's.
    pub organisation: bool,
    /// The organisation's row holds only the stores this user may see, not all of it.
    pub partial: bool,
    pub stores: i64,
    pub figures: GroupFigures,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct League {
    pub weeks: Vec<NaiveDate>,
    pub sort: SortKey,
    pub descending: bool,
    /// Only this region's stores, when asked.
    pub region: Option<String>,
    pub regions: Vec<String>,
    /// Stores in the table (after the region filter), before paging.
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub stores: Vec<LeagueRow>,
    pub rollups: Vec<RollupRow>,
}
