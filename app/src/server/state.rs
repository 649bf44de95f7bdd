//! The one state shared by every handler, server function and page render.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::FromRef;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use leptos::prelude::LeptosOptions;

use super::db::templates::TemplateCache;
use super::db::Db;
use super::signing::{load_key, SigningKey};

#[derive(Clone, Debug)]
pub struct Settings {
    /// Mark cookies `Secure` (only sent over HTTPS). On by default in production set-ups
    /// behind TLS; off for plain-HTTP development on 127.0.0.1.
    pub secure_cookies: bool,
    /// Sign-in attempts allowed per username per minute (per network address: five times this).
    pub login_attempts_per_minute: u32,
    /// Minimum days between two assignments of one shopper to one store.
    pub revisit_days: u32,
    /// Hours around an assignment's window in which its visit still counts.
    pub assignment_grace_hours: u32,
    /// The address customers reach (printed into QR codes), e.g. `https://survey.example.com`.
    /// None: taken from each request's Host.
    pub public_url: Option<String>,
    /// A device answers one store's customer survey at most once within this many hours.
    pub survey_repeat_hours: u32,
    /// Customer survey answers accepted per network address per hour (a store's guest
    /// Wi-Fi puts many customers behind one address).
    pub survey_posts_per_hour_per_address: u32,
    /// Customer survey answers accepted per device per hour (mistakes corrected included).
    pub survey_posts_per_hour_per_device: u32,
    /// Staff link PIN attempts per address per quarter hour; per store and hour four times this.
    pub staff_pin_attempts_per_quarter_hour: u32,
    /// The thresholds of the stuffing flags.
    pub stuffing: crate::domain::stuffing::Rules,
    /// Reverse proxies whose `X-Forwarded-For` is believed: behind them, limits count the
    /// client's address, not the proxy's. Empty: the connecting address is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Megabytes of photos a shopper may send in 24 hours.
    pub photo_quota_mb_per_day: u32,
    /// Unfinished uploads and photos no response shows are deleted after this many days.
    pub photo_cleanup_days: u32,
    /// Started with the demo data (`--demo true`): the sign-in page says where the demo
    /// accounts are printed.
    pub demo: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: false,
            login_attempts_per_minute: 10,
            revisit_days: 30,
            assignment_grace_hours: 24,
            public_url: None,
            survey_repeat_hours: 24,
            survey_posts_per_hour_per_address: 60,
            survey_posts_per_hour_per_device: 10,
            staff_pin_attempts_per_quarter_hour: 5,
            stuffing: crate::domain::stuffing::Rules::default(),
            trusted_proxies: Vec::new(),
            photo_quota_mb_per_day: 200,
            photo_cleanup_days: 7,
            demo: false,
        }
    }
}

/// In-memory limits for public endpoints. Per process: behind several replicas each counts
/// its own share, which still bounds guessing. Memory stays bounded: keys are cut to
/// [`MAX_KEY_CHARS`], and [`Limits::trim`] (every minute) forgets keys whose allowance is full
/// again, so only the keys of the last period are held.
pub struct Limits {
    pub login_by_ip: DefaultKeyedRateLimiter<IpAddr>,
    /// Per username *and* address: wrong passwords sent from one address never lock the real
    /// user out at another (the per-address limit bounds guessing across usernames).
    pub login_by_user: DefaultKeyedRateLimiter<(String, IpAddr)>,
    pub survey_posts_by_ip: DefaultKeyedRateLimiter<IpAddr>,
    pub survey_posts_by_device: DefaultKeyedRateLimiter<String>,
    /// Survey pages shown per address: generous, it only stops scripted floods.
    pub survey_pages_by_ip: DefaultKeyedRateLimiter<IpAddr>,
    /// Staff link PIN attempts, right or wrong: by default 5 per address per quarter hour and 20
    /// per store per hour (all 10,000 four-digit PINs would take three weeks to try).
    pub staff_pin_by_ip: DefaultKeyedRateLimiter<IpAddr>,
    pub staff_pin_by_store: DefaultKeyedRateLimiter<i64>,
}

/// `n` per `period`, refilled evenly, with the whole allowance available at once.
fn spread_over(period: std::time::Duration, n: u32) -> Quota {
    let n = NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period / n.get())
        .unwrap_or_else(|| Quota::per_hour(n))
        .allow_burst(n)
}

fn per_hour(n: u32) -> Quota {
    spread_over(std::time::Duration::from_secs(3600), n)
}

