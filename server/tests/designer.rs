//! The checklist designer: drafts saved form by form, problems kept out of published
//! versions, publishing as the next immutable version (assignments keep theirs), copies,
//! JSON import and export, what changed between versions, and `POST /api/v1/templates`.
//! Admins only. On both databases.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{form_post, get_with_cookie, TestApp};
use serde_json::{json, Value};

use app::domain::template_form::form_pairs;
use app::domain::Template;

/// A signed-in admin: the session cookie and its CSRF token.
async fn admin(app: &TestApp) -> (String, String) {
    let cookie = app.login("admin").await;
    let csrf = app.csrf_of(&cookie).await;
    (cookie, csrf)
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Post the designer form of `key` with these fields; the redirect's target.
async fn post_designer(
    app: &TestApp,
    (cookie, csrf): &(String, String),
    key: &str,
    fields: &[(&str, &str)],
) -> String {
    let mut pairs = vec![("csrf".to_string(), csrf.clone())];
    pairs.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let (status, headers, _) = app
        .send(form_post(
            &format!("/admin/templates/{key}/draft"),
            &encode(&pairs),
            Some(cookie),
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{fields:?}");
    headers[header::LOCATION]
        .to_str()
        .expect("location")
        .to_string()
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let (status, _, body) = app.send(get_with_cookie(path, cookie)).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn stored_draft(app: &TestApp, key: &str) -> Option<Template> {
    app::server::db::template_drafts::load(app.db(), key)
        .await
        .expect("query")
        .map(|d| d.template)
}

fn publish_request(body: &str, token: &str, content_type: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/api/v1/templates")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn builtin(key: &str) -> Template {
    app::domain::builtin::builtin_templates()
        .expect("built-ins")
        .into_iter()
        .find(|t| t.key == key)
        .expect("built-in")
}

both_backends! {
    async fn an_admin_builds_a_checklist_in_two_languages_and_publishes_it_once_it_has_no_problems(app: TestApp) {
        server::demo::publish_builtin_templates(app.db()).await.expect("templates");
        let session = admin(&app).await;
        let (cookie, csrf) = &session;
        let body = format!("csrf={csrf}&key=till-check&start=blank&channel=mystery_visit");
        let (_, headers, _) = app.send(form_post("/admin/templates", &body, Some(cookie))).await;
        assert_eq!(headers[header::LOCATION], "/admin/templates/till-check/draft?done=created");

        // Two questions, one section; each button saves the form first.
        let to = post_designer(&app, &session, "till-check", &[("title.en", "Till check"), ("title.ru", "Проверка кассы"), ("step", "add_question:0"), ("s0.new_type", "yes_no")]).await;
        assert!(to.starts_with("/admin/templates/till-check/draft?done=saved"), "{to}");
        post_designer(&app, &session, "till-check", &[("step", "add_question:0"), ("s0.new_type", "duration_seconds")]).await;
        let draft = stored_draft(&app, "till-check").await.expect("draft");
        assert_eq!(draft.title.ru.as_deref(), Some("Проверка кассы"));
        assert_eq!(draft.question_count(), 2);

        // Publishing with problems publishes nothing, and the page names each problem.
        let to = post_designer(&app, &session, "till-check", &[("step", "publish")]).await;
        assert!(to.contains("done=problems"), "{to}");
        assert_eq!(app.count("SELECT COUNT(*) FROM templates WHERE template_key = 'till-check'").await, 0);
        let (status, html) = page(&app, cookie, "/admin/templates/till-check/draft?done=problems").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(r#"data-problem-for="s0.q0.text.en""#), "a problem beside the question's English box");
        assert!(html.contains("A scored question needs one of the five dimensions"), "{html}");

        // A number box with words: the saved weight is kept and the box is named.
        let to = post_designer(&app, &session, "till-check", &[("s0.q0.weight", "heavy")]).await;
        assert!(to.contains("bad=s0.q0.weight"), "{to}");
        assert_eq!(stored_draft(&app, "till-check").await.expect("draft").sections[0].questions[0].weight, 1.0);

        let fixed = [
            ("s0.id", "till"), ("s0.title.en", "At the till"), ("s0.title.ru", "На кассе"),
            ("s0.q0.id", "greeted"), ("s0.q0.text.en", "Did the cashier greet you?"), ("s0.q0.text.ru", "Кассир поздоровался?"),
            ("s0.q0.dimension", "empathy"), ("s0.q0.weight", "2"), ("s0.q0.critical", "false"), ("s0.q0.critical", "true"),
            ("s0.q1.id", "queue_seconds"), ("s0.q1.text.en", "Seconds in the queue"), ("s0.q1.dimension", "responsiveness"),
            ("s0.q1.pass.at_most", "120"), ("s0.q1.show_if.question", "greeted"), ("s0.q1.show_if.equals", "yes"),
            ("step", "publish"),
        ];
        let to = post_designer(&app, &session, "till-check", &fixed).await;
        assert!(to.contains("done=published") && to.contains("version=1"), "{to}");
        assert!(stored_draft(&app, "till-check").await.is_none(), "the draft goes when published");
        let stored = app::server::db::templates::load_version(app.db(), "till-check", 1).await.expect("query").expect("v1");
        let q = &stored.template.sections[0].questions;
        assert_eq!((q[0].weight, q[0].critical, q[0].text.ru.as_deref()), (2.0, true, Some("Кассир поздоровался?")));
        assert_eq!(q[1].show_if.as_ref().map(|c| c.equals.clone()), Some(json!(true)));
        assert_eq!(q[1].pass.and_then(|p| p.at_most), Some(120.0));

        // Publishing is in the audit log; the new checklist can be assigned at once.
        let token = app.token("admin").await;
        let (_, log) = app.get("/api/v1/audit?kind=template", &token).await;
        assert_eq!(log[0]["subject"], "till-check");
        assert_eq!(log[0]["new"], "1");
        let day = chrono::Utc::now().date_naive().to_string();
        let (status, made) = app.post_json("/api/v1/assignments", &json!({"store": "N-1", "template": "till-check", "shopper": "shopper", "window_start": day, "window_end": day}), &token).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
    }

    async fn publishing_a_draft_makes_the_next_version_and_assignments_keep_the_one_they_pinned(app: TestApp) {
        server::demo::publish_builtin_templates(app.db()).await.expect("templates");
        let before = app.assignment("N-1", "instore-visit").await;
        let session = admin(&app).await;
        let visit = builtin("instore-visit");
        // The page's own fields, one weight changed: what an admin's browser posts.
        let mut pairs: Vec<(String, String)> = form_pairs(&visit);
        let weight = pairs.iter_mut().find(|(k, _)| k == "s0.q0.weight").expect("weight");
        weight.1 = "3".into();
        let fields: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        post_designer(&app, &session, "instore-visit", &fields).await;
        // Saving the draft publishes nothing.
        assert_eq!(app::server::db::templates::latest_version_number(app.db(), "instore-visit").await.expect("q"), Some(1));
        let (_, html) = page(&app, &session.0, "/admin/templates/instore-visit/changes?to=draft").await;
        assert!(html.contains("weight"), "the draft's change is listed");

        let to = post_designer(&app, &session, "instore-visit", &[("step", "publish")]).await;
        assert!(to.contains("version=2"), "{to}");
        let after = app.assignment("N-1", "instore-visit").await;
        let version_of = |id: i64| {
            let db = app.db().clone();
            async move {
                let v: i64 = sqlx::query_scalar("SELECT v.version FROM assignments a JOIN template_versions v ON v.id = a.template_version_id WHERE a.id = $1")
                    .bind(id).fetch_one(&db.pool).await.expect("version");
                v
            }
        };
        assert_eq!(version_of(before).await, 1, "made before: keeps version 1");
        assert_eq!(version_of(after).await, 2, "made after: version 2");
        let (_, html) = page(&app, &session.0, "/admin/templates/instore-visit/changes?from=1&to=2").await;
        assert!(html.contains(&visit.sections[0].questions[0].id), "the changed question is named");

        // Publishing a draft equal to the newest version publishes nothing.
        post_designer(&app, &session, "instore-visit", &[]).await;
        let to = post_designer(&app, &session, "instore-visit", &[("step", "publish")]).await;
        assert!(to.contains("done=unchanged"), "{to}");
        assert_eq!(app::server::db::templates::latest_version_number(app.db(), "instore-visit").await.expect("q"), Some(2));
    }

    async fn copies_json_import_export_and_discarding_work_on_drafts_only(app: TestApp) {
        server::demo::publish_builtin_templates(app.db()).await.expect("templates");
        let session = admin(&app).await;
        let (cookie, csrf) = &session;
        let create = |body: String| form_post("/admin/templates", &body, Some(cookie));
        let (_, headers, _) = app.send(create(format!("csrf={csrf}&key=visit-copy&start=copy&from=instore-visit"))).await;
        assert_eq!(headers[header::LOCATION], "/admin/templates/visit-copy/draft?done=created");
        let copy = stored_draft(&app, "visit-copy").await.expect("draft");
        assert_eq!(copy.question_count(), builtin("instore-visit").question_count());
        assert_eq!(copy.key, "visit-copy");
        for (body, error) in [
            (format!("csrf={csrf}&key=visit-copy&start=blank"), "error=key"),
            (format!("csrf={csrf}&key=Bad%20Key&start=blank"), "error=key"),
            (format!("csrf={csrf}&key=from-nothing&start=copy&from=no-such"), "error=from"),
            (format!("csrf={csrf}&key=from-json&start=json&json=%7B%22key%22%3A1%7D"), "error=json"),
        ] {
            let (_, headers, _) = app.send(create(body.clone())).await;
            assert!(headers[header::LOCATION].to_str().expect("loc").contains(error), "{body}");
        }

        // Export: the stored document, the same again on import.
        let (status, headers, body) = app.send(get_with_cookie("/admin/templates/instore-visit/json?version=1", cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[header::CONTENT_DISPOSITION].to_str().expect("cd").contains("instore-visit-v1.json"));
        let exported: Template = serde_json::from_slice(&body).expect("a template document");
        assert_eq!(exported, builtin("instore-visit"));
        let mut changed = exported.clone();
        changed.title.en = "Visit, imported".into();
        let import = |json: String| form_post("/admin/templates/visit-copy/import", &encode(&[("csrf".into(), csrf.clone()), ("json".into(), json)]), Some(cookie));
        let (_, headers, _) = app.send(import(serde_json::to_string(&changed).expect("json"))).await;
        assert_eq!(headers[header::LOCATION], "/admin/templates/visit-copy/draft?done=imported");
        let draft = stored_draft(&app, "visit-copy").await.expect("draft");
        assert_eq!((draft.title.en.as_str(), draft.key.as_str()), ("Visit, imported", "visit-copy"), "the page's key wins");
        let (_, headers, _) = app.send(import("{\"sections\": 3}".into())).await;
        assert!(headers[header::LOCATION].to_str().expect("loc").contains("import_error="));
        assert_eq!(stored_draft(&app, "visit-copy").await.expect("draft").title.en, "Visit, imported", "a refused import changes nothing");

        // Discarding a never-published checklist's draft removes it from the list.
        let (_, headers, _) = app.send(form_post("/admin/templates/visit-copy/discard", &format!("csrf={csrf}"), Some(cookie))).await;
        assert_eq!(headers[header::LOCATION], "/admin/templates?done=discarded");
        assert!(stored_draft(&app, "visit-copy").await.is_none());
        let (status, _) = page(&app, cookie, "/admin/templates/visit-copy/draft").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    async fn hostile_designer_posts_change_nothing_they_should_not(app: TestApp) {
        server::demo::publish_builtin_templates(app.db()).await.expect("templates");
        let session = admin(&app).await;
        // Steps naming items that are not there, and fields far out of range, are ignored.
        for step in ["remove_question:99:0", "move_up:0:0", "add_option:0:0", "remove_section:7", "drop:1", "add_question:0:sql"] {
            post_designer(&app, &session, "customer-pulse", &[("step", step), ("s999.q999.text.en", "x"), ("s0.q0.o99.points", "5")]).await;
        }
        let draft = stored_draft(&app, "customer-pulse").await.expect("saved");
        assert_eq!(draft, builtin("customer-pulse"), "nothing changed");
        // A wrong CSRF token or another site's form saves nothing.
        let (status, _, _) = app.send(form_post("/admin/templates/customer-pulse/draft", "csrf=wrong&title.en=Hacked", Some(&session.0))).await;
        assert_ne!(status, StatusCode::SEE_OTHER, "refused, not saved");
        assert_eq!(stored_draft(&app, "customer-pulse").await.expect("draft").title, builtin("customer-pulse").title);
        // A store manager is refused, and a key that is not a checklist is not found.
        let manager = app.login("manager.n1").await;
        let csrf = app.csrf_of(&manager).await;
        let (status, _, _) = app.send(form_post("/admin/templates/customer-pulse/draft", &format!("csrf={csrf}&step=publish"), Some(&manager))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The page repeats only the import's own words from its address, never other text.
        let (_, html) = page(&app, &session.0, "/admin/templates/customer-pulse/draft?import_error=Call%20evil.example%20now&done=%3Cb%3E").await;
        assert!(!html.contains("Call evil.example now"), "no planted message");
        assert!(!html.contains("<b>"), "no planted markup");
        let (_, html) = page(&app, &session.0, "/admin/templates?error=json&message=Call%20evil.example%20now").await;
        assert!(!html.contains("Call evil.example now"));
        let (status, _) = page(&app, &session.0, "/admin/templates/..%2Fetc/draft").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(app::server::db::templates::latest_version_number(app.db(), "customer-pulse").await.expect("q"), Some(1));
    }

    async fn the_api_publishes_a_json_document_as_the_next_version_of_its_key(app: TestApp) {
        server::demo::publish_builtin_templates(app.db()).await.expect("templates");
        let admin = app.token("admin").await;
        let mut doc = builtin("customer-pulse");
        let same = serde_json::to_string(&doc).expect("json");
        let (status, body) = app.json(publish_request(&same, &admin, "application/json")).await;
        assert_eq!((status, body["version"].clone(), body["published"].clone()), (StatusCode::OK, json!(1), json!(false)));

        doc.sections[0].questions[0].text.ru = Some("Новая формулировка".into());
        let changed = serde_json::to_string(&doc).expect("json");
        let (status, body) = app.json(publish_request(&changed, &admin, "application/json")).await;
        assert_eq!((status, body["version"].clone(), body["published"].clone()), (StatusCode::CREATED, json!(2), json!(true)));

        // Every problem with its field; nothing published.
        let mut bad: Value = serde_json::from_str(&changed).expect("json");
        bad["sections"][0]["questions"][0]["weight"] = json!(500);
        bad["sections"][0]["title"]["en"] = json!("");
        let (status, body) = app.json(publish_request(&bad.to_string(), &admin, "application/json")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let fields: Vec<&str> = body["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
        assert!(fields.contains(&"s0.q0.weight") && fields.contains(&"s0.title.en"), "{fields:?}");
        // A published checklist keeps what it is used for.
        let mut moved = doc.clone();
        moved.channel = app::domain::Channel::MysteryVisit;
        let (status, body) = app.json(publish_request(&serde_json::to_string(&moved).expect("json"), &admin, "application/json")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"][0]["field"], "channel");
        let (status, _) = app.json(publish_request("{\"key\":", &admin, "application/json")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = app.json(publish_request(&changed, &admin, "text/plain")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a cross-site form cannot publish");
        assert_eq!(app::server::db::templates::latest_version_number(app.db(), "customer-pulse").await.expect("q"), Some(2));

        // Only admins, and only with an admin-scoped token.
        for user in ["regional.north", "manager.n1", "shopper", "staff.n1"] {
            let token = app.token(user).await;
            let (status, _) = app.json(publish_request(&changed, &token, "application/json")).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
        }
        let read = app::server::auth::new_api_token();
        app::server::db::tokens::create_expiring_token(app.db(), 1, "read", (&read, &app::server::auth::sha256_hex(read.as_bytes())), app::server::now_ms(), (None, app::server::auth::TokenScope::Read)).await.expect("token");
        let (status, _) = app.json(publish_request(&changed, &read, "application/json")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a read token");
        let (status, _) = app.json(publish_request(&changed, "nope", "application/json")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}
