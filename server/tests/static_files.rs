//! The browser bundle is served precompressed from a content-hashed folder, cached for good.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::TestApp;

#[tokio::test]
#[allow(clippy::await_holding_lock)] // one test at a time on purpose: common::one_runtime_at_a_time
async fn bundle_files_are_served_compressed_with_immutable_caching_and_pages_point_at_them() {
    let _one_at_a_time = common::one_runtime_at_a_time();
    let root = std::env::temp_dir().join(format!("servscope-site-{}", uuid::Uuid::new_v4()));
    let pkg = root.join("pkg").join("0123abcd");
    std::fs::create_dir_all(&pkg).expect("dirs");
    std::fs::write(root.join("pkg").join("CURRENT"), "0123abcd\n").expect("current");
    std::fs::write(pkg.join("servscope.js"), "console.log('plain')").expect("js");
    std::fs::write(pkg.join("servscope.js.br"), b"brotli-bytes").expect("br");
    std::fs::write(pkg.join("servscope.js.gz"), b"gzip-bytes").expect("gz");
    let app = TestApp::with_site(app::server::db::Backend::Sqlite, &root)
        .await
        .expect("sqlite");

    let req = |encoding: &str| {
        Request::builder()
            .uri("/pkg/0123abcd/servscope.js")
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .expect("req")
    };
    let (status, headers, body) = app.send(req("gzip, deflate, br")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{:?} {}",
        app.state.leptos_options.site_root,
        String::from_utf8_lossy(&body)
    );
    assert_eq!(
        headers.get(header::CONTENT_ENCODING).expect("encoding"),
        "br"
    );
    assert_eq!(body, b"brotli-bytes");
    assert_eq!(
        headers.get(header::CACHE_CONTROL).expect("cache"),
        "public, max-age=31536000, immutable"
    );

    let (_, headers, body) = app.send(req("gzip")).await;
    assert_eq!(
        headers.get(header::CONTENT_ENCODING).expect("encoding"),
        "gzip"
    );
    assert_eq!(body, b"gzip-bytes");

    let (_, headers, body) = app.send(req("identity")).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(body, b"console.log('plain')");

    let (_, _, page) = app
        .send(
            Request::builder()
                .uri("/shopper")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    let page = String::from_utf8(page).expect("utf8");
    assert!(
        page.contains("/pkg/0123abcd/servscope.css"),
        "stylesheet from the current bundle"
    );
    assert!(
        page.contains("\"pkg/0123abcd\""),
        "the shopper page's script loads the current bundle"
    );
    let _ = std::fs::remove_dir_all(root);
}

/// Only the shopper app loads the bundle; every other page is complete from the server (the
/// store list's typing filter is a small script of its own).
#[tokio::test]
#[allow(clippy::await_holding_lock)] // one test at a time on purpose: common::one_runtime_at_a_time
async fn only_the_shopper_page_loads_the_bundle() {
    let _one_at_a_time = common::one_runtime_at_a_time();
    let root = std::env::temp_dir().join(format!("servscope-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(root.join("pkg").join("0123abcd")).expect("dirs");
    std::fs::write(root.join("pkg").join("CURRENT"), "0123abcd\n").expect("current");
    let app = TestApp::with_site(app::server::db::Backend::Sqlite, &root)
        .await
        .expect("sqlite");
    let cookie = app.login("admin").await;
    for (path, hydrated) in [
        ("/shopper", true),
        ("/", false),
        ("/login", false),
        ("/stores", false),
        ("/no/such/page", false),
        ("/assign", false),
        ("/admin/tokens", false),
        ("/stores/N-1/qr", false),
        ("/stores/N-1/poster?size=card", false),
    ] {
        let (status, _, body) = app.send(common::get_with_cookie(path, &cookie)).await;
        let found = !path.starts_with("/no/");
        assert_eq!(status == StatusCode::OK, found, "{path}: {status}");
        let page = String::from_utf8(body).expect("utf8");
        assert_eq!(page.contains("\"pkg/0123abcd\""), hydrated, "{path}");
        assert_eq!(
            page.contains("data-server-only=\"true\""),
            !hydrated,
            "{path}"
        );
    }
    let _ = std::fs::remove_dir_all(root);
}
