//! CSV downloads for managers: the responses they may see (streamed), a store's weekly
//! figures, and the league. Signed in with the session cookie like the pages that link here.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use app::domain::calendar::period_or_default;
use app::server::error::ServiceError;
use app::server::export::{self, ResponsesExport};
use app::server::state::AppState;

use super::auth::{IntoHtmlError, SignedIn};
use super::survey_links::download;

const CSV: &str = "text/csv; charset=utf-8";

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    #[serde(default)]
    weeks: u32,
    #[serde(default)]
    store: String,
}

/// `GET /export/responses.csv?weeks=12&store=SH-001`: every response of the period the user
/// may see (one store, or all), one row each with its answers as JSON. Streamed.
pub async fn responses_csv(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
    SignedIn(actor): SignedIn,
) -> Response {
    let weeks = period_or_default(q.weeks);
    let store = (!q.store.is_empty()).then_some(q.store);
    let name = format!(
        "servscope-responses-{}-{}.csv",
        store.as_deref().unwrap_or("all"),
        export::weeks_label(weeks)
    );
    let export = ResponsesExport { weeks, store };
    match export::responses(&state.db, &actor, export, &state.exports).await {
        Ok(rx) => download(CSV, name, Body::from_stream(export::body_stream(rx))),
        Err(ServiceError::TooManyRequests) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "30")],
            "Other exports are running; try again in half a minute.",
        )
            .into_response(),
        Err(e) => e.into_html_error(),
    }
}

/// `GET /stores/{code}/scorecard.csv?weeks=12`: the store's weekly figures per channel.
pub async fn scorecard_csv(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<ExportQuery>,
    SignedIn(actor): SignedIn,
) -> Response {
    let weeks = period_or_default(q.weeks);
    let org = match app::server::org_settings::load(&state.db, &state.settings).await {
        Ok(org) => org,
        Err(e) => return ServiceError::from(e).into_html_error(),
    };
    match export::store_figures(&state.db, &actor, &code, weeks, &org).await {
        Ok((code, bytes)) => download(
            CSV,
            format!(
                "servscope-scorecard-{code}-{}.csv",
                export::weeks_label(weeks)
            ),
            Body::from(bytes),
        ),
        Err(e) => e.into_html_error(),
    }
}

/// `GET /league.csv?weeks=12`: every visible store ranked, then the rollups.
pub async fn league_csv(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
    SignedIn(actor): SignedIn,
) -> Response {
    let weeks = period_or_default(q.weeks);
    let org = match app::server::org_settings::load(&state.db, &state.settings).await {
        Ok(org) => org,
        Err(e) => return ServiceError::from(e).into_html_error(),
    };
    match export::league(&state.db, &actor, weeks, &org).await {
        Ok(bytes) => download(
            CSV,
            format!("servscope-league-{}.csv", export::weeks_label(weeks)),
            Body::from(bytes),
        ),
        Err(e) => e.into_html_error(),
    }
}
