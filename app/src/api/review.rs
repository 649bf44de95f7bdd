//! The review queue page's data (`/reviews`). Built by `server::review`, drawn by
//! `ui::review`.

pub use super::wire::review::*;

#[leptos::server(endpoint = "reviews")]
pub async fn reviews_page(
    status: String,
    region: String,
    store: String,
    shopper: String,
    flag: String,
) -> Result<ReviewQueue, super::AppError> {
    let (state, actor, _) = super::ssr::require_actor().await?;
    let org = crate::server::org_settings::load(&state.db, &state.settings).await?;
    let filter = ReviewFilter {
        status,
        region,
        store,
        shopper,
        flag,
    };
    Ok(crate::server::review::queue(&state.db, &state.templates, &org, &actor, filter).await?)
}
