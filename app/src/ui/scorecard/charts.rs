//! Server-rendered SVG charts: plain strings with a `viewBox`, so they scale to a phone and
//! print crisply on A4; colours come from classes in the stylesheet (`.chart-*`). Every chart
//! on a page is followed by the same numbers as a table, for reading and for screen readers.

use html_escape::encode_text;

use crate::api::scorecard::ChartView;
use crate::domain::display::trimmed;
use crate::domain::stats::Signal;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 34.0;

/// Maps week positions and values to the drawing area.
struct Frame {
    points: usize,
    low: f64,
    high: f64,
}

impl Frame {
    fn x(&self, i: usize) -> f64 {
        let span = WIDTH - LEFT - RIGHT;
        if self.points <= 1 {
            return LEFT + span / 2.0;
        }
        LEFT + span * i as f64 / (self.points - 1) as f64
    }

    fn y(&self, v: f64) -> f64 {
        let span = HEIGHT - TOP - BOTTOM;
        let range = (self.high - self.low).max(1e-9);
        TOP + span * (1.0 - (v.clamp(self.low, self.high) - self.low) / range)
    }

    /// Horizontal grid lines with their values, and the first, middle and last x labels.
    fn axes(&self, labels: &[String], out: &mut String) {
        let step = nice_step((self.high - self.low) / 4.0);
        let mut v = (self.low / step).ceil() * step;
        while v <= self.high + 1e-9 {
            let y = self.y(v);
            out.push_str(&format!(
                r#"<line class="chart-grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="chart-axis" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 4.0,
                trimmed(v, 0)
            ));
            v += step;
        }
        let mut shown: Vec<usize> = vec![0, labels.len() / 2, labels.len().saturating_sub(1)];
        shown.dedup();
        for i in shown.into_iter().filter(|i| *i < labels.len()) {
            let anchor = match i {
                0 => "start",
                i if i + 1 == labels.len() => "end",
                _ => "middle",
            };
            out.push_str(&format!(
                r#"<text class="chart-axis" x="{:.1}" y="{}" text-anchor="{anchor}">{}</text>"#,
                self.x(i),
                HEIGHT - 8.0,
                encode_text(&labels[i])
            ));
        }
    }
}

fn nice_step(raw: f64) -> f64 {
    let raw = raw.max(1e-6);
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

fn open(title: &str) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" preserveAspectRatio="xMidYMid meet"><title>{}</title>"#,
        encode_text(title)
    )
}

/// Polylines through the values, broken where a week has none.
fn path(frame: &Frame, values: &[Option<f64>], class: &str, out: &mut String) {
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut String| {
        if run.len() > 1 {
            out.push_str(&format!(
                r#"<polyline class="{class}" fill="none" points="{}"/>"#,
                run.join(" ")
            ));
        }
        run.clear();
    };
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => run.push(format!("{:.1},{:.1}", frame.x(i), frame.y(*v))),
            None => flush(&mut run, out),
        }
    }
    flush(&mut run, out);
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            out.push_str(&format!(
                r#"<circle class="{class}" cx="{:.1}" cy="{:.1}" r="4"/>"#,
                frame.x(i),
                frame.y(*v)
            ));
        }
    }
}

/// The target as a long-dashed line across the chart.
fn target_line(frame: &Frame, target: Option<f64>, out: &mut String) {
    if let Some(t) = target {
        let y = frame.y(t);
        out.push_str(&format!(
            r#"<line class="chart-target" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"><title>{}</title></line>"#,
            WIDTH - RIGHT,
            trimmed(t, 1)
        ));
    }
}

/// One series per line over the weeks, on a fixed scale (`range`), with the target if set.
pub fn line_chart(
    title: &str,
    labels: &[String],
    series: &[(&str, &[Option<f64>])],
    range: (f64, f64),
    target: Option<f64>,
) -> String {
    let frame = Frame {
        points: labels.len(),
        low: range.0,
        high: range.1,
    };
    let mut out = open(title);
    frame.axes(labels, &mut out);
    target_line(&frame, target, &mut out);
    for (i, (_, values)) in series.iter().enumerate() {
        path(&frame, values, &format!("chart-line chart-s{i}"), &mut out);
    }
    out.push_str("</svg>");
    out
}

/// A control chart: the baseline weeks shaded, the centre line, the 3-sigma limits (they
/// narrow in weeks with more answers) and each week's mean; flagged weeks drawn as a larger,
/// differently coloured point with the reason in its tooltip.
pub fn control_chart(
    title: &str,
    labels: &[String],
    chart: &ChartView,
    target: Option<f64>,
    reason: impl Fn(Signal) -> String,
) -> String {
    let mut out = open(title);
    let Some(limits) = chart.limits else {
        out.push_str("</svg>");
        return out;
    };
    let points = &chart.points;
    let mut low = limits.centre;
    let mut high = limits.centre;
    for p in points.iter().flatten() {
        low = low.min(p.low).min(p.mean);
        high = high.max(p.high).max(p.mean);
    }
    // The target stays in view, however far it is from this store's weeks.
    if let Some(t) = target {
        low = low.min(t);
        high = high.max(t);
    }
    let pad = ((high - low) * 0.1).max(2.0);
    let frame = Frame {
        points: labels.len(),
        low: (low - pad).max(0.0),
        high: (high + pad).min(100.0),
    };
    // Shaded only when the baseline is inside the period (its first weeks).
    if let crate::domain::stats::Baseline::FirstWeeks { weeks } = chart.baseline {
        let baseline_end = frame.x(weeks.saturating_sub(1) as usize);
        out.push_str(&format!(
            r#"<rect class="chart-baseline" x="{LEFT}" y="{TOP}" width="{:.1}" height="{:.1}"/>"#,
            (baseline_end - LEFT).max(2.0),
            HEIGHT - TOP - BOTTOM
        ));
    }
    frame.axes(labels, &mut out);
    target_line(&frame, target, &mut out);
    let y = frame.y(limits.centre);
    out.push_str(&format!(
        r#"<line class="chart-centre" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/>"#,
        WIDTH - RIGHT
    ));
    let upper: Vec<Option<f64>> = points.iter().map(|p| p.as_ref().map(|p| p.high)).collect();
    let lower: Vec<Option<f64>> = points.iter().map(|p| p.as_ref().map(|p| p.low)).collect();
    let means: Vec<Option<f64>> = points.iter().map(|p| p.as_ref().map(|p| p.mean)).collect();
    path(&frame, &upper, "chart-limit", &mut out);
    path(&frame, &lower, "chart-limit", &mut out);
    path(&frame, &means, "chart-line chart-s0", &mut out);
    for (i, p) in points.iter().enumerate() {
        let Some(p) = p else { continue };
        if p.signals.is_empty() {
            continue;
        }
        let why: Vec<String> = p.signals.iter().map(|s| reason(*s)).collect();
        out.push_str(&format!(
            r#"<circle class="chart-signal" cx="{:.1}" cy="{:.1}" r="9"><title>{}: {}</title></circle>"#,
            frame.x(i),
            frame.y(p.mean),
            encode_text(&labels[i]),
            encode_text(&why.join("; "))
        ));
    }
    out.push_str("</svg>");
    out
}

