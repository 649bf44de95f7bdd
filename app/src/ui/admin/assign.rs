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
                Ok(p) => EitherOf4::D(view! {
                    <p class="lead">{tr!(locale, "assign.lead", days = p.revisit_days)}</p>
                    {p.created.then(|| view! { <p class="notice status" role="status">{tr!(locale, "assign.created")}</p> })}
                    {p.error.map(|e| view! { <p class="notice alert" role="alert">{e}</p> })}
                    <form method="post" action="/assign" class="stack card">
                        <input type="hidden" name="csrf" value=csrf/>
                        <label for="a-store">{tr!(locale, "assign.store")}</label>
                        <select id="a-store" name="store" required>
                            {p.stores.into_iter().map(|(code, name)| view! { <option value=code.clone()>{format!("{code} · {name}")}</option> }).collect_view()}
                        </select>
                        <label for="a-template">{tr!(locale, "assign.template")}</label>
                        <select id="a-template" name="template" required>
                            {p.templates.into_iter().map(|(key, title)| view! { <option value=key>{title}</option> }).collect_view()}
                        </select>
                        <label for="a-shopper">{tr!(locale, "assign.shopper")}</label>
                        <select id="a-shopper" name="shopper" required>
                            {p.shoppers.into_iter().map(|(u, d)| view! { <option value=u.clone()>{format!("{d} ({u})")}</option> }).collect_view()}
                        </select>
                        <div class="row">
                            <div>
                                <label for="a-start">{tr!(locale, "assign.from")}</label>
                                <input id="a-start" name="window_start" type="date" required value=today.to_string()/>
                            </div>
                            <div>
                                <label for="a-end">{tr!(locale, "assign.to")}</label>
                                <input id="a-end" name="window_end" type="date" required value=in_a_week.to_string()/>
                            </div>
                        </div>
                        <label for="a-instructions">{tr!(locale, "assign.instructions")}</label>
                        <textarea id="a-instructions" name="instructions" rows="3" maxlength="2000"></textarea>
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
                                        let label = format!("{} {} {}", tr!(locale, "assign.cancel"), a.store_code, a.shopper);
                                        view! {
                                            <tr>
                                                <td>{format!("{} · {}", a.store_code, a.template)}</td>
                                                <td>{a.shopper.clone()}</td>
                                                <td>{format!("{} – {}", a.window_start, a.window_end)}</td>
                                                <td>
                                                    {tr!(locale, state)}
                                                    {open.then(|| view! {
                                                        <form method="post" action=format!("/assign/{}/cancel", a.id) class="inline">
                                                            <input type="hidden" name="csrf" value=csrf/>
                                                            " "<button type="submit" class="link" aria-label=label>{tr!(locale, "assign.cancel")}</button>
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
                }),
            })}
        </Suspense>
    }
}
