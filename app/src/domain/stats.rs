//! The statistics behind scorecards and league tables: means with their spread, NPS with its
//! interval, control limits and run rules, trend slopes and rankings adjusted for how many
//! answers a store has. Pure and wasm-safe, like the scoring it summarises.
//!
//! Scores are kept as whole hundredths of a percentage point ([`to_fixed`]), so that running
//! totals are exact integers: the figures maintained at ingest and the figures rebuilt from the
//! raw responses are equal to the last digit, whatever order the responses are added in.

use serde::{Deserialize, Serialize};

use super::scoring::Nps;

/// Hundredths of a percentage point per percentage point.
pub const FIXED_PER_PERCENT: i64 = 100;

/// Two-sided 95 % normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// A percentage (0..=100) as whole hundredths, the unit of all running totals.
pub fn to_fixed(percent: f64) -> i64 {
    (percent.clamp(-100.0, 100.0) * FIXED_PER_PERCENT as f64).round() as i64
}

/// Count, sum and sum of squares of one measure, in hundredths of a point: enough for the
/// mean, the spread and any merge of groups, and exact under addition.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moments {
    pub n: i64,
    pub sum: i64,
    pub sum_sq: i64,
}

impl Moments {
    pub fn of(values_fixed: impl IntoIterator<Item = i64>) -> Moments {
        let mut m = Moments::default();
        for v in values_fixed {
            m.add(v);
        }
        m
    }

    pub fn add(&mut self, value_fixed: i64) {
        self.n += 1;
        self.sum += value_fixed;
        self.sum_sq += value_fixed * value_fixed;
    }

    pub fn merge(&mut self, other: Moments) {
        self.n += other.n;
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
    }

    /// The mean in percentage points, None without values.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / self.n as f64 / FIXED_PER_PERCENT as f64)
    }

    /// Sum of squared deviations from the mean, in points squared.
    fn squared_deviations(&self) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let scale = (FIXED_PER_PERCENT * FIXED_PER_PERCENT) as f64;
        // Exact in integers up to the last division: sum_sq - sum²/n.
        let n = self.n as i128;
        let ss = (self.sum_sq as i128 * n - (self.sum as i128) * (self.sum as i128)) as f64;
        (ss / n as f64 / scale).max(0.0)
    }

    /// Sample variance in points squared; None below two values.
    pub fn variance(&self) -> Option<f64> {
        (self.n > 1).then(|| self.squared_deviations() / (self.n - 1) as f64)
    }

    pub fn std_dev(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }
}

/// NPS as a running total: every answer counts +100 (9-10), 0 (7-8) or -100 (0-6), so the
/// mean of those values is the NPS and the same [`Moments`] machinery applies.
pub fn nps_moments(nps: &Nps) -> Moments {
    let hundred = 100 * FIXED_PER_PERCENT;
    let (p, d) = (i64::from(nps.promoters), i64::from(nps.detractors));
    Moments {
        n: i64::from(nps.responses()),
        sum: (p - d) * hundred,
        sum_sq: (p + d) * hundred * hundred,
    }
}

/// An estimate with its 95 % interval and the number of answers behind it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub n: i64,
    /// Too few answers to read as a solid figure: shown greyed with its count.
    pub tentative: bool,
}

/// NPS with a 95 % interval: the plain NPS ± 1.96 standard errors of a difference of two
/// proportions of one sample. The standard error is taken with three pseudo-answers added
/// (¾ promoter, ¾ detractor, 1½ passive, as in an adjusted Wald interval), so that a handful
/// of identical answers does not get a zero-width interval.
/// `min_solid`: fewer answers than this and it is tentative (the chain's
/// `OrgSettings::min_answers_nps`; by default 30, below which the interval is typically wider
/// than ±30 points).
pub fn nps_estimate(nps: &Nps, min_solid: i64) -> Option<Estimate> {
    let value = nps.value()?;
    let n = f64::from(nps.responses());
    let adj_n = n + 3.0;
    let p = (f64::from(nps.promoters) + 0.75) / adj_n;
    let d = (f64::from(nps.detractors) + 0.75) / adj_n;
    let variance = (p + d - (p - d) * (p - d)) / adj_n;
    let half = Z95 * variance.max(0.0).sqrt() * 100.0;
    let n = i64::from(nps.responses());
    Some(Estimate {
        value,
        low: (value - half).max(-100.0),
        high: (value + half).min(100.0),
        n,
        tentative: n < min_solid,
    })
}

