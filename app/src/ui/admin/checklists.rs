//! The checklists (`/admin/templates`): every checklist with its newest version and draft,
//! starting a new one (blank, a copy, or a JSON document), and what changed between two
//! versions (`/admin/templates/{key}/changes`). Plain forms; the designer is `designer.rs`.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::designer::{checklists_page, diff_page};
use crate::api::wire::designer::{ChecklistRow, DiffData};
use crate::domain::template_diff::Change;
use crate::domain::Channel;
use crate::i18n::{message, Locale};
use crate::tr;
use crate::ui::{load_error, store_time, use_locale, use_me};

/// A channel's name in the reader's language.
pub fn channel_name(locale: Locale, channel: &str) -> String {
    message(locale, &format!("designer.channel.{channel}"))
}

#[component]
pub fn ChecklistsPage() -> impl IntoView {
    let locale = use_locale();
    let page = Resource::new(|| (), |_| checklists_page());
    let me = use_me();
    let csrf = move || me.csrf();
    let query = use_query_map();
    let q = move |name: &str| query.with(|m| m.get(name)).unwrap_or_default();
    let error = q("error");
    let notice = (!error.is_empty()).then(|| {
        let text = match error.as_str() {
            "key" => tr!(locale, "designer.new.key_error"),
            "from" => tr!(locale, "designer.new.from_error"),
            // Only the import's own words (serde's line and column), never other text from
            // the address.
            _ => {
                let message = q("message");
                let own = message.starts_with("not a template document: ")
                    || message == "the document is larger than 512 KB";
                tr!(
                    locale,
                    "designer.new.json_error",
                    detail = if own { message } else { String::new() }
                )
            }
        };
        view! { <p class="notice alert" role="alert">{text}</p> }
    });
    let discarded = (q("done") == "discarded")
        .then(|| view! { <p class="notice status" role="status">{tr!(locale, "designer.notice.discarded")}</p> });
    let typed_key = q("key");
    view! {
        <h1>{tr!(locale, "designer.list.title")}</h1>
        <p class="lead">{tr!(locale, "designer.list.lead")}</p>
        {notice}
        {discarded}
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(e) => Either::Left(load_error(locale, e)),
                Ok(rows) => Either::Right(list(locale, rows, csrf, typed_key.clone())),
            })}
        </Suspense>
    }
}

