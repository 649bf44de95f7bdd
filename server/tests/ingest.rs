//! PUT /api/v1/responses/{uuid}: idempotent, validated, nothing stored half-way.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{pulse, visit, TestApp};
use serde_json::json;

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

both_backends! {
    async fn first_put_creates_and_an_identical_replay_returns_the_same_receipt(app: TestApp) {
        let token = app.token("admin").await;
        let id = new_id();
        let body = pulse("N-1", 9);
        let (status, first) = app.put_response(&id, &body, &token).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        assert_eq!(first["id"], id.as_str());
        assert_eq!(first["summary"], "1.8 of 2 points, 1 item not applicable");
        assert_eq!(first["score"], 87.5);
        let (status, again) = app.put_response(&id, &body, &token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(first, again);
        assert_eq!(app.count("SELECT COUNT(*) FROM responses").await, 1);
    }

    async fn the_same_uuid_with_other_content_is_a_conflict(app: TestApp) {
        let token = app.token("admin").await;
        let id = new_id();
        assert_eq!(app.put_response(&id, &pulse("N-1", 9), &token).await.0, StatusCode::CREATED);
        let (status, body) = app.put_response(&id, &pulse("N-1", 3), &token).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (_, stored) = app.get(&format!("/api/v1/responses/{id}"), &token).await;
        assert_eq!(stored["answers"].as_array().map(Vec::len), Some(5));
        assert!(stored["answers"].to_string().contains("\"value\":9"), "the first content is kept");
    }

    async fn answer_order_does_not_make_a_replay_a_conflict(app: TestApp) {
        let token = app.token("admin").await;
        let id = new_id();
        let body = pulse("N-1", 8);
        let mut reordered = body.clone();
        reordered["answers"].as_array_mut().expect("list").reverse();
        assert_eq!(app.put_response(&id, &body, &token).await.0, StatusCode::CREATED);
        assert_eq!(app.put_response(&id, &reordered, &token).await.0, StatusCode::OK);
    }

    async fn invalid_submissions_get_a_message_per_field_and_store_nothing(app: TestApp) {
        let token = app.token("admin").await;
        let cases: Vec<(serde_json::Value, Vec<&str>)> = vec![
            ({ let mut b = pulse("NOPE", 9); b["store"] = json!("NOPE"); b }, vec!["store"]),
            ({ let mut b = pulse("N-1", 9); b["template_version"] = json!(99); b }, vec!["template_version"]),
            ({ let mut b = pulse("N-1", 9); b["answers"][1] = json!({"question": "ghost", "value": 1}); b }, vec!["answers.ghost", "answers.store_tidy"]),
            ({ let mut b = pulse("N-1", 9); b["answers"][1]["value"] = json!("four"); b }, vec!["answers.store_tidy"]),
            ({ let mut b = pulse("N-1", 9); b["answers"][0]["value"] = json!(11); b }, vec!["answers.recommend"]),
            ({ let mut b = pulse("N-1", 9); b["answers"][2] = json!({"question": "comment", "value": "x"}); b }, vec!["answers.comment", "answers.got_what_promised"]),
            ({ let mut b = pulse("N-1", 9); b["channel"] = json!("mystery_visit"); b }, vec!["channel"]),
            ({ let mut b = pulse("N-1", 9); b["channel"] = json!("carrier_pigeon"); b }, vec!["body"]),
        ];
        for (body, expected_fields) in cases {
            let (status, answer) = app.put_response(&new_id(), &body, &token).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {answer}");
            let fields: Vec<String> = answer["fields"].as_array().expect("fields").iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_string()).collect();
            for f in expected_fields {
                assert!(fields.iter().any(|x| x == f), "expected a message for {f}, got {answer}");
            }
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM responses").await, 0);
    }

    async fn a_bad_uuid_is_refused(app: TestApp) {
        let token = app.token("admin").await;
        let (status, body) = app.put_response("not-a-uuid", &pulse("N-1", 9), &token).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["fields"][0]["field"], "id");
    }

    async fn an_oversized_body_gets_413(app: TestApp) {
        let token = app.token("admin").await;
        let mut body = pulse("N-1", 9);
        body["padding"] = json!("x".repeat(300 * 1024));
        let (status, _) = app.put_response(&new_id(), &body, &token).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.count("SELECT COUNT(*) FROM responses").await, 0);
    }

    async fn unauthenticated_and_revoked_callers_are_refused(app: TestApp) {
        let req = Request::builder().method(Method::PUT).uri(format!("/api/v1/responses/{}", new_id()))
            .header(header::CONTENT_TYPE, "application/json").body(Body::from(pulse("N-1", 9).to_string())).expect("req");
        assert_eq!(app.json(req).await.0, StatusCode::UNAUTHORIZED);
        let (status, _) = app.put_response(&new_id(), &pulse("N-1", 9), "sst_0000").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.count("SELECT COUNT(*) FROM responses").await, 0);
    }

    async fn a_form_encoded_body_is_refused_so_cookies_cannot_be_abused_cross_site(app: TestApp) {
        let cookie = app.login("admin").await;
        let req = Request::builder().method(Method::PUT).uri(format!("/api/v1/responses/{}", new_id()))
            .header(header::COOKIE, cookie).header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from(pulse("N-1", 9).to_string())).expect("req");
        assert_eq!(app.json(req).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }

    async fn roles_submit_only_on_their_channels_and_stores(app: TestApp) {
        let manager = app.token("manager.n1").await;
        assert_eq!(app.put_response(&new_id(), &visit("N-1"), &manager).await.0, StatusCode::FORBIDDEN);
        let shopper = app.token("shopper").await;
        let (status, receipt) = app.put_response(&new_id(), &app.assigned_visit("N-1").await, &shopper).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        assert_eq!(app.put_response(&new_id(), &pulse("N-1", 9), &shopper).await.0, StatusCode::FORBIDDEN);

        let staff = app.token("staff.n1").await;
        let mut own = pulse("N-1", 9);
        own["template"] = json!("employee-self");
        own["channel"] = json!("employee_self");
        own["answers"] = json!([{"question":"recommend","value":8},{"question":"store_tidy","value":4},{"question":"got_what_promised","value":4},
            {"question":"served_promptly","value":5},{"question":"staff_competent","value":4},{"question":"felt_cared_for","value":3}]);
        assert_eq!(app.put_response(&new_id(), &own, &staff).await.0, StatusCode::CREATED);
        let mut other = own.clone();
        other["store"] = json!("S-1");
        assert_eq!(app.put_response(&new_id(), &other, &staff).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM responses").await, 2);
    }

    async fn a_visit_receipt_carries_the_score_from_the_shared_engine(app: TestApp) {
        let shopper = app.token("shopper").await;
        let mut body = app.assigned_visit("N-1").await;
        // Fail the critical "price matches" item: the visit fails whatever the percentage.
        for a in body["answers"].as_array_mut().expect("answers") {
            if a["question"] == "price_matches" { a["value"] = json!(false); }
        }
        let (status, receipt) = app.put_response(&new_id(), &body, &shopper).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        assert_eq!(receipt["critical_failed"], true);
        let score = receipt["score"].as_f64().expect("score");
        assert!(score > 80.0 && score < 100.0, "{score}");
    }

    async fn fifty_concurrent_identical_puts_store_exactly_one_response(app: TestApp) {
        let token = app.token("shopper").await;
        let id = new_id();
        let body = app.assigned_visit("N-2").await;
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let router = app.router.clone();
            let req = Request::builder().method(Method::PUT).uri(format!("/api/v1/responses/{id}"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())).expect("req");
            tasks.push(tokio::spawn(async move {
                use tower::ServiceExt;
                router.oneshot(req).await.expect("answer").status()
            }));
        }
        let mut created = 0;
        let mut replayed = 0;
        for t in tasks {
            match t.await.expect("task") {
                StatusCode::CREATED => created += 1,
                StatusCode::OK => replayed += 1,
                other => panic!("unexpected status {other}"),
            }
        }
        assert_eq!((created, replayed), (1, 49));
        assert_eq!(app.count("SELECT COUNT(*) FROM responses").await, 1);
    }
}
