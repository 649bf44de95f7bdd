//! Demo data and the server-rendered pages (no JavaScript involved).

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{get_with_cookie, TestApp};

/// Empty the harness's seed (the demo loads only into a database without users), load the
/// demo, and return (responses made, points earned x10, answers digest).
async fn fresh_demo(app: &TestApp) -> (usize, i64, i64) {
    let made = common::load_demo(app).await;
    let points = app
        .count("SELECT CAST(SUM(points_earned) * 10 AS BIGINT) FROM responses")
        .await;
    let answers = app
        .count("SELECT CAST(SUM(LENGTH(answers)) AS BIGINT) FROM responses")
        .await;
    (made, points, answers)
}

both_backends! {
    async fn demo_data_is_deterministic_covers_every_channel_and_loads_once(app: TestApp) {
        let first = fresh_demo(&app).await;
        let second = fresh_demo(&TestApp::new(app.backend).await.expect("same backend again")).await;
        assert!((300..=900).contains(&first.0), "{first:?}");
        assert_eq!(first, second, "same seed, same stores, people and answers");
        assert_eq!(app.count("SELECT COUNT(*) FROM stores").await, 12);
        assert_eq!(app.count("SELECT COUNT(*) FROM regions").await, 3);
        assert_eq!(app.count("SELECT COUNT(DISTINCT channel) FROM responses").await, 4);
        assert_eq!(app.count("SELECT COUNT(DISTINCT role) FROM users").await, 6);
        // A new shopper's first visits wait in the review queue, out of every figure.
        assert_eq!(app.count("SELECT COUNT(*) FROM responses WHERE status = 'submitted'").await, 3);
        // Self-assessments as the staff link stores them: anonymous, each in its month, and some
        // store-months with the three answers managers need to see totals.
        assert_eq!(app.count("SELECT COUNT(*) FROM responses WHERE channel = 'employee_self' AND (submitted_by IS NOT NULL OR period IS NULL)").await, 0);
        assert!(app.count("SELECT COUNT(*) FROM (SELECT store_id, period FROM responses WHERE channel = 'employee_self' GROUP BY store_id, period HAVING COUNT(*) >= 3) AS shown").await >= 3);
        assert_eq!(server::demo::load(app.db(), chrono::Utc::now()).await.expect("load"), None, "loads only once");
    }

    async fn pages_render_on_the_server_in_the_browsers_language(app: TestApp) {
        let req = Request::builder().uri("/").header(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9,en;q=0.5").body(Body::empty()).expect("req");
        let (status, _, body) = app.send(req).await;
        assert_eq!(status, StatusCode::OK);
        let html = String::from_utf8(body).expect("utf8");
        assert!(html.contains("<html lang=\"zh-CN\""));
        assert!(html.contains("服务质量的五个维度"));

        let (status, headers, _) = app.send(Request::builder().uri("/lang?to=ru&next=/login").body(Body::empty()).expect("req")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers.get(header::LOCATION).expect("location"), "/login");
        let set = headers.get(header::SET_COOKIE).expect("cookie").to_str().expect("ascii");
        assert!(set.starts_with("lang=ru;") && set.contains("Max-Age=31536000"), "{set}");
        let (_, _, body) = app.send(get_with_cookie("/login", "lang=ru")).await;
        assert!(String::from_utf8(body).expect("utf8").contains("Имя пользователя"), "remembered choice wins");
    }

    async fn unknown_pages_are_404_and_the_store_list_asks_for_sign_in(app: TestApp) {
        let (status, _, _) = app.send(Request::builder().uri("/no-such-page").body(Body::empty()).expect("req")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, body) = app.send(Request::builder().uri("/stores").body(Body::empty()).expect("req")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a page that needs a sign-in says so in its status too");
        assert!(String::from_utf8(body).expect("utf8").contains("/login?next=/stores"));
    }
}
