//! The shopper's assignments (due, overdue, upcoming, submitted), the visits a reviewer
//! returned to correct, the outbox, and their past visits with what review made of them.

use leptos::prelude::*;

use super::app::Shop;
use super::draft::{ItemState, LocalResponse};
use crate::api::wire::AssignmentView;
use crate::domain::AssignmentStatus;
use crate::i18n::Locale;
use crate::offline::platform;
use crate::tr;
use crate::ui::use_locale;

/// The assignment's standing on the phone: a response waiting in the outbox counts as
/// submitted even before the server has it.
fn status_of(a: &AssignmentView, items: &[LocalResponse]) -> AssignmentStatus {
    let local = items.iter().any(|i| {
        i.assignment == Some(a.id)
            && matches!(
                i.state,
                ItemState::Queued | ItemState::Sending | ItemState::Sent
            )
    });
    AssignmentStatus::on(
        chrono::Local::now().date_naive(),
        a.window_start,
        a.window_end,
        a.submitted || local,
        a.cancelled,
    )
}

#[component]
pub fn AssignmentList() -> impl IntoView {
    let shop = expect_context::<Shop>();
    let locale = use_locale();
    let groups = [
        (AssignmentStatus::Due, "shopper.group.due"),
        (AssignmentStatus::Overdue, "shopper.group.overdue"),
        (AssignmentStatus::Upcoming, "shopper.group.upcoming"),
        (AssignmentStatus::Submitted, "shopper.group.submitted"),
    ];
    view! {
        <h1>{tr!(locale, "shopper.title")}</h1>
        // What a reviewer sent back comes first: it is the shopper's to do.
        <Returned/>
        {move || (shop.loaded.get() && shop.assignments.with(Vec::is_empty)).then(|| view! {
            <p class="card">{tr!(locale, "shopper.none")}</p>
        })}
        {groups.into_iter().map(|(status, title)| {
            let list = Memo::new(move |_| shop.items.with(|items| {
                shop.assignments.get().into_iter().filter(|a| status_of(a, items) == status).collect::<Vec<_>>()
            }));
            // Built only when the group has something (a memo, so a list that merely
            // changes does not rebuild the section).
            let any = Memo::new(move |_| list.with(|l| !l.is_empty()));
            move || any.get().then(|| view! {
                    <section aria-label=tr!(locale, title)>
                        <h2>{tr!(locale, title)}</h2>
                        <ul class="cards assignments">
                            <For each=move || list.get() key=|a| a.id let:a>
                                <AssignmentCard a=a status=status/>
                            </For>
                        </ul>
                    </section>
            })
        }).collect_view()}
        <Outbox/>
        <PastVisits/>
    }
}

/// The reviewer's note on a returned visit: the reason and each item's comment, as lines of
/// text (smaller in the bundle than markup per field).
#[component]
pub fn ReviewNoteView(note: super::draft::ReviewNote) -> impl IntoView {
    let locale = use_locale();
    let lang = locale.code();
    let mut text = tr!(locale, "shopper.returned.lead");
    if let Some(reason) = &note.reason {
        text.push('\n');
        text.push_str(reason);
    }
    for c in &note.comments {
        // The question usually ends with a full stop, so a dash (as on appeal lines) parts it
        // from the comment.
        text.push_str(&format!("\n• {} — {}", c.question_text.get(lang), c.text));
    }
    view! { <p class="review-note" data-testid="review-note">{text}</p> }
}

