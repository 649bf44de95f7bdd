//! Photos, uploaded in chunks keyed by the SHA-256 of the whole photo.
//!
//! A chunk is a row keyed by (hash, uploader, offset): resending one is a no-op, and an
//! upload resumes after the last contiguous byte. When the last byte arrives the chunks are
//! joined, checked against the hash and become one `photos` row; the chunks are deleted.
//! A photo that already exists is complete for everyone (same bytes, same hash).

use sqlx::Row;

use super::Db;
use crate::api::wire::PhotoUploadStatus;
use crate::server::auth::Actor;

pub struct Chunk<'a> {
    pub sha256: &'a str,
    pub uploader: i64,
    pub total_size: u64,
    pub content_type: &'a str,
    pub offset: u64,
    pub bytes: &'a [u8],
}

/// Why a chunk was not taken. The upload can always be resumed from `status`.
#[derive(Debug, PartialEq)]
pub enum ChunkRefused {
    /// The chunk does not start where the upload stands (or the size changed midway).
    WrongOffset(PhotoUploadStatus),
    /// All bytes arrived but they do not hash to the name; the partial upload is dropped.
    HashMismatch,
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub async fn exists(db: &Db, sha256: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 FROM photos WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

/// How far this uploader's upload of this photo has got.
pub async fn status(
    db: &Db,
    sha256: &str,
    uploader: i64,
) -> Result<PhotoUploadStatus, sqlx::Error> {
    if let Some(row) = sqlx::query("SELECT size_bytes FROM photos WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&db.pool)
        .await?
    {
        let size = to_u64(row.try_get(0)?);
        return Ok(PhotoUploadStatus {
            sha256: sha256.to_string(),
            received: size,
            size: Some(size),
            complete: true,
        });
    }
    let rows = sqlx::query(
        "SELECT offset_bytes, CAST(LENGTH(bytes) AS BIGINT), total_size FROM photo_chunks
         WHERE sha256 = $1 AND uploaded_by = $2 ORDER BY offset_bytes",
    )
    .bind(sha256)
    .bind(uploader)
    .fetch_all(&db.pool)
    .await?;
    let mut received = 0u64;
    let mut size = None;
    for r in &rows {
        let offset = to_u64(r.try_get(0)?);
        if offset != received {
            break;
        }
        received += to_u64(r.try_get(1)?);
        size = Some(to_u64(r.try_get(2)?));
    }
    Ok(PhotoUploadStatus {
        sha256: sha256.to_string(),
        received,
        size,
        complete: false,
    })
}

/// Store one chunk; finish the photo when it was the last one.
pub async fn put_chunk(
    db: &Db,
    c: Chunk<'_>,
    now_ms: i64,
) -> Result<Result<PhotoUploadStatus, ChunkRefused>, sqlx::Error> {
    let current = status(db, c.sha256, c.uploader).await?;
    if current.complete {
        return Ok(Ok(current));
    }
    let size_changed = current.size.is_some_and(|s| s != c.total_size);
    if c.offset != current.received || size_changed {
        // A chunk resent after its acknowledgement was lost is fine; anything else is not.
        let resent = c.offset < current.received && !size_changed;
        return Ok(if resent {
            Ok(current)
        } else {
            Err(ChunkRefused::WrongOffset(current))
        });
    }
    let offset = i64::try_from(c.offset).unwrap_or(i64::MAX);
    sqlx::query(
        "INSERT INTO photo_chunks (sha256, uploaded_by, total_size, content_type, offset_bytes, bytes, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (sha256, uploaded_by, offset_bytes) DO NOTHING",
    )
    .bind(c.sha256)
    .bind(c.uploader)
    .bind(i64::try_from(c.total_size).unwrap_or(i64::MAX))
    .bind(c.content_type)
    .bind(offset)
    .bind(c.bytes)
    .bind(now_ms)
    .execute(&db.pool)
    .await?;
    let received = c.offset + c.bytes.len() as u64;
    if received < c.total_size {
        return Ok(Ok(PhotoUploadStatus {
            sha256: c.sha256.to_string(),
            received,
            size: Some(c.total_size),
            complete: false,
        }));
    }
    finish(db, &c, now_ms).await
}

/// Join the chunks, check the hash, store the photo and drop the chunks, in one transaction.
async fn finish(
    db: &Db,
    c: &Chunk<'_>,
    now_ms: i64,
) -> Result<Result<PhotoUploadStatus, ChunkRefused>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let rows = sqlx::query(
        "SELECT bytes FROM photo_chunks WHERE sha256 = $1 AND uploaded_by = $2 ORDER BY offset_bytes",
    )
    .bind(c.sha256)
    .bind(c.uploader)
    .fetch_all(&mut *tx)
    .await?;
    let mut whole = Vec::with_capacity(usize::try_from(c.total_size).unwrap_or(0));
    for r in &rows {
        whole.extend_from_slice(&r.try_get::<Vec<u8>, _>(0)?);
    }
    sqlx::query("DELETE FROM photo_chunks WHERE sha256 = $1 AND uploaded_by = $2")
        .bind(c.sha256)
        .bind(c.uploader)
        .execute(&mut *tx)
        .await?;
    if crate::server::auth::sha256_hex(&whole) != c.sha256 || whole.len() as u64 != c.total_size {
        tx.commit().await?;
        return Ok(Err(ChunkRefused::HashMismatch));
    }
    sqlx::query(
        "INSERT INTO photos (sha256, size_bytes, content_type, bytes, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(c.sha256)
    .bind(whole.len() as i64)
    .bind(c.content_type)
    .bind(&whole)
    .bind(c.uploader)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(PhotoUploadStatus {
        sha256: c.sha256.to_string(),
        received: c.total_size,
        size: Some(c.total_size),
        complete: true,
    }))
}

/// A photo's type and bytes, if the actor may see it: admins, whoever uploaded it, and
/// anyone who may read a response that shows it.
pub async fn visible_photo(
    db: &Db,
    actor: &Actor,
    sha256: &str,
) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query(concat!(
        "SELECT p.content_type, p.bytes FROM photos p WHERE p.sha256 = $3 AND ($1 = 'admin'
            OR p.uploaded_by = $2
            OR EXISTS (SELECT 1 FROM response_photos rp JOIN responses r ON r.id = rp.response_id
                       WHERE rp.photo_sha256 = p.sha256 AND r.store_id IN ",
        crate::visible_store_ids!(),
        "))"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(sha256)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

pub async fn count_photos(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) FROM photos")
        .fetch_one(&db.pool)
        .await?
        .try_get(0)
}
