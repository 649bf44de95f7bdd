//! Ingest benchmark: sustained PUT /api/v1/responses/{uuid} over HTTP on loopback with 16
//! concurrent clients sending 25-answer visits, printed next to the raw insert rate of the
//! same rows into the same database in the same run. SQLite always; PostgreSQL when
//! TEST_POSTGRES_URL is set (`./dev bench` starts a local cluster).
//!
//! Usage: ingest_bench [RESPONSES_PER_BACKEND]   (default 20000)

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::api::wire::Role;
use app::domain::builtin::builtin_templates;
use app::domain::{score, ResponseSubmission, Template};
use app::server::auth::{hash_password, new_api_token, sha256_hex};
use app::server::db::{figures, responses};
use app::server::db::{org, tokens, users, Db};
use app::server::state::{AppState, Settings};
use app::server::stored_response::response_row;
use serde_json::json;

const CLIENTS: usize = 16;

fn visit_body(template: &Template, store: &str) -> serde_json::Value {
    let now = chrono::Utc::now();
    let mut answers = Vec::new();
    for (_, q) in template.questions() {
        use app::domain::QuestionType as Q;
        let v = match q.kind {
            Q::YesNo => json!(true),
            Q::Scale5 => json!(4),
            Q::DurationSeconds => json!(25),
            _ => continue,
        };
        answers.push(json!({"question": q.id, "value": v}));
    }
    json!({"template": "instore-visit", "template_version": 1, "store": store, "channel": "mystery_visit",
           "started_at": (now - chrono::Duration::minutes(20)).to_rfc3339(), "finished_at": now.to_rfc3339(), "answers": answers})
}

