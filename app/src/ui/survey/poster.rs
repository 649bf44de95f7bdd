//! `/stores/{code}/poster?size=a4|card&lang=..`: the printable poster (A4) or table card (A6)
//! with the store's name, a short invitation in the chosen language and the QR code.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{qr_src, use_survey_link};
use crate::tr;
use crate::ui::use_locale;

#[component]
pub fn PosterPage() -> impl IntoView {
    let locale = use_locale();
    let (_, page) = use_survey_link();
    let query = use_query_map();
    let card = move || query.with(|q| q.get("size").as_deref() == Some("card"));
    view! {
        <Suspense fallback=|| ()>
            {move || page.get().map(|result| match result {
                Err(e) => Either::Left(crate::ui::load_error(locale, e)),
                Ok(p) => {
                    // The poster speaks the customer's language when the link chose one.
                    let lang = p.lang.unwrap_or(locale);
                    let class = if card() { "poster card-size" } else { "poster a4" };
                    Either::Right(view! {
                        <p class="no-print muted">{tr!(locale, "qr.print_hint")}</p>
                        <article class=class lang=lang.code()>
                            <p class="poster-store">{p.store_name.get(lang.code()).to_string()}</p>
                            <h1>{tr!(lang, "poster.invite")}</h1>
                            <p class="poster-lead">{tr!(lang, "poster.lead")}</p>
                            <img class="poster-qr" src=qr_src(&p, "svg") alt=tr!(lang, "poster.qr_alt")/>
                            <p class="poster-url">{p.url.clone()}</p>
                        </article>
                    })
                }
            })}
        </Suspense>
    }
}
