//! Form posts and downloads of the checklist designer, and `POST /api/v1/templates`.
//!
//! The designer is one form: every field of the draft, saved on each post, plus the button
//! that was pressed (`step`): a value (`add_question:0:yes_no`...) changes the draft's
//! shape, `publish` saves and publishes. Each post checks the session, its CSRF token and
//! origin, calls `app::server::designer`, and redirects back to the page with what happened.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;

use app::domain::template_form::Step;
use app::domain::Channel;
use app::server::db::templates;
use app::server::designer::{self, Start};
use app::server::error::{ServiceError, ServiceResult};
use app::server::now_ms;
use app::server::state::AppState;
use app::server::store_setup::require_admin;

use super::api_v1::ApiActor;
use super::auth::IntoHtmlError;
use super::forms::see_other;
use super::store_setup::{admin_form, query};

fn designer_path(key: &str) -> String {
    format!("/admin/templates/{key}/draft")
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewChecklistForm {
    csrf: String,
    key: String,
    /// `blank`, `copy` or `json`.
    start: String,
    channel: String,
    from: String,
    json: String,
}

/// `POST /admin/templates`: start a checklist (blank, a copy, or a pasted JSON document).
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<NewChecklistForm>,
) -> Response {
    let actor = match admin_form(&state, &headers, &form.csrf, "/admin/templates").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let start = match form.start.as_str() {
        "copy" => Start::CopyOf(form.from.clone()),
        "json" => Start::Json(form.json.clone()),
        _ => Start::Blank(Channel::parse(&form.channel).unwrap_or(Channel::MysteryVisit)),
    };
    let key = form.key.trim().to_string();
    match designer::create(&state.db, &actor, &key, start, now_ms()).await {
        Ok(()) => see_other(&format!("{}?done=created", designer_path(&key)), vec![]),
        Err(ServiceError::Invalid(fields)) => {
            let field = fields.first().map_or("key", |f| f.field.as_str());
            let message = fields.first().map_or("", |f| f.message.as_str());
            see_other(
                &format!(
                    "/admin/templates?{}",
                    query(&[("error", field), ("message", message), ("key", &key)])
                ),
                vec![],
            )
        }
        Err(ServiceError::NotFound) => see_other("/admin/templates?error=from", vec![]),
        Err(e) => e.into_html_error(),
    }
}

