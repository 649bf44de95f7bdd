//! The customer survey at `/s/{code}/{key}`: the form (GET), an answer (POST, a plain form
//! post that works without JavaScript) and the thank-you page. Every outcome is a page
//! rendered by the Leptos app (`ui::survey::customer`) from a view this module prepares.
//!
//! Guards in front of the use case: a rate limit per network address and one per device
//! (the `servscope_device` cookie, or address and browser when cookies are off), the
//! same-origin check, and a small body limit.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use leptos::prelude::provide_context;
use serde::Deserialize;

use app::domain::org_settings::OrgSettings;
use app::domain::survey_link::ChannelTag;
use app::i18n::Locale;
use app::server::auth::{cookie_value, new_secret, sha256_hex};
use app::server::customer_survey::{self, Outcome, Posted};
use app::server::db::survey_links::{self, LinkTarget, SurveyStore};
use app::server::db::templates::StoredVersion;
use app::server::error::ServiceError;
use app::server::signed_form;
use app::server::state::AppState;
use app::ui::shell;
use app::ui::survey::customer::{CustomerView, SurveyForm};

use super::auth::IntoHtmlError;
use super::forms::{cookie, form_expired, same_origin, see_other, ClientIp};

/// Identifies a phone across visits, for "one answer per device and store". Random, HttpOnly,
/// and only its hash is stored.
const DEVICE_COOKIE: &str = "servscope_device";
const DEVICE_COOKIE_DAYS: i64 = 400;

#[derive(Deserialize, Default)]
pub struct SurveyQuery {
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub ch: String,
    #[serde(default)]
    pub already: Option<String>,
    /// The staff link's PIN was wrong.
    #[serde(default)]
    pub wrong: Option<String>,
}

/// Render the app for `uri` with the customer view in context.
pub(super) async fn render(
    state: &AppState,
    headers: &HeaderMap,
    uri: &str,
    view: CustomerView,
    status: StatusCode,
) -> Response {
    let mut request = Request::builder().method(Method::GET).uri(uri);
    for name in [header::ACCEPT_LANGUAGE, header::COOKIE, header::HOST] {
        if let Some(v) = headers.get(&name) {
            request = request.header(name, v);
        }
    }
    let Ok(request) = request.body(Body::empty()) else {
        return ServiceError::Internal("survey page request".into()).into_html_error();
    };
    let options = state.leptos_options.clone();
    let context_state = state.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(context_state.clone());
            provide_context(view.clone());
        },
        move || shell(options.clone()),
    );
    let mut response = handler(request).await;
    *response.status_mut() = status;
    // Every form carries its own response id: never let a cache hand it to someone else.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// A store code or survey key as one path segment: the client sent it percent-decoded, so it
