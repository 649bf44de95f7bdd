//! Helpers for browser form posts: same-origin check, CSRF token check, cookies, redirects.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use app::server::auth::constant_time_eq;

/// The client's address (from the TCP connection; the app does not trust proxy headers).
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ci| ci.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        Ok(ClientIp(ip))
    }
}

fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    Some(rest.split('/').next().unwrap_or(rest))
}

/// Refuse form posts that a browser says came from another site (login CSRF and friends).
/// Browsers send Origin on every POST; non-browser clients send neither header and pass.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return true;
    };
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match claimed {
        None => true,
        Some("null") => false,
        Some(url) => host_of(url) == Some(host),
    }
}

pub fn csrf_matches(expected: &str, given: &str) -> bool {
    !expected.is_empty() && constant_time_eq(expected, given)
}

/// Only local paths are followed after sign-in or a language switch (no open redirect).
pub fn safe_next(next: Option<&str>, default: &str) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => default.to_string(),
    }
}

pub fn cookie(
    name: &str,
    value: &str,
    path: &str,
    max_age_secs: i64,
    secure: bool,
    same_site: &str,
) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; Max-Age={max_age_secs}; HttpOnly; SameSite={same_site}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// 303 See Other (the browser follows with GET), with optional cookies.
pub fn see_other(to: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = Redirect::to(to).into_response();
    for c in cookies {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

pub fn form_expired() -> Response {
    (
        StatusCode::FORBIDDEN,
        "This form has expired or came from another site. Go back, reload the page and try again.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(host: &str, origin: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, host.parse().expect("host"));
        if let Some(o) = origin {
            h.insert(header::ORIGIN, o.parse().expect("origin"));
        }
        h
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        assert!(same_origin(&headers(
            "shop.example:3000",
            Some("http://shop.example:3000")
        )));
        assert!(!same_origin(&headers(
            "shop.example:3000",
            Some("https://evil.example")
        )));
        assert!(!same_origin(&headers("shop.example", Some("null"))));
        assert!(same_origin(&headers("shop.example", None)));
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/stores?q=a"), "/"), "/stores?q=a");
        assert_eq!(safe_next(Some("//evil.example"), "/"), "/");
        assert_eq!(safe_next(Some("https://evil.example"), "/"), "/");
        assert_eq!(safe_next(None, "/stores"), "/stores");
    }
}
