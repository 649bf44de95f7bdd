//! The league table of stores and the region and organisation rollups, as data: built on the
//! server from the weekly figures (`server::league`), drawn by `ui::league`.

pub use super::wire::league::*;

/// The league of the stores the user may see over the last `weeks` weeks, sorted by `sort`
/// ("" for the ranking), `dir` "asc" or "desc", one `page` (from 1) of a region ("" for all).
#[leptos::server(endpoint = "league")]
pub async fn league_page(
    weeks: u32,
    sort: String,
    dir: String,
    region: String,
    page: u32,
) -> Result<League, super::AppError> {
    use crate::domain::calendar::period_or_default;
    use crate::server::league::{for_actor, Request};
    let (state, actor, _) = super::ssr::require_actor().await?;
    let request = Request {
        weeks: period_or_default(weeks),
        sort: SortKey::parse(&sort).unwrap_or_default(),
        descending: dir != "asc",
        region: (!region.is_empty()).then_some(region),
        page: page.max(1) as usize,
    };
    let org = crate::server::org_settings::load(&state.db, &state.settings).await?;
    Ok(for_actor(&state.db, &actor, &request, &org).await?)
}
