//! Test harness: a fresh, migrated real database per test (a temporary SQLite file, or a new
//! PostgreSQL database in the cluster named by TEST_POSTGRES_URL), a small organisation, one
//! user per role, and helpers to drive the real router.
#![allow(dead_code)]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::Connection;
use tower::ServiceExt;

use app::api::wire::Role;
use app::server::auth::{hash_password, new_api_token, sha256_hex, PasswordHashString};
use app::server::db::{org, tokens, users, Backend, Db};
use app::server::state::{AppState, Settings};

pub const PASSWORD: &str = "test-password-123";

/// (username, role, regions, stores)
pub const USERS: [(&str, Role, &[&str], &[&str]); 8] = [
    ("admin", Role::Admin, &[], &[]),
    ("regional.north", Role::RegionalManager, &["North"], &[]),
    ("manager.n1", Role::StoreManager, &[], &["N-1"]),
    ("manager.s1", Role::StoreManager, &[], &["S-1"]),
    ("shopper", Role::Shopper, &[], &[]),
    ("staff.n1", Role::Employee, &[], &["N-1"]),
    ("staff.s1", Role::Employee, &[], &["S-1"]),
    ("reviewer.north", Role::Reviewer, &["North"], &[]),
];

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub backend: Backend,
    /// The test database's address (to open it again as the server would).
    pub url: String,
}

fn password_hash() -> PasswordHashString {
    static HASH: OnceLock<String> = OnceLock::new();
    PasswordHashString(
        HASH.get_or_init(|| hash_password(PASSWORD).expect("hash").0)
            .clone(),
    )
}

pub async fn fresh_database_url(backend: Backend) -> Option<String> {
    let name = format!("servscope_test_{}", uuid::Uuid::new_v4().simple());
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            Some(format!("sqlite://{}?mode=rwc", path.display()))
        }
        Backend::Postgres => {
            let Ok(admin_url) = std::env::var("TEST_POSTGRES_URL") else {
                assert!(
                    std::env::var("REQUIRE_ALL").as_deref() != Ok("1"),
                    "REQUIRE_ALL=1 but TEST_POSTGRES_URL is not set: PostgreSQL tests would be skipped"
                );
                eprintln!("skipping the PostgreSQL variant: TEST_POSTGRES_URL is not set (./dev test sets it)");
                return None;
            };
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&admin_url)
                .await
                .expect("connect to TEST_POSTGRES_URL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            Some(format!("{base}/{name}"))
        }
    }
}

impl TestApp {
    /// None when this backend is not available here (and not required).
    pub async fn new(backend: Backend) -> Option<TestApp> {
        Self::with_settings(backend, Settings::default()).await
    }

    pub async fn with_settings(backend: Backend, settings: Settings) -> Option<TestApp> {
        Self::build(
            backend,
            settings,
            std::path::Path::new("target/site-does-not-exist"),
        )
        .await
    }

    /// With a built site (pkg/CURRENT and the bundle files) at `site_root`.
    pub async fn with_site(backend: Backend, site_root: &std::path::Path) -> Option<TestApp> {
        Self::build(backend, Settings::default(), site_root).await
    }

    async fn build(
        backend: Backend,
        settings: Settings,
        site_root: &std::path::Path,
    ) -> Option<TestApp> {
        let url = fresh_database_url(backend).await?;
        let db = server::open_database(&url).await.expect("open database");
        seed(&db).await;
        let options = server::site::leptos_options(site_root, "127.0.0.1:0".parse().expect("addr"));
        let state = AppState::new(options, db, settings);
        let router = server::http::app(state.clone());
        Some(TestApp {
            state,
            router,
            backend,
            url,
        })
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let response = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        (status, headers, body)
    }

    pub async fn json(&self, req: Request<Body>) -> (StatusCode, Value) {
        let (status, _, body) = self.send(req).await;
        let value = serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
        (status, value)
    }

    /// An API token acting as `username`.
    pub async fn token(&self, username: &str) -> String {
        let actor = users::actor_by_username(self.db(), username)
            .await
            .expect("query")
            .expect("user exists");
        let token = new_api_token();
        tokens::create_token(
            self.db(),
            actor.user_id,
            "test",
            &token,
            &sha256_hex(token.as_bytes()),
            app::server::now_ms(),
        )
        .await
        .expect("token");
        token
    }

