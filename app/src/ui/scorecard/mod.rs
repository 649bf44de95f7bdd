//! `/stores/{code}/scorecard`: what a manager opens every week. Server-only: the charts are
//! SVG drawn on the server, the period and chart choices are plain links, and every chart has
//! its numbers in a table beside it, so the page works (and prints) without JavaScript.

pub mod charts;

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::scorecard::{scorecard_page, Benchmark, ChartView, Measure, Scorecard};
use crate::domain::calendar::PERIODS;
use crate::domain::display::trimmed;
use crate::domain::stats::{Estimate, Signal};
use crate::domain::targets::{change, meets, Goal};
use crate::domain::{Channel, Dimension};
use crate::i18n::Locale;
use crate::ui::{load_error, use_locale};
use crate::{tr, trn};

pub fn channel_name(locale: Locale, c: Channel) -> String {
    let key = format!("channel.{}", c.as_str());
    tr!(locale, key.as_str())
}

pub fn dimension_name(locale: Locale, d: Dimension) -> String {
    let key = format!("dim.{}", d.as_str());
    tr!(locale, key.as_str())
}

fn measure_name(locale: Locale, m: Measure) -> String {
    match m {
        Measure::Overall => tr!(locale, "score.overall"),
        Measure::Dimension(d) => dimension_name(locale, d),
    }
}

pub fn signal_text(locale: Locale, s: Signal) -> String {
    let key = match s {
        Signal::OutsideLimits => "score.signal.outside_limits",
        Signal::RunOnOneSide => "score.signal.run_on_one_side",
        Signal::Trend => "score.signal.trend",
    };
    tr!(locale, key)
}

/// A percentage rounded to whole points, or a dash when there is none.
pub fn percent_or_dash(v: Option<f64>) -> String {
    v.map(|v| format!("{} %", trimmed(v, 0)))
        .unwrap_or_else(|| "–".into())
}

fn goal_name(locale: Locale, goal: Goal) -> String {
    match goal {
        Goal::Overall => tr!(locale, "score.overall"),
        Goal::Dimension(d) => dimension_name(locale, d),
        Goal::Nps => "NPS".to_string(),
    }
}

/// A goal's figure as the page writes it: scores as percentages, NPS with its sign.
fn goal_text(goal: Goal, v: Option<f64>) -> String {
    match (goal, v) {
        (Goal::Nps, Some(v)) => format!("{:+}", v.round() as i64),
        (_, v) => percent_or_dash(v),
    }
}

/// A change in points: "+3.1", "−2"; a dash when either period has no figure.
fn change_text(goal: Goal, c: Option<f64>) -> String {
    match (goal, c) {
        (_, None) => "–".into(),
        (Goal::Nps, Some(c)) => format!("{:+}", c.round() as i64),
        (_, Some(c)) => format!("{}{}", if c >= 0.0 { "+" } else { "" }, trimmed(c, 1)),
    }
}

/// The benchmark of a goal, if the card has one.
fn benchmark(card: &Scorecard, goal: Goal) -> Option<&Benchmark> {
    card.benchmarks.iter().find(|b| b.goal == goal)
}

/// "On target" or "below target", when the figure and a target exist.
fn standing(locale: Locale, b: &Benchmark) -> Option<impl IntoView> {
    meets(b.value, b.target).map(|met| {
        let (class, key) = if met {
            ("standing met", "score.on_target")
        } else {
            ("standing below", "score.below_target")
        };
        view! { <span class=class data-testid="standing">{tr!(locale, key)}</span> }
    })
}

/// Under a headline figure: its target, the region's average and the change.
#[component]
fn Beside(locale: Locale, benchmark: Option<Benchmark>) -> impl IntoView {
    benchmark.map(|b| {
        let g = b.goal;
        view! {
            <p class="hint beside" data-testid=format!("beside-{}", g.as_str())>
                {standing(locale, &b)}
                {b.target.is_some().then_some(" · ")}
                {tr!(
                    locale,
                    "score.beside",
                    target = goal_text(g, b.target),
                    region = goal_text(g, b.region),
                    change = change_text(g, change(b.value, b.previous))
                )}
            </p>
        }
    })
}

