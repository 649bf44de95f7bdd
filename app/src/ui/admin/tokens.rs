//! API tokens: create (shown once), list, revoke. Forms post to plain axum handlers with the
//! session's CSRF token, so the page works with JavaScript off.

use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;

use crate::api::{list_api_tokens, AppError};
use crate::tr;
use crate::ui::{use_locale, use_me, SignInPrompt};

#[component]
pub fn TokensPage() -> impl IntoView {
    let locale = use_locale();
    let page = Resource::new(|| (), |_| list_api_tokens());
    let me = use_me();
    let csrf = move || me.csrf();
    view! {
        <h1>{tr!(locale, "tokens.title")}</h1>
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Err(AppError::Unauthenticated) => EitherOf4::A(view! { <SignInPrompt next="/admin/tokens"/> }),
                Err(AppError::Forbidden) => EitherOf4::B(view! { <p class="notice alert" role="alert">{tr!(locale, "tokens.admin_only")}</p> }),
                Err(_) => EitherOf4::C(view! { <p class="notice alert" role="alert">{tr!(locale, "common.error")}</p> }),
                Ok(p) => EitherOf4::D(view! {
                    <p class="lead">{tr!(locale, "tokens.lead")}</p>
                    {p.new_token.map(|t| view! {
                        <div class="notice status" role="status">
                            <p>{tr!(locale, "tokens.created")}</p>
                            <code class="secret">{t}</code>
                        </div>
                    })}
                    {p.error.map(|e| {
                        let key = match e.as_str() {
                            "scope" => "tokens.scope_error",
                            "expires" => "tokens.expires_error",
                            _ => "tokens.name_error",
                        };
                        view! { <p class="notice alert" role="alert">{tr!(locale, key)}</p> }
                    })}
                    <form method="post" action="/admin/tokens" class="stack card">
                        <input type="hidden" name="csrf" value=csrf/>
                        <label for="token-name">{tr!(locale, "tokens.name")}</label>
                        <input id="token-name" name="name" type="text" required maxlength="80"/>
                        <label for="token-scope">{tr!(locale, "tokens.scope")}</label>
                        <select id="token-scope" name="scope">
                            <option value="read" selected=true>{tr!(locale, "tokens.scope.read")}</option>
                            <option value="submit">{tr!(locale, "tokens.scope.submit")}</option>
                            <option value="admin">{tr!(locale, "tokens.scope.admin")}</option>
                        </select>
                        <label for="token-expires">{tr!(locale, "tokens.expires_days")}</label>
                        <p class="hint">{tr!(locale, "tokens.expires_hint")}</p>
                        <input id="token-expires" name="expires_days" type="number" min="1" max="3650" inputmode="numeric"/>
                        <button type="submit" class="button">{tr!(locale, "tokens.create")}</button>
                    </form>
                    {if p.tokens.is_empty() {
                        Either::Left(view! { <p>{tr!(locale, "tokens.empty")}</p> })
                    } else {
                        Either::Right(view! {
                            <ul class="token-list">
                                {p.tokens.into_iter().map(|t| {
                                    let used = match t.last_used_at {
                                        Some(at) => tr!(locale, "tokens.last_used", date = crate::domain::display::date_time(&at.naive_utc())),
                                        None => tr!(locale, "tokens.never_used"),
                                    };
                                    let label = format!("{} {}", tr!(locale, "tokens.revoke"), t.name);
                                    view! {
                                        <li class="card">
                                            <strong>{t.name.clone()}</strong>
                                            <p class="meta"><code>{format!("{}…", t.prefix)}</code>" · "{t.owner.clone()}" · "{used}</p>
                                            <p class="meta">
                                                {crate::i18n::message(locale, &format!("tokens.scope.{}", if t.scope.is_empty() { "admin" } else { t.scope.as_str() }))}
                                                {t.expires_at.map(|at| format!(" · {}", tr!(locale, "tokens.until", date = crate::domain::display::date_time(&at.naive_utc()))))}
                                            </p>
                                            {if t.revoked {
                                                Either::Left(view! { <p class="tag">{tr!(locale, "tokens.revoked")}</p> })
                                            } else {
                                                Either::Right(view! {
                                                    <form method="post" action=format!("/admin/tokens/{}/revoke", t.id) class="inline">
                                                        <input type="hidden" name="csrf" value=csrf/>
                                                        <button type="submit" class="button danger" aria-label=label>{tr!(locale, "tokens.revoke")}</button>
                                                    </form>
                                                })
                                            }}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        })
                    }}
                }),
            })}
        </Suspense>
    }
}
