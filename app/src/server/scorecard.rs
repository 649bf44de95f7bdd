//! A store's scorecard from its weekly figures: per channel, combined with stated weights,
//! customers' NPS with its interval, the weekly trend, a control chart, the gap between
//! customers, shoppers and the team, and the checklist items that fail most. Reads only the
//! weekly figures (a few hundred rows), never the raw responses.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::auth::Actor;
use super::db::figures::{self, Figures};
use super::db::templates::{latest_version, TemplateCache};
use super::db::{org, targets, Db};
use super::error::{ServiceError, ServiceResult};
use super::store_time::{period_ms, store_today};
use crate::api::wire::scorecard::{
    Benchmark, ChannelFigures, ChartView, GapRow, Measure, ParetoRow, Scorecard, TrendWeek,
};
use crate::domain::calendar::DEFAULT_WEEKS;
use crate::domain::org_settings::OrgSettings;
use crate::domain::rollup::weeks_ending;
use crate::domain::stats::{
    choose_baseline, control_chart, nps_estimate, score_estimate, weighted, Moments, BASELINE_WEEKS,
};
use crate::domain::targets::{region_figure, target_for, Goal};
use crate::domain::unusual::{unusual_weeks, UnusualWeek};
use crate::domain::{Channel, Dimension, I18nText, Nps};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Request {
    pub weeks: u32,
    pub measure: Measure,
    /// None: the channel with the most answers in the period.
    pub channel: Option<Channel>,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            weeks: DEFAULT_WEEKS,
            measure: Measure::Overall,
            channel: None,
        }
    }
}

