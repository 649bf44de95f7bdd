//! Numbers and times as the interface writes them.
//!
//! Written with integer formatting on purpose: core's float formatting (`{:.1}`) and
//! chrono's strftime each add tens of kilobytes to the browser bundle, which the shopper
//! downloads on a phone (BENCHMARKS.md, "Browser bundle size").

use chrono::{Datelike, NaiveDateTime, Timelike};

/// `x` rounded to `decimals` places (0 to 3), halves away from zero: 62.5 → "63",
/// 1.25 → "1.3". Not-a-number and infinities are written as "–".
pub fn fixed(x: f64, decimals: u32) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let decimals = decimals.min(3);
    let scale = 10_i64.pow(decimals);
    let scaled = (x.abs() * scale as f64).round() as i64;
    let sign = if x < 0.0 && scaled != 0 { "-" } else { "" };
    let (whole, frac) = (scaled / scale, scaled % scale);
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac:0width$}", width = decimals as usize)
    }
}

/// Up to `decimals` places with trailing zeros dropped: 10, 2.5, 0.125 for 3.
pub fn trimmed(x: f64, decimals: u32) -> String {
    let text = fixed(x, decimals);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// "2026-11-23".
pub fn date(t: &NaiveDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day())
}

/// "2026-11-23 14:05".
pub fn date_time(t: &NaiveDateTime) -> String {
    format!("{} {:02}:{:02}", date(t), t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounds_halves_away_from_zero() {
        assert_eq!(fixed(62.5, 0), "63");
        assert_eq!(fixed(62.49, 0), "62");
        assert_eq!(fixed(1.25, 1), "1.3");
        assert_eq!(fixed(12.0, 1), "12.0");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-2.5, 0), "-3");
        assert_eq!(fixed(0.05, 2), "0.05");
        assert_eq!(fixed(f64::NAN, 1), "–");
    }

    #[test]
    fn trimmed_drops_only_trailing_zeros() {
        assert_eq!(trimmed(10.0, 3), "10");
        assert_eq!(trimmed(100.0, 0), "100");
        assert_eq!(trimmed(2.50, 3), "2.5");
        assert_eq!(trimmed(0.1 + 0.2, 1), "0.3");
        assert_eq!(trimmed(12.04, 1), "12");
    }

    #[test]
    fn writes_dates_and_times_with_leading_zeros() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 3, 7)
            .and_then(|d| d.and_hms_opt(9, 5, 59))
            .expect("valid");
        assert_eq!(date(&t), "2026-03-07");
        assert_eq!(date_time(&t), "2026-03-07 09:05");
        assert_eq!(date_time(&t), t.format("%Y-%m-%d %H:%M").to_string());
    }

    proptest! {
        /// Away from exact halves, the result is what core's formatting writes.
        #[test]
        fn agrees_with_core_formatting(x in -1.0e6f64..1.0e6, decimals in 0u32..=3) {
            let scaled = x.abs() * 10f64.powi(decimals as i32);
            prop_assume!((scaled.fract() - 0.5).abs() > 1e-6);
            let expected = format!("{:.*}", decimals as usize, x);
            let expected = if expected.trim_start_matches(['-', '0', '.']).is_empty() {
                expected.trim_start_matches('-').to_string()
            } else {
                expected
            };
            prop_assert_eq!(fixed(x, decimals), expected);
        }
    }
}

/// Runs of neighbouring items with the same key as one (the first of the run) with how many
/// there were: a list of a thousand identical visits reads as one line "× 1000", not a page.
pub fn collapse_runs<T, K: PartialEq>(items: &[T], key: impl Fn(&T) -> K) -> Vec<(&T, usize)> {
    let mut runs: Vec<(&T, usize)> = Vec::new();
    for item in items {
        match runs.last_mut() {
            Some((first, n)) if key(first) == key(item) => *n += 1,
            _ => runs.push((item, 1)),
        }
    }
    runs
}

#[cfg(test)]
mod collapse_tests {
    use super::collapse_runs;

    #[test]
    fn neighbours_alike_become_one_line_with_a_count() {
        let items = ["ok", "ok", "ok", "rude", "ok"];
        let runs: Vec<(&str, usize)> = collapse_runs(&items, |s| *s)
            .into_iter()
            .map(|(s, n)| (*s, n))
            .collect();
        assert_eq!(runs, vec![("ok", 3), ("rude", 1), ("ok", 1)]);
        assert!(collapse_runs(&[] as &[u8], |b| *b).is_empty());
    }
}
