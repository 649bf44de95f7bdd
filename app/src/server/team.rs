//! The team's self-assessment as a store's managers read it: per month, how many answered,
//! and from the chain's threshold of answers (never below three) on the averages and the
//! comments, never one answer, a
//! name or a time. Its own page, apart from what customers said.

use super::auth::Actor;
use super::db::templates::TemplateCache;
use super::db::{org, Db};
use super::error::{ServiceError, ServiceResult};
use crate::api::wire::TeamView;

pub async fn for_store(
    db: &Db,
    templates: &TemplateCache,
    actor: &Actor,
    code: &str,
    min_answers: i64,
) -> ServiceResult<TeamView> {
    if !actor.role.reads_scores() {
        return Err(ServiceError::Forbidden);
    }
    let store = org::visible_store_row(db, actor, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (self_assessment, self_questions) = match org::staff_store_by_code(db, &store.code).await? {
        Some(staff_store) => {
            let now = super::from_ms(super::now_ms());
            let this = super::self_assessment::current_period(&staff_store, now);
            let last = super::self_assessment::previous_period(&this);
            let summaries = super::self_assessment::summaries(
                db,
                templates,
                store.id,
                &[this, last],
                min_answers,
            )
            .await?;
            let questions = super::self_assessment::current_template(db, templates)
                .await?
                .map(|v| {
                    v.template
                        .questions()
                        .map(|(_, q)| (q.id.clone(), q.text.clone()))
                        .collect()
                })
                .unwrap_or_default();
            (summaries, questions)
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(TeamView {
        store_code: store.code,
        store_name: store.names.text(),
        periods: self_assessment,
        questions: self_questions,
    })
}
