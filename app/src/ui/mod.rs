//! Pages and components. Every page is server-rendered complete (SsrMode::Async) so it works
//! before, or without, the wasm bundle; hydration then adds client-side behaviour.

pub mod account;
pub mod admin;
pub mod home;
pub mod invite;
pub mod layout;
#[cfg(feature = "ssr")]
pub mod league;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod report_review;
#[cfg(feature = "ssr")]
pub mod review;
#[cfg(feature = "ssr")]
pub mod scorecard;
pub mod shopper;
pub mod signin;
pub mod stores;
pub mod survey;
#[cfg(feature = "ssr")]
pub mod team;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::api::wire::Me;
use crate::api::{get_me, AppError};
use crate::i18n::Locale;
use crate::tr;

/// The page language for this render: from the request on the server, from `<html lang>`
/// (written by the server) in the browser.
pub fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            // A language in the address wins: a survey QR code may carry one.
            let asked = parts.uri.query().and_then(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "lang")
                    .and_then(|(_, v)| Locale::from_code(&v))
            });
            if let Some(l) = asked {
                return l;
            }
            let accept = parts
                .headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok());
            return Locale::negotiate(crate::server::auth::lang_cookie(&parts.headers), accept);
        }
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        if let Some(lang) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
        {
            return Locale::from_code(&lang).unwrap_or_default();
        }
    }
    Locale::En
}

pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// The signed-in user, loaded once per page and shared by header and pages.
#[derive(Clone, Copy)]
pub struct MeResource(pub Resource<Result<Option<Me>, AppError>>);

impl MeResource {
    /// The session's CSRF token for a form (empty when signed out), read reactively.
    pub fn csrf(self) -> String {
        match self.0.get() {
            Some(Ok(Some(m))) => m.csrf,
            _ => String::new(),
        }
    }
}

/// The page's [`MeResource`]. A page reached where `App` did not provide one (a customer
/// survey address that routes to another page) makes it here instead of failing the render.
pub fn use_me() -> MeResource {
    use_context::<MeResource>().unwrap_or_else(|| {
        let me = MeResource(Resource::new(|| (), |_| get_me()));
        provide_context(me);
        me
    })
}

/// Every page but the shopper app's is plain server-rendered HTML with forms (and at most a
/// small script of its own): the browser loads the bundle only where the route table says
/// `Hydrated`, which is `/shopper`. An unknown address (the not-found page) loads nothing.
pub fn is_server_only(path: &str) -> bool {
    crate::routes::page_serve(path) != Some(Serve::Hydrated)
}

/// The customer survey (`/s/{code}/{key}` and its thank-you page) and the employee
/// self-assessment with the same form (`/self`, `/staff/{code}`): no app header, the
/// lightest pages we serve, rendered by their own handlers. From the route table.
pub fn is_customer_page(path: &str) -> bool {
    crate::routes::page_serve(path) == Some(Serve::Customer)
}

use crate::routes::Serve;

/// The route's page on the server; in the browser, a stand-in that loads it from the server.
macro_rules! server_only {
    ($page:path) => {{
        #[cfg(feature = "ssr")]
        {
            $page
        }
        #[cfg(not(feature = "ssr"))]
        {
            ServerOnly
        }
    }};
}

/// Reached only when the router navigates to a server-only page inside the browser (a link
/// without `rel="external"`): load that address from the server. The router's URL, not the
/// address bar: the router updates the address bar only after the new page has rendered.
#[cfg(not(feature = "ssr"))]
#[component]
fn ServerOnly() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    load_from_server(&leptos_router::hooks::use_url().get_untracked());
}

/// Leave the client-side router for a page load of `url` (path and query) from the server.
#[cfg(feature = "hydrate")]
pub(crate) fn load_from_server(url: &leptos_router::location::Url) {
    let target = if url.search().is_empty() {
        url.path().to_string()
    } else {
        format!("{}?{}", url.path(), url.search())
    };
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(&target);
    }
}

