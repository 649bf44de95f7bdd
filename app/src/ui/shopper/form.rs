//! The checklist form, one section at a time: progress, back and forth, skip logic, required
//! items and N/A, a live score from the shared scoring engine, and a review step that checks
//! the response exactly as the server will before it goes to the outbox.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;

use super::app::Shop;
use super::draft::{ItemState, LocalResponse};
use super::inputs::{Change, QuestionField};
use crate::domain::answers::{check_answers, is_visible};
use crate::domain::{answers_so_far, score, without_hidden, Template};
use crate::offline::{db, platform};
use crate::ui::use_locale;
use crate::{tr, trn};

#[component]
pub fn VisitForm(assignment: i64) -> impl IntoView {
    let shop = expect_context::<Shop>();
    let locale = use_locale();
    let template = RwSignal::new(None::<Template>);
    let draft = RwSignal::new(None::<LocalResponse>);
    let problem = RwSignal::new(None::<String>);
    // A job the server already has an answer for (from another phone, or one whose copy is
    // gone from this one), or that was cancelled: never a fresh blank checklist.
    let closed = RwSignal::new(None::<&'static str>);
    let started = StoredValue::new(false);

    // Open the draft for this assignment, or start one (new uuid, check-in, pinned version).
    Effect::new(move |_| {
        if !shop.loaded.get() || started.get_value() {
            return;
        }
        started.set_value(true);
        leptos::task::spawn_local(async move {
            let Some(a) = shop
                .assignments
                .get_untracked()
                .into_iter()
                .find(|a| a.id == assignment)
            else {
                problem.set(Some(tr!(locale, "shopper.form.unknown")));
                return;
            };
            let mut existing: Vec<LocalResponse> = shop
                .items
                .get_untracked()
                .into_iter()
                .filter(|i| i.assignment == Some(assignment))
                .collect();
            existing.sort_by_key(|i| i.state == ItemState::Rejected);
            let item = existing.into_iter().next();
            if item.is_none() && (a.submitted || a.cancelled) {
                closed.set(Some(if a.submitted {
                    "shopper.form.already_sent"
                } else {
                    "shopper.form.cancelled"
                }));
                return;
            }
            let (key, version) = item
                .as_ref()
                .map(|i| (i.template.clone(), i.template_version))
                .unwrap_or((a.template.clone(), a.template_version));
            let loaded = match db::open().await {
                Ok(database) => db::load_template(&database, &key, version)
                    .await
                    .ok()
                    .flatten(),
                Err(_) => None,
            };
            let Some(t) = loaded else {
                problem.set(Some(tr!(locale, "shopper.form.no_template")));
                return;
            };
            template.set(Some(t.template));
            match item {
                Some(i) => draft.set(Some(i)),
                None => {
                    let now = chrono::Utc::now();
                    let fresh = LocalResponse {
                        id: platform::new_uuid(),
                        owner: shop.owner(),
                        assignment: Some(a.id),
                        store: a.store_code.clone(),
                        // The draft keeps the name in the language it was started in.
                        store_name: a.store_name.get(locale.code()).to_string(),
                        channel: a.channel,
                        template: key,
                        template_version: version,
                        started_at: now,
                        finished_at: None,
                        check_in: None,
                        answers: Vec::new(),
                        state: ItemState::Draft,
                        problem: None,
                        message: None,
                        receipt: None,
                        section: 0,
                        updated_at: now,
                        photo_bytes: 0,
                        timers: Default::default(),
                        body_bytes: 0,
                        review: None,
                    };
                    shop.save(fresh.clone());
                    draft.set(Some(fresh));
                    // The check-in: time now, place if the shopper allows it.
                    let check_in = platform::check_in().await;
                    draft.update(|d| {
                        if let Some(d) = d {
                            d.check_in = Some(check_in);
                        }
                    });
                    if let Some(d) = draft.get_untracked() {
                        shop.save(d);
                    }
                }
            }
        });
    });

    let change = move |f: &dyn Fn(&mut LocalResponse)| {
        draft.update(|d| {
            if let Some(d) = d {
                f(d);
                d.updated_at = chrono::Utc::now();
            }
        });
        if let Some(d) = draft.get_untracked() {
            shop.save(d);
        }
    };

    // Memos: what below depends on them is rebuilt only when they change, never on an answer
    // (a rebuild swallows the tap under the thumb and takes the focus from a box).
    let state = Memo::new(move |_| draft.with(|d| d.as_ref().map(|d| d.state)));
    // The store and the scenario stay above the checklist (from the kept feed: offline too).
    let job = Memo::new(move |_| {
        shop.assignments
            .with(|list| list.iter().find(|a| a.id == assignment).cloned())
    });
    view! {
        <p><a href="/shopper">{tr!(locale, "shopper.back_to_list")}</a></p>
        {move || job.get().map(|a| view! {
            <section class="card job-head" aria-label=tr!(locale, "shopper.store.about")>
                <h2>{a.store_name.get(locale.code()).to_string()}</h2>
                <super::store_facts::StoreFacts a=a with_scenario=true/>
            </section>
        })}
        {move || problem.get().map(|p| view! { <p class="card error" role="alert">{p}</p> })}
        {move || closed.get().map(|key| view! {
            <section class="card" role="status" data-testid="job-closed"><p>{tr!(locale, key)}</p></section>
        })}
        {move || {
            let cancelled = job.with(|a| a.as_ref().is_some_and(|a| a.cancelled));
            let drafting = state.get() == Some(ItemState::Draft);
            (cancelled && drafting).then(|| view! {
                <p class="card notice" role="status">{tr!(locale, "shopper.form.cancelled_draft")}</p>
            })
        }}
        {move || {
            let note = (state.get() == Some(ItemState::Draft))
                .then(|| draft.with_untracked(|d| d.as_ref().and_then(|d| d.review.clone())))
                .flatten();
            note.map(|note| view! { <section class="card notice" role="status"><super::list::ReviewNoteView note/></section> })
        }}
        {move || match (template.get(), state.get()) {
            (Some(t), Some(ItemState::Draft)) => EitherOf3::A(view! { <Steps t draft change/> }),
            (Some(t), Some(_)) => EitherOf3::B(view! { <Settled t draft/> }),
            _ => EitherOf3::C((closed.get().is_none() && problem.get().is_none()).then(|| view! {
                <p class="muted">{tr!(locale, "shopper.loading")}</p>
            })),
        }}
    }
}

#[component]
fn Steps<F>(t: Template, draft: RwSignal<Option<LocalResponse>>, change: F) -> impl IntoView
where
    F: Fn(&dyn Fn(&mut LocalResponse)) + Copy + Send + Sync + 'static,
{
    let shop = expect_context::<Shop>();
    let locale = use_locale();
    let lang = locale.code();
    let t = StoredValue::new(t);
    let sections = t.with_value(|t| t.sections.len());
    // A memo, not a closure: the section below is rebuilt only when the shopper moves to
    // another section. Rebuilt on every answer, it replaced the buttons under the thumb
    // (a tap right after typing a number was lost) and took the focus from the box.
    let step = Memo::new(move |_| {
        draft
            .with(|d| d.as_ref().map_or(0, |d| d.section))
            .min(sections)
    });
    let step = move || step.get();
    let answers = move || draft.with(|d| d.as_ref().map(|d| d.answers.clone()).unwrap_or_default());
    let so_far = Memo::new(move |_| t.with_value(|t| answers_so_far(t, &answers())));
    let card = Memo::new(move |_| t.with_value(|t| score(t, &so_far.get())));
    let visible_count = move || {
        t.with_value(|t| {
            let s = so_far.get();
            t.questions().filter(|(_, q)| is_visible(q, &s)).count()
        })
    };
    let go = move |to: usize| {
        change(&|d: &mut LocalResponse| d.section = to);
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    };
    let errors = Memo::new(move |_| {
        t.with_value(|t| match check_answers(t, &without_hidden(t, &answers())) {
            Ok(_) => Vec::new(),
            Err(errs) => errs,
        })
    });
    let submit = move |_| {
        if !errors.get_untracked().is_empty() {
            return;
        }
        change(&|d: &mut LocalResponse| {
            d.answers = t.with_value(|t| without_hidden(t, &d.answers));
            // A correction of a returned visit keeps the visit's own time.
            if d.review.is_none() || d.finished_at.is_none() {
                d.finished_at = Some(chrono::Utc::now());
            }
            d.state = ItemState::Queued;
            d.timers.clear();
            d.body_bytes = serde_json::to_string(&d.answers).map_or(0, |s| s.len() as u64);
        });
        shop.sync(true);
        let navigate = leptos_router::hooks::use_navigate();
        navigate("/shopper", Default::default());
    };
    let title = t.with_value(|t| t.title.get(lang).to_string());
    view! {
        <h1>{title}</h1>
        <p class="progress-text" data-testid="progress">
            {move || if step() < sections {
                tr!(locale, "shopper.form.progress", section = step() + 1, sections = sections, answered = so_far.with(|s| s.len()), total = visible_count())
            } else {
                tr!(locale, "shopper.form.review")
            }}
        </p>
        <progress max=sections value=step></progress>
        {move || {
            let i = step();
            if i < sections {
                let section = t.with_value(|t| t.sections[i].clone());
                let questions = section.questions.clone();
                Either::Left(view! {
                    <section class="card form-section" aria-label=section.title.get(lang).to_string()>
                        <h2>{section.title.get(lang).to_string()}</h2>
                        {questions.into_iter().map(|q| {
                            let qid = q.id.clone();
                            let shown_q = q.clone();
                            // A memo: answering another question rebuilds this one only when
                            // its visibility flips (a rebuild would drop the input's focus).
                            let shown = Memo::new(move |_| is_visible(&shown_q, &so_far.get()));
                            let (q1, q2, q3) = (qid.clone(), qid.clone(), qid.clone());
                            let current = Signal::derive(move || draft.with(|d| d.as_ref().and_then(|d| d.answer(&q1).cloned())));
                            let timer = Signal::derive(move || draft.with(|d| d.as_ref().and_then(|d| d.timers.get(&q2).copied())));
                            let on_change = Callback::new(move |c: Change| {
                                let qid = q3.clone();
                                change(&move |d: &mut LocalResponse| apply(d, &qid, c.clone()));
                            });
                            move || shown.get().then(|| view! { <QuestionField q=q.clone() current timer on_change/> })
                        }).collect_view()}
                    </section>
                })
            } else {
                Either::Right(view! {
                    <section class="card" aria-label=tr!(locale, "shopper.form.review")>
                        <h2>{tr!(locale, "shopper.form.review")}</h2>
                        {move || {
                            let errs = errors.get();
                            if errs.is_empty() {
                                Either::Left(view! { <p>{tr!(locale, "shopper.form.ready")}</p> })
                            } else {
                                Either::Right(view! {
                                    <p role="alert">{trn!(locale, "shopper.form.missing", count = errs.len())}</p>
                                    <ul class="errors missing">
                                        {errs.into_iter().map(|e| {
                                            let qid = e.field.trim_start_matches("answers.").to_string();
                                            let (label, at, section) = t.with_value(|t| {
                                                let at = t.sections.iter().position(|s| s.questions.iter().any(|q| q.id == qid)).unwrap_or(0);
                                                let section = t.sections.get(at).map(|s| s.title.get(lang).to_string()).unwrap_or_default();
                                                (t.question(&qid).map(|q| q.text.get(lang).to_string()).unwrap_or(qid.clone()), at, section)
                                            });
                                            // Unanswered is what the heading says; anything else (a value out of
                                            // range) is named, in the shopper's language.
                                            let where_ = if e.message == crate::domain::answers::REQUIRED {
                                                tr!(locale, "shopper.form.in_section", section = section)
                                            } else {
                                                tr!(locale, "shopper.form.check_value", section = section)
                                            };
                                            view! {
                                                <li>
                                                    <button type="button" class="link" on:click=move |_| go(at)>{label}</button>
                                                    <span class="muted">{where_}</span>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                })
                            }
                        }}
                        <button type="button" class="button" disabled=move || !errors.get().is_empty() on:click=submit>
                            {tr!(locale, "shopper.form.submit")}
                        </button>
                    </section>
                })
            }
        }}
        <nav class="steps" aria-label=tr!(locale, "shopper.form.steps")>
            <button type="button" class="button secondary" disabled=move || step() == 0 on:click=move |_| go(step().saturating_sub(1))>
                {tr!(locale, "shopper.form.back")}
            </button>
            {move || (step() < sections).then(|| view! {
                <button type="button" class="button" on:click=move |_| go(step() + 1)>
                    {move || if step() + 1 == sections { tr!(locale, "shopper.form.to_review") } else { tr!(locale, "shopper.form.next") }}
                </button>
            })}
        </nav>
        <p class="score-preview" data-testid="score-preview" aria-live="polite">
            {move || {
                let c = card.get();
                match c.overall.percent() {
                    Some(p) => tr!(locale, "shopper.form.score", score = crate::domain::display::fixed(p.value(), 0), detail = c.overall.to_string()),
                    None => tr!(locale, "shopper.form.no_score"),
                }
            }}
        </p>
    }
}

/// Apply one input change to the draft.
fn apply(d: &mut LocalResponse, question: &str, change: Change) {
    match change {
        Change::Answer(a) => d.set_answer(question, a),
        Change::Photo { sha256, size } => {
            d.photo_bytes += size;
            d.set_answer(
                question,
                Some(crate::domain::AnswerInput::with_value(
                    question,
                    serde_json::json!(sha256),
                )),
            );
        }
        Change::TimerStarted(at) => {
            d.timers.insert(question.to_string(), at);
        }
        Change::TimerStopped(seconds) => {
            d.timers.remove(question);
            d.set_answer(
                question,
                Some(crate::domain::AnswerInput::with_value(
                    question,
                    serde_json::json!(seconds),
                )),
            );
        }
    }
}

/// A response that left the draft: read-only, with where it stands, the server's receipt or
/// why it was refused, and every answer as it was sent.
#[component]
fn Settled(t: Template, draft: RwSignal<Option<LocalResponse>>) -> impl IntoView {
    let locale = use_locale();
    let lang = locale.code();
    let Some(item) = draft.get_untracked() else {
        return Either::Left(());
    };
    let answered: Vec<(String, String)> = t
        .questions()
        .filter_map(|(_, q)| {
            item.answer(&q.id)
                .map(|a| (q.text.get(lang).to_string(), answer_text(locale, q, a)))
        })
        .collect();
    Either::Right(view! {
        <section class="card settled" role="status" data-testid="settled" data-state=item.state.as_str()>
            <h2>{t.title.get(lang).to_string()}</h2>
            <p><strong>{super::state_label(locale, item.state)}</strong></p>
            {item.receipt.as_ref().map(|r| view! { <p data-testid="receipt">{super::receipt_text(locale, r)}</p> })}
            {item.receipt.as_ref().filter(|r| r.status == "held").map(|_| view! { <p class="reason" data-held="true">{tr!(locale, "shopper.held")}</p> })}
            <super::ProblemNote problem=item.problem message=item.message.clone()/>
            <dl class="answers-read">
                {answered.into_iter().map(|(q, a)| view! { <dt>{q}</dt><dd>{a}</dd> }).collect_view()}
            </dl>
        </section>
    })
}

/// One answer as the shopper gave it, in words.
fn answer_text(
    locale: crate::i18n::Locale,
    q: &crate::domain::Question,
    a: &crate::domain::AnswerInput,
) -> String {
    use crate::domain::QuestionType as T;
    use serde_json::Value;
    if a.not_applicable {
        return tr!(locale, "shopper.na");
    }
    let lang = locale.code();
    let label = |id: &str| {
        q.options
            .iter()
            .find(|o| o.id == id)
            .map_or(id.to_string(), |o| o.label.get(lang).to_string())
    };
    match (&q.kind, a.value.as_ref()) {
        (_, None) => String::new(),
        (T::YesNo, Some(Value::Bool(b))) => {
            tr!(locale, if *b { "shopper.yes" } else { "shopper.no" })
        }
        (T::DurationSeconds, Some(v)) => {
            let s = v.as_u64().unwrap_or(0);
            format!("{}:{:02}", s / 60, s % 60)
        }
        (T::Photo, Some(_)) => tr!(locale, "shopper.answer.photo"),
        (T::SingleChoice, Some(Value::String(id))) => label(id),
        (T::MultipleChoice, Some(Value::Array(ids))) => ids
            .iter()
            .filter_map(Value::as_str)
            .map(label)
            .collect::<Vec<_>>()
            .join(", "),
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(v)) => v.to_string(),
    }
}