/// Visits a reviewer returned, waiting for the shopper's correction (from the phone's own
/// drafts, so they show offline).
#[component]
fn Returned() -> impl IntoView {
    let shop = expect_context::<Shop>();
    let locale = use_locale();
    let list = Memo::new(move |_| {
        shop.items.with(|items| {
            items
                .iter()
                .filter(|i| i.state == ItemState::Draft && i.review.is_some())
                .cloned()
                .collect::<Vec<LocalResponse>>()
        })
    });
    move || {
        list.with(|l| !l.is_empty()).then(|| view! {
            <section aria-label=tr!(locale, "shopper.returned.title")>
                <h2>{tr!(locale, "shopper.returned.title")}</h2>
                <ul class="cards returned">
                    {move || list.get().into_iter().map(|item| view! {
                        <li class="card" data-returned=item.id.clone()>
                            <h3>{item.store_name.clone()}</h3>
                            {item.review.clone().map(|note| view! { <ReviewNoteView note/> })}
                            {item.assignment.map(|a| view! {
                                <a class="button" href=format!("/shopper?a={a}")>{tr!(locale, "shopper.returned.correct")}</a>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}

/// The shopper's past visits as the server last listed them: where each stands in review,
/// its score, and appeal outcomes. One line of text per visit: this list is in every phone's
/// bundle, and text is far smaller than markup per field.
#[component]
fn PastVisits() -> impl IntoView {
    let shop = expect_context::<Shop>();
    let locale = use_locale();
    move || {
        let visits = shop.visits.get();
        (!visits.is_empty()).then(|| {
            let items = visits
                .iter()
                .map(|v| view! { <li class="item past-visit" data-visit-status=v.status.clone()>{past_line(locale, v)}</li> })
                .collect_view();
            view! {
                <section aria-label=tr!(locale, "shopper.past.title")>
                    <h2>{tr!(locale, "shopper.past.title")}</h2>
                    <ul class="outbox past">{items}</ul>
                </section>
            }
        })
    }
}

/// "Oxford Street · 2026-12-01 05:45 · Released · 69 %", then the voiding reason and each
/// appeal's outcome on lines of their own.
fn past_line(locale: Locale, v: &crate::api::wire::review::MyVisit) -> String {
    let lang = locale.code();
    let mut line = format!(
        "{} · {} · {}",
        v.store_name.get(lang),
        crate::domain::display::date_time(
            &v.finished_at.with_timezone(&chrono::Local).naive_local()
        ),
        crate::i18n::message(locale, &format!("shopper.past.{}", v.status))
    );
    if let Some(score) = v.score {
        line.push_str(&format!(
            " · {} %",
            crate::domain::display::trimmed(score, 0)
        ));
    }
    if v.status == "voided" {
        if let Some(reason) = &v.reason {
            line.push_str(&format!("\n{reason}"));
        }
    }
    for a in &v.appeals {
        let outcome = a.outcome.clone().unwrap_or_default();
        line.push('\n');
        line.push_str(&tr!(
            locale,
            "shopper.past.appeal",
            question = a.question_text.get(lang).to_string(),
            outcome = crate::i18n::message(locale, &format!("appeal.status.{outcome}"))
        ));
        if !a.text.is_empty() {
            line.push_str(&format!(" — {}", a.text));
        }
    }
    line
}

fn window_text(locale: Locale, a: &AssignmentView) -> String {
    if a.window_start == a.window_end {
        tr!(
            locale,
            "shopper.window_one_day",
            day = a.window_start.to_string()
        )
    } else {
        tr!(
            locale,
            "shopper.window",
            from = a.window_start.to_string(),
            to = a.window_end.to_string()
        )
    }
}

#[component]
fn AssignmentCard(a: AssignmentView, status: AssignmentStatus) -> impl IntoView {
    let shop = expect_context::<Shop>();
    let locale = use_locale();
    let id = a.id;
    let has_draft = move || {
        shop.items.with(|items| {
            items
                .iter()
                .any(|i| i.assignment == Some(id) && i.state == ItemState::Draft)
        })
    };
    let kind = tr!(
        locale,
        if a.channel == crate::domain::Channel::MysteryCall {
            "shopper.kind.call"
        } else {
            "shopper.kind.visit"
        }
    );
    let open = matches!(status, AssignmentStatus::Due | AssignmentStatus::Overdue);
    let title = format!("{} · {}", a.store_name.get(locale.code()), kind);
    view! {
        <li class="card">
            <h3>{title.clone()}</h3>
            <p>{window_text(locale, &a)}</p>
            <super::store_facts::StoreFacts a=a.clone() with_scenario=true/>
            {open.then(|| view! {
                <a class="button" href=format!("/shopper?a={id}") aria-label=move || format!("{} {}", if has_draft() { tr!(locale, "shopper.continue") } else { tr!(locale, "shopper.start") }, title.clone())>
                    {move || if has_draft() { tr!(locale, "shopper.continue") } else { tr!(locale, "shopper.start") }}
                </a>
            })}
        </li>
    }
}

const OUTBOX_SHOWN: usize = 30;

/// The newest responses on the phone with their state; rejected ones with the server's reason and a
/// way to save them as a file.
#[component]
fn Outbox() -> impl IntoView {
    let shop = expect_context::<Shop>();
    let locale = use_locale();
    // The newest items only: a phone that was offline for a week may hold hundreds.
    let shown = Memo::new(move |_| {
        shop.items.with(|items| {
            items
                .iter()
                .rev()
                .filter(|i| i.state != ItemState::Draft)
                .take(OUTBOX_SHOWN)
                .cloned()
                .collect::<Vec<LocalResponse>>()
        })
    });
    let any = Memo::new(move |_| shown.with(|s| !s.is_empty()));
    move || {
        any.get().then(|| view! {
            <section aria-label=tr!(locale, "shopper.outbox")>
                <h2>{tr!(locale, "shopper.outbox")}</h2>
                <ul class="outbox">
                    <For each=move || shown.get() key=|i| (i.id.clone(), i.state.as_str()) let:item>
                        <li class=format!("item {}", item.state.as_str()) data-state=item.state.as_str()>
                            <span class="what">{format!("{} · {}", item.store_name, crate::domain::display::date_time(&item.finished_at.unwrap_or(item.updated_at).with_timezone(&chrono::Local).naive_local()))}</span>
                            <span class="state">{super::state_label(locale, item.state)}</span>
                            {item.receipt.as_ref().map(|r| view! { <span class="muted">{super::receipt_text(locale, r)}</span> })}
                            {item.receipt.as_ref().filter(|r| r.status == "held").map(|_| view! { <span class="reason" data-held="true">{tr!(locale, "shopper.held")}</span> })}
                            {item.receipt.as_ref().filter(|r| r.status == "submitted").map(|_| view! { <span class="reason" data-review="waiting">{tr!(locale, "shopper.waiting_review")}</span> })}
                            {(item.state != ItemState::Sent).then(|| view! { <super::ProblemNote problem=item.problem message=item.message.clone()/> })}
                            {(item.state == ItemState::Rejected).then(|| {
                                let it = item.clone();
                                view! {
                                    <button type="button" class="button secondary" on:click=move |_| {
                                        let text = serde_json::to_string_pretty(&it).unwrap_or_default();
                                        platform::download(&format!("servscope-{}.json", it.id), &text);
                                    }>{tr!(locale, "shopper.export")}</button>
                                }
                            })}
                        </li>
                    </For>
                </ul>
            </section>
    })
    }
}
