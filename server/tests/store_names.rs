//! A store may carry its name in each interface language: customers, shoppers and managers
//! read it in theirs, and the default name stays for the rest. Real SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::{get_with_cookie, TestApp};

use app::server::db::{org, survey_links};

/// A page's HTML as a signed-in user reads it.
async fn page(app: &TestApp, path: &str, cookie: &str) -> String {
    let (status, _, body) = app.send(get_with_cookie(path, cookie)).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    String::from_utf8(body).expect("utf8")
}

both_backends! {
    async fn each_reader_sees_the_stores_name_in_their_language(app: TestApp) {
        common::load_demo(&app).await;
        let manager = common::demo_login(&app, "manager.sh001").await;
        let chinese = page(&app, "/stores/SH-001/scorecard?lang=zh-CN", &manager).await;
        assert!(chinese.contains("<h1>评分卡 · 南京路店</h1>"), "{}", &chinese[chinese.find("<h1>").unwrap_or(0)..][..80]);
        assert!(page(&app, "/stores/SH-001/scorecard?lang=en", &manager).await.contains("<h1>Scorecard · Nanjing Road</h1>"));
        assert!(page(&app, "/stores?lang=ru", &manager).await.contains("<h2>Нанкинская улица</h2>"));

        // The customer survey and its poster follow the survey's language.
        let store = org::store_by_code(app.db(), "SH-001").await.expect("db").expect("store");
        let key = survey_links::current_key(app.db(), store.id, app::server::now_ms()).await.expect("key");
        let (_, _, survey) = app.send(axum::http::Request::builder()
            .uri(format!("/s/SH-001/{key}?lang=zh-CN")).body(axum::body::Body::empty()).expect("request")).await;
        assert!(String::from_utf8(survey).expect("utf8").contains("南京路店"));
        let (_, _, survey) = app.send(axum::http::Request::builder()
            .uri(format!("/s/SH-001/{key}?lang=ru")).body(axum::body::Body::empty()).expect("request")).await;
        assert!(String::from_utf8(survey).expect("utf8").contains("Нанкинская улица"));

        // The shopper's feed carries every name, so the phone can switch language offline.
        let shopper = app.token("shopper.chen").await;
        app.assignment_for("shopper.chen", "SH-001", "instore-visit").await;
        let (status, feed) = app.get("/api/v1/shopper/assignments", &shopper).await;
        assert_eq!(status, StatusCode::OK);
        let job = feed["assignments"].as_array().or(feed.as_array()).expect("list")
            .iter().find(|a| a["store_code"] == "SH-001").expect("the job").clone();
        assert_eq!(job["store_name"]["en"], "Nanjing Road");
        assert_eq!(job["store_name"]["zh-CN"], "南京路店");

        // A name removed falls back to the default one; a name left out is left alone.
        assert!(org::set_store_names(app.db(), "SH-001", Some(""), None).await.expect("db"));
        assert!(page(&app, "/stores/SH-001/scorecard?lang=zh-CN", &manager).await.contains("<h1>评分卡 · Nanjing Road</h1>"));
        assert!(page(&app, "/stores?lang=ru", &manager).await.contains("<h2>Нанкинская улица</h2>"));
        assert!(!org::set_store_names(app.db(), "NOPE-1", Some("x"), None).await.expect("db"));
    }
}
