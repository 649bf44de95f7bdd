//! Complaint cases and the job runner, against real SQLite and PostgreSQL: recording a case
//! (scoped, idempotent, masked, prioritised by the markers), its life from new to the
//! follow-up, escalation exactly when a deadline passes and only once (also with two
//! runners on one database), and the case a released visit with a failed critical item
//! opens. The clock is the one the tests pass to the runner.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{json, Value};

use app::server::db::users;
use app::server::jobs::{run_due, Context};

const HOUR: i64 = 3_600_000;

fn ctx(app: &TestApp) -> Context<'_> {
    Context {
        db: app.db(),
        templates: &app.state.templates,
        flags: &app.state.settings,
    }
}

async fn user_id(app: &TestApp, name: &str) -> i64 {
    users::actor_by_username(app.db(), name)
        .await
        .expect("db")
        .expect("user")
        .user_id
}

/// Open a case at `now` as store staff, through the same use case as the API.
async fn open_at(app: &TestApp, store: &str, description: &str, now: i64) -> i64 {
    let staff = users::actor_by_username(app.db(), "staff.n1")
        .await
        .expect("db")
        .expect("staff");
    let org = app::server::org_settings::load(app.db(), &app.state.settings)
        .await
        .expect("org");
    let req = app::api::wire::cases::NewCaseRequest {
        store: store.into(),
        category: "waiting_time".into(),
        description: description.into(),
        ..Default::default()
    };
    app::server::cases::open(app.db(), &org, &staff, &req, now)
        .await
        .expect("opened")
        .id
}

async fn escalations(app: &TestApp, case: i64) -> Vec<i64> {
    let data: Vec<String> = sqlx::query_scalar(
        "SELECT data FROM case_events WHERE case_id = $1 AND kind = 'escalated' ORDER BY id",
    )
    .bind(case)
    .fetch_all(&app.db().pool)
    .await
    .expect("events");
    data.iter()
        .map(|d| {
            serde_json::from_str::<Value>(d).expect("json")["level"]
                .as_i64()
                .expect("level")
        })
        .collect()
}

async fn inbox_of(app: &TestApp, user: &str, kind: &str) -> i64 {
    let id = user_id(app, user).await;
    sqlx::query_scalar("SELECT COUNT(*) FROM inbox WHERE user_id = $1 AND kind = $2")
        .bind(id)
        .bind(kind)
        .fetch_one(&app.db().pool)
        .await
        .expect("inbox")
}

async fn act(app: &TestApp, who: &str, case: i64, body: Value) -> (StatusCode, Value) {
    let token = app.token(who).await;
    app.post_json(&format!("/api/v1/cases/{case}/events"), &body, &token)
        .await
}