/// The Content-Security-Policy of a page rendered with `nonce`: scripts and styles from this
/// site or carrying the nonce, WebAssembly allowed to compile (the hydrated app), photos as
/// blobs and data URLs (the shopper's camera), nothing framed, forms posted only here.
#[cfg(feature = "ssr")]
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob:; connect-src 'self'; \
         worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::MetaTags;
    let locale = request_locale();
    let pkg = options.site_pkg_dir.clone();
    #[cfg(feature = "ssr")]
    let server_only =
        use_context::<http::request::Parts>().is_some_and(|parts| is_server_only(parts.uri.path()));
    #[cfg(not(feature = "ssr"))]
    let server_only = false;
    #[cfg(feature = "ssr")]
    let designer = use_context::<http::request::Parts>()
        .is_some_and(|parts| crate::routes::page_serve(parts.uri.path()) == Some(Serve::Designer));
    #[cfg(not(feature = "ssr"))]
    let designer = false;
    // Customer survey pages carry their styles: one round trip less on a slow network.
    #[cfg(feature = "ssr")]
    let inline_css = use_context::<http::request::Parts>()
        .filter(|parts| is_customer_page(parts.uri.path()))
        .and_then(|_| use_context::<crate::server::state::AppState>()?.inline_css);
    #[cfg(not(feature = "ssr"))]
    let inline_css: Option<std::sync::Arc<str>> = None;
    // The page's Content-Security-Policy names this render's nonce, which Leptos also puts
    // on its hydration script: only our own scripts and styles run.
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(csp) = http::HeaderValue::from_str(&page_csp(&nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, csp);
        }
    }
    // The management pages' styles (scorecards, the designer, review) are a second sheet, so
    // the shopper's phone and the customer pages load only what they use.
    let manage = inline_css.is_none() && (server_only || designer);
    let manage_sheet =
        manage.then(|| view! { <link rel="stylesheet" href=format!("/{pkg}/manage.css")/> });
    let stylesheet = match inline_css {
        Some(css) => leptos::either::Either::Left(
            view! { <style nonce=leptos::nonce::use_nonce()>{css.to_string()}</style> },
        ),
        None => leptos::either::Either::Right(
            view! { <link rel="stylesheet" href=format!("/{pkg}/servscope.css")/> },
        ),
    };
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0f5c4d"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icon-192.png"/>
                {stylesheet}
                {manage_sheet}
                {(!server_only).then(|| view! { <HydrationScripts options/> })}
                {designer.then(|| view! { <DesignerScript pkg=pkg.to_string()/> })}
                <MetaTags/>
            </head>
            // End-to-end tests wait for `data-hydrated` on other pages, for this mark on these.
            <body data-server-only=server_only.then_some("true")>
                <App/>
            </body>
        </html>
    }
}

