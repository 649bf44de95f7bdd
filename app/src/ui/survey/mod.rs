//! Customer survey pages: the survey customers reach by QR code, the store's survey link and
//! QR code for managers, and the printable poster and table card.

pub mod answers;
#[cfg(feature = "ssr")]
pub mod customer;
pub mod poster;
pub mod qr_page;

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{survey_link_page, AppError, SurveyLinkData};

/// The store code from the path and the link's `lang` and `ch` from the query, loaded as the
/// survey link of that store.
pub fn use_survey_link() -> (Memo<String>, Resource<Result<SurveyLinkData, AppError>>) {
    let params = use_params_map();
    let query = use_query_map();
    let code = Memo::new(move |_| params.with(|p| p.get("code").unwrap_or_default()));
    let args = move || {
        query.with(|q| {
            (
                code.get(),
                q.get("lang").unwrap_or_default(),
                q.get("ch").unwrap_or_default(),
            )
        })
    };
    let page = Resource::new(args, |(code, lang, ch)| survey_link_page(code, lang, ch));
    (code, page)
}

/// `/stores/SH-001/qr.svg?lang=ru`: the image URL for a link page.
pub fn qr_src(page: &SurveyLinkData, ext: &str) -> String {
    let base = format!("/stores/{}/qr.{ext}", page.store_code);
    if page.query.is_empty() {
        base
    } else {
        format!("{base}?{}", page.query)
    }
}
