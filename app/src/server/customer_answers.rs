//! What a store's managers read of its customer answers: the newest answers with comments
//! and flags, the NPS with and without flagged answers, and (for the store's own managers)
//! the call-back requests. Scoped like every store read.

use super::auth::Actor;
use super::db::responses::{self, FlagFilter};
use super::db::templates::TemplateCache;
use super::db::{org, Db};
use super::error::{ServiceError, ServiceResult};
use super::store_time::{period_ms, store_today};
use crate::api::wire::{CallBackView, CustomerAnswerView};
use crate::domain::calendar::{weeks_ending, DEFAULT_WEEKS};
use crate::domain::{AnswerInput, Nps, QuestionType};

pub struct CustomerAnswers {
    pub store_code: String,
    pub store_name: crate::domain::I18nText,
    /// The store's IANA time zone: its times are shown on its clock.
    pub timezone: String,
    pub answers: Vec<CustomerAnswerView>,
    /// Over the window: NPS answers counted (not flagged) and flagged.
    pub counted: Nps,
    pub with_flagged: Nps,
    /// None unless the actor is one of the store's own managers.
    pub call_backs: Option<Vec<CallBackView>>,
}

/// Customers' NPS over `[from, to)` as the figures count it (flagged answers left out), and
/// with the flagged answers too: what every page shows next to the figure.
pub async fn nps_without_and_with_flagged(
    db: &Db,
    store_id: i64,
    span: (i64, i64),
) -> ServiceResult<(Nps, Nps)> {
    let recommends = responses::customer_recommends(db, store_id, span).await?;
    let counted = Nps::from_answers(recommends.iter().filter(|(_, f)| !f).map(|(v, _)| *v));
    let with_flagged = Nps::from_answers(recommends.iter().map(|(v, _)| *v));
    Ok((counted, with_flagged))
}

pub async fn for_store(
    db: &Db,
    templates: &TemplateCache,
    actor: &Actor,
    code: &str,
    flagged: FlagFilter,
) -> ServiceResult<CustomerAnswers> {
    if !actor.role.reads_scores() {
        return Err(ServiceError::Forbidden);
    }
    let store = org::visible_store_row(db, actor, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rows = responses::customer_answers(db, actor, store.id, flagged, 100).await?;
    let mut answers = Vec::with_capacity(rows.len());
    for row in rows {
        let comment = match templates
            .get(db, &row.template, row.template_version)
            .await?
        {
            Some(version) => {
                let inputs: Vec<AnswerInput> =
                    serde_json::from_str(&row.answers_json).unwrap_or_default();
                inputs
                    .iter()
                    .filter(|a| {
                        version
                            .template
                            .question(&a.question)
                            .is_some_and(|q| q.kind == QuestionType::FreeText)
                    })
                    .filter_map(|a| a.value.as_ref()?.as_str().map(str::to_string))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            None => String::new(),
        };
        answers.push(CustomerAnswerView {
            id: row.id,
            sent_at: super::from_ms(row.finished_at),
            recommend: row.recommend,
            score: row.score,
            placement: row.channel_tag,
            comment,
            flags: row.flags,
        });
    }
    // The same weeks as the scorecard's default period, so both pages give the same NPS.
    let weeks = weeks_ending(store_today(&store.timezone), DEFAULT_WEEKS);
    let span = period_ms(&store.timezone, weeks[0], weeks[weeks.len() - 1]);
    let (counted, with_flagged) = nps_without_and_with_flagged(db, store.id, span).await?;
    let call_backs = if actor.role == crate::api::wire::Role::StoreManager {
        Some(responses::call_backs(db, actor, store.id, 100).await?)
    } else {
        None
    };
    Ok(CustomerAnswers {
        store_code: store.code,
        store_name: store.names.text(),
        timezone: store.timezone,
        answers,
        counted,
        with_flagged,
        call_backs,
    })
}
