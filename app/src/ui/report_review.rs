//! The review parts of a visit's report (`/responses/{id}`): where it stands in review, the
//! evidence and check-in, every decision with its comments, the appeals, and the forms of
//! whoever may act (a reviewer's decision, a store manager's appeal, a reviewer's answer to
//! an appeal). Plain forms: they work without JavaScript.

use leptos::prelude::*;

use crate::api::report::Report;
use crate::api::wire::review::{AppealView, DecisionView};
use crate::i18n::{message, Locale};
use crate::tr;
use crate::ui::review::{why_text, EvidenceList};
use crate::ui::store_time;

/// The form ids the item rows' comment boxes belong to (`form=` attribute).
pub const DECISION_FORM: &str = "decision-form";
pub const APPEAL_FORM: &str = "appeal-form";

/// What a page message after a form post says (`?problem=`, `?appealed=`, ...).
pub fn notice(locale: Locale, problem: Option<String>, done: Option<&'static str>) -> AnyView {
    match (problem, done) {
        (Some(p), _) => {
            let known = [
                "reason", "comments", "decision", "items", "reply", "value", "conflict", "deadline",
            ];
            let key = if known.contains(&p.as_str()) {
                format!("review.problem.{p}")
            } else {
                "review.problem.other".to_string()
            };
            view! { <p class="notice alert" role="alert">{message(locale, &key)}</p> }.into_any()
        }
        (None, Some(done)) => {
            view! { <p class="notice status" role="status">{message(locale, done)}</p> }.into_any()
        }
        (None, None) => ().into_any(),
    }
}

/// Where the visit stands in review: waiting (and why), returned, voided; the evidence, the
/// check-in and the shopper (reviewers only).
#[component]
pub fn ReviewState(locale: Locale, report: Report) -> impl IntoView {
    let tz = report.timezone.clone();
    let waiting = (report.status == "submitted").then(|| {
        let why = why_text(
            locale,
            report.must_review.as_deref(),
            report.releases_at.as_ref().map(|t| store_time(t, &tz)),
            false,
        );
        view! { <p class="notice" role="status" data-status="submitted">{tr!(locale, "report.waiting")}" "{why}</p> }
    });
    let returned = (report.status == "returned").then(|| {
        view! { <p class="notice" role="status" data-status="returned">{tr!(locale, "report.returned", reason = report.status_reason.clone().unwrap_or_default())}</p> }
    });
    let voided = (report.status == "voided").then(|| {
        view! { <p class="notice alert" role="status" data-status="voided">{tr!(locale, "report.voided", reason = report.status_reason.clone().unwrap_or_default())}</p> }
    });
    let copy = report
        .employee_copy
        .then(|| view! { <p class="notice" role="note">{tr!(locale, "report.employee_copy")}</p> });
    // The team's copy says nothing of how the shopper worked, only what was found.
    let evidence = (!report.employee_copy).then(|| {
        let check_in = report.check_in_at.as_ref().map(|at| {
            let place = match report.distance_m {
                Some(m) => tr!(locale, "report.distance", metres = m),
                None => tr!(locale, "report.no_place"),
            };
            view! { <p data-test="check-in">{tr!(locale, "report.check_in", at = store_time(at, &tz))}" · "{place}</p> }
        });
        let shopper = report
            .shopper
            .clone()
            .map(|s| view! { <p>{tr!(locale, "report.shopper", name = s)}</p> });
        let flags = report.evidence.clone();
        let none = flags.is_empty();
        (check_in.is_some() || !none || shopper.is_some()).then(|| {
            view! {
                <section class="card evidence-card" aria-labelledby="evidence-title">
                    <h2 id="evidence-title">{tr!(locale, "report.evidence")}</h2>
                    {shopper}
                    {check_in}
                    {if none {
                        view! { <p class="hint">{tr!(locale, "report.no_evidence")}</p> }.into_any()
                    } else {
                        view! { <EvidenceList locale flags/> }.into_any()
                    }}
                </section>
            }
        })
    });
    view! { {copy}{waiting}{returned}{voided}{evidence} }
}

