//! The review forms of a visit's report page: a reviewer's decision, a store manager's
//! appeal of items, a reviewer's answer to an appeal. Each checks the session and its CSRF
//! token, hands the form to the same use case the JSON API calls, and goes back to the page
//! with what happened (a wrong form names the field, and nothing is stored).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use app::api::wire::review::{AppealDecisionRequest, AppealItem, AppealRequest, DecisionRequest};
use app::domain::review::ItemComment;
use app::server::error::ServiceError;
use app::server::state::AppState;
use app::server::{appeals, now_ms, org_settings, review};

use super::admin::session_form;
use super::auth::IntoHtmlError;
use super::forms::see_other;

/// A form's fields as sent (the item boxes are named per question).
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// `prefix.question` fields with text: one per item.
fn per_item(fields: &Fields, prefix: &str) -> Vec<(String, String)> {
    fields
        .iter()
        .filter_map(|(k, v)| {
            let q = k.strip_prefix(prefix)?.strip_prefix('.')?;
            (!v.trim().is_empty()).then(|| (q.to_string(), v.clone()))
        })
        .collect()
}

/// Where a refused form goes back to: the report, naming what was wrong.
fn back_with_problem(report: &str, e: ServiceError) -> Response {
    match e {
        ServiceError::Invalid(errors) => {
            let field = errors
                .first()
                .map(|e| e.field.split('.').next().unwrap_or("").to_string())
                .unwrap_or_default();
            see_other(&format!("{report}?problem={field}"), vec![])
        }
        ServiceError::Conflict(_) => see_other(&format!("{report}?problem=conflict"), vec![]),
        other => other.into_html_error(),
    }
}

/// The response id of a path; None (answered 404) for anything else, never a database
/// look-up with a hostile id.
fn response_id(id: &str) -> Option<String> {
    uuid::Uuid::parse_str(id).ok().map(|u| u.to_string())
}

/// `POST /responses/{id}/decision`: release, return with comments, or void.
pub async fn decide(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let Some(id) = response_id(&id) else {
        return ServiceError::NotFound.into_html_error();
    };
    let report = format!("/responses/{id}");
    let actor = match session_form(&state, &headers, field(&fields, "csrf"), &report).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let req = DecisionRequest {
        decision: field(&fields, "decision").to_string(),
        reason: field(&fields, "reason").to_string(),
        comments: per_item(&fields, "comment")
            .into_iter()
            .map(|(question, text)| ItemComment { question, text })
            .collect(),
    };
    let decided = async {
        let org = org_settings::load(&state.db, &state.settings).await?;
        review::decide(
            &state.db,
            &state.templates,
            &org,
            &actor,
            &id,
            &req,
            now_ms(),
        )
        .await
    }
    .await;
    match decided {
        Ok(to) => {
            tracing::info!(user_id = actor.user_id, response = %id, to = %to, "review decision");
            see_other(&format!("/reviews?decided={id}"), vec![])
        }
        Err(e) => back_with_problem(&report, e),
    }
}

/// `POST /responses/{id}/appeals`: a store manager disputes the items whose box has a reason.
pub async fn appeal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let Some(id) = response_id(&id) else {
        return ServiceError::NotFound.into_html_error();
    };
    let report = format!("/responses/{id}");
    let actor = match session_form(&state, &headers, field(&fields, "csrf"), &report).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let req = AppealRequest {
        items: per_item(&fields, "appeal")
            .into_iter()
            .map(|(question, reason)| AppealItem { question, reason })
            .collect(),
    };
    let appealed = async {
        let org = org_settings::load(&state.db, &state.settings).await?;
        appeals::appeal(
            &state.db,
            &state.templates,
            &org,
            &actor,
            &id,
            &req,
            now_ms(),
        )
        .await
    }
    .await;
    match appealed {
        Ok(_) => see_other(&format!("{report}?appealed=1"), vec![]),
        Err(e) => back_with_problem(&report, e),
    }
}

/// `POST /appeals/{id}/decision`: `outcome` rejected, upheld (the item becomes not
/// applicable) or corrected (it takes `value`: true/false, a number, or an option's id).
pub async fn decide_appeal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let Ok(appeal_id) = id.parse::<i64>() else {
        return ServiceError::NotFound.into_html_error();
    };
    let actor = match session_form(&state, &headers, field(&fields, "csrf"), "/reviews").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let outcome = field(&fields, "outcome");
    let value = field(&fields, "value").trim();
    let req = AppealDecisionRequest {
        decision: if outcome == "rejected" {
            "rejected"
        } else {
            "upheld"
        }
        .to_string(),
        reply: field(&fields, "reply").to_string(),
        // Typed as JSON where it reads so (true, 4, "text"), else taken as a word.
        value: (outcome == "corrected")
            .then(|| serde_json::from_str(value).unwrap_or_else(|_| serde_json::json!(value))),
    };
    let decided = async {
        let org = org_settings::load(&state.db, &state.settings).await?;
        appeals::decide(
            &state.db,
            &state.templates,
            &org,
            &actor,
            appeal_id,
            &req,
            now_ms(),
        )
        .await
    }
    .await;
    match decided {
        Ok(response) => see_other(&format!("/responses/{response}?appeal_decided=1"), vec![]),
        Err(e) => {
            // Back to the visit's report when the appeal exists and the reader may see it.
            match app::server::db::appeals::by_id(&state.db, appeal_id).await {
                Ok(Some(a)) if !matches!(e, ServiceError::NotFound | ServiceError::Forbidden) => {
                    back_with_problem(&format!("/responses/{}", a.response_id), e)
                }
                _ => e.into_html_error(),
            }
        }
    }
}
