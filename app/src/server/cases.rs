//! Complaint cases: opening one from any source (staff and the API, a customer's answer, a
//! released mystery visit with a failed critical item), acting on it, escalating it when a
//! deadline passes, the follow-up after closing, and reading them.
//!
//! Every change of a case happens in one write transaction with its timeline entry, the
//! inbox items it causes and the job that checks its next deadline, so a crash leaves
//! either all of them or none. The rules are `domain::cases`.

use super::actor::{sha256_hex, Actor};
use super::db::cases::{self as stored, CaseRow, ListFilter, NewCaseRow};
use super::db::inbox::{self, About};
use super::db::jobs::{self, Claimed};
use super::db::Db;
use super::error::{ServiceError, ServiceResult};
use super::from_ms;
use crate::api::wire::cases::{
    CaseActionRequest, CaseContact, CaseDetail, CaseEventView, CaseFilter, CaseList, CaseSummary,
    NewCaseRequest, Opened,
};
use crate::api::wire::Role;
use crate::domain::cases::{
    intake_markers, mask_contacts, priority, valid_label, Action, CaseStatus, Clock, Intake,
    Marker, Priority, BOUNCED_AFTER, MAX_TEXT, SATISFACTION, VIAS,
};
use crate::domain::org_settings::OrgSettings;
use crate::domain::FieldError;

/// The job that checks a case's next deadline (one per case, moved as the case changes).
pub const DEADLINE_JOB: &str = "case_deadline";
/// The job that puts a closed case's follow-up in its owner's inbox when it is due.
pub const FOLLOW_UP_JOB: &str = "case_follow_up";
/// The job that opens a case for a released visit with a failed critical item.
pub const FROM_VISIT_JOB: &str = "case_from_visit";

const DAY_MS: i64 = 24 * 3_600_000;

/// What a case is opened with, from whichever source.
pub struct NewCase<'a> {
    pub store_id: i64,
    pub source: &'a str,
    pub via: &'a str,
    pub response_id: Option<&'a str>,
    pub client_key: Option<&'a str>,
    pub category: &'a str,
    /// As given: masked before it is stored.
    pub description: &'a str,
    pub wants: &'a str,
    pub claim_amount: Option<f64>,
    pub vip: bool,
    /// (name, phone, email), given with the customer's consent.
    pub contact: Option<(&'a str, &'a str, &'a str)>,
    pub opened_by: Option<i64>,
}

/// The key a contact is recognised by when it complains again: the phone's digits, else
/// the e-mail address in lower case. Hashed: the cases table never holds the contact.
fn contact_key(phone: &str, email: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let email = email.trim().to_lowercase();
    if digits.len() >= 6 {
        Some(sha256_hex(format!("tel:{digits}").as_bytes()))
    } else if email.contains('@') {
        Some(sha256_hex(format!("mail:{email}").as_bytes()))
    } else {
        None
    }
}

fn clock_of(row: &CaseRow) -> Clock {
    Clock {
        status: CaseStatus::parse(&row.status).unwrap_or(CaseStatus::New),
        priority: Priority::parse(&row.priority).unwrap_or(Priority::Normal),
        from_ms: row.clock_from,
        level: u8::try_from(row.level).unwrap_or(0),
    }
}

/// Queue the check of the case's next deadline (or nothing: a resolved or fully escalated
/// case has none; a check already queued finds nothing to do).
async fn schedule_deadline(
    conn: &mut sqlx::AnyConnection,
    org: &OrgSettings,
    id: i64,
    clock: &Clock,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    if let Some((at, _)) = clock.next_escalation(&org.case_deadlines()) {
        let key = format!("case-deadline:{id}");
        let payload = serde_json::json!({ "case": id }).to_string();
        jobs::schedule(conn, (DEADLINE_JOB, &key), &payload, at, now_ms).await?;
    }
    Ok(())
}

