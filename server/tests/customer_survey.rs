//! The customer survey behind a store's QR code, driven through the real router as a browser
//! without JavaScript would: open the page, post the form, follow the redirect. Against real
//! SQLite and PostgreSQL.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use common::{get_with_cookie, TestApp};

use app::server::db::{org, survey_links};
use app::server::state::Settings;

/// A customer's phone: its cookie jar (the device cookie) and its network address.
struct Phone {
    cookie: Option<String>,
    ip: IpAddr,
}

impl Phone {
    fn new(last_octet: u8) -> Phone {
        Phone {
            cookie: None,
            ip: IpAddr::V4(Ipv4Addr::new(203, 0, 113, last_octet)),
        }
    }

    fn request(&self, method: Method, path: &str, body: Option<String>) -> Request<Body> {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "servscope.test");
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, c);
        }
        let mut req = match body {
            Some(body) => b
                .header(header::ORIGIN, "http://servscope.test")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body)),
            None => b.body(Body::empty()),
        }
        .expect("request");
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(self.ip, 40000)));
        req
    }

    fn remember(&mut self, headers: &HeaderMap) {
        if let Some(set) = headers.get(header::SET_COOKIE) {
            let pair = set
                .to_str()
                .expect("ascii")
                .split(';')
                .next()
                .expect("pair");
            self.cookie = Some(pair.to_string());
        }
    }

    async fn open(&mut self, app: &TestApp, path: &str) -> (StatusCode, String) {
        let (status, headers, body) = app.send(self.request(Method::GET, path, None)).await;
        self.remember(&headers);
        (status, String::from_utf8(body).expect("utf8"))
    }

    /// Post the form of `page` with `answers`; returns status, Location and the page shown.
    async fn post(
        &mut self,
        app: &TestApp,
        path: &str,
        page: &str,
        answers: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let mut fields: Vec<(String, String)> = ["rid", "opened", "lang", "ch"]
            .iter()
            .map(|n| (n.to_string(), hidden(page, n)))
            .collect();
        fields.extend(answers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&fields)
            .finish();
        let (status, headers, body) = app.send(self.request(Method::POST, path, Some(body))).await;
        self.remember(&headers);
        let location = headers
            .get(header::LOCATION)
            .map(|l| l.to_str().expect("ascii").to_string())
            .unwrap_or_default();
        (status, location, String::from_utf8(body).expect("utf8"))
    }
}

/// The value of a hidden input of the page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    page.split_once(&marker)
        .map(|(_, rest)| rest.split('"').next().unwrap_or("").to_string())
        .unwrap_or_default()
}

const GOOD: [(&str, &str); 7] = [
    ("q.recommend", "9"),
    ("q.store_tidy", "4"),
    ("q.got_what_promised", "5"),
    ("q.served_promptly", "na"),
    ("q.staff_competent", "4"),
    ("q.felt_cared_for", "5"),
    ("q.comment", "Quick and friendly."),
];

/// The survey address of a store (its link is made on first use).
async fn survey_path(app: &TestApp, code: &str) -> String {
    let store = org::store_by_code(app.db(), code)
        .await
        .expect("db")
        .expect("store");
    let key = survey_links::current_key(app.db(), store.id, app::server::now_ms())
        .await
        .expect("key");
    format!("/s/{code}/{key}")
}

async fn customer_answers(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM responses WHERE channel = 'customer_qr'")
        .await
}

async fn with(app: &TestApp, settings: Settings) -> TestApp {
    TestApp::with_settings(app.backend, settings)
        .await
        .expect("same backend")
}

