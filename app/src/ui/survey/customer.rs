//! `/s/{code}/{key}`: the survey a customer reaches by scanning a store's QR code, and its
//! thank-you page. Plain server-rendered HTML with a form that posts back to the same address,
//! so it works with JavaScript off and on a slow phone before anything else arrives; the
//! small `survey.js` only keeps an answer through a network failure.
//!
//! The HTTP handler (server crate, `http::customer_survey`) does the I/O and provides a
//! [`CustomerView`] as context; this module only renders it. Server-only: the browser never
//! loads the bundle here.

use std::sync::Arc;

use leptos::either::{EitherOf3, EitherOf7};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::survey_form::{
    all_values, field_name, first_value, Problem, Problems, CONTACT_EMAIL, CONTACT_NAME,
    CONTACT_OK, CONTACT_PHONE, HONEYPOT, NOT_APPLICABLE,
};
use crate::domain::survey_link::ChannelTag;
use crate::domain::{Question, QuestionType, Template};
use crate::i18n::Locale;
use crate::server::signed_form::{FORM_FIELD, OPENED, RESPONSE_ID, SENT_AT};
use crate::tr;
use crate::ui::use_locale;

/// What the survey address shows.
#[derive(Clone, Debug)]
pub enum CustomerView {
    Form(Arc<SurveyForm>),
    /// `staff`: a self-assessment (its own texts).
    Thanks {
        store_name: crate::domain::I18nText,
        already: bool,
        staff: bool,
        /// A signed-in employee's CSRF token: the page offers their store and sign-out.
        account: Option<String>,
    },
    /// The staff link asks for the store's PIN first.
    PinPrompt {
        store_name: crate::domain::I18nText,
        action: String,
        wrong: bool,
    },
    /// `/self` for someone who is not a store's employee (or not signed in).
    NotStaff {
        signed_in: bool,
    },
    /// A rotated link (or a closed store): a polite "no longer in use".
    Retired {
        store_name: crate::domain::I18nText,
    },
    /// No such store code and key.
    Unknown,
    /// Too many answers from this network or phone just now.
    Limited,
    /// The page the phone shows for an address it cannot load without a connection.
    Offline,
}

#[derive(Clone, Debug)]
pub struct SurveyForm {
    pub store_name: crate::domain::I18nText,
    /// `/s/{code}/{key}`: where the form posts.
    pub action: String,
    pub template: Arc<Template>,
    pub response_id: String,
    pub opened: String,
    pub tag: Option<ChannelTag>,
    /// What was posted, when the page is shown again with problems.
    pub posted: Vec<(String, String)>,
    pub problems: Problems,
    /// A self-assessment: no call-back section.
    pub staff: bool,
    /// The session's CSRF token, for a form posted by a signed-in employee.
    pub csrf: Option<String>,
}

/// The link to this page in another language. A customer's choice holds for this survey only
/// (the placement tag kept); an employee's is remembered like anywhere else in the app, since
/// they come back every month.
fn lang_href(path: &str, lang: Locale, tag: Option<ChannelTag>, staff: bool) -> String {
    match tag {
        _ if staff => format!(
            "/lang?to={}&next={}",
            lang.code(),
            crate::ui::layout::urlencode(path)
        ),
        Some(t) => format!("{path}?lang={}&ch={}", lang.code(), t.as_str()),
        None => format!("{path}?lang={}", lang.code()),
    }
}

