//! The Servscope server: configuration, HTTP routes, migrations, demo data and the
//! administrative command line. All SQL lives in `app::server::db`.

pub mod cli;
pub mod config;
pub mod demo;
pub mod http;
pub mod migrate;
pub mod site;
pub mod synth;

use app::server::db::Db;
use app::server::state::{AppState, Settings};

use config::Config;

/// Connect, migrate and publish the built-in templates.
pub async fn open_database(url: &str) -> Result<Db, String> {
    let db = Db::connect(url, 8)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    migrate::run(&db)
        .await
        .map_err(|e| format!("migrating the database: {e}"))?;
    demo::publish_builtin_templates(&db).await?;
    // A database from before the weekly figures existed gets them once, here.
    let missing = app::server::db::figures::missing(&db)
        .await
        .map_err(|e| format!("reading the weekly figures: {e}"))?;
    if missing {
        let report = app::server::db::figures::rebuild(&db, &Default::default())
            .await
            .map_err(|e| format!("building the weekly figures: {e}"))?;
        tracing::info!(responses = report.responses, "built the weekly figures");
    }
    Ok(db)
}

pub fn state_for(config: &Config, db: Db) -> AppState {
    let options = site::leptos_options(&config.site_root, config.bind);
    AppState::new(
        options,
        db,
        Settings {
            secure_cookies: config.secure_cookies,
            login_attempts_per_minute: config.login_attempts_per_minute,
            revisit_days: config.revisit_days,
            assignment_grace_hours: config.assignment_grace_hours,
            public_url: config.public_url.clone(),
            survey_repeat_hours: config.survey_repeat_hours,
            survey_posts_per_hour_per_address: config.survey_posts_per_hour_per_address,
            survey_posts_per_hour_per_device: config.survey_posts_per_hour_per_device,
            staff_pin_attempts_per_quarter_hour: config.staff_pin_attempts_per_quarter_hour,
            trusted_proxies: config.trusted_proxies.clone(),
            photo_quota_mb_per_day: config.photo_quota_mb_per_day,
            photo_cleanup_days: config.photo_cleanup_days,
            demo: config.demo,
            ..Settings::default()
        },
    )
}
