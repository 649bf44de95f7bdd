//! The checklist designer (`/admin/templates/{key}/draft`): one form with every field of the
//! draft, texts in the three languages side by side with missing translations marked, each
//! problem beside its field, and a phone-sized preview.
//!
//! The page is rendered on the server and works as plain forms: every button saves the whole
//! form (so nothing typed is lost) and then adds, moves or removes an item, or publishes.
//! The page also loads the bundle, which reads the same form on every keystroke with the same
//! code the server saves it with (`domain::template_form`), redraws the phone preview so it
//! fills in like the shopper's form, scores it with the shared scoring code and moves the
//! problems beside their fields (`designer_live.rs`).

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::designer::designer_page;
use crate::api::wire::designer::DesignerData;
use crate::domain::template_check::{template_problems, Place, ProblemKind};
use crate::domain::template_form::{text_in, Step, LANGS, TYPES};
use crate::domain::{Dimension, I18nText, Question, QuestionType, Template};
use crate::i18n::{message, Locale};
use crate::tr;
use crate::ui::{load_error, store_time, use_locale, use_me};

/// Every problem of the draft as (form field, message): the checks, then the number boxes the
/// last save could not read.
pub fn field_problems(
    locale: Locale,
    t: &Template,
    not_numbers: &[String],
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = template_problems(t)
        .iter()
        .map(|p| (p.field_name(), super::problem_text(locale, &p.kind)))
        .collect();
    for field in not_numbers {
        out.push((
            field.clone(),
            super::problem_text(locale, &ProblemKind::NotANumber),
        ));
    }
    out
}

/// The HTML id of a form field (`s0.q1.text.en` → `f-s0-q1-text-en`).
fn field_id(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

fn lang_name(lang: &str) -> &'static str {
    match lang {
        "zh-CN" => "简体中文",
        "ru" => "Русский",
        _ => "English",
    }
}

/// What the form needs to draw a field: the problems, and the reader's language.
#[derive(Clone)]
struct Ctx {
    locale: Locale,
    problems: std::sync::Arc<Vec<(String, String)>>,
}

impl Ctx {
    fn has_problem(&self, field: &str) -> bool {
        self.problems.iter().any(|(f, _)| f == field)
    }

    /// The messages for a field, where the live preview also puts them.
    fn problems_for(&self, field: &str) -> AnyView {
        let messages: Vec<String> = self
            .problems
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
            .collect();
        let id = format!("{}-problem", field_id(field));
        view! {
            <p class="field-problem" data-problem-for=field.to_string() id=id hidden=messages.is_empty()>
                {messages.join(" ")}
            </p>
        }
        .into_any()
    }
}

