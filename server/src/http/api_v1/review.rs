//! Review before release and appeals in the JSON API: the review queue, a reviewer's
//! decision on a visit, a store manager's appeal of items, a reviewer's answer to an
//! appeal, and the shopper's own past visits. The rules are `app::server::review` and
//! `app::server::appeals`; these handlers only read the request and answer in JSON.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::{json_body, parse_id, ApiActor};
use app::api::wire::review::{AppealDecisionRequest, AppealRequest, DecisionRequest, ReviewFilter};
use app::server::error::{ServiceError, ServiceResult};
use app::server::state::AppState;
use app::server::{appeals, now_ms, org_settings, review};

/// `GET /api/v1/reviews?status=waiting|returned|voided&region=&store=&shopper=&flag=`
/// (reviewers, admins): the visits of the caller's regions, oldest first.
pub async fn list_reviews(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(filter): Query<ReviewFilter>,
) -> ServiceResult<Response> {
    let org = org_settings::load(&state.db, &state.settings).await?;
    let queue = review::queue(&state.db, &state.templates, &org, &actor, filter).await?;
    Ok(Json(queue).into_response())
}

/// `POST /api/v1/responses/{id}/decision`: `{"decision": "release"|"return"|"void",
/// "reason": "...", "comments": [{"question": "...", "text": "..."}]}`.
pub async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    body: Bytes,
) -> ServiceResult<Response> {
    let req: DecisionRequest = json_body(&headers, &body)?;
    let id = parse_id(&id)?.to_string();
    let org = org_settings::load(&state.db, &state.settings).await?;
    let status = review::decide(
        &state.db,
        &state.templates,
        &org,
        &actor,
        &id,
        &req,
        now_ms(),
    )
    .await?;
    Ok(Json(serde_json::json!({ "id": id, "status": status })).into_response())
}

/// `POST /api/v1/responses/{id}/appeals` (the store's managers): `{"items": [{"question":
/// "...", "reason": "..."}]}`; 201 with the appeals' ids.
pub async fn appeal(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    body: Bytes,
) -> ServiceResult<Response> {
    let req: AppealRequest = json_body(&headers, &body)?;
    let id = parse_id(&id)?.to_string();
    let org = org_settings::load(&state.db, &state.settings).await?;
    let ids = appeals::appeal(
        &state.db,
        &state.templates,
        &org,
        &actor,
        &id,
        &req,
        now_ms(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "response": id, "appeals": ids })),
    )
        .into_response())
}

/// `POST /api/v1/appeals/{id}/decision` (reviewers, admins): `{"decision":
/// "upheld"|"rejected", "reply": "...", "value": <the corrected answer> | null}`.
pub async fn decide_appeal(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    body: Bytes,
) -> ServiceResult<Response> {
    let req: AppealDecisionRequest = json_body(&headers, &body)?;
    let id: i64 = id.parse().map_err(|_| ServiceError::NotFound)?;
    let org = org_settings::load(&state.db, &state.settings).await?;
    let response = appeals::decide(
        &state.db,
        &state.templates,
        &org,
        &actor,
        id,
        &req,
        now_ms(),
    )
    .await?;
    Ok(Json(
        serde_json::json!({ "appeal": id, "response": response, "status": req.decision.trim() }),
    )
    .into_response())
}

/// `GET /api/v1/shopper/visits` (shoppers): their own past visits with status, score,
/// the reviewer's comments and appeal outcomes.
pub async fn shopper_visits(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ServiceResult<Response> {
    let visits = review::shopper_visits(&state.db, &state.templates, &actor).await?;
    Ok(Json(visits).into_response())
}
