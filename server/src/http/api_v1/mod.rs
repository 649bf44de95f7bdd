//! The JSON API (`/api/v1`). Authenticated by a Bearer API token or the browser session.
//! Every read is scoped to what the caller may see; a store or response outside that scope
//! is answered exactly like one that does not exist (404).
//! Documented with a curl example per endpoint in docs/api.md.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use app::api::wire::Role;
use app::domain::{Channel, FieldError, ResponseSubmission};
use app::server::assign::{self, AssignmentRequest};
use app::server::auth::{authenticate, Actor, Credential};
use app::server::db::{org, responses, templates};
use app::server::error::{ServiceError, ServiceResult};
use app::server::ingest::{submit_response, Stored};
use app::server::now_ms;
use app::server::response_status;
use app::server::state::AppState;
use app::server::targets;

/// Largest accepted response body. A 25-answer response is about 3 KB; long comments fit.
pub const MAX_RESPONSE_BODY: usize = 256 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stores", get(list_stores).post(stores::create_store))
        .route("/stores.csv", get(stores::export_stores))
        .route(
            "/stores/import",
            post(stores::import_stores).layer(DefaultBodyLimit::max(
                app::server::store_setup::MAX_IMPORT_BYTES,
            )),
        )
        .route("/stores/{code}", get(get_store).patch(stores::update_store))
        .route(
            "/regions",
            get(stores::list_regions).post(stores::create_region),
        )
        .route("/audit", get(stores::audit_log))
        .route(
            "/settings",
            get(super::settings::get_settings).patch(super::settings::patch_settings),
        )
        .route("/users", get(people::list_users).post(people::create_user))
        .route(
            "/users/{username}",
            axum::routing::patch(people::update_user),
        )
        .route("/users/{username}/invitation", post(people::invite_user))
        .route("/stores/{code}/responses", get(store_responses))
        .route("/responses", get(responses_by_status))
        .route("/responses/{id}", get(get_response).put(put_response))
        .route("/responses/{id}/status", post(set_response_status))
        .route("/responses/{id}/decision", post(review::decide))
        .route("/responses/{id}/appeals", post(review::appeal))
        .route("/appeals/{id}/decision", post(review::decide_appeal))
        .route("/reviews", get(review::list_reviews))
        .route("/cases", get(cases::list_cases).post(cases::open_case))
        .route("/cases/{id}", get(cases::get_case))
        .route("/cases/{id}/events", post(cases::case_event))
        .route("/inbox", get(cases::get_inbox))
        .route("/targets", get(list_targets).put(set_target))
        .route(
            "/templates",
            get(list_templates)
                .post(crate::http::designer::publish_json)
                .layer(DefaultBodyLimit::max(
                    app::server::designer::MAX_TEMPLATE_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/templates/{key}/versions/{version}",
            get(get_template_version),
        )
        .route("/assignments", post(create_assignment))
        .route("/assignments/{id}/cancel", post(cancel_assignment))
        .route("/assignments/{id}/restore", post(restore_assignment))
        .route("/shopper/assignments", get(shopper_assignments))
        .route("/shopper/visits", get(review::shopper_visits))
        .route("/photos/{sha256}", get(get_photo))
        .route(
            "/photos/{sha256}/upload",
            get(photo_status)
                .put(put_photo_chunk)
                .layer(DefaultBodyLimit::max(photos::MAX_CHUNK)),
        )
        .layer(DefaultBodyLimit::max(MAX_RESPONSE_BODY))
}

mod cases;
mod people;
mod photos;
mod review;
mod stores;
use photos::{get_photo, photo_status};
pub use photos::{put_photo_chunk, MAX_CHUNK};

/// A signed-in caller (token or session), or a 401.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ServiceError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        api_actor(
            state,
            parts.method.as_str(),
            parts.uri.path(),
            &parts.headers,
        )
        .await
        .map(ApiActor)
    }
}