/// Open a case inside the caller's transaction. None when the response or client key has a
/// case already. Returns the id, priority and markers.
pub async fn open_in(
    conn: &mut sqlx::AnyConnection,
    org: &OrgSettings,
    c: &NewCase<'_>,
    now_ms: i64,
) -> Result<Option<(i64, Priority, Vec<Marker>)>, sqlx::Error> {
    let key = c
        .contact
        .and_then(|(_, phone, email)| contact_key(phone, email));
    let repeat = match &key {
        Some(k) => {
            let since = now_ms - i64::from(org.case_repeat_days) * DAY_MS;
            stored::contact_seen_since(conn, k, since).await?
        }
        None => false,
    };
    let text = format!("{}\n{}", c.description, c.wants);
    let markers = intake_markers(
        &Intake {
            text: &text,
            vip: c.vip,
            repeat,
            claim_amount: c.claim_amount,
            claim_threshold: org.case_claim_threshold,
        },
        &org.case_keywords(),
    );
    let prio = priority(&markers);
    let owner = stored::default_owner(conn, c.store_id).await?;
    let description = mask_contacts(c.description.trim());
    let wants = mask_contacts(c.wants.trim());
    let Some(id) = stored::insert(
        conn,
        &NewCaseRow {
            store_id: c.store_id,
            source: c.source,
            via: c.via,
            response_id: c.response_id,
            client_key: c.client_key,
            category: c.category,
            description: &description,
            wants: &wants,
            claim_amount: c.claim_amount,
            vip: c.vip,
            contact_key: key.as_deref(),
            priority: prio.as_str(),
            markers: &Marker::join(&markers),
            owner_id: owner,
            opened_by: c.opened_by,
            now_ms,
        },
    )
    .await?
    else {
        return Ok(None);
    };
    if let Some(contact) = c.contact {
        stored::insert_contact(conn, id, contact, now_ms).await?;
    }
    let data = serde_json::json!({ "source": c.source, "priority": prio.as_str() }).to_string();
    stored::add_event(conn, id, ("opened", "", &data), c.opened_by, now_ms).await?;
    if let Some(owner) = owner {
        let about = About {
            case_id: Some(id),
            store_id: Some(c.store_id),
            ..About::default()
        };
        let reference = format!("case:{id}:opened");
        inbox::add(conn, &[owner], ("case_opened", &reference), &about, now_ms).await?;
    }
    let clock = Clock {
        status: CaseStatus::New,
        priority: prio,
        from_ms: now_ms,
        level: 0,
    };
    schedule_deadline(conn, org, id, &clock, now_ms).await?;
    Ok(Some((id, prio, markers)))
}

