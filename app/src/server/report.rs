//! A response read back in full, and a store's latest comments, critical failures and
//! reports. The score breakdown is the same `domain::scoring::score` the phone showed the
//! shopper and the weekly figures were built from, run again on the stored answers with the
//! template version they were given against.

use super::auth::Actor;
use super::db::reports::{self, ListedResponse, Listing, Reader};
use super::db::templates::{StoredVersion, TemplateCache};
use super::db::{org, Db};
use super::error::{ServiceError, ServiceResult};
use super::from_ms;
use super::store_time::{period_ms, store_today};
use crate::api::wire::report::{
    CommentList, CommentView, CriticalView, DimensionPart, Report, ReportItem, ReportLink,
    ReportSection, Shown,
};
use crate::api::wire::review::{AppealView, DecisionView};
use crate::api::wire::Role;
use crate::domain::answers::{stored_answers, Answer, AnswerInput, AnswerSet, AnswerValue};
use crate::domain::calendar::period_or_default;
use crate::domain::evidence::distance_m;
use crate::domain::org_settings::OrgSettings;
use crate::domain::rollup::weeks_ending;
use crate::domain::scoring::{score, ScoreCard, Tally};
use crate::domain::status::Status;
use crate::domain::CheckIn;
use crate::domain::{Channel, I18nText, Question, QuestionType, Template};

/// The stored answers checked against their template again, and scored.
fn rescore(stored: &StoredVersion, answers_json: &str) -> ServiceResult<(AnswerSet, ScoreCard)> {
    let inputs: Vec<AnswerInput> =
        serde_json::from_str(answers_json).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let answers = stored_answers(&stored.template, &inputs)
        .map_err(|e| ServiceError::Internal(format!("stored answers no longer check: {e:?}")))?;
    let card = score(&stored.template, &answers);
    Ok((answers, card))
}

async fn version(
    db: &Db,
    templates: &TemplateCache,
    key: &str,
    version: u32,
) -> ServiceResult<StoredVersion> {
    templates
        .get(db, key, version)
        .await?
        .ok_or_else(|| ServiceError::Internal(format!("template {key} v{version} is missing")))
}

/// Who reads a report decides which rule finds it: reviewers see visits in every status,
/// managers what counts (admins everything), employees the released visits of their store.
fn reader_of(actor: &Actor, org: &OrgSettings) -> Option<Reader> {
    if super::review::reviews(actor, org) {
        Some(Reader::Reviewer)
    } else if actor.role.reads_scores() {
        Some(Reader::Manager)
    } else if actor.role == Role::Employee {
        Some(Reader::Employee)
    } else {
        None
    }
}

