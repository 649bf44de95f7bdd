//! One input per question type, sized for a thumb: big buttons for yes/no, scales and
//! choices, a stopwatch for durations, a tap counter for counts, the camera for photos.
//! Every change is handed to `set` at once (and saved to IndexedDB by the form).

use leptos::either::{Either, EitherOf7};
use leptos::prelude::*;
use serde_json::{json, Value};
use wasm_bindgen::JsCast;

use crate::domain::{AnswerInput, Question, QuestionType};
use crate::i18n::Locale;
use crate::offline::{db, photo, platform};
use crate::tr;
use crate::ui::use_locale;

/// What a question input reports: the new answer (None clears it), plus photo bytes added.
#[derive(Clone, Debug)]
pub enum Change {
    Answer(Option<AnswerInput>),
    Photo { sha256: String, size: u64 },
    TimerStarted(i64),
    TimerStopped(u32),
}

fn value(q: &Question, v: Value) -> Change {
    Change::Answer(Some(AnswerInput::with_value(&q.id, v)))
}

#[component]
pub fn QuestionField(
    q: Question,
    current: Signal<Option<AnswerInput>>,
    timer: Signal<Option<i64>>,
    on_change: Callback<Change>,
) -> impl IntoView {
    let locale = use_locale();
    let lang = locale.code();
    let text = q.text.get(lang).to_string();
    let help = q.help.as_ref().map(|h| h.get(lang).to_string());
    let is_na = move || current.with(|c| c.as_ref().is_some_and(|a| a.not_applicable));
    let q_na = q.clone();
    let na = q.na_allowed.then(move || {
        let q = q_na.clone();
        view! {
            <button type="button" class="choice na" aria-pressed=move || is_na().to_string()
                on:click=move |_| on_change.run(if is_na() { Change::Answer(None) } else {
                    Change::Answer(Some(AnswerInput::not_applicable(&q.id)))
                })>
                {tr!(locale, "shopper.na")}
            </button>
        }
    });
    let required = q.required;
    view! {
        <fieldset class="question" data-question=q.id.clone()>
            <legend>{text}{required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}</legend>
            {help.map(|h| view! { <p class="help">{h}</p> })}
            {input_for(q.clone(), current, timer, on_change, locale)}
            {na}
        </fieldset>
    }
}

fn current_value(current: Signal<Option<AnswerInput>>) -> Option<Value> {
    current.with(|c| c.as_ref().and_then(|a| a.value.clone()))
}

fn choice_buttons(
    q: Question,
    current: Signal<Option<AnswerInput>>,
    on_change: Callback<Change>,
    options: Vec<(Value, String)>,
) -> impl IntoView {
    view! {
        <div class="choices" role="group">
            {options.into_iter().map(|(v, label)| {
                let q = q.clone();
                let v2 = v.clone();
                let pressed = move || current_value(current).as_ref() == Some(&v2);
                view! {
                    <button type="button" class="choice" aria-pressed=move || pressed().to_string()
                        on:click=move |_| on_change.run(value(&q, v.clone()))>{label}</button>
                }
            }).collect_view()}
        </div>
    }
}

fn number_box(
    q: Question,
    current: Signal<Option<AnswerInput>>,
    on_change: Callback<Change>,
    label: String,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    // The answer follows every keystroke (`input`), never only the blur (`change`): a tap on
    // another answer straight after typing must not lose the number. The box is written
    // from the answer only when it holds another number (a stopwatch stopped, a reload), so
    // what is being typed ("1.", "-") is never rewritten under the shopper's thumb.
    Effect::new(move |_| {
        let wanted = current_value(current).and_then(|v| v.as_f64());
        if let (Some(el), Some(w)) = (input.get(), wanted) {
            if el.value_as_number() != w {
                el.set_value(&w.to_string());
            }
        }
    });
    view! {
        <label class="number">
            <span>{label}</span>
            <input type="number" inputmode="decimal" node_ref=input
                on:input=move |ev| {
                    // The browser parses the number box (NaN when empty or not a number),
                    // which also keeps Rust's float parser out of the bundle.
                    let n = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                        .map_or(f64::NAN, |input| input.value_as_number());
                    let change = match n {
                        n if !n.is_finite() => Change::Answer(None),
                        n if q.kind == QuestionType::Number => value(&q, json!(n)),
                        n if n >= 0.0 && n.fract() == 0.0 => value(&q, json!(n as u64)),
                        _ => Change::Answer(None),
                    };
                    on_change.run(change);
                }/>
        </label>
    }
}

