//! The league table of the stores a user may see, and the region and organisation rollups.
//! One read of the kept period totals (per store and channel, with the sums of each trend;
//! `figures::ensure_period`), never the raw responses; control-chart marks read the weekly
//! rows of the stores shown only. Everything else is arithmetic on those rows.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};

use super::auth::Actor;
use super::db::figures::{self, Figures};
use super::db::{org, Db};
use super::error::{ServiceError, ServiceResult};
use super::scorecard::{combine, unusual_in, weeks_before};
use crate::api::wire::league::{GroupFigures, League, LeagueRow, RollupRow, SortKey};
use crate::domain::org_settings::OrgSettings;
use crate::domain::rollup::weeks_ending;
use crate::domain::stats::{
    adjusted, choose_baseline, control_chart, nps_estimate, score_estimate, weighted, Estimate,
    Moments, WeekRegression, BASELINE_WEEKS,
};
use crate::domain::{Channel, Dimension};

/// Stores per page of the table (the CSV export has them all).
pub const PAGE_SIZE: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub weeks: u32,
    pub sort: SortKey,
    pub descending: bool,
    pub region: Option<String>,
    /// From 1.
    pub page: usize,
}

/// Every visible store with its figures and rank, and the rollups, before sorting and paging.
pub struct Computed {
    pub weeks: Vec<NaiveDate>,
    /// Ranked by adjusted score; without control-chart marks (`mark_out_of_control`).
    pub stores: Vec<LeagueRow>,
    /// Store ids by code, for reading more of the stores' figures.
    pub ids: HashMap<String, i64>,
    pub rollups: Vec<RollupRow>,
}

/// A store's, region's or the organisation's rows, summed as they are read.
#[derive(Default)]
struct Group {
    by_channel: BTreeMap<Channel, Figures>,
    trends: BTreeMap<Channel, WeekRegression>,
}

impl Group {
    fn merge(&mut self, other: &Group) {
        for (c, f) in &other.by_channel {
            self.by_channel.entry(*c).or_default().merge(f);
        }
        for (c, t) in &other.trends {
            self.trends.entry(*c).or_default().merge(t);
        }
    }

    /// Measure `k` of the weighted channels' answers pooled: the count and spread behind the
    /// combined figure.
    fn pooled(&self, k: usize, org: &OrgSettings) -> Moments {
        let mut m = Moments::default();
        for (c, f) in &self.by_channel {
            if org.weight_of(*c) > 0.0 {
                m.merge(f.measures[k]);
            }
        }
        m
    }

    fn figures(&self, org: &OrgSettings) -> GroupFigures {
        let estimate = |k: usize| {
            combined_estimate(
                combine(&self.by_channel, k, org),
                &self.pooled(k, org),
                org.min_answers_score,
            )
        };
        GroupFigures {
            responses: self
                .by_channel
                .iter()
                .filter(|(c, _)| org.weight_of(**c) > 0.0)
                .map(|(_, f)| f.responses)
                .sum(),
            overall: estimate(0),
            dimensions: (1..=Dimension::ALL.len()).map(estimate).collect(),
            nps: self
                .by_channel
                .get(&Channel::CustomerQr)
                .and_then(|f| nps_estimate(&f.nps(), org.min_answers_nps)),
            trend: weighted(
                &self
                    .trends
                    .iter()
                    .map(|(c, t)| (t.slope(), org.weight_of(*c)))
                    .collect::<Vec<_>>(),
            ),
        }
    }
}

/// The latest week the control chart of a store's busiest channel (overall score) flags,
/// with the same baseline as the store's scorecard. `weekly` holds, per channel, the
/// [`BASELINE_WEEKS`] weeks before the period and then the period's weeks.
fn out_of_control(
    weeks: &[NaiveDate],
    weekly: &BTreeMap<Channel, Vec<Moments>>,
) -> Option<(NaiveDate, crate::domain::stats::Signal)> {
    let (_, all) = weekly
        .iter()
        .max_by_key(|(_, m)| m[BASELINE_WEEKS..].iter().map(|w| w.n).sum::<i64>())?;
    let (before, moments) = all.split_at(BASELINE_WEEKS);
    let limits = choose_baseline(before, moments).1?;
    let series: Vec<Option<(f64, i64)>> = moments
        .iter()
        .map(|m| m.mean().map(|mean| (mean, m.n)))
        .collect();
    control_chart(&series, &limits, (0.0, 100.0))
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, p)| Some((weeks[i], *p.as_ref()?.signals.last()?)))
}