#[component]
pub fn CustomerSurveyPage() -> impl IntoView {
    let view = use_context::<CustomerView>().unwrap_or(CustomerView::Unknown);
    let locale = use_locale();
    let message = match view {
        CustomerView::Form(form) => return EitherOf7::A(view! { <SurveyFormView form/> }),
        CustomerView::Thanks {
            store_name,
            already,
            staff,
            account,
        } => {
            let text = match (staff, already) {
                (false, false) => "survey.thanks",
                (false, true) => "survey.already",
                (true, false) => "self.thanks",
                (true, true) => "self.already",
            };
            return EitherOf7::B(view! {
                <Title text=tr!(locale, "survey.thanks_title")/>
                {account.map(|csrf| view! { <AccountBar csrf/> })}
                <section class="survey-page" lang=locale.code()>
                    <p class="survey-store">{store_name.get(locale.code()).to_string()}</p>
                    <h1>{tr!(locale, "survey.thanks_title")}</h1>
                    <p class="lead">{tr!(locale, text)}</p>
                </section>
            });
        }
        CustomerView::PinPrompt {
            store_name,
            action,
            wrong,
        } => {
            return EitherOf7::F(view! {
                <Title text=tr!(locale, "self.pin_title")/>
                <section class="survey-page">
                    <p class="survey-store">{store_name.get(locale.code()).to_string()}</p>
                    <h1>{tr!(locale, "self.pin_title")}</h1>
                    <p class="lead">{tr!(locale, "self.pin_lead")}</p>
                    {wrong.then(|| view! { <p class="notice alert" role="alert">{tr!(locale, "self.pin_wrong")}</p> })}
                    <form method="post" action=action class="stack card">
                        <label for="staff-pin">{tr!(locale, "self.pin")}</label>
                        <input id="staff-pin" name="pin" type="password" inputmode="numeric" autocomplete="off" maxlength="8"/>
                        <button type="submit" class="button">{tr!(locale, "self.pin_open")}</button>
                    </form>
                </section>
            });
        }
        CustomerView::NotStaff { signed_in } => {
            return EitherOf7::G(view! {
                <Title text=tr!(locale, "self.title")/>
                <section class="survey-page">
                    <h1>{tr!(locale, "self.title")}</h1>
                    <p class="lead">{tr!(locale, "self.not_staff")}</p>
                    {(!signed_in).then(|| view! { <a class="button" href="/login?next=/self">{tr!(locale, "nav.sign_in")}</a> })}
                </section>
            });
        }
        other => other,
    };
    match message {
        CustomerView::Form(_)
        | CustomerView::Thanks { .. }
        | CustomerView::PinPrompt { .. }
        | CustomerView::NotStaff { .. } => EitherOf7::D(view! {
            <Title text=tr!(locale, "survey.unknown_title")/>
            <section class="survey-page">
                <h1>{tr!(locale, "survey.unknown_title")}</h1>
                <p class="lead">{tr!(locale, "survey.unknown")}</p>
            </section>
        }),
        CustomerView::Retired { store_name } => EitherOf7::C(view! {
            <Title text=tr!(locale, "survey.retired_title")/>
            <section class="survey-page">
                <p class="survey-store">{store_name.get(locale.code()).to_string()}</p>
                <h1>{tr!(locale, "survey.retired_title")}</h1>
                <p class="lead">{tr!(locale, "survey.retired")}</p>
            </section>
        }),
        CustomerView::Unknown => EitherOf7::D(view! {
            <Title text=tr!(locale, "survey.unknown_title")/>
            <section class="survey-page">
                <h1>{tr!(locale, "survey.unknown_title")}</h1>
                <p class="lead">{tr!(locale, "survey.unknown")}</p>
            </section>
        }),
        CustomerView::Limited => EitherOf7::E(
            view! {
                <Title text=tr!(locale, "survey.limited_title")/>
                <section class="survey-page">
                    <h1>{tr!(locale, "survey.limited_title")}</h1>
                    <p class="lead">{tr!(locale, "survey.limited")}</p>
                </section>
            }
            .into_any(),
        ),
        CustomerView::Offline => EitherOf7::E(
            view! {
                <Title text=tr!(locale, "offline.title")/>
                <section class="survey-page" data-testid="offline-page">
                    <h1>{tr!(locale, "offline.title")}</h1>
                    <p class="lead">{tr!(locale, "offline.lead")}</p>
                    <p><a class="button" href="/shopper">{tr!(locale, "offline.shopper")}</a></p>
                    <p class="hint">{tr!(locale, "offline.retry")}</p>
                </section>
            }
            .into_any(),
        ),
    }
}

