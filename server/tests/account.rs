//! A user's own account: changing the password needs the current one and ends the other
//! sessions; the chosen language follows the user to a new sign-in; sign out everywhere ends
//! every session. On both databases.

mod common;

use axum::http::{header, StatusCode};
use common::{form_post, get_with_cookie, TestApp, PASSWORD};

async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    let (status, _, _) = app.send(get_with_cookie("/api/v1/stores", cookie)).await;
    status == StatusCode::OK
}

both_backends! {
    async fn a_password_change_needs_the_current_one_and_ends_the_other_sessions(app: TestApp) {
        let here = app.login("manager.n1").await;
        let elsewhere = app.login("manager.n1").await;
        let csrf = app.csrf_of(&here).await;
        let post = |body: String| form_post("/account/password", &body, Some(&here));
        let (_, headers, _) = app.send(post(format!("csrf={csrf}&current=wrong&password=a+long+new+secret&repeat=a+long+new+secret"))).await;
        assert_eq!(headers[header::LOCATION], "/account?error=current");
        let (_, headers, _) = app.send(post(format!("csrf={csrf}&current={PASSWORD}&password=a+long+new+secret&repeat=a+long+new+secreT"))).await;
        assert_eq!(headers[header::LOCATION], "/account?error=repeat");
        let (_, headers, _) = app.send(post(format!("csrf={csrf}&current={PASSWORD}&password=short&repeat=short"))).await;
        assert_eq!(headers[header::LOCATION], "/account?error=password");
        assert!(signed_in(&app, &elsewhere).await, "refused changes end nothing");
        // Another site cannot post it (no CSRF token of this session).
        let (status, _, _) = app.send(form_post("/account/password", &format!("csrf=forged&current={PASSWORD}&password=a+long+new+secret&repeat=a+long+new+secret"), Some(&here))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (_, headers, _) = app.send(post(format!("csrf={csrf}&current={PASSWORD}&password=a+long+new+secret&repeat=a+long+new+secret"))).await;
        assert_eq!(headers[header::LOCATION], "/account?done=password");
        assert!(signed_in(&app, &here).await, "this session stays");
        assert!(!signed_in(&app, &elsewhere).await, "the other one ended");
        let (_, headers, _) = app.send(form_post("/auth/login", "username=manager.n1&password=a+long+new+secret", None)).await;
        assert!(!headers[header::LOCATION].to_str().unwrap_or("").starts_with("/login"), "the new password signs in");
    }

    async fn the_chosen_language_follows_the_user_and_sign_out_everywhere_ends_every_session(app: TestApp) {
        let here = app.login("regional.north").await;
        let other = app.login("regional.north").await;
        let csrf = app.csrf_of(&here).await;
        let (_, headers, _) = app.send(form_post("/account/language", &format!("csrf={csrf}&language=ru"), Some(&here))).await;
        assert_eq!(headers[header::LOCATION], "/account?done=language");
        assert!(headers[header::SET_COOKIE].to_str().unwrap_or("").starts_with("lang=ru"));
        // A new sign-in, on another device, gets the language too.
        let (_, headers, _) = app.send(form_post("/auth/login", &format!("username=regional.north&password={PASSWORD}"), None)).await;
        let cookies: Vec<&str> = headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).collect();
        assert!(cookies.iter().any(|c| c.starts_with("lang=ru")), "{cookies:?}");
        // The account page lists the sessions, this one marked.
        let (status, _, page) = app.send(get_with_cookie("/account", &format!("{here}; lang=en"))).await;
        assert_eq!(status, StatusCode::OK);
        let page = String::from_utf8_lossy(&page).to_string();
        assert_eq!(page.matches("Signed in ").count(), 3, "three sessions listed");
        assert!(page.contains("this one"));

        let (_, headers, _) = app.send(form_post("/account/sign-out-everywhere", &format!("csrf={csrf}"), Some(&here))).await;
        assert_eq!(headers[header::LOCATION], "/login?signed_out=1");
        assert!(!signed_in(&app, &here).await);
        assert!(!signed_in(&app, &other).await);
        // Signed out, the page asks to sign in.
        let (status, _, _) = app.send(get_with_cookie("/account", &here)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}