both_backends! {
    async fn staff_record_a_case_once_for_their_own_store_and_only_its_handlers_read_it(app: TestApp) {
        let staff = app.token("staff.n1").await;
        let body = json!({
            "store": "N-1", "via": "phone", "category": "product_quality",
            "description": "The kettle broke after a day. I am furious and will tell a journalist. Call 07700 900123",
            "wants": "A refund", "claim_amount": 80.0,
            "contact": {"name": "Ann", "phone": "07700 900123", "email": "", "consent": true},
            "client_key": "phone-case-0001"
        });
        let (status, opened) = app.post_json("/api/v1/cases", &body, &staff).await;
        assert_eq!(status, StatusCode::CREATED, "{opened}");
        assert_eq!(opened["priority"], "urgent", "a threat to go to the media");
        assert_eq!(opened["markers"], json!(["emotion", "threat"]));
        let id = opened["id"].as_i64().expect("id");
        // The phone retried: the same case, not a second.
        let (status, again) = app.post_json("/api/v1/cases", &body, &staff).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(again["id"], id);
        assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 1);
        // Nothing half-stored for a wrong form; another store is as if it did not exist.
        let (status, wrong) = app.post_json("/api/v1/cases", &json!({"store": "N-1", "category": "x", "description": ""}), &staff).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
        let (status, _) = app.post_json("/api/v1/cases", &json!({"store": "S-1", "category": "other", "description": "x"}), &staff).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.post_json("/api/v1/cases", &json!({"store": "N-1", "category": "other", "description": "x", "contact": {"phone": "123456789"}}), &staff).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a contact without consent is not kept");
        assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 1);

        // The store's manager owns it, reads it with the contact, and has it in the inbox.
        let manager = app.token("manager.n1").await;
        let (status, case) = app.get(&format!("/api/v1/cases/{id}"), &manager).await;
        assert_eq!(status, StatusCode::OK, "{case}");
        assert_eq!(case["summary"]["owner"], "manager.n1");
        assert_eq!(case["contact"]["phone"], "07700 900123");
        let description = case["description"].as_str().expect("text");
        assert!(!description.contains("900123"), "masked for managers: {description}");
        assert!(description.contains("[number]"));
        assert_eq!(inbox_of(&app, "manager.n1", "case_opened").await, 1);
        let (_, inbox) = app.get("/api/v1/inbox", &manager).await;
        assert_eq!(inbox["items"][0]["href"], format!("/cases/{id}"));
        // The region reads it without the contact; other stores' managers, reviewers and
        // the staff who recorded it do not read it.
        let regional = app.token("regional.north").await;
        let (status, case) = app.get(&format!("/api/v1/cases/{id}"), &regional).await;
        assert_eq!(status, StatusCode::OK);
        assert!(case["contact"].is_null());
        for who in ["manager.s1", "reviewer.north"] {
            let token = app.token(who).await;
            let (status, _) = app.get(&format!("/api/v1/cases/{id}"), &token).await;
            assert!(matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{who}: {status}");
            let (status, list) = app.get("/api/v1/cases", &token).await;
            assert!(status == StatusCode::FORBIDDEN || list["items"].as_array().is_some_and(|l| l.is_empty()), "{who}: {list}");
        }
        let (status, _) = app.get(&format!("/api/v1/cases/{id}"), &staff).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "staff record cases, their managers read them");
        let (status, list) = app.get("/api/v1/cases?status=open&store=N-1", &regional).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
        let (status, _) = app.get("/api/v1/cases?status=%27%3B--", &regional).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn a_case_goes_from_new_to_its_follow_up_and_may_be_reopened(app: TestApp) {
        let id = open_at(&app, "N-1", "Waited twenty minutes at the till", app::server::now_ms()).await;
        let (status, body) = act(&app, "manager.n1", id, json!({"action": "acknowledge"})).await;
        assert_eq!((status, body["status"].clone()), (StatusCode::OK, json!("acknowledged")));
        let (status, body) = act(&app, "manager.n1", id, json!({"action": "note", "note": "Called the customer"})).await;
        assert_eq!((status, body["status"].clone()), (StatusCode::OK, json!("in_progress")));
        // Resolving needs why and what was done.
        let (status, _) = act(&app, "manager.n1", id, json!({"action": "resolve"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = act(&app, "manager.n1", id, json!({"action": "close"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "not resolved yet");
        let (status, _) = act(&app, "manager.n1", id, json!({"action": "resolve", "root_cause": "process_or_policy", "action_taken": "Opened a second till at rush hour"})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = act(&app, "manager.n1", id, json!({"action": "close"})).await;
        assert_eq!(status, StatusCode::OK);
        let due: i64 = sqlx::query_scalar("SELECT follow_up_due FROM cases WHERE id = $1").bind(id).fetch_one(&app.db().pool).await.expect("due");
        // The follow-up comes to the owner's inbox when due, not before.
        let now = app::server::now_ms();
        run_due(ctx(&app), "test", now).await.expect("run");
        assert_eq!(inbox_of(&app, "manager.n1", "follow_up_due").await, 0);
        run_due(ctx(&app), "test", due).await.expect("run");
        assert_eq!(inbox_of(&app, "manager.n1", "follow_up_due").await, 1);
        let (status, _) = act(&app, "manager.n1", id, json!({"action": "follow_up", "satisfaction": 9})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = act(&app, "manager.n1", id, json!({"action": "follow_up", "satisfaction": 4, "note": "Happy with the new till"})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = act(&app, "manager.n1", id, json!({"action": "follow_up", "satisfaction": 5})).await;
        assert_eq!(status, StatusCode::CONFLICT, "recorded once");
        // Another store's manager cannot act on it; a reopening needs a reason.
        let (status, _) = act(&app, "manager.s1", id, json!({"action": "reopen", "note": "x"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = act(&app, "regional.north", id, json!({"action": "reopen"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, body) = act(&app, "regional.north", id, json!({"action": "reopen", "note": "The customer called again"})).await;
        assert_eq!((status, body["status"].clone()), (StatusCode::OK, json!("reopened")));
        let (_, case) = app.get(&format!("/api/v1/cases/{id}"), &app.token("manager.n1").await).await;
        let kinds: Vec<&str> = case["events"].as_array().expect("events").iter().filter_map(|e| e["kind"].as_str()).collect();
        assert_eq!(kinds, ["opened", "acknowledge", "note", "resolve", "close", "follow_up", "reopen"]);
        assert_eq!(case["satisfaction"], 4);
        // Passed around twice: bounced, and its priority goes up.
        let (status, _) = act(&app, "manager.n1", id, json!({"action": "reassign", "owner": "regional.north"})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = act(&app, "regional.north", id, json!({"action": "reassign", "owner": "manager.s1"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not a manager of this store");
        let (status, _) = act(&app, "regional.north", id, json!({"action": "reassign", "owner": "manager.n1"})).await;
        assert_eq!(status, StatusCode::OK);
        let (markers, priority): (String, String) = sqlx::query_as("SELECT markers, priority FROM cases WHERE id = $1").bind(id).fetch_one(&app.db().pool).await.expect("case");
        assert_eq!((markers.as_str(), priority.as_str()), ("bounced", "high"));
        assert_eq!(inbox_of(&app, "regional.north", "case_assigned").await, 1);
    }

    async fn a_missed_deadline_escalates_exactly_when_it_passes_and_once(app: TestApp) {
        let t0 = 1_700_000_000_000;
        let id = open_at(&app, "N-1", "Nobody answered my question", t0).await;
        // Normal priority: 24 hours to acknowledge.
        run_due(ctx(&app), "a", t0 + 24 * HOUR - 1).await.expect("run");
        assert!(escalations(&app, id).await.is_empty(), "not before the deadline");
        run_due(ctx(&app), "a", t0 + 24 * HOUR).await.expect("run");
        assert_eq!(escalations(&app, id).await, [1], "to the region at the deadline");
        assert_eq!(inbox_of(&app, "regional.north", "case_escalated").await, 1);
        assert_eq!(inbox_of(&app, "admin", "case_escalated").await, 0);
        run_due(ctx(&app), "a", t0 + 24 * HOUR + 1).await.expect("run");
        run_due(ctx(&app), "b", t0 + 30 * HOUR).await.expect("run");
        assert_eq!(escalations(&app, id).await, [1], "once");
        let (_, list) = app.get("/api/v1/cases?status=overdue", &app.token("regional.north").await).await;
        assert!(list["items"].as_array().expect("items").iter().any(|c| c["id"] == id));
        // Twice the time: to the admins; and nobody above them.
        run_due(ctx(&app), "a", t0 + 48 * HOUR).await.expect("run");
        assert_eq!(escalations(&app, id).await, [1, 2]);
        assert_eq!(inbox_of(&app, "admin", "case_escalated").await, 1);
        run_due(ctx(&app), "a", t0 + 500 * HOUR).await.expect("run");
        assert_eq!(escalations(&app, id).await, [1, 2]);
        // Resolved in time, a case never escalates.
        let quiet = open_at(&app, "N-1", "Dusty shelves", t0).await;
        let (status, _) = act(&app, "manager.n1", quiet, json!({"action": "resolve", "root_cause": "service_failure", "action_taken": "Cleaned"})).await;
        assert_eq!(status, StatusCode::OK);
        run_due(ctx(&app), "a", t0 + 1000 * HOUR).await.expect("run");
        assert!(escalations(&app, quiet).await.is_empty());
    }

    async fn two_runners_on_one_database_escalate_a_case_once(app: TestApp) {
        let t0 = 1_700_000_000_000;
        let mut ids = Vec::new();
        for n in 0..15 {
            ids.push(open_at(&app, "N-1", &format!("Complaint {n}"), t0).await);
        }
        // A second server: its own pool on the same database.
        let other = server::open_database(&app.url).await.expect("second pool");
        let other_ctx = Context { db: &other, templates: &app.state.templates, flags: &app.state.settings };
        let at = t0 + 24 * HOUR;
        let (a, b) = tokio::join!(run_due(ctx(&app), "server-a", at), run_due(other_ctx, "server-b", at));
        let (a, b) = (a.expect("a"), b.expect("b"));
        for id in &ids {
            assert_eq!(escalations(&app, *id).await, [1], "case {id}");
        }
        assert_eq!(inbox_of(&app, "regional.north", "case_escalated").await, 15);
        assert!(a.done + b.done >= 15, "{a:?} {b:?}");
    }

    async fn a_released_visit_with_a_failed_critical_item_opens_one_case(app: TestApp) {
        let shopper = app.token("shopper").await;
        let mut body = app.assigned_visit("N-1").await;
        for a in body["answers"].as_array_mut().expect("answers") {
            if a["question"] == "courteous" {
                a["value"] = json!(false);
            }
        }
        let id = uuid::Uuid::new_v4().to_string();
        let (status, receipt) = app.put_response(&id, &body, &shopper).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        let now = app::server::now_ms();
        run_due(ctx(&app), "t", now).await.expect("run");
        assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0, "not before it is released");
        let admin = app.token("admin").await;
        let (status, _) = app.post_json(&format!("/api/v1/responses/{id}/decision"), &json!({"decision": "release"}), &admin).await;
        assert_eq!(status, StatusCode::OK);
        run_due(ctx(&app), "t", app::server::now_ms()).await.expect("run");
        run_due(ctx(&app), "t", app::server::now_ms()).await.expect("run");
        assert_eq!(app.count("SELECT COUNT(*) FROM cases WHERE source = 'mystery_visit' AND category = 'critical_item'").await, 1);
        let description: String = sqlx::query_scalar("SELECT description FROM cases").fetch_one(&app.db().pool).await.expect("case");
        assert!(description.starts_with("Failed critical items:"), "{description}");
        assert_eq!(inbox_of(&app, "manager.n1", "case_opened").await, 1);
    }

    async fn a_failing_job_is_tried_again_later_and_a_returned_visit_reaches_the_shopper(app: TestApp) {
        let now = app::server::now_ms();
        {
            let mut tx = app.db().write_tx().await.expect("tx");
            app::server::db::jobs::enqueue_once(&mut tx, ("case_deadline", "broken"), "{}", now, now).await.expect("queue");
            tx.commit().await.expect("commit");
        }
        let ran = run_due(ctx(&app), "t", now).await.expect("run");
        assert_eq!(ran.failed, 1);
        let job = app::server::db::jobs::by_key(app.db(), "broken").await.expect("db").expect("job");
        assert_eq!((job.attempts, job.outcome.as_deref()), (1, None));
        assert_eq!(job.run_at, now + 30_000, "tried again after 30 s");
        assert!(job.last_error.is_some_and(|e| e.contains("no case")));
        assert_eq!(run_due(ctx(&app), "t", now + 29_999).await.expect("run").failed, 0);
        assert_eq!(run_due(ctx(&app), "t", now + 30_000).await.expect("run").failed, 1);

        let shopper = app.token("shopper").await;
        let body = app.assigned_visit("N-1").await;
        let id = uuid::Uuid::new_v4().to_string();
        assert_eq!(app.put_response(&id, &body, &shopper).await.0, StatusCode::CREATED);
        let admin = app.token("admin").await;
        let (status, _) = app.post_json(&format!("/api/v1/responses/{id}/decision"), &json!({"decision": "return", "reason": "Check the photo"}), &admin).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(inbox_of(&app, "shopper", "visit_returned").await, 1);
        let (_, inbox) = app.get("/api/v1/inbox", &shopper).await;
        assert_eq!(inbox["unread"], 1);
    }
}
