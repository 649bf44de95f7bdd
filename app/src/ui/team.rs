//! `/stores/{code}/team`: the team's monthly self-assessment for its store's managers, apart
//! from what customers said. Server-only: plain HTML.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::team_page;
use crate::domain::display::trimmed;
use crate::ui::{load_error, use_locale};
use crate::{tr, trn};

#[component]
pub fn TeamPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let page = Resource::new(
        move || params.with(|p| p.get("code").unwrap_or_default()),
        team_page,
    );
    view! {
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Ok(team) => view! {
                    <h1>{tr!(locale, "team.title", store = team.store_name.get(locale.code()).to_string())}</h1>
                    <p class="lead">{tr!(locale, "self.privacy")}</p>
                    <SelfAssessment periods=team.periods.clone() questions=team.questions.clone()/>
                    <p><a href=format!("/stores/{}/scorecard", team.store_code)>{tr!(locale, "report.back")}</a></p>
                }.into_any(),
                Err(e) => load_error(locale, e),
            })}
        </Suspense>
    }
}

/// The team's own view: totals per question, only from the chain's threshold of answers in a
/// month (never below three).
#[component]
fn SelfAssessment(
    periods: Vec<crate::domain::self_assessment::Summary>,
    questions: Vec<(String, crate::domain::I18nText)>,
) -> impl IntoView {
    let locale = use_locale();
    let label = move |id: &str| {
        questions
            .iter()
            .find(|(q, _)| q == id)
            .map(|(_, t)| t.get(locale.code()).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    view! {
        <section class="card">
            <h2>{tr!(locale, "answers.self_title")}</h2>
            {periods.into_iter().map(|s| {
                let shown = s.count >= s.min;
                let heading = trn!(locale, "answers.self_period", count = s.count, period = s.period.clone());
                let rows = s.means.iter().map(|m| view! {
                    <tr><td>{label(&m.question)}</td><td class="num">{trimmed(m.mean, 1)}</td></tr>
                }).collect_view();
                let comments = s.comments.iter().map(|c| view! { <blockquote class="comment">{c.clone()}</blockquote> }).collect_view();
                view! {
                    <h3>{heading}</h3>
                    {if shown {
                        leptos::either::Either::Left(view! {
                            <table class="means">
                                <thead><tr><th>{tr!(locale, "answers.self_question")}</th><th>{tr!(locale, "answers.self_mean")}</th></tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                            {comments}
                        })
                    } else {
                        leptos::either::Either::Right(view! { <p class="hint">{tr!(locale, "answers.self_too_few", min = s.min)}</p> })
                    }}
                }
            }).collect_view()}
        </section>
    }
}
