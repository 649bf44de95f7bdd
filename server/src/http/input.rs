//! No NUL characters anywhere a request carries text. No person types one, SQLite stores
//! it, and PostgreSQL refuses it with an error (which would have been a 500): a path with one
//! names nothing (404), a query string or a form or JSON body with one is bad input (400).
//! Photo uploads and other binary bodies are not looked at.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Largest text body looked at; larger ones are refused by the routes' own limits anyway.
const MAX_TEXT_BODY: usize = 1024 * 1024;

fn has_encoded_nul(s: &str) -> bool {
    s.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

pub async fn reject_nul(request: Request<Body>, next: Next) -> Response {
    if has_encoded_nul(request.uri().path()) {
        return (StatusCode::NOT_FOUND, "There is no page at this address.").into_response();
    }
    if request.uri().query().is_some_and(has_encoded_nul) {
        return bad_input();
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    let json = content_type.starts_with("application/json");
    if !form && !json {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_TEXT_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response();
    };
    let text = String::from_utf8_lossy(&bytes);
    let nul = if form {
        has_encoded_nul(&text) || text.contains('\0')
    } else {
        text.to_ascii_lowercase().contains("\\u0000") || text.contains('\0')
    };
    if nul {
        return bad_input();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn bad_input() -> Response {
    (
        StatusCode::BAD_REQUEST,
        "The request carries a NUL character, which no text here may contain.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_encoded_nul_is_found_wherever_it_is() {
        assert!(super::has_encoded_nul("/stores/%00/qr"));
        assert!(super::has_encoded_nul("a=1&b=%00"));
        assert!(!super::has_encoded_nul("/stores/N-100/qr?weeks=100"));
        assert!(!super::has_encoded_nul("%0a%20"));
    }
}
