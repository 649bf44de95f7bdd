//! Setting up the chain through the API: stores (create, change, import, export), regions
//! and the audit log. Admins only; each change is in the audit log.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use app::domain::store_setup::StoreInput;
use app::server::db::{audit, store_setup as db_stores};
use app::server::error::{ServiceError, ServiceResult};
use app::server::now_ms;
use app::server::state::AppState;
use app::server::store_setup::{self, require_admin, StorePatch};

use super::{json_body, ApiActor};

/// `POST /api/v1/stores`: 201 with the store, 422 with a message per wrong field.
pub async fn create_store(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> ServiceResult<Response> {
    require_admin(&actor)?;
    let input: StoreInput = json_body(&headers, &body)?;
    let store = store_setup::create_store(&state.db, &actor, &input, now_ms()).await?;
    Ok((StatusCode::CREATED, Json(store)).into_response())
}

/// `PATCH /api/v1/stores/{code}`: the fields given change, the others stay.
pub async fn update_store(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    body: Bytes,
) -> ServiceResult<Response> {
    require_admin(&actor)?;
    let patch: StorePatch = json_body(&headers, &body)?;
    let (store, _) = store_setup::update_store(&state.db, &actor, &code, patch, now_ms()).await?;
    Ok(Json(store).into_response())
}

#[derive(Deserialize)]
pub struct ImportQuery {
    #[serde(default)]
    dry_run: Option<String>,
}

/// `POST /api/v1/stores/import` with the file as `text/csv`: 200 with what was stored, 200
/// with what would be (`?dry_run=true`), or 422 with every row's problems and nothing stored.
pub async fn import_stores(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> ServiceResult<Response> {
    require_admin(&actor)?;
    // A cross-site form cannot send text/csv, so the session cookie alone cannot import.
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    if !is_csv {
        return Err(ServiceError::invalid("body", "send the file as text/csv"));
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ServiceError::invalid("body", "the file must be UTF-8 text"))?;
    let dry_run = matches!(q.dry_run.as_deref(), Some("true" | "1" | "yes"));
    let report = store_setup::import(&state.db, &actor, text, dry_run, now_ms()).await?;
    let status = if report.has_problems() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}

/// `GET /api/v1/stores.csv`: every store, open and closed, in the import's format.
pub async fn export_stores(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ServiceResult<Response> {
    require_admin(&actor)?;
    let csv = store_setup::export_csv(&state.db).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"stores.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response())
}

pub async fn list_regions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ServiceResult<Response> {
    require_admin(&actor)?;
    let regions: Vec<_> = db_stores::regions(&state.db)
        .await?
        .into_iter()
        .map(|r| app::api::wire::store_setup::RegionView {
            id: r.id,
            name: r.name,
            organisation: r.organisation,
            stores: r.stores,
        })
        .collect();
    Ok(Json(regions).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRegion {
    name: String,
}

/// `POST /api/v1/regions`: 201 with its id.
pub async fn create_region(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> ServiceResult<Response> {
    require_admin(&actor)?;
    let region: NewRegion = json_body(&headers, &body)?;
    let id = store_setup::create_region(&state.db, &actor, &region.name, now_ms()).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": id, "name": region.name.trim() })),
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    kind: String,
    subject: String,
    actor: String,
    before: Option<i64>,
    limit: Option<i64>,
}

/// `GET /api/v1/audit`: newest first; `?kind=store&subject=SH-001&actor=admin&before=<id>`.
pub async fn audit_log(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<AuditQuery>,
) -> ServiceResult<Response> {
    require_admin(&actor)?;
    let filter = audit::Filter {
        subject_kind: q.kind.chars().take(40).collect(),
        subject: q.subject.chars().take(200).collect(),
        actor: q.actor.chars().take(200).collect(),
        before_id: q.before.unwrap_or(0).max(0),
    };
    let rows = audit::list(&state.db, &filter, q.limit.unwrap_or(100).clamp(1, 500)).await?;
    let entries: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "at": app::server::from_ms(r.at),
                "actor": r.actor,
                "kind": r.subject_kind,
                "subject": r.subject,
                "field": r.field,
                "old": r.old_value,
                "new": r.new_value,
            })
        })
        .collect();
    Ok(Json(entries).into_response())
}
