//! Admin form posts: create and revoke API tokens.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use app::api::wire::Role;
use app::api::NEW_TOKEN_COOKIE;
use app::server::auth::{self, sha256_hex, Actor, Credential};
use app::server::db::tokens;
use app::server::error::ServiceError;
use app::server::now_ms;
use app::server::state::AppState;

use super::auth::IntoHtmlError;
use super::forms::{cookie, csrf_matches, form_expired, same_origin, see_other};

/// The signed-in admin behind a browser form, with its CSRF token checked.
async fn admin_form(
    state: &AppState,
    headers: &HeaderMap,
    csrf_given: &str,
) -> Result<Actor, Response> {
    let auth = auth::authenticate(&state.db, headers)
        .await
        .map_err(|e| e.into_html_error())?;
    let Some((actor, Credential::Session { csrf })) = auth else {
        return Err(see_other("/login?next=/admin/tokens", vec![]));
    };
    if !same_origin(headers) || !csrf_matches(&csrf, csrf_given) {
        return Err(form_expired());
    }
    if actor.role != Role::Admin {
        return Err(ServiceError::Forbidden.into_html_error());
    }
    Ok(actor)
}

#[derive(Deserialize)]
pub struct CreateTokenForm {
    csrf: String,
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CreateTokenForm>,
) -> Response {
    let actor = match admin_form(&state, &headers, &form.csrf).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return see_other("/admin/tokens?error=name", vec![]);
    }
    let token = auth::new_api_token();
    if let Err(e) = tokens::create_token(
        &state.db,
        actor.user_id,
        name,
        &token,
        &sha256_hex(token.as_bytes()),
        now_ms(),
    )
    .await
    {
        return ServiceError::from(e).into_html_error();
    }
    tracing::info!(user_id = actor.user_id, "API token created");
    // Carried to the next page view only, which shows it once and clears it.
    let flash = cookie(
        NEW_TOKEN_COOKIE,
        &token,
        "/admin/tokens",
        120,
        state.settings.secure_cookies,
        "Strict",
    );
    see_other("/admin/tokens", vec![flash])
}

#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: String,
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<RevokeForm>,
) -> Response {
    let actor = match admin_form(&state, &headers, &form.csrf).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match tokens::revoke_token(&state.db, id, now_ms()).await {
        Ok(_) => {
            tracing::info!(user_id = actor.user_id, token_id = id, "API token revoked");
            see_other("/admin/tokens", vec![])
        }
        Err(e) => ServiceError::from(e).into_html_error(),
    }
}
