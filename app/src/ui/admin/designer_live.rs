//! In the browser, on the designer page: a phone preview that fills in like the shopper's
//! form and scores as the admin types.
//!
//! The server rendered the form and a plain preview; this reads the form on every input with
//! the very function the server saves it with (`domain::template_form::read_form`), draws the
//! preview from the result with the shopper's own question inputs, scores it with the shared
//! scoring code, and moves each problem beside its field. Nothing is saved from here: the
//! form's buttons do that.

use std::collections::BTreeMap;

use leptos::either::Either;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::domain::answers::is_visible;
use crate::domain::template_check::template_problems;
use crate::domain::template_form::{read_form, FormProblem};
use crate::domain::{answers_so_far, score, AnswerInput, QuestionType, Template};
use crate::i18n::Locale;
use crate::ui::shopper::inputs::{Change, QuestionField};
use crate::ui::use_locale;
use crate::{tr, trn};

/// A number box read by the browser (`Number(text)`), which keeps a float parser out of the
/// bundle. Blank is not a number (the server says the same).
fn js_number(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let n = js_sys::Number::from(JsValue::from_str(text)).value_of();
    n.is_finite().then_some(n)
}

/// Every text field of the form, in order.
fn form_pairs(form: &web_sys::HtmlFormElement) -> Vec<(String, String)> {
    let Ok(data) = web_sys::FormData::new_with_form(form) else {
        return Vec::new();
    };
    let Ok(Some(entries)) = js_sys::try_iter(&data) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let pair: js_sys::Array = entry.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// Build the live preview into the designer page's preview, if this page has one.
pub fn start() -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let mount = document
        .query_selector("[data-designer-preview]")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    let form = document
        .get_element_by_id("designer-form")
        .and_then(|el| el.dyn_into::<web_sys::HtmlFormElement>().ok());
    let (Some(mount), Some(form)) = (mount, form) else {
        return false;
    };
    let Some(base) = mount
        .get_attribute("data-draft")
        .and_then(|json| serde_json::from_str::<Template>(&json).ok())
    else {
        return false;
    };
    // Beside the form on a wide screen: open. On a phone it is a panel along the bottom,
    // closed until asked for (as served).
    let wide = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w >= 960.0);
    if wide {
        if let Ok(Some(panel)) = document.query_selector("[data-preview-panel]") {
            let _ = panel.set_attribute("open", "");
        }
    }
    let locale = crate::ui::request_locale();
    let read =
        move |form: &web_sys::HtmlFormElement| read_form(&base, &form_pairs(form), js_number);
    let (first, _) = read(&form);
    let template = RwSignal::new(first);
    mount.set_text_content(None);
    leptos::mount::mount_to(mount, move || {
        provide_context(locale);
        view! { <Preview template/> }
    })
    .forget();
    let on_input = Closure::<dyn FnMut(web_sys::Event)>::new({
        let form = form.clone();
        move |_: web_sys::Event| {
            let (t, not_numbers) = read(&form);
            show_problems(&document, locale, &t, &not_numbers);
            // A box losing the focus fires "change" with nothing new: redrawing then would
            // swallow the tap on the preview that took the focus.
            if template.with_untracked(|current| *current != t) {
                template.set(t);
            }
        }
    });
    for event in ["input", "change"] {
        let _ = form.add_event_listener_with_callback(event, on_input.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    on_input.forget();
    true
}

/// Put each problem in the slot beside its field (the server drew one per field), clear the
/// others, mark the boxes, and update the count above the form.
fn show_problems(
    document: &web_sys::Document,
    locale: Locale,
    t: &Template,
    not_numbers: &[FormProblem],
) {
    let mut by_field: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let problems = template_problems(t);
    for p in &problems {
        by_field
            .entry(p.field_name())
            .or_default()
            .push(super::problem_text(locale, &p.kind));
    }
    for p in not_numbers {
        by_field
            .entry(p.field.clone())
            .or_default()
            .push(super::problem_text(locale, &p.kind));
    }
    if let Ok(slots) = document.query_selector_all(".field-problem[data-problem-for]") {
        for i in 0..slots.length() {
            let Some(slot) = slots
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            else {
                continue;
            };
            let field = slot.get_attribute("data-problem-for").unwrap_or_default();
            let messages = by_field.get(&field);
            slot.set_hidden(messages.is_none());
            slot.set_text_content(messages.map(|m| m.join(" ")).as_deref());
            // The box the slot belongs to: same id without "-problem".
            let id = slot.id();
            if let Some(input) = id
                .strip_suffix("-problem")
                .and_then(|i| document.get_element_by_id(i))
            {
                let _ = match messages {
                    Some(_) => input.set_attribute("aria-invalid", "true"),
                    None => input.remove_attribute("aria-invalid"),
                };
            }
        }
    }
    if let Ok(Some(count)) = document.query_selector("[data-testid=problem-count]") {
        let n = problems.len() + not_numbers.len();
        let text = if n == 0 {
            tr!(locale, "designer.ready")
        } else {
            trn!(locale, "designer.problem_count", count = n)
        };
        count.set_text_content(Some(&text));
    }
}

/// The phone: the checklist as the shopper sees it, every section at once, with the live
/// score. Answers are kept by question id while the checklist changes under them.
#[component]
fn Preview(template: RwSignal<Template>) -> impl IntoView {
    let locale = use_locale();
    let lang = locale.code();
    let answers = RwSignal::new(Vec::<AnswerInput>::new());
    let timers = RwSignal::new(BTreeMap::<String, i64>::new());
    let so_far = Memo::new(move |_| template.with(|t| answers.with(|a| answers_so_far(t, a))));
    let card = Memo::new(move |_| template.with(|t| score(t, &so_far.get())));
    let set = move |question: &str, answer: Option<AnswerInput>| {
        answers.update(|list| {
            list.retain(|a| a.question != question);
            list.extend(answer);
        });
    };
    view! {
        <div class="preview-app" data-testid="phone-preview">
            {move || {
                let t = template.get();
                view! {
                    <h3>{t.title.get(lang).to_string()}</h3>
                    {t.sections.into_iter().map(|s| view! {
                        <section class="form-section" aria-label=s.title.get(lang).to_string()>
                            <h4>{s.title.get(lang).to_string()}</h4>
                            {s.questions.into_iter().map(|q| {
                                let shown_q = q.clone();
                                let shown = Memo::new(move |_| is_visible(&shown_q, &so_far.get()));
                                let (q1, q2, q3) = (q.id.clone(), q.id.clone(), q.id.clone());
                                let current = Signal::derive(move || answers.with(|a| a.iter().find(|x| x.question == q1).cloned()));
                                let timer = Signal::derive(move || timers.with(|m| m.get(&q2).copied()));
                                let on_change = Callback::new(move |c: Change| {
                                    let id = q3.clone();
                                    match c {
                                        Change::Answer(a) => set(&id, a),
                                        Change::Photo { sha256, .. } => set(&id, Some(AnswerInput::with_value(&id, serde_json::json!(sha256)))),
                                        Change::TimerStarted(at) => timers.update(|m| { m.insert(id, at); }),
                                        Change::TimerStopped(seconds) => {
                                            timers.update(|m| { m.remove(&id); });
                                            set(&id, Some(AnswerInput::with_value(&id, serde_json::json!(seconds))));
                                        }
                                    }
                                });
                                // A photo is taken and kept on the shopper's phone; the preview only says so.
                                let is_photo = q.kind == QuestionType::Photo;
                                move || shown.get().then(|| if is_photo {
                                    Either::Left(view! {
                                        <fieldset class="question" data-question=q.id.clone()>
                                            <legend>{q.text.get(lang).to_string()}</legend>
                                            <p class="help">{tr!(locale, "designer.preview.photo")}</p>
                                        </fieldset>
                                    })
                                } else {
                                    Either::Right(view! { <QuestionField q=q.clone() current timer on_change/> })
                                })
                            }).collect_view()}
                        </section>
                    }).collect_view()}
                }
            }}
            <p class="score-preview" data-testid="preview-score" aria-live="polite">
                {move || {
                    let c = card.get();
                    let text = match c.overall.percent() {
                        Some(p) => tr!(locale, "shopper.form.score", score = crate::domain::display::fixed(p.value(), 0), detail = c.overall.to_string()),
                        None => tr!(locale, "shopper.form.no_score"),
                    };
                    if c.failed() {
                        Either::Left(view! { {text}" "<strong>{tr!(locale, "designer.preview.critical_failed")}</strong> })
                    } else {
                        Either::Right(text)
                    }
                }}
            </p>
            <button type="button" class="button secondary" on:click=move |_| { answers.set(Vec::new()); timers.set(BTreeMap::new()); }>
                {tr!(locale, "designer.preview.clear")}
            </button>
        </div>
    }
}
