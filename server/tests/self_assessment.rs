//! Employee self-assessment: on an employee's own login and through the store's staff link
//! with a PIN, once per month each, anonymous, and shown to managers only as totals of at
//! least three answers. Against real SQLite and PostgreSQL.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use common::{form_post, get_with_cookie, TestApp, PASSWORD};
use serde_json::json;

const ANSWERS: [(&str, &str); 7] = [
    ("q.recommend", "8"),
    ("q.store_tidy", "4"),
    ("q.got_what_promised", "4"),
    ("q.served_promptly", "3"),
    ("q.staff_competent", "5"),
    ("q.felt_cared_for", "4"),
    ("q.comment", "A second till at lunch time"),
];

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    page.split_once(&marker)
        .map(|(_, rest)| rest.split('"').next().unwrap_or("").to_string())
        .unwrap_or_default()
}

fn text(body: Vec<u8>) -> String {
    String::from_utf8(body).expect("utf8")
}

fn body_of(page: &str, extra: &[(&str, &str)]) -> String {
    let mut fields: Vec<(String, String)> = ["rid", "opened", "lang", "csrf"]
        .iter()
        .map(|n| (n.to_string(), hidden(page, n)))
        .collect();
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&fields)
        .finish()
}

/// A request from a phone at `ip` with `cookie`.
fn from(ip: u8, method: Method, path: &str, cookie: &str, body: Option<String>) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "servscope.test")
        .header(header::COOKIE, cookie);
    if body.is_some() {
        b = b
            .header(header::ORIGIN, "http://servscope.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    let mut req = b
        .body(body.map(Body::from).unwrap_or_default())
        .expect("request");
    req.extensions_mut().insert(ConnectInfo(SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(198, 51, 100, ip)),
        40000,
    )));
    req
}

/// The cookies a response sets, as one `Cookie` header value added to `jar`.
fn keep_cookies(jar: &str, headers: &axum::http::HeaderMap) -> String {
    let mut pairs: Vec<String> = jar
        .split("; ")
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    for set in headers.get_all(header::SET_COOKIE) {
        let pair = set
            .to_str()
            .expect("ascii")
            .split(';')
            .next()
            .expect("pair");
        let name = pair.split('=').next().expect("name");
        pairs.retain(|p| !p.starts_with(&format!("{name}=")));
        pairs.push(pair.to_string());
    }
    pairs.join("; ")
}

async fn self_answers(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM responses WHERE channel = 'employee_self'")
        .await
}

/// An employee answers on their own login; returns the Location of the outcome.
async fn answer_on_login(app: &TestApp, cookie: &str) -> (StatusCode, String) {
    let (status, _, page) = app.send(get_with_cookie("/self", cookie)).await;
    assert_eq!(status, StatusCode::OK);
    let page = text(page);
    let (status, headers, _) = app
        .send(form_post("/self", &body_of(&page, &ANSWERS), Some(cookie)))
        .await;
    let location = headers
        .get(header::LOCATION)
        .map(|l| l.to_str().expect("ascii").to_string())
        .unwrap_or_default();
    (status, location)
}

