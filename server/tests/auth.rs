//! Sign-in, sessions, CSRF, rate limiting and API tokens.

mod common;

use axum::http::{header, StatusCode};
use common::{form_post, get_with_cookie, TestApp, PASSWORD};

use app::server::state::Settings;

fn location(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

both_backends! {
    async fn signing_in_sets_a_hardened_session_cookie_and_signing_out_ends_it(app: TestApp) {
        let (status, headers, _) = app.send(form_post("/auth/login", &format!("username=manager.n1&password={PASSWORD}&next=/stores"), None)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location(&headers), "/stores");
        let set = headers.get(header::SET_COOKIE).expect("cookie").to_str().expect("ascii").to_string();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
        assert!(!set.contains("Secure"), "plain-HTTP development set-up");
        let cookie = set.split(';').next().expect("pair").to_string();
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);

        // The page knows who is signed in and carries the CSRF token in the sign-out form.
        let (_, _, page) = app.send(get_with_cookie("/", &cookie)).await;
        let page = String::from_utf8(page).expect("utf8");
        assert!(page.contains("manager.n1"));
        let csrf: String = {
            let (_, rest) = page.split_once("name=\"csrf\" value=\"").expect("csrf field");
            rest.chars().take_while(|c| *c != '"').collect()
        };

        // Without the token the sign-out is refused; with it the session is gone.
        let (status, _, _) = app.send(form_post("/auth/logout", "csrf=wrong", Some(&cookie))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, headers, _) = app.send(form_post("/auth/logout", &format!("csrf={csrf}"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location(&headers), "/login?signed_out=1");
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
        let (_, _, page) = app.send(get_with_cookie("/stores", &cookie)).await;
        assert!(String::from_utf8(page).expect("utf8").contains("Please sign in"));
    }

    async fn a_wrong_password_or_unknown_user_is_refused_the_same_way(app: TestApp) {
        for body in ["username=manager.n1&password=nope-nope-nope", "username=nobody&password=nope-nope-nope"] {
            let (status, headers, _) = app.send(form_post("/auth/login", body, None)).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
            assert!(location(&headers).starts_with("/login?error=invalid"));
            assert!(headers.get(header::SET_COOKIE).is_none());
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
        // The form comes back with the username kept (never the password), and says nothing
        // of demo accounts outside demo mode.
        let (_, headers, _) = app.send(form_post("/auth/login", "username=Manager.N1&password=nope-nope-nope", None)).await;
        let back = location(&headers);
        assert!(back.contains("username=Manager.N1") && !back.contains("nope"), "{back}");
        let (_, _, page) = app.send(axum::http::Request::builder().uri(back.as_str()).body(axum::body::Body::empty()).expect("request")).await;
        let page = String::from_utf8(page).expect("utf8");
        assert!(page.contains(r#"value="Manager.N1""#), "username kept in the form");
        assert!(page.contains("Forgot your password?"));
        assert!(!page.contains("demo accounts"), "not in demo mode");
    }

    async fn a_sign_in_posted_from_another_site_is_refused(app: TestApp) {
        let mut req = form_post("/auth/login", &format!("username=admin&password={PASSWORD}"), None);
        req.headers_mut().insert(header::ORIGIN, "https://evil.example".parse().expect("origin"));
        let (_, headers, _) = app.send(req).await;
        assert!(location(&headers).starts_with("/login?error=origin"));
        assert!(headers.get(header::SET_COOKIE).is_none());
    }

    async fn sign_in_only_follows_local_next_paths(app: TestApp) {
        let (_, headers, _) = app.send(form_post("/auth/login", &format!("username=admin&password={PASSWORD}&next=//evil.example/"), None)).await;
        assert_eq!(location(&headers), "/stores");
    }

    async fn without_a_page_to_return_to_shoppers_start_at_their_visits(app: TestApp) {
        let (_, headers, _) = app.send(form_post("/auth/login", &format!("username=shopper&password={PASSWORD}&next="), None)).await;
        assert_eq!(location(&headers), "/shopper");
        let (_, headers, _) = app.send(form_post("/auth/login", &format!("username=manager.n1&password={PASSWORD}"), None)).await;
        assert_eq!(location(&headers), "/stores");
        let (_, headers, _) = app.send(form_post("/auth/login", &format!("username=shopper&password={PASSWORD}&next=/stores"), None)).await;
        assert_eq!(location(&headers), "/stores", "an explicit page wins");
    }

    async fn api_tokens_are_created_in_the_admin_page_shown_once_and_revocable(app: TestApp) {
        let cookie = app.login("admin").await;
        let (_, _, page) = app.send(get_with_cookie("/admin/tokens", &cookie)).await;
        let page = String::from_utf8(page).expect("utf8");
        let csrf: String = page.split_once("name=\"csrf\" value=\"").expect("csrf").1.chars().take_while(|c| *c != '"').collect();

        let (status, headers, _) = app.send(form_post("/admin/tokens", &format!("csrf={csrf}&name=Till+export"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let flash = headers.get(header::SET_COOKIE).expect("flash").to_str().expect("ascii").split(';').next().expect("pair").to_string();
        let token = flash.split_once('=').expect("kv").1.to_string();
        assert!(token.starts_with("sst_"));

        let (_, headers, page) = app.send(get_with_cookie("/admin/tokens", &format!("{cookie}; {flash}"))).await;
        assert!(String::from_utf8(page).expect("utf8").contains(&token), "shown once");
        assert!(headers.get_all(header::SET_COOKIE).iter().any(|v| v.to_str().unwrap_or("").contains("Max-Age=0")), "then forgotten");
        // Even if the browser sends the cookie again (a reload racing the clearing response),
        // the token is not shown a second time.
        let (_, _, page) = app.send(get_with_cookie("/admin/tokens", &format!("{cookie}; {flash}"))).await;
        let page = String::from_utf8(page).expect("utf8");
        assert!(page.contains("Till export") && !page.contains(&token), "never shown again");

        assert_eq!(app.get("/api/v1/stores", &token).await.0, StatusCode::OK);
        let id: i64 = {
            use sqlx::Row;
            sqlx::query("SELECT id FROM api_tokens WHERE name = 'Till export'").fetch_one(&app.db().pool).await.expect("row").try_get(0).expect("id")
        };
        let (status, _, _) = app.send(form_post(&format!("/admin/tokens/{id}/revoke"), &format!("csrf={csrf}"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(app.get("/api/v1/stores", &token).await.0, StatusCode::UNAUTHORIZED);
    }

    async fn only_admins_manage_tokens(app: TestApp) {
        let cookie = app.login("manager.n1").await;
        let (_, _, page) = app.send(get_with_cookie("/admin/tokens", &cookie)).await;
        let page = String::from_utf8(page).expect("utf8");
        assert!(page.contains("Only administrators"));
        let csrf: String = page.split_once("name=\"csrf\" value=\"").expect("csrf").1.chars().take_while(|c| *c != '"').collect();
        let (status, _, _) = app.send(form_post("/admin/tokens", &format!("csrf={csrf}&name=x"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 0);
    }
}

#[tokio::test]
#[allow(clippy::await_holding_lock)] // one test at a time on purpose: common::one_runtime_at_a_time
async fn sign_in_attempts_are_rate_limited_per_username() {
    let _one_at_a_time = common::one_runtime_at_a_time();
    let settings = Settings {
        secure_cookies: true,
        login_attempts_per_minute: 3,
        ..Settings::default()
    };
    let app = TestApp::with_settings(app::server::db::Backend::Sqlite, settings)
        .await
        .expect("sqlite");
    for _ in 0..3 {
        let (_, headers, _) = app
            .send(form_post(
                "/auth/login",
                "username=admin&password=wrong-wrong",
                None,
            ))
            .await;
        assert!(location(&headers).starts_with("/login?error=invalid"));
    }
    // Even the right password is refused until the minute has passed.
    let (_, headers, _) = app
        .send(form_post(
            "/auth/login",
            &format!("username=admin&password={PASSWORD}"),
            None,
        ))
        .await;
    assert!(
        location(&headers).starts_with("/login?error=rate"),
        "{:?}",
        location(&headers)
    );
    // Another user on the same address is not blocked yet.
    let (_, headers, _) = app
        .send(form_post(
            "/auth/login",
            &format!("username=manager.n1&password={PASSWORD}"),
            None,
        ))
        .await;
    let set = headers
        .get(header::SET_COOKIE)
        .expect("cookie")
        .to_str()
        .expect("ascii");
    assert!(
        set.contains("Secure"),
        "secure cookies when configured: {set}"
    );
}

#[tokio::test]
#[allow(clippy::await_holding_lock)] // one test at a time on purpose: common::one_runtime_at_a_time
async fn in_demo_mode_the_sign_in_page_says_where_the_demo_accounts_are() {
    let _one_at_a_time = common::one_runtime_at_a_time();
    let settings = Settings {
        demo: true,
        ..Settings::default()
    };
    let app = TestApp::with_settings(app::server::db::Backend::Sqlite, settings)
        .await
        .expect("sqlite");
    let (_, _, page) = app
        .send(
            axum::http::Request::builder()
                .uri("/login")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert!(String::from_utf8(page)
        .expect("utf8")
        .contains("demo accounts are printed in the terminal"));
}