/// A week with far more or fewer answers than usual, in plain words.
pub fn unusual_text(locale: Locale, u: &crate::domain::unusual::UnusualWeek) -> String {
    let key = match u.direction {
        crate::domain::unusual::Direction::More => "score.unusual_more",
        crate::domain::unusual::Direction::Fewer => "score.unusual_fewer",
    };
    tr!(
        locale,
        key,
        week = u.week.to_string(),
        channel = channel_name(locale, u.channel),
        count = u.count,
        usual = u.usual
    )
}

/// The period's unusual weeks, above the figures they put in doubt.
#[component]
fn Unusual(locale: Locale, card: Scorecard) -> impl IntoView {
    (!card.unusual.is_empty()).then(|| {
        view! {
            <section class="notice alert" role="alert" data-testid="unusual">
                <h2>{tr!(locale, "score.unusual_title")}</h2>
                <ul>{card.unusual.iter().map(|u| view! { <li>{unusual_text(locale, u)}</li> }).collect_view()}</ul>
                <p class="hint">{tr!(locale, "score.unusual_rule")}</p>
            </section>
        }
    })
}

/// The column headings of a row of figures: what, answers, overall, the five dimensions, NPS.
#[component]
fn FigureHeadings(locale: Locale, first: String) -> impl IntoView {
    view! {
        <thead><tr>
            <th scope="col">{first}</th>
            <th scope="col">{tr!(locale, "score.responses")}</th>
            <th scope="col">{tr!(locale, "score.overall")}</th>
            {Dimension::ALL.iter().map(|d| view! { <th scope="col">{dimension_name(locale, *d)}</th> }).collect_view()}
            <th scope="col">"NPS"</th>
        </tr></thead>
    }
}

/// "Weeks of 2026-09-07 to 2026-11-23".
pub fn period_range(locale: Locale, weeks: &[chrono::NaiveDate]) -> String {
    match (weeks.first(), weeks.last()) {
        (Some(f), Some(l)) => tr!(
            locale,
            "score.range",
            first = f.to_string(),
            last = l.to_string()
        ),
        _ => String::new(),
    }
}

fn week_label(w: &chrono::NaiveDate) -> String {
    w.format("%m-%d").to_string()
}

/// A figure with the number of answers behind it; greyed (class `tentative`) when those are
/// few, never hidden. `nps` shows NPS-style values with their sign; `gap` a perception-minus-
/// expectation gap in 1-5 scale points, signed with one decimal ("-0.8").
#[component]
pub fn Figure(
    locale: Locale,
    estimate: Option<Estimate>,
    #[prop(optional)] nps: bool,
    #[prop(optional)] gap: bool,
) -> impl IntoView {
    let signed_gap = |v: f64| {
        let text = crate::domain::display::fixed(v.abs(), 1);
        if v < -0.05 {
            format!("-{text}")
        } else if v > 0.05 {
            format!("+{text}")
        } else {
            text
        }
    };
    let bound = move |v: f64| if gap { signed_gap(v) } else { trimmed(v, 0) };
    match estimate {
        None => view! { <span class="figure none">"–"</span> }.into_any(),
        Some(e) => {
            let value = if nps {
                format!("{:+}", e.value.round() as i64)
            } else if gap {
                signed_gap(e.value)
            } else {
                format!("{} %", trimmed(e.value, 0))
            };
            let title = format!(
                "{} · {}",
                trn!(locale, "score.answers", count = e.n),
                tr!(
                    locale,
                    "score.interval",
                    low = bound(e.low),
                    high = bound(e.high)
                )
            );
            view! {
                <span class=if e.tentative { "figure tentative" } else { "figure" } title=title>
                    {value}<small>" (" {e.n} ")"</small>
                </span>
            }
            .into_any()
        }
    }
}

#[component]
pub fn ScorecardPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        let q = query.get();
        (
            params.with(|p| p.get("code").unwrap_or_default()),
            q.get("weeks")
                .and_then(|w| w.parse::<u32>().ok())
                .unwrap_or(12),
            q.get("chart").unwrap_or_default(),
            q.get("channel").unwrap_or_default(),
        )
    };
    let page = Resource::new(args, |(code, weeks, chart, channel)| {
        scorecard_page(code, weeks, chart, channel)
    });
    view! {
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Ok(card) => view! { <ScorecardView locale card/> }.into_any(),
                Err(e) => load_error(locale, e),
            })}
        </Suspense>
    }
}