both_backends! {
    async fn an_employee_answers_once_a_month_on_their_login_and_the_answer_names_nobody(app: TestApp) {
        let cookie = app.login("staff.n1").await;
        let (_, _, page) = app.send(get_with_cookie("/self", &cookie)).await;
        let page = text(page);
        assert!(page.contains("Our service, in our own eyes"));
        assert!(page.contains("North One"));
        assert!(!page.contains("contact_phone"), "no call-back part for staff");
        assert!(page.contains("href=\"/lang?to=ru&amp;next=/self\""), "an employee's language choice is remembered");
        // Their way back to their store, and out, on a page without the app's header.
        assert!(page.contains(r#"<a href="/stores">My store</a>"#) && page.contains(r#"action="/auth/logout""#));
        let (status, location) = answer_on_login(&app, &cookie).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/self/thanks?lang=en"));
        let (_, _, thanks) = app.send(get_with_cookie(&location, &cookie)).await;
        let thanks = text(thanks);
        assert!(thanks.contains("Your answers count for this month, anonymously"));
        assert!(thanks.contains(r#"action="/auth/logout""#), "sign-out on the thank-you page too");
        // Signing in, an employee starts at the self-assessment; their store card leads there.
        let (_, headers, _) = app.send(form_post("/auth/login", &format!("username=staff.n1&password={PASSWORD}"), None)).await;
        assert_eq!(headers[header::LOCATION], "/self");
        let (_, _, stores) = app.send(get_with_cookie("/stores", &cookie)).await;
        assert!(text(stores).contains(r#"href="/self""#), "the employee's store card links to the self-assessment");
        // Opened again this month: said at once, no form to fill in for nothing.
        let (status, _, again) = app.send(get_with_cookie("/self", &cookie)).await;
        let again = text(again);
        assert_eq!(status, StatusCode::OK);
        assert!(again.contains("already answered the self-assessment this month") && !again.contains("q.recommend"));
        // A form opened before the answer (another tab) is thanked, not stored.
        let (_, headers, _) = app.send(form_post("/self", &body_of(&page, &ANSWERS), Some(&cookie))).await;
        assert_eq!(headers[header::LOCATION], "/self/thanks?lang=en&already=1");
        assert_eq!(self_answers(&app).await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM responses WHERE channel = 'employee_self' AND submitted_by IS NULL AND period IS NOT NULL").await, 1);
        // The claim names the employee only by a keyed hash.
        assert_eq!(app.count("SELECT COUNT(*) FROM self_assessment_claims WHERE LENGTH(respondent) = 64").await, 1);

        // Through the API the same rule holds.
        let token = app.token("staff.n1").await;
        let put = json!({"template":"employee-self","template_version":1,"store":"N-1","channel":"employee_self",
            "started_at":"2026-11-01T10:00:00Z","finished_at":"2026-11-01T10:03:00Z",
            "answers":[{"question":"recommend","value":8},{"question":"store_tidy","value":4},{"question":"got_what_promised","value":4},
                {"question":"served_promptly","value":5},{"question":"staff_competent","value":4},{"question":"felt_cared_for","value":3}]});
        let (status, body) = app.put_response(&uuid::Uuid::new_v4().to_string(), &put, &token).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(self_answers(&app).await, 1);
    }

    async fn the_form_needs_an_employee_and_a_csrf_token(app: TestApp) {
        let anonymous = Request::builder().uri("/self").body(Body::empty()).expect("request");
        let (status, _, page) = app.send(anonymous).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(text(page).contains("/login?next=/self"));
        let manager = app.login("manager.n1").await;
        assert_eq!(app.send(get_with_cookie("/self", &manager)).await.0, StatusCode::FORBIDDEN);
        let cookie = app.login("staff.n1").await;
        let (_, _, page) = app.send(get_with_cookie("/self", &cookie)).await;
        let forged = body_of(&text(page), &ANSWERS).replace("csrf=", "csrf=x");
        assert_eq!(app.send(form_post("/self", &forged, Some(&cookie))).await.0, StatusCode::FORBIDDEN);
        assert_eq!(self_answers(&app).await, 0);
    }

    async fn the_staff_link_opens_with_the_stores_pin_and_takes_one_answer_per_phone_a_month(app: TestApp) {
        // No PIN yet: no staff link.
        assert_eq!(app.send(from(1, Method::GET, "/staff/N-1", "", None)).await.0, StatusCode::NOT_FOUND);
        // Another store's manager cannot open it; the store's manager can.
        let other = app.login("manager.s1").await;
        let (_, _, page) = app.send(get_with_cookie("/stores/S-1/qr", &other)).await;
        let csrf = hidden(&text(page), "csrf");
        let (status, _, _) = app.send(form_post("/stores/N-1/staff-pin", &format!("csrf={csrf}&pin=1234"), Some(&other))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let manager = app.login("manager.n1").await;
        let (_, _, page) = app.send(get_with_cookie("/stores/N-1/qr", &manager)).await;
        let page = text(page);
        assert!(page.contains("/staff/N-1"));
        let csrf = hidden(&page, "csrf");
        let (_, headers, _) = app.send(form_post("/stores/N-1/staff-pin", &format!("csrf={csrf}&pin=12a4"), Some(&manager))).await;
        assert_eq!(headers[header::LOCATION], "/stores/N-1/qr?pin=invalid");
        let (_, headers, _) = app.send(form_post("/stores/N-1/staff-pin", &format!("csrf={csrf}&pin=482913"), Some(&manager))).await;
        assert_eq!(headers[header::LOCATION], "/stores/N-1/qr?pin=set");
        assert_eq!(app.count("SELECT COUNT(*) FROM stores WHERE staff_pin_hash LIKE '$argon2%'").await, 1);

        // The link asks for the PIN; a wrong one is refused, and guessing is limited.
        let (status, _, page) = app.send(from(2, Method::GET, "/staff/N-1", "", None)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(text(page).contains("Staff PIN"));
        for _ in 0..5 {
            let (status, headers, _) = app.send(from(2, Method::POST, "/staff/N-1/pin", "", Some("pin=0000".into()))).await;
            assert_eq!((status, headers[header::LOCATION].to_str().expect("ascii")), (StatusCode::SEE_OTHER, "/staff/N-1?wrong=1"));
        }
        let (status, _, _) = app.send(from(2, Method::POST, "/staff/N-1/pin", "", Some("pin=482913".into()))).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the sixth try from one address waits, even with the right PIN");
        // A post without the PIN is sent back to the PIN prompt.
        let (status, headers, _) = app.send(from(3, Method::POST, "/staff/N-1", "", Some("q.recommend=9".into()))).await;
        assert_eq!((status, headers[header::LOCATION].to_str().expect("ascii")), (StatusCode::SEE_OTHER, "/staff/N-1"));

        // Another phone with the right PIN answers once this month.
        let (status, headers, _) = app.send(from(3, Method::POST, "/staff/N-1/pin", "", Some("pin=482913".into()))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let mut jar = keep_cookies("", &headers);
        assert!(jar.contains("servscope_staff="));
        // Two tabs opened before answering: the first is stored, the second thanked only.
        let mut tabs = Vec::new();
        for _ in 0..2 {
            let (status, headers, page) = app.send(from(3, Method::GET, "/staff/N-1", &jar, None)).await;
            assert_eq!(status, StatusCode::OK);
            jar = keep_cookies(&jar, &headers);
            let page = text(page);
            assert!(page.contains("Our service, in our own eyes"));
            tabs.push(page);
        }
        // One PIN entry gives one answer: the second tab is sent back to the PIN prompt.
        for (page, expected) in tabs.iter().zip(["/staff/N-1/thanks?lang=en", "/staff/N-1"]) {
            let (status, headers, _) = app.send(from(3, Method::POST, "/staff/N-1", &jar, Some(body_of(page, &ANSWERS)))).await;
            assert_eq!((status, headers[header::LOCATION].to_str().expect("ascii")), (StatusCode::SEE_OTHER, expected));
            jar = keep_cookies(&jar, &headers);
        }
        let (_, _, used) = app.send(from(3, Method::GET, "/staff/N-1", &jar, None)).await;
        assert!(text(used).contains("Staff PIN"), "the pass is used up");
        // A fresh device cookie does not make a second answer out of one PIN entry.
        let fresh_phone = jar.split("; ").filter(|c| !c.starts_with("servscope_device=")).collect::<Vec<_>>().join("; ");
        let (status, headers, _) = app.send(from(3, Method::POST, "/staff/N-1", &fresh_phone, Some(body_of(&tabs[1], &ANSWERS)))).await;
        assert_eq!((status, headers[header::LOCATION].to_str().expect("ascii")), (StatusCode::SEE_OTHER, "/staff/N-1"));
        assert_eq!(self_answers(&app).await, 1);
        // With the PIN again, the same phone is told it answered this month, at once.
        let (_, headers, _) = app.send(from(3, Method::POST, "/staff/N-1/pin", &jar, Some("pin=482913".into()))).await;
        jar = keep_cookies(&jar, &headers);
        let (_, _, again) = app.send(from(3, Method::GET, "/staff/N-1", &jar, None)).await;
        let again = text(again);
        assert!(again.contains("already answered the self-assessment this month") && !again.contains("q.recommend"));
        assert_eq!(self_answers(&app).await, 1);
        // The pass is for this store only.
        assert_eq!(app.send(from(3, Method::GET, "/staff/S-1", &jar, None)).await.0, StatusCode::NOT_FOUND);
    }

    async fn managers_see_the_teams_totals_only_from_three_answers(app: TestApp) {
        let manager = app.login("manager.n1").await;
        let token = app.token("manager.n1").await;
        // Two employees answered (one on login; the second copied, as another account would).
        let staff = app.login("staff.n1").await;
        answer_on_login(&app, &staff).await;
        let copy = "INSERT INTO responses (id, store_id, template_version_id, channel, submitted_by, started_at, finished_at, received_at,
                body_hash, answers, points_earned, points_possible, not_applicable, score_pct, critical_failed, recommend, dimension_scores, flags, period)
             SELECT $1, store_id, template_version_id, channel, NULL, started_at, finished_at, received_at, body_hash, answers, points_earned,
                points_possible, not_applicable, score_pct, critical_failed, recommend, dimension_scores, flags, period
             FROM responses WHERE channel = 'employee_self' ORDER BY id LIMIT 1";
        sqlx::query(copy).bind(uuid::Uuid::new_v4().to_string()).execute(&app.db().pool).await.expect("second answer");
        let shown = text(app.send(get_with_cookie("/stores/N-1/team", &manager)).await.2);
        assert!(shown.contains(": 2 answers"), "the count is shown");
        assert!(shown.contains("Totals are shown once at least 3 colleagues have answered"));
        assert!(!shown.contains("A second till at lunch time"), "no comment of one of two");
        let (_, list) = app.get("/api/v1/stores/N-1/responses", &token).await;
        assert!(list.as_array().expect("list").iter().all(|r| r["channel"] != "employee_self"), "no single self-assessment through the API");

        // A third: totals and comments appear, still without names or times.
        sqlx::query(copy).bind(uuid::Uuid::new_v4().to_string()).execute(&app.db().pool).await.expect("third answer");
        let shown = text(app.send(get_with_cookie("/stores/N-1/team", &manager)).await.2);
        assert!(shown.contains(": 3 answers"));
        assert!(shown.contains("The store was clean") || shown.contains("Our store is clean"), "questions labelled");
        assert!(shown.contains(">4</td>") || shown.contains(">4.0</td>"), "the mean of the tidy question: {shown}");
        assert!(shown.contains("A second till at lunch time"));
        // Never one by one, however many there are: not in the API, not in the export.
        let (_, list) = app.get("/api/v1/stores/N-1/responses", &token).await;
        assert_eq!(list.as_array().expect("list").iter().filter(|r| r["channel"] == "employee_self").count(), 0);
        let id: String = sqlx::query_scalar("SELECT id FROM responses WHERE channel = 'employee_self' LIMIT 1")
            .fetch_one(&app.db().pool).await.expect("id");
        assert_eq!(app.get(&format!("/api/v1/responses/{id}"), &token).await.0, StatusCode::NOT_FOUND);
        let (_, _, csv) = app.send(get_with_cookie("/export/responses.csv?weeks=4", &manager)).await;
        assert!(!text(csv).contains("employee_self"));
    }
}
