//! The HTTP surface: one router factory used by `main` and by the tests.

pub mod account;
pub mod admin;
pub mod api_v1;
pub mod auth;
pub mod customer_survey;
pub mod designer;
pub mod exports;
pub mod forms;
pub mod headers;
pub mod input;
pub mod people;
pub mod review;
pub mod self_assessment;
pub mod settings;
pub mod store_setup;
pub mod survey_links;

use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request};
use axum::routing::{get, post};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use app::server::state::AppState;
use app::ui::{shell, App};

/// `GET /healthz`: 200 when the process answers and the database answers a query within
/// three seconds, 503 otherwise (a load balancer then stops sending requests here).
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let probe = sqlx::query("SELECT 1").execute(&state.db.pool);
    match tokio::time::timeout(std::time::Duration::from_secs(3), probe).await {
        Ok(Ok(_)) => "ok".into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database error");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unreachable",
            )
                .into_response()
        }
        Err(_) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unreachable",
        )
            .into_response(),
    }
}

/// Build the whole application router for a state. Tests drive it with `oneshot`.
pub fn app(state: AppState) -> Router {
    let options = state.leptos_options.clone();
    // The customer survey pages have their own handlers (they render the app with a view
    // prepared from the database and the posted form).
    let routes: Vec<_> = generate_route_list(App)
        .into_iter()
        .filter(|r| !app::ui::is_customer_page(r.path()))
        .collect();
    let pkg_root = std::path::Path::new(options.site_root.as_ref()).join("pkg");

    // Bundle files live under a content-hashed folder (pkg/<hash>/...), so they can be
    // cached for a year: a new build gets a new URL.
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .service(
            ServeDir::new(pkg_root)
                .precompressed_br()
                .precompressed_gzip(),
        );

    let shell_options = options.clone();
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/lang", get(auth::set_lang))
        .route("/admin/tokens", post(admin::create_token))
        .route("/admin/tokens/{id}/revoke", post(admin::revoke_token))
        .route("/assign", post(admin::create_assignment))
        .route("/admin/stores", post(store_setup::create_store))
        .route("/admin/stores/{code}/edit", post(store_setup::edit_store))
        .route("/admin/stores/{code}/close", post(store_setup::close_store))
        .route("/admin/stores/{code}/reopen", post(store_setup::reopen_store))
        .route(
            "/admin/stores/import",
            post(store_setup::upload_import).layer(DefaultBodyLimit::max(
                app::server::store_setup::MAX_IMPORT_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/admin/stores/import/{id}/commit",
            post(store_setup::commit_import),
        )
        .route("/admin/regions", post(store_setup::create_region))
        .route("/admin/regions/{id}", post(store_setup::rename_region))
        .route("/admin/organisation", post(store_setup::rename_organisation))
        .route("/admin/users", post(people::create_person))
        .route("/admin/users/{username}", post(people::update_person))
        .route("/admin/users/{username}/active", post(people::set_active))
        .route(
            "/admin/users/{username}/invitation",
            post(people::new_invitation),
        )
        .route("/invite/{token}", post(people::accept_invitation))
        .route("/admin/settings", post(settings::save_form))
        .route("/admin/templates", post(designer::create))
        .route("/admin/templates/{key}/draft", post(designer::save))
        .route("/admin/templates/{key}/import", post(designer::import))
        .route("/admin/templates/{key}/discard", post(designer::discard))
        .route("/admin/templates/{key}/json", get(designer::export))
        .route("/account/password", post(account::change_password))
        .route("/account/language", post(account::set_language))
        .route(
            "/account/sign-out-everywhere",
            post(account::sign_out_everywhere),
        )
        .route("/assign/{id}/cancel", post(admin::cancel_assignment))
        .route("/assign/{id}/restore", post(admin::restore_assignment))
        .route("/export/responses.csv", get(exports::responses_csv))
        .route("/league.csv", get(exports::league_csv))
        .route("/stores/{code}/scorecard.csv", get(exports::scorecard_csv))
        .route("/stores/{code}/qr.svg", get(survey_links::qr_svg))
        .route("/stores/{code}/qr.png", get(survey_links::qr_png))
        .route("/stores/{code}/survey-link/rotate", post(survey_links::rotate))
        .route("/stores/{code}/staff-pin", post(survey_links::staff_pin))
        .route(
            "/stores/{code}/call-backs/{id}/handled",
            post(survey_links::call_back_handled),
        )
        .route("/responses/{id}/decision", post(review::decide))
        .route("/responses/{id}/appeals", post(review::appeal))
        .route("/appeals/{id}/decision", post(review::decide_appeal))
        .route(
            "/s/{code}/{key}",
            get(customer_survey::page)
                .post(customer_survey::submit)
                .layer(DefaultBodyLimit::max(64 * 1024)),
        )
        .route("/s/{code}/{key}/thanks", get(customer_survey::thanks))
        .route(
            "/self",
            get(self_assessment::self_page)
                .post(self_assessment::self_submit)
                .layer(DefaultBodyLimit::max(64 * 1024)),
        )
        .route("/self/thanks", get(self_assessment::self_thanks))
        .route(
            "/staff/{code}",
            get(self_assessment::staff_page)
                .post(self_assessment::staff_submit)
                .layer(DefaultBodyLimit::max(64 * 1024)),
        )
        .route("/staff/{code}/pin", post(self_assessment::staff_pin))
        .route("/staff/{code}/thanks", get(self_assessment::staff_thanks))
        .route("/offline", get(customer_survey::offline))
        .route("/healthz", get(healthz))
        .nest("/api/v1", api_v1::routes())
        .nest_service("/pkg", pkg)
        .leptos_routes_with_context(&state, routes, || {}, move || shell(shell_options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(input::reject_nul))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                    let id = req
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or("-")
                        .to_string();
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
                }))
                .layer(PropagateRequestIdLayer::x_request_id())
                // Pages and JSON shrink to a third on the wire (the customer survey on a slow
                // phone network above all). Quality 4: most of brotli's gain for little CPU.
                // Images and the precompressed bundle pass through untouched.
                .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                )),
        )
        .with_state(state)
}
