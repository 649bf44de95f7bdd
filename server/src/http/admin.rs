//! Admin form posts: create and revoke API tokens; make and cancel assignments.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use app::api::wire::Role;
use app::api::NEW_TOKEN_COOKIE;
use app::server::assign::{self, AssignmentRequest};
use app::server::auth::{self, sha256_hex, Actor, Credential};
use app::server::db::tokens;
use app::server::error::ServiceError;
use app::server::now_ms;
use app::server::org_settings;
use app::server::state::AppState;

use super::auth::IntoHtmlError;
use super::forms::{cookie, csrf_matches, form_expired, same_origin, see_other};

/// The signed-in user behind a browser form, with its CSRF token and origin checked.
/// Without a session: back to sign-in, then to `next`.
pub async fn session_form(
    state: &AppState,
    headers: &HeaderMap,
    csrf_given: &str,
    next: &str,
) -> Result<Actor, Response> {
    let auth = auth::authenticate(&state.db, headers)
        .await
        .map_err(|e| e.into_html_error())?;
    let Some((actor, Credential::Session { csrf })) = auth else {
        return Err(see_other(&format!("/login?next={next}"), vec![]));
    };
    if !same_origin(headers) || !csrf_matches(&csrf, csrf_given) {
        return Err(form_expired());
    }
    Ok(actor)
}

/// The signed-in admin behind a browser form.
async fn admin_form(
    state: &AppState,
    headers: &HeaderMap,
    csrf_given: &str,
) -> Result<Actor, Response> {
    let actor = session_form(state, headers, csrf_given, "/admin/tokens").await?;
    if actor.role != Role::Admin {
        return Err(ServiceError::Forbidden.into_html_error());
    }
    Ok(actor)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreateTokenForm {
    csrf: String,
    name: String,
    /// `read` (the default), `submit` or `admin`.
    scope: String,
    /// Days until it stops working; '' for until revoked.
    expires_days: String,
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
    let scope = match form.scope.trim() {
        "" => auth::TokenScope::Read,
        s => match auth::TokenScope::parse(s) {
            Some(scope) => scope,
            None => return see_other("/admin/tokens?error=scope", vec![]),
        },
    };
    let now = now_ms();
    let expires_at = match form.expires_days.trim() {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(days) if (1..=3650).contains(&days) => Some(now + days * 24 * 3_600_000),
            _ => return see_other("/admin/tokens?error=expires", vec![]),
        },
    };
    let token = auth::new_api_token();
    if let Err(e) = tokens::create_expiring_token(
        &state.db,
        actor.user_id,
        name,
        (&token, &sha256_hex(token.as_bytes())),
        now,
        (expires_at, scope),
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

/// Every field defaults to empty, so a form with fields missing still reaches the sign-in,
/// CSRF and role checks (a non-planner gets 403, not a parse error) and then a clear message.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssignForm {
    csrf: String,
    store: String,
    template: String,
    shopper: String,
    window_start: String,
    window_end: String,
    instructions: String,
}

/// Back to the form with what was wrong (codes the page words in the user's language) and
/// everything that was typed, so nothing has to be entered again.
fn back_to_assign(errors: &[&str], form: &AssignForm) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("error", &errors.join(","));
    for (name, value) in [
        ("store", &form.store),
        ("template", &form.template),
        ("shopper", &form.shopper),
        ("window_start", &form.window_start),
        ("window_end", &form.window_end),
        ("instructions", &form.instructions),
    ] {
        let value: String = value.chars().take(2000).collect();
        query.append_pair(name, &value);
    }
    see_other(&format!("/assign?{}", query.finish()), vec![])
}

/// The page's word for a refused field: `too_close` when the shopper already has a visit
/// to the store within the revisit days, else the field's name.
fn error_code(field: &app::domain::FieldError) -> &'static str {
    match field.field.as_str() {
        "store" => "store",
        "template" => "template",
        "shopper" if field.message.contains(assign::TOO_CLOSE) => "too_close",
        "shopper" => "shopper",
        "instructions" => "instructions",
        _ => "window",
    }
}

pub async fn create_assignment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<AssignForm>,
) -> Response {
    let actor = match session_form(&state, &headers, &form.csrf, "/assign").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !assign::may_assign(actor.role) {
        return ServiceError::Forbidden.into_html_error();
    }
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let (Some(window_start), Some(window_end)) = (date(&form.window_start), date(&form.window_end))
    else {
        return back_to_assign(&["window"], &form);
    };
    let request = AssignmentRequest {
        store: form.store.clone(),
        template: form.template.clone(),
        shopper: form.shopper.clone(),
        window_start,
        window_end,
        instructions: form.instructions.clone(),
    };
    let revisit_days = match org_settings::load(&state.db, &state.settings).await {
        Ok(org) => org.revisit_days,
        Err(e) => return ServiceError::from(e).into_html_error(),
    };
    match assign::create_assignment(
        &state.db,
        &actor,
        &request,
        revisit_days,
        assign::lenient_today(),
        now_ms(),
    )
    .await
    {
        Ok(_) => see_other("/assign?created=1", vec![]),
        Err(ServiceError::Invalid(fields)) => {
            let mut codes: Vec<&str> = fields.iter().map(error_code).collect();
            codes.dedup();
            back_to_assign(&codes, &form)
        }
        Err(e) => e.into_html_error(),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn cancel_assignment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let actor = match session_form(&state, &headers, &form.csrf, "/assign").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match assign::cancel_assignment(&state.db, &actor, id, now_ms()).await {
        // The page offers to undo it.
        Ok(()) => see_other(&format!("/assign?cancelled={id}"), vec![]),
        Err(e) => e.into_html_error(),
    }
}

/// Undo a cancellation from the assignment page.
pub async fn restore_assignment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let actor = match session_form(&state, &headers, &form.csrf, "/assign").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let revisit_days = match org_settings::load(&state.db, &state.settings).await {
        Ok(org) => org.revisit_days,
        Err(e) => return ServiceError::from(e).into_html_error(),
    };
    match assign::restore_assignment(&state.db, &actor, id, revisit_days).await {
        Ok(()) => see_other("/assign?restored=1", vec![]),
        Err(ServiceError::Invalid(_)) => see_other("/assign?error=too_close", vec![]),
        Err(e) => e.into_html_error(),
    }
}