/// The designer's bundle (`./dev site` builds it beside the shopper's): loaded as a module
/// with the page's nonce, then started, as Leptos loads the shopper's.
#[component]
fn DesignerScript(pkg: String) -> impl IntoView {
    let script = format!(
        "import('/{pkg}/designer.js').then(m => m.default({{module_or_path: '/{pkg}/designer.wasm'}}).then(() => m.hydrate()));"
    );
    view! {
        <link rel="modulepreload" href=format!("/{pkg}/designer.js")/>
        <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(request_locale());
    // Customer survey pages show nothing of the signed-in user, so they do not ask. (A
    // resource made and never read on a page kept that page's response from finishing now
    // and then under load: the async renderer waits for every resource it was given.)
    #[cfg(feature = "ssr")]
    let customer = use_context::<http::request::Parts>()
        .is_some_and(|parts| is_customer_page(parts.uri.path()));
    #[cfg(not(feature = "ssr"))]
    let customer = false;
    if !customer {
        provide_context(MeResource(Resource::new(|| (), |_| get_me())));
    }
    let locale = use_locale();
    view! {
        <Title text=tr!(locale, "app.name")/>
        <Router>
            <a class="skip-link" href="#main">{tr!(locale, "nav.skip")}</a>
            <layout::Header/>
            <main id="main">
                <Routes fallback=move || view! { <NotFound/> }>
                    <Route path=path!("") view=server_only!(home::HomePage) ssr=SsrMode::Async/>
                    <Route path=path!("login") view=server_only!(signin::SignInPage) ssr=SsrMode::Async/>
                    <Route path=path!("stores") view=server_only!(stores::StoresPage) ssr=SsrMode::Async/>
                    <Route path=path!("shopper") view=shopper::ShopperPage ssr=SsrMode::Async/>
                    <Route path=path!("stores/:code/qr") view=server_only!(survey::qr_page::SurveyLinkPage) ssr=SsrMode::Async/>
                    <Route path=path!("stores/:code/scorecard") view=server_only!(scorecard::ScorecardPage) ssr=SsrMode::Async/>
                    <Route path=path!("stores/:code/comments") view=server_only!(report::CommentsPage) ssr=SsrMode::Async/>
                    <Route path=path!("stores/:code/team") view=server_only!(team::TeamPage) ssr=SsrMode::Async/>
                    <Route path=path!("league") view=server_only!(league::LeaguePage) ssr=SsrMode::Async/>
                    <Route path=path!("responses/:id") view=server_only!(report::ReportPage) ssr=SsrMode::Async/>
                    <Route path=path!("reviews") view=server_only!(review::ReviewsPage) ssr=SsrMode::Async/>
                    <Route path=path!("stores/:code/customers") view=server_only!(survey::answers::CustomerAnswersPage) ssr=SsrMode::Async/>
                    <Route path=path!("stores/:code/poster") view=server_only!(survey::poster::PosterPage) ssr=SsrMode::Async/>
                    <Route path=path!("s/:code/:key") view=server_only!(survey::customer::CustomerSurveyPage) ssr=SsrMode::Async/>
                    <Route path=path!("s/:code/:key/thanks") view=server_only!(survey::customer::CustomerSurveyPage) ssr=SsrMode::Async/>
                    <Route path=path!("self") view=server_only!(survey::customer::CustomerSurveyPage) ssr=SsrMode::Async/>
                    <Route path=path!("self/thanks") view=server_only!(survey::customer::CustomerSurveyPage) ssr=SsrMode::Async/>
                    <Route path=path!("staff/:code") view=server_only!(survey::customer::CustomerSurveyPage) ssr=SsrMode::Async/>
                    <Route path=path!("staff/:code/thanks") view=server_only!(survey::customer::CustomerSurveyPage) ssr=SsrMode::Async/>
                    <Route path=path!("offline") view=server_only!(survey::customer::CustomerSurveyPage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/tokens") view=server_only!(admin::tokens::TokensPage) ssr=SsrMode::Async/>
                    <Route path=path!("assign") view=server_only!(admin::assign::AssignPage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/stores") view=server_only!(admin::stores::AdminStoresPage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/stores/new") view=server_only!(admin::stores::StoreFormPage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/stores/:code/edit") view=server_only!(admin::stores::StoreFormPage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/stores/import") view=server_only!(admin::store_import::StoreImportPage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/audit") view=server_only!(admin::audit::AuditPage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/users") view=server_only!(admin::people::PeoplePage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/users/:username") view=server_only!(admin::people::PersonPage) ssr=SsrMode::Async/>
                    <Route path=path!("invite/:token") view=server_only!(invite::InvitationPage) ssr=SsrMode::Async/>
                    <Route path=path!("account") view=server_only!(account::AccountPage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/settings") view=server_only!(admin::settings::SettingsPage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/templates") view=server_only!(admin::checklists::ChecklistsPage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/templates/:key/draft") view=server_only!(admin::designer::DesignerPage) ssr=SsrMode::Async/>
                    <Route path=path!("admin/templates/:key/changes") view=server_only!(admin::checklists::ChangesPage) ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let locale = use_locale();
    view! { <section class="card"><h1>"404"</h1><p>{tr!(locale, "common.not_found")}</p></section> }
}

/// Text for the inside of a `<textarea>` rendered on the server. Leptos 0.8 writes a textarea's
/// children unescaped (as it does a script's), so a typed "</textarea>" would end the box and
/// inject markup: every textarea with text the user gave goes through this.
pub fn textarea_text(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        html_escape::encode_text(text).into_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.to_string()
    }
}

/// A time as the store's own clock shows it ("2026-11-30 14:02"). Server-rendered pages
/// only: the time zone database is not in the browser bundle (there it stays UTC).
pub fn store_time(t: &chrono::DateTime<chrono::Utc>, timezone: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
        crate::domain::display::date_time(&t.with_timezone(&tz).naive_local())
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = timezone;
        crate::domain::display::date_time(&t.naive_utc())
    }
}

/// The store's UTC offset now ("UTC+8", "UTC+5:30", "UTC").
fn utc_offset(timezone: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        use chrono::Offset;
        let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
        let seconds = chrono::Utc::now()
            .with_timezone(&tz)
            .offset()
            .fix()
            .local_minus_utc();
        let (sign, minutes) = (if seconds < 0 { '-' } else { '+' }, seconds.abs() / 60);
        match (minutes / 60, minutes % 60) {
            (0, 0) => "UTC".to_string(),
            (h, 0) => format!("UTC{sign}{h}"),
            (h, m) => format!("UTC{sign}{h}:{m:02}"),
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = timezone;
        "UTC".to_string()
    }
}

/// Says whose clock a page's times follow.
#[component]
pub fn ZoneNote(timezone: String) -> impl IntoView {
    let locale = use_locale();
    view! {
        <p class="hint zone-note" data-testid="zone-note">
            {tr!(locale, "common.store_time", zone = timezone.clone(), offset = utc_offset(&timezone))}
        </p>
    }
}

/// Shown where a page needs a signed-in user, with a way back here after signing in.
#[component]
pub fn SignInPrompt(next: &'static str) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="card" role="status">
            <p>{tr!(locale, "auth.required")}</p>
            <a class="button" href=format!("/login?next={next}") rel="external">{tr!(locale, "nav.sign_in")}</a>
        </section>
    }
}

/// What a failed load shows: sign in, not allowed, or not found (never which of the last two
/// for a store the user may not see).
pub fn load_error(locale: Locale, e: AppError) -> AnyView {
    match e {
        AppError::Unauthenticated => view! { <SignInPrompt next="/stores"/> }.into_any(),
        AppError::Forbidden => {
            view! { <p class="notice alert" role="alert">{tr!(locale, "score.managers_only")}</p> }
                .into_any()
        }
        _ => view! { <p class="notice alert" role="alert">{tr!(locale, "common.not_found")}</p> }
            .into_any(),
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_on_the_stores_clock_and_the_offset_is_named() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-30T06:02:00Z")
            .expect("time")
            .with_timezone(&chrono::Utc);
        assert_eq!(store_time(&t, "Asia/Shanghai"), "2026-11-30 14:02");
        assert_eq!(store_time(&t, "Europe/Moscow"), "2026-11-30 09:02");
        assert_eq!(store_time(&t, "America/New_York"), "2026-11-30 01:02");
        assert_eq!(store_time(&t, "not a zone"), "2026-11-30 06:02");
        assert_eq!(utc_offset("Asia/Shanghai"), "UTC+8");
        assert_eq!(utc_offset("Asia/Kolkata"), "UTC+5:30");
        assert_eq!(utc_offset("UTC"), "UTC");
    }
}