#[component]
fn ScorecardView(locale: Locale, card: Scorecard) -> impl IntoView {
    let base = format!("/stores/{}/scorecard", card.store_code);
    let weeks = card.weeks.len() as u32;
    let chart_query = format!(
        "&chart={}&channel={}",
        card.chart.measure.as_str(),
        card.chart.channel.as_str()
    );
    let periods = PERIODS
        .into_iter()
        .map(|w| {
            let href = format!("{base}?weeks={w}{chart_query}");
            view! {
                <a class="chip" href=href aria-current=(w == weeks).then_some("page")>
                    {trn!(locale, "score.weeks", count = w)}
                </a>
            }
        })
        .collect_view();
    let range = period_range(locale, &card.weeks);
    let has_data = !card.channels.is_empty();
    view! {
        <h1>{tr!(locale, "score.title", store = card.store_name.get(locale.code()).to_string())}</h1>
        <nav class="chips" aria-label=tr!(locale, "score.period")>{periods}</nav>
        <p class="meta">{range}</p>
        {if has_data {
            view! {
                <Unusual locale card=card.clone()/>
                <Headline locale card=card.clone()/>
                <Benchmarks locale card=card.clone()/>
                <ChannelTable locale card=card.clone()/>
                <Trend locale card=card.clone()/>
                <ControlChart locale card=card.clone() base=base.clone() weeks/>
                <Gap locale card=card.clone()/>
                <Pareto locale card=card.clone()/>
                <Latest locale card=card.clone()/>
            }
            .into_any()
        } else {
            view! { <p class="notice">{tr!(locale, "score.no_data")}</p> }.into_any()
        }}
        <p class="no-print">
            <a href=format!("/stores/{}/customers", card.store_code)>{tr!(locale, "score.customer_answers")}</a>
            " · "
            <a href=format!("/stores/{}/team", card.store_code)>{tr!(locale, "team.link")}</a>
            " · "
            <a href=format!("/stores/{}/scorecard.csv?weeks={weeks}", card.store_code) download>{tr!(locale, "export.figures_csv")}</a>
            " · "
            <a href=format!("/export/responses.csv?weeks={weeks}&store={}", card.store_code) download>{tr!(locale, "export.responses_csv")}</a>
        </p>
    }
}

#[component]
fn Headline(locale: Locale, card: Scorecard) -> impl IntoView {
    let overall = percent_or_dash(card.combined_overall);
    view! {
        <section class="headline">
            <div class="card">
                <p class="meta">{tr!(locale, "score.combined")}</p>
                <p class="big-figure">{overall}</p>
                <Beside locale benchmark=benchmark(&card, Goal::Overall).cloned()/>
                <p class="hint">{tr!(locale, "score.weights")}</p>
            </div>
            <div class="card">
                <p class="meta">{tr!(locale, "score.nps")}</p>
                <p class="big-figure"><Figure locale estimate=card.nps nps=true/></p>
                <Beside locale benchmark=benchmark(&card, Goal::Nps).cloned()/>
                {card.nps.map(|e| view! {
                    <p class="hint">{tr!(locale, "score.interval", low = format!("{:+}", e.low.round() as i64), high = format!("{:+}", e.high.round() as i64))}</p>
                })}
                {card.nps_with_flagged.as_ref().and_then(|all| {
                    let counted = card.nps.map_or(0, |e| u32::try_from(e.n).unwrap_or(0));
                    crate::ui::survey::answers::flagged_left_out(locale, counted, all)
                }).map(|note| view! { <p class="notice" data-testid="flagged-left-out">{note}</p> })}
            </div>
        </section>
        <p class="hint">{tr!(locale, "score.tentative")}</p>
    }
}