/// A mean score with a 95 % interval (normal approximation, clamped to 0..=100); fewer answers
/// than `min_solid` and it is tentative.
pub fn score_estimate(m: &Moments, min_solid: i64) -> Option<Estimate> {
    let value = m.mean()?;
    let half = m
        .std_dev()
        .map(|s| Z95 * s / (m.n as f64).sqrt())
        .unwrap_or(100.0);
    Some(Estimate {
        value,
        low: (value - half).max(0.0),
        high: (value + half).min(100.0),
        n: m.n,
        tentative: m.n < min_solid,
    })
}

/// The mean perception-minus-expectation gap (1-5 scale points, -4 to 4) with its 95 %
/// interval, from the per-response gaps kept in hundredths of a point.
pub fn gap_estimate(m: &Moments, min_solid: i64) -> Option<Estimate> {
    let value = m.mean()?;
    let half = m
        .std_dev()
        .map(|s| Z95 * s / (m.n as f64).sqrt())
        .unwrap_or(4.0);
    Some(Estimate {
        value,
        low: (value - half).max(-4.0),
        high: (value + half).min(4.0),
        n: m.n,
        tentative: m.n < min_solid,
    })
}

/// Weighted mean of per-channel values with their weights; channels without a value drop out
/// and the rest are re-weighted. None when no weighted channel has a value.
pub fn weighted(values: &[(Option<f64>, f64)]) -> Option<f64> {
    let (sum, weight) = values
        .iter()
        .filter_map(|(v, w)| v.map(|v| (v * w, *w)))
        .filter(|(_, w)| *w > 0.0)
        .fold((0.0, 0.0), |(s, t), (v, w)| (s + v, t + w));
    (weight > 0.0).then(|| sum / weight)
}

/// Centre line and spread of a control chart, computed from a baseline.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct ControlLimits {
    /// The baseline's pooled mean.
    pub centre: f64,
    /// The pooled within-week standard deviation of single answers.
    pub sigma: f64,
}

impl ControlLimits {
    /// From the baseline weeks: centre = all baseline answers' mean; sigma from the spread of
    /// answers within each week (pooled), so a shift between weeks does not widen the limits
    /// that are meant to detect it. None without a week of two or more answers.
    pub fn from_baseline(weeks: &[Moments]) -> Option<ControlLimits> {
        let mut all = Moments::default();
        let (mut ss, mut dof) = (0.0, 0i64);
        for w in weeks {
            all.merge(*w);
            if w.n > 1 {
                ss += w.squared_deviations();
                dof += w.n - 1;
            }
        }
        let centre = all.mean()?;
        (dof > 0).then(|| ControlLimits {
            centre,
            sigma: (ss / dof as f64).sqrt(),
        })
    }

    /// The 3-sigma limits for a week's mean of `n` answers (clamped to the scale).
    pub fn limits(&self, n: i64, scale: (f64, f64)) -> (f64, f64) {
        let half = 3.0 * self.sigma / (n.max(1) as f64).sqrt();
        (
            (self.centre - half).max(scale.0),
            (self.centre + half).min(scale.1),
        )
    }
}

/// Why a point on a control chart is flagged.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Beyond a 3-sigma limit: very unlikely (about 3 in 1000) from ordinary week-to-week noise.
    OutsideLimits,
    /// The 8th (or later) week in a row on one side of the centre line: the level has shifted.
    RunOnOneSide,
    /// The 6th (or later) week in a row going up, or down: a steady drift.
    Trend,
}

/// How many weeks in a row on one side make a shift.
pub const RUN_LENGTH: usize = 8;
/// How many steadily rising (or falling) weeks in a row make a trend.
pub const TREND_LENGTH: usize = 6;

/// One week on a control chart.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ChartPoint {
    pub mean: f64,
    pub n: i64,
    pub low: f64,
    pub high: f64,
    pub signals: Vec<Signal>,
}

/// Weeks before a period whose answers set its control limits.
pub const BASELINE_WEEKS: usize = 12;
/// Weeks with answers a baseline needs before its limits mean anything.
pub const MIN_BASELINE_WEEKS: usize = 4;

