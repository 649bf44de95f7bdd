//! Form posts of the set-up pages: stores (create, edit, close, reopen), regions, the chain's
//! name, and the stores import (upload for a preview, then commit). Each checks the session,
//! its CSRF token and origin, then calls `app::server::store_setup`, and answers with a
//! redirect back to the page, carrying what happened (or what was wrong) in the query.

use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use app::domain::store_setup::{StoreInput, CSV_COLUMNS};
use app::server::auth::Actor;
use app::server::db::store_setup as db_stores;
use app::server::error::ServiceError;
use app::server::now_ms;
use app::server::state::AppState;
use app::server::store_setup::{self, StorePatch, MAX_IMPORT_BYTES};

use super::admin::session_form;
use super::auth::IntoHtmlError;
use super::forms::see_other;

/// The signed-in admin behind a set-up form (the checklist designer's too).
pub(super) async fn admin_form(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
    next: &str,
) -> Result<Actor, Response> {
    let actor = session_form(state, headers, csrf, next).await?;
    store_setup::require_admin(&actor).map_err(|e| e.into_html_error())?;
    Ok(actor)
}

/// A redirect's query string from pairs (each value cut at 2,000 characters).
pub(super) fn query(pairs: &[(&str, &str)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        let v: String = v.chars().take(2000).collect();
        q.append_pair(k, &v);
    }
    q.finish()
}

/// Every field defaults to empty, so a form with fields missing still reaches the checks.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StoreForm {
    csrf: String,
    #[serde(flatten)]
    store: StoreInput,
}

/// Back to the form with the refused fields and what was typed.
fn back_to_form(path: &str, fields: &[app::domain::FieldError], typed: &StoreInput) -> Response {
    let mut names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    names.dedup();
    let errors = names.join(",");
    let mut pairs = vec![("error", errors.as_str())];
    for c in CSV_COLUMNS {
        pairs.push((c, typed.column(c).unwrap_or("")));
    }
    see_other(&format!("{path}?{}", query(&pairs)), vec![])
}

pub async fn create_store(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<StoreForm>,
) -> Response {
    let actor = match admin_form(&state, &headers, &form.csrf, "/admin/stores/new").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mut input = form.store;
    input.status.clear();
    match store_setup::create_store(&state.db, &actor, &input, now_ms()).await {
        Ok(store) => see_other(
            &format!(
                "/admin/stores?{}",
                query(&[("created", &store.fields.code)])
            ),
            vec![],
        ),
        Err(ServiceError::Invalid(fields)) => back_to_form("/admin/stores/new", &fields, &input),
        Err(e) => e.into_html_error(),
    }
}

