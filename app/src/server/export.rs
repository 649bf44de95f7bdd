//! CSV exports: the responses a user may see, a store's weekly figures, and the league.
//!
//! The responses export streams: rows go from the database cursor through a CSV writer into
//! chunks of about 64 KiB, and each chunk waits in a small bounded channel until the client
//! has taken the previous ones, so memory stays flat whatever the row count and a slow
//! client slows the query instead of filling the server. Figures and league exports are
//! bounded by weeks and stores and are written whole.

use axum::body::Bytes;
use chrono::{NaiveDate, Utc};
use futures_util::TryStreamExt;
use tokio::sync::mpsc;

use super::auth::Actor;
use super::db::figures;
use super::db::{org, Db};
use super::error::{ServiceError, ServiceResult};
use super::from_ms;
use super::store_time::{period_ms, store_today};
use crate::api::wire::league::GroupFigures;
use crate::domain::org_settings::OrgSettings;
use crate::domain::rollup::weeks_ending;
use crate::domain::stats::{nps_estimate, score_estimate, Estimate};
use crate::domain::{Channel, Dimension};

/// A chunk is sent when the buffer passes this size.
const CHUNK: usize = 64 * 1024;
/// Chunks waiting for the client: a few hundred kilobytes at most.
const CHUNKS_IN_FLIGHT: usize = 4;

pub type Chunk = Result<Bytes, std::io::Error>;

/// What a responses export covers: the last `weeks` weeks (UTC), one store or all visible.
#[derive(Clone, Debug)]
pub struct ResponsesExport {
    pub weeks: u32,
    pub store: Option<String>,
}

const RESPONSE_COLUMNS: [&str; 23] = [
    "response_id",
    "store_code",
    "store_name",
    "region",
    "channel",
    "template",
    "template_version",
    "started_at",
    "finished_at",
    "received_at",
    "score_pct",
    "points_earned",
    "points_possible",
    "critical_failed",
    "recommend",
    "tangibles_pct",
    "reliability_pct",
    "responsiveness_pct",
    "assurance_pct",
    "empathy_pct",
    "flags",
    "flagged",
    "answers_json",
];

fn csv_error(e: csv::Error) -> ServiceError {
    ServiceError::Internal(format!("csv: {e}"))
}

/// Check the request (a manager's role, a visible store) before any byte is sent, then
/// stream the rows. The receiver is the response body; an error after the first chunk ends
/// the body early (the download is then visibly incomplete) and is logged.
///
/// Each running export holds one of `slots` (and one database connection) until it ends;
/// with none free the caller gets `TooManyRequests`, so exports can never take the whole
/// pool from the pages and the ingest.
pub async fn responses(
    db: &Db,
    actor: &Actor,
    export: ResponsesExport,
    slots: &std::sync::Arc<tokio::sync::Semaphore>,
) -> ServiceResult<mpsc::Receiver<Chunk>> {
    if !actor.role.reads_scores() {
        return Err(ServiceError::Forbidden);
    }
    if let Some(code) = &export.store {
        org::visible_store_row(db, actor, code)
            .await?
            .ok_or(ServiceError::NotFound)?;
    }
    let slot = slots
        .clone()
        .try_acquire_owned()
        .map_err(|_| ServiceError::TooManyRequests)?;
    let (tx, rx) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let (db, actor) = (db.clone(), actor.clone());
    tokio::spawn(async move {
        let _slot = slot;
        if let Err(e) = write_responses(&db, &actor, &export, &tx).await {
            tracing::error!(error = %e, "responses export stopped");
            let _ = tx.send(Err(std::io::Error::other("export stopped"))).await;
        }
    });
    Ok(rx)
}

