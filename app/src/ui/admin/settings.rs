//! The organisation's settings (admins): what the combined score weighs, when a figure is
//! solid, revisit days, the customer repeat window, the self-assessment threshold and how
//! staff appear in reports. One plain form; every change is in the audit log.

use leptos::either::Either;
use leptos::prelude::*;

use crate::api::settings::{settings_page, SettingsData};
use crate::domain::org_settings::{StaffIdentification, KEYS, YES_NO_KEYS};
use crate::i18n::{message, Locale};
use crate::tr;
use crate::ui::{load_error, use_locale, use_me};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let locale = use_locale();
    let page = Resource::new(|| (), |_| settings_page());
    let me = use_me();
    let csrf = move || me.csrf();
    view! {
        <h1>{tr!(locale, "settings.title")}</h1>
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(e) => Either::Left(load_error(locale, e)),
                Ok(p) => Either::Right(form(locale, p, csrf)),
            })}
        </Suspense>
    }
}

fn form(
    locale: Locale,
    p: SettingsData,
    csrf: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> AnyView {
    let value = |key: &str| {
        p.typed
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .or_else(|| p.settings.get(key))
            .unwrap_or_default()
    };
    let staff = p.settings.staff_identification;
    view! {
        <p class="lead">{tr!(locale, "settings.lead")}</p>
        {p.saved.then(|| view! { <p class="notice status" role="status">{tr!(locale, "setup.saved")}</p> })}
        {(!p.errors.is_empty()).then(|| view! { <p class="notice alert" role="alert">{tr!(locale, "setup.form_errors")}</p> })}
        <form method="post" action="/admin/settings" class="card stack">
            <input type="hidden" name="csrf" value=csrf/>
            {KEYS.into_iter().filter(|k| !["staff_identification", "customer_template"].contains(k) && !YES_NO_KEYS.contains(k)).map(|key| {
                let id = format!("setting-{key}");
                let wrong = p.errors.iter().any(|e| e == key);
                let error_id = format!("{id}-error");
                view! {
                    <label for=id.clone()>{message(locale, &format!("settings.{key}"))}</label>
                    <p class="hint">{message(locale, &format!("settings.{key}.hint"))}</p>
                    <input id=id type="text" inputmode="decimal" name=key value=value(key) required
                        aria-invalid=wrong.then_some("true") aria-describedby=wrong.then(|| error_id.clone())/>
                    {wrong.then(|| view! { <p class="notice alert" id=error_id>{message(locale, &format!("settings.{key}.error"))}</p> })}
                }
            }).collect_view()}
            {YES_NO_KEYS.into_iter().map(|key| {
                let on = value(key) == "yes";
                view! {
                    <fieldset>
                        <legend>{message(locale, &format!("settings.{key}"))}</legend>
                        <p class="hint">{message(locale, &format!("settings.{key}.hint"))}</p>
                        {[("yes", on), ("no", !on)].into_iter().map(|(v, checked)| {
                            let id = format!("setting-{key}-{v}");
                            view! {
                                <div>
                                    <input id=id.clone() type="radio" name=key value=v checked=checked/>
                                    " "<label for=id>{message(locale, &format!("settings.{v}"))}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
            <fieldset>
                <legend>{tr!(locale, "settings.staff_identification")}</legend>
                <p class="hint">{tr!(locale, "settings.staff_identification.hint")}</p>
                {StaffIdentification::ALL.into_iter().map(|s| {
                    let id = format!("staff-{}", s.as_str());
                    view! {
                        <div>
                            <input id=id.clone() type="radio" name="staff_identification" value=s.as_str() checked=staff == s/>
                            " "<label for=id>{message(locale, &format!("settings.staff.{}", s.as_str()))}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            {
                let wrong = p.errors.iter().any(|e| e == "customer_template");
                let current = p.settings.customer_template.clone();
                view! {
                    <label for="setting-customer_template">{tr!(locale, "settings.customer_template")}</label>
                    <p class="hint" id="setting-customer_template-hint">{tr!(locale, "settings.customer_template.hint")}</p>
                    <select id="setting-customer_template" name="customer_template" aria-describedby="setting-customer_template-hint"
                        aria-invalid=wrong.then_some("true")>
                        {p.customer_templates.iter().map(|(key, title)| view! {
                            <option value=key.clone() selected=*key == current>{format!("{} ({key})", title.get(locale.code()))}</option>
                        }).collect_view()}
                    </select>
                    {wrong.then(|| view! { <p class="notice alert">{tr!(locale, "settings.customer_template.error")}</p> })}
                }
            }
            <button type="submit" class="button">{tr!(locale, "setup.save")}</button>
        </form>
        <p><a href="/admin/audit?kind=setting">{tr!(locale, "settings.history")}</a></p>
    }
    .into_any()
}
