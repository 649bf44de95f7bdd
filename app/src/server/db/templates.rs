//! Template versions. A published version never changes: importing a changed document
//! publishes the next version, importing an identical one is a no-op.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sqlx::AnyConnection;

use super::Db;
use crate::api::wire::TemplateSummary;
use crate::domain::template_check::parse_template;
use crate::domain::Template;
use crate::server::actor::sha256_hex;
use crate::server::from_ms;

#[derive(Debug, PartialEq, Eq)]
pub struct ImportOutcome {
    pub key: String,
    pub version: u32,
    /// False when the document was identical to the latest version.
    pub published: bool,
}

fn canonical_json(t: &Template) -> Result<String, sqlx::Error> {
    serde_json::to_string(t).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Publish a checked template, in one transaction.
pub async fn import_template(
    db: &Db,
    t: &Template,
    now: i64,
) -> Result<ImportOutcome, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let outcome = import_in(&mut tx, t, now).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// A template's newest version and its checksum.
#[derive(sqlx::FromRow)]
pub struct LatestChecksum {
    pub version: i64,
    pub checksum: String,
}

pub async fn latest_of(
    conn: &mut AnyConnection,
    key: &str,
) -> Result<Option<LatestChecksum>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.version, v.checksum FROM template_versions v JOIN templates t ON t.id = v.template_id
         WHERE t.template_key = $1 ORDER BY v.version DESC LIMIT 1",
    )
    .bind(key)
    .fetch_optional(conn)
    .await
}

/// What a template key is used for (its channel), if it was ever published.
pub async fn channel_of(
    conn: &mut AnyConnection,
    key: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT channel FROM templates WHERE template_key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await
}

/// Publish `t` as the next version of its key unless it equals the latest one, inside the
/// caller's transaction (the designer deletes its draft and writes the audit log in it too).
pub async fn import_in(
    conn: &mut AnyConnection,
    t: &Template,
    now: i64,
) -> Result<ImportOutcome, sqlx::Error> {
    let body = canonical_json(t)?;
    let checksum = sha256_hex(body.as_bytes());
    sqlx::query("INSERT INTO templates (template_key, channel, created_at) VALUES ($1, $2, $3) ON CONFLICT (template_key) DO NOTHING")
        .bind(&t.key)
        .bind(t.channel.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let template_id: i64 = sqlx::query_scalar("SELECT id FROM templates WHERE template_key = $1")
        .bind(&t.key)
        .fetch_one(&mut *conn)
        .await?;
    let latest = latest_of(conn, &t.key).await?;
    if let Some(l) = latest.as_ref().filter(|l| l.checksum == checksum) {
        return Ok(ImportOutcome {
            key: t.key.clone(),
            version: version_number(l.version)?,
            published: false,
        });
    }
    let version = latest.map_or(0, |l| l.version) + 1;
    sqlx::query("INSERT INTO template_versions (template_id, version, body, checksum, published_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(template_id)
        .bind(version)
        .bind(body)
        .bind(checksum)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    // The channel of a key follows its newest version.
    sqlx::query("UPDATE templates SET channel = $1 WHERE id = $2")
        .bind(t.channel.as_str())
        .bind(template_id)
        .execute(&mut *conn)
        .await?;
    Ok(ImportOutcome {
        key: t.key.clone(),
        version: version_number(version)?,
        published: true,
    })
}

/// Publish a built-in template at start: when its key is absent, or when the built-in itself
/// changed since it was last published and nobody imported a version of it since. Never over
/// a newer version an admin imported. Several servers starting at once on one PostgreSQL take
/// turns on an advisory lock (SQLite: the write queue and its busy timeout).
pub async fn publish_builtin(
    db: &Db,
    t: &Template,
    now: i64,
) -> Result<Option<ImportOutcome>, sqlx::Error> {
    let checksum = sha256_hex(canonical_json(t)?.as_bytes());
    let mut tx = db.write_tx().await?;
    if db.backend == super::Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(7365736)")
            .execute(&mut *tx)
            .await?;
    }
    let recorded: Option<String> =
        sqlx::query_scalar("SELECT checksum FROM builtin_templates WHERE template_key = $1")
            .bind(&t.key)
            .fetch_optional(&mut *tx)
            .await?;
    let latest = latest_of(&mut tx, &t.key).await?;
    let publish = match (&recorded, &latest) {
        (_, None) => true,
        (Some(r), _) if *r == checksum => false,
        // Published before built-ins were recorded: keep whatever is there.
        (None, Some(_)) => false,
        // The built-in changed: publish it unless an admin imported a version since.
        (Some(r), Some(l)) => l.checksum == *r,
    };
    if !publish && recorded.as_deref() != Some(checksum.as_str()) && latest.is_some() {
        tracing::info!(key = %t.key, "built-in template not published over the stored versions");
    }
    let outcome = if publish {
        Some(import_in(&mut tx, t, now).await?)
    } else {
        None
    };
    sqlx::query(
        "INSERT INTO builtin_templates (template_key, checksum, published_at) VALUES ($1, $2, $3)
         ON CONFLICT (template_key) DO UPDATE SET checksum = excluded.checksum, published_at = excluded.published_at",
    )
    .bind(&t.key)
    .bind(&checksum)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// A stored version: its row id and the parsed document.
#[derive(Clone, Debug)]
pub struct StoredVersion {
    pub id: i64,
    /// The template this is a version of (weekly item counts are kept per template).
    pub template_id: i64,
    pub version: u32,
    pub template: Arc<Template>,
}

pub async fn load_version(
    db: &Db,
    key: &str,
    version: u32,
) -> Result<Option<StoredVersion>, sqlx::Error> {
    let row: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT v.id, v.body, v.template_id FROM template_versions v JOIN templates t ON t.id = v.template_id
         WHERE t.template_key = $1 AND v.version = $2",
    )
    .bind(key)
    .bind(i64::from(version))
    .fetch_optional(&db.pool)
    .await?;
    let Some((id, body, template_id)) = row else {
        return Ok(None);
    };
    let template = parse_template(&body).map_err(|errs| {
        sqlx::Error::Decode(format!("stored template {key} v{version}: {}", errs.join("; ")).into())
    })?;
    Ok(Some(StoredVersion {
        id,
        template_id,
        version,
        template: Arc::new(template),
    }))
}

/// Published versions never change, so once read they can be kept in memory for good.
/// This takes a query and a JSON parse off every ingest request.
#[derive(Clone, Default)]
pub struct TemplateCache {
    inner: Arc<RwLock<HashMap<(String, u32), StoredVersion>>>,
}

impl TemplateCache {
    pub async fn get(
        &self,
        db: &Db,
        key: &str,
        version: u32,
    ) -> Result<Option<StoredVersion>, sqlx::Error> {
        let cache_key = (key.to_string(), version);
        if let Ok(map) = self.inner.read() {
            if let Some(v) = map.get(&cache_key) {
                return Ok(Some(v.clone()));
            }
        }
        let loaded = load_version(db, key, version).await?;
        if let (Some(v), Ok(mut map)) = (&loaded, self.inner.write()) {
            map.insert(cache_key, v.clone());
        }
        Ok(loaded)
    }
}

/// The newest version number of a template, if it was ever published.
pub async fn latest_version_number(db: &Db, key: &str) -> Result<Option<u32>, sqlx::Error> {
    let latest: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(v.version) FROM template_versions v JOIN templates t ON t.id = v.template_id
         WHERE t.template_key = $1",
    )
    .bind(key)
    .fetch_one(&db.pool)
    .await?;
    latest.map(version_number).transpose()
}

