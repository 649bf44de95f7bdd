//! Review before release and appeals, against real SQLite and PostgreSQL: a shopper's visit
//! arrives submitted with its evidence, counts only once released, may be returned and
//! corrected (a revision, its history kept, idempotent), voided, released by sampling when
//! nobody opened it, and appealed by the store's manager within the deadline; after every
//! transition the kept figures equal a rebuild.

mod common;

use axum::http::StatusCode;
use common::{assert_kept_equal_rebuild, counted_in_figures, get_with_cookie, TestApp};
use serde_json::{json, Value};

use app::server::db::users;

/// Settings an admin changes through the same use case as the settings page.
async fn set(app: &TestApp, pairs: &[(&str, &str)]) {
    let admin = users::actor_by_username(app.db(), "admin")
        .await
        .expect("db")
        .expect("admin");
    let changes = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    app::server::org_settings::update(
        app.db(),
        &app.state.settings,
        &admin,
        &changes,
        app::server::now_ms(),
    )
    .await
    .expect("settings");
}

/// A shopper's assigned visit to `store` with every item passed; returns (id, body).
async fn send_visit(app: &TestApp, store: &str) -> (String, Value) {
    let shopper = app.token("shopper").await;
    let body = app.assigned_visit(store).await;
    let id = uuid::Uuid::new_v4().to_string();
    let (status, receipt) = app.put_response(&id, &body, &shopper).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert_eq!(
        receipt["status"], "submitted",
        "a shopper's visit waits for review"
    );
    (id, body)
}

