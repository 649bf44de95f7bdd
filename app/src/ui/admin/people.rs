//! People: the list with filters and last sign-in, a new person's form (`/admin/users`), and
//! one person's page (`/admin/users/{username}`): name, role and scope, deactivate or
//! reactivate, and a new invitation link. Admins see everyone; regional managers the store
//! staff of their regions. Plain forms; the link to pass on is shown once it is made.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::people::{people_page, person_page, PeopleData, PersonData};
use crate::api::wire::people::PersonView;
use crate::domain::role::Role;
use crate::i18n::{message, Locale};
use crate::tr;
use crate::ui::{load_error, use_locale, use_me};

fn role_name(locale: Locale, role: Role) -> String {
    message(locale, &format!("people.role.{}", role.as_str()))
}

fn scope_text(p: &PersonView) -> String {
    p.regions
        .iter()
        .chain(p.stores.iter())
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

fn state_text(locale: Locale, p: &PersonView) -> String {
    if !p.active {
        tr!(locale, "people.inactive")
    } else if p.invited {
        tr!(locale, "people.invited")
    } else {
        tr!(locale, "people.active")
    }
}

/// The role, region and store choices of a form, with what is chosen now.
fn scope_fields(
    locale: Locale,
    roles: &[Role],
    regions: &[String],
    stores: &[(String, String)],
    role: Option<Role>,
    chosen: &[String],
    errors: &[String],
) -> AnyView {
    let wrong = |f: &str| errors.iter().any(|e| e == f).then_some("true");
    view! {
        <label for="person-role">{tr!(locale, "people.role")}</label>
        <select id="person-role" name="role" required aria-invalid=wrong("role")>
            {roles.iter().map(|r| view! {
                <option value=r.as_str() selected=role == Some(*r)>{role_name(locale, *r)}</option>
            }).collect_view()}
        </select>
        {(!regions.is_empty()).then(|| view! {
            <label for="person-regions">{tr!(locale, "people.regions")}</label>
            <p class="hint">{tr!(locale, "people.regions_hint")}</p>
            <select id="person-regions" name="regions" multiple size="4" aria-invalid=wrong("regions")>
                {regions.iter().map(|r| view! {
                    <option value=r.clone() selected=chosen.contains(r)>{r.clone()}</option>
                }).collect_view()}
            </select>
        })}
        <label for="person-stores">{tr!(locale, "people.stores")}</label>
        <p class="hint">{tr!(locale, "people.stores_hint")}</p>
        <select id="person-stores" name="stores" multiple size="6" aria-invalid=wrong("stores")>
            {stores.iter().map(|(code, name)| view! {
                <option value=code.clone() selected=chosen.contains(code)>{format!("{code} · {name}")}</option>
            }).collect_view()}
        </select>
        {(!errors.is_empty()).then(|| view! {
            <ul class="notice alert" role="alert">
                {errors.iter().map(|e| view! { <li>{message(locale, &format!("people.error.{e}"))}</li> }).collect_view()}
            </ul>
        })}
    }
    .into_any()
}

#[component]
pub fn PeoplePage() -> impl IntoView {
    let locale = use_locale();
    let page = Resource::new(|| (), |_| people_page());
    let me = use_me();
    let csrf = move || me.csrf();
    view! {
        <h1>{tr!(locale, "people.title")}</h1>
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(e) => Either::Left(load_error(locale, e)),
                Ok(p) => Either::Right(people_list(locale, p, csrf)),
            })}
        </Suspense>
    }
}

