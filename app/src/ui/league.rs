//! `/league`: the stores a manager may see side by side, ranked by a score adjusted for the
//! answers behind it, with the region and organisation rollups above. Server-only: sorting,
//! filtering and paging are plain links.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::league::{league_page, GroupFigures, League, SortKey};
use crate::domain::calendar::PERIODS;
use crate::domain::display::trimmed;
use crate::domain::Dimension;
use crate::i18n::Locale;
use crate::ui::scorecard::{dimension_name, period_range, signal_text, Figure};
use crate::ui::{load_error, use_locale};
use crate::{tr, trn};

#[component]
pub fn LeaguePage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let args = move || {
        let q = query.get();
        let number = |k: &str| q.get(k).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
        (
            number("weeks"),
            q.get("sort").unwrap_or_default(),
            q.get("dir").unwrap_or_default(),
            q.get("region").unwrap_or_default(),
            number("page"),
        )
    };
    let page = Resource::new(args, |(weeks, sort, dir, region, page)| {
        league_page(weeks, sort, dir, region, page)
    });
    view! {
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Ok(league) => view! { <LeagueView locale league/> }.into_any(),
                Err(e) => load_error(locale, e),
            })}
        </Suspense>
    }
}

fn sort_name(locale: Locale, key: SortKey) -> String {
    match key {
        SortKey::Rank => tr!(locale, "league.rank"),
        SortKey::Overall => tr!(locale, "score.overall"),
        SortKey::Dimension(d) => dimension_name(locale, d),
        SortKey::Nps => "NPS".to_string(),
        SortKey::Trend => tr!(locale, "league.trend"),
        SortKey::Responses => tr!(locale, "score.responses"),
    }
}

/// Points per week with its sign, or a dash.
fn trend_text(t: Option<f64>) -> String {
    match t {
        Some(t) if t >= 0.0 => format!("+{}", trimmed(t, 1)),
        Some(t) => format!("−{}", trimmed(-t, 1)),
        None => "–".into(),
    }
}

/// The figure cells shared by store and rollup rows: answers, overall, dimensions, NPS, trend.
#[component]
fn FigureCells(locale: Locale, figures: GroupFigures) -> impl IntoView {
    view! {
        <td class="num">{figures.responses}</td>
        <td class="num"><Figure locale estimate=figures.overall/></td>
        {figures.dimensions.iter().map(|e| view! { <td class="num"><Figure locale estimate=*e/></td> }).collect_view()}
        <td class="num"><Figure locale estimate=figures.nps nps=true/></td>
        <td class="num">{trend_text(figures.trend)}</td>
    }
}