fn checked_text(errors: &mut Vec<FieldError>, field: &str, text: &str, required: bool) -> String {
    let text = text.trim();
    if required && text.is_empty() {
        errors.push(FieldError::new(field, "required"));
    } else if text.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(
            field,
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    text.to_string()
}

/// A client key: what a phone or an integration retries with (letters, digits, `-`, `_`).
fn valid_client_key(key: &str) -> bool {
    (8..=100).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Record a complaint (store staff, managers, admins; the API). A resend with the same client
/// key answers the case opened the first time.
pub async fn open(
    db: &Db,
    org: &OrgSettings,
    actor: &Actor,
    req: &NewCaseRequest,
    now_ms: i64,
) -> ServiceResult<Opened> {
    if !matches!(
        actor.role,
        Role::Admin | Role::RegionalManager | Role::StoreManager | Role::Employee
    ) {
        return Err(ServiceError::Forbidden);
    }
    let stores = stored::openable_stores(db, actor).await?;
    let Some((store_id, _, _)) = stores.iter().find(|(_, code, _)| *code == req.store.trim())
    else {
        // Another's store, or none: as if it did not exist.
        return Err(ServiceError::NotFound);
    };
    let mut errors = Vec::new();
    let via = req.via.trim();
    let via = if via.is_empty() { "in_store" } else { via };
    if !VIAS.contains(&via) || matches!(via, "survey" | "visit") {
        errors.push(FieldError::new(
            "via",
            "in_store, phone, email, social or api",
        ));
    }
    let category = req.category.trim();
    if !valid_label(category) {
        errors.push(FieldError::new(
            "category",
            "a category of the list, or a word of 2-40 letters",
        ));
    }
    let description = checked_text(&mut errors, "description", &req.description, true);
    let wants = checked_text(&mut errors, "wants", &req.wants, false);
    if req
        .claim_amount
        .is_some_and(|a| !a.is_finite() || !(0.0..=1e9).contains(&a))
    {
        errors.push(FieldError::new(
            "claim_amount",
            "an amount from 0 to 1000000000",
        ));
    }
    let contact = match &req.contact {
        Some(c)
            if !(c.name.trim().is_empty()
                && c.phone.trim().is_empty()
                && c.email.trim().is_empty()) =>
        {
            if !c.consent {
                errors.push(FieldError::new(
                    "contact.consent",
                    "the customer must agree to be contacted; otherwise leave the contact out",
                ));
            }
            if c.phone.trim().is_empty() && !c.email.contains('@') {
                errors.push(FieldError::new(
                    "contact.phone",
                    "a phone number or an e-mail address",
                ));
            }
            if [&c.name, &c.phone, &c.email]
                .iter()
                .any(|f| f.chars().count() > 200)
            {
                errors.push(FieldError::new(
                    "contact.name",
                    "at most 200 characters each",
                ));
            }
            Some((c.name.trim(), c.phone.trim(), c.email.trim()))
        }
        _ => None,
    };
    let client_key = req
        .client_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    if client_key.is_some_and(|k| !valid_client_key(k)) {
        errors.push(FieldError::new(
            "client_key",
            "8-100 letters, digits, - or _",
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let new = NewCase {
        store_id: *store_id,
        source: if via == "api" { "api" } else { "staff" },
        via,
        response_id: None,
        client_key,
        category,
        description: &description,
        wants: &wants,
        claim_amount: req.claim_amount,
        vip: req.vip,
        contact,
        opened_by: Some(actor.user_id),
    };
    let mut tx = db.write_tx().await?;
    let opened = open_in(&mut tx, org, &new, now_ms).await?;
    tx.commit().await?;
    match opened {
        Some((id, prio, markers)) => Ok(Opened {
            id,
            priority: prio.as_str().into(),
            markers: markers.iter().map(|m| m.as_str().to_string()).collect(),
            created: true,
        }),
        None => {
            // The client key was used: the same store's case is this request's first answer.
            let key = client_key.unwrap_or_default();
            match stored::by_client_key(db, key).await? {
                Some((id, store, prio, markers)) if store == *store_id => Ok(Opened {
                    id,
                    priority: prio,
                    markers: markers.split_whitespace().map(str::to_string).collect(),
                    created: false,
                }),
                _ => Err(ServiceError::Conflict(
                    "this client key was used for another case".into(),
                )),
            }
        }
    }
}

/// The checks of an action's fields, and the new owner's id for a reassignment.
async fn checked_action(
    db: &Db,
    row: &CaseRow,
    req: &CaseActionRequest,
) -> ServiceResult<(Action, String, Option<(i64, String)>)> {
    let action = Action::parse(req.action.trim()).ok_or_else(|| {
        ServiceError::invalid(
            "action",
            "acknowledge, note, reassign, resolve, close, reopen or follow_up",
        )
    })?;
    let mut errors = Vec::new();
    let note = checked_text(
        &mut errors,
        "note",
        &req.note,
        matches!(action, Action::Note | Action::Reopen),
    );
    let mut owner = None;
    match action {
        Action::Reassign => {
            let wanted = req.owner.as_deref().unwrap_or("").trim();
            let owners = stored::possible_owners(db, row.store_id).await?;
            match owners.into_iter().find(|(u, _, _)| u == wanted) {
                Some((_, name, id)) if Some(id) != row.owner_id => owner = Some((id, name)),
                Some(_) => errors.push(FieldError::new("owner", "already the owner")),
                None => errors.push(FieldError::new(
                    "owner",
                    "a manager of the store, its region's manager or an admin",
                )),
            }
        }
        Action::Resolve => {
            let cause = req.root_cause.as_deref().unwrap_or("").trim();
            if !valid_label(cause) {
                errors.push(FieldError::new("root_cause", "why it happened"));
            }
            checked_text(
                &mut errors,
                "action_taken",
                req.action_taken.as_deref().unwrap_or(""),
                true,
            );
        }
        Action::FollowUp if !req.satisfaction.is_some_and(|s| SATISFACTION.contains(&s)) => {
            errors.push(FieldError::new("satisfaction", "1 to 5"));
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok((action, note, owner))
    } else {
        Err(ServiceError::Invalid(errors))
    }
}

/// Act on a case the actor handles. Returns the status it has afterwards.
pub async fn act(
    db: &Db,
    org: &OrgSettings,
    actor: &Actor,
    id: i64,
    req: &CaseActionRequest,
    now_ms: i64,
) -> ServiceResult<CaseStatus> {
    let seen = stored::get(db, actor, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (action, note, owner) = checked_action(db, &seen, req).await?;
    let mut tx = db.write_tx().await?;
    let mut row = stored::for_update(&mut tx, db.backend, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let from = CaseStatus::parse(&row.status)
        .ok_or_else(|| ServiceError::Internal(format!("unknown case status {}", row.status)))?;
    let to = action.target(from).ok_or_else(|| {
        ServiceError::Conflict(format!(
            "this case is {}: it cannot be given {}",
            from.as_str(),
            action.as_str()
        ))
    })?;
    let mut data = serde_json::json!({ "from": from.as_str(), "to": to.as_str() });
    match action {
        Action::Acknowledge => row.acknowledged_at = Some(now_ms),
        Action::Note => {}
        Action::Reassign => {
            let (new_owner, name) = owner.clone().ok_or(ServiceError::NotFound)?;
            row.owner_id = Some(new_owner);
            row.reassignments += 1;
            data["owner"] = serde_json::json!(name);
            if row.reassignments >= BOUNCED_AFTER {
                let mut markers = Marker::split(&row.markers);
                markers.push(Marker::Bounced);
                row.markers = Marker::join(&markers);
                row.priority = priority(&Marker::split(&row.markers)).as_str().into();
            }
        }
        Action::Resolve => {
            row.root_cause = req.root_cause.as_deref().map(|s| s.trim().to_string());
            row.action_taken = req.action_taken.as_deref().map(|s| mask_contacts(s.trim()));
            row.resolved_at = Some(now_ms);
            row.acknowledged_at.get_or_insert(now_ms);
        }
        Action::Close => {
            row.closed_at = Some(now_ms);
            let due = now_ms + i64::from(org.case_follow_up_days) * DAY_MS;
            row.follow_up_due = Some(due);
            let key = format!("case-follow-up:{id}");
            let payload = serde_json::json!({ "case": id }).to_string();
            jobs::schedule(&mut tx, (FOLLOW_UP_JOB, &key), &payload, due, now_ms).await?;
        }
        Action::Reopen => {
            // New deadlines from now, acknowledged again, escalated again if missed.
            row.clock_from = now_ms;
            row.level = 0;
            row.acknowledged_at = None;
            row.resolved_at = None;
            row.closed_at = None;
            row.follow_up_due = None;
        }
        Action::FollowUp => {
            if row.follow_up_done_at.is_some() {
                return Err(ServiceError::Conflict(
                    "the follow-up was recorded already".into(),
                ));
            }
            row.follow_up_done_at = Some(now_ms);
            let satisfaction = req.satisfaction.map(i64::from);
            row.satisfaction = satisfaction;
            data["satisfaction"] = serde_json::json!(satisfaction);
        }
    }
    row.status = to.as_str().into();
    stored::save(&mut tx, &row, now_ms).await?;
    let note = mask_contacts(&note);
    stored::add_event(
        &mut tx,
        id,
        (action.as_str(), &note, &data.to_string()),
        Some(actor.user_id),
        now_ms,
    )
    .await?;
    if let (Action::Reassign, Some((new_owner, _))) = (action, owner) {
        let about = About {
            case_id: Some(id),
            store_id: Some(row.store_id),
            ..About::default()
        };
        let reference = format!("case:{id}:assigned:{}", row.reassignments);
        inbox::add(
            &mut tx,
            &[new_owner],
            ("case_assigned", &reference),
            &about,
            now_ms,
        )
        .await?;
    }
    schedule_deadline(&mut tx, org, id, &clock_of(&row), now_ms).await?;
    tx.commit().await?;
    Ok(to)
}

/// The job of a case's deadline: escalate it if the step due was missed (once, however many
/// servers run the job), tell the next level up, and queue the next check.
pub async fn deadline_job(
    db: &Db,
    org: &OrgSettings,
    job: &Claimed,
    case_id: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    if !jobs::finish(&mut tx, job, now_ms).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    let Some(row) = stored::for_update(&mut tx, db.backend, case_id).await? else {
        tx.commit().await?;
        return Ok(false);
    };
    let deadlines = org.case_deadlines();
    let mut clock = clock_of(&row);
    let mut escalated = false;
    if let Some((at, level)) = clock.next_escalation(&deadlines) {
        if at <= now_ms
            && stored::escalate(&mut tx, case_id, (row.level, level.into()), now_ms).await?
        {
            let data = serde_json::json!({ "level": level }).to_string();
            stored::add_event(&mut tx, case_id, ("escalated", "", &data), None, now_ms).await?;
            let targets = stored::escalation_targets(&mut tx, row.store_id, level).await?;
            let about = About {
                case_id: Some(case_id),
                store_id: Some(row.store_id),
                ..About::default()
            };
            // A reopened case escalates afresh: its clock start is part of the reference.
            let reference = format!("case:{case_id}:escalated:{level}:{}", row.clock_from);
            inbox::add(
                &mut tx,
                &targets,
                ("case_escalated", &reference),
                &about,
                now_ms,
            )
            .await?;
            clock.level = level;
            escalated = true;
        }
    }
    schedule_deadline(&mut tx, org, case_id, &clock, now_ms).await?;
    tx.commit().await?;
    Ok(escalated)
}

/// The job of a closed case's follow-up: when due, it goes to the owner's inbox.
pub async fn follow_up_job(
    db: &Db,
    job: &Claimed,
    case_id: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write_tx().await?;
    if !jobs::finish(&mut tx, job, now_ms).await? {
        return tx.rollback().await;
    }
    if let Some(row) = stored::for_update(&mut tx, db.backend, case_id).await? {
        let waiting = row.status == CaseStatus::Closed.as_str() && row.follow_up_done_at.is_none();
        if let (true, Some(due), Some(owner)) = (waiting, row.follow_up_due, row.owner_id) {
            if due <= now_ms {
                let about = About {
                    case_id: Some(case_id),
                    store_id: Some(row.store_id),
                    ..About::default()
                };
                let reference = format!("case:{case_id}:follow_up:{}", row.closed_at.unwrap_or(0));
                inbox::add(
                    &mut tx,
                    &[owner],
                    ("follow_up_due", &reference),
                    &about,
                    now_ms,
                )
                .await?;
            }
        }
    }
    tx.commit().await
}

/// The job of a released visit with a failed critical item: a case for its store, once.
pub async fn from_visit_job(
    db: &Db,
    templates: &super::db::templates::TemplateCache,
    org: &OrgSettings,
    job: &Claimed,
    response_id: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let visit = stored::visit_for_case(db, response_id).await?;
    let mut tx = db.write_tx().await?;
    if !jobs::finish(&mut tx, job, now_ms).await? {
        return tx.rollback().await;
    }
    if let Some(v) = visit {
        let version = u32::try_from(v.template_version).unwrap_or(0);
        let failed: Vec<String> = match templates.get(db, &v.template_key, version).await? {
            Some(t) => {
                let inputs: Vec<crate::domain::answers::AnswerInput> =
                    serde_json::from_str(&v.answers).unwrap_or_default();
                let answers = crate::domain::answers::answers_so_far(&t.template, &inputs);
                crate::domain::score(&t.template, &answers)
                    .critical_failures
                    .iter()
                    .filter_map(|q| t.template.question(q).map(|q| q.text.en.clone()))
                    .collect()
            }
            None => Vec::new(),
        };
        // Released and still failing a critical item (an upheld appeal may have changed it).
        if !failed.is_empty() {
            let description = format!("Failed critical items: {}", failed.join("; "));
            let new = NewCase {
                store_id: v.store_id,
                source: "mystery_visit",
                via: "visit",
                response_id: Some(response_id),
                client_key: None,
                category: "critical_item",
                description: &description,
                wants: "",
                claim_amount: None,
                vip: false,
                contact: None,
                opened_by: None,
            };
            open_in(&mut tx, org, &new, now_ms).await?;
        }
    }
    tx.commit().await
}

/// Who of the case's readers sees the customer's contact: its owner and the store's own
/// managers (the customer agreed to be called by the store).
fn sees_contact(actor: &Actor, row: &CaseRow) -> bool {
    row.owner_id == Some(actor.user_id) || actor.role == Role::StoreManager
}

fn summary(row: &CaseRow, org: &OrgSettings, now_ms: i64) -> CaseSummary {
    let clock = clock_of(row);
    let deadlines = org.case_deadlines();
    CaseSummary {
        id: row.id,
        store_code: row.store_code.clone(),
        store_name: row.store_names.text(),
        timezone: row.timezone.clone(),
        source: row.source.clone(),
        via: row.via.clone(),
        category: row.category.clone(),
        status: row.status.clone(),
        priority: row.priority.clone(),
        markers: row.markers.split_whitespace().map(str::to_string).collect(),
        owner: row.owner_name.clone(),
        opened_at: from_ms(row.opened_at),
        due_at: clock.due_at(&deadlines).map(from_ms),
        overdue: clock.overdue(&deadlines, now_ms),
        level: clock.level,
        excerpt: row.description.chars().take(140).collect(),
    }
}

/// How many cases one page lists.
pub const LIST_PAGE: i64 = 200;

/// The cases the actor handles, newest first.
pub async fn list(
    db: &Db,
    org: &OrgSettings,
    actor: &Actor,
    filter: CaseFilter,
    now_ms: i64,
) -> ServiceResult<CaseList> {
    let can_open = matches!(
        actor.role,
        Role::Admin | Role::RegionalManager | Role::StoreManager | Role::Employee
    );
    if !matches!(
        actor.role,
        Role::Admin | Role::RegionalManager | Role::StoreManager
    ) {
        return Err(ServiceError::Forbidden);
    }
    let status = filter.status.trim();
    let (db_status, overdue_only) = match status {
        "" | "open" => ("open", false),
        "overdue" => ("open", true),
        "all" => ("", false),
        s if CaseStatus::parse(s).is_some() => (s, false),
        _ => {
            return Err(ServiceError::invalid(
                "status",
                "open, overdue, all or one status",
            ))
        }
    };
    let store = filter.store.trim();
    if store.chars().count() > 40 {
        return Err(ServiceError::invalid("store", "a store's code"));
    }
    let rows = stored::list(
        db,
        actor,
        &ListFilter {
            status: db_status,
            store,
        },
        if overdue_only { 2000 } else { LIST_PAGE + 1 },
    )
    .await?;
    let mut items: Vec<CaseSummary> = rows
        .iter()
        .map(|r| summary(r, org, now_ms))
        .filter(|s| !overdue_only || s.overdue)
        .collect();
    let more = items.len() as i64 > LIST_PAGE;
    items.truncate(LIST_PAGE as usize);
    let stores = stored::openable_stores(db, actor)
        .await?
        .into_iter()
        .map(|(_, code, names)| (code, names.text()))
        .collect();
    Ok(CaseList {
        filter: CaseFilter {
            status: if status.is_empty() {
                "open".into()
            } else {
                status.into()
            },
            store: store.into(),
        },
        items,
        more,
        stores,
        can_open,
    })
}

/// One case with its timeline, what the reader may do, and (for the store's managers and the
/// owner) the customer's contact. Opening it marks its inbox items read.
pub async fn detail(
    db: &Db,
    org: &OrgSettings,
    actor: &Actor,
    id: i64,
    csrf: String,
    now_ms: i64,
) -> ServiceResult<CaseDetail> {
    let row = stored::get(db, actor, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let status = CaseStatus::parse(&row.status).unwrap_or(CaseStatus::New);
    let contact = if sees_contact(actor, &row) {
        stored::contact(db, id)
            .await?
            .map(|(name, phone, email)| CaseContact { name, phone, email })
    } else {
        None
    };
    let events = stored::events(db, id)
        .await?
        .into_iter()
        .map(|e| {
            let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
            let detail = ["owner", "level", "satisfaction"]
                .iter()
                .find_map(|k| data.get(*k).filter(|v| !v.is_null()))
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                });
            CaseEventView {
                kind: e.kind,
                note: e.note,
                by: e.by_name,
                at: from_ms(e.at),
                detail,
            }
        })
        .collect();
    let actions = Action::ALL
        .into_iter()
        .filter(|a| a.target(status).is_some())
        .filter(|a| *a != Action::FollowUp || row.follow_up_done_at.is_none())
        .map(|a| a.as_str().to_string())
        .collect();
    let owners = stored::possible_owners(db, row.store_id)
        .await?
        .into_iter()
        .map(|(u, name, _)| (u, name))
        .collect();
    inbox::mark_case_read(db, actor.user_id, id, now_ms).await?;
    Ok(CaseDetail {
        summary: summary(&row, org, now_ms),
        description: row.description.clone(),
        wants: row.wants.clone(),
        claim_amount: row.claim_amount,
        response_id: row.response_id.clone(),
        root_cause: row.root_cause.clone(),
        action_taken: row.action_taken.clone(),
        follow_up_due: row.follow_up_due.map(from_ms),
        follow_up_done_at: row.follow_up_done_at.map(from_ms),
        satisfaction: row.satisfaction.and_then(|s| u8::try_from(s).ok()),
        contact,
        events,
        actions,
        owners,
        csrf,
    })
}
