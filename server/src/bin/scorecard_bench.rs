//! Read-side benchmark on a synthetic data set (`server synth`): the store scorecard, the
//! league table of every store, and the CSV export of every response, each printed next to
//! the equivalent single GROUP BY (or plain read) over the raw responses in the same run.
//! SQLite always; PostgreSQL when TEST_POSTGRES_URL is set. The data set is made once per
//! size and kept (target/bench-data/, and a database per size in the PostgreSQL cluster).
//!
//! Usage: scorecard_bench [STORES] [RESPONSES]   (default 5000 1000000)

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use sqlx::Row;

use app::api::league::SortKey;
use app::server::db::users::actor_by_username;
use app::server::db::Db;
use app::server::export::{self, ResponsesExport};
use app::server::league::{self, Request as LeagueRequest};
use app::server::scorecard::{for_store, Request};
use server::synth::{self, Plan};

const SCORECARD_SAMPLES: usize = 200;
const LEAGUE_RUNS: usize = 10;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    (ms(percentile(&times, 0.5)), ms(percentile(&times, 0.95)))
}

/// Resident memory of this process in MiB (Linux).
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn prepared(url: &str, plan: Plan) -> Result<Db, String> {
    let db = server::open_database(url).await?;
    let stores: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stores")
        .fetch_one(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    if stores == 0 {
        println!(
            "generating {} stores, {} responses ...",
            plan.stores, plan.responses
        );
        synth::generate(&db, plan, chrono::Utc::now()).await?;
    } else {
        println!("reusing the data set ({stores} stores)");
    }
    Ok(db)
}

async fn run(label: &str, url: &str, plan: Plan) -> Result<(), String> {
    let db = prepared(url, plan).await?;
    let e = |e: sqlx::Error| e.to_string();
    let responses: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM responses")
        .fetch_one(&db.pool)
        .await
        .map_err(e)?;
    let admin = actor_by_username(&db, synth::ADMIN)
        .await
        .map_err(e)?
        .ok_or("no synth.admin")?;
    // The default settings: what a chain that changed none reads.
    let org = app::domain::org_settings::OrgSettings::default();
    let templates = app::server::db::templates::TemplateCache::default();
    println!(
        "\n== {label}: {} stores, {responses} responses ==",
        plan.stores
    );

    // Store scorecard (12 weeks) for a sample of stores, against the GROUP BY of the same
    // store's raw responses per channel over the same period.
    let codes: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM stores ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .map_err(e)?;
    let step = (codes.len() / SCORECARD_SAMPLES).max(1);
    let sample: Vec<&(i64, String)> = codes.iter().step_by(step).take(SCORECARD_SAMPLES).collect();
    let since = chrono::Utc::now().timestamp_millis() - 12 * 7 * 24 * 3600 * 1000;
    let (mut card_times, mut raw_times) = (Vec::new(), Vec::new());
    for (id, code) in &sample {
        let t = Instant::now();
        let card = for_store(&db, &templates, &admin, code, Request::default(), &org)
            .await
            .map_err(|e| format!("{e:?}"))?;
        card_times.push(t.elapsed());
        std::hint::black_box(card);
        let t = Instant::now();
        let rows = sqlx::query(
            "SELECT channel, COUNT(*), AVG(score_pct) FROM responses
             WHERE store_id = $1 AND finished_at >= $2 AND status = 'counted' GROUP BY channel",
        )
        .bind(*id)
        .bind(since)
        .fetch_all(&db.pool)
        .await
        .map_err(e)?;
        raw_times.push(t.elapsed());
        std::hint::black_box(rows);
    }
    let (c50, c95) = summary(card_times);
    let (r50, r95) = summary(raw_times);
    println!(
        "store scorecard (12 weeks, {} stores): p50 {c50:.1} ms, p95 {c95:.1} ms | raw GROUP BY of the store: p50 {r50:.1} ms, p95 {r95:.1} ms | ratio p95 {:.2}",
        sample.len(),
        c95 / r95
    );

    // League of every store (12 weeks), against the GROUP BY of all raw responses per store
    // and channel over the same period. The first league of a week builds the period's kept
    // totals from the weekly rows (timed apart); later ones read them.
    let (mut league_times, mut raw_times) = (Vec::new(), Vec::new());
    let request = LeagueRequest {
        weeks: 12,
        sort: SortKey::Rank,
        descending: true,
        region: None,
        page: 1,
    };
    sqlx::query("DELETE FROM period_builds")
        .execute(&db.pool)
        .await
        .map_err(e)?;
    let t = Instant::now();
    league::for_actor(&db, &admin, &request, &org)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let first_of_week = t.elapsed();
    let mut listed = 0;
    for _ in 0..LEAGUE_RUNS {
        let t = Instant::now();
        let page = league::for_actor(&db, &admin, &request, &org)
            .await
            .map_err(|e| format!("{e:?}"))?;
        league_times.push(t.elapsed());
        listed = page.total;
        let t = Instant::now();
        let rows = sqlx::query(
            "SELECT store_id, channel, COUNT(*), AVG(score_pct) FROM responses
             WHERE finished_at >= $1 AND status = 'counted' GROUP BY store_id, channel",
        )
        .bind(since)
        .fetch_all(&db.pool)
        .await
        .map_err(e)?;
        raw_times.push(t.elapsed());
        std::hint::black_box(rows);
    }
    // Where the league's time goes: its read of the kept period totals.
    let weeks = app::domain::rollup::weeks_ending(chrono::Utc::now().date_naive(), 12);
    let t = Instant::now();
    let summed = app::server::db::figures::stores_summed(&db, &admin, 12, weeks[0], weeks[11])
        .await
        .map_err(e)?;
    let summed_time = t.elapsed();
    let (l50, l95) = summary(league_times);
    let (r50, r95) = summary(raw_times);
    println!(
        "league ({listed} stores ranked, 12 weeks): p50 {l50:.0} ms, p95 {l95:.0} ms | raw GROUP BY per store and channel: p50 {r50:.0} ms, p95 {r95:.0} ms | ratio p50 {:.2}",
        l50 / r50
    );
    println!(
        "  of which: reading the period totals {:.0} ms ({} rows) | the first league of a week, building them from the weekly rows: {:.0} ms",
        ms(summed_time),
        summed.len(),
        ms(first_of_week)
    );

    // CSV export of every response, against reading the same rows without CSV.
    let t = Instant::now();
    let mut rows = sqlx::query(
        "SELECT r.id, s.code, r.channel, r.finished_at, r.score_pct, r.dimension_scores, r.answers
         FROM responses r JOIN stores s ON s.id = r.store_id
         WHERE r.channel <> 'employee_self' ORDER BY r.store_id, r.finished_at, r.id",
    )
    .fetch(&db.pool);
    let mut read = 0u64;
    while let Some(r) = rows.try_next().await.map_err(e)? {
        read += r.try_get::<String, _>("answers").map_err(e)?.len() as u64;
    }
    drop(rows);
    let raw_read = t.elapsed();
    std::hint::black_box(read);

    let start_rss = rss_mib();
    let t = Instant::now();
    let mut rx = export::responses(
        &db,
        &admin,
        ResponsesExport {
            // The longest period: every synthetic response (they span 52 weeks back from the
            // moment they were made).
            weeks: 104,
            store: None,
        },
        &std::sync::Arc::new(tokio::sync::Semaphore::new(1)),
    )
    .await
    .map_err(|e| format!("{e:?}"))?;
    let (mut bytes, mut lines, mut peak) = (0usize, 0usize, start_rss);
    let mut checkpoints = Vec::new();
    while let Some(chunk) = rx.recv().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
        if lines / 100_000 > checkpoints.len() {
            let now = rss_mib();
            peak = peak.max(now);
            checkpoints.push(format!("{now:.0}"));
        }
    }
    let export_time = t.elapsed();
    println!(
        "CSV export of every response: {} lines, {:.0} MiB in {:.1} s ({:.0} rows/s) | reading the same rows without CSV: {:.1} s | ratio {:.2}",
        lines,
        bytes as f64 / 1048576.0,
        export_time.as_secs_f64(),
        lines as f64 / export_time.as_secs_f64(),
        raw_read.as_secs_f64(),
        export_time.as_secs_f64() / raw_read.as_secs_f64()
    );
    println!(
        "  resident memory: {start_rss:.0} MiB before, peak {peak:.0} MiB; every 100,000 rows: {}",
        checkpoints.join(", ")
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let plan = Plan {
        stores: args.first().copied().unwrap_or(5_000),
        responses: args.get(1).copied().unwrap_or(1_000_000),
        weeks: 52,
        seed: 1,
    };
    let dir = std::path::Path::new("target/bench-data");
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("synth-{}-{}.db", plan.stores, plan.responses));
    run(
        "SQLite",
        &format!("sqlite://{}?mode=rwc", path.display()),
        plan,
    )
    .await?;
    if let Ok(admin_url) = std::env::var("TEST_POSTGRES_URL") {
        let name = format!("servscope_bench_{}_{}", plan.stores, plan.responses);
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url)
            .await
            .map_err(|e| e.to_string())?;
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
            .bind(&name)
            .fetch_one(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
        if exists == 0 {
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
        }
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b);
        run("PostgreSQL", &format!("{base}/{name}"), plan).await?;
    } else {
        println!("\nTEST_POSTGRES_URL not set: PostgreSQL not measured");
    }
    Ok(())
}