/// is encoded again (all but letters, digits, `-` and `_`), and `..`, `/` or spaces in it can
/// never route a page render elsewhere.
pub(super) fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The survey address with the page's language and placement (what a thank-you or a
/// language switch keeps).
fn survey_uri(
    code: &str,
    key: &str,
    suffix: &str,
    lang: Option<Locale>,
    tag: Option<ChannelTag>,
) -> String {
    let mut query = Vec::new();
    if let Some(l) = lang {
        query.push(format!("lang={}", l.code()));
    }
    if let Some(t) = tag {
        query.push(format!("ch={}", t.as_str()));
    }
    let path = format!("/s/{}/{}{suffix}", segment(code), segment(key));
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// The device: the cookie's hash, or (cookies off) the hash of address and browser. Also
/// the cookie to set when the browser has none yet.
pub(super) fn device(
    state: &AppState,
    headers: &HeaderMap,
    ip: std::net::IpAddr,
    path: &str,
) -> (String, Option<HeaderValue>) {
    if let Some(v) = cookie_value(headers, DEVICE_COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return (sha256_hex(format!("cookie:{v}").as_bytes()), None);
    }
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let fallback = sha256_hex(format!("address:{ip}|{agent}").as_bytes());
    let cookie = cookie(
        DEVICE_COOKIE,
        &new_secret(),
        path,
        DEVICE_COOKIE_DAYS * 24 * 3600,
        state.settings.secure_cookies,
        "Lax",
    );
    (fallback, Some(cookie))
}

pub(super) fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

/// The store and the survey template behind a link, with the organisation settings they were
/// chosen by (read once per request), or the page to show instead.
async fn open(
    state: &AppState,
    headers: &HeaderMap,
    uri: &str,
    code: &str,
    key: &str,
) -> Result<(SurveyStore, StoredVersion, OrgSettings), Response> {
    let target = survey_links::resolve(&state.db, code, key)
        .await
        .map_err(|e| ServiceError::from(e).into_html_error())?;
    match target {
        LinkTarget::InUse(store) => {
            let org = app::server::org_settings::load(&state.db, &state.settings)
                .await
                .map_err(|e| ServiceError::from(e).into_html_error())?;
            match customer_survey::current_template(&state.db, &state.templates, &org).await {
                Ok(Some(version)) => Ok((store, version, org)),
                Ok(None) => {
                    tracing::error!("the customer survey template is not installed");
                    Err(ServiceError::Internal("no customer template".into()).into_html_error())
                }
                Err(e) => Err(ServiceError::from(e).into_html_error()),
            }
        }
        LinkTarget::Retired { store_name } => Err(render(
            state,
            headers,
            uri,
            CustomerView::Retired { store_name },
            StatusCode::GONE,
        )
        .await),
        LinkTarget::Unknown => Err(render(
            state,
            headers,
            uri,
            CustomerView::Unknown,
            StatusCode::NOT_FOUND,
        )
        .await),
    }
}

fn form_view(
    store: &SurveyStore,
    version: &StoredVersion,
    response_id: String,
    opened: String,
    tag: Option<ChannelTag>,
    action: String,
) -> SurveyForm {
    SurveyForm {
        store_name: store.name.clone(),
        action,
        template: version.template.clone(),
        response_id,
        opened,
        tag,
        posted: Vec::new(),
        problems: Default::default(),
        staff: false,
        csrf: None,
    }
}

/// GET `/s/{code}/{key}`: a fresh form.
pub async fn page(
    State(state): State<AppState>,
    Path((code, key)): Path<(String, String)>,
    Query(q): Query<SurveyQuery>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Response {
    let tag = ChannelTag::parse(&q.ch);
    let uri = survey_uri(&code, &key, "", Locale::from_code(&q.lang), tag);
    if state.limits.survey_pages_by_ip.check_key(&ip).is_err() {
        return render(
            &state,
            &headers,
            &uri,
            CustomerView::Limited,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    let (store, version, _) = match open(&state, &headers, &uri, &code, &key).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let signing = match state.form_key().await {
        Ok(k) => k,
        Err(e) => return ServiceError::from(e).into_html_error(),
    };
    let fresh = signed_form::new_form(&signing, store.id, chrono::Utc::now());
    let form = form_view(
        &store,
        &version,
        fresh.response_id,
        fresh.opened,
        tag,
        format!("/s/{}/{}", segment(&code), segment(&key)),
    );
    let (_, set_cookie) = device(&state, &headers, ip, "/s/");
    let response = render(
        &state,
        &headers,
        &uri,
        CustomerView::Form(Arc::new(form)),
        StatusCode::OK,
    )
    .await;
    with_cookie(response, set_cookie)
}

/// POST `/s/{code}/{key}`: an answer.
pub async fn submit(
    State(state): State<AppState>,
    Path((code, key)): Path<(String, String)>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let lang = Locale::from_code(field("lang"));
    let tag = ChannelTag::parse(field("ch"));
    let uri = survey_uri(&code, &key, "", lang, tag);
    if !same_origin(&headers) {
        return form_expired();
    }
    let (device_hash, set_cookie) = device(&state, &headers, ip, "/s/");
    // The device first: a phone over its own limit does not use up its network's allowance.
    let limited = state
        .limits
        .survey_posts_by_device
        .check_key(&device_hash)
        .is_err()
        || state.limits.survey_posts_by_ip.check_key(&ip).is_err();
    if limited {
        tracing::info!(store = %code, "survey answer refused by the rate limit");
        return render(
            &state,
            &headers,
            &uri,
            CustomerView::Limited,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    let (store, version, org) = match open(&state, &headers, &uri, &code, &key).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let signing = match state.form_key().await {
        Ok(k) => k,
        Err(e) => return ServiceError::from(e).into_html_error(),
    };
    let posted = Posted {
        fields: fields.clone(),
        device_hash,
        tag,
        now: chrono::Utc::now(),
    };
    let outcome = customer_survey::submit(
        &state.db,
        &state.settings,
        &org,
        &signing,
        &store,
        &version,
        posted,
    )
    .await;
    let thanks = |already: bool| {
        let mut to = survey_uri(&code, &key, "/thanks", lang, None);
        if already {
            to.push_str(if to.contains('?') {
                "&already=1"
            } else {
                "?already=1"
            });
        }
        with_cookie(see_other(&to, vec![]), set_cookie.clone())
    };
    match outcome {
        Ok(Outcome::Stored(_) | Outcome::Replayed | Outcome::Bot) => thanks(false),
        Ok(Outcome::AlreadyAnswered) => thanks(true),
        Ok(Outcome::Invalid(problems)) => {
            // The same page again, with the answers given and a message at each problem.
            // A broken form gets fresh hidden fields; otherwise the id stays, so a resend of
            // the corrected answer is still one answer.
            let (response_id, opened) = if problems.contains_key(signed_form::FORM_FIELD) {
                let fresh = signed_form::new_form(&signing, store.id, chrono::Utc::now());
                (fresh.response_id, fresh.opened)
            } else {
                (
                    field(signed_form::RESPONSE_ID).to_string(),
                    field(signed_form::OPENED).to_string(),
                )
            };
            let mut form = form_view(
                &store,
                &version,
                response_id,
                opened,
                tag,
                format!("/s/{}/{}", segment(&code), segment(&key)),
            );
            form.posted = fields.clone();
            form.problems = problems;
            let response = render(
                &state,
                &headers,
                &uri,
                CustomerView::Form(Arc::new(form)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
            with_cookie(response, set_cookie)
        }
        Err(e) => e.into_html_error(),
    }
}

/// GET `/s/{code}/{key}/thanks`.
/// The page the shopper's phone shows for an address it cannot load offline: cached by the
/// service worker with the shell, in the user's language, styles inline, nothing of the user.
pub async fn offline(State(state): State<AppState>, headers: HeaderMap) -> Response {
    render(
        &state,
        &headers,
        "/offline",
        CustomerView::Offline,
        StatusCode::OK,
    )
    .await
}

pub async fn thanks(
    State(state): State<AppState>,
    Path((code, key)): Path<(String, String)>,
    Query(q): Query<SurveyQuery>,
    headers: HeaderMap,
) -> Response {
    let uri = survey_uri(&code, &key, "/thanks", Locale::from_code(&q.lang), None);
    let target = match survey_links::resolve(&state.db, &code, &key).await {
        Ok(t) => t,
        Err(e) => return ServiceError::from(e).into_html_error(),
    };
    let (view, status) = match target {
        // A link rotated a moment ago still thanks the customer who just answered it.
        LinkTarget::InUse(SurveyStore { name, .. }) | LinkTarget::Retired { store_name: name } => (
            CustomerView::Thanks {
                store_name: name,
                already: q.already.is_some(),
                staff: false,
                account: None,
            },
            StatusCode::OK,
        ),
        LinkTarget::Unknown => (CustomerView::Unknown, StatusCode::NOT_FOUND),
    };
    render(&state, &headers, &uri, view, status)
        .await
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_and_keys_cannot_climb_out_of_their_segment() {
        assert_eq!(super::segment("SH-001"), "SH-001");
        assert_eq!(super::segment("../.."), "%2E%2E%2F%2E%2E");
        assert_eq!(super::segment("a b\u{0}"), "a%20b%00");
    }
}
