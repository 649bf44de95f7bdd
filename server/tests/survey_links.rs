//! Customer survey links: QR codes for the store's managers only, the link they carry, and
//! rotation (old keys are kept as retired, so an old poster can be answered politely).

mod common;

use axum::http::{header, StatusCode};
use common::{form_post, get_with_cookie, get_with_token, TestApp};

use app::server::db::org;
use app::server::db::survey_links::{self, LinkTarget};

fn text(body: Vec<u8>) -> String {
    String::from_utf8(body).expect("utf8")
}

/// The key of the store's link as the page shows it (`/s/N-1/<key>`).
fn key_in(page: &str, code: &str) -> String {
    let marker = format!("/s/{code}/");
    page.split_once(&marker)
        .expect("the link is on the page")
        .1
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

both_backends! {
    async fn the_stores_managers_download_its_qr_code_as_svg_and_png(app: TestApp) {
        for who in ["manager.n1", "regional.north", "admin"] {
            let token = app.token(who).await;
            let (status, headers, body) = app.send(get_with_token("/stores/N-1/qr.svg?lang=ru&ch=till", &token)).await;
            assert_eq!(status, StatusCode::OK, "{who}");
            assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
            assert!(headers[header::CONTENT_DISPOSITION].to_str().expect("ascii").contains("servscope-N-1-qr.svg"));
            assert!(text(body).contains("<svg"));
            let (status, headers, body) = app.send(get_with_token("/stores/N-1/qr.png", &token)).await;
            assert_eq!(status, StatusCode::OK, "{who}");
            assert_eq!(headers[header::CONTENT_TYPE], "image/png");
            assert_eq!(&body[..8], b"\x89PNG\r\n\x1a\n");
        }
        // The link is made once: every download carries the same key.
        assert_eq!(app.count("SELECT COUNT(*) FROM survey_links").await, 1);
    }

    async fn nobody_else_gets_a_stores_qr_code(app: TestApp) {
        // Another store's manager and the other region's stores: not found, so codes cannot be probed.
        let token = app.token("manager.s1").await;
        assert_eq!(app.send(get_with_token("/stores/N-1/qr.svg", &token)).await.0, StatusCode::NOT_FOUND);
        let token = app.token("regional.north").await;
        assert_eq!(app.send(get_with_token("/stores/S-1/qr.png", &token)).await.0, StatusCode::NOT_FOUND);
        for who in ["shopper", "staff.n1"] {
            let token = app.token(who).await;
            assert_eq!(app.send(get_with_token("/stores/N-1/qr.svg", &token)).await.0, StatusCode::FORBIDDEN, "{who}");
        }
        let anonymous = axum::http::Request::builder().uri("/stores/N-1/qr.svg").body(axum::body::Body::empty()).expect("request");
        assert_eq!(app.send(anonymous).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.count("SELECT COUNT(*) FROM survey_links").await, 0, "no link made for a refused request");
    }

    async fn the_link_page_shows_the_link_with_language_and_placement_and_the_poster_speaks_that_language(app: TestApp) {
        let cookie = app.login("manager.n1").await;
        let (status, _, body) = app.send(get_with_cookie("/stores/N-1/qr?lang=zh-CN&ch=receipt", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let page = text(body);
        let key = key_in(&page, "N-1");
        assert_eq!(key.len(), 12);
        assert!(page.contains(&format!("/s/N-1/{key}?lang=zh-CN&amp;ch=receipt")), "{page}");
        assert!(page.contains("/stores/N-1/qr.png?lang=zh-CN&amp;ch=receipt"));
        assert!(page.contains("/stores/N-1/poster?lang=zh-CN&amp;ch=receipt&amp;size=a4"));
        // Without a language or placement the poster links carry one question mark.
        let (_, _, plain) = app.send(get_with_cookie("/stores/N-1/qr", &cookie)).await;
        let plain = text(plain);
        assert!(plain.contains("/stores/N-1/poster?size=a4") && plain.contains("/stores/N-1/poster?size=card"), "{plain}");
        assert!(!plain.contains("??"));
        // Another store's link page and poster say what every page says of a store one may not see.
        let (status, _, scorecard) = app.send(get_with_cookie("/stores/S-1/scorecard", &cookie)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let not_found = "There is no such page, or it is not yours to see.";
        assert!(text(scorecard).contains(not_found));
        for path in ["/stores/S-1/qr", "/stores/S-1/poster?size=a4"] {
            let (status, _, body) = app.send(get_with_cookie(path, &cookie)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(text(body).contains(not_found), "{path}");
        }
        let (status, _, body) = app.send(get_with_cookie("/stores/N-1/poster?lang=zh-CN&ch=receipt&size=card", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let poster = text(body);
        assert!(poster.contains("poster card-size"));
        assert!(poster.contains("North One"));
        assert!(poster.contains("今天的服务怎么样？"), "the invitation in the link's language");
    }

    async fn rotating_retires_the_old_link_and_keeps_it_recognisable(app: TestApp) {
        let cookie = app.login("manager.n1").await;
        let (_, _, body) = app.send(get_with_cookie("/stores/N-1/qr", &cookie)).await;
        let page = text(body);
        let old = key_in(&page, "N-1");
        let csrf: String = page.split_once("name=\"csrf\" value=\"").expect("csrf").1.chars().take_while(|c| *c != '"').collect();

        let (status, _, _) = app.send(form_post("/stores/N-1/survey-link/rotate", "csrf=wrong", Some(&cookie))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a forged form changes nothing");
        let other = app.login("manager.s1").await;
        let (status, _, _) = app.send(form_post("/stores/N-1/survey-link/rotate", &format!("csrf={csrf}"), Some(&other))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "another session's token does not pass");

        let (status, headers, _) = app.send(form_post("/stores/N-1/survey-link/rotate", &format!("csrf={csrf}"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], "/stores/N-1/qr?rotated=1");
        let (_, _, body) = app.send(get_with_cookie("/stores/N-1/qr?rotated=1", &cookie)).await;
        let page = text(body);
        let new = key_in(&page, "N-1");
        assert_ne!(old, new);
        assert!(page.contains("A new link is in use"));

        let store = org::store_by_code(app.db(), "N-1").await.expect("db").expect("store");
        match survey_links::resolve(app.db(), "N-1", &new).await.expect("db") {
            LinkTarget::InUse(s) => assert_eq!((s.id, s.name.en.as_str()), (store.id, "North One")),
            other => panic!("the new key is in use: {other:?}"),
        }
        assert_eq!(
            survey_links::resolve(app.db(), "N-1", &old).await.expect("db"),
            LinkTarget::Retired { store_name: app::domain::I18nText { en: "North One".into(), ..Default::default() } }
        );
        assert_eq!(survey_links::resolve(app.db(), "S-1", &new).await.expect("db"), LinkTarget::Unknown, "a key belongs to its store");
        assert_eq!(survey_links::resolve(app.db(), "N-1", "nope").await.expect("db"), LinkTarget::Unknown);
        assert_eq!(app.count("SELECT COUNT(*) FROM survey_links WHERE retired_at IS NULL").await, 1);
    }
}
