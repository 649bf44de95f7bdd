//! Appeals: a store manager disputes items of a released visit of their store within the
//! organisation's deadline, each item once; a reviewer upholds (the item becomes not
//! applicable or takes the corrected answer, the score is computed again with the visit's
//! pinned checklist version and the figures move) or rejects, with a reply.

use super::actor::Actor;
use super::db::appeals::{self as stored, Answered, Decided, Opened, Rescored};
use super::db::figures::{self, Rollup};
use super::db::reports::{self, Reader};
use super::db::templates::TemplateCache;
use super::db::Db;
use super::error::{ServiceError, ServiceResult};
use super::review::reviews;
use crate::api::wire::review::{AppealDecisionRequest, AppealRequest};
use crate::api::wire::Role;
use crate::domain::answers::{parse_answer, stored_answers, AnswerInput};
use crate::domain::org_settings::OrgSettings;
use crate::domain::review::{ItemComment, MAX_TEXT};
use crate::domain::{score, FieldError};

const DAY_MS: i64 = 86_400_000;

/// The last instant (epoch ms) the visit may be appealed, if it is a released visit.
pub async fn deadline(db: &Db, org: &OrgSettings, response_id: &str) -> ServiceResult<Option<i64>> {
    Ok(stored::released_at(db, response_id)
        .await?
        .map(|at| at + i64::from(org.appeal_days) * DAY_MS))
}

/// A store manager appeals items of a released visit of their store. Returns the appeals'
/// ids; nothing is stored unless every item may be appealed.
pub async fn appeal(
    db: &Db,
    templates: &TemplateCache,
    org: &OrgSettings,
    actor: &Actor,
    response_id: &str,
    req: &AppealRequest,
    now_ms: i64,
) -> ServiceResult<Vec<i64>> {
    if actor.role != Role::StoreManager {
        return Err(ServiceError::Forbidden);
    }
    let row = reports::visible_report_row(db, actor, response_id, Reader::Manager)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !matches!(row.channel.as_str(), "mystery_visit" | "mystery_call") {
        return Err(ServiceError::invalid(
            "items",
            "only mystery visits and calls are appealed",
        ));
    }
    let Some(until) = deadline(db, org, response_id).await? else {
        return Err(ServiceError::Conflict(
            "only a released visit can be appealed".into(),
        ));
    };
    if now_ms > until {
        return Err(ServiceError::Conflict(format!(
            "the {} days to appeal this visit are over",
            org.appeal_days
        )));
    }
    let version = u32::try_from(row.template_version).unwrap_or(0);
    let template = templates
        .get(db, &row.template_key, version)
        .await?
        .ok_or_else(|| ServiceError::Internal("a visit's checklist version is missing".into()))?;
    let mut errors = Vec::new();
    let mut items: Vec<ItemComment> = Vec::new();
    for item in &req.items {
        let field = format!("items.{}", item.question);
        let reason = item.reason.trim();
        if template.template.question(&item.question).is_none() {
            errors.push(FieldError::new(field, "the checklist has no such question"));
        } else if items.iter().any(|i| i.question == item.question) {
            errors.push(FieldError::new(field, "appealed twice in one request"));
        } else if reason.is_empty() {
            errors.push(FieldError::new(field, "say why this item is wrong"));
        } else if reason.chars().count() > MAX_TEXT {
            errors.push(FieldError::new(
                field,
                format!("at most {MAX_TEXT} characters"),
            ));
        } else {
            items.push(ItemComment {
                question: item.question.clone(),
                text: reason.to_string(),
            });
        }
    }
    if items.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "items",
            "choose at least one item to appeal",
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    match stored::open(db, response_id, &items, actor.user_id, now_ms).await? {
        Opened::Opened(ids) => Ok(ids),
        Opened::AlreadyAppealed(q) => Err(ServiceError::Conflict(format!(
            "the item {q} was appealed before; an item is appealed once"
        ))),
    }
}

