//! Entry point: parse configuration, then serve or run an administrative command.

use std::net::SocketAddr;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use server::config::{Cli, Command};
use server::{cli, demo, http, open_database, state_for};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Before any thread exists: the config file fills in unset environment variables.
    if let Err(e) = server::config::apply_config_file(&args) {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&cli.config.log).unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run(cli)) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = cli.config;
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        format!(
            "cannot create data folder {}: {e}",
            config.data_dir.display()
        )
    })?;
    let db = open_database(&config.database_url()).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            println!("database is up to date");
            Ok(())
        }
        Command::Users { command } => cli::users(&db, command).await,
        Command::Templates { command } => cli::templates(&db, command).await,
        Command::Tokens { command } => cli::tokens(&db, command).await,
        Command::Stores { command } => cli::stores(&db, command).await,
        Command::Demo => load_demo(&db).await,
        Command::Figures { command } => cli::figures(&db, command).await,
        Command::Synth {
            stores,
            responses,
            weeks,
            seed,
        } => {
            let plan = server::synth::Plan {
                stores,
                responses,
                weeks,
                seed,
            };
            server::synth::generate(&db, plan, chrono::Utc::now())
                .await
                .map(|_| ())
        }
        Command::Serve => {
            if config.demo {
                load_demo(&db).await?;
            }
            serve(config.bind, state_for(&config, db)).await
        }
    }
}

async fn load_demo(db: &app::server::db::Db) -> Result<(), String> {
    match demo::load(db, chrono::Utc::now()).await? {
        Some(n) => println!("Loaded the demo data: 12 stores, {n} responses."),
        None => println!("The database already has users; demo data not loaded."),
    }
    println!("Demo accounts (password: {}):", demo::DEMO_PASSWORD);
    for a in demo::accounts() {
        println!(
            "  {:<18} {:<17} sees {}",
            a.username,
            a.role.as_str(),
            a.sees
        );
    }
    Ok(())
}

async fn serve(addr: SocketAddr, state: app::server::state::AppState) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("Servscope is running at http://{addr}");
    // The job runner (deadlines of complaint cases, follow-ups, the visits sampling lets
    // release themselves): every few seconds it runs the jobs due in the shared jobs table,
    // under a lease named for this process, so several servers run each job once.
    let jobs_state = state.clone();
    tokio::spawn(async move {
        let lease = format!("server-{}", uuid::Uuid::new_v4());
        if let Err(e) =
            app::server::jobs::ensure_recurring(&jobs_state.db, app::server::now_ms()).await
        {
            tracing::warn!(error = %e, "queueing the recurring jobs failed");
        }
        let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            every.tick().await;
            let ctx = app::server::jobs::Context {
                db: &jobs_state.db,
                templates: &jobs_state.templates,
                flags: &jobs_state.settings,
            };
            if let Err(e) = app::server::jobs::run_due(ctx, &lease, app::server::now_ms()).await {
                tracing::warn!(error = %e, "running due jobs failed");
            }
        }
    });
    // Rate limiters forget the keys of the past minute, so their memory stays bounded; once
    // an hour abandoned photo uploads and photos no response shows are deleted.
    let limits = state.limits.clone();
    let db = state.db.clone();
    let cleanup_days = i64::from(state.settings.photo_cleanup_days);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        let mut minutes = 0u32;
        loop {
            every.tick().await;
            limits.trim();
            if minutes.is_multiple_of(60) {
                let before = app::server::now_ms() - cleanup_days * 24 * 3_600_000;
                match app::server::db::photos::clean(&db, before).await {
                    Ok((0, 0)) => {}
                    Ok((chunks, photos)) => {
                        tracing::info!(
                            chunks,
                            photos,
                            "deleted abandoned uploads and unused photos"
                        )
                    }
                    Err(e) => tracing::warn!(error = %e, "photo clean-up failed"),
                }
            }
            minutes = minutes.wrapping_add(1);
        }
    });
    axum::serve(
        listener,
        http::app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string())
}