fn input_for(
    q: Question,
    current: Signal<Option<AnswerInput>>,
    timer: Signal<Option<i64>>,
    on_change: Callback<Change>,
    locale: Locale,
) -> impl IntoView {
    let lang = locale.code();
    match q.kind {
        QuestionType::YesNo => EitherOf7::A(choice_buttons(
            q,
            current,
            on_change,
            vec![
                (json!(true), tr!(locale, "shopper.yes")),
                (json!(false), tr!(locale, "shopper.no")),
            ],
        )),
        QuestionType::Scale5 => {
            let options = (1..=5).map(|n| (json!(n), n.to_string())).collect();
            EitherOf7::A(choice_buttons(q, current, on_change, options))
        }
        QuestionType::Recommend => {
            let options = (0..=10).map(|n| (json!(n), n.to_string())).collect();
            EitherOf7::A(choice_buttons(q, current, on_change, options))
        }
        QuestionType::SingleChoice => {
            let options = q
                .options
                .iter()
                .map(|o| (json!(o.id), o.label.get(lang).to_string()))
                .collect();
            EitherOf7::A(choice_buttons(q, current, on_change, options))
        }
        QuestionType::MultipleChoice => {
            let opts = q.options.clone();
            EitherOf7::B(view! {
                <div class="choices" role="group">
                    {opts.into_iter().map(|o| {
                        let q = q.clone();
                        let id = o.id.clone();
                        let id2 = id.clone();
                        let selected = move || current_value(current)
                            .and_then(|v| v.as_array().cloned())
                            .unwrap_or_default();
                        let pressed = move || selected().iter().any(|v| v.as_str() == Some(id2.as_str()));
                        view! {
                            <button type="button" class="choice" aria-pressed=move || pressed().to_string()
                                on:click=move |_| {
                                    let mut list: Vec<Value> = selected();
                                    if let Some(i) = list.iter().position(|v| v.as_str() == Some(id.as_str())) {
                                        list.remove(i);
                                    } else {
                                        list.push(json!(id));
                                    }
                                    on_change.run(if list.is_empty() { Change::Answer(None) } else { value(&q, Value::Array(list)) });
                                }>{o.label.get(lang).to_string()}</button>
                        }
                    }).collect_view()}
                </div>
            })
        }
        QuestionType::Number => EitherOf7::C(number_box(
            q,
            current,
            on_change,
            tr!(locale, "shopper.number"),
        )),
        QuestionType::DurationSeconds => {
            EitherOf7::D(view! { <Stopwatch q current timer on_change/> })
        }
        QuestionType::Count => {
            let count = move || current_value(current).and_then(|v| v.as_u64()).unwrap_or(0);
            let (qa, qb) = (q.clone(), q.clone());
            EitherOf7::E(view! {
                <div class="counter">
                    <button type="button" class="choice" aria-label=tr!(locale, "shopper.count_down")
                        on:click=move |_| on_change.run(value(&qa, json!(count().saturating_sub(1))))>"−"</button>
                    <output aria-live="polite">{count}</output>
                    <button type="button" class="choice big" aria-label=tr!(locale, "shopper.count_up")
                        on:click=move |_| on_change.run(value(&qb, json!(count() + 1)))>"+1"</button>
                </div>
            })
        }
        QuestionType::FreeText => {
            let shown = move || {
                current_value(current)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            };
            EitherOf7::F(view! {
                <textarea rows="3" aria-label=tr!(locale, "shopper.note") prop:value=shown
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        on_change.run(if text.trim().is_empty() { Change::Answer(None) } else { value(&q, json!(text)) });
                    }></textarea>
            })
        }
        QuestionType::Photo => EitherOf7::G(view! { <PhotoInput current on_change/> }),
    }
}

