//! One response read back in full (a mystery visit's report), and the lists that lead to
//! reports: a store's latest comments and critical failures. Built by `server::report`, drawn
//! by `ui::report`.

pub use super::wire::report::*;

#[leptos::server(endpoint = "report")]
pub async fn report_page(id: String) -> Result<Report, super::AppError> {
    let (state, actor, _) = super::ssr::require_actor().await?;
    let org = crate::server::org_settings::load(&state.db, &state.settings).await?;
    Ok(crate::server::report::for_response(
        &state.db,
        &state.templates,
        &org,
        &actor,
        &id,
        crate::server::now_ms(),
    )
    .await?)
}

#[leptos::server(endpoint = "comments")]
pub async fn comments_page(
    code: String,
    weeks: u32,
    after: String,
) -> Result<CommentList, super::AppError> {
    let (state, actor, _) = super::ssr::require_actor().await?;
    Ok(
        crate::server::report::comments(&state.db, &state.templates, &actor, &code, weeks, &after)
            .await?,
    )
}