pub async fn for_response(
    db: &Db,
    templates: &TemplateCache,
    org: &OrgSettings,
    actor: &Actor,
    id: &str,
    now_ms: i64,
) -> ServiceResult<Report> {
    let reader = reader_of(actor, org).ok_or(ServiceError::Forbidden)?;
    let row = reports::visible_report_row(db, actor, id, reader)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // A reviewer looking at a waiting visit keeps it from releasing itself.
    if reader == Reader::Reviewer && row.status == Status::Submitted.as_str() {
        super::db::review::mark_opened(db, &row.id, now_ms).await?;
    }
    let template_version = u32::try_from(row.template_version).unwrap_or(0);
    let stored = version(db, templates, &row.template_key, template_version).await?;
    let (answers, card) = rescore(&stored, &row.answers_json)?;
    let t = &stored.template;
    let check_in: Option<CheckIn> = row
        .check_in
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let appeals = super::db::appeals::of_response(db, &row.id).await?;
    let appeal_deadline = if actor.role == Role::StoreManager {
        super::appeals::deadline(db, org, &row.id).await?
    } else {
        None
    };
    let decisions = decisions(db, &row.id, reader).await?;
    let tz: chrono_tz::Tz = row.timezone.parse().unwrap_or(chrono_tz::UTC);
    let sections = t
        .sections
        .iter()
        .map(|section| {
            let tally = card
                .sections
                .iter()
                .find(|(id, _)| *id == section.id)
                .map(|(_, t)| *t)
                .unwrap_or_default();
            ReportSection {
                title: section.title.clone(),
                earned: tally.earned,
                possible: tally.possible,
                percent: percent(&tally),
                items: section
                    .questions
                    .iter()
                    .filter_map(|q| {
                        let item = card.items.iter().find(|i| i.question == q.id)?;
                        Some(ReportItem {
                            question: q.id.clone(),
                            text: q.text.clone(),
                            answer: match shown(q, answers.get(&q.id)) {
                                // A photo may show who made the visit, or a colleague.
                                Shown::Photo(_) if reader == Reader::Employee => Shown::PhotoKept,
                                other => other,
                            },
                            status: item.status,
                            earned: item.earned,
                            possible: item.possible,
                            critical: item.critical,
                            dimension: item.dimension,
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Report {
        id: row.id,
        store_code: row.store_code,
        store_name: row.store_names.text(),
        timezone: row.timezone,
        channel: Channel::parse(&row.channel).unwrap_or(t.channel),
        template_title: t.title.clone(),
        template_key: row.template_key,
        template_version,
        started_at: from_ms(row.started_at),
        finished_at: from_ms(row.finished_at),
        received_at: from_ms(row.received_at),
        percent: percent(&card.overall),
        earned: card.overall.earned,
        possible: card.overall.possible,
        not_applicable: card.overall.not_applicable,
        critical_failures: question_texts(t, &card.critical_failures),
        dimensions: card
            .dimensions
            .iter()
            .map(|(d, tally)| DimensionPart {
                dimension: *d,
                earned: tally.earned,
                possible: tally.possible,
                percent: percent(tally),
            })
            .collect(),
        sections,
        flags: row.flags.split_whitespace().map(str::to_string).collect(),
        check_in_at: check_in.as_ref().map(|c| c.at),
        distance_m: check_in.as_ref().and_then(|c| {
            let here = (c.latitude?, c.longitude?);
            let store = (row.store_latitude?, row.store_longitude?);
            Some(distance_m(here, store).round() as u32)
        }),
        evidence: serde_json::from_str(&row.evidence).unwrap_or_default(),
        must_review: row.review_reason.clone(),
        releases_at: row.review_due.map(from_ms),
        revision: row.revision,
        shopper: (reader == Reader::Reviewer)
            .then(|| row.submitted_by_name.clone())
            .flatten(),
        decisions,
        appeals: appeals
            .iter()
            .map(|a| AppealView {
                id: a.id,
                question: a.question.clone(),
                question_text: t
                    .question(&a.question)
                    .map(|q| q.text.clone())
                    .unwrap_or_else(|| I18nText {
                        en: a.question.clone(),
                        zh_cn: None,
                        ru: None,
                    }),
                reason: a.reason.clone(),
                status: a.status.clone(),
                reply: a.reply.clone(),
                by: (reader != Reader::Employee)
                    .then(|| a.appealed_by_name.clone())
                    .flatten(),
                at: from_ms(a.appealed_at),
                decided_by: (reader != Reader::Employee)
                    .then(|| a.decided_by_name.clone())
                    .flatten(),
                decided_at: a.decided_at.map(from_ms),
            })
            .collect(),
        may_decide: reader == Reader::Reviewer
            && matches!(row.status.as_str(), "submitted" | "returned"),
        may_decide_appeals: reader == Reader::Reviewer
            && appeals.iter().any(|a| a.status == "open"),
        appeal_until: match (actor.role, appeal_deadline) {
            (Role::StoreManager, Some(until)) if until >= now_ms => {
                Some(from_ms(until).with_timezone(&tz).date_naive())
            }
            _ => None,
        },
        employee_copy: reader == Reader::Employee,
        status: row.status,
        status_reason: row.status_reason,
    })
}

/// The decisions on a response, as this reader may see them: managers and the team see
/// what was decided and why, reviewers also who decided.
async fn decisions(db: &Db, id: &str, reader: Reader) -> ServiceResult<Vec<DecisionView>> {
    Ok(super::db::status::history(db, id)
        .await?
        .into_iter()
        .map(|c| DecisionView {
            from_status: c.from_status,
            to_status: c.to_status,
            reason: c.reason,
            by: (reader == Reader::Reviewer)
                .then_some(c.changed_by_name)
                .flatten(),
            at: from_ms(c.changed_at),
            comments: serde_json::from_str(&c.comments).unwrap_or_default(),
            revision: c.revision,
        })
        .collect())
}

fn percent(t: &Tally) -> Option<f64> {
    t.percent().map(|s| s.value())
}

fn question_texts(t: &Template, ids: &[String]) -> Vec<I18nText> {
    ids.iter()
        .map(|id| {
            t.question(id).map(|q| q.text.clone()).unwrap_or(I18nText {
                en: id.clone(),
                zh_cn: None,
                ru: None,
            })
        })
        .collect()
}

fn shown(q: &Question, answer: Option<&Answer>) -> Shown {
    let label = |id: &str| {
        q.option(id).map(|o| o.label.clone()).unwrap_or(I18nText {
            en: id.to_string(),
            zh_cn: None,
            ru: None,
        })
    };
    match answer {
        None => Shown::Missing,
        Some(Answer::NotApplicable) => Shown::NotApplicable,
        Some(Answer::Value(v)) => match v {
            AnswerValue::YesNo(b) => Shown::YesNo(*b),
            AnswerValue::Scale(v) => Shown::OutOf { value: *v, max: 5 },
            AnswerValue::Recommend(v) => Shown::OutOf { value: *v, max: 10 },
            AnswerValue::Choice(id) => Shown::Choices(vec![label(id)]),
            AnswerValue::Choices(ids) => Shown::Choices(ids.iter().map(|id| label(id)).collect()),
            AnswerValue::Number(n) => Shown::Number(*n),
            AnswerValue::DurationSeconds(s) => Shown::Seconds(*s),
            AnswerValue::Count(c) => Shown::Count(*c),
            AnswerValue::Text(t) => Shown::Text(t.clone()),
            AnswerValue::Photo(sha) => Shown::Photo(sha.clone()),
        },
    }
}

/// How many of each list the scorecard shows; the comments page reads on from there.
pub const LATEST_COMMENTS: usize = 5;
pub const LATEST_CRITICAL: i64 = 10;
pub const LATEST_REPORTS: i64 = 8;
const COMMENTS_PER_PAGE: usize = 50;
/// Responses read per round while collecting comments (most responses have none).
const SCAN_BATCH: i64 = 200;

/// What the scorecard lists under its figures: the latest reports, critical failures and
/// comments of the period.
pub struct Latest {
    pub reports: Vec<ReportLink>,
    pub critical: Vec<CriticalView>,
    pub comments: Vec<CommentView>,
}

pub async fn latest(
    db: &Db,
    templates: &TemplateCache,
    store_id: i64,
    (start, end): (i64, i64),
) -> ServiceResult<Latest> {
    let listing = |critical_only, limit| Listing {
        store_id,
        from_ms: start,
        to_ms: end,
        critical_only,
        before: None,
        limit,
    };
    let newest = reports::store_listing(db, &listing(false, LATEST_REPORTS)).await?;
    let reports = newest
        .iter()
        .filter(|r| r.channel != Channel::CustomerQr.as_str())
        .filter_map(|r| {
            Some(ReportLink {
                response_id: r.id.clone(),
                channel: Channel::parse(&r.channel)?,
                finished_at: from_ms(r.finished_at),
                score: r.score,
                critical_failed: r.critical_failed,
            })
        })
        .collect();
    let mut critical = Vec::new();
    for r in reports::store_listing(db, &listing(true, LATEST_CRITICAL)).await? {
        let stored = version(db, templates, &r.template_key, r.template_version).await?;
        let (_, card) = rescore(&stored, &r.answers_json)?;
        let Some(channel) = Channel::parse(&r.channel) else {
            continue;
        };
        critical.push(CriticalView {
            response_id: r.id,
            channel,
            finished_at: from_ms(r.finished_at),
            score: r.score,
            items: question_texts(&stored.template, &card.critical_failures),
        });
    }
    let (comments, _) =
        collect_comments(db, templates, listing(false, SCAN_BATCH), LATEST_COMMENTS).await?;
    Ok(Latest {
        reports,
        critical,
        comments,
    })
}

/// Free-text answers of the responses the listing reads, newest first, until `wanted` are
/// found or the period is read. Returns them and where the next page would start.
async fn collect_comments(
    db: &Db,
    templates: &TemplateCache,
    mut listing: Listing,
    wanted: usize,
) -> ServiceResult<(Vec<CommentView>, Option<(i64, String)>)> {
    let mut found = Vec::new();
    loop {
        let batch = reports::store_listing(db, &listing).await?;
        let full = batch.len() as i64 == listing.limit;
        for r in &batch {
            found.extend(comments_of(db, templates, r).await?);
            listing.before = Some((r.finished_at, r.id.clone()));
            if found.len() >= wanted {
                return Ok((found, listing.before));
            }
        }
        if !full {
            return Ok((found, None));
        }
    }
}

async fn comments_of(
    db: &Db,
    templates: &TemplateCache,
    r: &ListedResponse,
) -> ServiceResult<Vec<CommentView>> {
    let Some(channel) = Channel::parse(&r.channel) else {
        return Ok(Vec::new());
    };
    let stored = version(db, templates, &r.template_key, r.template_version).await?;
    let inputs: Vec<AnswerInput> =
        serde_json::from_str(&r.answers_json).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(inputs
        .iter()
        .filter_map(|input| {
            let q = stored.template.question(&input.question)?;
            let text = input.value.as_ref()?.as_str()?.trim();
            (q.kind == QuestionType::FreeText && !text.is_empty()).then(|| CommentView {
                response_id: r.id.clone(),
                channel,
                finished_at: from_ms(r.finished_at),
                question: q.text.clone(),
                text: text.to_string(),
            })
        })
        .collect())
}

/// All comments of a store's period, a page at a time. `after` is the previous page's
/// `next` (empty for the first page).
pub async fn comments(
    db: &Db,
    templates: &TemplateCache,
    actor: &Actor,
    code: &str,
    weeks: u32,
    after: &str,
) -> ServiceResult<CommentList> {
    if !actor.role.reads_scores() {
        return Err(ServiceError::Forbidden);
    }
    let store = org::visible_store_row(db, actor, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let weeks = period_or_default(weeks);
    let days = weeks_ending(store_today(&store.timezone), weeks);
    let (start, end) = period_ms(&store.timezone, days[0], days[days.len() - 1]);
    let before = after
        .split_once(':')
        .and_then(|(ms, id)| Some((ms.parse::<i64>().ok()?, id.to_string())));
    let listing = Listing {
        store_id: store.id,
        from_ms: start,
        to_ms: end,
        critical_only: false,
        before,
        limit: SCAN_BATCH,
    };
    let (comments, next) = collect_comments(db, templates, listing, COMMENTS_PER_PAGE).await?;
    Ok(CommentList {
        store_code: store.code,
        store_name: store.names.text(),
        timezone: store.timezone,
        weeks,
        comments,
        next: next.map(|(ms, id)| format!("{ms}:{id}")),
    })
}
