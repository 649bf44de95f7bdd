//! `/stores/{code}/customers`: a store's customer answers for its managers, newest first,
//! with comments and stuffing flags. Flagged answers are left out of the figures and the list
//! unless the manager includes them; the store's own managers also see call-back requests.
//! Server-only (plain links, nothing for a script to do).

use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::wire::CustomerAnswerView;
use crate::api::{customer_answers_page, AppError};
use crate::domain::display::trimmed;
use crate::domain::stuffing::Flag;
use crate::domain::Nps;
use crate::i18n::Locale;
use crate::ui::{use_locale, use_me, SignInPrompt};
use crate::{tr, trn};

fn nps_text(locale: Locale, nps: &Nps, key: &str) -> String {
    match nps.value() {
        Some(v) => trn!(locale, key, count = nps.responses(), value = trimmed(v, 0)),
        None => tr!(locale, "answers.nps_none"),
    }
}

/// "2 flagged answers are left out of the figures. With them: NPS +3 from 35 answers.", next
/// to an NPS on every page that shows one (nothing when no answer was flagged).
pub fn flagged_left_out(locale: Locale, counted: u32, with_flagged: &Nps) -> Option<String> {
    let hidden = with_flagged.responses().saturating_sub(counted);
    (hidden > 0).then(|| {
        trn!(
            locale,
            "answers.flagged_left_out",
            count = hidden,
            with = nps_text(locale, with_flagged, "answers.nps_with_flagged")
        )
    })
}

fn flag_label(locale: Locale, flag: &str) -> String {
    match Flag::parse(flag) {
        Some(f) => {
            let key = format!("answers.flag.{}", f.as_str());
            tr!(locale, key.as_str())
        }
        None => flag.to_string(),
    }
}

#[component]
pub fn CustomerAnswersPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        (
            params.with(|p| p.get("code").unwrap_or_default()),
            query.with(|q| q.get("flagged").unwrap_or_default()),
        )
    };
    let me = use_me();
    let page = Resource::new(args, |(code, flagged)| customer_answers_page(code, flagged));
    view! {
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(AppError::Unauthenticated) => EitherOf4::A(view! { <SignInPrompt next="/stores"/> }),
                Err(AppError::Forbidden) => EitherOf4::B(view! { <p class="notice alert" role="alert">{tr!(locale, "answers.managers_only")}</p> }),
                Err(_) => EitherOf4::C(view! { <p class="notice alert" role="alert">{tr!(locale, "common.not_found")}</p> }),
                Ok(p) => {
                    let base = format!("/stores/{}/customers", p.store_code);
                    let filters = [("exclude", "answers.filter.exclude"), ("include", "answers.filter.include"), ("only", "answers.filter.only")];
                    EitherOf4::D(view! {
                        <h1>{tr!(locale, "answers.title", store = p.store_name.get(locale.code()).to_string())}</h1>
                        <crate::ui::ZoneNote timezone=p.timezone.clone()/>
                        <p class="lead">{nps_text(locale, &p.counted, "answers.nps")}</p>
                        {flagged_left_out(locale, p.counted.responses(), &p.with_flagged).map(|note| view! {
                            <p class="notice" data-testid="flagged-left-out">{note}</p>
                        })}
                        <nav class="filters" aria-label=tr!(locale, "answers.filter.label")>
                            {filters.into_iter().map(|(value, key)| {
                                let href = if value == "exclude" { base.clone() } else { format!("{base}?flagged={value}") };
                                view! { <a href=href aria-current=(p.flagged == value).then_some("page")>{tr!(locale, key)}</a> }
                            }).collect_view()}
                        </nav>
                        {p.call_backs.clone().map(|list| view! { <CallBacks list timezone=p.timezone.clone() store_code=p.store_code.clone() csrf=me.csrf()/> })}
                        <h2>{tr!(locale, "answers.latest")}</h2>
                        {p.answers.is_empty().then(|| view! { <p class="notice">{tr!(locale, "answers.none")}</p> })}
                        <ul class="answers">
                            {p.answers.into_iter().map(|a| view! { <AnswerItem a timezone=p.timezone.clone()/> }).collect_view()}
                        </ul>
                        <details class="card">
                            <summary>{tr!(locale, "answers.flags_explained")}</summary>
                            <dl class="flags-explained">
                                {Flag::ALL.into_iter().map(|f| {
                                    let help = format!("answers.flag_help.{}", f.as_str());
                                    view! {
                                        <dt>{flag_label(locale, f.as_str())}</dt>
                                        <dd>{tr!(locale, help.as_str())}</dd>
                                    }
                                }).collect_view()}
                            </dl>
                        </details>
                    })
                }
            })}
        </Suspense>
    }
}

