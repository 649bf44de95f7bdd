//! Security and caching headers for every response.
//!
//! - Pages get a Content-Security-Policy with the per-render nonce Leptos puts on its
//!   hydration script (`page_csp`, set by the shell); everything else gets a policy that
//!   allows nothing to run (`FALLBACK_CSP`), so a JSON body or a CSV opened in a browser
//!   can never execute.
//! - HSTS when cookies are `Secure` (the deployment is behind HTTPS).
//! - `Cache-Control: no-store` on API reads and on anything answered to a signed-in browser,
//!   unless the handler chose its own (published template versions, the hashed bundle).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use app::server::auth::SESSION_COOKIE;
use app::server::state::AppState;

/// The policy of scripts (it applies to the service worker: this site only).
pub const WORKER_CSP: &str = "default-src 'self'";

/// The policy of responses that are not pages.
pub const FALLBACK_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Adds HSTS and `no-store` where they belong (see the module docs).
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let private = request.uri().path().starts_with("/api/")
        || request.headers().contains_key(header::AUTHORIZATION)
        || request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.contains(SESSION_COOKIE));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if private && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.settings.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        // A script's own policy only matters for a worker, where it governs the worker's
        // fetches: the service worker fetches and caches this site's pages.
        let script = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.contains("javascript"));
        let policy = if script { WORKER_CSP } else { FALLBACK_CSP };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    response
}
