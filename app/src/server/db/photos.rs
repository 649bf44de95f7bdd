//! Photos, uploaded in chunks keyed by the SHA-256 of the whole photo.
//!
//! A chunk is a row keyed by (hash, uploader, offset): resending one is a no-op, and an
//! upload resumes after the last contiguous byte. When the last byte arrives the chunks are
//! joined, checked against the hash and become one `photos` row; the chunks are deleted.
//! A photo that already exists is complete for everyone (same bytes, same hash).

use sqlx::AnyConnection;

use super::Db;
use crate::api::wire::PhotoUploadStatus;
use crate::server::actor::Actor;

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
    if let Some(size) =
        sqlx::query_scalar::<_, i64>("SELECT size_bytes FROM photos WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&db.pool)
            .await?
    {
        let size = to_u64(size);
        return Ok(PhotoUploadStatus {
            sha256: sha256.to_string(),
            received: size,
            size: Some(size),
            complete: true,
        });
    }
    let rows: Vec<ChunkProgress> = sqlx::query_as(
        "SELECT offset_bytes, CAST(LENGTH(bytes) AS BIGINT) AS length, total_size FROM photo_chunks
         WHERE sha256 = $1 AND uploaded_by = $2 ORDER BY offset_bytes",
    )
    .bind(sha256)
    .bind(uploader)
    .fetch_all(&db.pool)
    .await?;
    let mut received = 0u64;
    let mut size = None;
    for r in &rows {
        if to_u64(r.offset_bytes) != received {
            break;
        }
        received += to_u64(r.length);
        size = Some(to_u64(r.total_size));
    }
    Ok(PhotoUploadStatus {
        sha256: sha256.to_string(),
        received,
        size,
        complete: false,
    })
}

/// A stored chunk's place and length, as [`status`] reads it.
#[derive(sqlx::FromRow)]
struct ChunkProgress {
    offset_bytes: i64,
    length: i64,
    total_size: i64,
}

