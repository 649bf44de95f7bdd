//! Setting up the chain: regions and stores through the API and the admin pages, the CSV
//! import (preview, all or nothing, idempotent) and export, closing a store, and the audit
//! log of every change. On SQLite and PostgreSQL.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{form_post, get_with_cookie, visit, TestApp};
use serde_json::{json, Value};

fn patch(path: &str, body: &Value, token: &str) -> Request<Body> {
    Request::builder()
        .method(Method::PATCH)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn csv_post(path: &str, csv: &str, token: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(csv.to_string()))
        .expect("request")
}

async fn audit_rows(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM audit_log").await
}

async fn store_count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM stores").await
}

/// (field, old, new) of the audit rows about one store, oldest first.
async fn store_history(app: &TestApp, token: &str, code: &str) -> Vec<(String, Value, Value)> {
    let (status, rows) = app
        .get(&format!("/api/v1/audit?kind=store&subject={code}"), token)
        .await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    let mut out: Vec<(String, Value, Value)> = rows
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            assert_eq!(r["actor"], "admin");
            (
                r["field"].as_str().unwrap_or("").to_string(),
                r["old"].clone(),
                r["new"].clone(),
            )
        })
        .collect();
    out.reverse();
    out
}

both_backends! {
    async fn an_admin_creates_a_region_and_a_store_and_changes_it_and_every_change_is_logged(app: TestApp) {
        let admin = app.token("admin").await;
        let (status, region) = app.post_json("/api/v1/regions", &json!({"name": "East"}), &admin).await;
        assert_eq!(status, StatusCode::CREATED, "{region}");
        let (status, again) = app.post_json("/api/v1/regions", &json!({"name": " East "}), &admin).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a second East: {again}");
        let (_, regions) = app.get("/api/v1/regions", &admin).await;
        let names: Vec<&str> = regions.as_array().expect("list").iter().filter_map(|r| r["name"].as_str()).collect();
        assert_eq!(names, vec!["East", "North", "South"]);

        let store = json!({"code": "E-1", "name": "East One", "name_zh_cn": "东一店", "region": "East",
            "address": "5 Bund", "timezone": "Asia/Shanghai", "latitude": "31.2400", "longitude": "121.4900",
            "phone": "+86 21 5555 0100", "opening_hours": "Mon-Fri 09:00-21:00; Sat-Sun 10:00-22:00"});
        let (status, created) = app.post_json("/api/v1/stores", &store, &admin).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["open"], true);
        assert_eq!(created["latitude"], "31.24");
        let (status, dup) = app.post_json("/api/v1/stores", &store, &admin).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(dup["fields"][0]["field"], "code");

        // The new store is in the chain: listed for the admin, in its time zone.
        let (status, listed) = app.get("/api/v1/stores/E-1", &admin).await;
        assert_eq!(status, StatusCode::OK, "{listed}");
        assert_eq!(listed["timezone"], "Asia/Shanghai");
        assert_eq!(listed["name"]["zh-CN"], "东一店");

        let (status, changed) = app.json(patch("/api/v1/stores/E-1",
            &json!({"address": "6 Bund", "opening_hours": "Mon-Sun 10:00-22:00"}), &admin)).await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["opening_hours"], "10:00-22:00");
        assert_eq!(changed["name"], "East One", "fields left out stay");

        // Wrong input changes nothing and says which field.
        let before = audit_rows(&app).await;
        for (body, field) in [
            (json!({"timezone": "Asia/Atlantis"}), "timezone"),
            (json!({"latitude": "95", "longitude": "10"}), "latitude"),
            (json!({"opening_hours": "Mon 9-5"}), "opening_hours"),
            (json!({"code": "E-2"}), "code"),
            (json!({"region": "Nowhere"}), "region"),
        ] {
            let (status, refused) = app.json(patch("/api/v1/stores/E-1", &body, &admin)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {refused}");
            assert_eq!(refused["fields"][0]["field"], field, "{refused}");
        }
        let (status, unknown) = app.json(patch("/api/v1/stores/E-1", &json!({"colour": "red"}), &admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{unknown}");
        assert_eq!(audit_rows(&app).await, before, "a refused change is not logged");
        let (_, still) = app.get("/api/v1/stores/E-1", &admin).await;
        assert_eq!(still["address"], "6 Bund");

        // Moving it to another region is one more logged change.
        let (status, _) = app.json(patch("/api/v1/stores/E-1", &json!({"region": "North"}), &admin)).await;
        assert_eq!(status, StatusCode::OK);
        let history = store_history(&app, &admin, "E-1").await;
        let fields: Vec<&str> = history.iter().map(|h| h.0.as_str()).collect();
        assert_eq!(fields, vec!["created", "address", "opening_hours", "region"]);
        assert_eq!(history[1].1, "5 Bund");
        assert_eq!(history[1].2, "6 Bund");
        assert_eq!(history[3].2, "North");
        let (_, by_manager) = app.get("/api/v1/audit?actor=manager.n1", &admin).await;
        assert_eq!(by_manager, json!([]));
    }

    async fn only_admins_set_up_the_chain(app: TestApp) {
        let admin = app.token("admin").await;
        let store = json!({"code": "N-9", "name": "North Nine", "region": "North", "timezone": "Europe/London"});
        for user in ["regional.north", "manager.n1", "shopper", "staff.n1"] {
            let token = app.token(user).await;
            let (status, _) = app.post_json("/api/v1/stores", &store, &token).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user} creates a store");
            let (status, _) = app.json(patch("/api/v1/stores/N-1", &json!({"name": "Mine"}), &token)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user} renames a store");
            let (status, _) = app.json(csv_post("/api/v1/stores/import", "code,name,region,timezone\nN-9,X,North,Europe/London\n", &token)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user} imports");
            let (status, _) = app.post_json("/api/v1/regions", &json!({"name": "Mine"}), &token).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user} adds a region");
            let (status, _) = app.get("/api/v1/audit", &token).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user} reads the audit log");
        }
        assert_eq!(store_count(&app).await, 3);
        let (_, n1) = app.get("/api/v1/stores/N-1", &admin).await;
        assert_eq!(n1["name"]["en"], "North One");
    }

    async fn a_closed_store_leaves_the_lists_and_keeps_its_history(app: TestApp) {
        let admin = app.token("admin").await;
        let shopper = app.token("shopper").await;
        // A counted visit before it closes (released by the region's reviewer), and one
        // planned but not yet sent.
        let counted = uuid::Uuid::new_v4().to_string();
        let (status, _) = app.put_response(&counted, &app.assigned_visit("N-1").await, &shopper).await;
        assert_eq!(status, StatusCode::CREATED);
        let reviewer = app.token("reviewer.north").await;
        let (status, released) = app.post_json(&format!("/api/v1/responses/{counted}/decision"),
            &json!({"decision": "release"}), &reviewer).await;
        assert_eq!(status, StatusCode::OK, "{released}");
        let planned = app.assigned_visit("N-1").await;

        let (status, closed) = app.json(patch("/api/v1/stores/N-1", &json!({"status": "closed"}), &admin)).await;
        assert_eq!(status, StatusCode::OK, "{closed}");
        assert_eq!(closed["open"], false);
        let (_, list) = app.get("/api/v1/stores", &admin).await;
        let codes: Vec<&str> = list.as_array().expect("list").iter().filter_map(|s| s["code"].as_str()).collect();
        assert_eq!(codes, vec!["N-2", "S-1"], "a closed store is not listed");
        let (_, league) = app.json(get_with_cookie("/league.csv", &app.login("admin").await)).await;
        assert!(!league.as_str().unwrap_or("").contains("N-1"), "nor in the league: {league}");

        // Its history stays readable.
        let cookie = app.login("admin").await;
        let (status, _, page) = app.send(get_with_cookie("/stores/N-1/scorecard", &cookie)).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&page).chars().take(300).collect::<String>());
        let (status, responses) = app.get("/api/v1/stores/N-1/responses", &admin).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(responses.as_array().map(Vec::len), Some(1));

        // A visit planned while it was open is still taken in; a new answer without one is not.
        let (status, receipt) = app.put_response(&uuid::Uuid::new_v4().to_string(), &planned, &shopper).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        let (status, _) = app.put_response(&uuid::Uuid::new_v4().to_string(), &visit("N-1"), &admin).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        let (status, reopened) = app.json(patch("/api/v1/stores/N-1", &json!({"active": true}), &admin)).await;
        assert_eq!(status, StatusCode::OK, "{reopened}");
        let (_, list) = app.get("/api/v1/stores", &admin).await;
        assert_eq!(list.as_array().map(Vec::len), Some(3));
        let fields: Vec<String> = store_history(&app, &admin, "N-1").await.into_iter().map(|h| h.0).collect();
        assert_eq!(fields, vec!["status", "status"]);
    }

    async fn an_import_shows_every_row_stores_all_or_nothing_and_changes_nothing_the_second_time(app: TestApp) {
        let admin = app.token("admin").await;
        let bad = "code,name,region,timezone,address,opening_hours\n\
                   E-1,East One,East,Asia/Shanghai,5 Bund,Mon-Fri 09:00-21:00\n\
                   E-2,East Two,East,Asia/Shanghia,7 Bund,\n\
                   N-1,North One,North,Europe/London,2 High Street,\n";
        let (status, report) = app.json(csv_post("/api/v1/stores/import", bad, &admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
        assert_eq!(report["committed"], false);
        assert_eq!(report["refused"], 1);
        assert_eq!(report["rows"][1]["line"], 3);
        assert_eq!(report["rows"][1]["problems"][0]["field"], "timezone");
        assert_eq!(store_count(&app).await, 3, "nothing stored with one bad row");
        assert_eq!(audit_rows(&app).await, 0);

        let good = bad.replace("Asia/Shanghia", "Asia/Shanghai");
        let (status, preview) = app.json(csv_post("/api/v1/stores/import?dry_run=true", &good, &admin)).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert_eq!((preview["created"].as_i64(), preview["updated"].as_i64()), (Some(2), Some(1)));
        assert_eq!(preview["rows"][2]["changes"], json!(["address"]));
        assert_eq!(preview["new_regions"], json!(["East"]));
        assert_eq!(store_count(&app).await, 3, "a dry run stores nothing");

        let (status, done) = app.json(csv_post("/api/v1/stores/import", &good, &admin)).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(done["committed"], true);
        assert_eq!(store_count(&app).await, 5);
        let (_, e1) = app.get("/api/v1/stores/E-1", &admin).await;
        assert_eq!(e1["region"], "East");
        let logged = audit_rows(&app).await;

        let (status, again) = app.json(csv_post("/api/v1/stores/import", &good, &admin)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((again["created"].as_i64(), again["updated"].as_i64(), again["unchanged"].as_i64()), (Some(0), Some(0), Some(3)));
        assert_eq!(audit_rows(&app).await, logged, "the same file twice changes nothing");

        // The export is the import's format: importing it back changes nothing either.
        let (status, headers, exported) = app.send(common::get_with_token("/api/v1/stores.csv", &admin)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap_or("").starts_with("text/csv"));
        let exported = String::from_utf8(exported).expect("utf-8");
        assert!(exported.starts_with("code,name,name_zh_cn,name_ru,region,address,timezone,latitude,longitude,phone,opening_hours,status\n"), "{exported}");
        assert_eq!(exported.lines().count(), 6);
        let (status, back) = app.json(csv_post("/api/v1/stores/import", &exported, &admin)).await;
        assert_eq!(status, StatusCode::OK, "{back}");
        assert_eq!(back["unchanged"], 5, "{back}");
        assert_eq!(audit_rows(&app).await, logged);

        // Not CSV, duplicate codes, a wrong header: refused whole.
        let (status, _) = app.post_json("/api/v1/stores/import", &json!({}), &admin).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, dup) = app.json(csv_post("/api/v1/stores/import", "code,name,region,timezone\nX-1,A,North,UTC\nX-1,B,North,UTC\n", &admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(dup["rows"][1]["problems"][0]["field"], "code");
        let (status, header_wrong) = app.json(csv_post("/api/v1/stores/import", "code,name\nX-1,A\n", &admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(header_wrong["file_problems"][0].as_str().unwrap_or("").contains("region"), "{header_wrong}");
        assert_eq!(store_count(&app).await, 5);
    }

    async fn the_admin_pages_create_a_store_refuse_a_wrong_one_and_import_a_file(app: TestApp) {
        let cookie = app.login("admin").await;
        let csrf = app.csrf_of(&cookie).await;
        let (status, _, page) = app.send(get_with_cookie("/admin/stores", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let page = String::from_utf8_lossy(&page).to_string();
        assert!(page.contains("N-1") && page.contains("South"), "lists stores and regions");

        // A wrong time zone: back to the form with the field marked and what was typed kept.
        let (status, headers, _) = app.send(form_post("/admin/stores",
            &format!("csrf={csrf}&code=W-1&name=West+One&region=North&timezone=Europe%2FLondn&address=9+Quay"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let back = headers[header::LOCATION].to_str().expect("location").to_string();
        assert!(back.starts_with("/admin/stores/new?error=timezone"), "{back}");
        let (_, _, form) = app.send(get_with_cookie(&back, &cookie)).await;
        let form = String::from_utf8_lossy(&form).to_string();
        assert!(form.contains("value=\"9 Quay\""), "typed values kept");
        assert!(form.contains("aria-invalid=\"true\""), "the field is marked");
        assert_eq!(store_count(&app).await, 3);

        let (status, headers, _) = app.send(form_post("/admin/stores",
            &format!("csrf={csrf}&code=W-1&name=West+One&region=North&timezone=Europe%2FLondon&address=9+Quay"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], "/admin/stores?created=W-1");
        // Without the CSRF token nothing happens.
        let (status, _, _) = app.send(form_post("/admin/stores/W-1/close", "csrf=wrong", Some(&cookie))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, headers, _) = app.send(form_post("/admin/stores/W-1/close", &format!("csrf={csrf}"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], "/admin/stores?closed=W-1");

        // Upload a file (multipart, as the browser sends it), see the preview, commit.
        let boundary = "XyZ";
        let file = "code,name,region,timezone\nW-2,West Two,West,Europe/Dublin\n";
        let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stores.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\r\n--{boundary}--\r\n");
        let upload = Request::builder().method(Method::POST).uri("/admin/stores/import")
            .header(header::HOST, "servscope.test").header(header::ORIGIN, "http://servscope.test")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body)).expect("request");
        let (status, headers, _) = app.send(upload).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let preview = headers[header::LOCATION].to_str().expect("location").to_string();
        let draft = preview.strip_prefix("/admin/stores/import?draft=").expect("a draft").to_string();
        let (_, _, page) = app.send(get_with_cookie(&preview, &cookie)).await;
        let page = String::from_utf8_lossy(&page).to_string();
        assert!(page.contains("W-2") && page.contains("West"), "the preview shows the row and the new region");
        assert_eq!(store_count(&app).await, 4, "previewing stores nothing");
        // Another admin's session cannot commit it (the draft is its uploader's).
        let (status, _, _) = app.send(form_post(&format!("/admin/stores/import/{draft}/commit"), "csrf=x", None)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "signed out: to sign-in");
        let (status, headers, _) = app.send(form_post(&format!("/admin/stores/import/{draft}/commit"), &format!("csrf={csrf}"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], "/admin/stores?imported=1");
        assert_eq!(store_count(&app).await, 5);
        // A replayed commit finds no draft.
        let (status, _, _) = app.send(form_post(&format!("/admin/stores/import/{draft}/commit"), &format!("csrf={csrf}"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, _, audit) = app.send(get_with_cookie("/admin/audit?kind=store&subject=W-1", &cookie)).await;
        let audit = String::from_utf8_lossy(&audit).to_string();
        assert!(audit.contains("closed") && audit.contains("West One"), "the audit page shows the store's changes");
    }
}
