//! The photo chunk API: resumable uploads keyed by content hash, checked, scoped.

mod common;

use axum::http::StatusCode;
use common::{fake_jpeg, TestApp};

fn upload_path(hash: &str, offset: usize, size: usize) -> String {
    format!("/api/v1/photos/{hash}/upload?offset={offset}&size={size}")
}

both_backends! {
    async fn a_photo_sent_in_chunks_is_stored_once_and_readable_by_its_uploader(app: TestApp) {
        let token = app.token("shopper").await;
        let (bytes, hash) = fake_jpeg(300_000, 1);
        let mut offset = 0;
        for chunk in bytes.chunks(128 * 1024) {
            let (status, body) = app
                .put_bytes(&upload_path(&hash, offset, bytes.len()), chunk.to_vec(), "image/jpeg", &token)
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            offset += chunk.len();
            assert_eq!(body["received"], offset as u64);
            assert_eq!(body["complete"], offset == bytes.len());
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM photos").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM photo_chunks").await, 0, "chunks are dropped once joined");
        let (status, _, body) = app.send(common::get_with_token(&format!("/api/v1/photos/{hash}"), &token)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, bytes, "the same bytes come back");

        // Uploading the same photo again (another phone, a retry) is a no-op.
        let (status, body) = app
            .put_bytes(&upload_path(&hash, 0, bytes.len()), bytes[..1000].to_vec(), "image/jpeg", &token)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["complete"], true);
        assert_eq!(app.count("SELECT COUNT(*) FROM photos").await, 1);
    }

    async fn a_broken_upload_resumes_from_the_last_byte_received(app: TestApp) {
        let token = app.token("shopper").await;
        let (bytes, hash) = fake_jpeg(200_000, 2);
        let first = &bytes[..100_000];
        assert_eq!(
            app.put_bytes(&upload_path(&hash, 0, bytes.len()), first.to_vec(), "image/jpeg", &token).await.0,
            StatusCode::OK
        );
        // The connection broke; the phone asks where the upload stands.
        let (status, st) = app.get(&format!("/api/v1/photos/{hash}/upload"), &token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(st["received"], 100_000);
        assert_eq!(st["complete"], false);
        // A chunk that skips ahead is refused with where to continue.
        let (status, body) = app
            .put_bytes(&upload_path(&hash, 150_000, bytes.len()), bytes[150_000..].to_vec(), "image/jpeg", &token)
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["status"]["received"], 100_000);
        // Resending the first chunk (its acknowledgement was lost) changes nothing.
        assert_eq!(
            app.put_bytes(&upload_path(&hash, 0, bytes.len()), first.to_vec(), "image/jpeg", &token).await.0,
            StatusCode::OK
        );
        let (status, body) = app
            .put_bytes(&upload_path(&hash, 100_000, bytes.len()), bytes[100_000..].to_vec(), "image/jpeg", &token)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["complete"], true);
        let (_, _, stored) = app.send(common::get_with_token(&format!("/api/v1/photos/{hash}"), &token)).await;
        assert_eq!(stored, bytes);
    }

    async fn bytes_that_do_not_match_their_hash_are_refused_and_dropped(app: TestApp) {
        let token = app.token("shopper").await;
        let (bytes, _) = fake_jpeg(50_000, 3);
        let (_, other_hash) = fake_jpeg(50_000, 4);
        let (status, body) = app
            .put_bytes(&upload_path(&other_hash, 0, bytes.len()), bytes.clone(), "image/jpeg", &token)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("do not match"), "{body}");
        assert_eq!(app.count("SELECT COUNT(*) FROM photos").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM photo_chunks").await, 0);
        // Starting again from byte 0 is possible.
        let (_, st) = app.get(&format!("/api/v1/photos/{other_hash}/upload"), &token).await;
        assert_eq!(st["received"], 0);
    }

    async fn oversize_photos_chunks_and_non_images_are_refused(app: TestApp) {
        let token = app.token("shopper").await;
        let (bytes, hash) = fake_jpeg(10_000, 5);
        let (status, _) = app
            .put_bytes(&upload_path(&hash, 0, 9 * 1024 * 1024), bytes.clone(), "image/jpeg", &token)
            .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "a 9 MB photo");
        let (big, big_hash) = fake_jpeg(1024 * 1024 + 1, 6);
        let (status, _) = app
            .put_bytes(&upload_path(&big_hash, 0, big.len()), big, "image/jpeg", &token)
            .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "a chunk over 1 MB");
        let (status, _) = app
            .put_bytes(&upload_path(&hash, 0, bytes.len()), bytes.clone(), "text/html", &token)
            .await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let html = b"<html><script>alert(1)</script></html>".to_vec();
        let html_hash = app::server::auth::sha256_hex(&html);
        let (status, _) = app
            .put_bytes(&upload_path(&html_hash, 0, html.len()), html, "image/jpeg", &token)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "HTML dressed as a JPEG");
        let (status, _) = app
            .put_bytes(&upload_path(&hash, 5000, 6000), bytes[..2000].to_vec(), "image/jpeg", &token)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a chunk running past the size");
        assert_eq!(app.count("SELECT COUNT(*) FROM photos").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM photo_chunks").await, 0);
    }

    async fn photos_are_closed_to_strangers_and_to_roles_that_do_not_upload(app: TestApp) {
        let (bytes, hash) = fake_jpeg(5_000, 7);
        let (status, _) = app
            .put_bytes(&upload_path(&hash, 0, bytes.len()), bytes.clone(), "image/jpeg", "sst_nonsense")
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let manager = app.token("manager.n1").await;
        let (status, _) = app
            .put_bytes(&upload_path(&hash, 0, bytes.len()), bytes.clone(), "image/jpeg", &manager)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "store managers read photos, they do not upload");
        let shopper = app.token("shopper").await;
        assert_eq!(
            app.put_bytes(&upload_path(&hash, 0, bytes.len()), bytes, "image/jpeg", &shopper).await.0,
            StatusCode::OK
        );
        // Not attached to any response in the manager's store: invisible to them.
        let (status, _) = app.get(&format!("/api/v1/photos/{hash}"), &manager).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.get(&format!("/api/v1/photos/{hash}"), "sst_nonsense").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}
