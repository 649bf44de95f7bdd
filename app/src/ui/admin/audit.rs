//! The audit log: who changed what in the chain's set-up, when, from what to what; filtered
//! by kind, subject and who, newest first, a page at a time.

use leptos::either::Either;
use leptos::prelude::*;

use crate::api::store_setup::audit_page;
use crate::tr;
use crate::ui::{load_error, use_locale};

#[component]
pub fn AuditPage() -> impl IntoView {
    let locale = use_locale();
    let page = Resource::new(|| (), |_| audit_page());
    view! {
        <h1>{tr!(locale, "audit.title")}</h1>
        <p><a href="/admin/stores">{tr!(locale, "setup.back")}</a></p>
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(e) => Either::Left(load_error(locale, e)),
                Ok(p) => {
                    let older = p.older.map(|before| {
                        let mut q = form_query(&p.kind, &p.subject, &p.actor);
                        q.push_str(&format!("&before={before}"));
                        format!("/admin/audit?{q}")
                    });
                    Either::Right(view! {
                        <form method="get" action="/admin/audit" class="card stack">
                            <label for="audit-kind">{tr!(locale, "audit.kind")}</label>
                            <select id="audit-kind" name="kind">
                                <option value="">{tr!(locale, "audit.any")}</option>
                                {["store", "region", "organisation", "setting", "user"].into_iter().map(|k| view! {
                                    <option value=k selected=p.kind == k>{crate::i18n::message(locale, &format!("audit.kind.{k}"))}</option>
                                }).collect_view()}
                            </select>
                            <label for="audit-subject">{tr!(locale, "audit.subject")}</label>
                            <input id="audit-subject" type="text" name="subject" value=p.subject.clone()/>
                            <label for="audit-actor">{tr!(locale, "audit.actor")}</label>
                            <input id="audit-actor" type="text" name="actor" value=p.actor.clone()/>
                            <button type="submit" class="button secondary">{tr!(locale, "audit.filter")}</button>
                        </form>
                        {if p.entries.is_empty() {
                            Either::Left(view! { <p>{tr!(locale, "audit.empty")}</p> })
                        } else {
                            Either::Right(view! {
                                <div class="table-scroll">
                                    <table class="figures">
                                        <thead><tr>
                                            <th scope="col">{tr!(locale, "audit.when")}</th>
                                            <th scope="col">{tr!(locale, "audit.actor")}</th>
                                            <th scope="col">{tr!(locale, "audit.subject")}</th>
                                            <th scope="col">{tr!(locale, "audit.field")}</th>
                                            <th scope="col">{tr!(locale, "audit.old")}</th>
                                            <th scope="col">{tr!(locale, "audit.new")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {p.entries.into_iter().map(|(_, e)| view! {
                                                <tr>
                                                    <td>{format!("{} UTC", crate::domain::display::date_time(&e.at.naive_utc()))}</td>
                                                    <td>{e.actor}</td>
                                                    <td>{format!("{} {}", crate::i18n::message(locale, &format!("audit.kind.{}", e.subject_kind)), e.subject)}</td>
                                                    <td>{e.field}</td>
                                                    <td>{e.old_value.unwrap_or_default()}</td>
                                                    <td>{e.new_value.unwrap_or_default()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            })
                        }}
                        {older.map(|href| view! { <p><a href=href>{tr!(locale, "audit.older")}</a></p> })}
                    })
                }
            })}
        </Suspense>
    }
}

/// The filters as a query string.
fn form_query(kind: &str, subject: &str, actor: &str) -> String {
    let enc = crate::ui::layout::urlencode;
    format!(
        "kind={}&subject={}&actor={}",
        enc(kind),
        enc(subject),
        enc(actor)
    )
}