async fn write_responses(
    db: &Db,
    actor: &Actor,
    export: &ResponsesExport,
    tx: &mpsc::Sender<Chunk>,
) -> ServiceResult<()> {
    let weeks = weeks_ending(Utc::now().date_naive(), export.weeks.clamp(1, 104));
    let (from, to) = period_ms("UTC", weeks[0], weeks[weeks.len() - 1]);
    let sql = format!(
        "SELECT r.id, s.code AS store_code, s.name AS store_name, g.name AS region, r.channel,
                t.template_key, v.version AS template_version, r.started_at, r.finished_at,
                r.received_at, r.score_pct, r.points_earned, r.points_possible, r.critical_failed,
                r.recommend, r.dimension_scores, r.flags, r.status, r.answers
         FROM responses r
         JOIN stores s ON s.id = r.store_id
         JOIN regions g ON g.id = s.region_id
         JOIN template_versions v ON v.id = r.template_version_id
         JOIN templates t ON t.id = v.template_id
         WHERE r.finished_at >= $3 AND r.finished_at < $4 AND r.channel <> 'employee_self'
           AND ($5 = '' OR s.code = $5) AND r.store_id IN {}{}
         ORDER BY r.store_id, r.finished_at, r.id",
        crate::readable_store_ids!(),
        // Flagged customer answers are exported with their flags; held and excluded are not.
        crate::server::db::responses::FlagFilter::Include.sql()
    );
    let mut out = csv::Writer::from_writer(Vec::with_capacity(CHUNK * 2));
    out.write_record(RESPONSE_COLUMNS).map_err(csv_error)?;
    let mut rows = sqlx::query_as::<_, ExportRow>(sqlx::AssertSqlSafe(sql))
        .bind(actor.role.as_str())
        .bind(actor.user_id)
        .bind(from)
        .bind(to)
        .bind(export.store.clone().unwrap_or_default())
        .fetch(&db.pool);
    let time = |ms: i64| from_ms(ms).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let number = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
    while let Some(r) = rows.try_next().await? {
        let dims: serde_json::Value = serde_json::from_str(&r.dimension_scores).unwrap_or_default();
        let dim_pct = |d: Dimension| {
            let part = &dims[d.as_str()];
            let (earned, possible) = (part["earned"].as_f64(), part["possible"].as_f64());
            match (earned, possible) {
                (Some(e), Some(p)) if p > 0.0 => format!("{:.2}", e / p * 100.0),
                _ => String::new(),
            }
        };
        let flagged = r.status == crate::domain::status::Status::Flagged.as_str();
        let [tangibles, reliability, responsiveness, assurance, empathy] =
            Dimension::ALL.map(dim_pct);
        let record: [String; 23] = [
            r.id,
            r.store_code,
            r.store_name,
            r.region,
            r.channel,
            r.template_key,
            r.template_version.to_string(),
            time(r.started_at),
            time(r.finished_at),
            time(r.received_at),
            number(r.score_pct),
            number(Some(r.points_earned)),
            number(Some(r.points_possible)),
            r.critical_failed.to_string(),
            r.recommend.map(|v| v.to_string()).unwrap_or_default(),
            tangibles,
            reliability,
            responsiveness,
            assurance,
            empathy,
            r.flags,
            u8::from(flagged).to_string(),
            r.answers,
        ];
        out.write_record(&record).map_err(csv_error)?;
        if out.get_ref().len() >= CHUNK && !send(&mut out, tx).await? {
            return Ok(());
        }
    }
    send(&mut out, tx).await?;
    Ok(())
}

/// A response as the export reads it.
#[derive(sqlx::FromRow)]
struct ExportRow {
    id: String,
    store_code: String,
    store_name: String,
    region: String,
    channel: String,
    template_key: String,
    template_version: i64,
    started_at: i64,
    finished_at: i64,
    received_at: i64,
    score_pct: Option<f64>,
    points_earned: f64,
    points_possible: f64,
    critical_failed: i64,
    recommend: Option<i64>,
    dimension_scores: String,
    flags: String,
    status: String,
    answers: String,
}

/// The chunks as a stream, for a response body. Fused: the compression layer polls once
/// more after the end, which a bare `unfold` answers with a panic.
pub fn body_stream(rx: mpsc::Receiver<Chunk>) -> impl futures_util::Stream<Item = Chunk> {
    use futures_util::StreamExt;
    futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) })
        .fuse()
}

/// Hand the buffered bytes to the body. False: the client has gone, stop reading.
async fn send(out: &mut csv::Writer<Vec<u8>>, tx: &mpsc::Sender<Chunk>) -> ServiceResult<bool> {
    let full = std::mem::replace(out, csv::Writer::from_writer(Vec::with_capacity(CHUNK * 2)));
    let bytes = full
        .into_inner()
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    if bytes.is_empty() {
        return Ok(true);
    }
    // A reader that stops reading gives its connection back after a while.
    match tokio::time::timeout(STALLED_READER, tx.send(Ok(Bytes::from(bytes)))).await {
        Ok(sent) => Ok(sent.is_ok()),
        Err(_) => {
            tracing::info!("responses export stopped: the client stopped reading");
            Ok(false)
        }
    }
}

/// How long an export waits for a client that takes no bytes before it stops.
pub const STALLED_READER: std::time::Duration = std::time::Duration::from_secs(60);

fn estimate_cells(e: Option<Estimate>) -> [String; 2] {
    match e {
        Some(e) => [format!("{:.2}", e.value), e.n.to_string()],
        None => [String::new(), "0".into()],
    }
}

