//! Photos: `PUT /photos/{sha256}/upload?offset=&size=` takes one chunk, `GET .../upload`
//! says where an upload stands (to resume after a broken connection), `GET /photos/{sha256}`
//! returns the photo to whoever may see it. Uploads are keyed by the hash of the whole photo,
//! so a retried or duplicated upload never makes a second copy.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use app::api::wire::Role;
use app::server::db::photos::{self, Chunk, ChunkRefused};
use app::server::error::{ServiceError, ServiceResult};
use app::server::now_ms;
use app::server::state::AppState;

use super::ApiActor;

/// Largest chunk accepted in one request. Phones send 256 KB chunks; small enough to get
/// through a weak connection, large enough to keep the request count down.
pub const MAX_CHUNK: usize = 1024 * 1024;
/// Largest photo. Phones compress to about 1600 px on the longest side (a few hundred KB).
pub const MAX_PHOTO: u64 = 8 * 1024 * 1024;
const TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

fn check_hash(sha256: &str) -> ServiceResult<()> {
    let ok = sha256.len() == 64
        && sha256
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "sha256",
            "expected the photo's SHA-256 as 64 lower-case hex digits",
        ))
    }
}

/// Does the start of the file look like the type it claims? Keeps other files out of the
/// photo store even when their hash is right.
fn looks_like(content_type: &str, head: &[u8]) -> bool {
    match content_type {
        "image/jpeg" => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => head.starts_with(&[0x89, b'P', b'N', b'G']),
        "image/webp" => head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP",
        _ => false,
    }
}

fn may_upload(role: Role) -> bool {
    matches!(role, Role::Shopper | Role::Admin)
}

#[derive(Deserialize)]
pub struct ChunkQuery {
    offset: u64,
    size: u64,
}

pub async fn put_photo_chunk(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    headers: HeaderMap,
    Path(sha256): Path<String>,
    Query(q): Query<ChunkQuery>,
    body: Bytes,
) -> ServiceResult<Response> {
    if !may_upload(actor.role) {
        return Err(ServiceError::Forbidden);
    }
    check_hash(&sha256)?;
    if q.size > MAX_PHOTO {
        return Ok((
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(serde_json::json!({
                "error": format!("a photo may be at most {} MB", MAX_PHOTO / 1024 / 1024)
            })),
        )
            .into_response());
    }
    // The content type is a CSRF guard too: a cross-site form cannot send image/jpeg by PUT.
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| TYPES.into_iter().find(|t| *t == v));
    let Some(content_type) = content_type else {
        return Ok((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(serde_json::json!({ "error": "send a JPEG, PNG or WebP photo" })),
        )
            .into_response());
    };
    let end = q.offset.checked_add(body.len() as u64);
    if body.is_empty() || end.is_none_or(|end| end > q.size) {
        return Err(ServiceError::invalid(
            "offset",
            "the chunk is empty or runs past the photo's size",
        ));
    }
    if q.offset == 0 && !looks_like(content_type, &body) {
        return Err(ServiceError::invalid(
            "body",
            format!("this is not a {content_type} file"),
        ));
    }
    // A shopper's phone sends a few photos a visit; a day's quota stops a stolen login or a
    // broken app from filling the disk.
    let quota = u64::from(state.settings.photo_quota_mb_per_day) * 1024 * 1024;
    if actor.role == Role::Shopper {
        let day_ago = now_ms() - 24 * 3_600_000;
        let sent = photos::uploaded_since(&state.db, actor.user_id, day_ago).await?;
        if sent + body.len() as u64 > quota {
            return Ok((
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "3600")],
                Json(serde_json::json!({
                    "error": format!(
                        "you have sent {} MB of photos in the last 24 hours, the most allowed; the rest can wait",
                        state.settings.photo_quota_mb_per_day
                    )
                })),
            )
                .into_response());
        }
    }
    let outcome = photos::put_chunk(
        &state.db,
        Chunk {
            sha256: &sha256,
            uploader: actor.user_id,
            total_size: q.size,
            content_type,
            offset: q.offset,
            bytes: &body,
        },
        now_ms(),
    )
    .await?;
    Ok(match outcome {
        Ok(status) => Json(status).into_response(),
        Err(ChunkRefused::WrongOffset(status)) => (
            StatusCode::CONFLICT,
            Json(serde_json::json!({
                "error": format!("the upload stands at byte {}; continue from there", status.received),
                "status": status,
            })),
        )
            .into_response(),
        Err(ChunkRefused::HashMismatch) => ServiceError::invalid(
            "sha256",
            "the photo's bytes do not match its SHA-256; upload it again from the start",
        )
        .into_response(),
    })
}

pub async fn photo_status(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(sha256): Path<String>,
) -> ServiceResult<Response> {
    if !may_upload(actor.role) {
        return Err(ServiceError::Forbidden);
    }
    check_hash(&sha256)?;
    let status = photos::resume(&state.db, &sha256, actor.user_id, now_ms()).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(status)).into_response())
}

pub async fn get_photo(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(sha256): Path<String>,
) -> ServiceResult<Response> {
    check_hash(&sha256)?;
    let (content_type, bytes) = photos::visible_photo(&state.db, &actor, &sha256)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            // Same hash, same bytes: cacheable for good, but only by this user's browser.
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_string(),
            ),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_that_start_like_their_type_are_taken() {
        assert!(looks_like("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(!looks_like("image/jpeg", b"<html>"));
        assert!(looks_like("image/png", b"\x89PNG\r\n"));
        assert!(looks_like("image/webp", b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!looks_like("image/webp", b"RIFF"));
    }

    #[test]
    fn hashes_are_lower_case_hex_of_the_right_length() {
        assert!(check_hash(&"a".repeat(64)).is_ok());
        assert!(check_hash(&"A".repeat(64)).is_err());
        assert!(check_hash(&"a".repeat(63)).is_err());
        assert!(check_hash("../../etc/passwd").is_err());
    }
}