/// One text in the three languages side by side; a missing translation is marked.
fn texts(ctx: &Ctx, base: &str, label: String, t: &I18nText, long: bool) -> AnyView {
    let locale = ctx.locale;
    // An empty box shows "missing" and is marked by the style sheet (`:placeholder-shown`),
    // so the mark follows what is typed, without a script.
    let missing_text = tr!(locale, "designer.missing");
    view! {
        <fieldset class="langs3">
            <legend>{label}</legend>
            {LANGS.into_iter().map(|lang| {
                let name = format!("{base}.{lang}");
                let id = field_id(&name);
                let value = text_in(t, lang).unwrap_or_default().to_string();
                let wrong = ctx.has_problem(&name);
                let described = format!("{id}-problem");
                let input = if long {
                    Either::Left(view! {
                        <textarea id=id.clone() name=name.clone() lang=lang rows="2" placeholder=missing_text.clone()
                            aria-invalid=wrong.then_some("true") aria-describedby=described>
                            {crate::ui::textarea_text(&value)}
                        </textarea>
                    })
                } else {
                    Either::Right(view! {
                        <input type="text" id=id.clone() name=name.clone() lang=lang value=value placeholder=missing_text.clone()
                            aria-invalid=wrong.then_some("true") aria-describedby=described/>
                    })
                };
                view! {
                    <div class="lang">
                        <label for=id>{lang_name(lang)}</label>
                        {input}
                        {ctx.problems_for(&name)}
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
    .into_any()
}

/// A one-line box (numbers are typed as text: `inputmode` brings the number pad).
fn line(ctx: &Ctx, name: String, label: String, value: String, numeric: bool) -> AnyView {
    let id = field_id(&name);
    let wrong = ctx.has_problem(&name);
    let described = format!("{id}-problem");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input type="text" id=id name=name.clone() value=value inputmode=numeric.then_some("decimal")
                aria-invalid=wrong.then_some("true") aria-describedby=described/>
            {ctx.problems_for(&name)}
        </div>
    }
    .into_any()
}

/// A checkbox that posts `false` when unticked (the hidden box comes first; the last wins).
fn flag(ctx: &Ctx, name: String, label: String, on: bool) -> AnyView {
    let id = field_id(&name);
    view! {
        <div class="flag-box">
            <input type="hidden" name=name.clone() value="false"/>
            <input type="checkbox" id=id.clone() name=name.clone() value="true" checked=on/>" "
            <label for=id>{label}</label>
            {ctx.problems_for(&name)}
        </div>
    }
    .into_any()
}

fn select(
    ctx: &Ctx,
    name: String,
    label: String,
    options: Vec<(String, String)>,
    current: String,
) -> AnyView {
    let id = field_id(&name);
    let wrong = ctx.has_problem(&name);
    let described = format!("{id}-problem");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name.clone() aria-invalid=wrong.then_some("true") aria-describedby=described>
                {options.into_iter().map(|(v, l)| {
                    let selected = v == current;
                    view! { <option value=v selected=selected>{l}</option> }
                }).collect_view()}
            </select>
            {ctx.problems_for(&name)}
        </div>
    }
    .into_any()
}

/// A button that saves the form and then takes a step.
fn step_button(label: String, step: Step, class: &'static str) -> AnyView {
    view! { <button type="submit" name="step" value=step.value() class=class formnovalidate>{label}</button> }
        .into_any()
}

fn type_name(locale: Locale, kind: QuestionType) -> String {
    message(locale, &format!("designer.type.{}", kind.as_str()))
}

fn question_box(
    ctx: &Ctx,
    t: &Template,
    s: usize,
    qi: usize,
    q: &Question,
    earlier: &[(String, String)],
) -> AnyView {
    let locale = ctx.locale;
    let lang = locale.code();
    let at = Place::Question(s, qi);
    let f = |field: &str| at.field_name(field);
    let num = |v: Option<f64>| v.map(|n| n.to_string()).unwrap_or_default();
    let number = |i: usize| {
        t.sections[..s]
            .iter()
            .map(|x| x.questions.len())
            .sum::<usize>()
            + i
            + 1
    };
    let heading = tr!(
        locale,
        "designer.question_n",
        n = number(qi),
        text = q.text.get(lang).to_string()
    );
    let types: Vec<(String, String)> = TYPES
        .into_iter()
        .map(|k| (k.as_str().to_string(), type_name(locale, k)))
        .collect();
    let mut dims = vec![(String::new(), tr!(locale, "designer.no_dimension"))];
    dims.extend(Dimension::ALL.into_iter().map(|d| {
        (
            d.as_str().to_string(),
            message(locale, &format!("dim.{}", d.as_str())),
        )
    }));
    let asks: Vec<(String, String)> = crate::domain::model::Asks::ALL
        .into_iter()
        .map(|a| {
            (
                a.as_str().to_string(),
                message(locale, &format!("designer.asks.{}", a.as_str())),
            )
        })
        .collect();
    let mut conditions = vec![(String::new(), tr!(locale, "designer.always_shown"))];
    conditions.extend(earlier.iter().cloned());
    let cond_q = q
        .show_if
        .as_ref()
        .map(|c| c.question.clone())
        .unwrap_or_default();
    let cond_v = q
        .show_if
        .as_ref()
        .map(|c| crate::domain::template_form::condition_text(&c.equals))
        .unwrap_or_default();
    let measured = q.kind.is_measured().then(|| view! {
        <div class="row2">
            {line(ctx, f("pass.at_least"), tr!(locale, "designer.field.pass_at_least"), num(q.pass.and_then(|p| p.at_least)), true)}
            {line(ctx, f("pass.at_most"), tr!(locale, "designer.field.pass_at_most"), num(q.pass.and_then(|p| p.at_most)), true)}
        </div>
        <p class="hint">{tr!(locale, "designer.hint.pass")}</p>
    });
    let number_range = (q.kind == QuestionType::Number).then(|| {
        view! {
            <div class="row2">
                {line(ctx, f("min"), tr!(locale, "designer.field.min"), num(q.min), true)}
                {line(ctx, f("max"), tr!(locale, "designer.field.max"), num(q.max), true)}
            </div>
        }
    });
    let text_len = (q.kind == QuestionType::FreeText).then(|| {
        line(
            ctx,
            f("max_len"),
            tr!(locale, "designer.field.max_len"),
            num(q.max_len.map(f64::from)),
            true,
        )
    });
    let options = q.kind.is_choice().then(|| {
        view! {
            <fieldset class="options">
                <legend>{tr!(locale, "designer.field.options")}</legend>
                {ctx.problems_for(&f("options"))}
                {q.options.iter().enumerate().map(|(oi, o)| {
                    let here = Place::Option(s, qi, oi);
                    view! {
                        <div class="option">
                            <div class="row2">
                                {line(ctx, here.field_name("id"), tr!(locale, "designer.field.option_id"), o.id.clone(), false)}
                                {line(ctx, here.field_name("points"), tr!(locale, "designer.field.points"), o.points.to_string(), true)}
                            </div>
                            {texts(ctx, &here.field_name("label"), tr!(locale, "designer.field.label"), &o.label, false)}
                            {step_button(tr!(locale, "designer.remove_option", id = o.id.clone()), Step::RemoveOption(s, qi, oi), "button secondary small")}
                        </div>
                    }
                }).collect_view()}
                {step_button(tr!(locale, "designer.add_option"), Step::AddOption(s, qi), "button secondary small")}
            </fieldset>
        }
    });
    view! {
        <fieldset class="card question-design" id=format!("s{s}-q{qi}") data-question=q.id.clone()>
            <legend>{heading}</legend>
            <div class="row2">
                {line(ctx, f("id"), tr!(locale, "designer.field.id"), q.id.clone(), false)}
                {select(ctx, f("type"), tr!(locale, "designer.field.type"), types, q.kind.as_str().to_string())}
            </div>
            {texts(ctx, &f("text"), tr!(locale, "designer.field.text"), &q.text, true)}
            <details class="more" open=q.help.is_some()>
                <summary>{tr!(locale, "designer.field.help")}</summary>
                {texts(ctx, &f("help"), tr!(locale, "designer.field.help"), &q.help.clone().unwrap_or_default(), false)}
            </details>
            <div class="row3">
                {select(ctx, f("dimension"), tr!(locale, "designer.field.dimension"), dims, q.dimension.map(|d| d.as_str().to_string()).unwrap_or_default())}
                {select(ctx, f("asks"), tr!(locale, "designer.field.asks"), asks, q.asks.as_str().to_string())}
                {line(ctx, f("weight"), tr!(locale, "designer.field.weight"), q.weight.to_string(), true)}
            </div>
            <div class="flags">
                {flag(ctx, f("required"), tr!(locale, "designer.field.required"), q.required)}
                {flag(ctx, f("na_allowed"), tr!(locale, "designer.field.na_allowed"), q.na_allowed)}
                {flag(ctx, f("critical"), tr!(locale, "designer.field.critical"), q.critical)}
            </div>
            <div class="row2">
                {select(ctx, f("show_if.question"), tr!(locale, "designer.field.show_if"), conditions, cond_q)}
                {line(ctx, f("show_if.equals"), tr!(locale, "designer.field.show_if_equals"), cond_v, false)}
            </div>
            {measured}
            {number_range}
            {text_len}
            {options}
            {ctx.problems_for(&f("type"))}
            {ctx.problems_for(&f("asks"))}
            <div class="item-actions">
                {step_button(tr!(locale, "designer.move_up"), Step::MoveUp(s, qi), "button secondary small")}
                {step_button(tr!(locale, "designer.move_down"), Step::MoveDown(s, qi), "button secondary small")}
                {step_button(tr!(locale, "designer.remove_question"), Step::RemoveQuestion(s, qi), "button secondary small remove")}
            </div>
        </fieldset>
    }
    .into_any()
}

fn section_box(ctx: &Ctx, t: &Template, s: usize) -> AnyView {
    let locale = ctx.locale;
    let section = &t.sections[s];
    let at = Place::Section(s);
    // The questions a condition may look at: those before each question.
    let before: Vec<(String, String)> = t.sections[..s]
        .iter()
        .flat_map(|x| x.questions.iter())
        .map(|q| (q.id.clone(), q.id.clone()))
        .collect();
    let types: Vec<(String, String)> = TYPES
        .into_iter()
        .map(|k| (k.as_str().to_string(), type_name(locale, k)))
        .collect();
    view! {
        <section class="section-design" id=format!("s{s}") aria-label=tr!(locale, "designer.section_n", n = s + 1)>
            <h2>{tr!(locale, "designer.section_n", n = s + 1)}</h2>
            <div class="card">
                {line(ctx, at.field_name("id"), tr!(locale, "designer.field.id"), section.id.clone(), false)}
                {texts(ctx, &at.field_name("title"), tr!(locale, "designer.field.section_title"), &section.title, false)}
                {ctx.problems_for(&at.field_name("questions"))}
            </div>
            {section.questions.iter().enumerate().map(|(qi, q)| {
                let mut earlier = before.clone();
                earlier.extend(section.questions[..qi].iter().map(|e| (e.id.clone(), e.id.clone())));
                question_box(ctx, t, s, qi, q, &earlier)
            }).collect_view()}
            <div class="card add-question">
                {select(ctx, format!("s{s}.new_type"), tr!(locale, "designer.new_question_type"), types, QuestionType::YesNo.as_str().to_string())}
                <button type="submit" name="step" value=format!("add_question:{s}") class="button secondary" formnovalidate>
                    {tr!(locale, "designer.add_question")}
                </button>
                {step_button(tr!(locale, "designer.remove_section"), Step::RemoveSection(s), "button secondary small remove")}
            </div>
        </section>
    }
    .into_any()
}

#[component]
pub fn DesignerPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let key = params.with_untracked(|p| p.get("key")).unwrap_or_default();
    let page = Resource::new(move || key.clone(), designer_page);
    let me = use_me();
    let csrf = move || me.csrf();
    view! {
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(e) => Either::Left(load_error(locale, e)),
                Ok(d) => Either::Right(designer(locale, d, csrf)),
            })}
        </Suspense>
    }
}

