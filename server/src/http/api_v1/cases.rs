//! Complaint cases and the inbox in the JSON API. The rules are `app::server::cases` and
//! `app::server::inbox`; these handlers only read the request and answer in JSON.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::{json_body, ApiActor};
use app::api::wire::cases::{CaseActionRequest, CaseFilter, NewCaseRequest};
use app::server::error::{ServiceError, ServiceResult};
use app::server::state::AppState;
use app::server::{cases, inbox, now_ms, org_settings};

fn case_id(id: &str) -> ServiceResult<i64> {
    id.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(ServiceError::NotFound)
}

/// `GET /api/v1/cases?status=open|overdue|all|<status>&store=<code>`: the cases the caller
/// handles, newest first.
pub async fn list_cases(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(filter): Query<CaseFilter>,
) -> ServiceResult<Response> {
    let org = org_settings::load(&state.db, &state.settings).await?;
    let list = cases::list(&state.db, &org, &actor, filter, now_ms()).await?;
    Ok(Json(list).into_response())
}

/// `POST /api/v1/cases`: record a complaint; 201 with its id, priority and markers (200 for
/// a resend with the same `client_key`).
pub async fn open_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> ServiceResult<Response> {
    let req: NewCaseRequest = json_body(&headers, &body)?;
    let org = org_settings::load(&state.db, &state.settings).await?;
    let opened = cases::open(&state.db, &org, &actor, &req, now_ms()).await?;
    let status = if opened.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(opened)).into_response())
}

/// `GET /api/v1/cases/{id}`: the case with its timeline.
pub async fn get_case(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ServiceResult<Response> {
    let id = case_id(&id)?;
    let org = org_settings::load(&state.db, &state.settings).await?;
    let detail = cases::detail(&state.db, &org, &actor, id, String::new(), now_ms()).await?;
    Ok(Json(detail).into_response())
}

/// `POST /api/v1/cases/{id}/events`: `{"action": "acknowledge"|"note"|"reassign"|"resolve"|
/// "close"|"reopen"|"follow_up", "note": "...", "owner": "<username>", "root_cause": "...",
/// "action_taken": "...", "satisfaction": 1-5}`.
pub async fn case_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    body: Bytes,
) -> ServiceResult<Response> {
    let req: CaseActionRequest = json_body(&headers, &body)?;
    let id = case_id(&id)?;
    let org = org_settings::load(&state.db, &state.settings).await?;
    let status = cases::act(&state.db, &org, &actor, id, &req, now_ms()).await?;
    Ok(Json(serde_json::json!({ "id": id, "status": status.as_str() })).into_response())
}

/// `GET /api/v1/inbox`: the caller's own items, newest first.
pub async fn get_inbox(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ServiceResult<Response> {
    let items = inbox::inbox(&state.db, &actor, String::new()).await?;
    Ok(Json(items).into_response())
}