    /// Sign in through the real form endpoint; returns the `Cookie` header value.
    pub async fn login(&self, username: &str) -> String {
        let (status, headers, _) = self
            .send(form_post(
                "/auth/login",
                &format!("username={username}&password={PASSWORD}"),
                None,
            ))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let Some(set) = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(app::server::auth::SESSION_COOKIE))
        else {
            panic!(
                "no session cookie for {username}: sent to {:?}",
                headers.get(header::LOCATION)
            );
        };
        set.split(';').next().expect("pair").to_string()
    }

    /// The CSRF token of the session behind a `Cookie` value from [`TestApp::login`].
    pub async fn csrf_of(&self, cookie: &str) -> String {
        use sqlx::Row;
        let token = cookie.split_once('=').map(|(_, t)| t).unwrap_or_default();
        sqlx::query("SELECT csrf_token FROM sessions WHERE token_hash = $1")
            .bind(sha256_hex(token.as_bytes()))
            .fetch_one(&self.state.db.pool)
            .await
            .expect("session")
            .try_get(0)
            .expect("csrf")
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.json(get_with_token(path, token)).await
    }

    pub async fn put_response(&self, id: &str, body: &Value, token: &str) -> (StatusCode, Value) {
        self.json(
            Request::builder()
                .method(Method::PUT)
                .uri(format!("/api/v1/responses/{id}"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }

    /// PUT raw bytes (a photo chunk) with a content type.
    pub async fn put_bytes(
        &self,
        path: &str,
        bytes: Vec<u8>,
        content_type: &str,
        token: &str,
    ) -> (StatusCode, Value) {
        self.json(
            Request::builder()
                .method(Method::PUT)
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(bytes))
                .expect("request"),
        )
        .await
    }

    pub async fn post_json(&self, path: &str, body: &Value, token: &str) -> (StatusCode, Value) {
        self.json(
            Request::builder()
                .method(Method::POST)
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }

    /// An open assignment of the test shopper to `store` for the newest version of
    /// `template`, its window from two days ago to two days ahead. Made directly in the
    /// database: tests send several visits to one store, and the revisit rule that would
    /// refuse that is tested in assignments.rs.
    pub async fn assignment(&self, store: &str, template: &str) -> i64 {
        self.assignment_for("shopper", store, template).await
    }

    /// As [`TestApp::assignment`], for any shopper.
    pub async fn assignment_for(&self, shopper: &str, store: &str, template: &str) -> i64 {
        use sqlx::Row;
        let today = chrono::Utc::now().date_naive();
        let day = |d: i64| {
            (today + chrono::Duration::days(d))
                .format("%Y-%m-%d")
                .to_string()
        };
        sqlx::query(
            "INSERT INTO assignments (store_id, template_version_id, shopper_id, window_start, window_end,
                 instructions, created_by, created_at)
             SELECT s.id, v.id, u.id, $2, $3, 'Buy a small item.', u.id, 0
             FROM stores s, users u, template_versions v JOIN templates t ON t.id = v.template_id
             WHERE s.code = $1 AND u.username = $5 AND t.template_key = $4
               AND v.version = (SELECT MAX(v2.version) FROM template_versions v2 WHERE v2.template_id = t.id)
             RETURNING id",
        )
        .bind(store)
        .bind(day(-2))
        .bind(day(2))
        .bind(template)
        .bind(shopper)
        .fetch_one(&self.state.db.pool)
        .await
        .expect("assignment")
        .try_get(0)
        .expect("id")
    }

    /// A complete in-store visit (`visit`) for a fresh assignment of the test shopper.
    pub async fn assigned_visit(&self, store: &str) -> Value {
        let mut body = visit(store);
        body["assignment"] = serde_json::json!(self.assignment(store, "instore-visit").await);
        body
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(&self.db().pool)
            .await
            .expect("count")
            .try_get(0)
            .expect("int")
    }
}

/// The 12 weeks ending with the London stores' current week.
pub fn period() -> (chrono::NaiveDate, chrono::NaiveDate) {
    let now = chrono::Utc::now().timestamp_millis();
    let last = chrono::NaiveDate::parse_from_str(
        &app::server::db::figures::week_key("Europe/London", now),
        "%Y-%m-%d",
    )
    .expect("week");
    (last - chrono::Duration::weeks(11), last)
}

/// The kept figures equal what a rebuild writes, row for row (the rebuild then stands in for
/// them, which changes nothing since they are equal), and the kept period totals equal a
/// fresh build from the rebuilt weekly rows.
pub async fn assert_kept_equal_rebuild(app: &TestApp, after: &str) {
    let (first, last) = period();
    // Built now if it was not (then trivially equal); kept since the last build if it was.
    app::server::db::figures::ensure_period(app.db(), 12, first, last)
        .await
        .expect("period");
    let weeks = app::server::db::figures::all_week_rows(app.db())
        .await
        .expect("weeks");
    let items = app::server::db::figures::all_item_rows(app.db())
        .await
        .expect("items");
    let periods = app::server::db::figures::period_rows(app.db(), 12)
        .await
        .expect("periods");
    app::server::db::figures::rebuild(app.db(), &Default::default())
        .await
        .expect("rebuild");
    assert_eq!(
        app::server::db::figures::all_week_rows(app.db())
            .await
            .expect("weeks"),
        weeks,
        "weekly rows after {after}"
    );
    assert_eq!(
        app::server::db::figures::all_item_rows(app.db())
            .await
            .expect("items"),
        items,
        "failed items after {after}"
    );
    app::server::db::figures::ensure_period(app.db(), 12, first, last)
        .await
        .expect("period");
    assert_eq!(
        app::server::db::figures::period_rows(app.db(), 12)
            .await
            .expect("periods"),
        periods,
        "period totals after {after}"
    );
}

/// How many responses the kept weekly figures hold.
pub async fn counted_in_figures(app: &TestApp) -> i64 {
    app::server::db::figures::all_week_rows(app.db())
        .await
        .expect("weeks")
        .iter()
        .map(|(_, f)| f.responses)
        .sum()
}

/// Release every visit waiting for review, as an admin does in the review queue (shoppers'
/// visits count only once released).
pub async fn release_waiting(app: &TestApp) {
    let admin = app.token("admin").await;
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM responses WHERE status = 'submitted' ORDER BY id")
            .fetch_all(&app.db().pool)
            .await
            .expect("waiting");
    for id in ids {
        let (status, body) = app
            .post_json(
                &format!("/api/v1/responses/{id}/decision"),
                &serde_json::json!({"decision": "release"}),
                &admin,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

pub fn get_with_token(path: &str, token: &str) -> Request<Body> {
    Request::builder()
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request")
}

pub fn get_with_cookie(path: &str, cookie: &str) -> Request<Body> {
    Request::builder()
        .uri(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request")
}

pub fn form_post(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::HOST, "servscope.test")
        .header(header::ORIGIN, "http://servscope.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body.to_string())).expect("request")
}

async fn seed(db: &Db) {
    let org_id = org::create_organisation(db, "Test Retail")
        .await
        .expect("org");
    let north = org::create_region(db, org_id, "North")
        .await
        .expect("region");
    let south = org::create_region(db, org_id, "South")
        .await
        .expect("region");
    let mut stores = std::collections::HashMap::new();
    for (region, code, name) in [
        (north, "N-1", "North One"),
        (north, "N-2", "North Two"),
        (south, "S-1", "South One"),
    ] {
        let id = org::create_store(
            db,
            org::NewStore {
                region_id: region,
                code,
                name,
                address: "1 High Street",
                timezone: "Europe/London",
                phone: "+44 20 7946 0000",
            },
        )
        .await
        .expect("store");
        stores.insert(code, id);
    }
    for (username, role, regions, store_codes) in USERS {
        let id = users::create_user(
            db,
            users::NewUser {
                username,
                display_name: username,
                password_hash: password_hash(),
                role,
            },
            0,
        )
        .await
        .expect("user");
        for r in regions {
            users::grant_region(db, id, if *r == "North" { north } else { south })
                .await
                .expect("grant");
        }
        for s in store_codes {
            users::grant_store(db, id, stores[s]).await.expect("grant");
        }
    }
}

/// Replace the harness's seed with the demo data set (12 stores, weeks of answers from every
/// channel, sent through the real ingest paths); returns the number of responses made.
pub async fn load_demo(app: &TestApp) -> usize {
    // The demo loads only into a database without users.
    for table in [
        "user_stores",
        "user_regions",
        "users",
        "stores",
        "regions",
        "organisations",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&app.db().pool)
            .await
            .expect("clear");
    }
    server::demo::load(app.db(), chrono::Utc::now())
        .await
        .expect("load")
        .expect("loaded")
}

/// Sign in a demo account (after `load_demo`); returns the session cookie.
pub async fn demo_login(app: &TestApp, username: &str) -> String {
    let (status, headers, _) = app
        .send(form_post(
            "/auth/login",
            &format!(
                "username={username}&password={}",
                server::demo::DEMO_PASSWORD
            ),
            None,
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter(|v| v.starts_with("servscope_session="))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A valid customer-pulse submission for a store (channel customer_qr).
pub fn pulse(store: &str, recommend: u8) -> Value {
    let now = chrono::Utc::now();
    serde_json::json!({
        "template": "customer-pulse",
        "template_version": 1,
        "store": store,
        "channel": "customer_qr",
        "started_at": (now - chrono::Duration::minutes(2)).to_rfc3339(),
        "finished_at": now.to_rfc3339(),
        "answers": [
            {"question": "recommend", "value": recommend},
            {"question": "store_tidy", "value": 4},
            {"question": "got_what_promised", "value": 5},
            {"question": "served_promptly", "not_applicable": true},
            {"question": "comment", "value": "Fine."}
        ]
    })
}

/// A complete in-store visit with 25 scored answers, as a shopper would send it.
pub fn visit(store: &str) -> Value {
    let now = chrono::Utc::now();
    let t = app::domain::builtin::builtin_templates()
        .expect("templates")
        .into_iter()
        .find(|t| t.key == "instore-visit")
        .expect("visit");
    let mut answers = Vec::new();
    for (_, q) in t.questions() {
        use app::domain::QuestionType as Q;
        let v = match q.kind {
            Q::YesNo => serde_json::json!(true),
            Q::Scale5 => serde_json::json!(4),
            Q::DurationSeconds => serde_json::json!(20),
            Q::FreeText => serde_json::json!("All good."),
            _ => continue,
        };
        answers.push(serde_json::json!({"question": q.id, "value": v}));
    }
    serde_json::json!({
        "template": "instore-visit", "template_version": 1, "store": store, "channel": "mystery_visit",
        "started_at": (now - chrono::Duration::minutes(20)).to_rfc3339(), "finished_at": now.to_rfc3339(),
        "answers": answers
    })
}

/// A fake JPEG of `len` bytes (right magic bytes, varied content) and its SHA-256.
pub fn fake_jpeg(len: usize, seed: u8) -> (Vec<u8>, String) {
    let mut bytes: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect();
    bytes[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
    let hash = sha256_hex(&bytes);
    (bytes, hash)
}

/// The runtime of one test (what `#[tokio::test(flavor = "multi_thread")]` would make).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("test runtime")
}

/// Tests of one binary run one at a time. Each `#[tokio::test]` has its own runtime, and with
/// several runtimes rendering pages at once in one process, a page render now and then never
/// finished (a lost wake-up somewhere in the SSR stack; seen only with concurrent runtimes, never
/// with one runtime under the same load, which is how the server runs). Held for the whole test.
pub fn one_runtime_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs each test body against a fresh SQLite database and a fresh PostgreSQL database.
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {
        $crate::both_backends!(settings = app::server::state::Settings::default(); $(async fn $name($app: TestApp) $body)*);
    };
    (settings = $settings:expr; $(async fn $name:ident($app:ident: TestApp) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($app: TestApp) $body
            #[test]
            fn on_sqlite() {
                let _one_at_a_time = $crate::common::one_runtime_at_a_time();
                $crate::common::runtime().block_on(async {
                    run(TestApp::with_settings(app::server::db::Backend::Sqlite, $settings).await.expect("sqlite is always available")).await
                })
            }
            #[test]
            fn on_postgres() {
                let _one_at_a_time = $crate::common::one_runtime_at_a_time();
                $crate::common::runtime().block_on(async {
                    if let Some(app) = TestApp::with_settings(app::server::db::Backend::Postgres, $settings).await {
                        run(app).await
                    }
                })
            }
        }
    )*};
}