/// For a signed-in employee on their self-assessment: back to their store, and sign out (the
/// page has no app header: it is as light as the customers' survey).
#[component]
fn AccountBar(csrf: String) -> impl IntoView {
    let locale = use_locale();
    view! {
        <nav class="account-bar" aria-label=tr!(locale, "nav.main")>
            <a href="/stores">{tr!(locale, "self.my_store")}</a>
            <form method="post" action="/auth/logout">
                <input type="hidden" name="csrf" value=csrf/>
                <button type="submit" class="link">{tr!(locale, "nav.sign_out")}</button>
            </form>
        </nav>
    }
}

/// The message for a problem, in the page's language.
fn problem_text(locale: Locale, problem: Problem) -> String {
    match problem {
        Problem::TooLong { max } => tr!(locale, problem.message_key(), max = max),
        _ => tr!(locale, problem.message_key()),
    }
}

#[component]
fn SurveyFormView(form: Arc<SurveyForm>) -> impl IntoView {
    let locale = use_locale();
    let lang = locale.code();
    let t = &form.template;
    let title = t.title.get(lang).to_string();
    let description = t.description.as_ref().map(|d| d.get(lang).to_string());
    let has_problems = !form.problems.is_empty();
    let form_problem = form.problems.get(FORM_FIELD).copied();
    // A survey in parts (what you expect, then this visit) shows each part's title; a survey of
    // one part needs none.
    let titled = t.sections.len() > 1;
    let parts: Vec<(Option<String>, Vec<Question>)> = t
        .sections
        .iter()
        .map(|s| {
            let questions = s
                .questions
                .iter()
                .filter(|q| q.kind != QuestionType::Photo)
                .cloned()
                .collect();
            (titled.then(|| s.title.get(lang).to_string()), questions)
        })
        .collect();
    let f = form.clone();
    let contact_wanted = first_value(&f.posted, CONTACT_OK) == Some("yes");
    let value = move |name: &str| first_value(&f.posted, name).unwrap_or("").to_string();
    let contact_error = {
        let form = form.clone();
        move |name: &str| form.problems.get(name).map(|p| problem_text(locale, *p))
    };
    let account = form.csrf.clone().filter(|_| form.staff);
    view! {
        <Title text=title.clone()/>
        {account.map(|csrf| view! { <AccountBar csrf/> })}
        <section class="survey-page">
            <div class="survey-top">
                <p class="survey-store">{form.store_name.get(locale.code()).to_string()}</p>
                <nav class="survey-langs" aria-label=tr!(locale, "lang.label")>
                    {Locale::ALL.into_iter().map(|l| view! {
                        <a href=lang_href(&form.action, l, form.tag, form.staff) hreflang=l.code() lang=l.code()
                           aria-current=(l == locale).then_some("true")>{l.native_name()}</a>
                    }).collect_view()}
                </nav>
            </div>
            <h1>{title}</h1>
            {description.map(|d| view! { <p class="lead">{d}</p> })}
            {has_problems.then(|| view! {
                <p class="notice alert" role="alert" id="survey-problems">
                    {form_problem.map_or_else(|| tr!(locale, "survey.check_marked"), |_| tr!(locale, "survey.form_problem"))}
                </p>
            })}
            // survey.js writes here; its texts come with the page, in the page's language.
            <p id="survey-status" class="notice status" role="status" aria-live="polite" hidden=""
                data-sending=tr!(locale, "survey.sending") data-offline=tr!(locale, "survey.offline_saved")
                data-sent=tr!(locale, "survey.offline_sent")></p>
            <form method="post" action=form.action.clone() class="survey-form" novalidate="" data-survey="">
                <input type="hidden" name=RESPONSE_ID value=form.response_id.clone()/>
                <input type="hidden" name=OPENED value=form.opened.clone()/>
                <input type="hidden" name="lang" value=lang/>
                <input type="hidden" name="ch" value=form.tag.map(ChannelTag::as_str).unwrap_or("")/>
                <input type="hidden" name=SENT_AT value=""/>
                {form.csrf.clone().map(|c| view! { <input type="hidden" name="csrf" value=c/> })}
                {parts.into_iter().map(|(title, questions)| view! {
                    {title.map(|t| view! { <h2 class="survey-part">{t}</h2> })}
                    {questions.into_iter().map(|q| {
                        let name = field_name(&q.id);
                        let problem = form.problems.get(&name).map(|p| problem_text(locale, *p));
                        let chosen: Vec<String> = all_values(&form.posted, &name).into_iter().map(str::to_string).collect();
                        view! { <QuestionField q locale chosen problem/> }
                    }).collect_view()}
                }).collect_view()}
                {(!form.staff).then(|| view! {
                <fieldset class="survey-q contact">
                    <legend>{tr!(locale, "survey.contact_title")}</legend>
                    <p class="hint">{tr!(locale, "survey.contact_explain")}</p>
                    <label class="check">
                        <input type="checkbox" name=CONTACT_OK value="yes" checked=contact_wanted/>
                        {tr!(locale, "survey.contact_ok")}
                    </label>
                    <label for="contact-name">{tr!(locale, "survey.contact_name")}</label>
                    <input id="contact-name" name=CONTACT_NAME autocomplete="name" maxlength="100" value=value(CONTACT_NAME)/>
                    <label for="contact-phone">{tr!(locale, "survey.contact_phone")}</label>
                    <input id="contact-phone" name=CONTACT_PHONE type="tel" autocomplete="tel" maxlength="32" value=value(CONTACT_PHONE)
                        aria-invalid=contact_error(CONTACT_PHONE).map(|_| "true") aria-describedby=contact_error(CONTACT_PHONE).map(|_| "err-contact-phone")/>
                    {contact_error(CONTACT_PHONE).map(|m| view! { <p class="field-error" id="err-contact-phone">{m}</p> })}
                    <label for="contact-email">{tr!(locale, "survey.contact_email")}</label>
                    <input id="contact-email" name=CONTACT_EMAIL type="email" autocomplete="email" maxlength="254" value=value(CONTACT_EMAIL)
                        aria-invalid=contact_error(CONTACT_EMAIL).map(|_| "true") aria-describedby=contact_error(CONTACT_EMAIL).map(|_| "err-contact-email")/>
                    {contact_error(CONTACT_EMAIL).map(|m| view! { <p class="field-error" id="err-contact-email">{m}</p> })}
                </fieldset>
                })}
                // People never see this field; bots that fill every field do.
                <div class="hp" aria-hidden="true">
                    <label for="hp-website">"Website"</label>
                    <input id="hp-website" name=HONEYPOT tabindex="-1" autocomplete="off"/>
                </div>
                <button type="submit" class="button big">{tr!(locale, "survey.send")}</button>
                <p class="hint">{if form.staff { tr!(locale, "self.privacy") } else { tr!(locale, "survey.privacy") }}</p>
            </form>
        </section>
        <script src="/survey.js" defer nonce=leptos::nonce::use_nonce()></script>
    }
}