/// Mark the rows whose store's control chart flags or whose answers in a week are far outside
/// its history, reading the weekly rows of those stores
/// only (a page of the table, or every store for the CSV).
pub async fn mark_out_of_control(
    db: &Db,
    weeks: &[NaiveDate],
    rows: &mut [LeagueRow],
    ids: &HashMap<String, i64>,
    org: &OrgSettings,
) -> ServiceResult<()> {
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return Ok(());
    };
    let wanted: Vec<i64> = rows
        .iter()
        .filter_map(|r| ids.get(&r.code).copied())
        .collect();
    let mut weekly: HashMap<i64, BTreeMap<Channel, Vec<Moments>>> = HashMap::new();
    let mut counts: HashMap<i64, BTreeMap<(NaiveDate, Channel), i64>> = HashMap::new();
    let start = weeks_before(*first)[0];
    for (store_id, week, channel, m, answers) in
        figures::stores_weekly_overall(db, &wanted, start, *last).await?
    {
        let index = ((week - start).num_days() / 7) as usize;
        if let Some(c) = Channel::parse(&channel) {
            counts
                .entry(store_id)
                .or_default()
                .insert((week, c), answers);
        }
        if let Some(c) = Channel::parse(&channel).filter(|c| org.weight_of(*c) > 0.0 && m.n > 0) {
            let series = weekly
                .entry(store_id)
                .or_default()
                .entry(c)
                .or_insert_with(|| vec![Moments::default(); BASELINE_WEEKS + weeks.len()]);
            if let Some(slot) = series.get_mut(index) {
                *slot = m;
            }
        }
    }
    for row in rows {
        row.out_of_control = ids
            .get(&row.code)
            .and_then(|id| weekly.get(id))
            .and_then(|w| out_of_control(weeks, w));
        // The latest unusual week, the one most worth checking now.
        row.unusual = ids
            .get(&row.code)
            .and_then(|id| counts.get(id))
            .and_then(|c| unusual_in(weeks, c).pop());
    }
    Ok(())
}

/// The combined value with the count of the pooled answers and their interval's width.
fn combined_estimate(value: Option<f64>, pooled: &Moments, min_solid: i64) -> Option<Estimate> {
    let value = value?;
    let spread = score_estimate(pooled, min_solid)?;
    let half = (spread.high - spread.low) / 2.0;
    Some(Estimate {
        value,
        low: (value - half).max(0.0),
        high: (value + half).min(100.0),
        ..spread
    })
}

pub async fn compute(
    db: &Db,
    actor: &Actor,
    weeks: u32,
    org: &OrgSettings,
) -> ServiceResult<Computed> {
    if !actor.role.reads_scores() {
        return Err(ServiceError::Forbidden);
    }
    // Stores keep their weeks in their own time zone; the period's weeks are named by their
    // Mondays, which are the same dates everywhere.
    let weeks = weeks_ending(Utc::now().date_naive(), weeks.clamp(1, 104));
    let (first, last) = (weeks[0], weeks[weeks.len() - 1]);
    let stores = org::visible_placed_stores(db, actor).await?;
    let mut groups: HashMap<i64, Group> = HashMap::new();
    for (store_id, channel, f, trend) in
        figures::stores_summed(db, actor, weeks.len() as u32, first, last).await?
    {
        if let Some(c) = Channel::parse(&channel).filter(|c| org.weight_of(*c) > 0.0) {
            let group = groups.entry(store_id).or_default();
            group.by_channel.insert(c, f);
            group.trends.insert(c, trend);
        }
    }

    let empty = Group::default();
    let mut organisations: BTreeMap<String, (i64, Group)> = BTreeMap::new();
    let mut regions: BTreeMap<String, (i64, Group)> = BTreeMap::new();
    let mut rows = Vec::with_capacity(stores.len());
    let mut pooled = Vec::with_capacity(stores.len());
    let mut ids = HashMap::with_capacity(stores.len());
    for store in stores {
        let group = groups.get(&store.id).unwrap_or(&empty);
        for (key, map) in [
            (&store.organisation, &mut organisations),
            (&store.region, &mut regions),
        ] {
            let entry = map.entry(key.clone()).or_default();
            entry.0 += 1;
            entry.1.merge(group);
        }
        pooled.push(group.pooled(0, org));
        ids.insert(store.code.clone(), store.id);
        rows.push(LeagueRow {
            rank: None,
            code: store.code,
            name: store.names.text(),
            region: store.region,
            figures: group.figures(org),
            adjusted: None,
            out_of_control: None,
            unusual: None,
        });
    }

    // Rank by the combined score adjusted for the answers behind it.
    let values: Vec<Option<f64>> = rows
        .iter()
        .map(|r| r.figures.overall.map(|e| e.value))
        .collect();
    for (row, a) in rows.iter_mut().zip(adjusted(&pooled, &values)) {
        row.adjusted = a;
    }
    sort(&mut rows, SortKey::Rank, true);
    for (i, row) in rows.iter_mut().enumerate() {
        row.rank = row.adjusted.map(|_| i as u32 + 1);
    }

    // Only administrators see whole organisations; a regional manager's "organisation" row
    // sums their own stores.
    let partial = actor.role != crate::api::wire::Role::Admin;
    let rollup = |organisation: bool, (name, (stores, group)): (String, (i64, Group))| RollupRow {
        name,
        organisation,
        partial: organisation && partial,
        stores,
        figures: group.figures(org),
    };
    let mut rollups: Vec<RollupRow> = organisations.into_iter().map(|e| rollup(true, e)).collect();
    rollups.extend(regions.into_iter().map(|e| rollup(false, e)));
    Ok(Computed {
        weeks,
        stores: rows,
        ids,
        rollups,
    })
}

