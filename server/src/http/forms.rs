//! Helpers for browser form posts: same-origin check, CSRF token check, cookies, redirects.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use app::server::auth::constant_time_eq;
use app::server::state::AppState;

/// The client's address: the TCP peer, or, when the peer is one of the configured trusted
/// reverse proxies (`SERVSCOPE_TRUSTED_PROXIES`), the last address in `X-Forwarded-For` that
/// is not itself a trusted proxy. Without trusted proxies the header is ignored (anyone can
/// write it).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ci| ci.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        Ok(ClientIp(client_address(
            peer,
            &parts.headers,
            &state.settings.trusted_proxies,
        )))
    }
}

/// See [`ClientIp`]. Every `X-Forwarded-For` header counts, in order.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .collect();
    // From the right: each trusted proxy appended the address it received from.
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .unwrap_or(peer)
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

/// Only local paths are followed after sign-in or a language switch (no open redirect): one
/// leading `/` (not `//`, which a browser reads as another host), no `\\` (which browsers read
/// as `/`), no control characters (browsers drop a tab or a newline, so `/\t/evil.example`
/// becomes `//evil.example`). Anything else goes to `default`. Characters outside ASCII are
/// percent-encoded, so the result is always a valid `Location`.
pub fn safe_next(next: Option<&str>, default: &str) -> String {
    let Some(n) = next else {
        return default.to_string();
    };
    let local = n.starts_with('/')
        && !n.starts_with("//")
        && !n.chars().any(|c| c == '\\' || c.is_control());
    if !local {
        return default.to_string();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
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

/// 303 See Other (the browser follows with GET), with optional cookies. An address that is
/// not a valid header value goes to `/` instead (never a panic on a hostile `next`).
pub fn see_other(to: &str, cookies: Vec<HeaderValue>) -> Response {
    let to = if HeaderValue::from_str(to).is_ok() {
        to
    } else {
        "/"
    };
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
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "203.0.113.9, 10.1.2.3".parse().expect("xff"),
        );
        let proxy: IpAddr = "10.0.0.1".parse().expect("ip");
        let stranger: IpAddr = "198.51.100.7".parse().expect("ip");
        assert_eq!(
            client_address(proxy, &h, &trusted),
            "203.0.113.9".parse::<IpAddr>().expect("ip")
        );
        assert_eq!(
            client_address(stranger, &h, &trusted),
            stranger,
            "a header anyone can write"
        );
        assert_eq!(
            client_address(proxy, &h, &[]),
            proxy,
            "no trusted proxies configured"
        );
        // A client that forges the left part cannot pick its address: the proxy appended the real one.
        h.insert(
            "x-forwarded-for",
            "1.2.3.4, 203.0.113.9".parse().expect("xff"),
        );
        assert_eq!(
            client_address(proxy, &h, &trusted),
            "203.0.113.9".parse::<IpAddr>().expect("ip")
        );
        h.insert("x-forwarded-for", "garbage".parse().expect("xff"));
        assert_eq!(client_address(proxy, &h, &trusted), proxy);
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/stores?q=a"), "/"), "/stores?q=a");
        assert_eq!(safe_next(Some("//evil.example"), "/"), "/");
        assert_eq!(safe_next(Some("https://evil.example"), "/"), "/");
        assert_eq!(safe_next(None, "/stores"), "/stores");
    }

    #[test]
    fn tabs_newlines_nul_and_backslashes_never_make_a_redirect_leave_the_site() {
        for hostile in [
            "/\t/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/\0",
            "/\\evil.example",
            "\\/evil.example",
            "/\u{7f}/evil.example",
            "http:/evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(hostile), "/"), "/", "{hostile:?}");
        }
        // Non-ASCII stays a local path, encoded so it is a valid Location header.
        assert_eq!(
            safe_next(Some("/stores?q=上海"), "/"),
            "/stores?q=%E4%B8%8A%E6%B5%B7"
        );
        assert!(HeaderValue::from_str(&safe_next(Some("/stores?q=上海 x"), "/")).is_ok());
    }
}
