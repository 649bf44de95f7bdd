//! A store's customer survey link for its managers: the QR code as SVG and PNG, and rotation.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use app::server::error::ServiceError;
use app::server::state::AppState;
use app::server::survey_link::{self, StoreLink};
use app::server::{now_ms, qr};

use super::admin::session_form;
use super::auth::IntoHtmlError;
use super::forms::see_other;

/// `?lang=zh-CN&ch=till`: what the printed link carries. Unknown values are left out.
#[derive(Deserialize, Default)]
pub struct LinkQuery {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    ch: String,
}

async fn link_of(state: &AppState, headers: &HeaderMap, code: &str) -> Result<StoreLink, Response> {
    let actor = super::auth::signed_in(state, headers).await?;
    survey_link::link_for(&state.db, &actor, code, now_ms())
        .await
        .map_err(|e| e.into_html_error())
}

pub(super) fn download(content_type: &'static str, filename: String, body: Body) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body,
    )
        .into_response()
}

#[derive(Clone, Copy)]
enum Format {
    Svg,
    Png,
}

/// The store's QR code as a file, holding the link with the query's language and placement.
async fn qr_file(
    state: &AppState,
    headers: &HeaderMap,
    code: &str,
    q: &LinkQuery,
    format: Format,
) -> Response {
    let link = match link_of(state, headers, code).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let base = survey_link::public_base(&state.settings, headers);
    let (url, _, _) = link.url(&base, &q.lang, &q.ch);
    let (content_type, ext, body) = match format {
        Format::Svg => (
            "image/svg+xml",
            "svg",
            qr::svg(&url)
                .map(String::into_bytes)
                .map_err(|e| e.to_string()),
        ),
        // 10 pixels per module: about 5 cm at 300 dpi.
        Format::Png => ("image/png", "png", qr::png(&url, 10)),
    };
    match body {
        Ok(body) => download(
            content_type,
            format!("servscope-{}-qr.{ext}", link.store_code),
            Body::from(body),
        ),
        Err(e) => ServiceError::Internal(format!("QR code for {url}: {e}")).into_html_error(),
    }
}

/// `GET /stores/{code}/qr.svg`: scales to any print size.
pub async fn qr_svg(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<LinkQuery>,
    headers: HeaderMap,
) -> Response {
    qr_file(&state, &headers, &code, &q, Format::Svg).await
}

/// `GET /stores/{code}/qr.png`.
pub async fn qr_png(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<LinkQuery>,
    headers: HeaderMap,
) -> Response {
    qr_file(&state, &headers, &code, &q, Format::Png).await
}

#[derive(Deserialize)]
pub struct RotateForm {
    csrf: String,
}

/// `POST /stores/{code}/survey-link/rotate`: the printed codes stop taking answers.
pub async fn rotate(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    Form(form): Form<RotateForm>,
) -> Response {
    let back = format!(
        "/stores/{}/qr",
        form_urlencoded::byte_serialize(code.as_bytes()).collect::<String>()
    );
    let actor = match session_form(&state, &headers, &form.csrf, &back).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match survey_link::rotate_for(&state.db, &actor, &code, now_ms()).await {
        Ok(_) => see_other(&format!("{back}?rotated=1"), vec![]),
        Err(e) => e.into_html_error(),
    }
}

#[derive(Deserialize)]
pub struct StaffPinForm {
    csrf: String,
    #[serde(default)]
    pin: String,
}

/// `POST /stores/{code}/staff-pin`: set the PIN of the store's staff self-assessment link
/// (4-8 digits), or remove the link with an empty PIN.
pub async fn staff_pin(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    Form(form): Form<StaffPinForm>,
) -> Response {
    let back = format!(
        "/stores/{}/qr",
        form_urlencoded::byte_serialize(code.as_bytes()).collect::<String>()
    );
    let actor = match session_form(&state, &headers, &form.csrf, &back).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let pin = form.pin.trim();
    let digits = pin.bytes().all(|b| b.is_ascii_digit());
    if !digits || (!pin.is_empty() && !(4..=8).contains(&pin.len())) {
        return see_other(&format!("{back}?pin=invalid"), vec![]);
    }
    match survey_link::set_staff_pin_for(&state.db, &actor, &code, pin).await {
        Ok(true) => see_other(&format!("{back}?pin=set"), vec![]),
        Ok(false) => see_other(&format!("{back}?pin=removed"), vec![]),
        Err(e) => e.into_html_error(),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// `POST /stores/{code}/call-backs/{id}/handled`: a store manager marks a customer's call-back
/// request handled (who and when are kept). Marking one already marked changes nothing.
pub async fn call_back_handled(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let back = format!(
        "/stores/{}/customers",
        super::customer_survey::segment(&code)
    );
    let actor = match session_form(&state, &headers, &form.csrf, &back).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if actor.role != app::api::wire::Role::StoreManager {
        return ServiceError::Forbidden.into_html_error();
    }
    let store = match app::server::db::org::visible_store_row(&state.db, &actor, &code).await {
        Ok(Some(store)) => store,
        Ok(None) => return ServiceError::NotFound.into_html_error(),
        Err(e) => return ServiceError::from(e).into_html_error(),
    };
    let marked = app::server::db::responses::mark_call_back_handled(
        &state.db,
        &actor,
        store.id,
        &id,
        now_ms(),
    )
    .await;
    match marked {
        Ok(marked) => {
            if marked {
                tracing::info!(user_id = actor.user_id, store = %store.code, "call-back marked handled");
            }
            see_other(&back, vec![])
        }
        Err(e) => ServiceError::from(e).into_html_error(),
    }
}