/// Every measure beside its target, the region's average and the previous period.
#[component]
fn Benchmarks(locale: Locale, card: Scorecard) -> impl IntoView {
    let rows = card
        .benchmarks
        .iter()
        .map(|b| {
            let g = b.goal;
            view! {
                <tr data-goal=g.as_str()>
                    <th scope="row">{goal_name(locale, g)}</th>
                    <td class="num">{goal_text(g, b.value)}</td>
                    <td class="num">{goal_text(g, b.target)}" "{standing(locale, b)}</td>
                    <td class="num">{goal_text(g, b.region)}</td>
                    <td class="num">{goal_text(g, b.previous)}</td>
                    <td class="num">{change_text(g, change(b.value, b.previous))}</td>
                </tr>
            }
        })
        .collect_view();
    let no_target = card.benchmarks.iter().all(|b| b.target.is_none());
    let no_region = card.benchmarks.iter().all(|b| b.region.is_none());
    view! {
        <h2>{tr!(locale, "score.benchmarks")}</h2>
        <p class="hint">{tr!(locale, "score.benchmarks_lead")}</p>
        <div class="table-scroll">
            <table class="figures" data-testid="benchmarks">
                <thead><tr>
                    <th scope="col">{tr!(locale, "score.measure")}</th>
                    <th scope="col">{tr!(locale, "score.this_period")}</th>
                    <th scope="col">{tr!(locale, "score.target")}</th>
                    <th scope="col">{tr!(locale, "score.region_average")}</th>
                    <th scope="col">{tr!(locale, "score.previous")}</th>
                    <th scope="col">{tr!(locale, "score.change")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {no_target.then(|| view! { <p class="hint">{tr!(locale, "score.no_target")}</p> })}
        {no_region.then(|| view! { <p class="hint">{tr!(locale, "score.region_few")}</p> })}
    }
}

#[component]
fn ChannelTable(locale: Locale, card: Scorecard) -> impl IntoView {
    let rows = card
        .channels
        .iter()
        .map(|c| {
            let dims = c
                .dimensions
                .iter()
                .map(|e| view! { <td class="num"><Figure locale estimate=*e/></td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{channel_name(locale, c.channel)}</th>
                    <td class="num">{c.responses}</td>
                    <td class="num"><Figure locale estimate=c.overall/></td>
                    {dims}
                    <td class="num"><Figure locale estimate=c.nps nps=true/></td>
                </tr>
            }
        })
        .collect_view();
    let combined = card
        .combined_dimensions
        .iter()
        .map(|v| view! { <td class="num">{percent_or_dash(*v)}</td> })
        .collect_view();
    view! {
        <h2>{tr!(locale, "score.channels")}</h2>
        <div class="table-scroll">
            <table class="figures">
                <FigureHeadings locale first=tr!(locale, "score.channel")/>
                <tbody>
                    {rows}
                    <tr class="total">
                        <th scope="row">{tr!(locale, "score.combined")}</th>
                        <td></td>
                        <td class="num">{percent_or_dash(card.combined_overall)}</td>
                        {combined}
                        <td></td>
                    </tr>
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Trend(locale: Locale, card: Scorecard) -> impl IntoView {
    let labels: Vec<String> = card.weeks.iter().map(week_label).collect();
    let overall: Vec<Option<f64>> = card.trend.iter().map(|t| t.overall).collect();
    let nps: Vec<Option<f64>> = card.trend.iter().map(|t| t.nps).collect();
    let target = |goal| benchmark(&card, goal).and_then(|b| b.target);
    let overall_svg = charts::line_chart(
        &tr!(locale, "score.trend_overall"),
        &labels,
        &[("overall", &overall)],
        (0.0, 100.0),
        target(Goal::Overall),
    );
    let nps_svg = charts::line_chart(
        &tr!(locale, "score.trend_nps"),
        &labels,
        &[("nps", &nps)],
        (-100.0, 100.0),
        target(Goal::Nps),
    );
    let target_note = |goal: Goal| {
        target(goal).map(|t| view! { <p class="hint">{tr!(locale, "score.target_line", target = goal_text(goal, Some(t)))}</p> })
    };
    let pct = |v: Option<f64>| v.map(|v| trimmed(v, 0)).unwrap_or_else(|| "–".into());
    let rows = card
        .trend
        .iter()
        .map(|t| {
            let dims = t.dimensions.iter().map(|d| view! { <td class="num">{pct(*d)}</td> }).collect_view();
            view! {
                <tr>
                    <th scope="row">{t.week.to_string()}</th>
                    <td class="num">{t.responses}</td>
                    <td class="num">{pct(t.overall)}</td>
                    {dims}
                    <td class="num">{t.nps.map(|v| format!("{:+}", v.round() as i64)).unwrap_or_else(|| "–".into())}" (" {t.nps_n} ")"</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{tr!(locale, "score.trend")}</h2>
        <div class="chart-pair">
            <figure><figcaption>{tr!(locale, "score.trend_overall")}</figcaption><div class="chart-box" inner_html=overall_svg></div>{target_note(Goal::Overall)}</figure>
            <figure><figcaption>{tr!(locale, "score.trend_nps")}</figcaption><div class="chart-box" inner_html=nps_svg></div>{target_note(Goal::Nps)}</figure>
        </div>
        <details>
            <summary>{tr!(locale, "score.numbers")}</summary>
            <div class="table-scroll">
                <table class="figures">
                    <FigureHeadings locale first=tr!(locale, "score.week")/>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

#[component]
fn ControlChart(locale: Locale, card: Scorecard, base: String, weeks: u32) -> impl IntoView {
    let chart: ChartView = card.chart.clone();
    let labels: Vec<String> = card.weeks.iter().map(week_label).collect();
    let title = format!(
        "{} · {}",
        measure_name(locale, chart.measure),
        channel_name(locale, chart.channel)
    );
    let goal = match chart.measure {
        Measure::Overall => Goal::Overall,
        Measure::Dimension(d) => Goal::Dimension(d),
    };
    let target = benchmark(&card, goal).and_then(|b| b.target);
    let svg = charts::control_chart(&title, &labels, &chart, target, |s| signal_text(locale, s));
    let channel_links = card
        .channels
        .iter()
        .filter(|c| c.channel != Channel::EmployeeSelf)
        .map(|c| {
            let href = format!("{base}?weeks={weeks}&chart={}&channel={}", chart.measure.as_str(), c.channel.as_str());
            view! { <a class="chip" href=href aria-current=(c.channel == chart.channel).then_some("page")>{channel_name(locale, c.channel)}</a> }
        })
        .collect_view();
    let measure_links = Measure::ALL
        .into_iter()
        .map(|m| {
            let href = format!("{base}?weeks={weeks}&chart={}&channel={}", m.as_str(), chart.channel.as_str());
            view! { <a class="chip" href=href aria-current=(m == chart.measure).then_some("page")>{measure_name(locale, m)}</a> }
        })
        .collect_view();
    let flagged: Vec<(String, Vec<Signal>)> = chart
        .points
        .iter()
        .zip(&card.weeks)
        .filter_map(|(p, w)| {
            p.as_ref()
                .filter(|p| !p.signals.is_empty())
                .map(|p| (w.to_string(), p.signals.clone()))
        })
        .collect();
    let has_limits = chart.limits.is_some();
    let rows = chart
        .points
        .iter()
        .zip(&card.weeks)
        .map(|(p, w)| {
            let cells = match p {
                Some(p) => (trimmed(p.mean, 1), p.n.to_string(), format!("{} – {}", trimmed(p.low, 1), trimmed(p.high, 1)), if p.signals.is_empty() { String::new() } else { "⚑".into() }),
                None => ("–".into(), "0".into(), "–".into(), String::new()),
            };
            view! { <tr><th scope="row">{w.to_string()}</th><td class="num">{cells.0}</td><td class="num">{cells.1}</td><td class="num">{cells.2}</td><td>{cells.3}</td></tr> }
        })
        .collect_view();
    view! {
        <h2>{tr!(locale, "score.chart")}</h2>
        <nav class="chips" aria-label=tr!(locale, "score.follow")>{measure_links}</nav>
        <nav class="chips">{channel_links}</nav>
        <p class="hint">{tr!(locale, "score.chart_lead", measure = measure_name(locale, chart.measure), channel = channel_name(locale, chart.channel))}</p>
        <p class="hint" data-testid="baseline">{baseline_text(locale, chart.baseline)}</p>
        {if has_limits {
            view! {
                <figure>
                    <div class="chart-box" inner_html=svg></div>
                    <figcaption class="hint">
                        {chart.limits.map(|l| format!("{}: {} · σ {}", tr!(locale, "score.centre"), trimmed(l.centre, 1), trimmed(l.sigma, 1)))}
                        {target.map(|t| format!(" · {}", tr!(locale, "score.target_line", target = goal_text(goal, Some(t)))))}
                    </figcaption>
                </figure>
                {if flagged.is_empty() {
                    view! { <p class="notice">{tr!(locale, "score.no_signals")}</p> }.into_any()
                } else {
                    view! {
                        <h3>{tr!(locale, "score.signals")}</h3>
                        <ul class="signals">
                            {flagged.into_iter().map(|(week, signals)| view! {
                                <li><strong>{week}</strong>": " {signals.into_iter().map(|s| signal_text(locale, s)).collect::<Vec<_>>().join(" ")}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <details>
                    <summary>{tr!(locale, "score.numbers")}</summary>
                    <div class="table-scroll">
                        <table class="figures">
                            <thead><tr>
                                <th scope="col">{tr!(locale, "score.week")}</th>
                                <th scope="col">{tr!(locale, "score.mean")}</th>
                                <th scope="col">{tr!(locale, "score.responses")}</th>
                                <th scope="col">{tr!(locale, "score.limits")}</th>
                                <th scope="col"></th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </details>
            }.into_any()
        } else {
            view! { <p class="notice">{tr!(locale, "score.chart_none")}</p> }.into_any()
        }}
    }
}

#[component]
fn Gap(locale: Locale, card: Scorecard) -> impl IntoView {
    let groups: Vec<(String, Vec<Option<f64>>)> = card
        .gap
        .iter()
        .map(|g| {
            (
                dimension_name(locale, g.dimension),
                vec![
                    g.customers.map(|e| e.value),
                    g.shoppers.map(|e| e.value),
                    g.employees.map(|e| e.value),
                ],
            )
        })
        .collect();
    let svg = charts::grouped_bars(&tr!(locale, "score.gap"), &groups);
    let asked = card.gap.iter().any(|g| g.expectation_gap.is_some());
    let rows = card
        .gap
        .iter()
        .map(|g| {
            view! {
                <tr>
                    <th scope="row">{dimension_name(locale, g.dimension)}</th>
                    <td class="num"><Figure locale estimate=g.customers/></td>
                    <td class="num"><Figure locale estimate=g.shoppers/></td>
                    <td class="num"><Figure locale estimate=g.employees/></td>
                    {asked.then(|| view! { <td class="num" data-gap=g.dimension.as_str()><Figure locale estimate=g.expectation_gap gap=true/></td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{tr!(locale, "score.gap")}</h2>
        <p class="hint">{tr!(locale, "score.gap_lead")}</p>
        <p class="legend">
            <span class="key chart-s0"></span>{tr!(locale, "score.customers")}
            <span class="key chart-s1"></span>{tr!(locale, "score.shoppers")}
            <span class="key chart-s2"></span>{tr!(locale, "score.team")}
        </p>
        <div class="chart-box" inner_html=svg></div>
        <div class="table-scroll">
            <table class="figures">
                <thead><tr>
                    <th scope="col"></th>
                    <th scope="col">{tr!(locale, "score.customers")}</th>
                    <th scope="col">{tr!(locale, "score.shoppers")}</th>
                    <th scope="col">{tr!(locale, "score.team")}</th>
                    {asked.then(|| view! { <th scope="col">{tr!(locale, "score.expectation_gap")}</th> })}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="hint">{if asked { tr!(locale, "score.expectation_gap_hint") } else { tr!(locale, "score.no_expectations") }}</p>
    }
}

/// How many items the Pareto chart and list show.
const PARETO_ITEMS: usize = 10;

#[component]
fn Pareto(locale: Locale, card: Scorecard) -> impl IntoView {
    let shown: Vec<_> = card.pareto.iter().take(PARETO_ITEMS).cloned().collect();
    if shown.is_empty() {
        return view! {
            <h2>{tr!(locale, "score.pareto")}</h2>
            <p class="notice">{tr!(locale, "score.no_failures")}</p>
        }
        .into_any();
    }
    let bars: Vec<(i64, f64)> = shown.iter().map(|r| (r.failed, r.cumulative)).collect();
    let svg = charts::pareto(&tr!(locale, "score.pareto"), &bars);
    let rows = shown
        .iter()
        .enumerate()
        .map(|(i, r)| view! {
            <tr>
                <td class="num">{i + 1}</td>
                <th scope="row">
                    {r.text.get(locale.code()).to_string()}
                    {r.critical.then(|| view! { " " <span class="tag">{tr!(locale, "score.critical")}</span> })}
                    <br/><small class="meta">{channel_name(locale, r.channel)}</small>
                </th>
                <td class="num">{r.failed}</td>
                <td class="num">{format!("{} %", trimmed(r.cumulative * 100.0, 0))}</td>
            </tr>
        })
        .collect_view();
    view! {
        <h2>{tr!(locale, "score.pareto")}</h2>
        <p class="hint">{tr!(locale, "score.pareto_lead")}</p>
        <div class="chart-box" inner_html=svg></div>
        <div class="table-scroll">
            <table class="figures">
                <thead><tr>
                    <th scope="col">"#"</th>
                    <th scope="col">{tr!(locale, "score.item")}</th>
                    <th scope="col">{tr!(locale, "score.failed")}</th>
                    <th scope="col">{tr!(locale, "score.cumulative")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Where the chart's limits come from, in words.
fn baseline_text(locale: Locale, baseline: crate::domain::stats::Baseline) -> String {
    use crate::domain::stats::Baseline as B;
    match baseline {
        B::Before {
            weeks,
            with_answers,
        } => {
            tr!(
                locale,
                "score.baseline_before",
                weeks = weeks,
                with_answers = with_answers
            )
        }
        B::FirstWeeks { weeks } => tr!(locale, "score.baseline_first", weeks = weeks),
        B::TooFew {
            with_answers,
            needed,
        } => tr!(
            locale,
            "score.baseline_too_few",
            with_answers = with_answers,
            needed = needed,
            weeks = crate::domain::stats::BASELINE_WEEKS
        ),
    }
}

/// The period's latest visit and call reports, critical failures and comments, each leading
/// to the response's full report.
#[component]
fn Latest(locale: Locale, card: Scorecard) -> impl IntoView {
    let lang = locale.code();
    let timezone = card.timezone.clone();
    let when = |t: &chrono::DateTime<chrono::Utc>| crate::ui::store_time(t, &timezone);
    let reports = if card.reports.is_empty() {
        view! { <p class="notice">{tr!(locale, "score.no_reports")}</p> }.into_any()
    } else {
        // Visits alike to the minute, channel, score and critical failure are one line.
        let runs = crate::domain::display::collapse_runs(&card.reports, |r| {
            (
                when(&r.finished_at),
                r.channel,
                r.score.map(|s| (s * 10.0).round() as i64),
                r.critical_failed,
            )
        });
        let rows = runs
            .into_iter()
            .map(|(r, repeated)| {
                view! {
                    <tr>
                        <th scope="row"><a href=format!("/responses/{}", r.response_id)>{when(&r.finished_at)}</a></th>
                        <td>{channel_name(locale, r.channel)}</td>
                        <td class="num">{percent_or_dash(r.score)}</td>
                        <td>
                            {r.critical_failed.then(|| view! { <span class="tag">{tr!(locale, "score.critical")}</span> })}
                            {(repeated > 1).then(|| view! { <span class="tag alert" data-testid="repeated">{tr!(locale, "score.repeated", count = repeated)}</span> })}
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll"><table class="figures" data-test="latest-reports"><tbody>{rows}</tbody></table></div>
        }
        .into_any()
    };
    let critical = if card.critical.is_empty() {
        view! { <p class="notice">{tr!(locale, "score.no_critical")}</p> }.into_any()
    } else {
        let items = card
            .critical
            .iter()
            .map(|c| {
                let failed = c
                    .items
                    .iter()
                    .map(|t| t.get(lang).to_string())
                    .collect::<Vec<_>>()
                    .join("; ");
                view! {
                    <li>
                        <a href=format!("/responses/{}", c.response_id)>{when(&c.finished_at)}</a>
                        " · "{channel_name(locale, c.channel)}" · "{percent_or_dash(c.score)}
                        <br/>{failed}
                    </li>
                }
            })
            .collect_view();
        view! {
            <p class="hint">{tr!(locale, "score.critical_lead")}</p>
            <ul class="critical-list">{items}</ul>
        }
        .into_any()
    };
    let comments = if card.comments.is_empty() {
        view! { <p class="notice">{tr!(locale, "score.no_comments")}</p> }.into_any()
    } else {
        crate::ui::report::comment_runs(&card.comments)
            .into_iter()
            .map(|(comment, repeated)| view! { <crate::ui::report::CommentItem locale comment=comment.clone() timezone=card.timezone.clone() repeated/> })
            .collect_view()
            .into_any()
    };
    let all_comments = format!(
        "/stores/{}/comments?weeks={}",
        card.store_code,
        card.weeks.len()
    );
    view! {
        <h2>{tr!(locale, "score.latest_reports")}</h2>
        <crate::ui::ZoneNote timezone=card.timezone.clone()/>
        {reports}
        <h2>{tr!(locale, "score.critical_list")}</h2>
        {critical}
        <h2>{tr!(locale, "score.comments")}</h2>
        <ul class="comments">{comments}</ul>
        <p><a href=all_comments>{tr!(locale, "score.read_all")}</a></p>
    }
}