/// Where a chart's centre line and limits come from.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Baseline {
    /// The `weeks` weeks before the period (`with_answers` of them had answers): every week
    /// of the period is read against them, so even a 4-week view can flag.
    Before { weeks: u32, with_answers: u32 },
    /// Too few answers before the period: its own first `weeks` weeks (a long period only).
    FirstWeeks { weeks: u32 },
    /// Too few weeks with answers to set limits at all.
    TooFew { with_answers: u32, needed: u32 },
}

/// Choose the baseline of a chart of `period` from the weeks `before` it (oldest first):
/// those weeks when at least [`MIN_BASELINE_WEEKS`] of them have answers; else, when the
/// period is long enough to spare them, its own first half; else none.
pub fn choose_baseline(
    before: &[Moments],
    period: &[Moments],
) -> (Baseline, Option<ControlLimits>) {
    let with_answers = |weeks: &[Moments]| weeks.iter().filter(|m| m.n > 0).count();
    let earlier = with_answers(before);
    if earlier >= MIN_BASELINE_WEEKS {
        if let Some(limits) = ControlLimits::from_baseline(before) {
            let baseline = Baseline::Before {
                weeks: before.len() as u32,
                with_answers: earlier as u32,
            };
            return (baseline, Some(limits));
        }
    }
    let half = period.len() / 2;
    if half >= MIN_BASELINE_WEEKS && with_answers(&period[..half]) >= MIN_BASELINE_WEEKS {
        if let Some(limits) = ControlLimits::from_baseline(&period[..half]) {
            return (Baseline::FirstWeeks { weeks: half as u32 }, Some(limits));
        }
    }
    let baseline = Baseline::TooFew {
        with_answers: earlier as u32,
        needed: MIN_BASELINE_WEEKS as u32,
    };
    (baseline, None)
}

/// Places each week (None: no answers that week, a gap the rules skip) against the limits and
/// flags the points that break a rule. Gaps neither break nor extend a run.
pub fn control_chart(
    weeks: &[Option<(f64, i64)>],
    limits: &ControlLimits,
    scale: (f64, f64),
) -> Vec<Option<ChartPoint>> {
    let mut out: Vec<Option<ChartPoint>> = Vec::with_capacity(weeks.len());
    let mut side_run: (i8, usize) = (0, 0);
    let mut trend_run: (i8, usize, Option<f64>) = (0, 1, None);
    for week in weeks {
        let Some((mean, n)) = *week else {
            out.push(None);
            continue;
        };
        let (low, high) = limits.limits(n, scale);
        let mut signals = Vec::new();
        if mean < low || mean > high {
            signals.push(Signal::OutsideLimits);
        }
        let side = if mean > limits.centre {
            1
        } else if mean < limits.centre {
            -1
        } else {
            0
        };
        side_run = if side != 0 && side == side_run.0 {
            (side, side_run.1 + 1)
        } else {
            (side, usize::from(side != 0))
        };
        if side_run.1 >= RUN_LENGTH {
            signals.push(Signal::RunOnOneSide);
        }
        let direction = match trend_run.2 {
            Some(prev) if mean > prev => 1,
            Some(prev) if mean < prev => -1,
            _ => 0,
        };
        trend_run = if direction != 0 && direction == trend_run.0 {
            (direction, trend_run.1 + 1, Some(mean))
        } else {
            // A point that starts a rise is the second of a rising sequence.
            (direction, if direction != 0 { 2 } else { 1 }, Some(mean))
        };
        if trend_run.1 >= TREND_LENGTH {
            signals.push(Signal::Trend);
        }
        out.push(Some(ChartPoint {
            mean,
            n,
            low,
            high,
            signals,
        }));
    }
    out
}

