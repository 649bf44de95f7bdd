//! The checklist designer's use cases: start a checklist (blank, a copy, or a JSON document),
//! save the draft form by form, publish it as the next immutable version, discard it, and
//! publish a JSON document directly (`POST /api/v1/templates`). Admins only. Publishing runs
//! the same checks as the command-line import and is written to the audit log in the
//! transaction that publishes.

use super::actor::Actor;
use super::db::audit::{self, Change, Subject};
use super::db::template_drafts::{self, Draft};
use super::db::templates::{self, import_in, latest_of, version_number};
use super::db::Db;
use super::error::{ServiceError, ServiceResult};
use super::store_setup::require_admin;
use crate::api::wire::designer::{ChecklistRow, Published};
use crate::domain::template_check::{is_valid_template_key, template_problems};
use crate::domain::template_form::{apply_step, blank_template, read_form, FormProblem, Step};
use crate::domain::{Channel, FieldError, Template};

/// Largest template document accepted (a 200-question checklist in three languages is about
/// 150 KB).
pub const MAX_TEMPLATE_BYTES: usize = 512 * 1024;

/// Every checklist, published or only drafted, by key.
pub async fn list(db: &Db) -> ServiceResult<Vec<ChecklistRow>> {
    let published = templates::latest_versions(db).await?;
    let drafts = template_drafts::all(db).await?;
    let mut rows: Vec<ChecklistRow> = Vec::new();
    for (summary, body) in published {
        let title = serde_json::from_str::<Template>(&body)
            .map(|t| t.title)
            .unwrap_or_else(|_| summary.title.as_str().into());
        rows.push(ChecklistRow {
            draft_saved_at: drafts
                .iter()
                .find(|d| d.template.key == summary.key)
                .map(|d| super::from_ms(d.updated_at)),
            key: summary.key,
            channel: summary.channel,
            title,
            version: Some(summary.version),
            questions: summary.questions,
            published_at: Some(summary.published_at),
        });
    }
    for d in drafts {
        if rows.iter().any(|r| r.key == d.template.key) {
            continue;
        }
        rows.push(ChecklistRow {
            channel: d.template.channel.as_str().to_string(),
            questions: d.template.question_count(),
            key: d.template.key,
            title: d.template.title,
            version: None,
            published_at: None,
            draft_saved_at: Some(super::from_ms(d.updated_at)),
        });
    }
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(rows)
}

/// The draft of `key`, or a fresh one from its newest version (not saved until changed).
pub async fn draft_or_latest(db: &Db, key: &str) -> ServiceResult<(Draft, bool)> {
    if let Some(d) = template_drafts::load(db, key).await? {
        return Ok((d, true));
    }
    let latest = templates::latest_version_number(db, key).await?;
    let Some(version) = latest else {
        return Err(ServiceError::NotFound);
    };
    let stored = templates::load_version(db, key, version)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((
        Draft {
            template: (*stored.template).clone(),
            base_version: Some(version),
            updated_at: 0,
            updated_by: None,
        },
        false,
    ))
}

/// How a new checklist starts.
pub enum Start {
    Blank(Channel),
    /// A copy of another checklist's newest version (or its draft, if it has one).
    CopyOf(String),
    /// A JSON document (the page's import box); its own key is replaced by the one asked for.
    Json(String),
}

