//! Sign-in, sign-out and the language switch: plain form posts and links that work with
//! JavaScript off.

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use app::i18n::Locale;
use app::server::auth::{
    self, sha256_hex, Credential, PasswordHashString, SESSION_COOKIE, SESSION_DAYS,
};
use app::server::db::{sessions, users};
use app::server::state::AppState;
use app::server::{error::ServiceError, now_ms};

use super::forms::{
    cookie, csrf_matches, form_expired, safe_next, same_origin, see_other, ClientIp,
};

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// A real argon2 hash of a random string: verifying against it when the user does not exist
/// costs the same time as a real check, so response time does not reveal valid usernames.
fn dummy_hash() -> PasswordHashString {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| {
        auth::hash_password(&auth::new_secret())
            .map(|h| h.0)
            .unwrap_or_default()
    });
    PasswordHashString(hash.clone())
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let asked = form.next.as_deref().filter(|n| !n.is_empty());
    let next = safe_next(asked, "/stores");
    // Back to the form with the username kept (never the password).
    let typed: String = form.username.trim().chars().take(64).collect();
    let back = |error: &str| {
        see_other(
            &format!(
                "/login?error={error}&next={}&username={}",
                app::ui::layout::urlencode(&next),
                app::ui::layout::urlencode(&typed)
            ),
            vec![],
        )
    };
    if !same_origin(&headers) {
        return back("origin");
    }
    let username = form.username.trim().to_lowercase();
    let user_key = (app::server::state::limit_key(&username), ip);
    if state.limits.login_by_ip.check_key(&ip).is_err()
        || state.limits.login_by_user.check_key(&user_key).is_err()
    {
        tracing::warn!(%ip, "sign-in rate limit reached");
        return back("rate");
    }
    let found = match users::login_lookup(&state.db, &username).await {
        Ok(found) => found,
        Err(e) => return ServiceError::from(e).into_html_error(),
    };
    // Someone invited who has not set a password yet is checked against the dummy hash, as
    // an unknown name is: the answer takes as long, so its timing tells nobody they exist.
    let (user_id, hash) = match found {
        Some((_, hash)) if hash.0 == app::server::db::people::NO_PASSWORD => (None, dummy_hash()),
        Some((id, hash)) => (Some(id), hash),
        None => (None, dummy_hash()),
    };
    let valid = auth::verify_password_blocking(hash, form.password).await;
    let Some(user_id) = user_id.filter(|_| valid) else {
        tracing::info!("sign-in refused");
        return back("invalid");
    };
    let token = auth::new_secret();
    let csrf = auth::new_secret();
    let now = now_ms();
    let expires = now + SESSION_DAYS * 24 * 3600 * 1000;
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Err(e) = sessions::create_session(
        &state.db,
        &sha256_hex(token.as_bytes()),
        user_id,
        &csrf,
        (now, expires),
        user_agent,
    )
    .await
    {
        return ServiceError::from(e).into_html_error();
    }
    tracing::info!(user_id, "signed in");
    // Shown in the people list; a failure here must not undo a good sign-in.
    if let Err(e) = app::server::db::people::record_sign_in(&state.db, user_id, now).await {
        tracing::warn!(error = %e, "last sign-in not recorded");
    }
    // Without a page to return to, each role starts where its work is.
    let next = match asked {
        Some(_) => next,
        None => match users::actor_by_username(&state.db, &username).await {
            Ok(Some(a)) if a.role == app::api::wire::Role::Shopper => "/shopper".to_string(),
            Ok(Some(a)) if a.role == app::api::wire::Role::Employee => "/self".to_string(),
            Ok(Some(a)) if a.role == app::api::wire::Role::Reviewer => "/reviews".to_string(),
            _ => next,
        },
    };
    let session = cookie(
        SESSION_COOKIE,
        &token,
        "/",
        SESSION_DAYS * 24 * 3600,
        state.settings.secure_cookies,
        "Lax",
    );
    let mut cookies = vec![session];
    // The language chosen on the account page follows the user to every device.
    if let Ok(Some(code)) = users::language_of(&state.db, user_id).await {
        if let Some(locale) = Locale::from_code(&code) {
            cookies.push(lang_cookie(&state, locale));
        }
    }
    see_other(&next, cookies)
}

/// The cookie that carries the interface language.
pub fn lang_cookie(state: &AppState, locale: Locale) -> axum::http::HeaderValue {
    cookie(
        "lang",
        locale.code(),
        "/",
        365 * 24 * 3600,
        state.settings.secure_cookies,
        "Lax",
    )
}

#[derive(Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let auth = auth::authenticate(&state.db, &headers).await.ok().flatten();
    let Some((_, Credential::Session { csrf })) = auth else {
        return see_other("/login", vec![]);
    };
    if !same_origin(&headers) || !csrf_matches(&csrf, &form.csrf) {
        return form_expired();
    }
    if let Some(token) = auth::session_token(&headers) {
        if let Err(e) = sessions::delete_session(&state.db, &sha256_hex(token.as_bytes())).await {
            return ServiceError::from(e).into_html_error();
        }
    }
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

#[derive(Deserialize)]
pub struct LangQuery {
    to: String,
    next: Option<String>,
}

/// Remember a language choice for a year and go back to the page it was made on.
pub async fn set_lang(State(state): State<AppState>, Query(q): Query<LangQuery>) -> Response {
    let next = safe_next(q.next.as_deref(), "/");
    let Some(locale) = Locale::from_code(&q.to) else {
        return see_other(&next, vec![]);
    };
    see_other(&next, vec![lang_cookie(&state, locale)])
}

/// Errors on HTML form paths: a short page, never database text.
pub trait IntoHtmlError {
    fn into_html_error(self) -> Response;
}

impl IntoHtmlError for ServiceError {
    fn into_html_error(self) -> Response {
        use axum::response::IntoResponse;
        (self.status(), self.public_message()).into_response()
    }
}

/// The signed-in user (session or token) of a page-side GET such as a download, or the short
/// error page to answer with.
pub async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<app::server::auth::Actor, Response> {
    match auth::authenticate(&state.db, headers).await {
        Ok(Some((actor, _))) => Ok(actor),
        Ok(None) => Err(ServiceError::Unauthenticated.into_html_error()),
        Err(e) => Err(e.into_html_error()),
    }
}

/// [`signed_in`] as an extractor.
pub struct SignedIn(pub app::server::auth::Actor);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        signed_in(state, &parts.headers).await.map(SignedIn)
    }
}