/// Weighted least-squares slope of weekly means (points per week), weights = answers that
/// week. None with fewer than two weeks that have answers.
pub fn trend_per_week(weeks: &[Option<(f64, i64)>]) -> Option<f64> {
    let points: Vec<(f64, f64, f64)> = weeks
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.map(|(mean, n)| (i as f64, mean, n as f64)))
        .filter(|(_, _, w)| *w > 0.0)
        .collect();
    if points.len() < 2 {
        return None;
    }
    let total: f64 = points.iter().map(|p| p.2).sum();
    let mx = points.iter().map(|p| p.0 * p.2).sum::<f64>() / total;
    let my = points.iter().map(|p| p.1 * p.2).sum::<f64>() / total;
    let sxx: f64 = points.iter().map(|p| p.2 * (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| p.2 * (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The sums behind [`trend_per_week`], kept exact and additive so a database can keep them
/// per store and period (and regions add up their stores'): for every answer, its week's
/// number i and its value x in hundredths of a point. The least-squares slope of the answers
/// on i equals the slope of the weekly means weighted by their answers, and does not depend
/// on where weeks are counted from (the database counts from 1970).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WeekRegression {
    pub n: i64,
    pub sum_i: i64,
    pub sum_ii: i64,
    pub sum_x: i64,
    pub sum_ix: i64,
}

impl WeekRegression {
    /// Add a week's answers (their moments) at week index `i`.
    pub fn add_week(&mut self, i: i64, m: &Moments) {
        self.n += m.n;
        self.sum_i += m.n * i;
        self.sum_ii += m.n * i * i;
        self.sum_x += m.sum;
        self.sum_ix += m.sum * i;
    }

    pub fn merge(&mut self, o: &WeekRegression) {
        self.n += o.n;
        self.sum_i += o.sum_i;
        self.sum_ii += o.sum_ii;
        self.sum_x += o.sum_x;
        self.sum_ix += o.sum_ix;
    }

    /// Points per week; None unless the answers fall in at least two weeks.
    pub fn slope(&self) -> Option<f64> {
        // Exact in 128-bit integers: with week numbers in the thousands, n * sum_ii and
        // sum_i squared are huge and nearly equal, and f64 would lose their difference.
        let (n, si, sii, sx, six) = (
            i128::from(self.n),
            i128::from(self.sum_i),
            i128::from(self.sum_ii),
            i128::from(self.sum_x),
            i128::from(self.sum_ix),
        );
        let spread = n * sii - si * si;
        (n > 1 && spread > 0)
            .then(|| (n * six - si * sx) as f64 / spread as f64 / FIXED_PER_PERCENT as f64)
    }
}

/// Ranking values adjusted for the number of answers (empirical Bayes shrinkage): each group's
/// mean is pulled towards the mean of all groups by k / (n + k), where k is the ratio of the
/// spread of single answers to the spread between the groups' true levels. A store with three
/// answers sits near the overall mean until it has earned its place; a store with hundreds
/// keeps its own mean. Groups without answers get None.
pub fn adjusted_means(groups: &[Moments]) -> Vec<Option<f64>> {
    let means: Vec<Option<f64>> = groups.iter().map(Moments::mean).collect();
    adjusted(groups, &means)
}

/// The same adjustment for a value derived from each group's answers (such as a weighted
/// combination of channels): the strength k comes from the groups' answers, the value is
/// pulled towards the answer-weighted mean of all values by k / (n + k).
pub fn adjusted(groups: &[Moments], values: &[Option<f64>]) -> Vec<Option<f64>> {
    let with_data: Vec<&Moments> = groups.iter().filter(|g| g.n > 0).collect();
    let (total, count) = groups
        .iter()
        .zip(values)
        .filter_map(|(g, v)| v.map(|v| (v * g.n as f64, g.n as f64)))
        .fold((0.0, 0.0), |(s, c), (v, n)| (s + v, c + n));
    if count <= 0.0 {
        return vec![None; groups.len()];
    }
    let grand = total / count;
    let mut all = Moments::default();
    for g in &with_data {
        all.merge(**g);
    }
    let k = shrinkage_strength(&with_data, all.mean().unwrap_or(grand));
    groups
        .iter()
        .zip(values)
        .map(|(g, v)| {
            v.filter(|_| g.n > 0)
                .map(|v| (g.n as f64 * v + k * grand) / (g.n as f64 + k))
        })
        .collect()
}

/// Bounds of the shrinkage strength k (in answers): never less than one answer's worth of
/// doubt, never so much that a store with a year of answers is flattened.
const K_MIN: f64 = 1.0;
const K_MAX: f64 = 200.0;

fn shrinkage_strength(groups: &[&Moments], grand: f64) -> f64 {
    // Within: the pooled variance of single answers.
    let (mut ss, mut dof) = (0.0, 0i64);
    for g in groups {
        if g.n > 1 {
            ss += g.squared_deviations();
            dof += g.n - 1;
        }
    }
    if dof == 0 || groups.len() < 2 {
        return K_MIN.max(10.0);
    }
    let within = ss / dof as f64;
    // Between: the variance of group means minus what sampling noise alone would give.
    let count = groups.len() as f64;
    let (spread, noise) = groups.iter().fold((0.0, 0.0), |(s, e), g| {
        let m = g.mean().unwrap_or(grand);
        (s + (m - grand).powi(2), e + within / g.n as f64)
    });
    let between = spread / (count - 1.0) - noise / count;
    if between <= 0.0 {
        return K_MAX;
    }
    (within / between).clamp(K_MIN, K_MAX)
}

#[cfg(test)]
mod baseline_tests {
    use super::*;

    fn weeks(values: &[Option<i64>]) -> Vec<Moments> {
        values
            .iter()
            .map(|v| {
                let mut m = Moments::default();
                if let Some(v) = v {
                    for x in [v - 5, *v, v + 5] {
                        m.add(to_fixed(x as f64));
                    }
                }
                m
            })
            .collect()
    }

    #[test]
    fn a_short_period_is_read_against_the_weeks_before_it_and_so_can_flag() {
        let before = weeks(&[Some(80); 12]);
        let period = weeks(&[Some(80), Some(80), Some(80), Some(40)]);
        let (baseline, limits) = choose_baseline(&before, &period);
        assert_eq!(
            baseline,
            Baseline::Before {
                weeks: 12,
                with_answers: 12
            }
        );
        let limits = limits.expect("limits");
        assert_eq!(limits.centre, 80.0);
        let series: Vec<Option<(f64, i64)>> =
            period.iter().map(|m| m.mean().map(|x| (x, m.n))).collect();
        let points = control_chart(&series, &limits, (0.0, 100.0));
        assert!(
            points[3].as_ref().is_some_and(|p| !p.signals.is_empty()),
            "the drop in week 4 is flagged"
        );
    }

    #[test]
    fn without_enough_earlier_weeks_a_long_period_uses_its_first_half_and_a_short_one_none() {
        let before = weeks(&[None, None, Some(70), Some(70), Some(70)]);
        let long = weeks(&[Some(75); 12]);
        assert_eq!(
            choose_baseline(&before, &long).0,
            Baseline::FirstWeeks { weeks: 6 }
        );
        let short = weeks(&[Some(75); 4]);
        let (baseline, limits) = choose_baseline(&before, &short);
        assert_eq!(
            baseline,
            Baseline::TooFew {
                with_answers: 3,
                needed: 4
            }
        );
        assert!(limits.is_none());
        assert_eq!(
            choose_baseline(&[], &[]).0,
            Baseline::TooFew {
                with_answers: 0,
                needed: 4
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nps(promoters: u32, passives: u32, detractors: u32) -> Nps {
        Nps {
            promoters,
            passives,
            detractors,
        }
    }

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn moments_give_the_mean_and_sample_spread() {
        // 70, 80, 90: mean 80, sample variance 100.
        let m = Moments::of([7000, 8000, 9000]);
        assert_eq!(m.mean(), Some(80.0));
        assert_eq!(m.variance(), Some(100.0));
        assert_eq!(Moments::default().mean(), None);
        assert_eq!(Moments::of([5000]).variance(), None);
    }

    #[test]
    fn nps_interval_matches_a_hand_computed_case() {
        // 50 promoters, 30 passives, 20 detractors: NPS 30.
        // Adjusted: n' = 103, p' = 50.75/103, d' = 20.75/103;
        // variance = (p' + d' - (p' - d')^2) / n' = (0.694175 - 0.084834) / 103 = 0.0059159;
        // half width = 1.96 * sqrt(0.0059159) * 100 = 15.075.
        let e = nps_estimate(&nps(50, 30, 20), 30).expect("answers");
        assert_eq!(e.value, 30.0);
        assert!(close(e.low, 30.0 - 15.075, 0.01), "{e:?}");
        assert!(close(e.high, 30.0 + 15.075, 0.01), "{e:?}");
        assert!(!e.tentative);
    }

    #[test]
    fn a_handful_of_identical_answers_is_tentative_with_a_wide_interval() {
        let e = nps_estimate(&nps(3, 0, 0), 30).expect("answers");
        assert_eq!(e.value, 100.0);
        assert!(e.tentative);
        assert!(e.high - e.low > 50.0, "{e:?}");
        assert_eq!(nps_estimate(&nps(0, 0, 0), 30), None);
    }

    #[test]
    fn nps_moments_have_the_nps_as_their_mean() {
        let m = nps_moments(&nps(50, 30, 20));
        assert_eq!(m.mean(), Some(30.0));
        assert_eq!(m.n, 100);
    }

    #[test]
    fn weights_drop_channels_without_answers() {
        assert_eq!(
            weighted(&[(Some(80.0), 0.4), (None, 0.2), (Some(60.0), 0.4)]),
            Some(70.0)
        );
        assert_eq!(weighted(&[(Some(80.0), 0.0)]), None);
        assert_eq!(weighted(&[]), None);
    }

    #[test]
    fn control_limits_come_from_the_spread_within_weeks() {
        // Two baseline weeks: {70, 90} and {60, 80}. Centre 75; pooled within SS = 200 + 200
        // over 2 degrees of freedom: sigma = 14.142.
        let weeks = [Moments::of([7000, 9000]), Moments::of([6000, 8000])];
        let limits = ControlLimits::from_baseline(&weeks).expect("limits");
        assert_eq!(limits.centre, 75.0);
        assert!(close(limits.sigma, 200f64.sqrt(), 1e-9));
        // A week of 4 answers: 75 ± 3 * 14.142 / 2 = 75 ± 21.21.
        let (low, high) = limits.limits(4, (0.0, 100.0));
        assert!(close(low, 53.787, 0.001) && close(high, 96.213, 0.001));
        assert_eq!(ControlLimits::from_baseline(&[Moments::of([5000])]), None);
    }

    fn chart(means: &[f64]) -> Vec<Vec<Signal>> {
        let limits = ControlLimits {
            centre: 50.0,
            sigma: 10.0,
        };
        let weeks: Vec<Option<(f64, i64)>> = means.iter().map(|m| Some((*m, 1))).collect();
        control_chart(&weeks, &limits, (0.0, 100.0))
            .into_iter()
            .map(|p| p.map(|p| p.signals).unwrap_or_default())
            .collect()
    }

    #[test]
    fn a_point_beyond_three_sigma_is_flagged() {
        let signals = chart(&[50.0, 81.0, 19.0, 79.0]);
        assert_eq!(signals[1], vec![Signal::OutsideLimits]);
        assert_eq!(signals[2], vec![Signal::OutsideLimits]);
        assert!(signals[3].is_empty());
    }

    #[test]
    fn the_eighth_week_on_one_side_is_flagged_and_a_crossing_resets_the_run() {
        let above = [52.0, 55.0, 51.0, 53.0, 52.0, 54.0, 51.0];
        let mut means = above.to_vec();
        means.push(52.5); // 8th above
        means.push(48.0); // crosses
        means.extend(above); // 7 above again: not yet
        let signals = chart(&means);
        assert!(signals[..7]
            .iter()
            .all(|s| !s.contains(&Signal::RunOnOneSide)));
        assert!(signals[7].contains(&Signal::RunOnOneSide));
        assert!(signals[8..]
            .iter()
            .all(|s| !s.contains(&Signal::RunOnOneSide)));
    }

    #[test]
    fn six_weeks_steadily_falling_are_a_trend() {
        let signals = chart(&[60.0, 58.0, 55.0, 53.0, 50.0, 47.0, 48.0]);
        assert!(signals[..5].iter().all(|s| !s.contains(&Signal::Trend)));
        assert!(signals[5].contains(&Signal::Trend));
        assert!(!signals[6].contains(&Signal::Trend));
    }

    #[test]
    fn gaps_are_skipped_by_the_rules() {
        let limits = ControlLimits {
            centre: 50.0,
            sigma: 10.0,
        };
        let mut weeks: Vec<Option<(f64, i64)>> = vec![Some((55.0, 1)); 4];
        weeks.push(None);
        weeks.extend(vec![Some((55.0, 1)); 4]);
        let points = control_chart(&weeks, &limits, (0.0, 100.0));
        assert!(points[4].is_none());
        assert!(points[8]
            .as_ref()
            .is_some_and(|p| p.signals.contains(&Signal::RunOnOneSide)));
    }

    #[test]
    fn the_trend_is_the_weighted_slope_per_week() {
        // 60, gap, 64, 67 with equal weights: least squares over x = 0, 2, 3.
        let weeks = [Some((60.0, 5)), None, Some((64.0, 5)), Some((67.0, 5))];
        let slope = trend_per_week(&weeks).expect("slope");
        // mx = 5/3, my = 191/3; dx = -5/3, 1/3, 4/3; dy = -11/3, 1/3, 10/3;
        // sxy = (55 + 1 + 40) / 9 = 96/9, sxx = (25 + 1 + 16) / 9 = 42/9: slope = 96/42.
        assert!(close(slope, 96.0 / 42.0, 1e-9), "{slope}");
        // Weights count: a heavy week pulls the line towards itself.
        let heavy = [Some((60.0, 1)), Some((70.0, 1)), Some((62.0, 50))];
        // Unweighted the slope would be +1; the 50-answer week at 62 makes it fall (-0.757).
        assert!(close(trend_per_week(&heavy).expect("slope"), -0.757, 0.001));
        assert_eq!(trend_per_week(&[Some((60.0, 5))]), None);
    }

    #[test]
    fn few_answers_do_not_top_the_league() {
        // Single answers spread ±25 points around a store's level, as real visits do; twenty
        // stores between 70 and 81.4. Three perfect answers vs 200 answers around 88.
        let spread = [-2500, -1250, 0, 1250, 2500];
        let lucky = Moments::of([10000; 3]);
        let steady = Moments::of((0..200).map(|i| 8800 + spread[i % 5]));
        let mut field = vec![lucky, steady];
        for store in 0..20 {
            field.push(Moments::of(
                (0..100).map(|i| 7000 + store * 60 + spread[i % 5]),
            ));
        }
        // By hand (see the doc of adjusted_means): grand mean 76.85, pooled within variance
        // 315.2, between-store variance 36.4, so k = 8.66: the lucky store's 100 becomes
        // (3 * 100 + 8.66 * 76.85) / 11.66 = 82.80, the steady store's 88 stays 87.54.
        let adjusted = adjusted_means(&field);
        let lucky_adj = adjusted[0].expect("lucky");
        let steady_adj = adjusted[1].expect("steady");
        assert!(close(lucky_adj, 82.80, 0.01), "{lucky_adj}");
        assert!(close(steady_adj, 87.54, 0.01), "{steady_adj}");
        assert!(steady_adj > lucky_adj);
    }

    proptest! {
        #[test]
        fn adjusted_means_lie_between_the_groups_mean_and_the_grand_mean(
            groups in proptest::collection::vec(proptest::collection::vec(0i64..=10000, 0..40), 1..12)
        ) {
            let moments: Vec<Moments> = groups.iter().map(|g| Moments::of(g.iter().copied())).collect();
            let mut all = Moments::default();
            for m in &moments { all.merge(*m); }
            let adjusted = adjusted_means(&moments);
            for (m, a) in moments.iter().zip(&adjusted) {
                match (m.mean(), a, all.mean()) {
                    (Some(own), Some(a), Some(grand)) => {
                        let (lo, hi) = if own < grand { (own, grand) } else { (grand, own) };
                        prop_assert!(*a >= lo - 1e-9 && *a <= hi + 1e-9, "{a} outside {lo}..{hi}");
                    }
                    (None, None, _) => {}
                    other => prop_assert!(false, "{other:?}"),
                }
            }
        }

        #[test]
        fn merged_moments_equal_moments_of_all_values(
            a in proptest::collection::vec(0i64..=10000, 0..50),
            b in proptest::collection::vec(0i64..=10000, 0..50),
        ) {
            let mut merged = Moments::of(a.iter().copied());
            merged.merge(Moments::of(b.iter().copied()));
            prop_assert_eq!(merged, Moments::of(a.iter().chain(&b).copied()));
        }

        #[test]
        fn the_nps_interval_holds_the_estimate_and_stays_on_the_scale(
            p in 0u32..200, q in 0u32..200, d in 0u32..200,
        ) {
            prop_assume!(p + q + d > 0);
            let e = nps_estimate(&nps(p, q, d), 30).expect("answers");
            prop_assert!(e.low >= -100.0 && e.high <= 100.0);
            prop_assert!(e.low <= e.high);
            prop_assert!(e.high - e.low > 0.0, "never zero-width: {e:?}");
            prop_assert!(e.low <= e.value + 1e-9 && e.value <= e.high + 1e-9, "{e:?}");
        }

        #[test]
        fn control_limits_widen_as_weeks_get_fewer_answers(n in 1i64..100) {
            let limits = ControlLimits { centre: 70.0, sigma: 12.0 };
            let (lo_n, hi_n) = limits.limits(n, (0.0, 100.0));
            let (lo_more, hi_more) = limits.limits(n + 1, (0.0, 100.0));
            prop_assert!(hi_n - lo_n >= hi_more - lo_more);
        }
    }

    #[test]
    fn a_derived_value_is_adjusted_with_the_strength_of_its_groups_answers() {
        // Ten stores of 100 answers spread ±20 around 70..79, and one with 2 answers at 95.
        let mut groups: Vec<Moments> = (70..80)
            .map(|m| {
                Moments::of(
                    (0..100)
                        .map(|i| to_fixed(f64::from(m) + if i % 2 == 0 { -20.0 } else { 20.0 })),
                )
            })
            .collect();
        groups.push(Moments::of([to_fixed(95.0), to_fixed(95.0)]));
        // Values equal to the means give adjusted_means.
        let means: Vec<Option<f64>> = groups.iter().map(Moments::mean).collect();
        assert_eq!(adjusted(&groups, &means), adjusted_means(&groups));
        // A derived value (here 1 point above each mean) is pulled the same way: the store
        // with 2 answers does not top the table, the big stores keep their value.
        let derived: Vec<Option<f64>> = means.iter().map(|m| m.map(|m| m + 1.0)).collect();
        let got = adjusted(&groups, &derived);
        let best_big = got[9].unwrap();
        let small = got[10].unwrap();
        assert!(
            small < best_big,
            "2 answers at 96 ({small}) below 100 answers at 80 ({best_big})"
        );
        assert!((best_big - 80.0).abs() < 1.0, "{best_big}");
        assert_eq!(adjusted(&[Moments::default()], &[None]), vec![None]);
    }

    #[test]
    fn the_summed_regression_gives_the_slope_of_the_weekly_means() {
        // Weeks with 3, 0, 5 and 2 answers; means rising about 2 points a week.
        let weeks = [
            Moments::of([80.0, 82.0, 84.0].map(to_fixed)),
            Moments::default(),
            Moments::of([84.0, 86.0, 85.0, 87.0, 88.0].map(to_fixed)),
            Moments::of([87.0, 89.0].map(to_fixed)),
        ];
        let mut r = WeekRegression::default();
        for (i, m) in weeks.iter().enumerate() {
            r.add_week(i as i64, m);
        }
        let series: Vec<Option<(f64, i64)>> =
            weeks.iter().map(|m| m.mean().map(|v| (v, m.n))).collect();
        let expected = trend_per_week(&series).unwrap();
        assert!(
            (r.slope().unwrap() - expected).abs() < 1e-9,
            "{:?} vs {expected}",
            r.slope()
        );
        // Hand check: the means 82, –, 86, 88 at weights 3, 5, 2 climb 2 points a week.
        assert!((expected - 2.0).abs() < 0.05, "{expected}");
        // Split and merged (two stores' sums) gives the same.
        let (mut a, mut b) = (WeekRegression::default(), WeekRegression::default());
        a.add_week(0, &weeks[0]);
        b.add_week(2, &weeks[2]);
        b.add_week(3, &weeks[3]);
        a.merge(&b);
        assert_eq!(a, r);
        // Counted from 1970 instead of the period's first week: the same slope.
        let mut far = WeekRegression::default();
        for (i, m) in weeks.iter().enumerate() {
            far.add_week(2_900 + i as i64, m);
        }
        assert!(
            (far.slope().unwrap() - expected).abs() < 1e-9,
            "{:?}",
            far.slope()
        );
        // One week only: no trend.
        let mut one = WeekRegression::default();
        one.add_week(5, &weeks[2]);
        assert_eq!(one.slope(), None);
    }
}