/// The caller of an API request, or a 401; a token does only what its scope allows (403),
/// whatever more its owner may. Every API handler comes through here.
async fn api_actor(
    state: &AppState,
    method: &str,
    path: &str,
    headers: &HeaderMap,
) -> ServiceResult<Actor> {
    match authenticate(&state.db, headers).await? {
        Some((_, Credential::ApiToken { scope })) if !scope.allows(method, path) => {
            Err(ServiceError::Forbidden)
        }
        Some((actor, _)) => Ok(actor),
        None => Err(ServiceError::Unauthenticated),
    }
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn list_stores(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<SearchQuery>,
) -> ServiceResult<Response> {
    let stores =
        org::visible_stores(&state.db, &actor, &q.q, now_ms() - org::RECENT_WINDOW_MS).await?;
    Ok(Json(stores).into_response())
}

async fn get_store(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
) -> ServiceResult<Response> {
    let store = org::visible_store(&state.db, &actor, &code, now_ms() - org::RECENT_WINDOW_MS)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(Json(store).into_response())
}

#[derive(Deserialize)]
pub struct LimitQuery {
    limit: Option<i64>,
    /// `include` or `only`: flagged customer answers are left out unless asked for.
    #[serde(default)]
    flagged: String,
}

async fn store_responses(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    Query(q): Query<LimitQuery>,
) -> ServiceResult<Response> {
    // Employees and shoppers contribute answers; what was said is read by managers.
    if !actor.role.reads_scores() {
        return Err(ServiceError::Forbidden);
    }
    org::visible_store(&state.db, &actor, &code, 0)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let list = responses::visible_store_responses(
        &state.db,
        &actor,
        &code,
        responses::FlagFilter::parse(&q.flagged),
        limit,
    )
    .await?;
    Ok(Json(list).into_response())
}

fn parse_id(id: &str) -> ServiceResult<uuid::Uuid> {
    uuid::Uuid::parse_str(id).map_err(|_| ServiceError::invalid("id", "expected a UUID"))
}

async fn get_response(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ServiceResult<Response> {
    if !actor.role.reads_scores() {
        return Err(ServiceError::Forbidden);
    }
    let id = parse_id(&id)?;
    let detail = responses::visible_response(&state.db, &actor, &id.to_string())
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(Json(detail).into_response())
}

/// `PUT /api/v1/responses/{uuid}`: 201 first time, 200 for an identical replay, 409 for the
/// same id with other content, 422 with a message per field, 413 when too large.
async fn put_response(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let result = async {
        // Authenticate before reading the body, so anonymous callers learn nothing.
        let path = format!("/api/v1/responses/{id}");
        let actor = api_actor(&state, "PUT", &path, &headers).await?;
        // Requiring JSON also keeps this endpoint CSRF-safe for session cookies.
        if !is_json(&headers) {
            return Ok((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Json(serde_json::json!({"error": "send the body as application/json"})),
            )
                .into_response());
        }
        let id = parse_id(&id)?;
        let submission: ResponseSubmission = serde_json::from_slice(&body)
            .map_err(|e| ServiceError::Invalid(vec![FieldError::new("body", e.to_string())]))?;
        let stored = submit_response(
            &state.db,
            &state.templates,
            &state.settings,
            Some(&actor),
            id,
            submission,
            chrono::Utc::now(),
        )
        .await?;
        Ok::<Response, ServiceError>(match stored {
            Stored::Created(receipt) => (StatusCode::CREATED, Json(receipt)).into_response(),
            Stored::Replayed(receipt) => (StatusCode::OK, Json(receipt)).into_response(),
        })
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Employees answer the self-assessment only: the mystery checklists (what a shopper will
/// check in their store) and the others are not theirs to read.
fn may_read_template(role: Role, channel: &str) -> bool {
    role != Role::Employee || channel == Channel::EmployeeSelf.as_str()
}

async fn list_templates(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ServiceResult<Response> {
    let list: Vec<_> = templates::latest_versions(&state.db)
        .await?
        .into_iter()
        .map(|(summary, _)| summary)
        .filter(|t| may_read_template(actor.role, &t.channel))
        .collect();
    Ok(Json(list).into_response())
}

async fn get_template_version(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((key, version)): Path<(String, u32)>,
) -> ServiceResult<Response> {
    let v = state
        .templates
        .get(&state.db, &key, version)
        .await?
        .filter(|v| may_read_template(actor.role, v.template.channel.as_str()))
        .ok_or(ServiceError::NotFound)?;
    // Published versions never change: clients may cache them for good (privately).
    Ok((
        [(
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        )],
        Json(serde_json::json!({ "key": key, "version": v.version, "template": *v.template })),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct StatusQuery {
    #[serde(default)]
    status: String,
}

/// `GET /api/v1/responses?status=held|excluded|flagged` (admins): what does not count, and why.
async fn responses_by_status(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<StatusQuery>,
) -> ServiceResult<Response> {
    let list = response_status::list(&state.db, &actor, &q.status).await?;
    Ok(Json(list).into_response())
}

#[derive(Deserialize)]
pub struct StatusChange {
    status: String,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/responses/{id}/status` (admins): `{"status": "counted"|"excluded",
/// "reason": "..."}`. The figures move in the same transaction.
async fn set_response_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    body: Bytes,
) -> ServiceResult<Response> {
    let change: StatusChange = json_body(&headers, &body)?;
    let id = parse_id(&id)?;
    let (from, to) = response_status::decide(
        &state.db,
        &state.templates,
        &actor,
        &id.to_string(),
        &change.status,
        &change.reason,
        now_ms(),
    )
    .await?;
    Ok(Json(serde_json::json!({ "id": id, "from": from, "to": to })).into_response())
}

/// `GET /api/v1/targets` (admins): every target, the organisation's first (`store` null).
async fn list_targets(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ServiceResult<Response> {
    let rows = targets::list(&state.db, &actor).await?;
    Ok(Json(serde_json::json!({ "targets": rows })).into_response())
}

/// `PUT /api/v1/targets` (admins): `{"store": "SHA-001" | null, "measure": "overall",
/// "value": 80 | null}`; null removes the target.
async fn set_target(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> ServiceResult<Response> {
    let request: targets::SetTarget = json_body(&headers, &body)?;
    targets::set(&state.db, &actor, &request, now_ms()).await?;
    Ok(Json(serde_json::json!({ "store": request.store, "measure": request.measure, "value": request.value }))
        .into_response())
}

/// Whether a request body is JSON: required for state-changing JSON endpoints, which keeps
/// them CSRF-safe for session cookies (a cross-site page cannot send JSON without a
/// CORS preflight).
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// A state-changing JSON body: refused unless sent as JSON (see [`is_json`]), then parsed,
/// with the parser's message as the one field error.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> ServiceResult<T> {
    if !is_json(headers) {
        return Err(ServiceError::invalid(
            "body",
            "send the body as application/json",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| ServiceError::Invalid(vec![FieldError::new("body", e.to_string())]))
}

async fn create_assignment(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> ServiceResult<Response> {
    let req: AssignmentRequest = json_body(&headers, &body)?;
    let id = assign::create_assignment(
        &state.db,
        &actor,
        &req,
        app::server::org_settings::load(&state.db, &state.settings)
            .await?
            .revisit_days,
        assign::lenient_today(),
        now_ms(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))).into_response())
}

/// A POST without a body: a JSON content type or a bearer token proves it is not a
/// cross-site form post (a form can send neither).
fn not_a_cross_site_post(headers: &HeaderMap) -> ServiceResult<()> {
    if is_json(headers) || headers.contains_key(header::AUTHORIZATION) {
        Ok(())
    } else {
        Err(ServiceError::invalid("body", "send application/json"))
    }
}

async fn cancel_assignment(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> ServiceResult<Response> {
    not_a_cross_site_post(&headers)?;
    assign::cancel_assignment(&state.db, &actor, id, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/assignments/{id}/restore`: undo a cancellation (204), as the assignment page
/// does; 404 when it was answered, its window is over or it is not cancelled.
async fn restore_assignment(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> ServiceResult<Response> {
    not_a_cross_site_post(&headers)?;
    assign::restore_assignment(
        &state.db,
        &actor,
        id,
        app::server::org_settings::load(&state.db, &state.settings)
            .await?
            .revisit_days,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn shopper_assignments(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ServiceResult<Response> {
    let feed = assign::shopper_feed(
        &state.db,
        &state.templates,
        &actor,
        chrono::Utc::now().date_naive(),
    )
    .await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(feed)).into_response())
}