/// A reviewer upholds or rejects an appeal. Returns the response's id.
pub async fn decide(
    db: &Db,
    templates: &TemplateCache,
    org: &OrgSettings,
    actor: &Actor,
    appeal_id: i64,
    req: &AppealDecisionRequest,
    now_ms: i64,
) -> ServiceResult<String> {
    if !reviews(actor, org) {
        return Err(ServiceError::Forbidden);
    }
    let appeal = stored::by_id(db, appeal_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let row = reports::reviewable_row(db, actor, &appeal.response_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let upheld = match req.decision.trim() {
        "upheld" => true,
        "rejected" => false,
        _ => return Err(ServiceError::invalid("decision", "upheld or rejected")),
    };
    let reply = req.reply.trim();
    if reply.is_empty() {
        return Err(ServiceError::invalid(
            "reply",
            "answer the store manager: why it is upheld or rejected",
        ));
    }
    if reply.chars().count() > MAX_TEXT {
        return Err(ServiceError::invalid(
            "reply",
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    if appeal.status != "open" {
        return Err(ServiceError::Conflict(format!(
            "this appeal was already {}",
            appeal.status
        )));
    }
    let rescored = if upheld {
        Some(rescore(db, templates, &row, &appeal.question, req.value.as_ref()).await?)
    } else {
        None
    };
    let answered = Answered {
        upheld,
        reply,
        by: actor.user_id,
        now_ms,
    };
    let store_id = super::db::org::store_by_code_open_or_closed(db, &row.store_code)
        .await?
        .map(|s| s.id)
        .ok_or(ServiceError::NotFound)?;
    match stored::decide(
        db,
        appeal_id,
        answered,
        rescored.as_ref().map(|r| (appeal.response_id.as_str(), r)),
        (store_id, &row.channel, &row.answers_json),
    )
    .await?
    {
        Decided::Decided => Ok(appeal.response_id),
        Decided::NotOpen => Err(ServiceError::Conflict(
            "the appeal or the visit changed meanwhile; open the report again".into(),
        )),
    }
}

/// The visit's answers with the appealed item not applicable (no value) or corrected, scored
/// again with the visit's own checklist version.
async fn rescore(
    db: &Db,
    templates: &TemplateCache,
    row: &reports::ReportRow,
    question: &str,
    value: Option<&serde_json::Value>,
) -> ServiceResult<Rescored> {
    let version = u32::try_from(row.template_version).unwrap_or(0);
    let stored_version = templates
        .get(db, &row.template_key, version)
        .await?
        .ok_or_else(|| ServiceError::Internal("a visit's checklist version is missing".into()))?;
    let t = &stored_version.template;
    let q = t
        .question(question)
        .ok_or_else(|| ServiceError::Internal("an appealed question is missing".into()))?;
    let mut inputs: Vec<AnswerInput> = serde_json::from_str(&row.answers_json)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let previous = inputs.iter().find(|i| i.question == question).cloned();
    let corrected = match value.filter(|v| !v.is_null()) {
        Some(v) => {
            let input = AnswerInput::with_value(question, v.clone());
            parse_answer(q, &input).map_err(|m| ServiceError::invalid("value", m))?;
            input
        }
        None => AnswerInput::not_applicable(question),
    };
    inputs.retain(|i| i.question != question);
    inputs.push(corrected.clone());
    let answers = stored_answers(t, &inputs).map_err(|errors| {
        ServiceError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError::new("value", e.message))
                .collect(),
        )
    })?;
    let card = score(t, &answers);
    // Keep the order of the checklist, as a phone sends them.
    let order: Vec<&str> = t.questions().map(|(_, q)| q.id.as_str()).collect();
    inputs.sort_by_key(|i| order.iter().position(|id| *id == i.question));
    let answers_json =
        serde_json::to_string(&inputs).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let week = figures::week_key(&row.timezone, row.finished_at);
    let rollup = |contribution| Rollup {
        week: week.clone(),
        template_id: stored_version.template_id,
        contribution,
    };
    Ok(Rescored {
        before: rollup(figures::contribution_of(t, &row.answers_json)?),
        after: rollup(figures::contribution_of(t, &answers_json)?),
        answers_json,
        item_value_json: corrected.value.as_ref().map(|v| v.to_string()),
        previous_json: previous
            .map(|p| serde_json::to_string(&p))
            .transpose()
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
        columns: super::stored_response::score_columns(&card),
    })
}
