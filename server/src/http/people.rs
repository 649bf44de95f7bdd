//! Form posts of the people pages (create, change, deactivate or reactivate, new link) and of
//! the invitation page (set a password). The people forms carry several regions or stores,
//! so their bodies are read as pairs rather than into a struct.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use app::api::people::INVITATION_COOKIE;
use app::server::auth::Actor;
use app::server::error::ServiceError;
use app::server::now_ms;
use app::server::people::{self, Invitation, NewPerson, PersonPatch};
use app::server::state::AppState;

use super::admin::session_form;
use super::auth::IntoHtmlError;
use super::forms::{cookie, same_origin, see_other, ClientIp};

/// A form body as pairs, in order (a multiple select sends its name once per choice).
struct Pairs(Vec<(String, String)>);

impl Pairs {
    fn read(body: &Bytes) -> Pairs {
        Pairs(form_urlencoded::parse(body).into_owned().collect())
    }

    fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.chars().take(2000).collect())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .take(1000)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

async fn manager_form(
    state: &AppState,
    headers: &HeaderMap,
    form: &Pairs,
    next: &str,
) -> Result<Actor, Response> {
    let actor = session_form(state, headers, &form.one("csrf"), next).await?;
    if !people::may_manage_people(&actor) {
        return Err(ServiceError::Forbidden.into_html_error());
    }
    Ok(actor)
}

/// Back to a person's page, naming the fields that were wrong.
fn back_with(page: &str, fields: &[app::domain::FieldError]) -> Response {
    see_other(&format!("{page}?error={}", error_fields(fields)), vec![])
}

fn error_fields(fields: &[app::domain::FieldError]) -> String {
    let mut names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    names.dedup();
    names.join(",")
}

/// To the person's page, carrying the new link in a short-lived cookie (never in an address).
fn with_link(state: &AppState, invitation: &Invitation, query: &str) -> Response {
    let flash = cookie(
        INVITATION_COOKIE,
        &invitation.token,
        "/admin/users",
        600,
        state.settings.secure_cookies,
        "Strict",
    );
    see_other(
        &format!("/admin/users/{}?{query}", invitation.username),
        vec![flash],
    )
}

pub async fn create_person(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::read(&body);
    let actor = match manager_form(&state, &headers, &form, "/admin/users").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let new = NewPerson {
        username: form.one("username"),
        display_name: form.one("display_name"),
        role: form.one("role"),
        regions: form.all("regions"),
        stores: form.all("stores"),
    };
    match people::create_person(&state.db, &actor, &new, now_ms()).await {
        Ok((_, invitation)) => with_link(&state, &invitation, "invited=1"),
        Err(ServiceError::Invalid(fields)) => {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("error", &error_fields(&fields));
            q.append_pair("username", &new.username);
            q.append_pair("display_name", &new.display_name);
            q.append_pair("new_role", &new.role);
            see_other(&format!("/admin/users?{}#new-person", q.finish()), vec![])
        }
        Err(e) => e.into_html_error(),
    }
}

pub async fn update_person(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(username): Path<String>,
    body: Bytes,
) -> Response {
    let form = Pairs::read(&body);
    let page = format!("/admin/users/{username}");
    let actor = match manager_form(&state, &headers, &form, &page).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let patch = PersonPatch {
        display_name: Some(form.one("display_name")),
        role: Some(form.one("role")),
        regions: Some(form.all("regions")),
        stores: Some(form.all("stores")),
        active: None,
    };
    match people::update_person(&state.db, &actor, &username, &patch, now_ms()).await {
        Ok(_) => see_other(&format!("{page}?saved=1"), vec![]),
        Err(ServiceError::Invalid(fields)) => back_with(&page, &fields),
        Err(e) => e.into_html_error(),
    }
}

pub async fn set_active(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(username): Path<String>,
    body: Bytes,
) -> Response {
    let form = Pairs::read(&body);
    let page = format!("/admin/users/{username}");
    let actor = match manager_form(&state, &headers, &form, &page).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    // Someone out of reach is not there, whatever the form says.
    if let Err(e) = people::person(&state.db, &actor, &username).await {
        return e.into_html_error();
    }
    let active = match form.one("active").as_str() {
        "true" => true,
        "false" => false,
        _ => return see_other(&format!("{page}?error=active"), vec![]),
    };
    let patch = PersonPatch {
        active: Some(active),
        ..PersonPatch::default()
    };
    match people::update_person(&state.db, &actor, &username, &patch, now_ms()).await {
        Ok(_) => see_other(&format!("{page}?saved=1"), vec![]),
        Err(ServiceError::Invalid(fields)) => back_with(&page, &fields),
        Err(e) => e.into_html_error(),
    }
}

pub async fn new_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(username): Path<String>,
    body: Bytes,
) -> Response {
    let form = Pairs::read(&body);
    let page = format!("/admin/users/{username}");
    let actor = match manager_form(&state, &headers, &form, &page).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match people::new_invitation(&state.db, &actor, &username, now_ms()).await {
        Ok(invitation) => with_link(&state, &invitation, "invited=1"),
        Err(ServiceError::Invalid(fields)) => back_with(&page, &fields),
        Err(e) => e.into_html_error(),
    }
}

/// `POST /invite/{token}`: set the password. Public (the link is the credential), so it
/// counts against the sign-in limits of the address and checks the origin like sign-in.
pub async fn accept_invitation(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let form = Pairs::read(&body);
    let token: String = token.chars().take(128).collect();
    let back = |error: &str| see_other(&format!("/invite/{token}?error={error}"), vec![]);
    if !same_origin(&headers) {
        return ServiceError::Forbidden.into_html_error();
    }
    if state.limits.login_by_ip.check_key(&ip).is_err() {
        return back("rate");
    }
    match people::accept_invitation(
        &state.db,
        &token,
        &form.one("password"),
        &form.one("repeat"),
        now_ms(),
    )
    .await
    {
        Ok(username) => see_other(
            &format!(
                "/login?password_set=1&username={}",
                app::ui::layout::urlencode(&username)
            ),
            vec![],
        ),
        Err(ServiceError::Invalid(fields)) => back(&error_fields(&fields)),
        Err(e) => e.into_html_error(),
    }
}
