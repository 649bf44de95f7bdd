//! The organisation settings: the admin page's form and `GET/PATCH /api/v1/settings`.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;

use app::domain::org_settings::KEYS;
use app::server::error::{ServiceError, ServiceResult};
use app::server::now_ms;
use app::server::org_settings;
use app::server::state::AppState;

use super::admin::session_form;
use super::api_v1::ApiActor;
use super::auth::IntoHtmlError;
use super::forms::see_other;

/// `POST /admin/settings`: every setting of the form at once, all or nothing.
pub async fn save_form(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let actor = match session_form(&state, &headers, &csrf, "/admin/settings").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let changes: BTreeMap<String, String> = pairs
        .into_iter()
        .filter(|(k, _)| KEYS.contains(&k.as_str()))
        .collect();
    match org_settings::update(&state.db, &state.settings, &actor, &changes, now_ms()).await {
        Ok(_) => see_other("/admin/settings?saved=1", vec![]),
        Err(ServiceError::Invalid(fields)) => {
            let mut q = form_urlencoded::Serializer::new(String::new());
            let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
            q.append_pair("error", &names.join(","));
            for (k, v) in &changes {
                q.append_pair(k, &v.chars().take(40).collect::<String>());
            }
            see_other(&format!("/admin/settings?{}", q.finish()), vec![])
        }
        Err(e) => e.into_html_error(),
    }
}

/// `GET /api/v1/settings`: every setting in force.
pub async fn get_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ServiceResult<Response> {
    if actor.role != app::api::wire::Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    Ok(Json(org_settings::load(&state.db, &state.settings).await?).into_response())
}

/// `PATCH /api/v1/settings`: the settings given change, all or nothing (422 with a message per
/// wrong one); answers with every setting in force.
pub async fn patch_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> ServiceResult<Response> {
    if actor.role != app::api::wire::Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let given: BTreeMap<String, serde_json::Value> = super::api_v1::json_body(&headers, &body)?;
    let mut changes = BTreeMap::new();
    let mut unknown = Vec::new();
    for (key, value) in given {
        if !KEYS.contains(&key.as_str()) {
            unknown.push(app::domain::FieldError::new(
                key.as_str(),
                "no such setting",
            ));
            continue;
        }
        let text = match value {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        changes.insert(key, text);
    }
    if !unknown.is_empty() {
        return Err(ServiceError::Invalid(unknown));
    }
    let settings =
        org_settings::update(&state.db, &state.settings, &actor, &changes, now_ms()).await?;
    Ok(Json(settings).into_response())
}
