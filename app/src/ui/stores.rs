//! The store list of the signed-in user, rendered on the server only (no bundle): the search
//! is a plain GET form, and the small `stores.js` narrows the list as you type.

use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{use_locale, use_me, SignInPrompt};
use crate::api::wire::{Role, StoreView};
use crate::api::{list_stores, AppError};
use crate::{tr, trn};

/// What the typing filter of `stores.js` searches: code, names, address and region, lower
/// case (JavaScript lower-cases what is typed with the same Unicode mapping).
fn search_text(store: &StoreView) -> String {
    [
        Some(&store.code),
        Some(&store.name.en),
        store.name.zh_cn.as_ref(),
        store.name.ru.as_ref(),
        Some(&store.address),
        Some(&store.region),
    ]
    .into_iter()
    .flatten()
    .map(|f| f.to_lowercase())
    .collect::<Vec<_>>()
    .join("\n")
}

#[component]
pub fn StoresPage() -> impl IntoView {
    let locale = use_locale();
    let me = use_me().0;
    let query = use_query_map();
    let url_search = move || query.with(|q| q.get("q").unwrap_or_default());
    let stores = Resource::new(url_search, list_stores);

    view! {
        <h1>{tr!(locale, "stores.title")}</h1>
        <form method="get" action="/stores" role="search" class="search">
            <label for="store-search">{tr!(locale, "stores.search")}</label>
            <div class="row">
                <input id="store-search" name="q" type="search" value=url_search/>
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
                    let staff = matches!(me.get(), Some(Ok(Some(ref m))) if m.role == Role::Employee);
                    // stores.js puts the shown count where `{count}` stands.
                    let template = tr!(locale, "stores.count", count = "{count}", total = total);
                    EitherOf4::D(view! {
                        <p class="count" aria-live="polite" data-template=template>
                            {tr!(locale, "stores.count", count = total, total = total)}
                        </p>
                        <ul class="store-list">
                            {all.into_iter().map(|s| view! { <StoreItem store=s manage staff/> }).collect_view()}
                        </ul>
                        <script src="/stores.js" defer nonce=leptos::nonce::use_nonce()></script>
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
        <li class="store" data-search=search_text(&store)>
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
    fn the_typing_filter_searches_code_names_address_and_region_in_lower_case() {
        let s = StoreView {
            code: "SH-001".into(),
            name: crate::domain::I18nText {
                en: "Nanjing Road".into(),
                zh_cn: Some("南京路店".into()),
                ru: Some("Нанкинская".into()),
            },
            address: "1 Nanjing Rd".into(),
            timezone: "Asia/Shanghai".into(),
            region: "East".into(),
            recent_responses: 0,
            last_response_at: None,
            last_response_day: None,
        };
        let text = search_text(&s);
        for needle in [
            "sh-0",
            "nanjing road",
            "南京路",
            "нанкинская",
            "1 nanjing rd",
            "east",
        ] {
            assert!(text.contains(needle), "{needle} in {text}");
        }
        assert!(
            !text.contains("asia/shanghai"),
            "the time zone is not searched"
        );
    }
}