/// `POST /admin/templates/{key}/draft`: save every field, then do what the button says.
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
    body: Bytes,
) -> Response {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let path = designer_path(&key);
    let actor = match admin_form(&state, &headers, &field("csrf"), &path).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let button = field("step");
    // "Add question" names its section; the type comes from the box beside it.
    let button = match button.strip_prefix("add_question:") {
        Some(s) if !s.contains(':') => format!("{button}:{}", field(&format!("s{s}.new_type"))),
        _ => button,
    };
    let step = Step::parse(&button);
    let now = now_ms();
    let not_numbers = match designer::save_form(&state.db, &actor, &key, &pairs, step, now).await {
        Ok(p) => p,
        Err(ServiceError::Invalid(_)) => {
            return see_other(
                &format!("{path}?{}", query(&[("done", "too_large")])),
                vec![],
            )
        }
        Err(e) => return e.into_html_error(),
    };
    let bad: Vec<&str> = not_numbers.iter().map(|p| p.field.as_str()).collect();
    let bad = bad.join(",");
    // Back where the admin was working: the item the step was about.
    let anchor = match step {
        Some(
            Step::AddQuestion(s, _)
            | Step::RemoveSection(s)
            | Step::MoveUp(s, _)
            | Step::MoveDown(s, _)
            | Step::RemoveQuestion(s, _),
        ) => format!("#s{s}"),
        Some(Step::AddOption(s, q) | Step::RemoveOption(s, q, _)) => format!("#s{s}-q{q}"),
        _ => String::new(),
    };
    if button == "publish" && bad.is_empty() {
        return match designer::publish_draft(&state.db, &actor, &key, now).await {
            Ok(p) => {
                let done = if p.published {
                    "published"
                } else {
                    "unchanged"
                };
                see_other(
                    &format!(
                        "{path}?{}",
                        query(&[("done", done), ("version", &p.version.to_string())])
                    ),
                    vec![],
                )
            }
            Err(ServiceError::Invalid(fields)) => {
                let done = if fields.iter().any(|f| f.field == "channel") {
                    "channel"
                } else {
                    "problems"
                };
                see_other(&format!("{path}?{}", query(&[("done", done)])), vec![])
            }
            Err(e) => e.into_html_error(),
        };
    }
    let done = if bad.is_empty() { "saved" } else { "problems" };
    see_other(
        &format!("{path}?{}{anchor}", query(&[("done", done), ("bad", &bad)])),
        vec![],
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct JsonForm {
    csrf: String,
    json: String,
}

/// `POST /admin/templates/{key}/import`: a pasted JSON document replaces the draft.
pub async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
    Form(form): Form<JsonForm>,
) -> Response {
    let path = designer_path(&key);
    let actor = match admin_form(&state, &headers, &form.csrf, &path).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match designer::import_into_draft(&state.db, &actor, &key, &form.json, now_ms()).await {
        Ok(()) => see_other(&format!("{path}?done=imported"), vec![]),
        Err(ServiceError::Invalid(fields)) => {
            let message = fields.first().map_or("", |f| f.message.as_str());
            see_other(
                &format!("{path}?{}", query(&[("import_error", message)])),
                vec![],
            )
        }
        Err(e) => e.into_html_error(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /admin/templates/{key}/discard`: throw the draft away.
pub async fn discard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let path = designer_path(&key);
    let actor = match admin_form(&state, &headers, &form.csrf, &path).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match designer::discard(&state.db, &actor, &key).await {
        // A checklist never published goes with its draft: back to the list.
        Ok(()) => match templates::latest_version_number(&state.db, &key).await {
            Ok(Some(_)) => see_other(&format!("{path}?done=discarded"), vec![]),
            Ok(None) => see_other("/admin/templates?done=discarded", vec![]),
            Err(e) => ServiceError::from(e).into_html_error(),
        },
        Err(ServiceError::NotFound) => see_other(&path, vec![]),
        Err(e) => e.into_html_error(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExportQuery {
    /// A version number, or `draft`; the newest version when absent.
    version: String,
}

/// `GET /admin/templates/{key}/json?version=3|draft`: the document, to keep or edit
/// elsewhere and import again.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Response {
    match export_document(&state, &headers, &key, &q.version).await {
        Ok(r) => r,
        Err(e) => e.into_html_error(),
    }
}

async fn export_document(
    state: &AppState,
    headers: &HeaderMap,
    key: &str,
    version: &str,
) -> ServiceResult<Response> {
    let actor = match app::server::auth::authenticate(&state.db, headers).await? {
        Some((actor, _)) => actor,
        None => return Err(ServiceError::Unauthenticated),
    };
    require_admin(&actor)?;
    let (template, name) = if version == "draft" {
        let (draft, _) = designer::draft_or_latest(&state.db, key).await?;
        (draft.template, format!("{key}-draft.json"))
    } else {
        let number = match version.parse::<u32>() {
            Ok(v) => v,
            Err(_) => templates::latest_version_number(&state.db, key)
                .await?
                .ok_or(ServiceError::NotFound)?,
        };
        let stored = templates::load_version(&state.db, key, number)
            .await?
            .ok_or(ServiceError::NotFound)?;
        ((*stored.template).clone(), format!("{key}-v{number}.json"))
    };
    let body = serde_json::to_string_pretty(&template)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// `POST /api/v1/templates`: publish a JSON template document as the next version of its
/// key: 201 with the new version, 200 when it equals the newest version (nothing published),
/// 422 with every problem.
pub async fn publish_json(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> ServiceResult<Response> {
    require_admin(&actor)?;
    // A cross-site form cannot send application/json, so a session cookie alone cannot publish.
    let document: serde_json::Value = super::api_v1::json_body(&headers, &body)?;
    let published =
        designer::publish_json(&state.db, &actor, &document.to_string(), now_ms()).await?;
    let status = if published.published {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(published)).into_response())
}
