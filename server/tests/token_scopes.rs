//! API tokens do only what their scope allows (read, submit, admin), whatever more their owner
//! may, and stop at their expiry. Made on the tokens page or the command line. Both databases.

mod common;

use axum::http::{header, StatusCode};
use common::{form_post, get_with_cookie, pulse, TestApp};
use serde_json::json;

use app::server::auth::{new_api_token, sha256_hex, TokenScope};

async fn token(app: &TestApp, user_id: i64, scope: TokenScope, expires_at: Option<i64>) -> String {
    let token = new_api_token();
    app::server::db::tokens::create_expiring_token(
        app.db(),
        user_id,
        scope.as_str(),
        (&token, &sha256_hex(token.as_bytes())),
        app::server::now_ms(),
        (expires_at, scope),
    )
    .await
    .expect("token");
    token
}

both_backends! {
    async fn a_token_does_only_what_its_scope_allows(app: TestApp) {
        // User 1 is the admin: the owner may do everything, the token less.
        let read = token(&app, 1, TokenScope::Read, None).await;
        let submit = token(&app, 1, TokenScope::Submit, None).await;
        let admin = token(&app, 1, TokenScope::Admin, None).await;
        for t in [&read, &submit, &admin] {
            let (status, _) = app.get("/api/v1/stores", t).await;
            assert_eq!(status, StatusCode::OK);
        }
        let id = || uuid::Uuid::new_v4().to_string();
        let (status, _) = app.put_response(&id(), &pulse("N-1", 9), &read).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a read token sends nothing");
        let (status, receipt) = app.put_response(&id(), &pulse("N-1", 9), &submit).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        for t in [&read, &submit] {
            let (status, _) = app.post_json("/api/v1/regions", &json!({"name": "East"}), t).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        let (status, _) = app.post_json("/api/v1/regions", &json!({"name": "East"}), &admin).await;
        assert_eq!(status, StatusCode::CREATED);

        let expired = token(&app, 1, TokenScope::Admin, Some(app::server::now_ms() - 1)).await;
        let (status, _) = app.get("/api/v1/stores", &expired).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    async fn the_tokens_page_makes_tokens_with_a_scope_and_an_expiry(app: TestApp) {
        let cookie = app.login("admin").await;
        let csrf = app.csrf_of(&cookie).await;
        for (extra, error) in [("&scope=root", "scope"), ("&expires_days=0", "expires"), ("&expires_days=x", "expires")] {
            let (_, headers, _) = app.send(form_post("/admin/tokens", &format!("csrf={csrf}&name=till{extra}"), Some(&cookie))).await;
            assert_eq!(headers[header::LOCATION], format!("/admin/tokens?error={error}").as_str());
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 0);
        let (_, headers, _) = app.send(form_post("/admin/tokens", &format!("csrf={csrf}&name=till&scope=submit&expires_days=30"), Some(&cookie))).await;
        assert_eq!(headers[header::LOCATION], "/admin/tokens");
        let (_, _, page) = app.send(get_with_cookie("/admin/tokens", &cookie)).await;
        let page = String::from_utf8_lossy(&page).to_string();
        assert!(page.contains("Read and send responses") && page.contains("until "), "scope and expiry listed");
        // Left to the default, a new token only reads.
        let (_, _, _) = app.send(form_post("/admin/tokens", &format!("csrf={csrf}&name=report"), Some(&cookie))).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens WHERE scope = 'read' AND expires_at IS NULL").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens WHERE scope = 'submit' AND expires_at IS NOT NULL").await, 1);
    }
}