/// The newest published version of a template, through the cache (None: not installed).
pub async fn latest_version(
    db: &Db,
    cache: &TemplateCache,
    key: &str,
) -> Result<Option<StoredVersion>, sqlx::Error> {
    match latest_version_number(db, key).await? {
        Some(v) => cache.get(db, key, v).await,
        None => Ok(None),
    }
}

/// Every published version of a template, newest first: (version, published at).
pub async fn versions_of(db: &Db, key: &str) -> Result<Vec<(u32, i64)>, sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT v.version, v.published_at FROM template_versions v JOIN templates t ON t.id = v.template_id
         WHERE t.template_key = $1 ORDER BY v.version DESC",
    )
    .bind(key)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(v, at)| Ok((version_number(v)?, at)))
        .collect()
}

/// The newest version of every template.
pub async fn latest_versions(db: &Db) -> Result<Vec<(TemplateSummary, String)>, sqlx::Error> {
    let rows: Vec<NewestVersionRow> = sqlx::query_as(
        "SELECT t.template_key, v.version, t.channel, v.body, v.published_at
         FROM templates t JOIN template_versions v ON v.template_id = t.id
         WHERE v.version = (SELECT MAX(v2.version) FROM template_versions v2 WHERE v2.template_id = t.id)
         ORDER BY t.template_key",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let parsed: Template =
                serde_json::from_str(&r.body).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok((
                TemplateSummary {
                    key: r.template_key,
                    version: version_number(r.version)?,
                    channel: r.channel,
                    title: parsed.title.en.clone(),
                    questions: parsed.question_count(),
                    published_at: from_ms(r.published_at),
                },
                r.body,
            ))
        })
        .collect()
}

/// A template's newest version as [`latest_versions`] reads it.
#[derive(sqlx::FromRow)]
struct NewestVersionRow {
    template_key: String,
    version: i64,
    channel: String,
    body: String,
    published_at: i64,
}

/// A stored version number as the `u32` versions are numbered by.
pub(crate) fn version_number(stored: i64) -> Result<u32, sqlx::Error> {
    u32::try_from(stored).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