fn designer(
    locale: Locale,
    d: DesignerData,
    csrf: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> AnyView {
    let lang = locale.code();
    let t = d.template.clone();
    let problems = field_problems(locale, &t, &d.not_numbers);
    let problem_count = problems.len();
    let ctx = Ctx {
        locale,
        problems: std::sync::Arc::new(problems),
    };
    let key = d.key.clone();
    let action = format!("/admin/templates/{key}/draft");
    let status = match (d.has_draft, d.base_version, d.saved_at) {
        (true, Some(v), Some(at)) => tr!(
            locale,
            "designer.status.draft_of",
            version = v,
            at = store_time(&at, "UTC"),
            who = d.saved_by.clone().unwrap_or_default()
        ),
        (true, None, Some(at)) => tr!(
            locale,
            "designer.status.new",
            at = store_time(&at, "UTC"),
            who = d.saved_by.clone().unwrap_or_default()
        ),
        (_, Some(v), _) => tr!(locale, "designer.status.published", version = v),
        _ => String::new(),
    };
    let stale = match (d.has_draft, d.base_version, d.latest_version) {
        (true, Some(base), Some(latest)) if latest > base => Some(
            view! { <p class="notice alert" role="alert">{tr!(locale, "designer.status.stale", base = base, latest = latest)}</p> },
        ),
        _ => None,
    };
    let notice = d.notice.clone().map(|n| {
        let (class, role) = if ["problems", "too_large", "channel"].contains(&n.as_str()) {
            ("notice alert", "alert")
        } else {
            ("notice status", "status")
        };
        let key = format!("designer.notice.{n}");
        let text = tr!(
            locale,
            key.as_str(),
            count = problem_count,
            version = d.latest_version.unwrap_or(0)
        );
        view! { <p class=class role=role data-notice=n>{text}</p> }
    });
    let import_error = d.import_error.clone().map(|e| view! {
        <p class="notice alert" role="alert">{tr!(locale, "designer.import.refused", detail = e)}</p>
    });
    let channels: Vec<(String, String)> = crate::domain::Channel::ALL
        .into_iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                super::checklists::channel_name(locale, c.as_str()),
            )
        })
        .collect();
    let draft_json = serde_json::to_string(&t).unwrap_or_default();
    let versions = d.versions.clone();
    let export_links = versions.iter().map(|v| {
        let href = format!("/admin/templates/{key}/json?version={v}");
        view! { <li><a href=href rel="external" download>{tr!(locale, "designer.export.version", version = *v)}</a></li> }
    }).collect_view();
    let change_links = versions.windows(2).map(|w| {
        let href = format!("/admin/templates/{key}/changes?from={}&to={}", w[1], w[0]);
        view! { <li><a href=href>{tr!(locale, "designer.changes.link", from = w[1], to = w[0])}</a></li> }
    }).collect_view();
    let draft_changes = (d.has_draft && d.latest_version.is_some()).then(|| {
        let href = format!("/admin/templates/{key}/changes?to=draft");
        view! { <li><a href=href>{tr!(locale, "designer.changes.draft_link")}</a></li> }
    });
    let sections = (0..t.sections.len())
        .map(|s| section_box(&ctx, &t, s))
        .collect_view();
    view! {
        <p><a href="/admin/templates">{tr!(locale, "designer.list.title")}</a></p>
        <h1>{tr!(locale, "designer.title", title = if t.title.en.is_empty() { key.clone() } else { t.title.get(lang).to_string() })}</h1>
        <p class="meta"><span class="code">{key.clone()}</span>" · "{status}</p>
        {stale}
        {notice}
        {import_error}
        <p class="summary-problems" data-testid="problem-count" role="status">
            {if problem_count == 0 { tr!(locale, "designer.ready") } else { crate::trn!(locale, "designer.problem_count", count = problem_count) }}
        </p>
        <div class="designer">
            <form method="post" action=action id="designer-form" class="designer-form" novalidate>
                <input type="hidden" name="csrf" value=csrf/>
                <section class="card" aria-label=tr!(locale, "designer.checklist")>
                    <h2>{tr!(locale, "designer.checklist")}</h2>
                    // What a published checklist is used for stays (a new use is a copy).
                    {if d.latest_version.is_none() {
                        Either::Left(select(&ctx, "channel".into(), tr!(locale, "designer.field.channel"), channels, t.channel.as_str().to_string()))
                    } else {
                        Either::Right(view! {
                            <p><strong>{tr!(locale, "designer.field.channel")}": "</strong>{super::checklists::channel_name(locale, t.channel.as_str())}</p>
                            {ctx.problems_for("channel")}
                        })
                    }}
                    {texts(&ctx, "title", tr!(locale, "designer.field.title"), &t.title, false)}
                    {texts(&ctx, "description", tr!(locale, "designer.field.description"), &t.description.clone().unwrap_or_default(), true)}
                    {t.channel.is_mystery().then(|| line(&ctx, "min_minutes".into(), tr!(locale, "designer.field.min_minutes"), t.min_minutes.map(|m| m.to_string()).unwrap_or_default(), true))}
                    {ctx.problems_for("sections")}
                    {ctx.problems_for("key")}
                </section>
                {sections}
                <div class="card actions designer-actions">
                    {step_button(tr!(locale, "designer.add_section"), Step::AddSection, "button secondary")}
                    <button type="submit" name="step" value="save" class="button secondary">{tr!(locale, "designer.save")}</button>
                    <button type="submit" name="step" value="publish" class="button">{tr!(locale, "designer.publish")}</button>
                    <p class="hint">{tr!(locale, "designer.publish_hint")}</p>
                </div>
            </form>
            // Beside the form on a wide screen; on a phone a panel along the bottom, opened when
            // wanted. Closed as served (without the bundle it would cover a phone's form); the
            // live preview opens it on a wide screen.
            <aside class="designer-preview" aria-label=tr!(locale, "designer.preview.title")>
                <details data-preview-panel="">
                    <summary><h2>{tr!(locale, "designer.preview.title")}</h2></summary>
                    <div class="phone">
                        <div class="phone-screen" data-designer-preview="" data-draft=draft_json>
                            {static_preview(locale, &t)}
                        </div>
                    </div>
                    <p class="hint">{tr!(locale, "designer.preview.hint")}</p>
                </details>
            </aside>
        </div>
        <section class="card" aria-label=tr!(locale, "designer.versions")>
            <h2>{tr!(locale, "designer.versions")}</h2>
            <ul>
                {draft_changes}
                {change_links}
                <li><a href=format!("/admin/templates/{key}/json?version=draft") rel="external" download>{tr!(locale, "designer.export.draft")}</a></li>
                {export_links}
            </ul>
            <form method="post" action=format!("/admin/templates/{key}/import") class="stack">
                <input type="hidden" name="csrf" value=csrf/>
                <label for="import-json">{tr!(locale, "designer.import.label")}</label>
                <p class="hint">{tr!(locale, "designer.import.hint")}</p>
                <textarea id="import-json" name="json" rows="4" required></textarea>
                <button type="submit" class="button secondary">{tr!(locale, "designer.import.submit")}</button>
            </form>
            {d.has_draft.then(|| view! {
                <form method="post" action=format!("/admin/templates/{key}/discard")>
                    <input type="hidden" name="csrf" value=csrf/>
                    <button type="submit" class="button secondary remove">{tr!(locale, "designer.discard")}</button>
                </form>
            })}
        </section>
    }
    .into_any()
}

/// The preview before the bundle runs (or without it): the questions as the shopper will
/// read them, in order, without inputs.
fn static_preview(locale: Locale, t: &Template) -> AnyView {
    let lang = locale.code();
    view! {
        <div class="preview-static">
            <h3>{t.title.get(lang).to_string()}</h3>
            {t.sections.iter().map(|s| view! {
                <h4>{s.title.get(lang).to_string()}</h4>
                <ol>
                    {s.questions.iter().map(|q| view! { <li>{q.text.get(lang).to_string()}</li> }).collect_view()}
                </ol>
            }).collect_view()}
            <noscript><p class="hint">{tr!(locale, "designer.preview.needs_js")}</p></noscript>
        </div>
    }
    .into_any()
}
