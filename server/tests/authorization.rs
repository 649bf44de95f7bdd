//! The authorization matrix: every route of `app::routes::ROUTES`, sent by every kind of user
//! (signed out, admin, regional manager inside and outside their region, store manager of
//! the store and of another, shopper, employee of the store and of another), on both
//! databases. Each answer is held to the route's declared `Who` and `Scope`: allowed means
//! any answer but 401, 403, 404 or a 5xx (a form may still find the input wrong); refused
//! means 401, 403 or 404. A new route that is not in the table fails
//! `every_route_of_the_router_is_in_the_table`.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{fake_jpeg, pulse, visit, TestApp};
use serde_json::json;

use app::api::wire::Role;
use app::routes::{Route, Scope, Serve, Who, ROUTES};

/// Someone sending requests: their login and the stores that are theirs.
struct Person {
    login: Option<&'static str>,
    role: Option<Role>,
    own: &'static [&'static str],
}

const PEOPLE: [Person; 7] = [
    Person {
        login: None,
        role: None,
        own: &[],
    },
    Person {
        login: Some("admin"),
        role: Some(Role::Admin),
        own: &["N-1", "S-1"],
    },
    Person {
        login: Some("regional.north"),
        role: Some(Role::RegionalManager),
        own: &["N-1"],
    },
    Person {
        login: Some("manager.n1"),
        role: Some(Role::StoreManager),
        own: &["N-1"],
    },
    Person {
        login: Some("shopper"),
        role: Some(Role::Shopper),
        own: &[],
    },
    Person {
        login: Some("staff.n1"),
        role: Some(Role::Employee),
        own: &["N-1"],
    },
    Person {
        login: Some("reviewer.north"),
        role: Some(Role::Reviewer),
        own: &["N-1"],
    },
];

/// Per store: a counted response, an open appeal of one of its items, and the survey key.
struct StoreFixture {
    code: &'static str,
    response: String,
    appeal: i64,
    /// An open complaint case of the store.
    case: i64,
    survey_key: String,
}

