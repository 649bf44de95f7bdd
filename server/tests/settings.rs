//! Organisation settings: kept in the database, changed by admins only (page and API), all or
//! nothing, every change in the audit log, and in force at once (revisit days for assignments).
//! On both databases.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{form_post, get_with_cookie, TestApp};
use serde_json::{json, Value};

fn patch(body: &Value, token: &str) -> Request<Body> {
    Request::builder()
        .method(Method::PATCH)
        .uri("/api/v1/settings")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

/// An assignment of the test shopper to `store` for one day, `in_days` from today.
fn assignment(store: &str, in_days: i64) -> Value {
    let day = (chrono::Utc::now().date_naive() + chrono::Duration::days(in_days)).to_string();
    json!({"store": store, "template": "instore-visit", "shopper": "shopper", "window_start": day, "window_end": day})
}

both_backends! {
    async fn admins_change_settings_all_or_nothing_and_each_change_is_logged(app: TestApp) {
        server::demo::publish_builtin_templates(app.db()).await.expect("templates");
        let admin = app.token("admin").await;
        let (status, before) = app.get("/api/v1/settings", &admin).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(before["revisit_days"], 30);
        assert_eq!(before["staff_identification"], "role");

        for (body, field) in [
            (json!({"self_assessment_min": 2}), "self_assessment_min"),
            (json!({"weight_mystery_visit": 0, "weight_mystery_call": 0, "weight_customer": 0}), "weight_customer"),
            (json!({"staff_identification": "everyone"}), "staff_identification"),
            (json!({"revisit_days": 7, "colour": "red"}), "colour"),
        ] {
            let (status, refused) = app.json(patch(&body, &admin)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(refused["fields"][0]["field"], field, "{refused}");
        }
        let (_, unchanged) = app.get("/api/v1/settings", &admin).await;
        assert_eq!(unchanged, before, "nothing stored half-way");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, 0);

        for user in ["regional.north", "manager.n1", "shopper", "staff.n1"] {
            let token = app.token(user).await;
            assert_eq!(app.get("/api/v1/settings", &token).await.0, StatusCode::FORBIDDEN, "{user}");
            assert_eq!(app.json(patch(&json!({"revisit_days": 1}), &token)).await.0, StatusCode::FORBIDDEN, "{user}");
        }

        // Revisit days are in force at once: a visit to N-1 a week after another is refused
        // at 30 days, allowed at 3.
        let (status, _) = app.post_json("/api/v1/assignments", &assignment("N-1", 0), &admin).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = app.post_json("/api/v1/assignments", &assignment("N-1", 7), &admin).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "too soon at 30 days");
        let (status, after) = app.json(patch(&json!({"revisit_days": 3, "staff_identification": "name", "weight_mystery_call": "0.1"}), &admin)).await;
        assert_eq!(status, StatusCode::OK, "{after}");
        assert_eq!((after["revisit_days"].clone(), after["weight_mystery_call"].clone()), (json!(3), json!(0.1)));
        let (status, _) = app.post_json("/api/v1/assignments", &assignment("N-1", 7), &admin).await;
        assert_eq!(status, StatusCode::CREATED, "allowed at 3 days");

        let (_, log) = app.get("/api/v1/audit?kind=setting", &admin).await;
        let mut rows: Vec<(String, String, String)> = log.as_array().expect("rows").iter()
            .map(|r| (r["subject"].as_str().unwrap_or("").into(), r["old"].as_str().unwrap_or("").into(), r["new"].as_str().unwrap_or("").into()))
            .collect();
        rows.sort();
        assert_eq!(rows, vec![
            ("revisit_days".into(), "30".into(), "3".into()),
            ("staff_identification".into(), "role".into(), "name".into()),
            ("weight_mystery_call".into(), "0.2".into(), "0.1".into()),
        ]);
        // The same values again change nothing and log nothing.
        let (status, _) = app.json(patch(&json!({"revisit_days": 3}), &admin)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE subject_kind = 'setting'").await, 3);
    }

    async fn the_settings_page_shows_and_saves_every_setting(app: TestApp) {
        let cookie = app.login("admin").await;
        let csrf = app.csrf_of(&cookie).await;
        let (status, _, page) = app.send(get_with_cookie("/admin/settings", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let page = String::from_utf8_lossy(&page).to_string();
        assert!(page.contains("name=\"self_assessment_min\"") && page.contains("value=\"3\""));
        let (_, headers, _) = app.send(form_post("/admin/settings", &format!("csrf={csrf}&self_assessment_min=2&revisit_days=14"), Some(&cookie))).await;
        let back = headers[header::LOCATION].to_str().expect("location").to_string();
        assert!(back.starts_with("/admin/settings?error=self_assessment_min"), "{back}");
        let (_, _, page) = app.send(get_with_cookie(&back, &cookie)).await;
        let page = String::from_utf8_lossy(&page).to_string();
        assert!(page.contains("value=\"14\""), "what was typed comes back");
        let (_, headers, _) = app.send(form_post("/admin/settings", &format!("csrf={csrf}&self_assessment_min=5&revisit_days=14&staff_identification=none"), Some(&cookie))).await;
        assert_eq!(headers[header::LOCATION], "/admin/settings?saved=1");
        let admin = app.token("admin").await;
        let (_, now) = app.get("/api/v1/settings", &admin).await;
        assert_eq!((now["self_assessment_min"].clone(), now["revisit_days"].clone(), now["staff_identification"].clone()), (json!(5), json!(14), json!("none")));
        let manager = app.login("manager.n1").await;
        let (status, _, _) = app.send(get_with_cookie("/admin/settings", &manager)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
