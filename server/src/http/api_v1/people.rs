//! People through the API: list, create (with the invitation link), change, and a new
//! invitation (a password reset). Admins for everyone; regional managers for the store
//! managers and employees of their regions.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use app::server::error::{ServiceError, ServiceResult};
use app::server::now_ms;
use app::server::people::{self, Invitation, NewPerson, PeopleFilter, PersonPatch};
use app::server::state::AppState;
use app::server::survey_link::public_base;

use super::{json_body, not_a_cross_site_post, ApiActor};

fn refuse_others(actor: &app::server::auth::Actor) -> ServiceResult<()> {
    if people::may_manage_people(actor) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

fn invitation_json(state: &AppState, headers: &HeaderMap, i: &Invitation) -> serde_json::Value {
    json!({
        "invitation_url": format!("{}{}", public_base(&state.settings, headers), i.path()),
        "expires_at": app::server::from_ms(i.expires_at),
    })
}

pub async fn list_users(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(filter): Query<PeopleFilter>,
) -> ServiceResult<Response> {
    refuse_others(&actor)?;
    Ok(Json(people::list_people(&state.db, &actor, &filter).await?).into_response())
}

/// `POST /api/v1/users`: 201 with the user and the invitation link to pass on.
pub async fn create_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> ServiceResult<Response> {
    refuse_others(&actor)?;
    let new: NewPerson = json_body(&headers, &body)?;
    let (user, invitation) = people::create_person(&state.db, &actor, &new, now_ms()).await?;
    let mut answer = invitation_json(&state, &headers, &invitation);
    answer["user"] = json!(user);
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

pub async fn update_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    Path(username): Path<String>,
    body: Bytes,
) -> ServiceResult<Response> {
    refuse_others(&actor)?;
    let patch: PersonPatch = json_body(&headers, &body)?;
    let user = people::update_person(&state.db, &actor, &username, &patch, now_ms()).await?;
    Ok(Json(user).into_response())
}

/// `POST /api/v1/users/{username}/invitation`: a new link; earlier ones stop working.
pub async fn invite_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(actor): ApiActor,
    Path(username): Path<String>,
) -> ServiceResult<Response> {
    refuse_others(&actor)?;
    not_a_cross_site_post(&headers)?;
    let invitation = people::new_invitation(&state.db, &actor, &username, now_ms()).await?;
    Ok((
        StatusCode::CREATED,
        Json(invitation_json(&state, &headers, &invitation)),
    )
        .into_response())
}
