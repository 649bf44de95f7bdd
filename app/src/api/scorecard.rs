//! What a store's scorecard page shows, as data: built on the server from the weekly figures
//! (`server::scorecard`), drawn by `ui::scorecard`.

pub use super::wire::scorecard::*;

/// A store's scorecard over the last `weeks` weeks, its control chart on `measure` in
/// `channel` ("" for the busiest channel). For those who may read the store's scores.
#[leptos::server(endpoint = "scorecard")]
pub async fn scorecard_page(
    code: String,
    weeks: u32,
    measure: String,
    channel: String,
) -> Result<Scorecard, super::AppError> {
    use crate::domain::calendar::period_or_default;
    use crate::server::scorecard::{for_store, Request};
    let (state, actor, _) = super::ssr::require_actor().await?;
    let request = Request {
        weeks: period_or_default(weeks),
        measure: Measure::parse(&measure).unwrap_or_default(),
        channel: crate::domain::Channel::parse(&channel),
    };
    let org = crate::server::org_settings::load(&state.db, &state.settings).await?;
    Ok(for_store(&state.db, &state.templates, &actor, &code, request, &org).await?)
}