pub async fn edit_store(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(form): Form<StoreForm>,
) -> Response {
    let path = format!("/admin/stores/{code}/edit");
    let actor = match admin_form(&state, &headers, &form.csrf, &path).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let s = form.store;
    // Every field of the form, never the code (the key) or the status (its own buttons).
    let patch = StorePatch {
        name: Some(s.name.clone()),
        name_zh_cn: Some(s.name_zh_cn.clone()),
        name_ru: Some(s.name_ru.clone()),
        region: Some(s.region.clone()),
        address: Some(s.address.clone()),
        timezone: Some(s.timezone.clone()),
        latitude: Some(s.latitude.clone()),
        longitude: Some(s.longitude.clone()),
        phone: Some(s.phone.clone()),
        opening_hours: Some(s.opening_hours.clone()),
        ..StorePatch::default()
    };
    match store_setup::update_store(&state.db, &actor, &code, patch, now_ms()).await {
        Ok(_) => see_other(&format!("{path}?saved=1"), vec![]),
        Err(ServiceError::Invalid(fields)) => back_to_form(&path, &fields, &s),
        Err(e) => e.into_html_error(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

async fn set_open(
    state: AppState,
    headers: HeaderMap,
    code: String,
    csrf: &str,
    open: bool,
) -> Response {
    let path = format!("/admin/stores/{code}/edit");
    let actor = match admin_form(&state, &headers, csrf, &path).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let patch = StorePatch {
        active: Some(open),
        ..StorePatch::default()
    };
    match store_setup::update_store(&state.db, &actor, &code, patch, now_ms()).await {
        Ok(_) => {
            let what = if open { "reopened" } else { "closed" };
            see_other(
                &format!("/admin/stores?{}", query(&[(what, &code)])),
                vec![],
            )
        }
        // A store whose kept fields no longer pass the checks is opened or closed only
        // once it is corrected: its form says what.
        Err(ServiceError::Invalid(_)) => {
            see_other(&format!("{path}?{}", query(&[("error", "status")])), vec![])
        }
        Err(e) => e.into_html_error(),
    }
}

pub async fn close_store(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    set_open(state, headers, code, &form.csrf, false).await
}

pub async fn reopen_store(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    set_open(state, headers, code, &form.csrf, true).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NameForm {
    csrf: String,
    name: String,
}

/// The region forms' refusals, as the page words them.
fn region_error(e: ServiceError) -> Response {
    match e {
        ServiceError::Invalid(fields) => {
            let code = if fields
                .iter()
                .any(|f| f.message.contains("there is a region"))
            {
                "region_taken"
            } else {
                "region_name"
            };
            see_other(&format!("/admin/stores?error={code}"), vec![])
        }
        other => other.into_html_error(),
    }
}

pub async fn create_region(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<NameForm>,
) -> Response {
    let actor = match admin_form(&state, &headers, &form.csrf, "/admin/stores").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match store_setup::create_region(&state.db, &actor, &form.name, now_ms()).await {
        Ok(_) => see_other(
            &format!("/admin/stores?{}", query(&[("region", form.name.trim())])),
            vec![],
        ),
        Err(e) => region_error(e),
    }
}

pub async fn rename_region(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<NameForm>,
) -> Response {
    let actor = match admin_form(&state, &headers, &form.csrf, "/admin/stores").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match store_setup::rename_region(&state.db, &actor, id, &form.name, now_ms()).await {
        Ok(()) => see_other(
            &format!("/admin/stores?{}", query(&[("region", form.name.trim())])),
            vec![],
        ),
        Err(e) => region_error(e),
    }
}

pub async fn rename_organisation(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<NameForm>,
) -> Response {
    let actor = match admin_form(&state, &headers, &form.csrf, "/admin/stores").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match store_setup::rename_organisation(&state.db, &actor, &form.name, now_ms()).await {
        Ok(()) => see_other(
            &format!(
                "/admin/stores?{}",
                query(&[("organisation", form.name.trim())])
            ),
            vec![],
        ),
        Err(e) => region_error(e),
    }
}

/// The upload form: `csrf`, and the file or the pasted text (the file wins when both).
struct Upload {
    csrf: String,
    file: String,
    text: String,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, &'static str> {
    let mut upload = Upload {
        csrf: String::new(),
        file: String::new(),
        text: String::new(),
    };
    while let Some(field) = multipart.next_field().await.map_err(|_| "unreadable")? {
        let name = field.name().unwrap_or("").to_string();
        let bytes = field.bytes().await.map_err(|_| "unreadable")?;
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| "not_utf8")?;
        match name.as_str() {
            "csrf" => upload.csrf = text,
            "file" => upload.file = text,
            "text" => upload.text = text,
            _ => {}
        }
    }
    Ok(upload)
}

/// `POST /admin/stores/import`: keep the file for its preview and show it.
pub async fn upload_import(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let upload = match multipart {
        Ok(m) => read_upload(m).await,
        Err(_) => Err("unreadable"),
    };
    // Without a readable form there is no CSRF token to check: sign-in and CSRF checks run
    // on an empty one, so the answer is a refusal either way.
    let upload = upload.unwrap_or(Upload {
        csrf: String::new(),
        file: String::new(),
        text: String::new(),
    });
    let actor = match admin_form(&state, &headers, &upload.csrf, "/admin/stores/import").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let body = if upload.file.trim().is_empty() {
        upload.text
    } else {
        upload.file
    };
    // Browsers send a textarea's line ends as CRLF; the preview shows the text as typed.
    let body = body.replace("\r\n", "\n");
    if body.trim().is_empty() || body.len() > MAX_IMPORT_BYTES {
        return see_other("/admin/stores/import?error=empty", vec![]);
    }
    let id = app::server::auth::new_secret();
    match db_stores::save_import_draft(&state.db, &id, actor.user_id, &body, now_ms()).await {
        Ok(()) => see_other(&format!("/admin/stores/import?draft={id}"), vec![]),
        Err(e) => ServiceError::from(e).into_html_error(),
    }
}

/// `POST /admin/stores/import/{id}/commit`: store the previewed file, all or nothing.
pub async fn commit_import(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let actor = match admin_form(&state, &headers, &form.csrf, "/admin/stores/import").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let text = match db_stores::import_draft(&state.db, &id, actor.user_id).await {
        Ok(Some(t)) => t,
        Ok(None) => return ServiceError::NotFound.into_html_error(),
        Err(e) => return ServiceError::from(e).into_html_error(),
    };
    match store_setup::import(&state.db, &actor, &text, false, now_ms()).await {
        Ok(report) if report.committed => {
            if let Err(e) = db_stores::delete_import_draft(&state.db, &id).await {
                tracing::warn!(error = %e, "import draft left behind");
            }
            let done = (report.created + report.updated).to_string();
            see_other(
                &format!("/admin/stores?{}", query(&[("imported", &done)])),
                vec![],
            )
        }
        // Something changed since the preview: show the preview again.
        Ok(_) => see_other(&format!("/admin/stores/import?draft={id}"), vec![]),
        Err(e) => e.into_html_error(),
    }
}
