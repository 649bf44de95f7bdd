//! `/reviews`: the review queue. Mystery visits and calls of the reviewer's regions that wait
//! for a decision (or were returned, or voided), oldest first, with their evidence flags and
//! why a person must look. Server-only: the filters are a plain GET form.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::review::{reviews_page, ReviewItem, ReviewQueue};
use crate::domain::evidence::EvidenceFlag;
use crate::i18n::{message, Locale};
use crate::ui::scorecard::{channel_name, percent_or_dash};
use crate::ui::{load_error, store_time, use_locale};
use crate::{tr, trn};

#[component]
pub fn ReviewsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let args = move || {
        let q = query.get();
        let get = |k: &str| q.get(k).unwrap_or_default();
        (
            get("status"),
            get("region"),
            get("store"),
            get("shopper"),
            get("flag"),
        )
    };
    let page = Resource::new(args, |(status, region, store, shopper, flag)| {
        reviews_page(status, region, store, shopper, flag)
    });
    let decided = move || query.with(|q| q.get("decided").is_some());
    view! {
        <h1>{tr!(locale, "review.title")}</h1>
        <p class="lead">{tr!(locale, "review.lead")}</p>
        {move || decided().then(|| view! { <p class="notice status" role="status">{tr!(locale, "review.decided")}</p> })}
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Ok(queue) => view! { <QueueView locale queue/> }.into_any(),
                Err(e) => load_error(locale, e),
            })}
        </Suspense>
    }
}

/// What an evidence flag says, with its numbers.
pub fn evidence_text(locale: Locale, flag: &EvidenceFlag) -> String {
    match flag {
        EvidenceFlag::FarFromStore { metres } => {
            tr!(locale, "evidence.far_from_store", metres = *metres)
        }
        EvidenceFlag::OutsideWindow => tr!(locale, "evidence.outside_window"),
        EvidenceFlag::OutsideOpeningHours => tr!(locale, "evidence.outside_opening_hours"),
        EvidenceFlag::TooShort { minutes } => {
            tr!(locale, "evidence.too_short", minutes = *minutes)
        }
        EvidenceFlag::SentLate { hours } => tr!(locale, "evidence.sent_late", hours = *hours),
        EvidenceFlag::PhotoMissing { question } => {
            tr!(
                locale,
                "evidence.photo_missing",
                question = question.clone()
            )
        }
        EvidenceFlag::ImplausibleTimer { question, seconds } => tr!(
            locale,
            "evidence.implausible_timer",
            question = question.clone(),
            seconds = *seconds
        ),
        EvidenceFlag::SameAsPrevious => tr!(locale, "evidence.same_as_previous"),
    }
}

/// The evidence flags as a list (nothing when there are none).
#[component]
pub fn EvidenceList(locale: Locale, flags: Vec<EvidenceFlag>) -> impl IntoView {
    (!flags.is_empty()).then(|| {
        view! {
            <ul class="evidence">
                {flags.iter().map(|f| view! { <li data-flag=f.code()>{evidence_text(locale, f)}</li> }).collect_view()}
            </ul>
        }
    })
}

/// Why a person must review a visit, or when it releases itself.
pub fn why_text(
    locale: Locale,
    must_review: Option<&str>,
    releases_at: Option<String>,
    opened: bool,
) -> String {
    match (must_review, releases_at) {
        (Some(reason), _) => message(locale, &format!("review.why.{reason}")),
        (None, _) if opened => tr!(locale, "review.why.opened"),
        (None, Some(at)) => tr!(locale, "review.why.releases", at = at),
        (None, None) => String::new(),
    }
}

fn option(value: &str, label: String, current: &str) -> impl IntoView {
    view! { <option value=value.to_string() selected=value == current>{label}</option> }
}

