//! Assignments: who may make them, the revisit rule, the shopper's feed, and responses that
//! fulfil them (once, never after a cancellation), with their photos.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::{fake_jpeg, form_post, get_with_cookie, visit, TestApp};
use serde_json::{json, Value};

fn day(offset: i64) -> String {
    (Utc::now() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

fn request(store: &str, start: i64, end: i64) -> Value {
    json!({
        "store": store, "template": "instore-visit", "shopper": "shopper",
        "window_start": day(start), "window_end": day(end),
        "instructions": "Ask about the winter boots."
    })
}

async fn assign(app: &TestApp, who: &str, body: &Value) -> (StatusCode, Value) {
    let token = app.token(who).await;
    app.post_json("/api/v1/assignments", body, &token).await
}

async fn publish_builtins(app: &TestApp) {
    server::demo::publish_builtin_templates(app.db())
        .await
        .expect("templates");
}

both_backends! {
    async fn admins_and_regional_managers_assign_within_their_scope(app: TestApp) {
        publish_builtins(&app).await;
        let (status, body) = assign(&app, "admin", &request("S-1", 0, 3)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = assign(&app, "regional.north", &request("N-1", 0, 3)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = assign(&app, "regional.north", &request("N-2", 40, 42)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        // A South store is outside the North manager's regions: answered like a missing one.
        let (status, body) = assign(&app, "regional.north", &request("S-1", 60, 61)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"][0]["field"], "store");
        let (status, _) = assign(&app, "manager.n1", &request("N-1", 60, 61)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = assign(&app, "shopper", &request("N-1", 60, 61)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM assignments").await, 3);
    }

    async fn the_same_shopper_is_not_sent_to_the_same_store_twice_within_the_gap(app: TestApp) {
        publish_builtins(&app).await;
        assert_eq!(assign(&app, "admin", &request("N-1", 0, 2)).await.0, StatusCode::CREATED);
        // 20 days after the first window ends: too soon with the default 30-day gap.
        let (status, body) = assign(&app, "admin", &request("N-1", 22, 23)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"][0]["field"], "shopper");
        assert!(body["fields"][0]["message"].as_str().unwrap_or("").contains("30 days"), "{body}");
        // Another store the same week is fine, and so is the same store 40 days later.
        assert_eq!(assign(&app, "admin", &request("N-2", 0, 2)).await.0, StatusCode::CREATED);
        assert_eq!(assign(&app, "admin", &request("N-1", 42, 43)).await.0, StatusCode::CREATED);
        assert_eq!(app.count("SELECT COUNT(*) FROM assignments").await, 3);
    }

    async fn bad_assignments_report_every_problem_and_store_nothing(app: TestApp) {
        publish_builtins(&app).await;
        let body = json!({
            "store": "NOPE", "template": "customer-pulse", "shopper": "manager.n1",
            "window_start": day(5), "window_end": day(2), "instructions": "x".repeat(2001)
        });
        let (status, body) = assign(&app, "admin", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = body["fields"].as_array().expect("fields").iter()
            .filter_map(|f| f["field"].as_str()).collect();
        assert_eq!(fields, vec!["store", "template", "shopper", "window_end", "instructions"]);
        let (status, _) = assign(&app, "admin", &request("N-1", -10, -5)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a window in the past");
        assert_eq!(app.count("SELECT COUNT(*) FROM assignments").await, 0);
    }

    async fn the_shopper_feed_carries_assignments_and_their_pinned_templates(app: TestApp) {
        publish_builtins(&app).await;
        assign(&app, "admin", &request("N-1", 0, 2)).await;
        assign(&app, "admin", &request("S-1", 5, 9)).await;
        let shopper = app.token("shopper").await;
        let (status, feed) = app.get("/api/v1/shopper/assignments", &shopper).await;
        assert_eq!(status, StatusCode::OK, "{feed}");
        let list = feed["assignments"].as_array().expect("list");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["store_code"], "N-1");
        assert_eq!(list[0]["store_address"], "1 High Street");
        assert_eq!(list[0]["instructions"], "Ask about the winter boots.");
        assert_eq!(list[0]["template_version"], 1);
        assert_eq!(feed["templates"].as_array().map(Vec::len), Some(1), "one pinned version, sent once");
        assert_eq!(feed["templates"][0]["template"]["key"], "instore-visit");
        let manager = app.token("manager.n1").await;
        assert_eq!(app.get("/api/v1/shopper/assignments", &manager).await.0, StatusCode::FORBIDDEN);
    }

    async fn a_response_fulfils_its_assignment_once(app: TestApp) {
        publish_builtins(&app).await;
        let (_, created) = assign(&app, "admin", &request("N-1", 0, 2)).await;
        let id = created["id"].as_i64().expect("id");
        let shopper = app.token("shopper").await;
        let mut body = visit("N-1");
        body["assignment"] = json!(id);
        let first = uuid::Uuid::new_v4().to_string();
        assert_eq!(app.put_response(&first, &body, &shopper).await.0, StatusCode::CREATED);
        assert_eq!(app.put_response(&first, &body, &shopper).await.0, StatusCode::OK, "a replay");
        let (status, msg) = app.put_response(&uuid::Uuid::new_v4().to_string(), &body, &shopper).await;
        assert_eq!(status, StatusCode::CONFLICT, "{msg}");
        assert_eq!(app.count("SELECT COUNT(*) FROM responses").await, 1);
        let (_, feed) = app.get("/api/v1/shopper/assignments", &shopper).await;
        assert_eq!(feed["assignments"][0]["submitted"], true);
        // The wrong store for the assignment is refused.
        let (_, other) = assign(&app, "admin", &request("N-2", 0, 2)).await;
        let mut wrong = visit("N-1");
        wrong["assignment"] = other["id"].clone();
        let (status, _) = app.put_response(&uuid::Uuid::new_v4().to_string(), &wrong, &shopper).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn a_visit_sent_after_its_assignment_was_cancelled_is_kept_but_held_out_of_the_figures(app: TestApp) {
        publish_builtins(&app).await;
        let (_, created) = assign(&app, "regional.north", &request("N-1", 0, 2)).await;
        let id = created["id"].as_i64().expect("id");
        let other_region = app.token("manager.s1").await;
        let (status, _) = app.post_json(&format!("/api/v1/assignments/{id}/cancel"), &json!({}), &other_region).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let regional = app.token("regional.north").await;
        let (status, _) = app.post_json(&format!("/api/v1/assignments/{id}/cancel"), &json!({}), &regional).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        // The shopper's phone was offline and did the visit anyway: the work is kept, held.
        let shopper = app.token("shopper").await;
        let mut body = visit("N-1");
        body["assignment"] = json!(id);
        let response = uuid::Uuid::new_v4().to_string();
        let (status, receipt) = app.put_response(&response, &body, &shopper).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        assert_eq!(receipt["status"], "held");
        assert_eq!(app.put_response(&response, &body, &shopper).await, (StatusCode::OK, receipt.clone()), "a replay");
        assert_eq!(app.count("SELECT COUNT(*) FROM responses WHERE status = 'held'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM store_week_figures").await, 0, "not in the figures");
        // Nobody else can answer the cancelled assignment, held or not.
        let (status, _) = app.put_response(&uuid::Uuid::new_v4().to_string(), &body, &shopper).await;
        assert_eq!(status, StatusCode::CONFLICT);
        // Managers' lists leave it out; the admin finds it held, with the reason.
        let manager = app.token("manager.n1").await;
        let (_, list) = app.get("/api/v1/stores/N-1/responses", &manager).await;
        assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");
        let admin = app.token("admin").await;
        let (status, held) = app.get("/api/v1/responses?status=held", &admin).await;
        assert_eq!(status, StatusCode::OK, "{held}");
        assert_eq!(held[0]["id"], response.as_str());
        assert!(held[0]["reason"].as_str().unwrap_or_default().contains("cancelled"), "{held}");
    }

    async fn a_response_with_a_photo_needs_the_photo_first_and_shares_it_with_the_store(app: TestApp) {
        publish_builtins(&app).await;
        let shopper = app.token("shopper").await;
        let (bytes, hash) = fake_jpeg(40_000, 9);
        let mut body = app.assigned_visit("N-1").await;
        body["answers"].as_array_mut().expect("answers")
            .push(json!({"question": "receipt_photo", "value": hash}));
        let id = uuid::Uuid::new_v4().to_string();
        let (status, msg) = app.put_response(&id, &body, &shopper).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{msg}");
        assert!(msg.to_string().contains("not been uploaded"), "{msg}");
        let path = format!("/api/v1/photos/{hash}/upload?offset=0&size={}", bytes.len());
        assert_eq!(app.put_bytes(&path, bytes.clone(), "image/jpeg", &shopper).await.0, StatusCode::OK);
        assert_eq!(app.put_response(&id, &body, &shopper).await.0, StatusCode::CREATED);
        let n1 = app.token("manager.n1").await;
        let (status, _, got) = app.send(common::get_with_token(&format!("/api/v1/photos/{hash}"), &n1)).await;
        assert_eq!(status, StatusCode::OK, "the store's manager sees the visit's photo");
        assert_eq!(got, bytes);
        let s1 = app.token("manager.s1").await;
        assert_eq!(app.get(&format!("/api/v1/photos/{hash}"), &s1).await.0, StatusCode::NOT_FOUND);
    }

    async fn the_assignment_page_works_without_javascript_and_checks_its_forms(app: TestApp) {
        publish_builtins(&app).await;
        let cookie = app.login("regional.north").await;
        let (status, _, body) = app.send(get_with_cookie("/assign", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let page = String::from_utf8(body).expect("utf8");
        assert!(page.contains("<form method=\"post\" action=\"/assign\""), "a real form");
        assert!(page.contains("N-1 · North One") && !page.contains("S-1 · South One"), "only the manager's stores");
        let csrf: String = page.split_once("name=\"csrf\" value=\"").expect("csrf").1.chars().take_while(|c| *c != '"').collect();
        let fields = format!(
            "store=N-1&template=instore-visit&shopper=shopper&window_start={}&window_end={}&instructions=Ask+about+boots",
            day(0), day(3)
        );
        let (status, _, _) = app.send(form_post("/assign", &format!("csrf=wrong&{fields}"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a forged form is refused");
        assert_eq!(app.count("SELECT COUNT(*) FROM assignments").await, 0);
        let (status, headers, _) = app.send(form_post("/assign", &format!("csrf={csrf}&{fields}"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers.get("location").expect("location"), "/assign?created=1");
        // The same again breaks the revisit rule: back to the page with the reason.
        let (_, headers, _) = app.send(form_post("/assign", &format!("csrf={csrf}&{fields}"), Some(&cookie))).await;
        let location = headers.get("location").expect("location").to_str().expect("ascii").to_string();
        assert!(location.starts_with("/assign?error=too_close"), "{location}");
        let (_, _, body) = app.send(get_with_cookie(&location, &cookie)).await;
        let page = String::from_utf8(body).expect("utf8");
        assert!(page.contains("already has a visit to this store less than 30 days"), "said in words");
        // Everything typed comes back, so nothing has to be entered again.
        assert!(page.contains(">Ask about boots</textarea>") && page.contains(&format!(r#"value="{}""#, day(3))));
        assert!(page.contains(r#"<option value="N-1" selected"#) || page.contains(r#"value="N-1" selected="#), "the store stays chosen");
        assert!(!page.contains("window_end:") && !page.contains("shopper:"), "no raw field names");
        // What comes back is text, never markup, even inside the text box.
        let (_, _, body) = app.send(get_with_cookie("/assign?error=store&instructions=%3C%2Ftextarea%3E%3Cb%3Ex%3C%2Fb%3E", &cookie)).await;
        let page = String::from_utf8(body).expect("utf8");
        assert!(page.contains("&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;</textarea>") && !page.contains("<b>x</b>"), "escaped");
        assert_eq!(app.count("SELECT COUNT(*) FROM assignments").await, 1);
        let id = app.count("SELECT MAX(id) FROM assignments").await;
        let (status, _, _) = app.send(form_post(&format!("/assign/{id}/cancel"), &format!("csrf={csrf}"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT COUNT(*) FROM assignments WHERE cancelled_at IS NOT NULL").await, 1);
        let manager = app.login("manager.n1").await;
        let (_, _, body) = app.send(get_with_cookie("/assign", &manager)).await;
        assert!(String::from_utf8(body).expect("utf8").contains("Only administrators and regional managers"));
    }

    async fn a_cancellation_can_be_undone_while_the_window_lasts_and_nobody_else_was_assigned(app: TestApp) {
        publish_builtins(&app).await;
        let (_, created) = assign(&app, "regional.north", &request("N-1", 0, 2)).await;
        let id = created["id"].as_i64().expect("id");
        let regional = app.token("regional.north").await;
        let restore = |id: i64| format!("/api/v1/assignments/{id}/restore");
        // Not cancelled: nothing to undo.
        assert_eq!(app.post_json(&restore(id), &json!({}), &regional).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.post_json(&format!("/api/v1/assignments/{id}/cancel"), &json!({}), &regional).await.0, StatusCode::NO_CONTENT);
        let shopper = app.token("shopper").await;
        let listed = |feed: &Value| feed["assignments"].as_array().expect("list").iter().find(|a| a["id"] == id).map(|a| a["cancelled"].clone());
        let (_, feed) = app.get("/api/v1/shopper/assignments", &shopper).await;
        assert_eq!(listed(&feed), Some(json!(true)));
        // A store manager and the shopper cannot undo it.
        assert_eq!(app.post_json(&restore(id), &json!({}), &app.token("manager.n1").await).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.post_json(&restore(id), &json!({}), &shopper).await.0, StatusCode::FORBIDDEN);
        // Its planner can: the phone sees it open again.
        assert_eq!(app.post_json(&restore(id), &json!({}), &regional).await.0, StatusCode::NO_CONTENT);
        let (_, feed) = app.get("/api/v1/shopper/assignments", &shopper).await;
        assert_eq!(listed(&feed), Some(json!(false)));
        assert_eq!(app.post_json(&restore(id), &json!({}), &regional).await.0, StatusCode::NOT_FOUND, "a replay changes nothing");

        // Cancelled again and the shopper sent to the store anew: undoing would break the
        // revisit rule, so it is refused and nothing changes.
        assert_eq!(app.post_json(&format!("/api/v1/assignments/{id}/cancel"), &json!({}), &regional).await.0, StatusCode::NO_CONTENT);
        let (status, _) = assign(&app, "regional.north", &request("N-1", 0, 2)).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, body) = app.post_json(&restore(id), &json!({}), &regional).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(app.count("SELECT COUNT(*) FROM assignments WHERE cancelled_at IS NULL").await, 1);

        // The page: cancelling offers the undo, and the undo says so.
        let (_, second) = assign(&app, "regional.north", &request("N-2", 0, 2)).await;
        let second = second["id"].as_i64().expect("id");
        let cookie = app.login("regional.north").await;
        let csrf = app.csrf_of(&cookie).await;
        let (_, headers, _) = app.send(form_post(&format!("/assign/{second}/cancel"), &format!("csrf={csrf}"), Some(&cookie))).await;
        let location = headers.get("location").expect("location").to_str().expect("ascii").to_string();
        assert_eq!(location, format!("/assign?cancelled={second}"));
        let (_, _, page) = app.send(get_with_cookie(&location, &cookie)).await;
        let page = String::from_utf8(page).expect("utf8");
        assert!(page.contains(&format!(r#"action="/assign/{second}/restore""#)) && page.contains("Assignment cancelled"));
        let (_, headers, _) = app.send(form_post(&format!("/assign/{second}/restore"), &format!("csrf={csrf}"), Some(&cookie))).await;
        assert_eq!(headers.get("location").and_then(|l| l.to_str().ok()), Some("/assign?restored=1"));
        let (_, _, page) = app.send(get_with_cookie("/assign?restored=1", &cookie)).await;
        assert!(String::from_utf8(page).expect("utf8").contains("Cancellation undone"));
        // Without the session's token the form is refused and nothing changes.
        app.send(form_post(&format!("/assign/{second}/cancel"), &format!("csrf={csrf}"), Some(&cookie))).await;
        let (status, _, _) = app.send(form_post(&format!("/assign/{second}/restore"), "csrf=forged", Some(&cookie))).await;
        assert_ne!(status, StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT COUNT(*) FROM assignments WHERE cancelled_at IS NULL").await, 1);
    }
}
