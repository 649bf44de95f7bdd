//! What counts has one home: the response status. Every way a response starts or stops
//! counting moves the kept figures (weekly rows, failed items, kept period totals) in the
//! same transaction, and after each the kept figures equal a rebuild from the raw responses.
//! Against real SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::{assert_kept_equal_rebuild, counted_in_figures, period, pulse, visit, TestApp};

use app::server::db::figures;
use serde_json::json;

async fn decide(app: &TestApp, id: &str, status: &str) -> (StatusCode, serde_json::Value) {
    let admin = app.token("admin").await;
    app.post_json(
        &format!("/api/v1/responses/{id}/status"),
        &json!({"status": status, "reason": "checked by hand"}),
        &admin,
    )
    .await
}

/// A customer's answers to the expectations survey: expected 5 everywhere, rated the store's
/// tangibles `tidy` and its reliability 5.
fn expectations(store: &str, tidy: u8) -> serde_json::Value {
    let now = chrono::Utc::now();
    let mut answers: Vec<serde_json::Value> = [
        "tangibles",
        "reliability",
        "responsiveness",
        "assurance",
        "empathy",
    ]
    .iter()
    .map(|d| json!({"question": format!("expect_{d}"), "value": 5}))
    .collect();
    answers.extend([
        json!({"question": "store_tidy", "value": tidy}),
        json!({"question": "got_what_promised", "value": 5}),
        json!({"question": "served_promptly", "not_applicable": true}),
        json!({"question": "staff_competent", "not_applicable": true}),
        json!({"question": "felt_cared_for", "not_applicable": true}),
        json!({"question": "recommend", "value": 7}),
    ]);
    json!({
        "template": "customer-expectations", "template_version": 1, "store": store, "channel": "customer_qr",
        "started_at": (now - chrono::Duration::minutes(2)).to_rfc3339(), "finished_at": now.to_rfc3339(),
        "answers": answers,
    })
}

