//! Employee self-assessment pages: `/self` on an employee's own login, and the store's staff
//! link `/staff/{code}` opened with the store's PIN (a shared tablet or an employee without an
//! account). Both render the same form as the customer survey, without the call-back part.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use app::api::wire::Role;
use app::i18n::Locale;
use app::server::auth::{
    self, cookie_value, verify_password_blocking, Actor, Credential, PasswordHashString,
};
use app::server::db::org::{self, StaffStore};
use app::server::db::responses;
use app::server::db::templates::StoredVersion;
use app::server::error::ServiceError;
use app::server::self_assessment::{self, Outcome, Respondent};
use app::server::signed_form::{new_form, OPENED, RESPONSE_ID};
use app::server::signing::SigningKey;
use app::server::state::AppState;
use app::ui::survey::customer::{CustomerView, SurveyForm};

use super::auth::IntoHtmlError;
use super::customer_survey::{device, render, segment, with_cookie, SurveyQuery};
use super::forms::{cookie, csrf_matches, form_expired, same_origin, see_other, ClientIp};

const STAFF_COOKIE: &str = "servscope_staff";
/// How long a phone stays let in after the PIN: one sitting.
const STAFF_COOKIE_SECS: i64 = 2 * 3600;

fn with_lang(path: &str, lang: Option<Locale>, extra: &str) -> String {
    let mut query: Vec<String> = lang
        .map(|l| format!("lang={}", l.code()))
        .into_iter()
        .collect();
    if !extra.is_empty() {
        query.push(extra.to_string());
    }
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

fn form_field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

async fn template(state: &AppState) -> Result<StoredVersion, Response> {
    match self_assessment::current_template(&state.db, &state.templates).await {
        Ok(Some(v)) => Ok(v),
        Ok(None) => {
            Err(ServiceError::Internal("no self-assessment template".into()).into_html_error())
        }
        Err(e) => Err(ServiceError::from(e).into_html_error()),
    }
}

async fn key(state: &AppState) -> Result<SigningKey, Response> {
    state
        .form_key()
        .await
        .map_err(|e| ServiceError::from(e).into_html_error())
}

#[allow(clippy::too_many_arguments)]
fn form(
    store: &StaffStore,
    version: &StoredVersion,
    key: &SigningKey,
    action: String,
    csrf: Option<String>,
    posted: Vec<(String, String)>,
    problems: app::domain::survey_form::Problems,
) -> CustomerView {
    // A corrected form keeps its id, so a resend of it is still one answer.
    let (response_id, opened) = match (
        form_field(&posted, RESPONSE_ID),
        form_field(&posted, OPENED),
    ) {
        (rid, opened)
            if !rid.is_empty() && !problems.contains_key(app::server::signed_form::FORM_FIELD) =>
        {
            (rid.to_string(), opened.to_string())
        }
        _ => {
            let fresh = new_form(key, store.id, chrono::Utc::now());
            (fresh.response_id, fresh.opened)
        }
    };
    CustomerView::Form(Arc::new(SurveyForm {
        store_name: store.names.text(),
        action,
        template: version.template.clone(),
        response_id,
        opened,
        tag: None,
        posted,
        problems,
        staff: true,
        csrf,
    }))
}

/// The signed-in employee, their CSRF token and their store; or the page to show instead.
async fn employee(
    state: &AppState,
    headers: &HeaderMap,
    uri: &str,
) -> Result<(Actor, String, StaffStore), Response> {
    let auth = auth::authenticate(&state.db, headers)
        .await
        .map_err(|e| e.into_html_error())?;
    let not_staff = |signed_in| CustomerView::NotStaff { signed_in };
    let Some((actor, cred)) = auth else {
        return Err(render(
            state,
            headers,
            uri,
            not_staff(false),
            StatusCode::UNAUTHORIZED,
        )
        .await);
    };
    let csrf = match cred {
        Credential::Session { csrf } => csrf,
        Credential::ApiToken { .. } => String::new(),
    };
    if actor.role != Role::Employee {
        return Err(render(state, headers, uri, not_staff(true), StatusCode::FORBIDDEN).await);
    }
    match org::staff_store_of_user(&state.db, actor.user_id).await {
        Ok(Some(store)) => Ok((actor, csrf, store)),
        Ok(None) => Err(render(state, headers, uri, not_staff(true), StatusCode::FORBIDDEN).await),
        Err(e) => Err(ServiceError::from(e).into_html_error()),
    }
}

/// The "already answered this month" page, when it applies: said on opening rather than after
/// a whole form was filled in (the claim taken with the answer stays the rule).
async fn already_this_period(
    state: &AppState,
    headers: &HeaderMap,
    uri: &str,
    store: &StaffStore,
    key: &SigningKey,
    respondent: &Respondent,
    account: Option<String>,
) -> Option<Response> {
    let now = chrono::Utc::now();
    match self_assessment::already_answered(&state.db, key, store, respondent, now).await {
        Ok(false) => None,
        Ok(true) => {
            let view = CustomerView::Thanks {
                store_name: store.names.text(),
                already: true,
                staff: true,
                account,
            };
            Some(render(state, headers, uri, view, StatusCode::OK).await)
        }
        Err(e) => Some(ServiceError::from(e).into_html_error()),
    }
}

/// GET `/self`.
pub async fn self_page(
    State(state): State<AppState>,
    Query(q): Query<SurveyQuery>,
    headers: HeaderMap,
) -> Response {
    let uri = with_lang("/self", Locale::from_code(&q.lang), "");
    let (actor, csrf, store) = match employee(&state, &headers, &uri).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let (version, key) = match (template(&state).await, key(&state).await) {
        (Ok(v), Ok(k)) => (v, k),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let respondent = Respondent::Employee(actor.user_id);
    let account = Some(csrf.clone());
    if let Some(r) =
        already_this_period(&state, &headers, &uri, &store, &key, &respondent, account).await
    {
        return r;
    }
    let view = form(
        &store,
        &version,
        &key,
        "/self".into(),
        Some(csrf),
        Vec::new(),
        Default::default(),
    );
    render(&state, &headers, &uri, view, StatusCode::OK).await
}

/// What a posted self-assessment leads to: the thank-you page, or the form again.
#[allow(clippy::too_many_arguments)]
async fn finish(
    state: &AppState,
    headers: &HeaderMap,
    store: &StaffStore,
    respondent: Respondent,
    fields: Vec<(String, String)>,
    path: &str,
    csrf: Option<String>,
) -> Response {
    let lang = Locale::from_code(form_field(&fields, "lang"));
    let (version, key) = match (template(state).await, key(state).await) {
        (Ok(v), Ok(k)) => (v, k),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let outcome = self_assessment::submit_form(
        &state.db,
        &key,
        store,
        &version,
        respondent,
        &fields,
        chrono::Utc::now(),
    )
    .await;
    let thanks = format!("{path}/thanks");
    match outcome {
        Ok(Outcome::Stored | Outcome::Replayed) => see_other(&with_lang(&thanks, lang, ""), vec![]),
        Ok(Outcome::AlreadyThisPeriod) => see_other(&with_lang(&thanks, lang, "already=1"), vec![]),
        // One PIN entry gives one answer: the next colleague enters the PIN again.
        Ok(Outcome::PassUsed) => see_other(&with_lang(path, lang, ""), vec![]),
        Ok(Outcome::Invalid(problems)) => {
            let view = form(
                store,
                &version,
                &key,
                path.to_string(),
                csrf,
                fields,
                problems,
            );
            render(
                state,
                headers,
                &with_lang(path, lang, ""),
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_html_error(),
    }
}

/// POST `/self`.
pub async fn self_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, csrf, store) = match employee(&state, &headers, "/self").await {
        Ok(found) => found,
        Err(r) => return r,
    };
    if !same_origin(&headers) || !csrf_matches(&csrf, form_field(&fields, "csrf")) {
        return form_expired();
    }
    finish(
        &state,
        &headers,
        &store,
        Respondent::Employee(actor.user_id),
        fields,
        "/self",
        Some(csrf),
    )
    .await
}

/// GET `/self/thanks`.
pub async fn self_thanks(
    State(state): State<AppState>,
    Query(q): Query<SurveyQuery>,
    headers: HeaderMap,
) -> Response {
    let uri = with_lang("/self/thanks", Locale::from_code(&q.lang), "");
    match employee(&state, &headers, &uri).await {
        Ok((_, csrf, store)) => {
            let view = CustomerView::Thanks {
                store_name: store.names.text(),
                already: q.already.is_some(),
                staff: true,
                account: Some(csrf),
            };
            render(&state, &headers, &uri, view, StatusCode::OK).await
        }
        Err(r) => r,
    }
}

/// The store behind a staff link, if it has one (a PIN set).
async fn staff_store(
    state: &AppState,
    headers: &HeaderMap,
    uri: &str,
    code: &str,
) -> Result<(StaffStore, PasswordHashString), Response> {
    match org::staff_store_by_code(&state.db, code).await {
        Ok(Some(store)) => match store.staff_pin_hash.clone() {
            Some(hash) => Ok((store, PasswordHashString(hash))),
            None => Err(render(
                state,
                headers,
                uri,
                CustomerView::Unknown,
                StatusCode::NOT_FOUND,
            )
            .await),
        },
        Ok(None) => Err(render(
            state,
            headers,
            uri,
            CustomerView::Unknown,
            StatusCode::NOT_FOUND,
        )
        .await),
        Err(e) => Err(ServiceError::from(e).into_html_error()),
    }
}

/// The pass a right PIN gives a phone: until when, a fresh nonce (claimed by the one answer
/// it allows) and a signature over both and the store.
fn staff_pass(key: &SigningKey, store_id: i64, until: i64) -> String {
    let nonce = app::server::auth::new_secret();
    let sig = key.sign(&format!("staff:{store_id}:{until}:{nonce}"));
    format!("{until}.{nonce}.{sig}")
}

/// The nonce of this phone's pass for the store, if it passed the PIN within the last sitting
/// and has not answered with it yet.
async fn let_in(
    state: &AppState,
    key: &SigningKey,
    headers: &HeaderMap,
    store_id: i64,
) -> Result<Option<String>, Response> {
    let Some((until, rest)) = cookie_value(headers, STAFF_COOKIE).and_then(|v| v.split_once('.'))
    else {
        return Ok(None);
    };
    let Some((nonce, sig)) = rest.split_once('.') else {
        return Ok(None);
    };
    let Ok(until_ms) = until.parse::<i64>() else {
        return Ok(None);
    };
    if until_ms <= app::server::now_ms()
        || !key.verify(&format!("staff:{store_id}:{until}:{nonce}"), sig)
    {
        return Ok(None);
    }
    match responses::staff_pass_used(&state.db, nonce).await {
        Ok(true) => Ok(None),
        Ok(false) => Ok(Some(nonce.to_string())),
        Err(e) => Err(ServiceError::from(e).into_html_error()),
    }
}

/// GET `/staff/{code}`: the PIN prompt, or the form once the PIN was given.
pub async fn staff_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<SurveyQuery>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Response {
    let path = format!("/staff/{}", segment(&code));
    let uri = with_lang(&path, Locale::from_code(&q.lang), "");
    let (store, _) = match staff_store(&state, &headers, &uri, &code).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let key = match key(&state).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let pass = match let_in(&state, &key, &headers, store.id).await {
        Ok(pass) => pass,
        Err(r) => return r,
    };
    if pass.is_none() {
        let view = CustomerView::PinPrompt {
            store_name: store.names.text(),
            action: format!("{path}/pin"),
            wrong: q.wrong.is_some(),
        };
        return render(&state, &headers, &uri, view, StatusCode::OK).await;
    }
    // The phone's id for "once a month", set before its first answer.
    let (device_hash, set_cookie) = device(&state, &headers, ip, "/staff/");
    if let (None, Some(pass)) = (&set_cookie, pass) {
        let respondent = Respondent::StaffDevice {
            device: device_hash,
            pass,
        };
        if let Some(r) =
            already_this_period(&state, &headers, &uri, &store, &key, &respondent, None).await
        {
            return r;
        }
    }
    let version = match template(&state).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let view = form(
        &store,
        &version,
        &key,
        path,
        None,
        Vec::new(),
        Default::default(),
    );
    with_cookie(
        render(&state, &headers, &uri, view, StatusCode::OK).await,
        set_cookie,
    )
}

#[derive(Deserialize)]
pub struct PinForm {
    #[serde(default)]
    pin: String,
}

/// POST `/staff/{code}/pin`.
pub async fn staff_pin(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<PinForm>,
) -> Response {
    let path = format!("/staff/{}", segment(&code));
    if !same_origin(&headers) {
        return form_expired();
    }
    let (store, hash) = match staff_store(&state, &headers, &path, &code).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    if limited(&state, ip, store.id) {
        tracing::info!(store = %code, "staff PIN attempts refused by the rate limit");
        return render(
            &state,
            &headers,
            &path,
            CustomerView::Limited,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    let pin: String = form.pin.trim().chars().take(16).collect();
    if !verify_password_blocking(hash, pin).await {
        tracing::info!(store = %code, "wrong staff PIN");
        return see_other(&format!("{path}?wrong=1"), vec![]);
    }
    let key = match key(&state).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let until = app::server::now_ms() + STAFF_COOKIE_SECS * 1000;
    let pass = cookie(
        STAFF_COOKIE,
        &staff_pass(&key, store.id, until),
        &path,
        STAFF_COOKIE_SECS,
        state.settings.secure_cookies,
        "Strict",
    );
    see_other(&path, vec![pass])
}

fn limited(state: &AppState, ip: IpAddr, store_id: i64) -> bool {
    state.limits.staff_pin_by_ip.check_key(&ip).is_err()
        || state
            .limits
            .staff_pin_by_store
            .check_key(&store_id)
            .is_err()
}

/// POST `/staff/{code}`: a self-assessment from a phone let in by the PIN; once per phone
/// and period.
pub async fn staff_submit(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let path = format!("/staff/{}", segment(&code));
    if !same_origin(&headers) {
        return form_expired();
    }
    let (store, _) = match staff_store(&state, &headers, &path, &code).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    let key = match key(&state).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let pass = match let_in(&state, &key, &headers, store.id).await {
        Ok(Some(pass)) => pass,
        Ok(None) => return see_other(&path, vec![]),
        Err(r) => return r,
    };
    let (device_hash, set_cookie) = device(&state, &headers, ip, "/staff/");
    let response = finish(
        &state,
        &headers,
        &store,
        Respondent::StaffDevice {
            device: device_hash,
            pass,
        },
        fields,
        &path,
        None,
    )
    .await;
    with_cookie(response, set_cookie)
}

/// GET `/staff/{code}/thanks`.
pub async fn staff_thanks(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<SurveyQuery>,
    headers: HeaderMap,
) -> Response {
    let uri = with_lang(
        &format!("/staff/{}/thanks", segment(&code)),
        Locale::from_code(&q.lang),
        "",
    );
    match staff_store(&state, &headers, &uri, &code).await {
        Ok((store, _)) => {
            let view = CustomerView::Thanks {
                store_name: store.names.text(),
                already: q.already.is_some(),
                staff: true,
                account: None,
            };
            render(&state, &headers, &uri, view, StatusCode::OK).await
        }
        Err(r) => r,
    }
}