#[component]
fn AnswerItem(a: CustomerAnswerView, timezone: String) -> impl IntoView {
    let locale = use_locale();
    let when = crate::ui::store_time(&a.sent_at, &timezone);
    let recommend = a
        .recommend
        .map(|r| tr!(locale, "answers.recommend", value = r));
    let placement = a.placement.as_deref().map(|p| {
        let key = format!("qr.placement.{p}");
        tr!(locale, key.as_str())
    });
    let flagged = !a.flags.is_empty();
    view! {
        <li class="answer" class:flagged=flagged>
            <p class="meta">{when}" UTC"{placement.map(|p| format!(" · {p}"))}</p>
            <p>
                {recommend}
                {a.score.map(|s| format!(" · {} %", trimmed(s, 0)))}
            </p>
            {(!a.comment.is_empty()).then(|| view! { <blockquote class="comment">{a.comment.clone()}</blockquote> })}
            {flagged.then(|| view! {
                <p class="flags">
                    {a.flags.iter().map(|f| view! { <span class="flag">{flag_label(locale, f)}</span> }).collect_view()}
                </p>
            })}
        </li>
    }
}

#[component]
fn CallBacks(
    list: Vec<crate::api::wire::CallBackView>,
    timezone: String,
    store_code: String,
    csrf: String,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="card">
            <h2>{tr!(locale, "answers.call_backs")}</h2>
            <p class="hint">{tr!(locale, "answers.call_backs_explain")}</p>
            {if list.is_empty() {
                leptos::either::Either::Left(view! { <p>{tr!(locale, "answers.call_backs_none")}</p> })
            } else {
                leptos::either::Either::Right(view! {
                    <ul class="call-backs">
                        {list.into_iter().map(|c| view! {
                            <li>
                                <strong>{if c.name.is_empty() { tr!(locale, "answers.no_name") } else { c.name.clone() }}</strong>
                                {(!c.phone.is_empty()).then(|| view! { " · " <a href=format!("tel:{}", c.phone)>{c.phone.clone()}</a> })}
                                {(!c.email.is_empty()).then(|| view! { " · " <a href=format!("mailto:{}", c.email)>{c.email.clone()}</a> })}
                                <span class="meta">{format!(" · {}", crate::ui::store_time(&c.received_at, &timezone))}
                                    {c.recommend.map(|r| format!(" · {}", tr!(locale, "answers.recommend", value = r)))}</span>
                                {match c.handled.clone() {
                                    Some(h) => leptos::either::Either::Left(view! {
                                        <p class="meta handled" data-testid="handled">{tr!(locale, "answers.call_back_handled", by = h.by, at = crate::ui::store_time(&h.at, &timezone))}</p>
                                    }),
                                    None => leptos::either::Either::Right(view! {
                                        <form method="post" action=format!("/stores/{}/call-backs/{}/handled", store_code, c.response_id) class="inline">
                                            <input type="hidden" name="csrf" value=csrf.clone()/>
                                            <button type="submit" class="button secondary">{tr!(locale, "answers.mark_handled")}</button>
                                        </form>
                                    }),
                                }}
                            </li>
                        }).collect_view()}
                    </ul>
                })
            }}
        </section>
    }
}
