//! A photo as the phone keeps it: scaled so its longest side is at most 1600 px, JPEG, and
//! named by the SHA-256 of its bytes (which makes uploads resumable and duplicates harmless).

use js_sys::{ArrayBuffer, Promise, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap};

use super::{js_err, Result};

const JPEG_QUALITY: f64 = 0.82;

pub struct Compressed {
    pub blob: Blob,
    pub sha256: String,
    pub size: u64,
}

pub async fn compress(file: &Blob) -> Result<Compressed> {
    let window = web_sys::window().ok_or("no window")?;
    let bitmap: ImageBitmap =
        JsFuture::from(window.create_image_bitmap_with_blob(file).map_err(js_err)?)
            .await
            .map_err(|_| "this file is not a picture the phone can read".to_string())?
            .dyn_into()
            .map_err(js_err)?;
    let (w, h) =
        crate::ui::shopper::draft::photo_fit(f64::from(bitmap.width()), f64::from(bitmap.height()));
    let document = window.document().ok_or("no document")?;
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(js_err)?
        .dyn_into()
        .map_err(js_err)?;
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(js_err)?
        .ok_or("no 2d canvas")?
        .dyn_into()
        .map_err(js_err)?;
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, w, h)
        .map_err(js_err)?;
    bitmap.close();
    let blob_promise = Promise::new(&mut |resolve, reject| {
        let callback = Closure::once_into_js(move |blob: JsValue| {
            let _ = if blob.is_null() {
                reject.call1(&JsValue::NULL, &"could not encode the photo".into())
            } else {
                resolve.call1(&JsValue::NULL, &blob)
            };
        });
        let _ = canvas.to_blob_with_type_and_encoder_options(
            callback.unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(JPEG_QUALITY),
        );
    });
    let blob: Blob = JsFuture::from(blob_promise)
        .await
        .map_err(js_err)?
        .dyn_into()
        .map_err(js_err)?;
    let sha256 = sha256_hex(&blob).await?;
    Ok(Compressed {
        size: blob.size() as u64,
        blob,
        sha256,
    })
}

/// SHA-256 of a blob, by the browser's own crypto.
pub async fn sha256_hex(blob: &Blob) -> Result<String> {
    let window = web_sys::window().ok_or("no window")?;
    let buffer: ArrayBuffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(js_err)?
        .dyn_into()
        .map_err(js_err)?;
    let subtle = window.crypto().map_err(js_err)?.subtle();
    let digest = JsFuture::from(
        subtle
            .digest_with_str_and_buffer_source("SHA-256", &buffer)
            .map_err(js_err)?,
    )
    .await
    .map_err(js_err)?;
    let bytes = Uint8Array::new(&digest).to_vec();
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