/// Start/stop; the measured seconds land in an editable box. The start time is kept in the
/// draft, so the watch keeps running across sections and reloads.
#[component]
fn Stopwatch(
    q: Question,
    current: Signal<Option<AnswerInput>>,
    timer: Signal<Option<i64>>,
    on_change: Callback<Change>,
) -> impl IntoView {
    let locale = use_locale();
    let now = RwSignal::new(platform::now_ms());
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(platform::now_ms()),
        std::time::Duration::from_millis(250),
    ) {
        on_cleanup(move || handle.clear());
    }
    let elapsed = move || timer.get().map(|t| ((now.get() - t).max(0) / 1000) as u32);
    view! {
        <div class="stopwatch">
            <output class="watch" aria-live="off">
                {move || {
                    let s = elapsed().or_else(|| current_value(current).and_then(|v| v.as_u64()).map(|v| v as u32)).unwrap_or(0);
                    format!("{}:{:02}", s / 60, s % 60)
                }}
            </output>
            {move || if timer.get().is_some() {
                Either::Left(view! { <button type="button" class="choice big" on:click=move |_| on_change.run(Change::TimerStopped(elapsed().unwrap_or(0)))>{tr!(locale, "shopper.stop")}</button> })
            } else {
                Either::Right(view! { <button type="button" class="choice big" on:click=move |_| on_change.run(Change::TimerStarted(platform::now_ms()))>{tr!(locale, "shopper.start_watch")}</button> })
            }}
        </div>
        {number_box(q, current, on_change, tr!(locale, "shopper.seconds"))}
    }
}

#[component]
fn PhotoInput(current: Signal<Option<AnswerInput>>, on_change: Callback<Change>) -> impl IntoView {
    let locale = use_locale();
    let owner = expect_context::<super::app::Shop>().owner();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let thumb = RwSignal::new(None::<String>);
    // Show the kept photo (from IndexedDB) whenever the answer names one.
    Effect::new(move |_| {
        let hash = current_value(current).and_then(|v| v.as_str().map(str::to_string));
        leptos::task::spawn_local(async move {
            let url = match hash {
                Some(h) => match db::open().await {
                    Ok(database) => db::load_photo(&database, &h)
                        .await
                        .ok()
                        .flatten()
                        .and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok()),
                    Err(_) => None,
                },
                None => None,
            };
            thumb.set(url);
        });
    });
    view! {
        <label class="button secondary photo-pick">
            {move || if busy.get() { tr!(locale, "shopper.photo_busy") } else { tr!(locale, "shopper.photo_take") }}
            <input type="file" accept="image/*" capture="environment" class="visually-hidden"
                on:change=move |ev| {
                    let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
                    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
                    busy.set(true);
                    error.set(None);
                    let owner = owner.clone();
                    leptos::task::spawn_local(async move {
                        match photo::compress(&file).await {
                            Ok(c) => {
                                let saved = match db::open().await {
                                    Ok(database) => db::save_photo(&database, &owner, &c.sha256, &c.blob).await,
                                    Err(e) => Err(e),
                                };
                                match saved {
                                    Ok(()) => on_change.run(Change::Photo { sha256: c.sha256, size: c.size }),
                                    Err(e) => error.set(Some(e)),
                                }
                            }
                            Err(e) => error.set(Some(e)),
                        }
                        busy.set(false);
                    });
                }/>
        </label>
        {move || thumb.get().map(|src| view! { <img class="thumb" src=src alt=tr!(locale, "shopper.photo_alt")/> })}
        {move || error.get().map(|e| view! { <p class="error">{e}</p> })}
    }
}
