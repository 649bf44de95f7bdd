//! Every endpoint that exists returns only what the caller may see. A store outside the
//! caller's scope looks exactly like a store that does not exist.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{get_with_cookie, pulse, TestApp};

async fn one_response_per_store(app: &TestApp) -> (String, String) {
    let admin = app.token("admin").await;
    let n1 = uuid::Uuid::new_v4().to_string();
    let s1 = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        app.put_response(&n1, &pulse("N-1", 9), &admin).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        app.put_response(&s1, &pulse("S-1", 2), &admin).await.0,
        StatusCode::CREATED
    );
    (n1, s1)
}

fn codes(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .expect("list")
        .iter()
        .map(|s| s["code"].as_str().expect("code").to_string())
        .collect()
}

both_backends! {
    async fn a_store_manager_cannot_reach_another_stores_data_through_any_endpoint(app: TestApp) {
        let (own, other) = one_response_per_store(&app).await;
        let token = app.token("manager.n1").await;

        let (_, list) = app.get("/api/v1/stores", &token).await;
        assert_eq!(codes(&list), ["N-1"]);
        assert_eq!(app.get("/api/v1/stores/N-1", &token).await.0, StatusCode::OK);
        assert_eq!(app.get("/api/v1/stores/S-1", &token).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/stores/S-1/responses", &token).await.0, StatusCode::NOT_FOUND);
        let (status, mine) = app.get("/api/v1/stores/N-1/responses", &token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(mine.as_array().map(Vec::len), Some(1));
        assert_eq!(app.get(&format!("/api/v1/responses/{own}"), &token).await.0, StatusCode::OK);
        assert_eq!(app.get(&format!("/api/v1/responses/{other}"), &token).await.0, StatusCode::NOT_FOUND);

        // The page and the server function behind it, with a browser session.
        let cookie = app.login("manager.n1").await;
        let (_, _, page) = app.send(get_with_cookie("/stores", &cookie)).await;
        let page = String::from_utf8(page).expect("utf8");
        assert!(page.contains("North One"));
        assert!(!page.contains("South One"));
        let req = Request::builder().method(Method::POST).uri("/api/stores")
            .header(header::COOKIE, &cookie).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("search=")).expect("req");
        let (status, fn_list) = app.json(req).await;
        assert_eq!(status, StatusCode::OK, "{fn_list}");
        assert_eq!(codes(&fn_list), ["N-1"]);
    }

    async fn a_regional_manager_sees_the_stores_of_their_region_only(app: TestApp) {
        let (own, other) = one_response_per_store(&app).await;
        let token = app.token("regional.north").await;
        assert_eq!(codes(&app.get("/api/v1/stores", &token).await.1), ["N-1", "N-2"]);
        assert_eq!(app.get(&format!("/api/v1/responses/{own}"), &token).await.0, StatusCode::OK);
        assert_eq!(app.get(&format!("/api/v1/responses/{other}"), &token).await.0, StatusCode::NOT_FOUND);
    }

    async fn admins_see_every_store_and_shoppers_none(app: TestApp) {
        let (_, other) = one_response_per_store(&app).await;
        let admin = app.token("admin").await;
        assert_eq!(codes(&app.get("/api/v1/stores", &admin).await.1), ["N-1", "N-2", "S-1"]);
        let shopper = app.token("shopper").await;
        assert!(codes(&app.get("/api/v1/stores", &shopper).await.1).is_empty());
        assert_eq!(app.get(&format!("/api/v1/responses/{other}"), &shopper).await.0, StatusCode::FORBIDDEN, "shoppers read no responses");
    }

    async fn an_employee_sees_their_own_store_only(app: TestApp) {
        let token = app.token("staff.s1").await;
        assert_eq!(codes(&app.get("/api/v1/stores", &token).await.1), ["S-1"]);
        assert_eq!(app.get("/api/v1/stores/N-1", &token).await.0, StatusCode::NOT_FOUND);
    }

    async fn search_narrows_the_visible_stores_without_widening_them(app: TestApp) {
        let token = app.token("regional.north").await;
        assert_eq!(codes(&app.get("/api/v1/stores?q=two", &token).await.1), ["N-2"]);
        assert!(codes(&app.get("/api/v1/stores?q=south", &token).await.1).is_empty());
    }

    async fn anonymous_callers_get_401_from_every_read(app: TestApp) {
        for path in ["/api/v1/stores", "/api/v1/stores/N-1", "/api/v1/templates"] {
            let req = Request::builder().uri(path).body(Body::empty()).expect("req");
            assert_eq!(app.json(req).await.0, StatusCode::UNAUTHORIZED, "{path}");
        }
    }
}

both_backends! {
    async fn a_database_failure_reaches_the_client_only_as_a_generic_message(app: TestApp) {
        let token = app.token("admin").await;
        app.db().pool.close().await;
        let (status, _, body) = app.send(common::get_with_token("/api/v1/stores", &token)).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let text = String::from_utf8(body).expect("utf8").to_lowercase();
        assert!(text.contains("something went wrong on our side"), "{text}");
        for leak in ["pool", "sqlx", "sqlite", "postgres", "select", "closed"] {
            assert!(!text.contains(leak), "{leak} leaked: {text}");
        }
    }
}
