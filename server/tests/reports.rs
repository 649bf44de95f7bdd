//! A mystery visit's full report, and the scorecard's lists that lead to it (latest reports,
//! critical failures, comments): what the shopper sent, scored the same way, readable by the
//! store's managers only. Against real SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::{fake_jpeg, get_with_cookie, TestApp};
use serde_json::json;

/// The page's HTML; refused pages answer 404 (another store's) or 403 (a role that reads no
/// reports) with the message in the page.
async fn page(app: &TestApp, path: &str, cookie: &str) -> String {
    let (status, _, body) = app.send(get_with_cookie(path, cookie)).await;
    assert!(
        matches!(status.as_u16(), 200 | 403 | 404),
        "{path}: {status}"
    );
    String::from_utf8(body).expect("utf8")
}

/// A visit to N-1 with a photo of the receipt, a comment, and the critical "polite and
/// respectful" item failed. Returns the response id and the photo's hash.
async fn failed_visit_with_photo(app: &TestApp) -> (String, String) {
    server::demo::publish_builtin_templates(app.db())
        .await
        .expect("templates");
    let shopper = app.token("shopper").await;
    let (bytes, hash) = fake_jpeg(30_000, 3);
    let path = format!("/api/v1/photos/{hash}/upload?offset=0&size={}", bytes.len());
    assert_eq!(
        app.put_bytes(&path, bytes, "image/jpeg", &shopper).await.0,
        StatusCode::OK
    );
    let mut body = app.assigned_visit("N-1").await;
    for a in body["answers"].as_array_mut().expect("answers") {
        if a["question"] == "courteous" {
            a["value"] = json!(false);
        }
        if a["question"] == "notes" {
            a["value"] = json!("The cashier <b>ignored</b> me for five minutes.");
        }
    }
    body["answers"]
        .as_array_mut()
        .expect("answers")
        .push(json!({"question": "receipt_photo", "value": hash}));
    let id = uuid::Uuid::new_v4().to_string();
    let (status, msg) = app.put_response(&id, &body, &shopper).await;
    assert_eq!(status, StatusCode::CREATED, "{msg}");
    common::release_waiting(app).await;
    (id, hash)
}

both_backends! {
    async fn a_manager_reads_a_visits_full_report_with_photo_and_breakdown(app: TestApp) {
        let (id, hash) = failed_visit_with_photo(&app).await;
        let stored: f64 = sqlx::query_scalar::<_, f64>("SELECT score_pct FROM responses")
            .fetch_one(&app.db().pool).await.expect("score");
        let manager = app.login("manager.n1").await;
        let report = page(&app, &format!("/responses/{id}"), &manager).await;
        // The score the phone showed and the figures use, and its parts.
        let shown = format!(r#"class="big-figure">{} %</p>"#, app::domain::display::trimmed(stored, 0));
        assert!(report.contains(&shown), "score {stored} in the report");
        for text in ["First look", "Welcome", "Understanding your needs", "By dimension", "Empathy",
                     "Every employee you dealt with was polite and respectful."] {
            assert!(report.contains(text), "{text}");
        }
        assert!(report.contains("A critical item failed"), "the failed critical item is called out");
        assert!(report.contains(&format!(r#"src="/api/v1/photos/{hash}""#)), "the photo");
        // The comment is text, never markup.
        assert!(report.contains("The cashier &lt;b&gt;ignored&lt;/b&gt; me"));
        assert!(report.contains("data-server-only"), "works without the bundle");
        // Times are on the store's clock, and the page says whose.
        sqlx::query("UPDATE stores SET timezone = 'Asia/Shanghai' WHERE code = 'N-1'").execute(&app.db().pool).await.expect("zone");
        let finished: i64 = sqlx::query_scalar("SELECT finished_at FROM responses WHERE id = $1").bind(&id).fetch_one(&app.db().pool).await.expect("finished");
        let shanghai = chrono::FixedOffset::east_opt(8 * 3600).expect("offset");
        let local = app::domain::display::date_time(&app::server::from_ms(finished).with_timezone(&shanghai).naive_local());
        let report = page(&app, &format!("/responses/{id}"), &manager).await;
        assert!(report.contains(&format!("Finished {local}")), "finished {local} in Shanghai");
        assert!(report.contains("local time (Asia/Shanghai, UTC+8)"));
        assert!(!report.contains(" UTC,"), "no UTC times");
        // The photo it shows is readable by this manager.
        let (status, _, _) = app.send(get_with_cookie(&format!("/api/v1/photos/{hash}"), &manager)).await;
        assert_eq!(status, StatusCode::OK);

        // Another store's manager gets neither the report nor its photo; the store's employees
        // the team's copy, without the photo.
        let other = app.login("manager.s1").await;
        let report = page(&app, &format!("/responses/{id}"), &other).await;
        assert!(!report.contains("polite and respectful") && report.contains("There is no such page, or it is not yours to see"));
        let (status, _, _) = app.send(get_with_cookie(&format!("/api/v1/photos/{hash}"), &other)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let staff = app.login("staff.n1").await;
        let copy = page(&app, &format!("/responses/{id}"), &staff).await;
        assert!(copy.contains("polite and respectful") && !copy.contains(&hash), "the team's copy, no photo");
        let other_staff = app.login("staff.s1").await;
        assert!(!page(&app, &format!("/responses/{id}"), &other_staff).await.contains("polite and respectful"));
        let regional = app.login("regional.north").await;
        assert!(page(&app, &format!("/responses/{id}"), &regional).await.contains("polite and respectful"));
    }

    async fn the_scorecard_leads_to_the_report_through_its_latest_lists(app: TestApp) {
        let (id, _) = failed_visit_with_photo(&app).await;
        let manager = app.login("manager.n1").await;
        let card = page(&app, "/stores/N-1/scorecard", &manager).await;
        for heading in ["Latest visits and calls", "Critical failures", "Latest comments"] {
            assert!(card.contains(&format!("<h2>{heading}</h2>")), "{heading}");
        }
        let link = format!(r#"href="/responses/{id}""#);
        assert!(card.matches(&link).count() >= 3, "report, critical failure and comment link to it");
        assert!(card.contains("Every employee you dealt with was polite and respectful."), "the failed critical item");
        assert!(card.contains("ignored&lt;/b&gt; me for five minutes"), "the latest comment");
        let all = page(&app, "/stores/N-1/comments?weeks=4", &manager).await;
        assert!(all.contains("Comments · ") && all.contains("ignored&lt;/b&gt; me for five minutes"));
        assert!(all.contains(&link));
        // Another store's manager reads none of it.
        let other = app.login("manager.s1").await;
        let all = page(&app, "/stores/N-1/comments", &other).await;
        assert!(!all.contains("five minutes") && all.contains("There is no such page, or it is not yours to see"));
    }
}