async fn setup(url: &str) -> Result<(Db, String), String> {
    let db = server::open_database(url).await?;
    let org_id = org::create_organisation(&db, "Bench")
        .await
        .map_err(|e| e.to_string())?;
    let region = org::create_region(&db, org_id, "R")
        .await
        .map_err(|e| e.to_string())?;
    for i in 0..12 {
        let code = format!("B-{i:03}");
        org::create_store(
            &db,
            org::NewStore {
                region_id: region,
                code: &code,
                name: &code,
                address: "-",
                timezone: "UTC",
                phone: "",
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    let hash = hash_password("bench-password-1").map_err(|e| e.to_string())?;
    let uid = users::create_user(
        &db,
        users::NewUser {
            username: "bench",
            display_name: "Bench",
            password_hash: hash,
            role: Role::Admin,
        },
        0,
    )
    .await
    .map_err(|e| e.to_string())?;
    let token = new_api_token();
    tokens::create_token(&db, uid, "bench", &token, &sha256_hex(token.as_bytes()), 0)
        .await
        .map_err(|e| e.to_string())?;
    Ok((db, token))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn bench(label: &str, url: &str, total: usize) -> Result<(), String> {
    let (db, token) = setup(url).await?;
    let template = builtin_templates()?
        .into_iter()
        .find(|t| t.key == "instore-visit")
        .ok_or("no visit template")?;
    let options = server::site::leptos_options(
        std::path::Path::new("target/site"),
        "127.0.0.1:0".parse().map_err(|_| "addr")?,
    );
    let state = AppState::new(options, db.clone(), Settings::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let router = server::http::app(state);
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let body = Arc::new(visit_body(&template, "B-001").to_string());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .map_err(|e| e.to_string())?;
    // Warm up connections and caches.
    for _ in 0..50 {
        let id = uuid::Uuid::new_v4();
        client
            .put(format!("http://{addr}/api/v1/responses/{id}"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body.as_str().to_owned())
            .send()
            .await
            .map_err(|e| e.to_string())?;
    }
    // The league's period totals built, as after a manager's first league of the week: from
    // here every response also updates its store's four period rows.
    let weeks = app::domain::rollup::weeks_ending(chrono::Utc::now().date_naive(), 52);
    for n in app::domain::calendar::PERIODS {
        let first = weeks[weeks.len() - n as usize];
        app::server::db::figures::ensure_period(&db, n, first, weeks[weeks.len() - 1])
            .await
            .map_err(|e| e.to_string())?;
    }
    let periods: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM store_period_figures")
        .fetch_one(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    if periods != 4 {
        return Err(format!(
            "expected the 4 period rows of B-001, found {periods}"
        ));
    }
    let per_client = total / CLIENTS;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, body, token) = (client.clone(), body.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let id = uuid::Uuid::new_v4();
                let t = Instant::now();
                let r = client
                    .put(format!("http://{addr}/api/v1/responses/{id}"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body.as_str().to_owned())
                    .send()
                    .await;
                match r {
                    Ok(resp) if resp.status() == 201 => latencies.push(t.elapsed()),
                    Ok(resp) => {
                        return Err(format!(
                            "status {}: {}",
                            resp.status(),
                            resp.text().await.unwrap_or_default()
                        ))
                    }
                    Err(e) => return Err(e.to_string()),
                }
            }
            Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    server.abort();
    latencies.sort();
    let http_rate = latencies.len() as f64 / elapsed.as_secs_f64();

    // The same rows, scored once, inserted directly: what the database alone can take.
    let submission: ResponseSubmission = serde_json::from_str(&body).map_err(|e| e.to_string())?;
    let answers = submission
        .check(&template, chrono::Utc::now())
        .map_err(|e| format!("{e:?}"))?;
    let card = score(&template, &answers);
    let store = org::store_by_code(&db, "B-002")
        .await
        .map_err(|e| e.to_string())?
        .ok_or("store")?;
    let version = app::server::db::templates::load_version(&db, "instore-visit", 1)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("version")?;
    let raw_n = total.min(10_000);
    // Build the row once; the timed loop only inserts (with a fresh id each time).
    let (row, rollup) = response_row(
        "",
        (store.id, &store.timezone),
        &version,
        None,
        &submission,
        &card,
        chrono::Utc::now(),
    )
    .map_err(|e| e.to_string())?;
    let raw_started = Instant::now();
    for _ in 0..raw_n {
        let mut next = row.clone();
        next.id = uuid::Uuid::new_v4().to_string();
        // What ingest does after its checks: the row and its figures in one write transaction.
        let mut tx = db.write_tx().await.map_err(|e| e.to_string())?;
        responses::insert(&mut tx, &next)
            .await
            .map_err(|e| e.to_string())?;
        figures::add_response(&mut tx, next.store_id, next.channel, &rollup)
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    let raw_rate = raw_n as f64 / raw_started.elapsed().as_secs_f64();
    println!(
        "{label:<10} http: {:>6.0} responses/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} responses, {CLIENTS} clients, {} answers each) | raw insert: {:>6.0} rows/s | http/raw {:.2}",
        http_rate,
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.len(),
        submission.answers.len(),
        raw_rate,
        http_rate / raw_rate
    );
    Ok(())
}

#[tokio::main]
async fn main() {
    let total: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let dir =
        std::env::temp_dir().join(format!("servscope-bench-{}", uuid::Uuid::new_v4().simple()));
    let _ = std::fs::create_dir_all(&dir);
    let sqlite = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    if let Err(e) = bench("sqlite", &sqlite, total).await {
        eprintln!("sqlite: {e}");
        std::process::exit(1);
    }
    if let Ok(admin) = std::env::var("TEST_POSTGRES_URL") {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let name = format!("servscope_bench_{}", uuid::Uuid::new_v4().simple());
        let created = async {
            let mut c = sqlx::AnyConnection::connect(&admin).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut c)
                .await
        }
        .await;
        if let Err(e) = created {
            eprintln!("postgres: {e}");
            std::process::exit(1);
        }
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        if let Err(e) = bench("postgres", &format!("{base}/{name}"), total).await {
            eprintln!("postgres: {e}");
            std::process::exit(1);
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
