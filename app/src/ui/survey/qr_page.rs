//! `/stores/{code}/qr`: the store's customer survey link, its QR code, downloads, the poster
//! and the table card, and rotating the link. Plain forms: works with JavaScript off.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{qr_src, use_survey_link};
use crate::domain::survey_link::ChannelTag;
use crate::i18n::Locale;
use crate::tr;
use crate::ui::{use_locale, use_me};

#[component]
pub fn SurveyLinkPage() -> impl IntoView {
    let locale = use_locale();
    let me = use_me();
    let (_, page) = use_survey_link();
    let query = use_query_map();
    let rotated = move || query.with(|q| q.get("rotated").is_some());
    let pin_notice = move || {
        query.with(|q| match q.get("pin").as_deref() {
            Some("set") => Some(("qr.staff_pin_set", false)),
            Some("removed") => Some(("qr.staff_pin_removed", false)),
            Some("invalid") => Some(("qr.staff_pin_invalid", true)),
            _ => None,
        })
    };
    view! {
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                // The same answer as every other page for a store one may not see.
                Err(e) => Either::Left(crate::ui::load_error(locale, e)),
                Ok(p) => {
                    let svg = qr_src(&p, "svg");
                    let png = qr_src(&p, "png");
                    let poster_query = |size: &str| {
                        if p.query.is_empty() {
                            format!("size={size}")
                        } else {
                            format!("{}&size={size}", p.query)
                        }
                    };
                    let poster = format!("/stores/{}/poster?{}", p.store_code, poster_query("a4"));
                    let card = format!("/stores/{}/poster?{}", p.store_code, poster_query("card"));
                    let alt = tr!(locale, "qr.alt", url = p.url.clone());
                    let action = format!("/stores/{}/qr", p.store_code);
                    let rotate = format!("/stores/{}/survey-link/rotate", p.store_code);
                    let lang = p.lang;
                    let tag = p.tag;
                    Either::Right(view! {
                        <h1>{tr!(locale, "qr.title", store = p.store_name.get(locale.code()).to_string())}</h1>
                        <p class="lead">{tr!(locale, "qr.lead")}</p>
                        {rotated().then(|| view! { <p class="notice status" role="status">{tr!(locale, "qr.rotated")}</p> })}
                        <div class="qr-layout">
                            <figure class="card qr">
                                <img src=svg.clone() alt=alt width="240" height="240"/>
                                <figcaption><code class="link">{p.url.clone()}</code></figcaption>
                            </figure>
                            <div class="stack">
                                <form method="get" action=action class="stack card">
                                    <label for="qr-lang">{tr!(locale, "qr.language")}</label>
                                    <select id="qr-lang" name="lang">
                                        <option value="" selected=lang.is_none()>{tr!(locale, "qr.language_phone")}</option>
                                        {Locale::ALL.into_iter().map(|l| view! {
                                            <option value=l.code() selected=lang == Some(l)>{l.native_name()}</option>
                                        }).collect_view()}
                                    </select>
                                    <label for="qr-ch">{tr!(locale, "qr.placement")}</label>
                                    <select id="qr-ch" name="ch">
                                        <option value="" selected=tag.is_none()>{tr!(locale, "qr.placement_none")}</option>
                                        {ChannelTag::ALL.into_iter().map(|t| {
                                            let key = format!("qr.placement.{}", t.as_str());
                                            view! { <option value=t.as_str() selected=tag == Some(t)>{tr!(locale, key.as_str())}</option> }
                                        }).collect_view()}
                                    </select>
                                    <button type="submit" class="button secondary">{tr!(locale, "qr.update")}</button>
                                </form>
                                <ul class="downloads">
                                    <li><a class="button" href=svg download="" rel="external">{tr!(locale, "qr.download_svg")}</a></li>
                                    <li><a class="button" href=png download="" rel="external">{tr!(locale, "qr.download_png")}</a></li>
                                    <li><a class="button secondary" href=poster rel="external">{tr!(locale, "qr.poster_a4")}</a></li>
                                    <li><a class="button secondary" href=card rel="external">{tr!(locale, "qr.poster_card")}</a></li>
                                </ul>
                            </div>
                        </div>
                        <form method="post" action=format!("/stores/{}/staff-pin", p.store_code) class="card stack">
                            <h2>{tr!(locale, "qr.staff_title")}</h2>
                            <p>{tr!(locale, "qr.staff_explain")}</p>
                            {pin_notice().map(|(key, alert)| view! { <p class="notice" class:alert=alert role="status">{tr!(locale, key)}</p> })}
                            <p>
                                {if p.staff_pin_set { tr!(locale, "qr.staff_open") } else { tr!(locale, "qr.staff_closed") }}
                                " "<code class="link">{p.staff_url.clone()}</code>
                            </p>
                            <input type="hidden" name="csrf" value=move || me.csrf()/>
                            <label for="staff-pin-new">{tr!(locale, "qr.staff_pin")}</label>
                            <input id="staff-pin-new" name="pin" type="password" inputmode="numeric" autocomplete="new-password" maxlength="8"/>
                            <button type="submit" class="button secondary">{tr!(locale, "qr.staff_save")}</button>
                        </form>
                        <form method="post" action=rotate class="card stack">
                            <h2>{tr!(locale, "qr.rotate_title")}</h2>
                            <p>{tr!(locale, "qr.rotate_explain")}</p>
                            <input type="hidden" name="csrf" value=move || me.csrf()/>
                            <button type="submit" class="button danger">{tr!(locale, "qr.rotate")}</button>
                        </form>
                    })
                }
            })}
        </Suspense>
    }
}