fn list(
    locale: Locale,
    rows: Vec<ChecklistRow>,
    csrf: impl Fn() -> String + Copy + Send + Sync + 'static,
    typed_key: String,
) -> AnyView {
    let lang = locale.code();
    let keys: Vec<String> = rows.iter().map(|r| r.key.clone()).collect();
    view! {
        <div class="table-scroll">
            <table class="figures">
                <thead><tr>
                    <th scope="col">{tr!(locale, "designer.list.checklist")}</th>
                    <th scope="col">{tr!(locale, "designer.field.channel")}</th>
                    <th scope="col">{tr!(locale, "designer.list.version")}</th>
                    <th scope="col">{tr!(locale, "designer.list.questions")}</th>
                    <th scope="col">{tr!(locale, "designer.list.draft")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let title = if r.title.en.is_empty() { r.key.clone() } else { r.title.get(lang).to_string() };
                        let version = match (r.version, r.published_at) {
                            (Some(v), Some(at)) => tr!(locale, "designer.list.version_at", version = v, at = store_time(&at, "UTC")),
                            _ => tr!(locale, "designer.list.never_published"),
                        };
                        let draft = r.draft_saved_at.map(|at| tr!(locale, "designer.list.draft_saved", at = store_time(&at, "UTC")));
                        let changes = r.version.filter(|v| *v > 1 || r.draft_saved_at.is_some()).map(|_| {
                            let href = format!("/admin/templates/{}/changes", r.key);
                            view! { " · "<a href=href>{tr!(locale, "designer.list.changes")}</a> }
                        });
                        view! {
                            <tr>
                                <th scope="row">
                                    <a href=format!("/admin/templates/{}/draft", r.key) rel="external">{title}</a>
                                    <br/><span class="code muted">{r.key.clone()}</span>
                                </th>
                                <td>{channel_name(locale, &r.channel)}</td>
                                <td>{version}{changes}</td>
                                <td>{r.questions}</td>
                                <td>{draft.unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2 id="new">{tr!(locale, "designer.new.title")}</h2>
        <form method="post" action="/admin/templates" class="card stack">
            <input type="hidden" name="csrf" value=csrf/>
            <label for="new-key">{tr!(locale, "designer.new.key")}</label>
            <p class="hint" id="new-key-hint">{tr!(locale, "designer.new.key_hint")}</p>
            <input type="text" id="new-key" name="key" required pattern="[a-z0-9-]{2,64}" value=typed_key aria-describedby="new-key-hint"/>
            <fieldset>
                <legend>{tr!(locale, "designer.new.start")}</legend>
                <div>
                    <input type="radio" id="start-blank" name="start" value="blank" checked/>" "
                    <label for="start-blank">{tr!(locale, "designer.new.blank")}</label>" "
                    <label for="new-channel" class="visually-hidden">{tr!(locale, "designer.field.channel")}</label>
                    <select id="new-channel" name="channel">
                        {Channel::ALL.into_iter().map(|c| view! {
                            <option value=c.as_str()>{channel_name(locale, c.as_str())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <input type="radio" id="start-copy" name="start" value="copy"/>" "
                    <label for="start-copy">{tr!(locale, "designer.new.copy")}</label>" "
                    <label for="new-from" class="visually-hidden">{tr!(locale, "designer.new.copy_of")}</label>
                    <select id="new-from" name="from">
                        {keys.into_iter().map(|k| view! { <option value=k.clone()>{k.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div>
                    <input type="radio" id="start-json" name="start" value="json"/>" "
                    <label for="start-json">{tr!(locale, "designer.new.json")}</label>
                </div>
                <label for="new-json" class="visually-hidden">{tr!(locale, "designer.import.label")}</label>
                <textarea id="new-json" name="json" rows="4" placeholder="{\"key\": ..., \"sections\": [...]}"></textarea>
            </fieldset>
            <button type="submit" class="button">{tr!(locale, "designer.new.submit")}</button>
        </form>
        <p><a href="/admin/audit?kind=template">{tr!(locale, "designer.list.history")}</a></p>
    }
    .into_any()
}

#[component]
pub fn ChangesPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let key = params.with_untracked(|p| p.get("key")).unwrap_or_default();
    let page = Resource::new(move || key.clone(), diff_page);
    view! {
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(e) => Either::Left(load_error(locale, e)),
                Ok(d) => Either::Right(changes(locale, d)),
            })}
        </Suspense>
    }
}

fn changes(locale: Locale, d: DiffData) -> AnyView {
    let lang = locale.code();
    let text_of = |id: &str| {
        d.texts
            .iter()
            .find(|(q, _)| q == id)
            .map(|(_, t)| t.get(lang).to_string())
            .unwrap_or_default()
    };
    let to_label = match d.to {
        Some(v) => tr!(locale, "designer.changes.version", version = v),
        None => tr!(locale, "designer.changes.draft"),
    };
    let heading = tr!(
        locale,
        "designer.changes.title",
        from = tr!(locale, "designer.changes.version", version = d.from),
        to = to_label
    );
    let field_names = |fields: &[String]| {
        fields
            .iter()
            .map(|f| message(locale, &format!("designer.diff.field.{f}")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let key = d.key.clone();
    view! {
        <p><a href=format!("/admin/templates/{key}/draft") rel="external">{tr!(locale, "designer.back")}</a></p>
        <h1>{heading}</h1>
        <p class="lead">{d.title.get(lang).to_string()}" "<span class="code muted">{d.key.clone()}</span></p>
        <form method="get" class="card filters">
            <label for="from">{tr!(locale, "designer.changes.from")}</label>
            <select id="from" name="from">
                {d.versions.iter().map(|v| view! { <option value=v.to_string() selected=*v == d.from>{v.to_string()}</option> }).collect_view()}
            </select>
            <label for="to">{tr!(locale, "designer.changes.to")}</label>
            <select id="to" name="to">
                <option value="draft" selected=d.to.is_none()>{tr!(locale, "designer.changes.draft")}</option>
                {d.versions.iter().map(|v| view! { <option value=v.to_string() selected=d.to == Some(*v)>{v.to_string()}</option> }).collect_view()}
            </select>
            <button type="submit" class="button secondary">{tr!(locale, "designer.changes.compare")}</button>
        </form>
        {if d.changes.is_empty() {
            Either::Left(view! { <p role="status">{tr!(locale, "designer.changes.none")}</p> })
        } else {
            Either::Right(view! {
                <ul class="changes" data-testid="changes">
                    {d.changes.iter().map(|c| {
                        let text = match c {
                            Change::Checklist { fields } => tr!(locale, "designer.diff.checklist", fields = field_names(fields)),
                            Change::SectionAdded { section } => tr!(locale, "designer.diff.section_added", id = section),
                            Change::SectionRemoved { section } => tr!(locale, "designer.diff.section_removed", id = section),
                            Change::SectionRenamed { section } => tr!(locale, "designer.diff.section_renamed", id = section),
                            Change::QuestionAdded { section, question } => tr!(locale, "designer.diff.question_added", id = question, text = text_of(question), section = section),
                            Change::QuestionRemoved { question } => tr!(locale, "designer.diff.question_removed", id = question, text = text_of(question)),
                            Change::QuestionMoved { question } => tr!(locale, "designer.diff.question_moved", id = question, text = text_of(question)),
                            Change::QuestionChanged { question, fields } => tr!(locale, "designer.diff.question_changed", id = question, text = text_of(question), fields = field_names(fields)),
                        };
                        view! { <li>{text}</li> }
                    }).collect_view()}
                </ul>
            })
        }}
    }
    .into_any()
}