struct Fixtures {
    stores: Vec<StoreFixture>,
    token_id: i64,
    /// The North region (renamed to itself by the matrix).
    region_id: i64,
    /// A photo an admin uploaded, shown by N-1's response.
    photo: String,
    /// The same per target store: photos shown by that store's response.
    photo_of: Vec<(&'static str, String)>,
}

impl Fixtures {
    fn store(&self, code: &str) -> &StoreFixture {
        self.stores
            .iter()
            .find(|s| s.code == code)
            .expect("fixture store")
    }
}

async fn fixtures(app: &TestApp) -> Fixtures {
    let admin = app.token("admin").await;
    let mut stores = Vec::new();
    let mut photo_of = Vec::new();
    let mut first_photo = String::new();
    for (i, code) in ["N-1", "S-1"].into_iter().enumerate() {
        let (bytes, hash) = fake_jpeg(2_000, 40 + i as u8);
        let path = format!("/api/v1/photos/{hash}/upload?offset=0&size={}", bytes.len());
        assert_eq!(
            app.put_bytes(&path, bytes, "image/jpeg", &admin).await.0,
            StatusCode::OK
        );
        let mut body = visit(code);
        body["answers"]
            .as_array_mut()
            .expect("answers")
            .push(json!({"question": "receipt_photo", "value": hash}));
        let response = uuid::Uuid::new_v4().to_string();
        let (status, receipt) = app.put_response(&response, &body, &admin).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        let store = app::server::db::org::store_by_code(app.db(), code)
            .await
            .expect("db")
            .expect("store");
        let survey_key = app::server::db::survey_links::current_key(app.db(), store.id, 0)
            .await
            .expect("key");
        // The staff link exists once a manager has set its PIN.
        let pin = app::server::auth::hash_password("4821").expect("hash");
        app::server::db::org::set_staff_pin(app.db(), store.id, Some(&pin.0))
            .await
            .expect("pin");
        if first_photo.is_empty() {
            first_photo = hash.clone();
        }
        photo_of.push((code, hash));
        let manager = if code == "N-1" {
            "manager.n1"
        } else {
            "manager.s1"
        };
        let manager_id = app::server::db::users::actor_by_username(app.db(), manager)
            .await
            .expect("db")
            .expect("manager")
            .user_id;
        let appeal = match app::server::db::appeals::open(
            app.db(),
            &response,
            &[app::domain::review::ItemComment {
                question: "floor_tidy".into(),
                text: "matrix".into(),
            }],
            manager_id,
            app::server::now_ms(),
        )
        .await
        .expect("appeal")
        {
            app::server::db::appeals::Opened::Opened(ids) => ids[0],
            app::server::db::appeals::Opened::AlreadyAppealed(_) => panic!("a fresh response"),
        };
        let (status, opened) = app
            .post_json(
                "/api/v1/cases",
                &json!({"store": code, "category": "other", "description": "matrix"}),
                &admin,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{opened}");
        let case = opened["id"].as_i64().expect("case id");
        stores.push(StoreFixture {
            code,
            response,
            appeal,
            case,
            survey_key,
        });
    }
    let token = app::server::auth::new_api_token();
    let token_id = app::server::db::tokens::create_token(
        app.db(),
        1,
        "matrix",
        &token,
        &app::server::auth::sha256_hex(token.as_bytes()),
        0,
    )
    .await
    .expect("token");
    let region_id = app::server::db::org::region_id_by_name(app.db(), "North")
        .await
        .expect("db")
        .expect("North");
    Fixtures {
        stores,
        token_id,
        region_id,
        photo: first_photo,
        photo_of,
    }
}

/// What the route should answer this person for this store.
fn allowed(route: &Route, person: &Person, target: &str) -> bool {
    let in_scope = route.scope == Scope::Own || person.own.contains(&target);
    match route.who {
        Who::Anyone => true,
        Who::SignedIn => person.role.is_some() && in_scope,
        Who::Roles(roles) => person.role.is_some_and(|r| roles.contains(&r)) && in_scope,
    }
}

async fn fill(app: &TestApp, route: &Route, person: &Person, target: &str, f: &Fixtures) -> String {
    let store = f.store(target);
    let id = if route.path.ends_with("/restore") {
        // A cancelled assignment of its own, to be restored.
        let id = app.assignment(target, "instore-visit").await;
        sqlx::query("UPDATE assignments SET cancelled_at = 1 WHERE id = $1")
            .bind(id)
            .execute(&app.db().pool)
            .await
            .expect("cancel");
        id.to_string()
    } else if route.path.contains("assign") {
        // Cancelling changes it: each request gets an open assignment of its own.
        app.assignment(target, "instore-visit").await.to_string()
    } else if route.method == app::routes::Method::Put {
        uuid::Uuid::new_v4().to_string()
    } else if route.path.starts_with("/appeals/") || route.path.starts_with("/api/v1/appeals/") {
        store.appeal.to_string()
    } else if route.path.starts_with("/api/v1/cases/") {
        store.case.to_string()
    } else if route.path.starts_with("/admin/tokens") {
        f.token_id.to_string()
    } else if route.path.starts_with("/admin/regions/") {
        f.region_id.to_string()
    } else if route.path.starts_with("/admin/stores/import/") {
        // A commit consumes its draft: each request gets a file of its own, the admin's.
        let id = app::server::auth::new_secret();
        app::server::db::store_setup::save_import_draft(
            app.db(),
            &id,
            1,
            "code,name,region,timezone\nM-1,Matrix,North,Europe/London\n",
            app::server::now_ms(),
        )
        .await
        .expect("draft");
        id
    } else {
        store.response.clone()
    };
    // An employee's template is the self-assessment (the mystery checklists are not theirs:
    // tested in `employees_read_no_raw_responses_photos_or_mystery_checklists`).
    let is_template =
        route.path.starts_with("/api/v1/templates") || route.path.starts_with("/admin/templates/");
    let key = match (is_template, person.role) {
        (true, Some(Role::Employee)) => "employee-self".to_string(),
        (true, _) => "instore-visit".to_string(),
        (false, _) => store.survey_key.clone(),
    };
    let photo = f
        .photo_of
        .iter()
        .find(|(c, _)| *c == target)
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| f.photo.clone());
    // A person is the store staff of the target store (a regional manager's for N-1 only).
    let person = if target == "N-1" {
        "staff.n1"
    } else {
        "staff.s1"
    };
    route
        .path
        .replace("{username}", person)
        .replace("{token}", "not-a-link")
        .replace("{code}", target)
        .replace("{key}", &key)
        .replace("{version}", "1")
        .replace("{id}", &id)
        .replace("{sha256}", &photo)
}

/// The arguments of a server function, as the hydrated page posts them.
fn server_fn_args(path: &str, target: &str, f: &Fixtures) -> String {
    let store = f.store(target);
    match path {
        "/api/stores" => "search=".into(),
        "/api/store-form" => "code=".into(),
        "/api/person-page" => "username=staff.n1".into(),
        "/api/designer-page" | "/api/checklist-changes" => "key=instore-visit".into(),
        "/api/invitation-page" => "token=not-a-link".into(),
        "/api/survey-link" => format!("code={target}&lang=&ch="),
        "/api/customer-answers" => format!("code={target}&flagged="),
        "/api/league" => "weeks=12&sort=&dir=&region=&page=1".into(),
        "/api/report" => format!("id={}", store.response),
        "/api/reviews" => "status=&region=&store=&shopper=&flag=".into(),
        "/api/comments" => format!("code={target}&weeks=12&after="),
        "/api/team" => format!("code={target}"),
        "/api/scorecard" => format!("code={target}&weeks=12&measure=&channel="),
        _ => String::new(),
    }
}

/// A JSON body each role would send.
fn json_body(route: &Route, person: &Person, target: &str) -> serde_json::Value {
    match route.path {
        "/api/v1/responses/{id}" => match person.role {
            Some(Role::Shopper) => visit(target),
            Some(Role::Employee) => {
                let mut own = pulse(target, 8);
                own["template"] = json!("employee-self");
                own["channel"] = json!("employee_self");
                own["answers"] = json!([{"question":"recommend","value":8},{"question":"store_tidy","value":4},{"question":"got_what_promised","value":4},
                    {"question":"served_promptly","value":5},{"question":"staff_competent","value":4},{"question":"felt_cared_for","value":3}]);
                own
            }
            _ => pulse(target, 9),
        },
        // Counting a counted response changes nothing, so later routes still find it.
        "/api/v1/responses/{id}/status" => json!({"status": "counted", "reason": "matrix"}),
        "/api/v1/targets" => json!({"store": target, "measure": "overall", "value": 80}),
        // A counted visit cannot be released again: answered 409, after the scope check.
        "/api/v1/responses/{id}/decision" => json!({"decision": "release"}),
        "/api/v1/responses/{id}/appeals" => {
            json!({"items": [{"question": "entrance_clean", "reason": "matrix"}]})
        }
        "/api/v1/appeals/{id}/decision" => json!({"decision": "rejected", "reply": "matrix"}),
        "/api/v1/cases" => json!({"store": target, "category": "other", "description": "matrix"}),
        // A note keeps the case open for the routes after it.
        "/api/v1/cases/{id}/events" => json!({"action": "note", "note": "matrix"}),
        // Changing nothing: later routes find the stores as they were.
        "/api/v1/stores/{code}" => json!({}),
        "/api/v1/stores" => {
            json!({"code": "M-9", "name": "Matrix", "region": "North", "timezone": "Europe/London"})
        }
        "/api/v1/regions" => json!({"name": format!("Matrix {}", uuid::Uuid::new_v4())}),
        "/api/v1/users" => {
            json!({"username": format!("m-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]),
            "display_name": "Matrix", "role": "employee", "stores": [target]})
        }
        "/api/v1/users/{username}" => json!({}),
        "/api/v1/assignments" => {
            json!({"store": target, "template": "instore-visit", "shopper": "shopper",
            "window_start": chrono::Utc::now().date_naive().to_string(), "window_end": chrono::Utc::now().date_naive().to_string()})
        }
        _ => json!({}),
    }
}

/// Signed-in sessions, one per person (signing in is rate-limited, as it should be).
type Sessions = std::collections::HashMap<&'static str, (String, String)>;

async fn session(
    app: &TestApp,
    sessions: &mut Sessions,
    login: &'static str,
    fresh: bool,
) -> (String, String) {
    if fresh {
        let cookie = app.login(login).await;
        return (cookie.clone(), app.csrf_of(&cookie).await);
    }
    if let Some(s) = sessions.get(login) {
        return s.clone();
    }
    let cookie = app.login(login).await;
    let s = (cookie.clone(), app.csrf_of(&cookie).await);
    sessions.insert(login, s.clone());
    s
}

async fn request(
    app: &TestApp,
    sessions: &mut Sessions,
    route: &Route,
    person: &Person,
    target: &str,
    f: &Fixtures,
) -> Request<Body> {
    let mut path = fill(app, route, person, target, f).await;
    let (cookie, csrf) = match person.login {
        // Signing out ends the session: that request gets a session of its own.
        Some(login) => {
            let ends_sessions =
                matches!(route.path, "/auth/logout" | "/account/sign-out-everywhere");
            let (cookie, csrf) = session(app, sessions, login, ends_sessions).await;
            if route.path == "/account/sign-out-everywhere" {
                // Every session of this person ends: later routes sign in again.
                sessions.remove(login);
            }
            (Some(cookie), csrf)
        }
        None => (None, String::new()),
    };
    let method = match route.method {
        app::routes::Method::Get => Method::GET,
        app::routes::Method::Post => Method::POST,
        app::routes::Method::Put => Method::PUT,
        app::routes::Method::Patch => Method::PATCH,
    };
    let (content_type, body) = if route.method == app::routes::Method::Get {
        (None, Vec::new())
    } else if route.serve == Serve::ServerFn {
        (
            Some("application/x-www-form-urlencoded"),
            server_fn_args(route.path, target, f).into_bytes(),
        )
    } else if route.path == "/api/v1/stores/import" {
        (
            Some("text/csv"),
            "code,name,region,timezone\nN-1,North One,North,Europe/London\n"
                .as_bytes()
                .to_vec(),
        )
    } else if route.path == "/admin/stores/import" {
        let body = format!("--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--B\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\ncode,name,region,timezone\nN-1,North One,North,Europe/London\n\r\n--B--\r\n");
        (Some("multipart/form-data; boundary=B"), body.into_bytes())
    } else if route.path.ends_with("/upload") {
        let (bytes, hash) = fake_jpeg(1_000, 99);
        path = format!("/api/v1/photos/{hash}/upload?offset=0&size={}", bytes.len());
        (Some("image/jpeg"), bytes)
    } else if route.path.starts_with("/api/") {
        (
            Some("application/json"),
            json_body(route, person, target).to_string().into_bytes(),
        )
    } else {
        let today = chrono::Utc::now().date_naive();
        let extra = match route.path {
            "/auth/login" => "&username=admin&password=wrong".to_string(),
            "/admin/tokens" => "&name=matrix".to_string(),
            "/admin/regions/{id}" => "&name=North".to_string(),
            "/admin/organisation" => "&name=Test+Retail".to_string(),
            "/assign" => format!("&store={target}&template=instore-visit&shopper=shopper&window_start={today}&window_end={today}&instructions="),
            "/stores/{code}/staff-pin" => "&pin=4821".to_string(),
            "/staff/{code}/pin" => "&pin=0000".to_string(),
            "/responses/{id}/decision" => "&decision=release".to_string(),
            "/responses/{id}/appeals" => "&appeal.prices_visible=matrix".to_string(),
            "/appeals/{id}/decision" => "&outcome=rejected&reply=matrix".to_string(),
            _ => String::new(),
        };
        (
            Some("application/x-www-form-urlencoded"),
            format!("csrf={csrf}{extra}").into_bytes(),
        )
    };
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "servscope.test")
        .header(header::ORIGIN, "http://servscope.test");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    if let Some(t) = content_type {
        b = b.header(header::CONTENT_TYPE, t);
    }
    b.body(Body::from(body)).expect("request")
}

/// 401, 403, 404, or (a browser form sent signed out) a redirect to sign in.
fn refused(status: StatusCode, headers: &axum::http::HeaderMap) -> bool {
    let to_sign_in = status == StatusCode::SEE_OTHER
        && headers
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            // Signing out everywhere also ends at the sign-in page, saying so: not a refusal.
            .is_some_and(|l| l.starts_with("/login") && !l.starts_with("/login?signed_out"));
    to_sign_in
        || matches!(
            status,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        )
}

// Every person signs in again after the routes that end sessions, and the password and
// invitation forms count against the sign-in limits too: more than a minute's default allowance.
both_backends! {
    settings = app::server::state::Settings { login_attempts_per_minute: 100, ..Default::default() };
    async fn every_route_answers_every_role_as_the_route_table_declares(app: TestApp) {
        let f = fixtures(&app).await;
        let mut sessions = Sessions::new();
        let mut wrong = Vec::new();
        let mut checked = 0;
        for route in ROUTES {
            let targets: &[&str] = if route.scope == Scope::Own { &["N-1"] } else { &["N-1", "S-1"] };
            for person in &PEOPLE {
                for target in targets {
                    let req = request(&app, &mut sessions, route, person, target, &f).await;
                    let (status, headers, body) = app.send(req).await;
                    let expect = allowed(route, person, target);
                    let ok = if status.is_server_error() {
                        false
                    } else if route.who == Who::Anyone {
                        // Sign-in and sign-out answer with a redirect to the sign-in page.
                        true
                    } else if expect {
                        !refused(status, &headers)
                    } else {
                        refused(status, &headers)
                    };
                    checked += 1;
                    if !ok {
                        wrong.push(format!(
                            "{} {} as {} for {target}: {status} (expected {}) {}",
                            route.method.as_str(), route.path, person.login.unwrap_or("anonymous"),
                            if expect { "allowed" } else { "refused" },
                            String::from_utf8_lossy(&body).chars().take(120).collect::<String>()
                        ));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{} of {checked} answers differ from the route table:\n{}", wrong.len(), wrong.join("\n"));
    }
}

#[test]
fn every_route_of_the_router_is_in_the_table() {
    // The router's sources, read as text: each `.route("…")` must have its row.
    let sources = [
        (include_str!("../src/http/mod.rs"), ""),
        (include_str!("../src/http/api_v1/mod.rs"), "/api/v1"),
    ];
    let mut missing = Vec::new();
    for (text, prefix) in sources {
        for part in text.split(".route(").skip(1) {
            let Some(path) = part
                .trim_start()
                .strip_prefix('"')
                .and_then(|p| p.split('"').next())
            else {
                continue;
            };
            let full = format!("{prefix}{path}");
            if !ROUTES.iter().any(|r| r.path == full) {
                missing.push(full);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes without a row in app::routes::ROUTES: {missing:?}"
    );
}

/// Query strings and path segments an attacker (or a broken scanner) sends.
const HOSTILE_QUERIES: [&str; 14] = [
    "weeks=-1&page=-1&limit=-1",
    "weeks=99999999999999999999999&page=4294967296&limit=9223372036854775808",
    "next=%0d%0aSet-Cookie:%20x=1",
    "next=/%09/example.com&to=en",
    "next=%00&to=ru",
    "lang=%00&ch=%ff%fe",
    "q=%ff%fe%fd&search=%c0%af",
    "sort=%27;DROP%20TABLE%20responses;--&dir=sideways&region=%25",
    "offset=18446744073709551615&size=1",
    "measure=%3Cscript%3E&channel=%3Cscript%3E",
    "flagged=only&status=held&after=not-a-cursor",
    "a=1&a=2&weeks=1&weeks=2",
    "%=%&&=&==",
    "after=9999999999999999999|x",
];

const HOSTILE_SEGMENTS: [&str; 7] = [
    "%2e%2e%2f%2e%2e",
    "..%2f..%2fetc%2fpasswd",
    "%00",
    "%ff%fe",
    "%0d%0a",
    "a%20b%09c",
    "%25%25%25",
];

both_backends! {
    async fn no_query_string_or_encoded_path_gives_a_server_error(app: TestApp) {
        let f = fixtures(&app).await;
        let admin = app.login("admin").await;
        let long = "x".repeat(10_000);
        let mut failures = Vec::new();
        for route in ROUTES.iter().filter(|r| r.method == app::routes::Method::Get) {
            let base = fill(&app, route, &PEOPLE[1], "N-1", &f).await;
            let mut paths: Vec<String> = HOSTILE_QUERIES.iter().map(|q| format!("{base}?{q}")).collect();
            paths.push(format!("{base}?q={long}&next=/{long}"));
            for seg in HOSTILE_SEGMENTS {
                let p = route.path.replace("{code}", seg).replace("{key}", seg).replace("{id}", seg)
                    .replace("{sha256}", seg).replace("{version}", seg).replace("{username}", seg).replace("{token}", seg);
                if p != route.path {
                    paths.push(p);
                }
            }
            for path in paths {
                for cookie in [None, Some(admin.as_str())] {
                    let mut b = Request::builder().uri(path.as_str());
                    if let Some(c) = cookie {
                        b = b.header(header::COOKIE, c);
                    }
                    let Ok(req) = b.body(Body::empty()) else { continue };
                    let (status, headers, _) = app.send(req).await;
                    if status.is_server_error() {
                        failures.push(format!("{status} for GET {path}"));
                    }
                    if let Some(location) = headers.get(header::LOCATION) {
                        let l = location.to_str().unwrap_or("<not text>");
                        if !l.starts_with('/') || l.starts_with("//") || l.contains('\\') {
                            failures.push(format!("GET {path} redirects off the site: {l:?}"));
                        }
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