fn people_list(
    locale: Locale,
    p: PeopleData,
    csrf: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> AnyView {
    let typed = |name: &str| {
        p.typed
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (username, display_name) = (typed("username"), typed("display_name"));
    let new_role = Role::parse(&typed("new_role"));
    view! {
        <p class="lead">{tr!(locale, "people.lead")}</p>
        <form method="get" action="/admin/users" class="card stack">
            <label for="filter-q">{tr!(locale, "people.search")}</label>
            <input id="filter-q" type="search" name="q" value=p.q.clone()/>
            <label for="filter-role">{tr!(locale, "people.role")}</label>
            <select id="filter-role" name="role">
                <option value="">{tr!(locale, "audit.any")}</option>
                {Role::ALL.into_iter().map(|r| view! {
                    <option value=r.as_str() selected=p.role == r.as_str()>{role_name(locale, r)}</option>
                }).collect_view()}
            </select>
            <label for="filter-scope">{tr!(locale, "people.scope_filter")}</label>
            <input id="filter-scope" type="text" name="scope" value=p.scope.clone()/>
            <label for="filter-state">{tr!(locale, "people.state")}</label>
            <select id="filter-state" name="state">
                <option value="">{tr!(locale, "audit.any")}</option>
                <option value="active" selected=p.state == "active">{tr!(locale, "people.active")}</option>
                <option value="inactive" selected=p.state == "inactive">{tr!(locale, "people.inactive")}</option>
            </select>
            <button type="submit" class="button secondary">{tr!(locale, "audit.filter")}</button>
        </form>
        {if p.people.is_empty() {
            Either::Left(view! { <p>{tr!(locale, "people.none")}</p> })
        } else {
            Either::Right(view! {
                <div class="table-scroll">
                    <table class="figures">
                        <thead><tr>
                            <th scope="col">{tr!(locale, "people.username")}</th>
                            <th scope="col">{tr!(locale, "people.display_name")}</th>
                            <th scope="col">{tr!(locale, "people.role")}</th>
                            <th scope="col">{tr!(locale, "people.scope")}</th>
                            <th scope="col">{tr!(locale, "people.state")}</th>
                            <th scope="col">{tr!(locale, "people.last_sign_in")}</th>
                        </tr></thead>
                        <tbody>
                            {p.people.iter().map(|person| {
                                let last = person.last_sign_in_at.map(|t| format!("{} UTC", crate::domain::display::date_time(&t.naive_utc()))).unwrap_or_else(|| tr!(locale, "people.never"));
                                view! {
                                    <tr>
                                        <td><a href=format!("/admin/users/{}", person.username)>{person.username.clone()}</a></td>
                                        <td>{person.display_name.clone()}</td>
                                        <td>{role_name(locale, person.role)}</td>
                                        <td>{scope_text(person)}</td>
                                        <td>{state_text(locale, person)}</td>
                                        <td>{last}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })
        }}
        <h2 id="new-person">{tr!(locale, "people.new")}</h2>
        <form method="post" action="/admin/users" class="card stack" aria-labelledby="new-person">
            <input type="hidden" name="csrf" value=csrf/>
            <p class="hint">{tr!(locale, "people.new_hint")}</p>
            <label for="person-username">{tr!(locale, "people.username")}</label>
            <input id="person-username" type="text" name="username" value=username required maxlength="64" autocapitalize="none"
                aria-invalid=p.errors.iter().any(|e| e == "username").then_some("true")/>
            <label for="person-name">{tr!(locale, "people.display_name")}</label>
            <input id="person-name" type="text" name="display_name" value=display_name required maxlength="100"
                aria-invalid=p.errors.iter().any(|e| e == "display_name").then_some("true")/>
            {scope_fields(locale, &p.roles, &p.regions, &p.stores, new_role, &[], &p.errors)}
            <button type="submit" class="button">{tr!(locale, "people.create")}</button>
        </form>
    }
    .into_any()
}

#[component]
pub fn PersonPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let username = move || params.with(|p| p.get("username").unwrap_or_default());
    let page = Resource::new(username, person_page);
    let me = use_me();
    let csrf = move || me.csrf();
    view! {
        <p><a href="/admin/users">{tr!(locale, "people.back")}</a></p>
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(e) => Either::Left(load_error(locale, e)),
                Ok(p) => Either::Right(person_view(locale, p, csrf)),
            })}
        </Suspense>
    }
}

fn person_view(
    locale: Locale,
    p: PersonData,
    csrf: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> AnyView {
    let person = p.person.clone();
    let base = format!("/admin/users/{}", person.username);
    let chosen: Vec<String> = person
        .regions
        .iter()
        .chain(person.stores.iter())
        .cloned()
        .collect();
    view! {
        <h1>{format!("{} ({})", person.display_name, person.username)}</h1>
        <p class="meta">{role_name(locale, person.role)}" · "{scope_text(&person)}" · "{state_text(locale, &person)}</p>
        {p.saved.then(|| view! { <p class="notice status" role="status">{tr!(locale, "setup.saved")}</p> })}
        {p.invitation.map(|link| view! {
            <div class="notice status" role="status">
                <p>{tr!(locale, "people.link_made", days = crate::api::people::INVITATION_DAYS)}</p>
                <code class="secret">{link}</code>
            </div>
        })}
        <form method="post" action=base.clone() class="card stack">
            <input type="hidden" name="csrf" value=csrf/>
            <label for="person-name">{tr!(locale, "people.display_name")}</label>
            <input id="person-name" type="text" name="display_name" value=person.display_name.clone() required maxlength="100"/>
            {if p.is_me {
                Either::Left(view! {
                    <input type="hidden" name="role" value=person.role.as_str()/>
                    <p class="hint">{tr!(locale, "people.own_role")}</p>
                })
            } else {
                Either::Right(scope_fields(locale, &p.roles, &p.regions, &p.stores, Some(person.role), &chosen, &p.errors))
            }}
            <button type="submit" class="button">{tr!(locale, "setup.save")}</button>
        </form>
        {(!p.is_me).then(|| {
            let (value, key, class, hint) = if person.active {
                ("false", "people.deactivate", "button danger", "people.deactivate_hint")
            } else {
                ("true", "people.reactivate", "button secondary", "people.reactivate_hint")
            };
            view! {
                <form method="post" action=format!("{base}/active") class="card stack">
                    <input type="hidden" name="csrf" value=csrf/>
                    <input type="hidden" name="active" value=value/>
                    <p class="hint">{tr!(locale, hint)}</p>
                    <button type="submit" class=class>{tr!(locale, key)}</button>
                </form>
            }
        })}
        {person.active.then(|| view! {
            <form method="post" action=format!("{base}/invitation") class="card stack">
                <input type="hidden" name="csrf" value=csrf/>
                <p class="hint">{tr!(locale, "people.new_link_hint")}</p>
                <button type="submit" class="button secondary">{tr!(locale, "people.new_link")}</button>
            </form>
        })}
        <p><a href=format!("/admin/audit?kind=user&subject={}", person.username)>{tr!(locale, "people.history")}</a></p>
    }
    .into_any()
}
