//! The home page: what the app is, and where each kind of user goes.

use leptos::either::Either;
use leptos::prelude::*;

use super::{use_locale, use_me};
use crate::api::wire::Role;
use crate::tr;

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let me = use_me().0;
    let dims = [
        ("dim.tangibles", "dim.tangibles.hint"),
        ("dim.reliability", "dim.reliability.hint"),
        ("dim.responsiveness", "dim.responsiveness.hint"),
        ("dim.assurance", "dim.assurance.hint"),
        ("dim.empathy", "dim.empathy.hint"),
    ];
    view! {
        <section class="hero">
            <p class="eyebrow">{tr!(locale, "app.tagline")}</p>
            <h1>{tr!(locale, "home.title")}</h1>
            <p class="lead">{tr!(locale, "home.lead")}</p>
            <Suspense fallback=|| ()>
                {move || match me.get() {
                    Some(Ok(Some(m))) => {
                        let role_key = format!("role.{}", m.role.as_str());
                        let role = tr!(locale, role_key.as_str());
                        let action = m.role.reads_scores() || m.role == Role::Employee;
                        Either::Left(view! {
                            <p class="signed-in">{tr!(locale, "home.signed_in_as", name = m.display_name.clone(), role = role)}</p>
                            {action.then(|| view! { <a class="button" href="/stores">{tr!(locale, "home.manager.action")}</a> })}
                            {(m.role == Role::Shopper).then(|| view! { <a class="button" href="/shopper">{tr!(locale, "nav.shopper")}</a> })}
                        })
                    }
                    _ => Either::Right(view! { <a class="button" href="/login" rel="external">{tr!(locale, "nav.sign_in")}</a> }),
                }}
            </Suspense>
        </section>
        <section aria-labelledby="where">
            <h2 id="where">{tr!(locale, "home.where")}</h2>
            <ul class="cards">
                <li class="card"><h3>{tr!(locale, "home.manager.title")}</h3><p>{tr!(locale, "home.manager.text")}</p>
                    <a href="/stores">{tr!(locale, "home.manager.action")}</a></li>
                <li class="card"><h3>{tr!(locale, "home.shopper.title")}</h3><p>{tr!(locale, "home.shopper.text")}</p></li>
                <li class="card"><h3>{tr!(locale, "home.customer.title")}</h3><p>{tr!(locale, "home.customer.text")}</p></li>
                <li class="card"><h3>{tr!(locale, "home.employee.title")}</h3><p>{tr!(locale, "home.employee.text")}</p></li>
            </ul>
        </section>
        <section aria-labelledby="dims">
            <h2 id="dims">{tr!(locale, "home.dimensions")}</h2>
            <dl class="dims">
                {dims.into_iter().map(|(name, hint)| view! {
                    <div><dt>{tr!(locale, name)}</dt><dd>{tr!(locale, hint)}</dd></div>
                }).collect_view()}
            </dl>
        </section>
    }
}
