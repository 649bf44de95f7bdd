//! What a shopper needs to find and reach the store, on the job card and above the checklist:
//! name, address with a map link, the telephone number (the number to dial for a call), and
//! the assignment's scenario. Drawn from the assignment feed kept on the phone, so it shows
//! offline too (the map itself needs a connection).

use leptos::prelude::*;

use crate::api::wire::AssignmentView;
use crate::domain::Channel;
use crate::tr;
use crate::ui::use_locale;

/// A map search for the address (OpenStreetMap: no account, no key, works in every region).
fn map_href(address: &str) -> String {
    let query: String = js_sys::encode_uri_component(address).into();
    format!("https://www.openstreetmap.org/search?query={query}")
}

/// `tel:` wants the digits and a leading `+` only.
fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

#[component]
pub fn StoreFacts(a: AssignmentView, #[prop(optional)] with_scenario: bool) -> impl IntoView {
    let locale = use_locale();
    let is_call = a.channel == Channel::MysteryCall;
    let phone = (!a.store_phone.is_empty()).then(|| {
        let label = if is_call {
            tr!(locale, "shopper.store.dial", phone = a.store_phone.clone())
        } else {
            a.store_phone.clone()
        };
        view! {
            <p class="store-phone">
                <a class=if is_call { "button" } else { "" } href=tel_href(&a.store_phone)
                    data-testid="store-phone">{label}</a>
            </p>
        }
    });
    let missing_phone = (is_call && a.store_phone.is_empty())
        .then(|| view! { <p class="error">{tr!(locale, "shopper.store.no_phone")}</p> });
    let address = (!a.store_address.is_empty()).then(|| {
        view! {
            <p class="muted store-address">
                {a.store_address.clone()}" · "
                <a href=map_href(&a.store_address) target="_blank" rel="noopener">{tr!(locale, "shopper.store.map")}</a>
            </p>
        }
    });
    let scenario = (with_scenario && !a.instructions.is_empty()).then(|| {
        view! {
            <details class="scenario" open>
                <summary>{tr!(locale, "shopper.store.scenario")}</summary>
                <p class="instructions">{a.instructions.clone()}</p>
            </details>
        }
    });
    view! {
        <div class="store-facts" data-testid="store-facts">
            {address}
            {phone}
            {missing_phone}
            {scenario}
        </div>
    }
}
