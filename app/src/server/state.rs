//! The one state shared by every handler, server function and page render.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::FromRef;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use leptos::prelude::LeptosOptions;

use super::db::templates::TemplateCache;
use super::db::Db;

#[derive(Clone, Debug)]
pub struct Settings {
    /// Mark cookies `Secure` (only sent over HTTPS). On by default in production set-ups
    /// behind TLS; off for plain-HTTP development on 127.0.0.1.
    pub secure_cookies: bool,
    /// Sign-in attempts allowed per username per minute (per network address: five times this).
    pub login_attempts_per_minute: u32,
    /// Minimum days between two assignments of one shopper to one store.
    pub revisit_days: u32,
    /// The address customers reach (printed into QR codes), e.g. `https://survey.example.com`.
    /// None: taken from each request's Host.
    pub public_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: false,
            login_attempts_per_minute: 10,
            revisit_days: 30,
            public_url: None,
        }
    }
}

/// In-memory limits for public endpoints. Per process: behind several replicas each counts
/// its own share, which still bounds guessing.
pub struct Limits {
    pub login_by_ip: DefaultKeyedRateLimiter<IpAddr>,
    pub login_by_user: DefaultKeyedRateLimiter<String>,
}

impl Limits {
    pub fn new(settings: &Settings) -> Limits {
        let per_user =
            NonZeroU32::new(settings.login_attempts_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let per_ip = per_user.saturating_mul(NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN));
        Limits {
            login_by_ip: RateLimiter::keyed(Quota::per_minute(per_ip)),
            login_by_user: RateLimiter::keyed(Quota::per_minute(per_user)),
        }
    }
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub templates: TemplateCache,
    pub settings: Arc<Settings>,
    pub limits: Arc<Limits>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: Db, settings: Settings) -> AppState {
        let limits = Arc::new(Limits::new(&settings));
        AppState {
            leptos_options,
            db,
            templates: TemplateCache::default(),
            settings: Arc::new(settings),
            limits,
        }
    }
}
