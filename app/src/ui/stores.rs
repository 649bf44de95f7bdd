//! The store list of the signed-in user. The search works as a plain GET form without
//! JavaScript; once hydrated, the list also narrows as you type.

use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{use_locale, use_me, SignInPrompt};
use crate::api::wire::{Role, StoreView};
use crate::api::{list_stores, AppError};
use crate::{tr, trn};

fn matches(store: &StoreView, needle: &str) -> bool {
    let needle = lowercase(needle.trim());
    needle.is_empty()
        || [
            Some(&store.code),
            Some(&store.name.en),
            store.name.zh_cn.as_ref(),
            store.name.ru.as_ref(),
            Some(&store.address),
            Some(&store.region),
        ]
        .into_iter()
        .flatten()
        .any(|f| lowercase(f).contains(&needle))
}

/// Unicode lower case. The browser asks JavaScript, which applies the same Unicode mapping
/// as Rust, so the bundle need not carry Rust's case tables.
fn lowercase(s: &str) -> String {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        String::from(js_sys::JsString::from(s).to_lower_case())
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        s.to_lowercase()
    }
}

#[component]
pub fn StoresPage() -> impl IntoView {
    let locale = use_locale();
    let me = use_me().0;
    let query = use_query_map();
    let url_search = move || query.with(|q| q.get("q").unwrap_or_default());
    let stores = Resource::new(url_search, list_stores);
    let filter = RwSignal::new(url_search());

    view! {
        <h1>{tr!(locale, "stores.title")}</h1>
        <form method="get" action="/stores" role="search" class="search">
            <label for="store-search">{tr!(locale, "stores.search")}</label>
            <div class="row">
                <input id="store-search" name="q" type="search" prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))/>
                <button type="submit" class="button secondary">{tr!(locale, "stores.search_button")}</button>
            </div>
        </form>
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || stores.get().map(|result| match result {
                Err(AppError::Unauthenticated) => EitherOf4::A(view! { <SignInPrompt next="/stores"/> }),
                Err(_) => EitherOf4::B(view! { <p class="notice alert" role="alert">{tr!(locale, "common.error")}</p> }),
                Ok(all) if all.is_empty() => {
                    let shopper = matches!(me.get(), Some(Ok(Some(ref m))) if m.role == Role::Shopper);
                    let text = if shopper { tr!(locale, "stores.shopper_note") }
                        else if url_search().is_empty() { tr!(locale, "stores.none") }
                        else { tr!(locale, "stores.no_match") };
                    EitherOf4::C(view! { <p class="notice">{text}</p> })
                }
                Ok(all) => {
                    let total = all.len();
                    let manage = matches!(me.get(), Some(Ok(Some(ref m))) if m.role.reads_scores());
                    let staff = matches!(me.get(), Some(Ok(Some(ref m))) if m.role == crate::api::wire::Role::Employee);
                    let shown = Memo::new(move |_| all.iter().filter(|s| matches(s, &filter.get())).cloned().collect::<Vec<_>>());
                    EitherOf4::D(view! {
                        <p class="count" aria-live="polite">{move || tr!(locale, "stores.count", count = shown.with(Vec::len), total = total)}</p>
                        <ul class="store-list">
                            {move || shown.get().into_iter().map(|s| view! { <StoreItem store=s manage staff/> }).collect_view()}
                        </ul>
                    })
                }
            })}
        </Suspense>
    }
}

#[component]
fn StoreItem(store: StoreView, manage: bool, staff: bool) -> impl IntoView {
    let locale = use_locale();
    // The day on the store's calendar, as the server worked it out.
    let last = match store.last_response_day {
        Some(day) => tr!(
            locale,
            "stores.last",
            date = day.format("%Y-%m-%d").to_string()
        ),
        None => tr!(locale, "stores.never"),
    };
    let name = store.name.get(locale.code()).to_string();
    view! {
        <li class="store">
            <h2>{name.clone()}</h2>
            <p class="meta"><span class="code">{store.code.clone()}</span>" · "{store.region.clone()}" · "{store.timezone.clone()}</p>
            <p>{store.address.clone()}</p>
            <p class="figures">{trn!(locale, "stores.responses", count = store.recent_responses)}", "{last}</p>
            // An employee's own store: their monthly self-assessment.
            {staff.then(|| view! {
                <p class="links"><a class="button" href="/self" rel="external">{tr!(locale, "self.rate_link")}</a></p>
            })}
            {manage.then(|| view! {
                <p class="links">
                    <a href=format!("/stores/{}/scorecard", store.code) aria-label=tr!(locale, "score.link_for", store = name.clone())>{tr!(locale, "score.link")}</a>
                    <a href=format!("/stores/{}/customers", store.code) aria-label=tr!(locale, "stores.customers_for", store = name.clone())>{tr!(locale, "stores.customers")}</a>
                    <a href=format!("/stores/{}/team", store.code) aria-label=tr!(locale, "team.link_for", store = name.clone())>{tr!(locale, "team.link")}</a>
                    <a href=format!("/stores/{}/qr", store.code) aria-label=tr!(locale, "stores.qr_for", store = name.clone())>{tr!(locale, "stores.qr")}</a>
                </p>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_matches_code_name_address_or_region_ignoring_case() {
        let s = StoreView {
            code: "SH-001".into(),
            name: "Nanjing Road".into(),
            address: "1 Nanjing Rd".into(),
            timezone: "Asia/Shanghai".into(),
            region: "East".into(),
            recent_responses: 0,
            last_response_at: None,
            last_response_day: None,
        };
        assert!(matches(&s, "sh-0"));
        assert!(matches(&s, "NANJING"));
        assert!(matches(&s, "east"));
        assert!(matches(&s, "  "));
        assert!(!matches(&s, "moscow"));
    }
}