/// Store one chunk. The last one is joined into the photo in the same transaction, so an
/// upload is never left complete but unjoined; one left so by an older version (or a crash)
/// is joined on its next request.
pub async fn put_chunk(
    db: &Db,
    c: Chunk<'_>,
    now_ms: i64,
) -> Result<Result<PhotoUploadStatus, ChunkRefused>, sqlx::Error> {
    let current = status(db, c.sha256, c.uploader).await?;
    if current.complete {
        return Ok(Ok(current));
    }
    if current.size.is_some_and(|size| current.received >= size) {
        return join_uploads(db, c.sha256, Some(c.uploader), now_ms).await;
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
    let mut tx = db.write_tx().await?;
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
    .execute(&mut *tx)
    .await?;
    let received = c.offset + c.bytes.len() as u64;
    if received < c.total_size {
        tx.commit().await?;
        return Ok(Ok(PhotoUploadStatus {
            sha256: c.sha256.to_string(),
            received,
            size: Some(c.total_size),
            complete: false,
        }));
    }
    let joined = join(&mut tx, c.sha256, c.uploader, now_ms).await?;
    tx.commit().await?;
    Ok(joined)
}

/// Where an upload stands, joining it first if all its bytes are there.
pub async fn resume(
    db: &Db,
    sha256: &str,
    uploader: i64,
    now_ms: i64,
) -> Result<PhotoUploadStatus, sqlx::Error> {
    let current = status(db, sha256, uploader).await?;
    if !current.complete && current.size.is_some_and(|size| current.received >= size) {
        if let Ok(done) = join_uploads(db, sha256, Some(uploader), now_ms).await? {
            return Ok(done);
        }
        return status(db, sha256, uploader).await;
    }
    Ok(current)
}

/// Is the photo there? An upload of it whose bytes all arrived but were never joined is
/// joined now: a shopper's visit is never refused for a photo the server already has.
pub async fn exists_or_join(db: &Db, sha256: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    if exists(db, sha256).await? {
        return Ok(true);
    }
    Ok(matches!(
        join_uploads(db, sha256, None, now_ms).await?,
        Ok(PhotoUploadStatus { complete: true, .. })
    ))
}

/// Join the complete uploads of this photo (of one uploader, or of anyone): the first that
/// checks out becomes the photo.
async fn join_uploads(
    db: &Db,
    sha256: &str,
    uploader: Option<i64>,
    now_ms: i64,
) -> Result<Result<PhotoUploadStatus, ChunkRefused>, sqlx::Error> {
    let uploaders: Vec<i64> = match uploader {
        Some(u) => vec![u],
        None => {
            sqlx::query_scalar("SELECT DISTINCT uploaded_by FROM photo_chunks WHERE sha256 = $1")
                .bind(sha256)
                .fetch_all(&db.pool)
                .await?
        }
    };
    let mut last = Err(ChunkRefused::HashMismatch);
    for u in uploaders {
        let current = status(db, sha256, u).await?;
        if current.complete {
            return Ok(Ok(current));
        }
        if current.size.is_none_or(|size| current.received < size) {
            last = Err(ChunkRefused::WrongOffset(current));
            continue;
        }
        let mut tx = db.write_tx().await?;
        let joined = join(&mut tx, sha256, u, now_ms).await?;
        tx.commit().await?;
        if joined.is_ok() {
            return Ok(joined);
        }
        last = joined;
    }
    Ok(last)
}

#[derive(sqlx::FromRow)]
struct ChunkRow {
    bytes: Vec<u8>,
    total_size: i64,
    content_type: String,
}

/// Join an uploader's chunks, check the hash, store the photo and drop the chunks, inside
/// the caller's transaction (which commits either way: bad chunks are dropped too).
async fn join(
    conn: &mut AnyConnection,
    sha256: &str,
    uploader: i64,
    now_ms: i64,
) -> Result<Result<PhotoUploadStatus, ChunkRefused>, sqlx::Error> {
    let rows: Vec<ChunkRow> = sqlx::query_as(
        "SELECT bytes, total_size, content_type FROM photo_chunks
         WHERE sha256 = $1 AND uploaded_by = $2 ORDER BY offset_bytes",
    )
    .bind(sha256)
    .bind(uploader)
    .fetch_all(&mut *conn)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(Err(ChunkRefused::HashMismatch));
    };
    let (total_size, content_type) = (to_u64(first.total_size), first.content_type.clone());
    let mut whole = Vec::with_capacity(usize::try_from(total_size).unwrap_or(0));
    for r in &rows {
        whole.extend_from_slice(&r.bytes);
    }
    sqlx::query("DELETE FROM photo_chunks WHERE sha256 = $1 AND uploaded_by = $2")
        .bind(sha256)
        .bind(uploader)
        .execute(&mut *conn)
        .await?;
    if crate::server::actor::sha256_hex(&whole) != sha256 || whole.len() as u64 != total_size {
        return Ok(Err(ChunkRefused::HashMismatch));
    }
    sqlx::query(
        "INSERT INTO photos (sha256, size_bytes, content_type, bytes, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(whole.len() as i64)
    .bind(content_type)
    .bind(&whole)
    .bind(uploader)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(Ok(PhotoUploadStatus {
        sha256: sha256.to_string(),
        received: total_size,
        size: Some(total_size),
        complete: true,
    }))
}

/// Bytes an uploader sent since `since_ms` (photos finished and chunks still open): what the
/// daily quota counts.
pub async fn uploaded_since(db: &Db, uploader: i64, since_ms: i64) -> Result<u64, sqlx::Error> {
    let (photos, chunks): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE((SELECT SUM(size_bytes) FROM photos WHERE uploaded_by = $1 AND created_at >= $2), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(LENGTH(bytes)) FROM photo_chunks WHERE uploaded_by = $1 AND received_at >= $2), 0) AS BIGINT)",
    )
    .bind(uploader)
    .bind(since_ms)
    .fetch_one(&db.pool)
    .await?;
    Ok(to_u64(photos) + to_u64(chunks))
}

/// Delete chunks of uploads abandoned before `before_ms`, and photos made before it that no
/// response shows. Returns (chunks, photos) deleted.
pub async fn clean(db: &Db, before_ms: i64) -> Result<(u64, u64), sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let chunks = sqlx::query("DELETE FROM photo_chunks WHERE received_at < $1")
        .bind(before_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let photos = sqlx::query(
        "DELETE FROM photos WHERE created_at < $1
         AND NOT EXISTS (SELECT 1 FROM response_photos rp WHERE rp.photo_sha256 = photos.sha256)",
    )
    .bind(before_ms)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok((chunks, photos))
}

/// A photo's type and bytes, if the actor may see it: admins, whoever uploaded it, and
/// anyone who may read a response that shows it.
pub async fn visible_photo(
    db: &Db,
    actor: &Actor,
    sha256: &str,
) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT p.content_type, p.bytes FROM photos p WHERE p.sha256 = $3 AND ($1 = 'admin'
            OR p.uploaded_by = $2
            OR EXISTS (SELECT 1 FROM response_photos rp JOIN responses r ON r.id = rp.response_id
                       WHERE rp.photo_sha256 = p.sha256 AND r.store_id IN ",
        crate::readable_store_ids!(),
        "))"
    ))
    .bind(actor.role.as_str())
    .bind(actor.user_id)
    .bind(sha256)
    .fetch_optional(&db.pool)
    .await
}

pub async fn count_photos(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM photos")
        .fetch_one(&db.pool)
        .await
}
