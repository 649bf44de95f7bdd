//! The account page's forms: change one's own password (the current one first), choose the
//! language, sign out everywhere. Each checks the session, its CSRF token and origin.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use app::i18n::Locale;
use app::server::auth::{self, sha256_hex, SESSION_COOKIE};
use app::server::db::{sessions, users};
use app::server::error::ServiceError;
use app::server::state::{limit_key, AppState};

use super::admin::session_form;
use super::auth::{lang_cookie, IntoHtmlError};
use super::forms::{cookie, see_other, ClientIp};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    password: String,
    repeat: String,
}

/// `POST /account/password`: other sessions end, this one stays. Wrong current passwords
/// count against the sign-in limits, as a sign-in would.
pub async fn change_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let actor = match session_form(&state, &headers, &form.csrf, "/account").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let back = |error: &str| see_other(&format!("/account?error={error}"), vec![]);
    if state.limits.login_by_ip.check_key(&ip).is_err()
        || state
            .limits
            .login_by_user
            .check_key(&(limit_key(&actor.username), ip))
            .is_err()
    {
        return back("rate");
    }
    let hash = match users::password_hash_of(&state.db, actor.user_id).await {
        Ok(Some(h)) => h,
        Ok(None) => return ServiceError::Unauthenticated.into_html_error(),
        Err(e) => return ServiceError::from(e).into_html_error(),
    };
    if !auth::verify_password_blocking(hash, form.current).await {
        return back("current");
    }
    if form.password != form.repeat {
        return back("repeat");
    }
    if auth::check_new_password(&form.password).is_err() {
        return back("password");
    }
    let new_hash = match auth::hash_password_blocking(form.password).await {
        Ok(h) => h,
        Err(e) => return e.into_html_error(),
    };
    let keep = auth::session_token(&headers).map(|t| sha256_hex(t.as_bytes()));
    match users::set_password(&state.db, &actor.username, new_hash, keep.as_deref()).await {
        Ok(_) => {
            tracing::info!(user_id = actor.user_id, "password changed");
            see_other("/account?done=password", vec![])
        }
        Err(e) => ServiceError::from(e).into_html_error(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LanguageForm {
    csrf: String,
    language: String,
}

/// `POST /account/language`: kept with the user (applied at every sign-in) and set here now.
pub async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LanguageForm>,
) -> Response {
    let actor = match session_form(&state, &headers, &form.csrf, "/account").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some(locale) = Locale::from_code(&form.language) else {
        return see_other("/account", vec![]);
    };
    match users::set_language(&state.db, actor.user_id, locale.code()).await {
        Ok(()) => see_other("/account?done=language", vec![lang_cookie(&state, locale)]),
        Err(e) => ServiceError::from(e).into_html_error(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

/// `POST /account/sign-out-everywhere`: every session of the user ends, this one too.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let actor = match session_form(&state, &headers, &form.csrf, "/account").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match sessions::delete_sessions_of(&state.db, actor.user_id).await {
        Ok(n) => {
            tracing::info!(
                user_id = actor.user_id,
                sessions = n,
                "signed out everywhere"
            );
            let clear = cookie(
                SESSION_COOKIE,
                "",
                "/",
                0,
                state.settings.secure_cookies,
                "Lax",
            );
            see_other("/login?signed_out=1", vec![clear])
        }
        Err(e) => ServiceError::from(e).into_html_error(),
    }
}