both_backends! {
    async fn the_perception_minus_expectation_gap_follows_what_counts(app: TestApp) {
        use app::domain::Dimension;
        server::demo::publish_builtin_templates(app.db()).await.expect("templates");
        let admin = app.token("admin").await;
        let mut ids = Vec::new();
        for tidy in [3, 4, 2] {
            let id = uuid::Uuid::new_v4().to_string();
            let (status, body) = app.put_response(&id, &expectations("N-1", tidy), &admin).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            ids.push(id);
        }
        let gap = |card: &app::api::scorecard::Scorecard, d: Dimension| {
            card.gap.iter().find(|g| g.dimension == d).and_then(|g| g.expectation_gap)
        };
        let read = || async {
            let who = app::server::db::users::actor_by_username(app.db(), "admin").await.expect("db").expect("admin");
            app::server::scorecard::for_store(app.db(), &app.state.templates, &who, "N-1", Default::default(), &Default::default())
                .await
                .expect("scorecard")
        };
        let card = read().await;
        // Tangibles: 3-5, 4-5, 2-5; reliability 5-5 each time; nothing else was rated.
        let tangibles = gap(&card, Dimension::Tangibles).expect("tangibles gap");
        assert_eq!((tangibles.n, tangibles.value), (3, -2.0));
        assert!(tangibles.low < -2.0 && tangibles.high > -2.0);
        assert_eq!(gap(&card, Dimension::Reliability).map(|e| (e.n, e.value)), Some((3, 0.0)));
        assert_eq!(gap(&card, Dimension::Empathy), None);
        assert_kept_equal_rebuild(&app, "three answers").await;

        // An answer that stops counting leaves the gap, in the same transaction.
        let (status, _) = decide(&app, &ids[2], "excluded").await;
        assert_eq!(status, StatusCode::OK);
        let tangibles = gap(&read().await, Dimension::Tangibles).expect("tangibles gap");
        assert_eq!((tangibles.n, tangibles.value), (2, -1.5));
        assert_kept_equal_rebuild(&app, "excluding one").await;
        let (status, _) = decide(&app, &ids[2], "counted").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(gap(&read().await, Dimension::Tangibles).map(|e| e.n), Some(3));
        assert_kept_equal_rebuild(&app, "counting it again").await;
    }

    async fn every_status_change_moves_the_figures_to_what_a_rebuild_says(app: TestApp) {
        let (first, last) = period();
        figures::ensure_period(app.db(), 12, first, last).await.expect("period");
        let admin = app.token("admin").await;
        // A failed visit (items counted), customer answers with NPS, in two stores.
        let visit_id = uuid::Uuid::new_v4().to_string();
        let mut failed = visit("N-1");
        for a in failed["answers"].as_array_mut().expect("answers") {
            if a["question"] == "courteous" { a["value"] = json!(false); }
        }
        assert_eq!(app.put_response(&visit_id, &failed, &admin).await.0, StatusCode::CREATED);
        let mut customers = Vec::new();
        for (store, recommend) in [("N-1", 10), ("N-1", 3), ("S-1", 9)] {
            let id = uuid::Uuid::new_v4().to_string();
            assert_eq!(app.put_response(&id, &pulse(store, recommend), &admin).await.0, StatusCode::CREATED);
            customers.push(id);
        }
        assert_kept_equal_rebuild(&app, "storing").await;
        assert_eq!(counted_in_figures(&app).await, 4);

        // Excluding the visit takes it and its failed items out; counting it again puts them back.
        let (status, body) = decide(&app, &visit_id, "excluded").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["from"].as_str(), body["to"].as_str()), (Some("counted"), Some("excluded")));
        assert_eq!(counted_in_figures(&app).await, 3);
        assert!(figures::all_item_rows(app.db()).await.expect("items").is_empty(), "its failed item left with it");
        assert_kept_equal_rebuild(&app, "excluding a visit").await;
        assert_eq!(decide(&app, &visit_id, "counted").await.0, StatusCode::OK);
        assert_eq!(counted_in_figures(&app).await, 4);
        assert_kept_equal_rebuild(&app, "counting it again").await;

        // The only answer of a store and channel leaves no empty rows behind.
        assert_eq!(decide(&app, &customers[2], "excluded").await.0, StatusCode::OK);
        assert!(figures::period_rows(app.db(), 12).await.expect("periods").iter().all(|(_, _, v)| v[0] > 0));
        assert_kept_equal_rebuild(&app, "excluding a store's only customer answer").await;

        // A flagged answer, counted by an admin.
        sqlx::query("UPDATE responses SET status = 'flagged', flags = 'burst' WHERE id = $1")
            .bind(&customers[1]).execute(&app.db().pool).await.expect("flag");
        figures::rebuild(app.db(), &Default::default()).await.expect("rebuild");
        figures::ensure_period(app.db(), 12, first, last).await.expect("period");
        assert_eq!(decide(&app, &customers[1], "counted").await.0, StatusCode::OK);
        assert_kept_equal_rebuild(&app, "counting a flagged answer").await;

        // What may not be done by hand changes nothing: nobody makes a response held or flagged.
        let (status, _) = decide(&app, &customers[0], "held").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = decide(&app, &customers[0], "counted").await;
        assert_eq!(status, StatusCode::OK, "already counted: nothing to do");
        let (status, _) = decide(&app, &uuid::Uuid::new_v4().to_string(), "excluded").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let admin_token = app.token("admin").await;
        let (status, _) = app.post_json(&format!("/api/v1/responses/{}/status", customers[0]), &json!({"status": "excluded", "reason": "  "}), &admin_token).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
        assert_kept_equal_rebuild(&app, "refused changes").await;

        // Every change is on the record: who, when, from what to what, why.
        let history = app::server::db::status::history(app.db(), &visit_id).await.expect("history");
        assert_eq!(history.iter().map(|h| (h.from_status.as_str(), h.to_status.as_str())).collect::<Vec<_>>(),
            vec![("counted", "excluded"), ("excluded", "counted")]);
        assert!(history.iter().all(|h| h.reason == "checked by hand" && h.changed_by.is_some()));

        // Only admins decide.
        for who in ["regional.north", "manager.n1", "shopper", "staff.n1"] {
            let token = app.token(who).await;
            let (status, _) = app.post_json(&format!("/api/v1/responses/{visit_id}/status"), &json!({"status": "excluded", "reason": "mine"}), &token).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        }
        assert_eq!(counted_in_figures(&app).await, 3);
    }

    async fn a_held_visit_is_counted_or_excluded_by_an_admin_and_the_figures_follow(app: TestApp) {
        let (first, last) = period();
        figures::ensure_period(app.db(), 12, first, last).await.expect("period");
        let shopper = app.token("shopper").await;
        let admin = app.token("admin").await;
        let mut held = Vec::new();
        for store in ["N-1", "N-2"] {
            let assignment = app.assignment(store, "instore-visit").await;
            let (status, _) = app.post_json(&format!("/api/v1/assignments/{assignment}/cancel"), &json!({}), &admin).await;
            assert_eq!(status, StatusCode::NO_CONTENT);
            let mut body = visit(store);
            body["assignment"] = json!(assignment);
            let id = uuid::Uuid::new_v4().to_string();
            let (status, receipt) = app.put_response(&id, &body, &shopper).await;
            assert_eq!((status, receipt["status"].as_str()), (StatusCode::CREATED, Some("held")), "{receipt}");
            held.push(id);
        }
        assert_eq!(counted_in_figures(&app).await, 0);
        let (_, list) = app.get("/api/v1/responses?status=held", &admin).await;
        assert_eq!(list.as_array().map(Vec::len), Some(2));
        // The admin reads the held visit's report with why it is held; its store's manager does not.
        let admin_page = app.login("admin").await;
        let (status, _, page) = app.send(common::get_with_cookie(&format!("/responses/{}", held[0]), &admin_page)).await;
        let page = String::from_utf8(page).expect("utf8");
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(r#"data-status="held""#) && page.contains("was cancelled"), "the reason is on the report");
        let manager_page = app.login("manager.n1").await;
        assert_eq!(app.send(common::get_with_cookie(&format!("/responses/{}", held[0]), &manager_page)).await.0, StatusCode::NOT_FOUND);
        assert_eq!(decide(&app, &held[0], "counted").await.0, StatusCode::OK);
        assert_eq!(counted_in_figures(&app).await, 1);
        assert_kept_equal_rebuild(&app, "counting a held visit").await;
        assert_eq!(decide(&app, &held[1], "excluded").await.0, StatusCode::OK);
        assert_eq!(counted_in_figures(&app).await, 1);
        assert_kept_equal_rebuild(&app, "excluding a held visit").await;
        let (_, list) = app.get("/api/v1/responses?status=held", &admin).await;
        assert_eq!(list.as_array().map(Vec::len), Some(0));
        let (_, list) = app.get("/api/v1/responses?status=excluded", &admin).await;
        assert_eq!(list[0]["reason"], "checked by hand");
        // The manager now lists the counted visit, not the excluded one.
        let manager = app.token("manager.n1").await;
        let (_, mine) = app.get("/api/v1/stores/N-1/responses", &manager).await;
        assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
    }

    async fn a_rebuild_during_live_ingest_loses_nothing(app: TestApp) {
        let admin = app.token("admin").await;
        for i in 0..20 {
            let id = uuid::Uuid::new_v4().to_string();
            assert_eq!(app.put_response(&id, &pulse("N-1", (i % 11) as u8), &admin).await.0, StatusCode::CREATED);
        }
        let mut tasks = Vec::new();
        for i in 0..40 {
            let router = app.router.clone();
            let body = pulse(if i % 2 == 0 { "N-2" } else { "S-1" }, (i % 11) as u8);
            let token = admin.clone();
            tasks.push(tokio::spawn(async move {
                use tower::ServiceExt;
                let req = axum::http::Request::builder().method("PUT")
                    .uri(format!("/api/v1/responses/{}", uuid::Uuid::new_v4()))
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(body.to_string())).expect("req");
                router.oneshot(req).await.expect("answer").status()
            }));
        }
        let db = app.db().clone();
        let rebuild = tokio::spawn(async move {
            let mut rebuilt = 0;
            for _ in 0..3 {
                rebuilt += figures::rebuild(&db, &Default::default()).await.expect("rebuild").responses;
            }
            rebuilt
        });
        for t in tasks {
            assert_eq!(t.await.expect("task"), StatusCode::CREATED);
        }
        assert!(rebuild.await.expect("rebuild") >= 60);
        assert_eq!(counted_in_figures(&app).await, 60, "every stored answer is in the figures");
        assert_kept_equal_rebuild(&app, "a rebuild during ingest").await;
    }

    async fn a_stores_first_answer_of_a_period_is_in_the_kept_totals_at_once(app: TestApp) {
        let (first, last) = period();
        let admin = app.token("admin").await;
        let id = uuid::Uuid::new_v4().to_string();
        assert_eq!(app.put_response(&id, &pulse("N-1", 9), &admin).await.0, StatusCode::CREATED);
        figures::ensure_period(app.db(), 12, first, last).await.expect("period");
        assert_eq!(figures::period_rows(app.db(), 12).await.expect("periods").len(), 1);
        // S-1 had nothing in the period, and no row: its first answer makes one.
        let id = uuid::Uuid::new_v4().to_string();
        assert_eq!(app.put_response(&id, &pulse("S-1", 10), &admin).await.0, StatusCode::CREATED);
        assert_eq!(figures::period_rows(app.db(), 12).await.expect("periods").len(), 2);
        assert_kept_equal_rebuild(&app, "a store's first answer").await;
    }
}
