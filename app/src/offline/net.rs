//! `fetch` against the JSON API. Only stable `/api/v1` URLs: a phone may run last week's
//! bundle against today's server.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use super::{js_err, Result};

pub struct Reply {
    pub status: u16,
    pub text: String,
}

impl Reply {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The server's own words for a refusal: field messages of a 422, or its `error`.
    pub fn reason(&self) -> String {
        let v: serde_json::Value = serde_json::from_str(&self.text).unwrap_or_default();
        if let Some(fields) = v["fields"].as_array() {
            let parts: Vec<String> = fields
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}",
                        f["field"].as_str().unwrap_or(""),
                        f["message"].as_str().unwrap_or("")
                    )
                })
                .collect();
            if !parts.is_empty() {
                return parts.join("; ");
            }
        }
        v["error"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("HTTP {}", self.status))
    }
}

/// A network failure (no connection, connection dropped) is `Err`; any HTTP answer is `Ok`.
pub async fn send(
    method: &str,
    url: &str,
    body: Option<&JsValue>,
    content_type: Option<&str>,
) -> Result<Reply> {
    let window = web_sys::window().ok_or("no window")?;
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().map_err(js_err)?;
    headers.set("Accept", "application/json").map_err(js_err)?;
    if let Some(ct) = content_type {
        headers.set("Content-Type", ct).map_err(js_err)?;
    }
    init.set_headers(&headers);
    if let Some(b) = body {
        init.set_body(b);
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(js_err)?;
    let response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| "no connection".to_string())?;
    let response: Response = response.dyn_into().map_err(js_err)?;
    let text = match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .map_err(|_| "the connection dropped".to_string())?
            .as_string()
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok(Reply {
        status: response.status(),
        text,
    })
}

pub async fn get_json(url: &str) -> Result<Reply> {
    send("GET", url, None, None).await
}
