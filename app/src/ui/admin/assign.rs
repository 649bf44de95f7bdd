//! Assign a mystery visit or call (admins and regional managers): a plain form that works
//! without JavaScript, and the latest assignments with a way to cancel an open one.

use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;

use crate::api::{assign_page, AppError};
use crate::tr;
use crate::ui::{use_locale, use_me, SignInPrompt};

#[component]
pub fn AssignPage() -> impl IntoView {
    let locale = use_locale();
    let page = Resource::new(|| (), |_| assign_page());
    let me = use_me();
    let csrf = move || me.csrf();
    let today = chrono::Utc::now().date_naive();
    let in_a_week = today + chrono::Duration::days(7);
    view! {
        <h1>{tr!(locale, "assign.title")}</h1>
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(AppError::Unauthenticated) => EitherOf4::A(view! { <SignInPrompt next="/assign"/> }),
                Err(AppError::Forbidden) => EitherOf4::B(view! { <p class="notice alert" role="alert">{tr!(locale, "assign.forbidden")}</p> }),
                Err(_) => EitherOf4::C(view! { <p class="notice alert" role="alert">{tr!(locale, "common.error")}</p> }),
                Ok(p) => {
                    let lang = locale.code();
                    // What was typed into a refused form comes back; otherwise sensible defaults.
                    let typed = |name: &str| p.posted.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
                    let (store, template, shopper) = (typed("store"), typed("template"), typed("shopper"));
                    let start = typed("window_start").unwrap_or_else(|| today.to_string());
                    let end = typed("window_end").unwrap_or_else(|| in_a_week.to_string());
                    let instructions = crate::ui::textarea_text(&typed("instructions").unwrap_or_default());
                    let wrong = |field: &str| p.errors.iter().any(|e| e == field || (field == "shopper" && e == "too_close"));
                    let invalid = |field: &str| wrong(field).then_some("true");
                    let title_of = {
                        let templates = p.templates.clone();
                        move |key: &str| templates.iter().find(|(k, _)| k == key).map_or(key.to_string(), |(_, t)| t.get(lang).to_string())
                    };
                    let name_of = {
                        let shoppers = p.shoppers.clone();
                        move |user: &str| shoppers.iter().find(|(u, _)| u == user).map_or(user.to_string(), |(_, d)| d.clone())
                    };
                    EitherOf4::D(view! {
                    <p class="lead">{tr!(locale, "assign.lead", days = p.revisit_days)}</p>
                    {p.created.then(|| view! { <p class="notice status" role="status">{tr!(locale, "assign.created")}</p> })}
                    {p.restored.then(|| view! { <p class="notice status" role="status">{tr!(locale, "assign.restored")}</p> })}
                    {p.cancelled.map(|id| view! {
                        <form method="post" action=format!("/assign/{id}/restore") class="notice status inline" role="status">
                            <input type="hidden" name="csrf" value=csrf/>
                            {tr!(locale, "assign.cancelled")}" "
                            <button type="submit" class="button secondary">{tr!(locale, "assign.undo")}</button>
                        </form>
                    })}
                    {(!p.errors.is_empty()).then(|| view! {
                        <div class="notice alert" role="alert">
                            <p>{tr!(locale, "assign.error.lead")}</p>
                            <ul>{p.errors.iter().map(|e| {
                                let key = format!("assign.error.{e}");
                                view! { <li>{tr!(locale, key.as_str(), days = p.revisit_days)}</li> }
                            }).collect_view()}</ul>
                        </div>
                    })}
                    <form method="post" action="/assign" class="stack card">
                        <input type="hidden" name="csrf" value=csrf/>
                        <label for="a-store">{tr!(locale, "assign.store")}</label>
                        <select id="a-store" name="store" required aria-invalid=invalid("store")>
                            {p.stores.into_iter().map(|(code, name)| {
                                let selected = store.as_deref() == Some(code.as_str());
                                view! { <option value=code.clone() selected=selected>{format!("{code} · {}", name.get(locale.code()))}</option> }
                            }).collect_view()}
                        </select>
                        <label for="a-template">{tr!(locale, "assign.template")}</label>
                        <select id="a-template" name="template" required aria-invalid=invalid("template")>
                            {p.templates.iter().map(|(key, title)| {
                                let selected = template.as_deref() == Some(key.as_str());
                                view! { <option value=key.clone() selected=selected>{title.get(lang).to_string()}</option> }
                            }).collect_view()}
                        </select>
                        <label for="a-shopper">{tr!(locale, "assign.shopper")}</label>
                        <select id="a-shopper" name="shopper" required aria-invalid=invalid("shopper")>
                            {p.shoppers.iter().map(|(u, d)| {
                                let selected = shopper.as_deref() == Some(u.as_str());
                                view! { <option value=u.clone() selected=selected>{d.clone()}</option> }
                            }).collect_view()}
                        </select>
                        <div class="row">
                            <div>
                                <label for="a-start">{tr!(locale, "assign.from")}</label>
                                <input id="a-start" name="window_start" type="date" required value=start aria-invalid=invalid("window")/>
                            </div>
                            <div>
                                <label for="a-end">{tr!(locale, "assign.to")}</label>
                                <input id="a-end" name="window_end" type="date" required value=end aria-invalid=invalid("window")/>
                            </div>
                        </div>
                        <label for="a-instructions">{tr!(locale, "assign.instructions")}</label>
                        <textarea id="a-instructions" name="instructions" rows="3" maxlength="2000" aria-invalid=invalid("instructions")>{instructions}</textarea>
                        <button type="submit" class="button">{tr!(locale, "assign.submit")}</button>
                    </form>
                    <h2>{tr!(locale, "assign.recent")}</h2>
                    {if p.recent.is_empty() {
                        Either::Left(view! { <p>{tr!(locale, "assign.none")}</p> })
                    } else {
                        Either::Right(view! {
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">{tr!(locale, "assign.store")}</th>
                                    <th scope="col">{tr!(locale, "assign.shopper")}</th>
                                    <th scope="col">{tr!(locale, "assign.window")}</th>
                                    <th scope="col">{tr!(locale, "assign.state")}</th>
                                </tr></thead>
                                <tbody>
                                    {p.recent.into_iter().map(|a| {
                                        let state = if a.cancelled { "assign.state.cancelled" } else if a.submitted { "assign.state.submitted" } else { "assign.state.open" };
                                        let open = !a.cancelled && !a.submitted;
                                        // A cancellation can be undone while the window lasts.
                                        let restorable = a.cancelled && !a.submitted
                                            && a.window_end >= chrono::Utc::now().date_naive() - chrono::Duration::days(1);
                                        let label = format!("{} {} {}", tr!(locale, "assign.cancel"), a.store_code, a.shopper);
                                        view! {
                                            <tr>
                                                <td>{format!("{} · {}", a.store_code, title_of(&a.template))}</td>
                                                <td>{name_of(&a.shopper)}</td>
                                                <td>{format!("{} – {}", a.window_start, a.window_end)}</td>
                                                <td>
                                                    {tr!(locale, state)}
                                                    // Two steps, without JavaScript: open, then confirm.
                                                    {open.then(|| view! {
                                                        <details class="confirm">
                                                            <summary aria-label=label>{tr!(locale, "assign.cancel")}</summary>
                                                            <form method="post" action=format!("/assign/{}/cancel", a.id) class="inline">
                                                                <input type="hidden" name="csrf" value=csrf/>
                                                                <p class="hint">{tr!(locale, "assign.cancel_explain")}</p>
                                                                <button type="submit" class="button secondary">{tr!(locale, "assign.cancel_confirm")}</button>
                                                            </form>
                                                        </details>
                                                    })}
                                                    {restorable.then(|| view! {
                                                        <form method="post" action=format!("/assign/{}/restore", a.id) class="inline">
                                                            <input type="hidden" name="csrf" value=csrf/>
                                                            <button type="submit" class="button secondary" aria-label=format!("{} {} {}", tr!(locale, "assign.undo"), a.store_code, a.shopper)>{tr!(locale, "assign.undo")}</button>
                                                        </form>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })
                    }}
                    })
                }
            })}
        </Suspense>
    }
}