/// Start a checklist under a new key; its draft opens in the designer.
pub async fn create(
    db: &Db,
    actor: &Actor,
    key: &str,
    start: Start,
    now: i64,
) -> ServiceResult<()> {
    require_admin(actor)?;
    let key = key.trim();
    if !is_valid_template_key(key) {
        return Err(ServiceError::Invalid(vec![FieldError::new(
            "key",
            "2-64 lower-case letters, digits or dashes, such as store-visit-2027",
        )]));
    }
    let mut t = match start {
        Start::Blank(channel) => blank_template(key, channel),
        Start::CopyOf(from) => draft_or_latest(db, &from).await?.0.template,
        Start::Json(json) => parse_document(&json)?,
    };
    t.key = key.to_string();
    let mut tx = db.write_tx().await?;
    if template_drafts::key_taken(&mut tx, key).await? {
        return Err(ServiceError::Invalid(vec![FieldError::new(
            "key",
            "a checklist with this key exists already",
        )]));
    }
    template_drafts::save(&mut tx, &t, None, actor.user_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A template document's shape, without the checks (a draft may still have problems).
fn parse_document(json: &str) -> ServiceResult<Template> {
    if json.len() > MAX_TEMPLATE_BYTES {
        return Err(ServiceError::Invalid(vec![FieldError::new(
            "json",
            "the document is larger than 512 KB",
        )]));
    }
    serde_json::from_str(json).map_err(|e| {
        ServiceError::Invalid(vec![FieldError::new(
            "json",
            format!("not a template document: {e}"),
        )])
    })
}

/// Save the designer's form over the draft, then apply the button's step if it was one.
/// Returns the number boxes that could not be read (their saved values are kept).
pub async fn save_form(
    db: &Db,
    actor: &Actor,
    key: &str,
    pairs: &[(String, String)],
    step: Option<Step>,
    now: i64,
) -> ServiceResult<Vec<FormProblem>> {
    require_admin(actor)?;
    let (draft, _) = draft_or_latest(db, key).await?;
    let (mut t, problems) = read_form(&draft.template, pairs, |v| {
        v.parse::<f64>().ok().filter(|n| n.is_finite())
    });
    if let Some(step) = step {
        apply_step(&mut t, step);
    }
    t.key = key.to_string();
    if serde_json::to_string(&t).map_or(0, |s| s.len()) > MAX_TEMPLATE_BYTES {
        return Err(ServiceError::Invalid(vec![FieldError::new(
            "json",
            "the checklist is larger than 512 KB",
        )]));
    }
    let mut tx = db.write_tx().await?;
    template_drafts::save(&mut tx, &t, draft.base_version, actor.user_id, now).await?;
    tx.commit().await?;
    Ok(problems)
}

/// Replace the draft with a JSON document from the page (its key is this checklist's).
pub async fn import_into_draft(
    db: &Db,
    actor: &Actor,
    key: &str,
    json: &str,
    now: i64,
) -> ServiceResult<()> {
    require_admin(actor)?;
    let (draft, _) = draft_or_latest(db, key).await?;
    let mut t = parse_document(json)?;
    t.key = key.to_string();
    let mut tx = db.write_tx().await?;
    template_drafts::save(&mut tx, &t, draft.base_version, actor.user_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Throw the draft away (the published versions stay as they are).
pub async fn discard(db: &Db, actor: &Actor, key: &str) -> ServiceResult<()> {
    require_admin(actor)?;
    let mut tx = db.write_tx().await?;
    if !template_drafts::delete(&mut tx, key).await? {
        return Err(ServiceError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Publish the draft as the next version, if it passes every check. Assignments keep the
/// version they pinned; new ones take this one.
pub async fn publish_draft(
    db: &Db,
    actor: &Actor,
    key: &str,
    now: i64,
) -> ServiceResult<Published> {
    require_admin(actor)?;
    let draft = template_drafts::load(db, key)
        .await?
        .ok_or(ServiceError::NotFound)?;
    refuse_problems(&draft.template)?;
    let mut tx = db.write_tx().await?;
    let published = publish_in(&mut tx, actor, &draft.template, now).await?;
    template_drafts::delete(&mut tx, key).await?;
    tx.commit().await?;
    Ok(published)
}

/// `POST /api/v1/templates`: check a JSON document and publish it as the next version of its
/// key (nothing when it equals the newest version).
pub async fn publish_json(
    db: &Db,
    actor: &Actor,
    json: &str,
    now: i64,
) -> ServiceResult<Published> {
    require_admin(actor)?;
    let t = parse_document(json)?;
    refuse_problems(&t)?;
    let mut tx = db.write_tx().await?;
    let published = publish_in(&mut tx, actor, &t, now).await?;
    tx.commit().await?;
    Ok(published)
}

/// Every problem of a template as a refusal naming the designer's fields (none: Ok).
fn refuse_problems(t: &Template) -> ServiceResult<()> {
    let problems = template_problems(t);
    if problems.is_empty() {
        return Ok(());
    }
    Err(ServiceError::Invalid(
        problems
            .iter()
            .map(|p| FieldError::new(p.field_name(), p.to_string()))
            .collect(),
    ))
}

async fn publish_in(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    t: &Template,
    now: i64,
) -> ServiceResult<Published> {
    // What a checklist is used for stays what it was first published for: assignments, the
    // customer survey and every figure read its responses by channel. A new use is a copy.
    let channel = templates::channel_of(tx, &t.key).await?;
    if channel.as_deref().is_some_and(|c| c != t.channel.as_str()) {
        return Err(ServiceError::Invalid(vec![FieldError::new(
            "channel",
            "a published checklist keeps what it is used for; copy it under a new key instead",
        )]));
    }
    let before = latest_of(tx, &t.key).await?;
    let outcome = import_in(tx, t, now).await?;
    if outcome.published {
        let old = before
            .map(|b| version_number(b.version).map(|v| v.to_string()))
            .transpose()?;
        let new = outcome.version.to_string();
        audit::record(
            tx,
            actor,
            now,
            Change {
                subject: Subject::Template,
                key: &t.key,
                field: "version",
                old: old.as_deref(),
                new: Some(&new),
            },
        )
        .await?;
    }
    Ok(Published {
        key: outcome.key,
        version: outcome.version,
        published: outcome.published,
    })
}