both_backends! {
    async fn a_genuine_answer_from_another_phone_is_not_pushed_out_by_four_fakes(app: TestApp) {
        // Answers taken at a person's pace, so only the burst rule speaks.
        let app = with(&app, Settings {
            stuffing: app::domain::stuffing::Rules { min_seconds: 0, ..Default::default() },
            ..Settings::default()
        }).await;
        let path = survey_path(&app, "N-1").await;
        const FAKE: [(&str, &str); 6] = [("q.recommend", "10"), ("q.store_tidy", "5"), ("q.got_what_promised", "5"),
            ("q.served_promptly", "5"), ("q.staff_competent", "5"), ("q.felt_cared_for", "5")];
        const GENUINE: [(&str, &str); 6] = [("q.recommend", "3"), ("q.store_tidy", "2"), ("q.got_what_promised", "3"),
            ("q.served_promptly", "1"), ("q.staff_competent", "2"), ("q.felt_cared_for", "2")];
        for (i, answers) in [FAKE, FAKE, FAKE, FAKE, GENUINE].iter().enumerate() {
            let mut phone = Phone::new(50 + i as u8);
            let (_, page) = phone.open(&app, &path).await;
            let (status, _, _) = phone.post(&app, &path, &page, answers).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
        }
        let genuine: (String, String) = sqlx::query_as("SELECT status, flags FROM responses WHERE recommend = 3")
            .fetch_one(&app.db().pool).await.expect("genuine");
        assert_eq!(genuine, ("counted".to_string(), String::new()), "unlike the fakes, so not part of their burst");
        // The fifth alike answer is flagged as a burst (and, with three alike, as identical).
        let mut phone = Phone::new(60);
        let (_, page) = phone.open(&app, &path).await;
        phone.post(&app, &path, &page, &FAKE).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM responses WHERE flags LIKE '%burst%'").await, 1);
        let manager = app.token("manager.n1").await;
        let (_, list) = app.get("/api/v1/stores/N-1/responses", &manager).await;
        assert!(list.as_array().expect("list").iter().any(|r| r["id"].as_str().is_some()), "the genuine answer is listed");
    }

    async fn a_chain_that_picks_the_expectations_survey_gets_its_customers_expectations(app: TestApp) {
        let admin = app.token("admin").await;
        let patch = |value: &str| {
            axum::http::Request::builder()
                .method(axum::http::Method::PATCH)
                .uri("/api/v1/settings")
                .header(axum::http::header::AUTHORIZATION, format!("Bearer {admin}"))
                .header(axum::http::header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(serde_json::json!({"customer_template": value}).to_string()))
                .expect("request")
        };
        // Only a published customer survey.
        for wrong in ["instore-visit", "no-such-survey", "Bad Key"] {
            let (status, body) = app.json(patch(wrong)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
            assert_eq!(body["fields"][0]["field"], "customer_template");
        }
        let path = survey_path(&app, "N-1").await;
        let mut phone = Phone::new(7);
        let (_, page) = phone.open(&app, &path).await;
        assert!(!page.contains("A very good store of this kind"), "the short survey by default");
        let (status, _) = app.json(patch("customer-expectations")).await;
        assert_eq!(status, StatusCode::OK);
        let (_, page) = phone.open(&app, &path).await;
        assert!(page.contains("A very good store of this kind is clean and tidy"), "what customers expect is asked");
        let mut answers: Vec<(&str, &str)> = vec![
            ("q.expect_tangibles", "5"), ("q.expect_reliability", "5"), ("q.expect_responsiveness", "4"),
            ("q.expect_assurance", "5"), ("q.expect_empathy", "5"), ("q.store_tidy", "3"), ("q.got_what_promised", "5"),
            ("q.served_promptly", "4"), ("q.staff_competent", "5"), ("q.felt_cared_for", "4"), ("q.recommend", "8"),
        ];
        answers.push(("q.comment", "Good, not great."));
        let (status, _, _) = phone.post(&app, &path, &page, &answers).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let stored: String = sqlx::query_scalar("SELECT t.template_key FROM responses r JOIN template_versions v ON v.id = r.template_version_id JOIN templates t ON t.id = v.template_id WHERE r.channel = 'customer_qr'")
            .fetch_one(&app.db().pool).await.expect("stored");
        assert_eq!(stored, "customer-expectations");
    }

    async fn a_customer_answers_in_russian_is_thanked_in_russian_and_a_resend_is_stored_once(app: TestApp) {
        let path = survey_path(&app, "N-1").await;
        let mut phone = Phone::new(1);
        let (status, page) = phone.open(&app, &format!("{path}?lang=ru&ch=till")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<html lang=\"ru\""), "the page is in Russian");
        assert!(page.contains("Насколько вероятно, что вы порекомендуете этот магазин другу?"));
        assert!(page.contains("North One"), "the store is named");
        assert!(!page.contains("/pkg/servscope.js"), "no bundle: plain HTML and a form");
        assert!(phone.cookie.as_deref().is_some_and(|c| c.starts_with("servscope_device=")));

        let (status, location, _) = phone.post(&app, &path, &page, &GOOD).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, format!("{path}/thanks?lang=ru"));
        let (status, thanks) = phone.open(&app, &location).await;
        assert_eq!(status, StatusCode::OK);
        assert!(thanks.contains("Спасибо!"));

        // The same page posted again (a double tap, a resend after a lost connection).
        let (status, location, _) = phone.post(&app, &path, &page, &GOOD).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("{path}/thanks?lang=ru").as_str()));
        assert_eq!(customer_answers(&app).await, 1);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM responses WHERE channel_tag = 'till' AND recommend = 9 AND submitted_by IS NULL").await,
            1,
            "stored with its placement and NPS answer, anonymous"
        );
    }

    async fn the_survey_speaks_chinese_from_the_browser_and_switches_language_on_request(app: TestApp) {
        let path = survey_path(&app, "N-1").await;
        let req = Request::builder()
            .uri(&path)
            .header(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9,en;q=0.5")
            .body(Body::empty())
            .expect("request");
        let (status, _, body) = app.send(req).await;
        assert_eq!(status, StatusCode::OK);
        let page = String::from_utf8(body).expect("utf8");
        assert!(page.contains("您这次购物体验如何？"), "the title in Chinese");
        assert!(page.contains(&format!("{path}?lang=ru")), "a link to the Russian survey");
    }

    async fn missing_answers_come_back_with_messages_next_to_the_fields_and_nothing_is_stored(app: TestApp) {
        let path = survey_path(&app, "N-1").await;
        let mut phone = Phone::new(2);
        let (_, page) = phone.open(&app, &format!("{path}?lang=en")).await;
        let (status, _, again) = phone
            .post(&app, &path, &page, &[("q.recommend", "3"), ("q.comment", "Long queue")])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(again.matches("Please answer this question.").count(), 2, "store_tidy and got_what_promised");
        assert!(again.contains("role=\"alert\""));
        assert!(again.contains("value=\"3\" checked"), "the given answer is kept");
        assert!(again.contains(">Long queue</textarea>"));
        assert_eq!(hidden(&again, "rid"), hidden(&page, "rid"), "the same response id, so a corrected send is one answer");
        assert_eq!(customer_answers(&app).await, 0);

        // Corrected, it goes through.
        let mut fixed = GOOD.to_vec();
        fixed.retain(|(k, _)| *k != "q.recommend");
        fixed.push(("q.recommend", "3"));
        let (status, _, _) = phone.post(&app, &path, &again, &fixed).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(customer_answers(&app).await, 1);
    }

    async fn hostile_input_is_refused_or_shown_escaped_and_never_half_stored(app: TestApp) {
        let path = survey_path(&app, "N-1").await;
        let mut phone = Phone::new(3);
        let (_, page) = phone.open(&app, &format!("{path}?lang=en")).await;
        // Too long a comment: refused with the limit.
        let long = "x".repeat(1001);
        let mut answers = GOOD.to_vec();
        answers.retain(|(k, _)| *k != "q.comment");
        answers.push(("q.comment", long.as_str()));
        let (status, _, again) = phone.post(&app, &path, &page, &answers).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.contains("at most 1000 characters"));
        // Markup in a comment comes back as text, never as markup.
        let script = "</textarea><script>alert('x')</script><b>bold</b>";
        answers.retain(|(k, _)| *k != "q.comment");
        answers.push(("q.comment", script));
        answers.retain(|(k, _)| *k != "q.recommend");
        answers.push(("q.recommend", "12"));
        let (status, _, again) = phone.post(&app, &path, &page, &answers).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!again.contains("<script>alert"), "escaped");
        assert!(again.contains("&lt;/textarea&gt;&lt;script&gt;"));
        assert!(again.contains("Please choose one of the answers offered."));
        // A body far beyond any real answer is refused before it is read.
        let huge = "q.comment=".to_string() + &"y".repeat(100_000);
        let (status, _, _) = app.send(phone.request(Method::POST, &path, Some(huge))).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        // A post from another site is refused.
        let mut req = phone.request(Method::POST, &path, Some("q.recommend=9".into()));
        req.headers_mut().insert(header::ORIGIN, "https://evil.example".parse().expect("origin"));
        assert_eq!(app.send(req).await.0, StatusCode::FORBIDDEN);
        // A broken form (no response id) asks to send again, with fresh hidden fields.
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(GOOD).finish();
        let (status, _, body) = app.send(phone.request(Method::POST, &path, Some(body))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = String::from_utf8(body).expect("utf8");
        assert!(body.contains("This form was out of date"));
        assert_eq!(hidden(&body, "rid").len(), 36);
        assert_eq!(customer_answers(&app).await, 0);

        // Script in an accepted comment is stored as the text it is.
        answers.retain(|(k, _)| *k != "q.recommend");
        answers.push(("q.recommend", "2"));
        let (status, _, _) = phone.post(&app, &path, &page, &answers).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT COUNT(*) FROM responses WHERE answers LIKE '%<script>alert%'").await, 1);
    }

    async fn a_second_answer_from_the_same_phone_is_thanked_kindly_and_not_stored(app: TestApp) {
        let path = survey_path(&app, "N-1").await;
        let mut phone = Phone::new(4);
        let (_, page) = phone.open(&app, &path).await;
        assert_eq!(phone.post(&app, &path, &page, &GOOD).await.0, StatusCode::SEE_OTHER);
        // A new form (new response id) from the same phone the same day.
        let (_, page) = phone.open(&app, &path).await;
        let (status, location, _) = phone.post(&app, &path, &page, &GOOD).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(location.ends_with("/thanks?lang=en&already=1"), "{location}");
        let (_, thanks) = phone.open(&app, &location).await;
        assert!(thanks.contains("we have not counted them twice"));
        assert_eq!(customer_answers(&app).await, 1);
        // Another store is another question.
        let other = survey_path(&app, "N-2").await;
        let (_, page) = phone.open(&app, &other).await;
        assert_eq!(phone.post(&app, &other, &page, &GOOD).await.1, format!("{other}/thanks?lang=en"));
        assert_eq!(customer_answers(&app).await, 2);

        // With a repeat window of 0 hours the second answer counts.
        let app = with(&app, Settings { survey_repeat_hours: 0, ..Settings::default() }).await;
        let path = survey_path(&app, "N-1").await;
        let mut phone = Phone::new(4);
        for _ in 0..2 {
            let (_, page) = phone.open(&app, &path).await;
            assert_eq!(phone.post(&app, &path, &page, &GOOD).await.1, format!("{path}/thanks?lang=en"));
        }
        assert_eq!(customer_answers(&app).await, 2);
    }

    async fn the_honeypot_thanks_a_bot_and_stores_nothing(app: TestApp) {
        let path = survey_path(&app, "N-1").await;
        let mut phone = Phone::new(5);
        let (_, page) = phone.open(&app, &path).await;
        assert!(page.contains("name=\"website\""));
        let mut answers = GOOD.to_vec();
        answers.push(("website", "https://spam.example"));
        let (status, location, _) = phone.post(&app, &path, &page, &answers).await;
        assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("{path}/thanks?lang=en")));
        assert_eq!(customer_answers(&app).await, 0);
    }

    async fn answers_are_limited_per_phone_and_per_network_address(app: TestApp) {
        let app = with(&app, Settings {
            survey_posts_per_hour_per_device: 2,
            survey_posts_per_hour_per_address: 3,
            ..Settings::default()
        }).await;
        let path = survey_path(&app, "N-1").await;
        // One phone: two sends (a mistake and its correction), then the limit.
        let mut phone = Phone::new(6);
        let (_, page) = phone.open(&app, &path).await;
        assert_eq!(phone.post(&app, &path, &page, &[]).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(phone.post(&app, &path, &page, &GOOD).await.0, StatusCode::SEE_OTHER);
        let (status, _, body) = phone.post(&app, &path, &page, &GOOD).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(body.contains("Please try again a little later"));
        // Other phones behind the same address: the address has one send left.
        let mut second = Phone::new(6);
        let (_, page) = second.open(&app, &path).await;
        assert_eq!(second.post(&app, &path, &page, &GOOD).await.0, StatusCode::SEE_OTHER);
        let mut third = Phone::new(6);
        let (_, page) = third.open(&app, &path).await;
        assert_eq!(third.post(&app, &path, &page, &GOOD).await.0, StatusCode::TOO_MANY_REQUESTS);
        // Another network is not affected.
        let mut elsewhere = Phone::new(7);
        let (_, page) = elsewhere.open(&app, &path).await;
        assert_eq!(elsewhere.post(&app, &path, &page, &GOOD).await.0, StatusCode::SEE_OTHER);
        assert_eq!(customer_answers(&app).await, 3);
    }

    async fn a_rotated_code_is_answered_politely_and_a_wrong_one_is_not_found(app: TestApp) {
        let old = survey_path(&app, "N-1").await;
        let mut phone = Phone::new(8);
        let (_, page) = phone.open(&app, &old).await;
        let store = org::store_by_code(app.db(), "N-1").await.expect("db").expect("store");
        let new_key = survey_links::rotate(app.db(), store.id, app::server::now_ms()).await.expect("rotate");
        let (status, body) = phone.open(&app, &old).await;
        assert_eq!(status, StatusCode::GONE);
        assert!(body.contains("This code is no longer in use"));
        assert!(body.contains("North One"));
        // A form opened before the rotation is not taken either.
        let (status, _, _) = phone.post(&app, &old, &page, &GOOD).await;
        assert_eq!(status, StatusCode::GONE);
        assert_eq!(customer_answers(&app).await, 0);
        // The key of one store under another store's code, and made-up addresses.
        for path in [format!("/s/S-1/{new_key}"), "/s/N-1/000000000000".into(), "/s/NOPE/x".into()] {
            let (status, body) = phone.open(&app, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(body.contains("Survey not found"));
        }
        let (status, _) = phone.open(&app, &format!("/s/N-1/{new_key}")).await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn suspicious_answers_are_kept_with_their_flags(app: TestApp) {
        let app = with(&app, instant_answers_allowed()).await;
        let path = survey_path(&app, "N-1").await;
        // No (or a forged) open time reads as "sent the moment it was opened": too fast.
        let mut phone = Phone::new(9);
        let (_, page) = phone.open(&app, &path).await;
        let forged = page.replace(&hidden(&page, "opened"), "1.deadbeef");
        assert_eq!(phone.post(&app, &path, &forged, &GOOD).await.0, StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT COUNT(*) FROM responses WHERE flags LIKE '%too_fast%'").await, 1);
        // The same answers from three phones within hours: identical answers.
        for n in 10..12 {
            let mut phone = Phone::new(n);
            let (_, page) = phone.open(&app, &path).await;
            phone.post(&app, &path, &page, &GOOD).await;
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM responses WHERE flags LIKE '%identical_answers%'").await, 1);
        // Sent while the store is closed (its hours in its own time zone).
        sqlx::query("UPDATE stores SET opening_hours = $1 WHERE code = 'N-2'")
            .bind(closed_now("Europe/London"))
            .execute(&app.db().pool)
            .await
            .expect("hours");
        let other = survey_path(&app, "N-2").await;
        let mut phone = Phone::new(12);
        let (_, page) = phone.open(&app, &other).await;
        phone.post(&app, &other, &page, &[("q.recommend", "10"), ("q.store_tidy", "5"), ("q.got_what_promised", "5")]).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM responses WHERE flags LIKE '%outside_opening_hours%'").await, 1);
        assert_eq!(customer_answers(&app).await, 4, "flagged answers are kept");
    }

    async fn a_call_back_request_is_stored_apart_from_the_answers(app: TestApp) {
        let path = survey_path(&app, "N-1").await;
        let mut phone = Phone::new(13);
        let (_, page) = phone.open(&app, &path).await;
        // Asked for without a way to reach the customer: a message, nothing stored.
        let mut answers = GOOD.to_vec();
        answers.push(("contact", "yes"));
        answers.push(("contact_name", "Li Wei"));
        let (status, _, again) = phone.post(&app, &path, &page, &answers).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.contains("please give a phone number or an e-mail address"));
        answers.push(("contact_email", "li.wei@example.cn"));
        assert_eq!(phone.post(&app, &path, &again, &answers).await.0, StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT COUNT(*) FROM response_contacts WHERE name = 'Li Wei' AND email = 'li.wei@example.cn'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM responses WHERE answers LIKE '%li.wei%'").await, 0, "not in the answers");
        // The closed loop: a case for the store's manager, the contact kept apart from it.
        assert_eq!(app.count("SELECT COUNT(*) FROM cases c JOIN stores s ON s.id = c.store_id WHERE c.source = 'customer_contact' AND s.code = 'N-1' AND c.response_id IS NOT NULL").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM case_contacts WHERE name = 'Li Wei' AND email = 'li.wei@example.cn'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM cases WHERE description LIKE '%li.wei%'").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM inbox i JOIN users u ON u.id = i.user_id WHERE u.username = 'manager.n1' AND i.kind = 'case_opened'").await, 1);
    }
}

both_backends! {
    async fn managers_see_answers_with_flagged_ones_left_out_and_only_the_stores_own_managers_see_call_backs(app: TestApp) {
        let app = with(&app, instant_answers_allowed()).await;
        let path = survey_path(&app, "N-1").await;
        // A plain answer with a call-back request and markup in its comment ...
        let mut phone = Phone::new(20);
        let (_, page) = phone.open(&app, &path).await;
        let mut answers = GOOD.to_vec();
        answers.retain(|(k, _)| *k != "q.comment");
        answers.extend([("q.comment", "<img src=x onerror=alert(1)> rude cashier"), ("contact", "yes"), ("contact_phone", "+44 20 7946 0000")]);
        assert_eq!(phone.post(&app, &path, &page, &answers).await.0, StatusCode::SEE_OTHER);
        // ... and one sent with a forged form, flagged.
        let mut bot = Phone::new(21);
        let (_, page) = bot.open(&app, &path).await;
        let forged = page.replace(&hidden(&page, "opened"), "1.00");
        let mut low = GOOD.to_vec();
        low.retain(|(k, _)| *k != "q.recommend" && *k != "q.comment");
        low.push(("q.recommend", "0"));
        assert_eq!(bot.post(&app, &path, &forged, &low).await.0, StatusCode::SEE_OTHER);

        let manager = app.login("manager.n1").await;
        let (status, _, body) = app.send(get_with_cookie("/stores/N-1/customers", &manager)).await;
        assert_eq!(status, StatusCode::OK);
        let page = String::from_utf8(body).expect("utf8");
        assert!(page.contains("NPS 100 from 1 answer over"), "the flagged 0 is left out (and one answer is singular)");
        let note = "1 flagged answer is left out of the figures. With it: NPS 0 from 2 answers.";
        assert!(page.contains(note));
        // The scorecard's NPS is the same figure over the same weeks, and says the same.
        let (status, _, card) = app.send(get_with_cookie("/stores/N-1/scorecard", &manager)).await;
        assert_eq!(status, StatusCode::OK);
        let card = String::from_utf8(card).expect("utf8");
        assert!(card.contains(note), "the scorecard names the flagged answer left out");
        assert!(card.contains(r#"<span title="1 answer · 95 % interval 27 to 100" class="figure tentative">+100<small>"#), "NPS +100 from the one counted answer");
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt; rude cashier"), "comments shown as text");
        assert!(!page.contains("<img src=x"));
        assert!(page.contains("+44 20 7946 0000"), "the store's manager sees the call-back");
        assert!(!page.contains("Answered too fast</span>"), "flagged answers are not listed by default");
        let (_, _, body) = app.send(get_with_cookie("/stores/N-1/customers?flagged=include", &manager)).await;
        assert!(String::from_utf8(body).expect("utf8").contains("Answered too fast</span>"));

        // The API leaves flagged answers out unless asked.
        let token = app.token("manager.n1").await;
        let (_, list) = app.get("/api/v1/stores/N-1/responses", &token).await;
        assert_eq!(list.as_array().map(Vec::len), Some(1));
        let (_, list) = app.get("/api/v1/stores/N-1/responses?flagged=include", &token).await;
        assert_eq!(list.as_array().map(Vec::len), Some(2));
        let (_, list) = app.get("/api/v1/stores/N-1/responses?flagged=only", &token).await;
        assert_eq!(list[0]["flags"][0], "too_fast");

        // Overseers read the answers but not the customer's phone number.
        for who in ["regional.north", "admin"] {
            let cookie = app.login(who).await;
            let (status, _, body) = app.send(get_with_cookie("/stores/N-1/customers", &cookie)).await;
            assert_eq!(status, StatusCode::OK);
            let page = String::from_utf8(body).expect("utf8");
            assert!(page.contains("rude cashier"), "{who}");
            assert!(!page.contains("7946"), "{who} must not see the contact");
        }
        // Another store's manager: not found; shoppers and staff: not for them.
        let other = app.login("manager.s1").await;
        let (_, _, body) = app.send(get_with_cookie("/stores/N-1/customers", &other)).await;
        let body = String::from_utf8(body).expect("utf8");
        assert!(!body.contains("rude cashier") && !body.contains("7946"));
        for who in ["shopper", "staff.n1"] {
            let cookie = app.login(who).await;
            let (_, _, body) = app.send(get_with_cookie("/stores/N-1/customers", &cookie)).await;
            let body = String::from_utf8(body).expect("utf8");
            assert!(body.contains("Only the store's managers"), "{who}");
            assert!(!body.contains("rude cashier"), "{who}");
        }

        // The store's manager marks the call-back handled; nobody else can, and again is a no-op.
        let contact: String = sqlx::query_scalar("SELECT response_id FROM response_contacts").fetch_one(&app.db().pool).await.expect("contact");
        let path = format!("/stores/N-1/call-backs/{contact}/handled");
        for (who, refused) in [("manager.s1", StatusCode::NOT_FOUND), ("regional.north", StatusCode::FORBIDDEN), ("admin", StatusCode::FORBIDDEN), ("staff.n1", StatusCode::FORBIDDEN)] {
            let cookie = app.login(who).await;
            let csrf = app.csrf_of(&cookie).await;
            let (status, _, _) = app.send(common::form_post(&path, &format!("csrf={csrf}"), Some(&cookie))).await;
            assert_eq!(status, refused, "{who}");
        }
        let csrf = app.csrf_of(&manager).await;
        let (status, _, _) = app.send(common::form_post(&path, "csrf=forged", Some(&manager))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a forged form marks nothing");
        assert_eq!(app.count("SELECT COUNT(*) FROM response_contacts WHERE handled_at IS NOT NULL").await, 0);
        for _ in 0..2 {
            let (status, headers, _) = app.send(common::form_post(&path, &format!("csrf={csrf}"), Some(&manager))).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
            assert_eq!(headers[header::LOCATION], "/stores/N-1/customers");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM response_contacts WHERE handled_at IS NOT NULL").await, 1);
        let (_, _, body) = app.send(get_with_cookie("/stores/N-1/customers", &manager)).await;
        let page = String::from_utf8(body).expect("utf8");
        assert!(page.contains("Handled by manager.n1"), "who handled it is shown");
        assert!(!page.contains("Mark as handled"));
    }
}

/// Tests answer in milliseconds; with these settings only a forged open time reads as too fast.
fn instant_answers_allowed() -> Settings {
    let stuffing = app::domain::stuffing::Rules {
        min_seconds: 0,
        ..Default::default()
    };
    Settings {
        stuffing,
        ..Settings::default()
    }
}

/// Opening hours that exclude the present moment in `tz` (a one-hour window twelve hours away).
fn closed_now(tz: &str) -> String {
    use chrono::Timelike;
    let tz: chrono_tz::Tz = tz.parse().expect("zone");
    let hour = chrono::Utc::now().with_timezone(&tz).hour();
    let opens = (hour + 12) % 24;
    format!("{opens:02}:00-{:02}:00", (opens + 1) % 24)
}