/// Bars per group (one bar per series, on 0..100), e.g. a dimension as customers, shoppers
/// and the team see it. Missing values leave a gap.
pub fn grouped_bars(title: &str, groups: &[(String, Vec<Option<f64>>)]) -> String {
    let mut out = open(title);
    let frame = Frame {
        points: 2,
        low: 0.0,
        high: 100.0,
    };
    frame.axes(&[], &mut out);
    let span = WIDTH - LEFT - RIGHT;
    let per_group = span / groups.len().max(1) as f64;
    for (g, (label, values)) in groups.iter().enumerate() {
        let bar = (per_group * 0.8) / values.len().max(1) as f64;
        let start = LEFT + per_group * g as f64 + per_group * 0.1;
        for (s, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let top = frame.y(*v);
            out.push_str(&format!(
                r#"<rect class="chart-bar chart-s{s}" x="{:.1}" y="{top:.1}" width="{:.1}" height="{:.1}"/>"#,
                start + bar * s as f64,
                bar * 0.9,
                frame.y(0.0) - top
            ));
        }
        out.push_str(&format!(
            r#"<text class="chart-axis" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            start + per_group * 0.4,
            HEIGHT - 8.0,
            encode_text(label)
        ));
    }
    out.push_str("</svg>");
    out
}

/// Pareto: failures per item as bars, most first, and the cumulative share as a line on a
/// 0..100 % scale. Items are numbered; the table below the chart names them.
pub fn pareto(title: &str, failures: &[(i64, f64)]) -> String {
    let mut out = open(title);
    let most = failures.iter().map(|f| f.0).max().unwrap_or(1).max(1) as f64;
    let frame = Frame {
        points: failures.len().max(1),
        low: 0.0,
        high: 100.0,
    };
    let labels: Vec<String> = (1..=failures.len()).map(|i| i.to_string()).collect();
    frame.axes(&labels, &mut out);
    let span = WIDTH - LEFT - RIGHT;
    let bar = span / failures.len().max(1) as f64;
    for (i, (count, _)) in failures.iter().enumerate() {
        let v = *count as f64 / most * 100.0;
        let top = frame.y(v);
        let x = (frame.x(i) - bar * 0.35).clamp(LEFT, WIDTH - RIGHT - bar * 0.7);
        out.push_str(&format!(
            r#"<rect class="chart-bar chart-s0" x="{x:.1}" y="{top:.1}" width="{:.1}" height="{:.1}"><title>{count}</title></rect>"#,
            bar * 0.7,
            frame.y(0.0) - top
        ));
    }
    let cumulative: Vec<Option<f64>> = failures.iter().map(|f| Some(f.1 * 100.0)).collect();
    path(&frame, &cumulative, "chart-line chart-s1", &mut out);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round_numbers() {
        assert_eq!(nice_step(23.0), 50.0);
        assert_eq!(nice_step(9.0), 10.0);
        assert_eq!(nice_step(1.4), 2.0);
    }

    #[test]
    fn a_gap_breaks_the_line_and_text_is_escaped() {
        let labels: Vec<String> = ["a<b", "2", "3", "4"].map(String::from).to_vec();
        let svg = line_chart(
            "Score <weekly>",
            &labels,
            &[("s", &[Some(50.0), Some(60.0), None, Some(70.0)])],
            (0.0, 100.0),
            None,
        );
        assert!(svg.contains("<title>Score &lt;weekly&gt;</title>"));
        assert!(svg.contains("a&lt;b"));
        // Two points before the gap make a line; the single point after it is only a dot.
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(!svg.contains("chart-target"));
    }

    #[test]
    fn a_target_is_drawn_across_the_chart_at_its_height() {
        let labels: Vec<String> = ["1", "2"].map(String::from).to_vec();
        let svg = line_chart(
            "t",
            &labels,
            &[("s", &[Some(50.0), Some(60.0)])],
            (0.0, 100.0),
            Some(80.0),
        );
        // 80 on 0..100 lies a fifth of the drawing height below the top.
        let y = TOP + (HEIGHT - TOP - BOTTOM) * 0.2;
        assert!(
            svg.contains(&format!(
                r#"class="chart-target" x1="{LEFT}" x2="{}" y1="{y:.1}""#,
                WIDTH - RIGHT
            )),
            "{svg}"
        );
    }
}