#[component]
fn QueueView(locale: Locale, queue: ReviewQueue) -> impl IntoView {
    let lang = locale.code();
    let f = queue.filter.clone();
    let tabs = ["waiting", "returned", "voided"]
        .into_iter()
        .map(|s| {
            let current = f.status == s;
            view! {
                <a class="chip" href=format!("/reviews?status={s}") aria-current=current.then_some("page")>
                    {message(locale, &format!("review.status.{s}"))}
                </a>
            }
        })
        .collect_view();
    let rows = queue
        .items
        .iter()
        .map(|item| view! { <QueueRow locale item=item.clone()/> })
        .collect_view();
    let empty = queue.items.is_empty();
    view! {
        <nav class="chips" aria-label=tr!(locale, "review.statuses")>{tabs}</nav>
        <form method="get" action="/reviews" class="review-filters card" aria-label=tr!(locale, "review.filters")>
            <input type="hidden" name="status" value=f.status.clone()/>
            <div>
                <label for="f-region">{tr!(locale, "review.region")}</label>
                <select id="f-region" name="region">
                    {option("", tr!(locale, "review.all"), &f.region)}
                    {queue.regions.iter().map(|r| option(r, r.clone(), &f.region)).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-store">{tr!(locale, "review.store")}</label>
                <select id="f-store" name="store">
                    {option("", tr!(locale, "review.all"), &f.store)}
                    {queue.stores.iter().map(|(code, name)| option(code, format!("{code} {}", name.get(lang)), &f.store)).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-shopper">{tr!(locale, "review.shopper")}</label>
                <select id="f-shopper" name="shopper">
                    {option("", tr!(locale, "review.all"), &f.shopper)}
                    {queue.shoppers.iter().map(|(u, name)| option(u, name.clone(), &f.shopper)).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-flag">{tr!(locale, "review.flag")}</label>
                <select id="f-flag" name="flag">
                    {option("", tr!(locale, "review.all"), &f.flag)}
                    {EvidenceFlag::CODES.iter().map(|c| option(c, message(locale, &format!("evidence.name.{c}")), &f.flag)).collect_view()}
                </select>
            </div>
            <button type="submit" class="button secondary">{tr!(locale, "review.apply")}</button>
        </form>
        {if empty {
            view! { <p class="notice" role="status">{tr!(locale, "review.empty")}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="figures review-queue">
                        <caption>{trn!(locale, "review.count", count = queue.items.len())}</caption>
                        <thead><tr>
                            <th scope="col">{tr!(locale, "review.received")}</th>
                            <th scope="col">{tr!(locale, "review.store")}</th>
                            <th scope="col">{tr!(locale, "review.shopper")}</th>
                            <th scope="col">{tr!(locale, "review.checklist")}</th>
                            <th scope="col" class="num">{tr!(locale, "score.overall")}</th>
                            <th scope="col">{tr!(locale, "review.evidence")}</th>
                            <th scope="col">{tr!(locale, "review.why")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {queue.more.then(|| view! { <p class="hint">{tr!(locale, "review.more")}</p> })}
            }.into_any()
        }}
    }
    .into_any()
}

#[component]
fn QueueRow(locale: Locale, item: ReviewItem) -> impl IntoView {
    let lang = locale.code();
    let href = format!("/responses/{}", item.id);
    let why = why_text(
        locale,
        item.must_review.as_deref(),
        item.releases_at
            .as_ref()
            .map(|t| store_time(t, &item.timezone)),
        item.opened,
    );
    view! {
        <tr data-response=item.id.clone()>
            <td>
                <a href=href>{store_time(&item.received_at, &item.timezone)}</a>
                {(item.revision > 0).then(|| view! { <br/><small class="meta">{trn!(locale, "review.revision", count = item.revision)}</small> })}
            </td>
            <td>{format!("{} {}", item.store_code, item.store_name.get(lang))}<br/><small class="meta">{item.region.clone()}</small></td>
            <td>{item.shopper.clone()}</td>
            <td>{item.template_title.get(lang).to_string()}<br/><small class="meta">{channel_name(locale, item.channel)}</small></td>
            <td class="num">
                {percent_or_dash(item.score)}
                {item.critical_failed.then(|| view! { <br/><small class="bad">{tr!(locale, "review.critical")}</small> })}
            </td>
            <td><EvidenceList locale flags=item.evidence.clone()/></td>
            <td>{why}</td>
        </tr>
    }
}
