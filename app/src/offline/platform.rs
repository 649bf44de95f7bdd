//! Browser facilities: the service worker, persistent storage, connectivity, ids, location.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::domain::CheckIn;

/// Register `/sw.js` (scope `/`). It caches the shell and the bundle; see public/sw.js.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let _ = container.register("/sw.js");
}

/// Ask the service worker to (re)cache the shopper's page and the bundle it loads. Called
/// whenever the assignment list was fetched online, so the newest shell is what opens
/// offline. Before the worker controls the page, `ready` waits for it.
pub async fn cache_shell() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let Ok(ready) = container.ready() else { return };
    let Ok(registration) = JsFuture::from(ready).await else {
        return;
    };
    let Ok(registration) = registration.dyn_into::<web_sys::ServiceWorkerRegistration>() else {
        return;
    };
    if let Some(worker) = registration.active() {
        let msg = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&msg, &"type".into(), &"cache-shell".into());
        let _ = worker.post_message(&msg);
    }
}

/// Ask the browser not to evict our storage under pressure (drafts live there).
pub fn request_persistent_storage() {
    if let Some(window) = web_sys::window() {
        if let Ok(p) = window.navigator().storage().persist() {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(p).await;
            });
        }
    }
}

pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

pub fn new_uuid() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_default()
}

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Call `f` on every `online` event, for the life of the page.
pub fn on_online(f: impl Fn() + 'static) {
    if let Some(window) = web_sys::window() {
        let cb = Closure::<dyn Fn()>::new(f);
        let _ = window.add_event_listener_with_callback("online", cb.as_ref().unchecked_ref());
        cb.forget();
    }
}

/// Call `f` every `ms` milliseconds, for the life of the page.
pub fn every(ms: i32, f: impl Fn() + 'static) {
    if let Some(window) = web_sys::window() {
        let cb = Closure::<dyn Fn()>::new(f);
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
            cb.as_ref().unchecked_ref(),
            ms,
        );
        cb.forget();
    }
}

/// The check-in: now, plus the phone's position if the shopper allows it (asked once, with a
/// short timeout; a refusal or no fix just leaves the location out).
pub async fn check_in() -> CheckIn {
    let at = chrono::Utc::now();
    let mut check_in = CheckIn {
        at,
        latitude: None,
        longitude: None,
        accuracy_m: None,
    };
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        return check_in;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let ok = resolve.clone();
        let on_ok = Closure::once_into_js(move |pos: JsValue| {
            let _ = ok.call1(&JsValue::NULL, &pos);
        });
        let on_err = Closure::once_into_js(move |_e: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
        });
        let options = web_sys::PositionOptions::new();
        options.set_timeout(8000);
        options.set_maximum_age(60_000);
        let _ = geo.get_current_position_with_error_callback_and_options(
            on_ok.unchecked_ref(),
            Some(on_err.unchecked_ref()),
            &options,
        );
    });
    if let Ok(pos) = JsFuture::from(promise).await {
        // Read by name: web-sys keeps GeolocationPosition behind its unstable-API flag.
        let coords = js_sys::Reflect::get(&pos, &"coords".into()).unwrap_or(JsValue::NULL);
        let num = |name: &str| {
            js_sys::Reflect::get(&coords, &name.into())
                .ok()
                .and_then(|v| v.as_f64())
        };
        if let (Some(lat), Some(lon)) = (num("latitude"), num("longitude")) {
            check_in.latitude = Some(lat);
            check_in.longitude = Some(lon);
            check_in.accuracy_m = num("accuracy");
        }
    }
    check_in
}

/// Before the sign-out form is sent: if this user has work that is not on the server yet
/// (drafts, the outbox), ask first; `pending` is read at the moment of the click. On a
/// confirmed sign-out the phone forgets the user (`db::forget_user`: the job list, sent items,
/// the sync state) and drops the cached shell, which carries their name, and only then is
/// the form sent; the next user of the phone finds nothing of theirs.
pub fn guard_sign_out(
    owner: String,
    pending: impl Fn() -> usize + 'static,
    question: impl Fn(usize) -> String + 'static,
) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let cb = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        if !form.action().ends_with("/auth/logout") {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let n = pending();
        ev.prevent_default();
        if n > 0 && !window.confirm_with_message(&question(n)).unwrap_or(false) {
            return;
        }
        let owner = owner.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(database) = super::db::open().await {
                let _ = super::db::forget_user(&database, &owner).await;
            }
            if let Ok(caches) = window.caches() {
                let _ = JsFuture::from(caches.delete("servscope-pages")).await;
            }
            // `submit()` does not fire this handler again.
            let _ = form.submit();
        });
    });
    let _ = document.add_event_listener_with_callback_and_bool(
        "submit",
        cb.as_ref().unchecked_ref(),
        true,
    );
    cb.forget();
}

/// A page brought back from the browser's back-forward cache shows whatever it showed when
/// it was left, whoever signed in since: load it afresh instead.
pub fn reload_when_restored_from_history() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let cb = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let persisted = js_sys::Reflect::get(&ev, &"persisted".into())
            .ok()
            .and_then(|p| p.as_bool())
            .unwrap_or(false);
        if persisted {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    });
    let _ = window.add_event_listener_with_callback("pageshow", cb.as_ref().unchecked_ref());
    cb.forget();
}

/// Offer a text as a file download (exporting a rejected response).
pub fn download(filename: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document.create_element("a").and_then(|e| {
        e.dyn_into::<web_sys::HtmlAnchorElement>()
            .map_err(JsValue::from)
    }) {
        a.set_href(&url);
        a.set_download(filename);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