fn per_quarter_hour(n: u32) -> Quota {
    spread_over(std::time::Duration::from_secs(900), n)
}

/// Longest key a limiter keeps (usernames and device ids are cut to this).
pub const MAX_KEY_CHARS: usize = 64;

/// A limiter key from untrusted text: cut to [`MAX_KEY_CHARS`] characters.
pub fn limit_key(s: &str) -> String {
    s.chars().take(MAX_KEY_CHARS).collect()
}

impl Limits {
    /// Forget keys whose allowance is full again, and give the memory back.
    pub fn trim(&self) {
        self.login_by_ip.retain_recent();
        self.login_by_user.retain_recent();
        self.survey_posts_by_ip.retain_recent();
        self.survey_posts_by_device.retain_recent();
        self.survey_pages_by_ip.retain_recent();
        self.staff_pin_by_ip.retain_recent();
        self.staff_pin_by_store.retain_recent();
        self.login_by_ip.shrink_to_fit();
        self.login_by_user.shrink_to_fit();
        self.survey_posts_by_ip.shrink_to_fit();
        self.survey_posts_by_device.shrink_to_fit();
        self.survey_pages_by_ip.shrink_to_fit();
        self.staff_pin_by_ip.shrink_to_fit();
        self.staff_pin_by_store.shrink_to_fit();
    }

    /// Keys held by all limiters (what `trim` keeps bounded).
    pub fn keys(&self) -> usize {
        self.login_by_ip.len()
            + self.login_by_user.len()
            + self.survey_posts_by_ip.len()
            + self.survey_posts_by_device.len()
            + self.survey_pages_by_ip.len()
            + self.staff_pin_by_ip.len()
            + self.staff_pin_by_store.len()
    }

    pub fn new(settings: &Settings) -> Limits {
        let per_user =
            NonZeroU32::new(settings.login_attempts_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let pin = settings.staff_pin_attempts_per_quarter_hour;
        let per_ip = per_user.saturating_mul(NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN));
        Limits {
            login_by_ip: RateLimiter::keyed(Quota::per_minute(per_ip)),
            login_by_user: RateLimiter::keyed(Quota::per_minute(per_user)),
            survey_posts_by_ip: RateLimiter::keyed(per_hour(
                settings.survey_posts_per_hour_per_address,
            )),
            survey_posts_by_device: RateLimiter::keyed(per_hour(
                settings.survey_posts_per_hour_per_device,
            )),
            survey_pages_by_ip: RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(120).unwrap_or(NonZeroU32::MIN),
            )),
            staff_pin_by_ip: RateLimiter::keyed(per_quarter_hour(pin)),
            staff_pin_by_store: RateLimiter::keyed(per_hour(pin.saturating_mul(4))),
        }
    }
}

/// Streamed exports at once: two of the pool's eight connections at most.
pub const CONCURRENT_EXPORTS: usize = 2;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub templates: TemplateCache,
    pub settings: Arc<Settings>,
    pub limits: Arc<Limits>,
    /// Streamed exports running at once (each holds a database connection while it runs).
    pub exports: Arc<tokio::sync::Semaphore>,
    form_key: Arc<tokio::sync::OnceCell<SigningKey>>,
    /// The bundle's stylesheet, written into customer survey pages: on a slow phone network
    /// a second request for it would cost another round trip before the form shows styled.
    /// None without a built site (tests): the pages link it instead.
    pub inline_css: Option<Arc<str>>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: Db, settings: Settings) -> AppState {
        let limits = Arc::new(Limits::new(&settings));
        let css = std::path::Path::new(leptos_options.site_root.as_ref())
            .join(leptos_options.site_pkg_dir.as_ref())
            .join("servscope.css");
        let inline_css = std::fs::read_to_string(css).ok().map(Arc::from);
        AppState {
            leptos_options,
            db,
            templates: TemplateCache::default(),
            settings: Arc::new(settings),
            limits,
            exports: Arc::new(tokio::sync::Semaphore::new(CONCURRENT_EXPORTS)),
            form_key: Arc::default(),
            inline_css,
        }
    }

    /// The key that signs values customer forms carry back (loaded once, made on first use).
    pub async fn form_key(&self) -> Result<SigningKey, sqlx::Error> {
        self.form_key
            .get_or_try_init(|| load_key(&self.db, "forms", super::now_ms()))
            .await
            .cloned()
    }
}
