//! Setting up the chain: the chain's name, its regions and stores (`/admin/stores`), one
//! store's form (`/admin/stores/new`, `/admin/stores/{code}/edit`). Plain forms with the
//! session's CSRF token that post to `server/src/http/store_setup.rs`; no JavaScript needed.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::store_setup::{admin_stores_page, store_form_page, StoreFormData};
use crate::domain::store_setup::StoreInput;
use crate::i18n::Locale;
use crate::tr;
use crate::ui::{load_error, use_locale, use_me};

#[component]
pub fn AdminStoresPage() -> impl IntoView {
    let locale = use_locale();
    let page = Resource::new(|| (), |_| admin_stores_page());
    let me = use_me();
    let csrf = move || me.csrf();
    view! {
        <h1>{tr!(locale, "setup.title")}</h1>
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(e) => Either::Left(load_error(locale, e)),
                Ok(p) => Either::Right(view! {
                    <p class="lead">{tr!(locale, "setup.lead")}</p>
                    {p.notice.map(|(kind, value)| {
                        let key = format!("setup.notice.{kind}");
                        let class = if kind == "error" { "notice alert" } else { "notice status" };
                        let text = if kind == "error" {
                            crate::i18n::message(locale, &format!("setup.error.{}", value.split(',').next().unwrap_or("")))
                        } else {
                            tr!(locale, key.as_str(), value = value)
                        };
                        view! { <p class=class role=if kind == "error" { "alert" } else { "status" }>{text}</p> }
                    })}
                    <p class="actions">
                        <a class="button" href="/admin/stores/new">{tr!(locale, "setup.new_store")}</a>" "
                        <a class="button secondary" href="/admin/stores/import">{tr!(locale, "setup.import")}</a>" "
                        <a class="button secondary" href="/api/v1/stores.csv" rel="external" download="stores.csv">{tr!(locale, "setup.export")}</a>" "
                        <a href="/admin/settings">{tr!(locale, "settings.title")}</a>" · "
                        <a href="/admin/audit">{tr!(locale, "setup.audit")}</a>
                    </p>
                    <h2>{tr!(locale, "setup.stores")}</h2>
                    {if p.stores.is_empty() {
                        Either::Left(view! { <p>{tr!(locale, "setup.no_stores")}</p> })
                    } else {
                        Either::Right(view! {
                            <div class="table-scroll">
                                <table class="figures">
                                    <thead><tr>
                                        <th scope="col">{tr!(locale, "setup.field.code")}</th>
                                        <th scope="col">{tr!(locale, "setup.field.name")}</th>
                                        <th scope="col">{tr!(locale, "setup.field.region")}</th>
                                        <th scope="col">{tr!(locale, "setup.field.timezone")}</th>
                                        <th scope="col">{tr!(locale, "setup.field.status")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.stores.into_iter().map(|s| {
                                            let edit = format!("/admin/stores/{}/edit", s.fields.code);
                                            let status = if s.open { tr!(locale, "setup.open") } else { tr!(locale, "setup.closed") };
                                            view! {
                                                <tr>
                                                    <td><a class="code" href=edit>{s.fields.code.clone()}</a></td>
                                                    <td>{s.fields.name.clone()}</td>
                                                    <td>{s.fields.region.clone()}</td>
                                                    <td>{s.fields.timezone.clone()}</td>
                                                    <td>{status}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })
                    }}
                    <h2>{tr!(locale, "setup.regions")}</h2>
                    <ul class="token-list">
                        {p.regions.into_iter().map(|r| {
                            let id = format!("region-{}", r.id);
                            view! {
                                <li class="card">
                                    <form method="post" action=format!("/admin/regions/{}", r.id) class="stack">
                                        <input type="hidden" name="csrf" value=csrf/>
                                        <label for=id.clone()>{tr!(locale, "setup.region_name")}</label>
                                        <input id=id type="text" name="name" value=r.name.clone() required maxlength="200"/>
                                        <p class="meta">{crate::trn!(locale, "setup.region_stores", count = r.stores)}</p>
                                        <button type="submit" class="button secondary">{tr!(locale, "setup.rename")}</button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <form method="post" action="/admin/regions" class="stack card">
                        <input type="hidden" name="csrf" value=csrf/>
                        <label for="new-region">{tr!(locale, "setup.new_region")}</label>
                        <input id="new-region" type="text" name="name" required maxlength="200"/>
                        <button type="submit" class="button">{tr!(locale, "setup.add_region")}</button>
                    </form>
                    <h2>{tr!(locale, "setup.organisation")}</h2>
                    <form method="post" action="/admin/organisation" class="stack card">
                        <input type="hidden" name="csrf" value=csrf/>
                        <label for="organisation">{tr!(locale, "setup.organisation_name")}</label>
                        <input id="organisation" type="text" name="name" value=p.organisation required maxlength="200"/>
                        <button type="submit" class="button secondary">{tr!(locale, "setup.rename")}</button>
                    </form>
                }),
            })}
        </Suspense>
    }
}

/// One labelled text field of the store form, marked and explained when the server refused it.
fn field(
    locale: Locale,
    name: &'static str,
    value: String,
    errors: &[String],
    required: bool,
) -> AnyView {
    let id = format!("store-{name}");
    let wrong = errors.iter().any(|e| e == name);
    // Fields whose form is not obvious say it.
    let hint = matches!(
        name,
        "code" | "timezone" | "latitude" | "opening_hours" | "phone"
    )
    .then(|| crate::i18n::message(locale, &format!("setup.hint.{name}")));
    let error_id = format!("{id}-error");
    let label = crate::i18n::message(locale, &format!("setup.field.{name}"));
    view! {
        <label for=id.clone()>{label}{required.then_some(" *")}</label>
        {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
        <input id=id type="text" name=name value=value required=required
            aria-invalid=wrong.then_some("true") aria-describedby=wrong.then(|| error_id.clone())/>
        {wrong.then(|| view! { <p class="notice alert" id=error_id>{crate::i18n::message(locale, &format!("setup.error.{name}"))}</p> })}
    }
    // Type-erased: eleven fields in one view type make a render deep enough to overflow a
    // test thread's stack in debug builds.
    .into_any()
}

#[component]
pub fn StoreFormPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let page = Resource::new(code, store_form_page);
    let me = use_me();
    let csrf = move || me.csrf();
    view! {
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(e) => EitherOf3::A(load_error(locale, e)),
                Ok(StoreFormData { store: None, typed, errors, regions, .. }) if regions.is_empty() => {
                    let _ = (typed, errors);
                    EitherOf3::B(view! {
                        <h1>{tr!(locale, "setup.new_store")}</h1>
                        <p class="notice alert" role="alert">{tr!(locale, "setup.region_first")}</p>
                        <p><a href="/admin/stores">{tr!(locale, "setup.back")}</a></p>
                    })
                }
                Ok(p) => EitherOf3::C(store_form(locale, p, csrf)),
            })}
        </Suspense>
    }
}

fn store_form(
    locale: Locale,
    p: StoreFormData,
    csrf: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> AnyView {
    let StoreFormData {
        store,
        typed,
        errors,
        regions,
        saved,
    } = p;
    let StoreInput {
        code,
        name,
        name_zh_cn,
        name_ru,
        region,
        address,
        timezone,
        latitude,
        longitude,
        phone,
        opening_hours,
        ..
    } = typed;
    let editing = store.is_some();
    let open = store.as_ref().is_none_or(|s| s.open);
    let (title, action) = match &store {
        Some(s) => (
            tr!(locale, "setup.edit_store", code = s.fields.code.clone()),
            format!("/admin/stores/{}/edit", s.fields.code),
        ),
        None => (tr!(locale, "setup.new_store"), "/admin/stores".to_string()),
    };
    let region_wrong = errors.iter().any(|e| e == "region");
    let store_code = code.clone();
    view! {
        <h1>{title}</h1>
        <p><a href="/admin/stores">{tr!(locale, "setup.back")}</a></p>
        {saved.then(|| view! { <p class="notice status" role="status">{tr!(locale, "setup.saved")}</p> })}
        {(!errors.is_empty()).then(|| view! { <p class="notice alert" role="alert">{tr!(locale, "setup.form_errors")}</p> })}
        {(!open).then(|| view! { <p class="notice alert" role="status">{tr!(locale, "setup.is_closed")}</p> })}
        <form method="post" action=action class="stack card">
            <input type="hidden" name="csrf" value=csrf/>
            {if editing {
                Either::Left(view! {
                    <p><strong>{tr!(locale, "setup.field.code")}": "</strong><span class="code">{code.clone()}</span></p>
                    <p class="hint">{tr!(locale, "setup.code_fixed")}</p>
                })
            } else {
                Either::Right(field(locale, "code", code.clone(), &errors, true))
            }}
            {field(locale, "name", name, &errors, true)}
            {field(locale, "name_zh_cn", name_zh_cn, &errors, false)}
            {field(locale, "name_ru", name_ru, &errors, false)}
            <label for="store-region">{tr!(locale, "setup.field.region")}" *"</label>
            <select id="store-region" name="region" required aria-invalid=region_wrong.then_some("true")>
                {regions.into_iter().map(|r| {
                    let selected = r == region;
                    view! { <option value=r.clone() selected=selected>{r.clone()}</option> }
                }).collect_view()}
            </select>
            {field(locale, "address", address, &errors, false)}
            {field(locale, "timezone", timezone, &errors, true)}
            {field(locale, "latitude", latitude, &errors, false)}
            {field(locale, "longitude", longitude, &errors, false)}
            {field(locale, "phone", phone, &errors, false)}
            {field(locale, "opening_hours", opening_hours, &errors, false)}
            <button type="submit" class="button">{tr!(locale, "setup.save")}</button>
        </form>
        {editing.then(|| {
            let (verb, key, class) = if open { ("close", "setup.close", "button danger") } else { ("reopen", "setup.reopen", "button secondary") };
            let hint = if open { tr!(locale, "setup.close_hint") } else { tr!(locale, "setup.reopen_hint") };
            view! {
                <form method="post" action=format!("/admin/stores/{store_code}/{verb}") class="stack card">
                    <input type="hidden" name="csrf" value=csrf/>
                    <p class="hint">{hint}</p>
                    <button type="submit" class=class>{tr!(locale, key)}</button>
                </form>
                <p><a href=format!("/admin/audit?kind=store&subject={store_code}")>{tr!(locale, "setup.history")}</a></p>
            }
        })}
    }
    .into_any()
}
