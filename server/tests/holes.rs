//! The holes found by trying the product as each role with plain HTTP requests, each closed
//! and kept closed: who may move a store's figures, who may read what, redirects, limits,
//! headers, photos, exports, built-in templates and accounts. Against real SQLite and
//! PostgreSQL.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use common::{fake_jpeg, form_post, get_with_cookie, visit, TestApp, PASSWORD};
use serde_json::json;

use app::server::state::Settings;

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A request from the network address 198.51.100.`ip`.
fn from_address(ip: u8, mut req: Request<Body>) -> Request<Body> {
    req.extensions_mut().insert(ConnectInfo(SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(198, 51, 100, ip)),
        40000,
    )));
    req
}

fn location(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_string()
}

both_backends! {
    async fn a_shopper_sends_visits_only_for_an_open_assignment_of_theirs_inside_its_window(app: TestApp) {
        let shopper = app.token("shopper").await;
        // No assignment: a visit to another store (with its critical item failed) is refused.
        let mut failed = visit("S-1");
        for a in failed["answers"].as_array_mut().expect("answers") {
            if a["question"] == "courteous" { a["value"] = json!(false); }
        }
        let (status, body) = app.put_response(&new_id(), &failed, &shopper).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"][0]["field"], "assignment");
        // Dated 2021, for an assignment of this week: refused, with the window named.
        let mut old = app.assigned_visit("N-1").await;
        old["started_at"] = json!("2021-03-01T10:00:00Z");
        old["finished_at"] = json!("2021-03-01T10:20:00Z");
        let (status, body) = app.put_response(&new_id(), &old, &shopper).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("outside the assignment's window"), "{body}");
        // Finished tomorrow (a phone clock far ahead): refused.
        let mut future = app.assigned_visit("N-1").await;
        let tomorrow = chrono::Utc::now() + chrono::Duration::hours(20);
        future["started_at"] = json!((tomorrow - chrono::Duration::minutes(10)).to_rfc3339());
        future["finished_at"] = json!(tomorrow.to_rfc3339());
        assert_eq!(app.put_response(&new_id(), &future, &shopper).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        // Another shopper's assignment: refused.
        let mut theirs = visit("N-1");
        theirs["assignment"] = json!(app.assignment_for("shopper", "N-1", "instore-visit").await);
        let other = app.token("admin").await;
        sqlx::query("UPDATE assignments SET shopper_id = (SELECT id FROM users WHERE username = 'admin') WHERE id = $1")
            .bind(theirs["assignment"].as_i64().expect("id")).execute(&app.db().pool).await.expect("reassign");
        assert_eq!(app.put_response(&new_id(), &theirs, &shopper).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("SELECT COUNT(*) FROM responses").await, 0, "nothing stored half-way");
        assert_eq!(app.count("SELECT COUNT(*) FROM store_week_figures").await, 0, "no figure moved");
        // The admin importing history keeps the plain path.
        let mut history = visit("S-1");
        history["started_at"] = json!("2021-03-01T10:00:00Z");
        history["finished_at"] = json!("2021-03-01T10:20:00Z");
        assert_eq!(app.put_response(&new_id(), &history, &other).await.0, StatusCode::CREATED);
        // And the shopper's own visit in its window is stored, waiting for review.
        let (status, receipt) = app.put_response(&new_id(), &app.assigned_visit("N-1").await, &shopper).await;
        assert_eq!((status, receipt["status"].as_str()), (StatusCode::CREATED, Some("submitted")));
    }

    async fn employees_read_no_raw_responses_photos_or_mystery_checklists(app: TestApp) {
        let admin = app.token("admin").await;
        let (bytes, hash) = fake_jpeg(3_000, 7);
        let path = format!("/api/v1/photos/{hash}/upload?offset=0&size={}", bytes.len());
        assert_eq!(app.put_bytes(&path, bytes, "image/jpeg", &admin).await.0, StatusCode::OK);
        let mut body = visit("N-1");
        body["answers"].as_array_mut().expect("answers").push(json!({"question": "receipt_photo", "value": hash}));
        let id = new_id();
        assert_eq!(app.put_response(&id, &body, &admin).await.0, StatusCode::CREATED);
        let staff = app.token("staff.n1").await;
        assert_eq!(app.get("/api/v1/stores/N-1/responses", &staff).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&format!("/api/v1/responses/{id}"), &staff).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&format!("/api/v1/photos/{hash}"), &staff).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/templates/instore-visit/versions/1", &staff).await.0, StatusCode::NOT_FOUND);
        let (_, list) = app.get("/api/v1/templates", &staff).await;
        let keys: Vec<&str> = list.as_array().expect("list").iter().filter_map(|t| t["key"].as_str()).collect();
        assert_eq!(keys, ["employee-self"], "only their own questions");
        assert_eq!(app.get("/api/v1/templates/employee-self/versions/1", &staff).await.0, StatusCode::OK);
        let cookie = app.login("staff.n1").await;
        for page in ["/stores/N-1/customers", "/stores/N-1/scorecard", "/export/responses.csv"] {
            let (status, _, _) = app.send(get_with_cookie(page, &cookie)).await;
            assert!(matches!(status.as_u16(), 403 | 404), "{page}: {status}");
        }
        // The released visit's report is the team's copy: what was found, but not the photo
        // (a photo may show who made the visit, or a colleague).
        let (status, _, page) = app.send(get_with_cookie(&format!("/responses/{id}"), &cookie)).await;
        let page = String::from_utf8_lossy(&page);
        assert_eq!(status, StatusCode::OK);
        assert!(!page.contains(&hash), "no photo on the team's copy");
        // The store's manager still reads all of it.
        let manager = app.token("manager.n1").await;
        assert_eq!(app.get(&format!("/api/v1/photos/{hash}"), &manager).await.0, StatusCode::OK);
    }

    async fn redirects_after_sign_in_and_language_switch_stay_on_the_site(app: TestApp) {
        for (next, expected) in [
            ("/%09/example.com", "/"), ("/%0d%0aSet-Cookie:%20x=1", "/"), ("/%00", "/"),
            ("%5C%5Cexample.com", "/"), ("/%5Cexample.com", "/"), ("//example.com", "/"),
            ("/stores?q=%E4%B8%8A", "/stores?q=%E4%B8%8A"), ("/league", "/league"),
        ] {
            let (status, headers, _) = app.send(Request::builder().uri(format!("/lang?to=en&next={next}")).body(Body::empty()).expect("req")).await;
            // %00 never reaches the handler: a query string with NUL is bad input.
            if next == "/%00" {
                assert_eq!(status, StatusCode::BAD_REQUEST);
                continue;
            }
            assert_eq!((status, location(&headers).as_str()), (StatusCode::SEE_OTHER, expected), "next={next}");
        }
        let (_, headers, _) = app.send(form_post("/auth/login", &format!("username=admin&password={PASSWORD}&next=/%09/example.com"), None)).await;
        assert_eq!(location(&headers), "/stores", "where a manager starts, not off the site");
    }

    async fn pages_and_api_reads_carry_a_policy_and_are_never_cached_for_someone_else(app: TestApp) {
        let cookie = app.login("manager.n1").await;
        let (status, headers, body) = app.send(get_with_cookie("/stores", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii").to_string();
        let nonce = csp.split("'nonce-").nth(1).and_then(|n| n.split('\'').next()).expect("a nonce in the policy");
        let page = String::from_utf8(body).expect("utf8");
        assert!(page.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the policy's nonce");
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "a signed-in page");
        let token = app.token("manager.n1").await;
        let (_, headers, _) = app.send(common::get_with_token("/api/v1/stores", &token)).await;
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "an API read");
        assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii").starts_with("default-src 'none'"));
        assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY), "plain HTTP: no HSTS");
        // Another render, another nonce.
        let (_, again, _) = app.send(get_with_cookie("/stores", &cookie)).await;
        assert_ne!(again[header::CONTENT_SECURITY_POLICY], headers_csp(&csp));
    }

    async fn a_complete_photo_upload_is_joined_and_a_visit_is_never_refused_for_it(app: TestApp) {
        let shopper = app.token("shopper").await;
        let (bytes, hash) = fake_jpeg(50_000, 11);
        // An older server stored every chunk but never joined them (a crash in between).
        for (i, chunk) in bytes.chunks(20_000).enumerate() {
            sqlx::query("INSERT INTO photo_chunks (sha256, uploaded_by, total_size, content_type, offset_bytes, bytes, received_at)
                         VALUES ($1, (SELECT id FROM users WHERE username = 'shopper'), $2, 'image/jpeg', $3, $4, $5)")
                .bind(&hash).bind(bytes.len() as i64).bind((i * 20_000) as i64).bind(chunk).bind(app::server::now_ms())
                .execute(&app.db().pool).await.expect("chunk");
        }
        let mut body = app.assigned_visit("N-1").await;
        body["answers"].as_array_mut().expect("answers").push(json!({"question": "receipt_photo", "value": hash}));
        let (status, receipt) = app.put_response(&new_id(), &body, &shopper).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        assert_eq!(app.count("SELECT COUNT(*) FROM photos").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM photo_chunks").await, 0);
        // The status request joins one too.
        let (bytes, hash) = fake_jpeg(30_000, 12);
        let half = bytes.len() / 2;
        let first = format!("/api/v1/photos/{hash}/upload?offset=0&size={}", bytes.len());
        assert_eq!(app.put_bytes(&first, bytes[..half].to_vec(), "image/jpeg", &shopper).await.0, StatusCode::OK);
        sqlx::query("INSERT INTO photo_chunks (sha256, uploaded_by, total_size, content_type, offset_bytes, bytes, received_at)
                     VALUES ($1, (SELECT id FROM users WHERE username = 'shopper'), $2, 'image/jpeg', $3, $4, $5)")
            .bind(&hash).bind(bytes.len() as i64).bind(half as i64).bind(&bytes[half..]).bind(app::server::now_ms())
            .execute(&app.db().pool).await.expect("chunk");
        let (status, state) = app.get(&format!("/api/v1/photos/{hash}/upload"), &shopper).await;
        assert_eq!((status, state["complete"].as_bool()), (StatusCode::OK, Some(true)), "{state}");
    }

    async fn abandoned_uploads_and_photos_no_response_shows_are_cleaned_up(app: TestApp) {
        let shopper = app.token("shopper").await;
        let (shown, shown_hash) = fake_jpeg(4_000, 21);
        let (unused, _) = fake_jpeg(4_000, 22);
        let (partial, partial_hash) = fake_jpeg(4_000, 23);
        for (bytes, hash) in [(shown, shown_hash.clone()), (unused.clone(), app::server::auth::sha256_hex(&unused))] {
            let path = format!("/api/v1/photos/{hash}/upload?offset=0&size={}", bytes.len());
            assert_eq!(app.put_bytes(&path, bytes, "image/jpeg", &shopper).await.0, StatusCode::OK);
        }
        let path = format!("/api/v1/photos/{partial_hash}/upload?offset=0&size={}", partial.len());
        assert_eq!(app.put_bytes(&path, partial[..1000].to_vec(), "image/jpeg", &shopper).await.0, StatusCode::OK);
        let mut body = app.assigned_visit("N-1").await;
        body["answers"].as_array_mut().expect("answers").push(json!({"question": "receipt_photo", "value": shown_hash}));
        assert_eq!(app.put_response(&new_id(), &body, &shopper).await.0, StatusCode::CREATED);
        // Nothing is old enough yet.
        let now = app::server::now_ms();
        assert_eq!(app::server::db::photos::clean(app.db(), now - 3_600_000).await.expect("clean"), (0, 0));
        // A week later: the partial upload and the photo nobody used go, the visit's photo stays.
        assert_eq!(app::server::db::photos::clean(app.db(), now + 1).await.expect("clean"), (1, 1));
        assert_eq!(app.count("SELECT COUNT(*) FROM photos").await, 1);
        let manager = app.token("manager.n1").await;
        assert_eq!(app.get(&format!("/api/v1/photos/{shown_hash}"), &manager).await.0, StatusCode::OK);
    }

    async fn a_dead_database_makes_the_health_check_fail(app: TestApp) {
        let (status, _, _) = app.send(Request::builder().uri("/healthz").body(Body::empty()).expect("req")).await;
        assert_eq!(status, StatusCode::OK);
        app.db().pool.close().await;
        let (status, _, body) = app.send(Request::builder().uri("/healthz").body(Body::empty()).expect("req")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(String::from_utf8_lossy(&body), "database unreachable");
    }

    async fn exports_beyond_the_running_ones_wait_their_turn(app: TestApp) {
        let cookie = app.login("manager.n1").await;
        let slots = app.state.exports.clone();
        let held = slots.clone().try_acquire_many_owned(app::server::state::CONCURRENT_EXPORTS as u32).expect("all slots");
        let (status, headers, _) = app.send(get_with_cookie("/export/responses.csv", &cookie)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(headers[header::RETRY_AFTER], "30");
        drop(held);
        let (status, _, body) = app.send(get_with_cookie("/export/responses.csv", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(String::from_utf8_lossy(&body).starts_with("response_id,"));
        assert_eq!(slots.available_permits(), app::server::state::CONCURRENT_EXPORTS, "the slot is given back");
    }

    async fn a_built_in_template_is_never_published_over_an_admins_newer_version(app: TestApp) {
        let templates = app::domain::builtin::builtin_templates().expect("built-ins");
        let mut mine = templates.iter().find(|t| t.key == "instore-visit").expect("visit").clone();
        mine.sections.truncate(1);
        let out = app::server::db::templates::import_template(app.db(), &mine, 1).await.expect("import");
        assert_eq!((out.version, out.published), (2, true));
        // Starting the server again (the built-in unchanged) publishes nothing over it.
        server::demo::publish_builtin_templates(app.db()).await.expect("start");
        assert_eq!(app::server::db::templates::latest_version_number(app.db(), "instore-visit").await.expect("db"), Some(2));
        // A built-in that changed since it was published is not published over it either.
        sqlx::query("UPDATE builtin_templates SET checksum = 'an older built-in' WHERE template_key = 'instore-visit'")
            .execute(&app.db().pool).await.expect("older");
        server::demo::publish_builtin_templates(app.db()).await.expect("start");
        assert_eq!(app::server::db::templates::latest_version_number(app.db(), "instore-visit").await.expect("db"), Some(2));
        // But one nobody imported over is: the phone-call checklist gets the changed built-in.
        let before = app::server::db::templates::latest_version_number(app.db(), "phone-call").await.expect("db");
        let v1 = sqlx::query_scalar::<_, String>("SELECT v.checksum FROM template_versions v JOIN templates t ON t.id = v.template_id WHERE t.template_key = 'phone-call'")
            .fetch_one(&app.db().pool).await.expect("checksum");
        sqlx::query("UPDATE template_versions SET checksum = 'old' WHERE checksum = $1").bind(&v1).execute(&app.db().pool).await.expect("older");
        sqlx::query("UPDATE builtin_templates SET checksum = 'old' WHERE template_key = 'phone-call'").execute(&app.db().pool).await.expect("older");
        server::demo::publish_builtin_templates(app.db()).await.expect("start");
        assert_eq!(app::server::db::templates::latest_version_number(app.db(), "phone-call").await.expect("db"), before.map(|v| v + 1));
    }

    async fn deactivating_a_user_ends_their_sessions_and_tokens_and_a_new_password_ends_the_rest(app: TestApp) {
        let cookie = app.login("manager.n1").await;
        let token = app.token("manager.n1").await;
        assert_eq!(app.get("/api/v1/stores", &token).await.0, StatusCode::OK);
        assert!(app::server::db::users::set_active(app.db(), "manager.n1", false, app::server::now_ms()).await.expect("db"));
        assert_eq!(app.get("/api/v1/stores", &token).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.send(get_with_cookie("/stores", &cookie)).await.0, StatusCode::UNAUTHORIZED);
        let (_, headers, _) = app.send(form_post("/auth/login", &format!("username=manager.n1&password={PASSWORD}"), None)).await;
        assert!(location(&headers).starts_with("/login?error=invalid"), "cannot sign in");
        assert!(app::server::db::users::set_active(app.db(), "manager.n1", true, 0).await.expect("db"));
        assert_eq!(app.get("/api/v1/stores", &token).await.0, StatusCode::UNAUTHORIZED, "tokens stay revoked");
        // A password change ends every session but the one kept.
        let first = app.login("manager.n1").await;
        let second = app.login("manager.n1").await;
        let keep = app::server::auth::sha256_hex(second.split_once('=').expect("cookie").1.as_bytes());
        let hash = app::server::auth::hash_password("a-new-password-42").expect("hash");
        assert!(app::server::db::users::set_password(app.db(), "manager.n1", hash, Some(&keep)).await.expect("db"));
        assert_eq!(app.send(get_with_cookie("/stores", &first)).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.send(get_with_cookie("/stores", &second)).await.0, StatusCode::OK);
        assert!(!app::server::db::users::set_active(app.db(), "nobody", false, 0).await.expect("db"));
    }

    async fn an_expired_api_token_stops_working(app: TestApp) {
        let token = app::server::auth::new_api_token();
        let now = app::server::now_ms();
        app::server::db::tokens::create_expiring_token(app.db(), 1, "short", (&token, &app::server::auth::sha256_hex(token.as_bytes())), now, (Some(now + 60_000), app::server::auth::TokenScope::Admin))
            .await.expect("token");
        assert_eq!(app.get("/api/v1/stores", &token).await.0, StatusCode::OK);
        sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE name = 'short'").bind(now - 1).execute(&app.db().pool).await.expect("expire");
        assert_eq!(app.get("/api/v1/stores", &token).await.0, StatusCode::UNAUTHORIZED);
    }

    async fn a_broken_assignment_form_is_refused_by_role_before_it_is_read(app: TestApp) {
        // Fields missing or a date that is not one: whoever may not plan visits gets 403
        // (not a parse error that tells them about the form), a planner gets the form back
        // with a message, and nothing is stored.
        for body in ["", "&store=S-1", "&store=S-1&template=instore-visit&shopper=shopper&window_start=soon&window_end=later"] {
            for who in ["shopper", "staff.n1", "manager.n1"] {
                let cookie = app.login(who).await;
                let csrf = app.csrf_of(&cookie).await;
                let (status, _, _) = app.send(form_post("/assign", &format!("csrf={csrf}{body}"), Some(&cookie))).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{who} {body:?}");
            }
            let cookie = app.login("regional.north").await;
            let csrf = app.csrf_of(&cookie).await;
            let (status, headers, _) = app.send(form_post("/assign", &format!("csrf={csrf}{body}"), Some(&cookie))).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{body:?}");
            assert!(location(&headers).starts_with("/assign?error="), "{body:?}: {}", location(&headers));
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM assignments").await, 0);
    }
}

/// The header value a policy string makes, to compare with another render's.
fn headers_csp(csp: &str) -> axum::http::HeaderValue {
    axum::http::HeaderValue::from_str(csp).expect("header")
}

#[tokio::test]
#[allow(clippy::await_holding_lock)] // one test at a time on purpose: common::one_runtime_at_a_time
async fn wrong_passwords_from_one_address_do_not_lock_the_user_out_at_another() {
    let _one_at_a_time = common::one_runtime_at_a_time();
    let settings = Settings {
        login_attempts_per_minute: 3,
        ..Settings::default()
    };
    let app = TestApp::with_settings(app::server::db::Backend::Sqlite, settings)
        .await
        .expect("sqlite");
    for _ in 0..12 {
        let (_, headers, _) = app
            .send(from_address(
                66,
                form_post("/auth/login", "username=admin&password=wrong-wrong", None),
            ))
            .await;
        assert!(location(&headers).starts_with("/login?error="));
    }
    let (_, headers, _) = app
        .send(from_address(
            66,
            form_post(
                "/auth/login",
                &format!("username=admin&password={PASSWORD}"),
                None,
            ),
        ))
        .await;
    assert!(
        location(&headers).starts_with("/login?error=rate"),
        "the guessing address waits"
    );
    let (_, headers, _) = app
        .send(from_address(
            7,
            form_post(
                "/auth/login",
                &format!("username=admin&password={PASSWORD}"),
                None,
            ),
        ))
        .await;
    assert!(
        headers.contains_key(header::SET_COOKIE),
        "the real admin signs in from their own address: {}",
        location(&headers)
    );
}

#[tokio::test]
#[allow(clippy::await_holding_lock)]
async fn behind_a_trusted_proxy_limits_count_the_client_not_the_proxy() {
    let _one_at_a_time = common::one_runtime_at_a_time();
    let settings = Settings {
        login_attempts_per_minute: 3,
        trusted_proxies: vec!["198.51.100.1/32".parse().expect("net")],
        ..Settings::default()
    };
    let app = TestApp::with_settings(app::server::db::Backend::Sqlite, settings)
        .await
        .expect("sqlite");
    let via_proxy = |client: &str, password: &str| {
        let mut req = form_post(
            "/auth/login",
            &format!("username=admin&password={password}"),
            None,
        );
        req.headers_mut()
            .insert("x-forwarded-for", client.parse().expect("xff"));
        from_address(1, req)
    };
    for _ in 0..20 {
        app.send(via_proxy("203.0.113.5", "wrong-wrong")).await;
    }
    let (_, headers, _) = app.send(via_proxy("203.0.113.5", PASSWORD)).await;
    assert!(location(&headers).starts_with("/login?error=rate"));
    let (_, headers, _) = app.send(via_proxy("203.0.113.77", PASSWORD)).await;
    assert!(
        headers.contains_key(header::SET_COOKIE),
        "another client behind the same proxy signs in"
    );
    // Without the proxy trusted, the header is ignored: a client cannot pick its address.
    let (_, headers, _) = app
        .send({
            let mut req = form_post(
                "/auth/login",
                &format!("username=admin&password={PASSWORD}"),
                None,
            );
            req.headers_mut()
                .insert("x-forwarded-for", "203.0.113.78".parse().expect("xff"));
            from_address(66, req)
        })
        .await;
    assert!(headers.contains_key(header::SET_COOKIE));
    let _ = Method::GET;
}

#[test]
fn limiter_keys_are_cut_so_long_usernames_cannot_grow_memory() {
    let long = "a".repeat(100_000);
    assert_eq!(
        app::server::state::limit_key(&long).len(),
        app::server::state::MAX_KEY_CHARS
    );
    let limits = app::server::state::Limits::new(&Settings::default());
    for i in 0..1000 {
        let _ = limits.login_by_user.check_key(&(
            app::server::state::limit_key(&format!("{long}{i}")),
            IpAddr::V4(Ipv4Addr::LOCALHOST),
        ));
    }
    assert_eq!(
        limits.keys(),
        1,
        "a thousand long names that differ after the cut are one key"
    );
    limits.trim();
}

#[tokio::test]
#[allow(clippy::await_holding_lock)]
async fn two_servers_starting_together_on_one_database_both_start() {
    let _one_at_a_time = common::one_runtime_at_a_time();
    for backend in [
        app::server::db::Backend::Sqlite,
        app::server::db::Backend::Postgres,
    ] {
        let Some(url) = common::fresh_database_url(backend).await else {
            continue;
        };
        // Migrations and the built-in templates, twice at once, as two processes would.
        let (a, b) = tokio::join!(server::open_database(&url), server::open_database(&url));
        let (a, b) = (
            a.expect("first server starts"),
            b.expect("second server starts"),
        );
        let published: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM template_versions")
            .fetch_one(&a.pool)
            .await
            .expect("count");
        let builtins = app::domain::builtin::builtin_templates()
            .expect("built-ins")
            .len() as i64;
        assert_eq!(
            published, builtins,
            "each built-in published once ({backend:?})"
        );
        drop(b);
    }
}