#[component]
fn LeagueView(locale: Locale, league: League) -> impl IntoView {
    let weeks = league.weeks.len() as u32;
    let region_query = league
        .region
        .as_ref()
        .map(|r| format!("&region={}", crate::ui::layout::urlencode(r)))
        .unwrap_or_default();
    let dir = |descending: bool| if descending { "desc" } else { "asc" };
    let here = {
        let (sort, d, rq) = (league.sort, league.descending, region_query.clone());
        move |weeks: u32| {
            format!(
                "/league?weeks={weeks}&sort={}&dir={}{rq}",
                sort.as_str(),
                dir(d)
            )
        }
    };
    let periods = PERIODS
        .into_iter()
        .map(|w| view! {
            <a class="chip" href=here(w) aria-current=(w == weeks).then_some("page")>{trn!(locale, "score.weeks", count = w)}</a>
        })
        .collect_view();
    let sort_query = format!(
        "&sort={}&dir={}",
        league.sort.as_str(),
        dir(league.descending)
    );
    let mut region_chips = vec![view! {
        <a class="chip" href=format!("/league?weeks={weeks}{sort_query}") aria-current=league.region.is_none().then_some("page")>{tr!(locale, "league.all_regions")}</a>
    }
    .into_any()];
    region_chips.extend(league.regions.iter().map(|r| {
        view! {
            <a class="chip" href=format!("/league?weeks={weeks}{sort_query}&region={}", crate::ui::layout::urlencode(r))
                aria-current=(league.region.as_deref() == Some(r.as_str())).then_some("page")>{r.clone()}</a>
        }
        .into_any()
    }));

    // Column headings sort; the sorted one says which way, and a second click turns it.
    let heading = |key: SortKey| {
        let sorted = league.sort == key;
        let next_desc = if sorted { !league.descending } else { true };
        let href = format!(
            "/league?weeks={weeks}&sort={}&dir={}{region_query}",
            key.as_str(),
            dir(next_desc)
        );
        let (aria, arrow) = if league.descending {
            ("descending", " ▼")
        } else {
            ("ascending", " ▲")
        };
        let (aria, arrow) = (sorted.then_some(aria), sorted.then_some(arrow));
        view! {
            <th scope="col" aria-sort=aria>
                <a href=href>{sort_name(locale, key)}{arrow}</a>
            </th>
        }
    };
    let headings = view! {
        <th scope="col">{tr!(locale, "league.store")}</th>
        {heading(SortKey::Responses)}
        {heading(SortKey::Overall)}
        {heading(SortKey::Rank)}
        {Dimension::ALL.iter().map(|d| heading(SortKey::Dimension(*d))).collect_view()}
        {heading(SortKey::Nps)}
        {heading(SortKey::Trend)}
        <th scope="col">{tr!(locale, "league.control")}</th>
    };
    let rows = league
        .stores
        .iter()
        .map(|s| {
            let f = s.figures.clone();
            view! {
                <tr>
                    <td class="num">{s.rank.map(|r| r.to_string()).unwrap_or_else(|| "–".into())}</td>
                    <th scope="row">
                        <a href=format!("/stores/{}/scorecard?weeks={weeks}", s.code)>{s.name.get(locale.code()).to_string()}</a>
                        <br/><small class="meta">{format!("{} · {}", s.code, s.region)}</small>
                    </th>
                    <td class="num">{f.responses}</td>
                    <td class="num"><Figure locale estimate=f.overall/></td>
                    <td class="num">{s.adjusted.map(|a| format!("{} %", trimmed(a, 1))).unwrap_or_else(|| "–".into())}</td>
                    {f.dimensions.iter().map(|e| view! { <td class="num"><Figure locale estimate=*e/></td> }).collect_view()}
                    <td class="num"><Figure locale estimate=f.nps nps=true/></td>
                    <td class="num">{trend_text(f.trend)}</td>
                    <td>{s.out_of_control.map(|(week, signal)| view! {
                        <span class="tag alert" title=signal_text(locale, signal)>{tr!(locale, "league.flagged", week = week.to_string())}</span>
                    })}
                    {s.unusual.map(|u| view! {
                        " "<span class="tag alert" data-testid="unusual" title=crate::ui::scorecard::unusual_text(locale, &u)>{tr!(locale, "league.unusual")}</span>
                        <br/><small class="meta">{tr!(locale, "league.unusual_short", week = u.week.format("%m-%d").to_string(), count = u.count, usual = u.usual)}</small>
                    })}</td>
                </tr>
            }
        })
        .collect_view();
    let rollups = league
        .rollups
        .iter()
        .map(|r| {
            view! {
                <tr class=r.organisation.then_some("total")>
                    <th scope="row">
                        {r.name.clone()}
                        {r.partial.then(|| view! { <br/><small class="meta">{tr!(locale, "league.your_stores")}</small> })}
                    </th>
                    <td class="num">{r.stores}</td>
                    <FigureCells locale figures=r.figures.clone()/>
                </tr>
            }
        })
        .collect_view();
    let pager = (league.pages > 1).then(|| {
        let link = |p: usize| {
            format!(
                "/league?weeks={weeks}{sort_query}{region_query}&page={p}"
            )
        };
        view! {
            <nav class="pager" aria-label=tr!(locale, "league.pages")>
                {(league.page > 1).then(|| view! { <a class="button secondary" href=link(league.page - 1)>{tr!(locale, "league.previous")}</a> })}
                <span>{tr!(locale, "league.page", page = league.page, pages = league.pages)}</span>
                {(league.page < league.pages).then(|| view! { <a class="button secondary" href=link(league.page + 1)>{tr!(locale, "league.next")}</a> })}
            </nav>
        }
    });
    // Built in parts (each an AnyView): one nested view type of the whole page is too deep
    // for the compiler.
    let rollup_table = view! {
        <div class="table-scroll">
            <table class="figures" data-test="rollups">
                <thead><tr>
                    <th scope="col">{tr!(locale, "league.group")}</th>
                    <th scope="col">{tr!(locale, "league.stores")}</th>
                    <th scope="col">{tr!(locale, "score.responses")}</th>
                    <th scope="col">{tr!(locale, "score.overall")}</th>
                    {Dimension::ALL.iter().map(|d| view! { <th scope="col">{dimension_name(locale, *d)}</th> }).collect_view()}
                    <th scope="col">"NPS"</th>
                    <th scope="col">{tr!(locale, "league.trend")}</th>
                </tr></thead>
                <tbody>{rollups}</tbody>
            </table>
        </div>
    }
    .into_any();
    let store_table = view! {
        <p class="scroll-hint" aria-hidden="true">{tr!(locale, "league.scroll_hint")}</p>
        <div class="table-scroll">
            <table class="figures league" data-test="league">
                <thead><tr><th scope="col">"#"</th>{headings}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any();
    let range = period_range(locale, &league.weeks);
    let downloads = view! {
        <p class="no-print">
            <a href=format!("/league.csv?weeks={weeks}") download>{tr!(locale, "league.csv")}</a>
            " · "
            <a href=format!("/export/responses.csv?weeks={weeks}") download>{tr!(locale, "export.responses_csv")}</a>
        </p>
    }
    .into_any();
    view! {
        <h1>{tr!(locale, "league.title")}</h1>
        <nav class="chips" aria-label=tr!(locale, "score.period")>{periods}</nav>
        <p class="meta">{range}</p>
        <h2>{tr!(locale, "league.rollups")}</h2>
        {rollup_table}
        <h2>{tr!(locale, "league.stores_title")}</h2>
        <nav class="chips" aria-label=tr!(locale, "league.region")>{region_chips}</nav>
        <p class="hint">{tr!(locale, "league.lead")}</p>
        {downloads}
        {store_table}
        {pager}
    }
}