/// One question: a group of choices, or a text box.
#[component]
fn QuestionField(
    q: Question,
    locale: Locale,
    chosen: Vec<String>,
    problem: Option<String>,
) -> impl IntoView {
    let lang = locale.code();
    let name = field_name(&q.id);
    let error_id = format!("err-{}", q.id);
    let text = q.text.get(lang).to_string();
    let help = q.help.as_ref().map(|h| h.get(lang).to_string());
    let current = chosen.first().cloned().unwrap_or_default();
    let is_chosen = move |v: &str| chosen.iter().any(|c| c == v);
    let invalid = problem.as_ref().map(|_| "true");
    let described = problem.as_ref().map(|_| error_id.clone());
    let required = q
        .required
        .then(|| view! { <span class="req">{tr!(locale, "survey.required")}</span> });
    let error = problem.map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> });
    if q.kind == QuestionType::FreeText {
        let id = format!("q-{}", q.id);
        let max = q
            .max_len
            .unwrap_or(crate::domain::template_check::DEFAULT_TEXT_MAX_LEN);
        let current = crate::ui::textarea_text(&current);
        return EitherOf3::A(view! {
            <div class="survey-q">
                <label for=id.clone()>{text}" "{required}</label>
                {help.map(|h| view! { <p class="hint">{h}</p> })}
                <textarea id=id name=name rows="3" maxlength=max.to_string()
                    aria-invalid=invalid aria-describedby=described.clone()>{current}</textarea>
                {error}
            </div>
        });
    }
    // (value, label) of each choice.
    let choices: Vec<(String, String)> = match q.kind {
        QuestionType::Recommend => (0..=10).map(|n| (n.to_string(), n.to_string())).collect(),
        QuestionType::Scale5 => (1..=5).map(|n| (n.to_string(), n.to_string())).collect(),
        QuestionType::YesNo => vec![
            ("yes".into(), tr!(locale, "survey.yes")),
            ("no".into(), tr!(locale, "survey.no")),
        ],
        QuestionType::SingleChoice | QuestionType::MultipleChoice => q
            .options
            .iter()
            .map(|o| (o.id.clone(), o.label.get(lang).to_string()))
            .collect(),
        _ => Vec::new(),
    };
    if choices.is_empty() {
        // Numbers and counts: a number box.
        let id = format!("q-{}", q.id);
        return EitherOf3::B(view! {
            <div class="survey-q">
                <label for=id.clone()>{text}" "{required}</label>
                {help.map(|h| view! { <p class="hint">{h}</p> })}
                <input id=id name=name inputmode="decimal" value=current
                    aria-invalid=invalid aria-describedby=described.clone()/>
                {error}
            </div>
        });
    }
    let input_type = if q.kind == QuestionType::MultipleChoice {
        "checkbox"
    } else {
        "radio"
    };
    let class = match q.kind {
        QuestionType::Recommend => "choices scale11",
        QuestionType::Scale5 => "choices scale5",
        _ => "choices list",
    };
    let ends = match q.kind {
        QuestionType::Recommend => Some((
            tr!(locale, "survey.recommend_low"),
            tr!(locale, "survey.recommend_high"),
        )),
        QuestionType::Scale5 => Some((
            tr!(locale, "survey.agree_low"),
            tr!(locale, "survey.agree_high"),
        )),
        _ => None,
    };
    let na = q.na_allowed.then(|| {
        let checked = is_chosen(NOT_APPLICABLE);
        view! {
            <label class="na"><input type="radio" name=name.clone() value=NOT_APPLICABLE checked=checked/>{tr!(locale, "survey.not_applicable")}</label>
        }
    });
    let count = choices.len();
    EitherOf3::C(view! {
        <fieldset class="survey-q" aria-invalid=invalid aria-describedby=described.clone()>
            <legend>{text}" "{required}</legend>
            {help.map(|h| view! { <p class="hint">{h}</p> })}
            <div class=class>
                {choices.into_iter().enumerate().map(|(i, (value, label))| {
                    let checked = is_chosen(&value);
                    // The words at the ends of a scale ("not at all likely"), for screen readers
                    // on the first and last choice; sighted users read them under the scale.
                    let end = ends.as_ref().and_then(|(low, high)| match i {
                        0 => Some(low.clone()),
                        _ if i + 1 == count => Some(high.clone()),
                        _ => None,
                    });
                    view! {
                        <label>
                            <input type=input_type name=name.clone() value=value checked=checked/>
                            <span>{label}</span>
                            {end.map(|e| view! { <span class="visually-hidden">{format!(" ({e})")}</span> })}
                        </label>
                    }
                }).collect_view()}
            </div>
            {ends.map(|(low, high)| view! { <p class="ends" aria-hidden="true"><span>{low}</span><span>{high}</span></p> })}
            {na}
            {error}
        </fieldset>
    })
}