/// A store's weekly figures per channel over the last `weeks` weeks: week, channel, answers,
/// critical failures, overall and each dimension with its count, NPS with its count. The
/// team's own answers are left out (weekly, they could be traced to a person).
pub async fn store_figures(
    db: &Db,
    actor: &Actor,
    code: &str,
    weeks: u32,
    org: &OrgSettings,
) -> ServiceResult<(String, Vec<u8>)> {
    if !actor.role.reads_scores() {
        return Err(ServiceError::Forbidden);
    }
    let store = org::visible_store_row(db, actor, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let days = weeks_ending(store_today(&store.timezone), weeks.clamp(1, 104));
    let rows = figures::store_weeks(db, store.id, days[0], days[days.len() - 1]).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "store_code",
        "week",
        "channel",
        "responses",
        "critical_failed",
    ];
    // Scores in percent, then the perception-minus-expectation gaps in 1-5 scale points.
    let counted: Vec<String> = figures::MEASURES
        .iter()
        .enumerate()
        .flat_map(|(i, m)| {
            let value = if i < figures::GAPS {
                format!("{m}_pct")
            } else {
                m.to_string()
            };
            [value, format!("{m}_n")]
        })
        .collect();
    header.extend(counted.iter().map(String::as_str));
    header.extend(["nps", "nps_n"]);
    out.write_record(&header).map_err(csv_error)?;
    for (week, channel, f) in rows {
        if Channel::parse(&channel) == Some(Channel::EmployeeSelf) {
            continue;
        }
        let mut record = vec![
            store.code.clone(),
            week.to_string(),
            channel,
            f.responses.to_string(),
            f.critical_failed.to_string(),
        ];
        for (i, m) in f.measures.iter().enumerate() {
            let estimate = if i < figures::GAPS {
                score_estimate(m, org.min_answers_score)
            } else {
                crate::domain::stats::gap_estimate(m, org.min_answers_score)
            };
            record.extend(estimate_cells(estimate));
        }
        let nps = nps_estimate(&f.nps(), org.min_answers_nps);
        record.push(nps.map(|e| format!("{:.1}", e.value)).unwrap_or_default());
        record.push(f.nps().responses().to_string());
        out.write_record(&record).map_err(csv_error)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok((store.code, bytes))
}

/// The league of every visible store over the last `weeks` weeks, ranked, with the rollups
/// after the stores (their `level` column says which is which).
pub async fn league(
    db: &Db,
    actor: &Actor,
    weeks: u32,
    org: &OrgSettings,
) -> ServiceResult<Vec<u8>> {
    let mut computed = super::league::compute(db, actor, weeks, org).await?;
    super::league::mark_out_of_control(
        db,
        &computed.weeks,
        &mut computed.stores,
        &computed.ids,
        org,
    )
    .await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "level",
        "rank",
        "code",
        "name",
        "region",
        "stores",
        "responses",
        "overall_pct",
        "overall_n",
        "adjusted_pct",
    ]
    .map(String::from)
    .to_vec();
    for d in Dimension::ALL {
        header.push(format!("{}_pct", d.as_str()));
        header.push(format!("{}_n", d.as_str()));
    }
    header.extend(
        [
            "nps",
            "nps_low",
            "nps_high",
            "nps_n",
            "trend_per_week",
            "control_flag_week",
            "control_flag",
        ]
        .map(String::from),
    );
    out.write_record(&header).map_err(csv_error)?;
    let figures_cells = |f: &GroupFigures| {
        let mut cells = vec![f.responses.to_string()];
        cells.extend(estimate_cells(f.overall));
        cells
    };
    let tail = |f: &GroupFigures| {
        let mut cells = Vec::new();
        for e in &f.dimensions {
            cells.extend(estimate_cells(*e));
        }
        match f.nps {
            Some(e) => cells.extend([
                format!("{:.1}", e.value),
                format!("{:.1}", e.low),
                format!("{:.1}", e.high),
                e.n.to_string(),
            ]),
            None => cells.extend([String::new(), String::new(), String::new(), "0".into()]),
        }
        cells.push(f.trend.map(|t| format!("{t:.3}")).unwrap_or_default());
        cells
    };
    for s in &computed.stores {
        let mut record = vec![
            "store".to_string(),
            s.rank.map(|r| r.to_string()).unwrap_or_default(),
            s.code.clone(),
            s.name.en.clone(),
            s.region.clone(),
            "1".into(),
        ];
        record.extend(figures_cells(&s.figures));
        record.push(s.adjusted.map(|a| format!("{a:.2}")).unwrap_or_default());
        record.extend(tail(&s.figures));
        let (week, signal) = s
            .out_of_control
            .map(|(w, sig)| (w.to_string(), format!("{sig:?}")))
            .unwrap_or_default();
        record.extend([week, signal]);
        out.write_record(&record).map_err(csv_error)?;
    }
    for r in &computed.rollups {
        let mut record = vec![
            if r.organisation {
                "organisation"
            } else {
                "region"
            }
            .to_string(),
            String::new(),
            String::new(),
            r.name.clone(),
            String::new(),
            r.stores.to_string(),
        ];
        record.extend(figures_cells(&r.figures));
        record.push(String::new());
        record.extend(tail(&r.figures));
        record.extend([String::new(), String::new()]);
        out.write_record(&record).map_err(csv_error)?;
    }
    out.into_inner()
        .map_err(|e| ServiceError::Internal(e.to_string()))
}

/// Weeks as a file name part: `2026-08-31_2026-11-16`.
pub fn weeks_label(weeks: u32) -> String {
    let days: Vec<NaiveDate> = weeks_ending(Utc::now().date_naive(), weeks.clamp(1, 104));
    format!("{}_{}", days[0], days[days.len() - 1])
}