/// The value a row is sorted by.
fn sort_value(row: &LeagueRow, key: SortKey) -> Option<f64> {
    let f = &row.figures;
    match key {
        SortKey::Rank => row.adjusted,
        SortKey::Overall => f.overall.map(|e| e.value),
        SortKey::Dimension(d) => {
            let i = Dimension::ALL.iter().position(|x| *x == d)?;
            f.dimensions.get(i).copied().flatten().map(|e| e.value)
        }
        SortKey::Nps => f.nps.map(|e| e.value),
        SortKey::Trend => f.trend,
        SortKey::Responses => Some(f.responses as f64),
    }
}

/// Stores without the figure go last either way; ties keep the store code order.
pub fn sort(rows: &mut [LeagueRow], key: SortKey, descending: bool) {
    rows.sort_by(|a, b| {
        let (x, y) = (sort_value(a, key), sort_value(b, key));
        let order = match (x, y) {
            (Some(x), Some(y)) if descending => y.total_cmp(&x),
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        order.then_with(|| a.code.cmp(&b.code))
    });
}

pub async fn for_actor(
    db: &Db,
    actor: &Actor,
    request: &Request,
    org: &OrgSettings,
) -> ServiceResult<League> {
    let Computed {
        weeks,
        mut stores,
        ids,
        rollups,
    } = compute(db, actor, request.weeks, org).await?;
    let regions: Vec<String> = rollups
        .iter()
        .filter(|r| !r.organisation)
        .map(|r| r.name.clone())
        .collect();
    let region = request.region.clone().filter(|r| regions.contains(r));
    if let Some(region) = &region {
        stores.retain(|s| &s.region == region);
    }
    sort(&mut stores, request.sort, request.descending);
    let total = stores.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = request.page.clamp(1, pages);
    let mut shown: Vec<LeagueRow> = stores
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    mark_out_of_control(db, &weeks, &mut shown, &ids, org).await?;
    Ok(League {
        weeks,
        sort: request.sort,
        descending: request.descending,
        region,
        regions,
        total,
        page,
        pages,
        stores: shown,
        rollups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, adjusted: Option<f64>, trend: Option<f64>) -> LeagueRow {
        LeagueRow {
            rank: None,
            code: code.into(),
            name: code.into(),
            region: "R".into(),
            figures: GroupFigures {
                responses: 0,
                overall: None,
                dimensions: vec![None; 5],
                nps: None,
                trend,
            },
            adjusted,
            out_of_control: None,
            unusual: None,
        }
    }

    #[test]
    fn stores_without_the_figure_sort_last_both_ways_and_ties_keep_code_order() {
        let mut rows = vec![
            row("C", Some(80.0), None),
            row("A", None, Some(-1.0)),
            row("B", Some(90.0), Some(2.0)),
            row("D", Some(80.0), Some(0.5)),
        ];
        sort(&mut rows, SortKey::Rank, true);
        let codes = |rows: &[LeagueRow]| rows.iter().map(|r| r.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&rows), ["B", "C", "D", "A"]);
        sort(&mut rows, SortKey::Rank, false);
        assert_eq!(codes(&rows), ["C", "D", "B", "A"]);
        sort(&mut rows, SortKey::Trend, false);
        assert_eq!(codes(&rows), ["A", "D", "B", "C"]);
    }
}