/// Every decision on the visit, oldest first, with the reviewer's comments on items.
#[component]
pub fn DecisionHistory(
    locale: Locale,
    decisions: Vec<DecisionView>,
    timezone: String,
    /// Question id to its text in the reader's language.
    questions: Vec<(String, String)>,
) -> impl IntoView {
    (!decisions.is_empty()).then(|| {
        let text_of = move |id: &str| {
            questions
                .iter()
                .find(|(q, _)| q == id)
                .map(|(_, t)| t.clone())
                .unwrap_or_else(|| id.to_string())
        };
        let rows = decisions
            .into_iter()
            .map(|d| {
                let what = message(locale, &format!("report.decision.{}", d.to_status));
                let who = d.by.clone().unwrap_or_default();
                let comments = d
                    .comments
                    .iter()
                    .map(|c| view! { <li><strong>{text_of(&c.question)}": "</strong>{c.text.clone()}</li> })
                    .collect_view();
                view! {
                    <li data-to=d.to_status.clone()>
                        <p>
                            <strong>{what}</strong>" · "{store_time(&d.at, &timezone)}
                            {(!who.is_empty()).then(|| format!(" · {who}"))}
                        </p>
                        {(!d.reason.is_empty()).then(|| view! { <p>{d.reason.clone()}</p> })}
                        {(!d.comments.is_empty()).then(|| view! { <ul class="item-comments">{comments}</ul> })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="card" aria-labelledby="decisions-title">
                <h2 id="decisions-title">{tr!(locale, "report.decisions")}</h2>
                <ol class="decisions">{rows}</ol>
            </section>
        }
    })
}

/// A reviewer's decision on a waiting (or returned) visit. The comments on items are the
/// boxes in the item rows (`form="decision-form"`).
#[component]
pub fn DecisionForm(locale: Locale, id: String, csrf: String, status: String) -> impl IntoView {
    let waiting = status == "submitted";
    view! {
        <section class="card" aria-labelledby="decide-title">
            <h2 id="decide-title">{tr!(locale, "report.decide")}</h2>
            <form id=DECISION_FORM method="post" action=format!("/responses/{id}/decision") class="stack">
                <input type="hidden" name="csrf" value=csrf/>
                <fieldset>
                    <legend>{tr!(locale, "report.decision")}</legend>
                    {waiting.then(|| view! {
                        <div><input type="radio" id="d-release" name="decision" value="release" checked=true/>" "<label for="d-release">{tr!(locale, "report.release")}</label></div>
                        <div><input type="radio" id="d-return" name="decision" value="return"/>" "<label for="d-return">{tr!(locale, "report.return")}</label></div>
                    })}
                    <div><input type="radio" id="d-void" name="decision" value="void" checked=!waiting/>" "<label for="d-void">{tr!(locale, "report.void")}</label></div>
                </fieldset>
                <label for="d-reason">{tr!(locale, "report.reason")}</label>
                <p class="hint" id="d-reason-hint">{tr!(locale, "report.reason_hint")}</p>
                <textarea id="d-reason" name="reason" rows="3" maxlength="1000" aria-describedby="d-reason-hint"></textarea>
                <button type="submit" class="button">{tr!(locale, "report.decide_button")}</button>
            </form>
        </section>
    }
}

/// The appeals of the visit, each with the reviewer's answer or (for a reviewer, while
/// open) the form to give it.
#[component]
pub fn AppealList(
    locale: Locale,
    appeals: Vec<AppealView>,
    timezone: String,
    csrf: String,
    may_decide: bool,
) -> impl IntoView {
    (!appeals.is_empty()).then(|| {
        let lang = locale.code();
        let items = appeals
            .into_iter()
            .map(|a| {
                let form = (may_decide && a.status == "open").then(|| {
                    let f = format!("appeal-{}", a.id);
                    view! {
                        <form method="post" action=format!("/appeals/{}/decision", a.id) class="stack appeal-decision">
                            <input type="hidden" name="csrf" value=csrf.clone()/>
                            <label for=format!("{f}-outcome")>{tr!(locale, "appeal.outcome")}</label>
                            <select id=format!("{f}-outcome") name="outcome">
                                <option value="rejected">{tr!(locale, "appeal.reject")}</option>
                                <option value="upheld">{tr!(locale, "appeal.uphold_na")}</option>
                                <option value="corrected">{tr!(locale, "appeal.uphold_value")}</option>
                            </select>
                            <label for=format!("{f}-value")>{tr!(locale, "appeal.value")}</label>
                            <p class="hint" id=format!("{f}-value-hint")>{tr!(locale, "appeal.value_hint")}</p>
                            <input type="text" id=format!("{f}-value") name="value" aria-describedby=format!("{f}-value-hint")/>
                            <label for=format!("{f}-reply")>{tr!(locale, "appeal.reply")}</label>
                            <textarea id=format!("{f}-reply") name="reply" rows="2" maxlength="1000" required></textarea>
                            <button type="submit" class="button secondary">{tr!(locale, "appeal.answer")}</button>
                        </form>
                    }
                });
                view! {
                    <li data-appeal=a.status.clone()>
                        <p><strong>{a.question_text.get(lang).to_string()}</strong>" · "{message(locale, &format!("appeal.status.{}", a.status))}</p>
                        <p>{tr!(locale, "appeal.reason", reason = a.reason.clone())}
                            <small class="meta">" · "{store_time(&a.at, &timezone)}{a.by.clone().map(|b| format!(" · {b}"))}</small></p>
                        {a.reply.clone().map(|r| view! {
                            <p>{tr!(locale, "appeal.replied", reply = r)}
                                <small class="meta">{a.decided_at.as_ref().map(|t| format!(" · {}", store_time(t, &timezone)))}{a.decided_by.clone().map(|b| format!(" · {b}"))}</small></p>
                        })}
                        {form}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="card" aria-labelledby="appeals-title">
                <h2 id="appeals-title">{tr!(locale, "appeal.title")}</h2>
                <ul class="appeals">{items}</ul>
            </section>
        }
    })
}

/// A store manager sends the appeal: the reasons are the boxes in the item rows
/// (`form="appeal-form"`).
#[component]
pub fn AppealForm(locale: Locale, id: String, csrf: String, until: String) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="appeal-title">
            <h2 id="appeal-title">{tr!(locale, "appeal.make")}</h2>
            <p class="hint">{tr!(locale, "appeal.make_hint", until = until)}</p>
            <form id=APPEAL_FORM method="post" action=format!("/responses/{id}/appeals")>
                <input type="hidden" name="csrf" value=csrf/>
                <button type="submit" class="button secondary">{tr!(locale, "appeal.send")}</button>
            </form>
        </section>
    }
}