async fn status_of(app: &TestApp, id: &str) -> String {
    sqlx::query_scalar("SELECT status FROM responses WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db().pool)
        .await
        .expect("status")
}

async fn decide(app: &TestApp, who: &str, id: &str, body: Value) -> (StatusCode, Value) {
    let token = app.token(who).await;
    app.post_json(&format!("/api/v1/responses/{id}/decision"), &body, &token)
        .await
}

fn set_answer(body: &mut Value, question: &str, value: Value) {
    for a in body["answers"].as_array_mut().expect("answers") {
        if a["question"] == question {
            a["value"] = value.clone();
        }
    }
}

both_backends! {
    async fn a_visit_counts_only_once_released_and_a_returned_one_is_corrected_as_a_revision(app: TestApp) {
        let (id, mut body) = send_visit(&app, "N-1").await;
        assert_eq!(counted_in_figures(&app).await, 0, "submitted: in no figure");
        assert_kept_equal_rebuild(&app, "arriving").await;

        // The queue: the region's reviewer and admins see it, with why; nobody else.
        let reviewer = app.token("reviewer.north").await;
        let (status, queue) = app.get("/api/v1/reviews?status=waiting", &reviewer).await;
        assert_eq!(status, StatusCode::OK, "{queue}");
        let items = queue["items"].as_array().expect("items");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["id"], id.as_str());
        assert_eq!(items[0]["must_review"], "new_shopper");
        assert_eq!(items[0]["shopper"], "shopper");
        for who in ["manager.n1", "regional.north", "shopper", "staff.n1"] {
            let token = app.token(who).await;
            assert_eq!(app.get("/api/v1/reviews", &token).await.0, StatusCode::FORBIDDEN, "{who}");
        }
        let (_, none) = app.get("/api/v1/reviews?store=S-1", &reviewer).await;
        assert_eq!(none["items"].as_array().map(Vec::len), Some(0));

        // Return with a comment on an item: nothing counted, the phone reads the comment.
        let (status, answer) = decide(&app, "reviewer.north", &id, json!({"decision": "return",
            "reason": "Please check the greeting.", "comments": [{"question": "eye_contact", "text": "Was there really eye contact?"}]})).await;
        assert_eq!((status, answer["status"].as_str()), (StatusCode::OK, Some("returned")), "{answer}");
        assert_eq!(counted_in_figures(&app).await, 0);
        let shopper = app.token("shopper").await;
        let (status, mine) = app.get("/api/v1/shopper/visits", &shopper).await;
        assert_eq!(status, StatusCode::OK);
        let visit = &mine.as_array().expect("visits")[0];
        assert_eq!((visit["id"].as_str(), visit["status"].as_str()), (Some(id.as_str()), Some("returned")));
        // The comment names its item in the shopper's words, never the reviewer.
        let comment = &visit["comments"][0];
        assert!(comment["question_text"]["en"].as_str().is_some_and(|t| t.contains("eye contact")), "{comment}");
        assert_eq!(comment["text"], "Was there really eye contact?");
        assert!(comment.get("by").is_none(), "{comment}");
        assert_eq!(visit["reason"], "Please check the greeting.");

        // A comment on no question of the checklist, or a return without a word, is refused.
        let (status, _) = decide(&app, "reviewer.north", &id, json!({"decision": "void", "reason": ""})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // The shopper corrects and sends again: the same id, new content, a revision.
        let first_body = body.clone();
        set_answer(&mut body, "eye_contact", json!(false));
        let (status, receipt) = app.put_response(&id, &body, &shopper).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        assert_eq!(receipt["status"], "submitted");
        // Sending either revision again is a replay, never a conflict or a second row.
        assert_eq!(app.put_response(&id, &body, &shopper).await.0, StatusCode::OK);
        assert_eq!(app.put_response(&id, &first_body, &shopper).await.0, StatusCode::OK);
        assert_eq!(app.count("SELECT COUNT(*) FROM responses").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM response_revisions").await, 1, "the first send is kept");
        // Someone else's content under this id is still a conflict.
        let mut other = body.clone();
        set_answer(&mut other, "floor_tidy", json!(false));
        assert_eq!(app.put_response(&id, &other, &shopper).await.0, StatusCode::CONFLICT);
        let (_, queue) = app.get("/api/v1/reviews", &reviewer).await;
        assert_eq!(queue["items"][0]["must_review"], "corrected");
        assert_eq!(queue["items"][0]["revision"], 1);

        // Released: it counts, with the corrected answer, and the figures equal a rebuild.
        let (status, answer) = decide(&app, "reviewer.north", &id, json!({"decision": "release"})).await;
        assert_eq!((status, answer["status"].as_str()), (StatusCode::OK, Some("counted")), "{answer}");
        assert_eq!(counted_in_figures(&app).await, 1);
        assert_kept_equal_rebuild(&app, "releasing").await;
        // A second release, or a void after it, changes nothing.
        assert_eq!(decide(&app, "reviewer.north", &id, json!({"decision": "release"})).await.0, StatusCode::CONFLICT);
        assert_eq!(decide(&app, "admin", &id, json!({"decision": "void", "reason": "x"})).await.0, StatusCode::CONFLICT);
        let history = app::server::db::status::history(app.db(), &id).await.expect("history");
        let path: Vec<_> = history.iter().map(|c| c.to_status.as_str()).collect();
        assert_eq!(path, ["returned", "submitted", "counted"]);
        assert_eq!(history[0].changed_by_name.as_deref(), Some("reviewer.north"));
    }

    async fn a_voided_visit_never_counts_and_the_admin_status_route_cannot_skip_review(app: TestApp) {
        let (id, _) = send_visit(&app, "N-1").await;
        // Counting by hand would skip the review.
        let admin = app.token("admin").await;
        let (status, body) = app.post_json(&format!("/api/v1/responses/{id}/status"),
            &json!({"status": "counted", "reason": "by hand"}), &admin).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        // Another region's reviewer finds nothing; a store manager may not decide.
        assert_eq!(decide(&app, "manager.n1", &id, json!({"decision": "release"})).await.0, StatusCode::FORBIDDEN);
        let (status, body) = decide(&app, "reviewer.north", &id, json!({"decision": "void", "reason": "Photo taken in another store."})).await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("voided")));
        assert_eq!(decide(&app, "reviewer.north", &id, json!({"decision": "release"})).await.0, StatusCode::CONFLICT);
        assert_eq!(counted_in_figures(&app).await, 0);
        assert_kept_equal_rebuild(&app, "voiding").await;
        let (_, voided) = app.get("/api/v1/reviews?status=voided", &admin).await;
        assert_eq!(voided["items"][0]["id"], id.as_str());
    }

    async fn regional_managers_review_their_own_region_only_when_the_organisation_allows(app: TestApp) {
        let (north, _) = send_visit(&app, "N-1").await;
        let (south, _) = send_visit(&app, "S-1").await;
        let regional = app.token("regional.north").await;
        // Off by default: no queue, no decision.
        assert_eq!(app.get("/api/v1/reviews", &regional).await.0, StatusCode::FORBIDDEN);
        assert_eq!(decide(&app, "regional.north", &north, json!({"decision": "release"})).await.0, StatusCode::FORBIDDEN);
        set(&app, &[("regional_managers_review", "yes")]).await;
        // On: the queue holds their region's visit only, and another region's is not found.
        let (status, queue) = app.get("/api/v1/reviews", &regional).await;
        assert_eq!(status, StatusCode::OK, "{queue}");
        let ids: Vec<&str> = queue["items"].as_array().expect("items").iter()
            .filter_map(|i| i["id"].as_str()).collect();
        assert_eq!(ids, [north.as_str()]);
        assert_eq!(decide(&app, "regional.north", &south, json!({"decision": "release"})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(status_of(&app, &south).await, "submitted");
        let (status, body) = decide(&app, "regional.north", &north, json!({"decision": "release"})).await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("counted")), "{body}");
        assert_eq!(counted_in_figures(&app).await, 1);
        assert_kept_equal_rebuild(&app, "a regional manager's release").await;
        // The navigation offers them the queue while the setting lasts.
        let cookie = app.login("regional.north").await;
        let home = String::from_utf8_lossy(&app.send(get_with_cookie("/", &cookie)).await.2).into_owned();
        assert!(home.contains("href=\"/reviews\""), "the queue is in the navigation");
        set(&app, &[("regional_managers_review", "no")]).await;
        let home = String::from_utf8_lossy(&app.send(get_with_cookie("/", &cookie)).await.2).into_owned();
        assert!(!home.contains("href=\"/reviews\""), "and gone once the setting is off");
    }

    async fn evidence_is_computed_when_the_visit_arrives(app: TestApp) {
        sqlx::query("UPDATE stores SET latitude = 51.5155, longitude = -0.1420 WHERE code = 'N-1'")
            .execute(&app.db().pool).await.expect("place");
        let shopper = app.token("shopper").await;
        let mut body = app.assigned_visit("N-1").await;
        // Checked in about 1.1 km away, with a 20 m fix; the visit took 3 minutes.
        let finished: chrono::DateTime<chrono::Utc> = body["finished_at"].as_str().expect("t").parse().expect("time");
        body["started_at"] = json!((finished - chrono::Duration::minutes(3)).to_rfc3339());
        body["check_in"] = json!({"at": (finished - chrono::Duration::minutes(2)).to_rfc3339(),
            "latitude": 51.5255, "longitude": -0.1420, "accuracy_m": 20.0});
        let id = uuid::Uuid::new_v4().to_string();
        assert_eq!(app.put_response(&id, &body, &shopper).await.0, StatusCode::CREATED);
        let reviewer = app.token("reviewer.north").await;
        let (_, queue) = app.get("/api/v1/reviews?flag=far_from_store", &reviewer).await;
        let flags: Vec<&str> = queue["items"][0]["evidence"].as_array().expect("flags").iter()
            .filter_map(|f| f["flag"].as_str()).collect();
        assert_eq!(flags, ["far_from_store", "too_short"]);
        assert_eq!(queue["items"][0]["evidence"][0]["metres"], 1112);
        let (_, none) = app.get("/api/v1/reviews?flag=sent_late", &reviewer).await;
        assert_eq!(none["items"].as_array().map(Vec::len), Some(0));
        assert_eq!(app.get("/api/v1/reviews?flag=%25", &reviewer).await.0, StatusCode::UNPROCESSABLE_ENTITY);

        // The report shows the check-in and the distance, and opening it keeps it waiting.
        let cookie = app.login("reviewer.north").await;
        let (status, _, page) = app.send(get_with_cookie(&format!("/responses/{id}"), &cookie)).await;
        let page = String::from_utf8_lossy(&page);
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("1112 m from the store"), "distance shown");
        assert!(page.contains("Took only 3 min"), "too short shown");
        assert_eq!(app.count("SELECT COUNT(*) FROM responses WHERE opened_at IS NOT NULL").await, 1);
    }

    async fn sampling_releases_what_nobody_must_review_once_due_unless_opened(app: TestApp) {
        set(&app, &[("review_first_visits", "0"), ("review_share_pct", "0"), ("review_release_hours", "24")]).await;
        let (quiet, _) = send_visit(&app, "N-1").await;
        let (opened, _) = send_visit(&app, "N-1").await;
        let due: Option<i64> = sqlx::query_scalar("SELECT review_due FROM responses WHERE id = $1")
            .bind(&quiet).fetch_one(&app.db().pool).await.expect("due");
        assert!(due.is_some(), "sampling let it through");
        app::server::db::review::mark_opened(app.db(), &opened, app::server::now_ms()).await.expect("open");
        let now = app::server::now_ms();
        // Not before its time.
        assert_eq!(app::server::review::release_due(app.db(), &app.state.templates, now).await.expect("sweep"), 0);
        let later = now + 25 * 3_600_000;
        assert_eq!(app::server::review::release_due(app.db(), &app.state.templates, later).await.expect("sweep"), 1);
        assert_eq!(status_of(&app, &quiet).await, "counted");
        assert_eq!(status_of(&app, &opened).await, "submitted", "someone is looking at it");
        // Twice (a second server) releases nothing more.
        assert_eq!(app::server::review::release_due(app.db(), &app.state.templates, later).await.expect("sweep"), 0);
        assert_eq!(counted_in_figures(&app).await, 1);
        assert_kept_equal_rebuild(&app, "automatic release").await;
        let history = app::server::db::status::history(app.db(), &quiet).await.expect("history");
        assert_eq!(history[0].changed_by, None, "released by the server's own rule");
    }

    async fn a_store_manager_appeals_an_item_and_an_upheld_appeal_moves_the_score_and_figures(app: TestApp) {
        let (id, _) = send_visit(&app, "N-1").await;
        // Not before it is released.
        let manager = app.token("manager.n1").await;
        let appeal = |q: &str| json!({"items": [{"question": q, "reason": "The floor had just been mopped."}]});
        let path = format!("/api/v1/responses/{id}/appeals");
        assert_eq!(app.post_json(&path, &appeal("floor_tidy"), &manager).await.0, StatusCode::NOT_FOUND);
        assert_eq!(decide(&app, "reviewer.north", &id, json!({"decision": "release"})).await.0, StatusCode::OK);
        let before: f64 = sqlx::query_scalar("SELECT points_possible FROM responses WHERE id = $1")
            .bind(&id).fetch_one(&app.db().pool).await.expect("points");

        // Another store's manager, a reviewer, an employee: refused; the manager: created.
        let other = app.token("manager.s1").await;
        assert_eq!(app.post_json(&path, &appeal("floor_tidy"), &other).await.0, StatusCode::NOT_FOUND);
        let staff = app.token("staff.n1").await;
        assert_eq!(app.post_json(&path, &appeal("floor_tidy"), &staff).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.post_json(&path, &appeal("no_such_item"), &manager).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, made) = app.post_json(&path, &appeal("eye_contact"), &manager).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let appeal_id = made["appeals"][0].as_i64().expect("id");
        // The same item twice: refused, nothing stored.
        assert_eq!(app.post_json(&path, &appeal("eye_contact"), &manager).await.0, StatusCode::CONFLICT);
        assert_eq!(app.count("SELECT COUNT(*) FROM appeals").await, 1);

        // Upheld without a value: the item becomes not applicable, out of the points possible,
        // and the figures equal a rebuild.
        let reviewer = app.token("reviewer.north").await;
        let decide_path = format!("/api/v1/appeals/{appeal_id}/decision");
        assert_eq!(app.post_json(&decide_path, &json!({"decision": "upheld", "reply": "Agreed."}), &manager).await.0,
            StatusCode::FORBIDDEN, "a manager does not judge their own appeal");
        assert_eq!(app.post_json(&decide_path, &json!({"decision": "upheld", "reply": "", "value": false}), &reviewer).await.0,
            StatusCode::UNPROCESSABLE_ENTITY, "a reply is needed");
        assert_eq!(app.post_json(&decide_path, &json!({"decision": "upheld", "reply": "x", "value": "maybe"}), &reviewer).await.0,
            StatusCode::UNPROCESSABLE_ENTITY, "the value must fit the item");
        let (status, body) = app.post_json(&decide_path, &json!({"decision": "upheld", "reply": "Not applicable: nobody was at the door.", "value": null}), &reviewer).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (after, na): (f64, i64) = sqlx::query_as("SELECT points_possible, not_applicable FROM responses WHERE id = $1")
            .bind(&id).fetch_one(&app.db().pool).await.expect("points");
        assert_eq!(na, 1, "the item became not applicable");
        assert!(after < before, "its points left the possible: {before} -> {after}");
        assert_kept_equal_rebuild(&app, "an upheld appeal").await;
        assert_eq!(app.post_json(&decide_path, &json!({"decision": "rejected", "reply": "x"}), &reviewer).await.0, StatusCode::CONFLICT);

        // The shopper sees the outcome, without who appealed.
        let shopper = app.token("shopper").await;
        let (_, mine) = app.get("/api/v1/shopper/visits", &shopper).await;
        let appeal = &mine[0]["appeals"][0];
        assert_eq!((appeal["outcome"].as_str(), appeal["by"].as_str()), (Some("upheld"), None), "no name");

        // After the deadline: refused.
        sqlx::query("UPDATE response_status_changes SET changed_at = changed_at - $1 WHERE response_id = $2")
            .bind(8 * 86_400_000_i64).bind(&id).execute(&app.db().pool).await.expect("age");
        assert_eq!(app.post_json(&path, &appeal_body("floor_tidy"), &manager).await.0, StatusCode::CONFLICT);
    }

    async fn upheld_with_a_corrected_failing_answer_the_score_drops_and_rejected_changes_nothing(app: TestApp) {
        let (id, _) = send_visit(&app, "N-1").await;
        assert_eq!(decide(&app, "admin", &id, json!({"decision": "release"})).await.0, StatusCode::OK);
        let manager = app.token("manager.n1").await;
        let (_, made) = app.post_json(&format!("/api/v1/responses/{id}/appeals"),
            &json!({"items": [{"question": "floor_tidy", "reason": "r1"}, {"question": "prices_visible", "reason": "r2"}]}), &manager).await;
        let ids: Vec<i64> = made["appeals"].as_array().expect("ids").iter().filter_map(Value::as_i64).collect();
        assert_eq!(ids.len(), 2);
        let score = || async {
            sqlx::query_scalar::<_, f64>("SELECT score_pct FROM responses WHERE id = $1")
                .bind(&id).fetch_one(&app.db().pool).await.expect("score")
        };
        let full = score().await;
        let reviewer = app.token("reviewer.north").await;
        let (status, _) = app.post_json(&format!("/api/v1/appeals/{}/decision", ids[1]), &json!({"decision": "rejected", "reply": "The prices were visible."}), &reviewer).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(score().await, full, "rejected: nothing moves");
        let (status, _) = app.post_json(&format!("/api/v1/appeals/{}/decision", ids[0]), &json!({"decision": "upheld", "reply": "Corrected: the floor was not tidy.", "value": false}), &reviewer).await;
        assert_eq!(status, StatusCode::OK);
        assert!(score().await < full, "a failed item lowers the score");
        let failed = app::server::db::figures::all_item_rows(app.db()).await.expect("items");
        assert!(!failed.is_empty(), "the failed item is in the figures");
        assert_kept_equal_rebuild(&app, "an upheld appeal with a corrected answer").await;
    }

    async fn the_team_reads_its_released_reports_without_the_shopper(app: TestApp) {
        let (id, _) = send_visit(&app, "N-1").await;
        let staff = app.login("staff.n1").await;
        let page = format!("/responses/{id}");
        assert_eq!(app.send(get_with_cookie(&page, &staff)).await.0, StatusCode::NOT_FOUND, "not before release");
        assert_eq!(decide(&app, "reviewer.north", &id, json!({"decision": "release"})).await.0, StatusCode::OK);
        let (status, _, html) = app.send(get_with_cookie(&page, &staff)).await;
        let html = String::from_utf8_lossy(&html);
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Your team"), "the employee's copy says so");
        assert!(!html.contains("Shopper:") && !html.contains("reviewer.north"), "no shopper, no reviewer");
        let other = app.login("staff.s1").await;
        assert_eq!(app.send(get_with_cookie(&page, &other)).await.0, StatusCode::NOT_FOUND);
        // A customer answer is never the team's to read one by one.
        let admin = app.token("admin").await;
        let customer = uuid::Uuid::new_v4().to_string();
        app.put_response(&customer, &common::pulse("N-1", 9), &admin).await;
        assert_eq!(app.send(get_with_cookie(&format!("/responses/{customer}"), &staff)).await.0, StatusCode::NOT_FOUND);
    }
}

fn appeal_body(q: &str) -> Value {
    json!({"items": [{"question": q, "reason": "late"}]})
}
