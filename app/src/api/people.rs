//! Server functions of the people pages (`/admin/users`, `/admin/users/{username}`) and of
//! the invitation page (`/invite/{token}`). The forms post to `server/src/http/people.rs`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::wire::people::PersonView;
use super::AppError;
use crate::domain::role::Role;

/// Name of the short-lived cookie that carries a new invitation link from the form's POST to
/// the person's page, so the secret never sits in an address (history, proxy logs).
pub const INVITATION_COOKIE: &str = "servscope_invitation";

pub use super::wire::people::INVITATION_DAYS;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PeopleData {
    pub people: Vec<PersonView>,
    /// The roles this user may give.
    pub roles: Vec<Role>,
    /// Regions (admins only) and stores (code, name) this user may give.
    pub regions: Vec<String>,
    pub stores: Vec<(String, String)>,
    /// The filters as given.
    pub role: String,
    pub scope: String,
    pub q: String,
    pub state: String,
    /// Fields the create form got wrong, and what was typed.
    pub errors: Vec<String>,
    pub typed: Vec<(String, String)>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PersonData {
    pub person: PersonView,
    pub roles: Vec<Role>,
    pub regions: Vec<String>,
    pub stores: Vec<(String, String)>,
    /// A link made just now, to pass on (full address).
    pub invitation: Option<String>,
    pub saved: bool,
    pub errors: Vec<String>,
    /// The person is the one looking (no role change or deactivation of oneself).
    pub is_me: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct InvitationData {
    /// None: the link does not work (used, expired, replaced, or the account is off).
    pub who: Option<(String, String)>,
    pub error: Option<String>,
}

#[cfg(feature = "ssr")]
fn first(query: &[(String, String)], name: &str) -> String {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.chars().take(200).collect())
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
fn field_errors(query: &[(String, String)]) -> Vec<String> {
    const FIELDS: [&str; 6] = [
        "username",
        "display_name",
        "role",
        "regions",
        "stores",
        "active",
    ];
    first(query, "error")
        .split(',')
        .filter(|f| FIELDS.contains(f))
        .map(str::to_string)
        .collect()
}

/// What the actor may give: roles, regions and stores.
#[cfg(feature = "ssr")]
async fn choices(
    state: &crate::server::state::AppState,
    actor: &crate::server::actor::Actor,
) -> Result<(Vec<Role>, Vec<String>, Vec<(String, String)>), AppError> {
    let roles: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| actor.role == Role::Admin || r.given_by_regional_managers())
        .collect();
    let regions = if actor.role == Role::Admin {
        crate::server::db::store_setup::regions(&state.db)
            .await?
            .into_iter()
            .map(|r| r.name)
            .collect()
    } else {
        Vec::new()
    };
    let stores = crate::server::db::org::visible_stores(&state.db, actor, "", 0)
        .await?
        .into_iter()
        .map(|s| (s.code, s.name.en))
        .collect();
    Ok((roles, regions, stores))
}

#[cfg(feature = "ssr")]
async fn require_manager_of_people(
) -> Result<(crate::server::state::AppState, crate::server::actor::Actor), AppError> {
    let (state, actor, _) = super::ssr::require_actor().await?;
    if !crate::server::people::may_manage_people(&actor) {
        return Err(AppError::Forbidden.answered());
    }
    Ok((state, actor))
}

#[server(endpoint = "people-page")]
pub async fn people_page() -> Result<PeopleData, AppError> {
    use crate::server::people::{list_people, PeopleFilter};
    let (state, actor) = require_manager_of_people().await?;
    let query = super::ssr::query_pairs()?;
    let filter = PeopleFilter {
        role: first(&query, "role"),
        scope: first(&query, "scope"),
        q: first(&query, "q"),
        state: first(&query, "state"),
    };
    let people = list_people(&state.db, &actor, &filter).await?;
    let (roles, regions, stores) = choices(&state, &actor).await?;
    let errors = field_errors(&query);
    let typed = if errors.is_empty() {
        Vec::new()
    } else {
        query
            .iter()
            .filter(|(k, _)| ["username", "display_name", "new_role"].contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.chars().take(200).collect()))
            .collect()
    };
    Ok(PeopleData {
        people,
        roles,
        regions,
        stores,
        role: filter.role,
        scope: filter.scope,
        q: filter.q,
        state: filter.state,
        errors,
        typed,
    })
}

#[server(endpoint = "person-page")]
pub async fn person_page(username: String) -> Result<PersonData, AppError> {
    let (state, actor) = require_manager_of_people().await?;
    let query = super::ssr::query_pairs()?;
    let person = crate::server::people::person(&state.db, &actor, &username).await?;
    let (roles, regions, stores) = choices(&state, &actor).await?;
    // The link made by the form just before: shown while its cookie lives and it works.
    let parts = super::ssr::request_parts()?;
    let mut invitation = None;
    if let Some(token) = crate::server::auth::cookie_value(&parts.headers, INVITATION_COOKIE) {
        let live = crate::server::people::invitation_for(&state.db, token, crate::server::now_ms())
            .await?
            .is_some_and(|i| i.username == person.username);
        if live {
            invitation = Some(format!(
                "{}/invite/{token}",
                crate::server::survey_link::public_base(&state.settings, &parts.headers)
            ));
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.insert_header(
                    http::header::CACHE_CONTROL,
                    http::HeaderValue::from_static("no-store"),
                );
            }
        }
    }
    Ok(PersonData {
        is_me: person.username == actor.username,
        person,
        roles,
        regions,
        stores,
        invitation,
        saved: !first(&query, "saved").is_empty(),
        errors: field_errors(&query),
    })
}

#[server(endpoint = "invitation-page")]
pub async fn invitation_page(token: String) -> Result<InvitationData, AppError> {
    let state = super::ssr::state()?;
    let query = super::ssr::query_pairs()?;
    let token: String = token.chars().take(128).collect();
    let who = crate::server::people::invitation_for(&state.db, &token, crate::server::now_ms())
        .await?
        .map(|i| (i.username, i.display_name));
    if who.is_none() {
        // A dead link says so with a 404, and the page explains what to do.
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let error = Some(first(&query, "error"))
        .filter(|e| ["password", "repeat", "rate"].contains(&e.as_str()));
    Ok(InvitationData { who, error })
}
