//! Import stores from a CSV file: upload (or paste), see what every row would do with its
//! problems beside it, fix the text in place and check again, then store all of it at once.

use leptos::either::Either;
use leptos::prelude::*;

use crate::api::store_setup::store_import_page;
use crate::api::wire::store_setup::RowAction;
use crate::domain::store_setup::CSV_COLUMNS;
use crate::tr;
use crate::ui::{load_error, textarea_text, use_locale, use_me};

#[component]
pub fn StoreImportPage() -> impl IntoView {
    let locale = use_locale();
    let page = Resource::new(|| (), |_| store_import_page());
    let me = use_me();
    let csrf = move || me.csrf();
    view! {
        <h1>{tr!(locale, "import.title")}</h1>
        <p><a href="/admin/stores">{tr!(locale, "setup.back")}</a></p>
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(e) => Either::Left(load_error(locale, e)),
                Ok(p) => Either::Right(view! {
                    <p class="lead">{tr!(locale, "import.lead")}</p>
                    {p.empty.then(|| view! { <p class="notice alert" role="alert">{tr!(locale, "import.empty")}</p> })}
                    <p class="hint">{tr!(locale, "import.columns")}" "<code>{CSV_COLUMNS.join(",")}</code></p>
                    {p.report.map(|r| {
                        let ok = !r.has_problems();
                        let draft = p.draft.clone().unwrap_or_default();
                        view! {
                            <section aria-labelledby="preview-title" class="card stack">
                                <h2 id="preview-title">{tr!(locale, "import.preview")}</h2>
                                {if ok {
                                    Either::Left(view! { <p class="notice status" role="status">{tr!(locale, "import.ready", created = r.created, updated = r.updated, unchanged = r.unchanged)}</p> })
                                } else {
                                    Either::Right(view! { <p class="notice alert" role="alert">{tr!(locale, "import.refused", count = r.refused + usize::from(!r.file_problems.is_empty()))}</p> })
                                }}
                                {(!r.file_problems.is_empty()).then(|| view! {
                                    <ul class="notice alert">{r.file_problems.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}</ul>
                                })}
                                {(!r.new_regions.is_empty()).then(|| view! {
                                    <p>{tr!(locale, "import.new_regions", regions = r.new_regions.join(", "))}</p>
                                })}
                                {(!r.rows.is_empty()).then(|| view! {
                                    <div class="table-scroll">
                                        <table class="figures">
                                            <thead><tr>
                                                <th scope="col">{tr!(locale, "import.line")}</th>
                                                <th scope="col">{tr!(locale, "setup.field.code")}</th>
                                                <th scope="col">{tr!(locale, "import.action")}</th>
                                                <th scope="col">{tr!(locale, "import.details")}</th>
                                            </tr></thead>
                                            <tbody>
                                                {r.rows.into_iter().map(|row| {
                                                    let action = match row.action {
                                                        RowAction::Create => tr!(locale, "import.create"),
                                                        RowAction::Update => tr!(locale, "import.update"),
                                                        RowAction::Unchanged => tr!(locale, "import.unchanged"),
                                                        RowAction::Refused => tr!(locale, "import.problem"),
                                                    };
                                                    let details = if row.problems.is_empty() {
                                                        row.changes.iter().map(|c| crate::i18n::message(locale, &format!("setup.field.{c}"))).collect::<Vec<_>>().join(", ")
                                                    } else {
                                                        row.problems.iter().map(|f| format!("{}: {}", crate::i18n::message(locale, &format!("setup.field.{}", f.field)), crate::i18n::message(locale, &format!("setup.error.{}", f.field)))).collect::<Vec<_>>().join(" ")
                                                    };
                                                    let class = (row.action == RowAction::Refused).then_some("problem");
                                                    view! {
                                                        <tr class=class>
                                                            <td class="num">{row.line}</td>
                                                            <td class="code">{row.code}</td>
                                                            <td>{action}</td>
                                                            <td>{details}</td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                })}
                                {ok.then(|| view! {
                                    <form method="post" action=format!("/admin/stores/import/{draft}/commit")>
                                        <input type="hidden" name="csrf" value=csrf/>
                                        <button type="submit" class="button">{tr!(locale, "import.commit", count = r.created + r.updated)}</button>
                                    </form>
                                })}
                            </section>
                        }
                    })}
                    <form method="post" action="/admin/stores/import" enctype="multipart/form-data" class="stack card">
                        <input type="hidden" name="csrf" value=csrf/>
                        <label for="import-file">{tr!(locale, "import.file")}</label>
                        <input id="import-file" type="file" name="file" accept=".csv,text/csv"/>
                        <label for="import-text">{tr!(locale, "import.text")}</label>
                        <p class="hint">{tr!(locale, "import.text_hint")}</p>
                        <textarea id="import-text" name="text" rows="10" spellcheck="false">{textarea_text(&p.text)}</textarea>
                        <button type="submit" class="button secondary">{tr!(locale, "import.check")}</button>
                    </form>
                }),
            })}
        </Suspense>
    }
}