pub async fn for_store(
    db: &Db,
    templates: &TemplateCache,
    actor: &Actor,
    code: &str,
    request: Request,
    org: &OrgSettings,
) -> ServiceResult<Scorecard> {
    if !actor.role.reads_scores() {
        return Err(ServiceError::Forbidden);
    }
    let store = org::visible_store_row(db, actor, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let today = store_today(&store.timezone);
    let weeks = weeks_ending(today, request.weeks.clamp(1, 104));
    let latest = super::report::latest(
        db,
        templates,
        store.id,
        period_ms(&store.timezone, weeks[0], weeks[weeks.len() - 1]),
    )
    .await?;
    let (first, last) = (weeks[0], weeks[weeks.len() - 1]);
    // The weeks before the period too: the control chart's baseline and the previous period
    // of the same length.
    let before = weeks_before(first);
    let previous_first = first - chrono::Duration::weeks(weeks.len() as i64);
    let rows = figures::store_weeks(db, store.id, before[0].min(previous_first), last).await?;

    // (week, channel) -> figures, and per channel over the period.
    let mut by_week: BTreeMap<(NaiveDate, Channel), Figures> = BTreeMap::new();
    let mut by_channel: BTreeMap<Channel, Figures> = BTreeMap::new();
    let mut previous: BTreeMap<Channel, Figures> = BTreeMap::new();
    for (week, channel, f) in rows {
        let Some(channel) = Channel::parse(&channel) else {
            continue;
        };
        if week >= first {
            by_channel.entry(channel).or_default().merge(&f);
        } else if week >= previous_first {
            previous.entry(channel).or_default().merge(&f);
        }
        by_week.insert((week, channel), f);
    }
    // The team's answers only count from the self-assessment threshold (never below three) in
    // the period: fewer could be traced to a person, so they are left out of every figure here.
    if by_channel
        .get(&Channel::EmployeeSelf)
        .is_some_and(|f| f.responses < org.self_assessment_min)
    {
        by_channel.remove(&Channel::EmployeeSelf);
    }

    let channels: Vec<ChannelFigures> = by_channel
        .iter()
        .map(|(channel, f)| ChannelFigures {
            channel: *channel,
            responses: f.responses,
            overall: score_estimate(&f.measures[0], org.min_answers_score),
            dimensions: f.measures[1..super::db::figures::GAPS]
                .iter()
                .map(|m| score_estimate(m, org.min_answers_score))
                .collect(),
            nps: nps_estimate(&f.nps(), org.min_answers_nps),
            weight: org.weight_of(*channel),
        })
        .collect();
    let combine = |k: usize| combine(&by_channel, k, org);
    let customers = by_channel
        .get(&Channel::CustomerQr)
        .cloned()
        .unwrap_or_default();

    let trend = weeks
        .iter()
        .map(|week| {
            let of_week: Vec<(Channel, &Figures)> = Channel::ALL
                .iter()
                .filter(|c| org.weight_of(**c) > 0.0)
                .filter_map(|c| by_week.get(&(*week, *c)).map(|f| (*c, f)))
                .collect();
            let combined = |k: usize| {
                weighted(
                    &of_week
                        .iter()
                        .map(|(c, f)| (f.measures[k].mean(), org.weight_of(*c)))
                        .collect::<Vec<_>>(),
                )
            };
            let nps = by_week
                .get(&(*week, Channel::CustomerQr))
                .map(|f| f.nps())
                .unwrap_or_default();
            TrendWeek {
                week: *week,
                responses: of_week.iter().map(|(_, f)| f.responses).sum(),
                overall: combined(0),
                dimensions: (1..=5).map(combined).collect(),
                nps: nps.value(),
                nps_n: i64::from(nps.responses()),
            }
        })
        .collect();

    let chart_channel = request
        .channel
        .unwrap_or_else(|| busiest_channel(&by_channel));
    let chart = chart(&before, &weeks, &by_week, chart_channel, request.measure);

    let shoppers = {
        let mut f = by_channel
            .get(&Channel::MysteryVisit)
            .cloned()
            .unwrap_or_default();
        if let Some(call) = by_channel.get(&Channel::MysteryCall) {
            f.merge(call);
        }
        f
    };
    let employees = by_channel.get(&Channel::EmployeeSelf);
    let gap = Dimension::ALL
        .iter()
        .enumerate()
        .map(|(i, d)| GapRow {
            dimension: *d,
            customers: score_estimate(&customers.measures[i + 1], org.min_answers_score),
            shoppers: score_estimate(&shoppers.measures[i + 1], org.min_answers_score),
            employees: employees
                .and_then(|f| score_estimate(&f.measures[i + 1], org.min_answers_score)),
            expectation_gap: crate::domain::stats::gap_estimate(
                &customers.measures[super::db::figures::GAPS + i],
                org.min_answers_score,
            ),
        })
        .collect();

    let pareto = pareto(db, templates, store.id, first, last).await?;
    // The kept figures hold the counted answers; only the flagged ones are read to add.
    let flagged = super::db::responses::flagged_recommends(
        db,
        store.id,
        period_ms(&store.timezone, first, last),
    )
    .await?;
    let nps_with_flagged = (!flagged.is_empty()).then(|| {
        let (counted, extra) = (customers.nps(), Nps::from_answers(flagged));
        Nps {
            promoters: counted.promoters + extra.promoters,
            passives: counted.passives + extra.passives,
            detractors: counted.detractors + extra.detractors,
        }
    });
    let benchmarks = benchmarks(db, &store, (first, last), (&by_channel, &previous), org).await?;
    let counts = by_week.iter().map(|(k, f)| (*k, f.responses)).collect();
    let unusual = unusual_in(&weeks, &counts);
    Ok(Scorecard {
        store_code: store.code,
        store_name: store.names.text(),
        timezone: store.timezone,
        weeks,
        channels,
        combined_overall: combine(0),
        combined_dimensions: (1..=5).map(combine).collect(),
        nps: nps_estimate(&customers.nps(), org.min_answers_nps),
        nps_with_flagged,
        benchmarks,
        unusual,
        trend,
        chart,
        gap,
        pareto,
        reports: latest.reports,
        critical: latest.critical,
        comments: latest.comments,
    })
}

/// A goal's figure from a store's (or a period's) figures per channel: scores combined with
/// the channel weights, NPS from customers.
fn goal_value(
    by_channel: &BTreeMap<Channel, Figures>,
    goal: Goal,
    org: &OrgSettings,
) -> Option<f64> {
    match goal {
        Goal::Overall => combine(by_channel, 0, org),
        Goal::Dimension(d) => combine(by_channel, Measure::Dimension(d).index(), org),
        Goal::Nps => by_channel.get(&Channel::CustomerQr)?.nps().value(),
    }
}

/// Each measure with its target, the region's average over the same weeks and the previous
/// period's figure.
async fn benchmarks(
    db: &Db,
    store: &org::StoreRow,
    (first, last): (NaiveDate, NaiveDate),
    (by_channel, previous): (&BTreeMap<Channel, Figures>, &BTreeMap<Channel, Figures>),
    org: &OrgSettings,
) -> ServiceResult<Vec<Benchmark>> {
    let (organisation, own) = targets::for_store(db, store.id).await?;
    let mut region: BTreeMap<i64, BTreeMap<Channel, Figures>> = BTreeMap::new();
    for (store_id, channel, f) in
        figures::region_stores_summed(db, store.region_id, first, last).await?
    {
        if let Some(channel) = Channel::parse(&channel) {
            region.entry(store_id).or_default().insert(channel, f);
        }
    }
    // Pooled as the league's region row pools them, so both pages show the same figure.
    let mut pooled: BTreeMap<Channel, Figures> = BTreeMap::new();
    for store in region.values() {
        for (c, f) in store {
            pooled.entry(*c).or_default().merge(f);
        }
    }
    Ok(Goal::ALL
        .into_iter()
        .map(|goal| Benchmark {
            goal,
            value: goal_value(by_channel, goal, org),
            target: target_for(goal, &organisation, &own),
            region: region_figure(
                goal_value(&pooled, goal, org),
                region
                    .values()
                    .filter(|s| goal_value(s, goal, org).is_some())
                    .count(),
            ),
            previous: goal_value(previous, goal, org),
        })
        .collect())
}

/// Measure `k` (overall first, then the dimensions) of the channels combined with their
/// stated weights; channels without answers drop out and the rest are re-weighted.
pub fn combine(
    by_channel: &BTreeMap<Channel, Figures>,
    k: usize,
    org: &OrgSettings,
) -> Option<f64> {
    weighted(
        &by_channel
            .iter()
            .map(|(c, f)| (f.measures[k].mean(), org.weight_of(*c)))
            .collect::<Vec<_>>(),
    )
}

/// The chart follows the channel with the most scored answers (customers, usually), where a
/// weekly mean rests on the most answers; employees' answers are never charted by week.
fn busiest_channel(by_channel: &BTreeMap<Channel, Figures>) -> Channel {
    by_channel
        .iter()
        .filter(|(c, _)| **c != Channel::EmployeeSelf)
        .max_by_key(|(_, f)| f.measures[0].n)
        .map_or(Channel::CustomerQr, |(c, _)| *c)
}

/// The period's weeks whose number of answers in a channel is far outside the store's own
/// history (`domain::unusual`), oldest first. `counts` holds the answers per week and channel
/// from the [`BASELINE_WEEKS`] weeks before the period on.
pub fn unusual_in(
    weeks: &[NaiveDate],
    counts: &BTreeMap<(NaiveDate, Channel), i64>,
) -> Vec<UnusualWeek> {
    let Some(first) = weeks.first() else {
        return Vec::new();
    };
    let all: Vec<NaiveDate> = weeks_before(*first)
        .into_iter()
        .chain(weeks.iter().copied())
        .collect();
    let active: Vec<bool> = all
        .iter()
        .map(|w| {
            Channel::ALL
                .iter()
                .any(|c| counts.get(&(*w, *c)).is_some_and(|n| *n > 0))
        })
        .collect();
    let mut found = Vec::new();
    for channel in Channel::ALL {
        let series: Vec<i64> = all
            .iter()
            .map(|w| counts.get(&(*w, channel)).copied().unwrap_or(0))
            .collect();
        found.extend(
            unusual_weeks(&series, &active)
                .into_iter()
                .map(|u| UnusualWeek {
                    week: weeks[u.week],
                    channel,
                    count: u.count,
                    usual: u.usual,
                    direction: u.direction,
                }),
        );
    }
    found.sort_by_key(|u| (u.week, u.channel));
    found
}

/// The [`BASELINE_WEEKS`] weeks before a period starting on `first`, oldest first.
pub fn weeks_before(first: NaiveDate) -> Vec<NaiveDate> {
    (1..=BASELINE_WEEKS as i64)
        .rev()
        .map(|back| first - chrono::Duration::weeks(back))
        .collect()
}

fn chart(
    before: &[NaiveDate],
    weeks: &[NaiveDate],
    by_week: &BTreeMap<(NaiveDate, Channel), Figures>,
    channel: Channel,
    measure: Measure,
) -> ChartView {
    let k = measure.index();
    let series = |weeks: &[NaiveDate]| -> Vec<Moments> {
        weeks
            .iter()
            .map(|w| {
                by_week
                    .get(&(*w, channel))
                    .map(|f| f.measures[k])
                    .unwrap_or_default()
            })
            .collect()
    };
    let moments = series(weeks);
    let (baseline, limits) = choose_baseline(&series(before), &moments);
    // Employees' weekly answers could be traced to a person: no weekly chart of them.
    let points = match (limits, channel) {
        (Some(l), c) if c != Channel::EmployeeSelf => {
            let series: Vec<Option<(f64, i64)>> = moments
                .iter()
                .map(|m| m.mean().map(|mean| (mean, m.n)))
                .collect();
            control_chart(&series, &l, (0.0, 100.0))
        }
        _ => vec![None; weeks.len()],
    };
    ChartView {
        channel,
        measure,
        baseline,
        limits: limits.filter(|_| channel != Channel::EmployeeSelf),
        points,
    }
}

/// Items failed at least once, most failed first, with the running share of all failures.
async fn pareto(
    db: &Db,
    templates: &TemplateCache,
    store_id: i64,
    first: NaiveDate,
    last: NaiveDate,
) -> ServiceResult<Vec<ParetoRow>> {
    let items = figures::store_items(db, store_id, first, last).await?;
    let total: i64 = items
        .iter()
        .filter(|i| i.channel != Channel::EmployeeSelf.as_str())
        .map(|i| i.failed)
        .sum();
    let mut rows = Vec::new();
    let mut running = 0;
    let mut texts: BTreeMap<String, Option<std::sync::Arc<crate::domain::Template>>> =
        BTreeMap::new();
    for item in items {
        let Some(channel) = Channel::parse(&item.channel) else {
            continue;
        };
        if item.failed == 0 || channel == Channel::EmployeeSelf {
            continue;
        }
        if !texts.contains_key(&item.template_key) {
            let version = latest_version(db, templates, &item.template_key).await?;
            texts.insert(item.template_key.clone(), version.map(|v| v.template));
        }
        let text = texts
            .get(&item.template_key)
            .and_then(|t| t.as_ref())
            .and_then(|t| t.question(&item.question))
            .map(|q| q.text.clone())
            .unwrap_or_else(|| I18nText {
                en: item.question.clone(),
                zh_cn: None,
                ru: None,
            });
        running += item.failed;
        rows.push(ParetoRow {
            template: item.template_key,
            question: item.question,
            text,
            channel,
            failed: item.failed,
            critical: item.critical,
            cumulative: if total > 0 {
                running as f64 / total as f64
            } else {
                0.0
            },
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_weeks_end_the_week_before_the_period() {
        let first = NaiveDate::from_ymd_opt(2026, 11, 2).expect("monday");
        let before = weeks_before(first);
        assert_eq!(before.len(), BASELINE_WEEKS);
        assert_eq!(
            before[BASELINE_WEEKS - 1],
            first - chrono::Duration::weeks(1)
        );
        assert!(before
            .windows(2)
            .all(|w| w[1] - w[0] == chrono::Duration::weeks(1)));
    }

    #[test]
    fn the_default_weights_add_up_to_one_and_leave_the_team_out_of_the_combined_score() {
        let org = OrgSettings::default();
        let total: f64 = Channel::ALL.iter().map(|c| org.weight_of(*c)).sum();
        assert!((total - 1.0).abs() < 1e-9);
        assert_eq!(org.weight_of(Channel::EmployeeSelf), 0.0);
    }

    #[test]
    fn the_combined_score_follows_the_chains_weights() {
        let figures = |mean: f64| {
            let mut f = Figures::default();
            f.measures[0] = Moments::of([crate::domain::stats::to_fixed(mean)]);
            f
        };
        let by_channel: BTreeMap<Channel, Figures> = [
            (Channel::MysteryVisit, figures(60.0)),
            (Channel::CustomerQr, figures(90.0)),
        ]
        .into_iter()
        .collect();
        let mut org = OrgSettings::default();
        assert_eq!(combine(&by_channel, 0, &org), Some(75.0));
        org.weight_customer = 0.0;
        assert_eq!(combine(&by_channel, 0, &org), Some(60.0));
    }
}
