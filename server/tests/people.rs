//! Managing people: admins and regional managers create users with a one-time invitation link,
//! the user sets their own password with it and signs in; role and scope changes, deactivation
//! (sessions end, tokens stop) and a new link as a password reset; a regional manager reaches
//! only their region's store staff; every change is in the audit log. On both databases.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{form_post, get_with_cookie, TestApp, PASSWORD};
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

/// The secret part of an invitation link.
fn token_of(link: &Value) -> String {
    link.as_str()
        .and_then(|l| l.rsplit_once("/invite/"))
        .map(|(_, t)| t.to_string())
        .expect("an invitation link")
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> StatusCode {
    let (status, headers, _) = app
        .send(form_post(
            "/auth/login",
            &format!("username={username}&password={password}"),
            None,
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap_or("").to_string();
    if to.starts_with("/login") {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    }
}

async fn set_password(app: &TestApp, token: &str, password: &str, repeat: &str) -> String {
    let (status, headers, _) = app
        .send(form_post(
            &format!("/invite/{token}"),
            &format!("password={password}&repeat={repeat}"),
            None,
        ))
        .await;
    assert!(
        status == StatusCode::SEE_OTHER || status == StatusCode::NOT_FOUND,
        "{status}"
    );
    if status == StatusCode::NOT_FOUND {
        return "404".into();
    }
    headers[header::LOCATION].to_str().unwrap_or("").to_string()
}

both_backends! {
    async fn an_invited_store_manager_sets_a_password_signs_in_and_sees_only_their_store(app: TestApp) {
        let admin = app.token("admin").await;
        let (status, made) = app.post_json("/api/v1/users", &json!({
            "username": "li.wei", "display_name": "Li Wei", "role": "store_manager", "stores": ["S-1"]}), &admin).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        assert_eq!(made["user"]["invited"], true);
        assert!(made["invitation_url"].as_str().unwrap_or("").starts_with("http://servscope.test/invite/")
            || made["invitation_url"].as_str().unwrap_or("").contains("/invite/"), "{made}");
        let token = token_of(&made["invitation_url"]);
        // No password works before the link is used.
        assert_eq!(sign_in(&app, "li.wei", "").await, StatusCode::UNAUTHORIZED);
        assert_eq!(sign_in(&app, "li.wei", "!invited").await, StatusCode::UNAUTHORIZED);

        // The link's page greets them; wrong input comes back with the reason.
        let (status, _, page) = app.send(Request::builder().uri(format!("/invite/{token}")).body(Body::empty()).expect("req")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(String::from_utf8_lossy(&page).contains("Li Wei"));
        assert!(set_password(&app, &token, "short", "short").await.ends_with("error=password"));
        assert!(set_password(&app, &token, "long enough words", "long enough wordz").await.ends_with("error=repeat"));
        let to = set_password(&app, &token, "long enough words", "long enough words").await;
        assert_eq!(to, "/login?password_set=1&username=li.wei");
        // Used once: a replay, or the page, finds no link.
        assert_eq!(set_password(&app, &token, "another password!", "another password!").await, "404");
        let (status, _, _) = app.send(Request::builder().uri(format!("/invite/{token}")).body(Body::empty()).expect("req")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        assert_eq!(sign_in(&app, "li.wei", "long%20enough%20words").await, StatusCode::OK);
        let cookie = {
            let (_, headers, _) = app.send(form_post("/auth/login", "username=li.wei&password=long%20enough%20words", None)).await;
            headers[header::SET_COOKIE].to_str().expect("cookie").split(';').next().expect("pair").to_string()
        };
        let (status, _, stores) = app.send(get_with_cookie("/api/v1/stores", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let stores: Value = serde_json::from_slice(&stores).expect("json");
        let codes: Vec<&str> = stores.as_array().expect("list").iter().filter_map(|s| s["code"].as_str()).collect();
        assert_eq!(codes, vec!["S-1"]);
        let (_, list) = app.get("/api/v1/users?q=li.wei", &admin).await;
        assert_eq!(list[0]["invited"], false);
        assert!(list[0]["last_sign_in_at"].is_string(), "{list}");
        let (_, log) = app.get("/api/v1/audit?kind=user&subject=li.wei", &admin).await;
        let fields: Vec<&str> = log.as_array().expect("rows").iter().filter_map(|r| r["field"].as_str()).collect();
        assert_eq!(fields, vec!["invitation", "created"]);
    }

    async fn a_regional_manager_manages_only_their_regions_store_staff(app: TestApp) {
        let regional = app.token("regional.north").await;
        let new = |role: &str, stores: Value| json!({"username": format!("p.{role}"), "display_name": "P", "role": role, "stores": stores});
        let (status, made) = app.post_json("/api/v1/users", &new("employee", json!(["N-2"])), &regional).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        for (body, why) in [
            (new("store_manager", json!(["S-1"])), "a store of another region"),
            (new("store_manager", json!(["N-1", "S-1"])), "one store outside"),
            (json!({"username": "p.admin", "display_name": "P", "role": "admin"}), "an admin"),
            (json!({"username": "p.rm", "display_name": "P", "role": "regional_manager", "regions": ["North"]}), "a regional manager"),
            (json!({"username": "p.shop", "display_name": "P", "role": "shopper"}), "a shopper"),
        ] {
            let (status, _) = app.post_json("/api/v1/users", &body, &regional).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{why}");
        }
        // Promote someone of theirs, move them out, or touch another region's staff: refused.
        let (status, _) = app.json(patch("/api/v1/users/staff.n1", &json!({"role": "admin", "stores": []}), &regional)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.json(patch("/api/v1/users/staff.n1", &json!({"stores": ["S-1"]}), &regional)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.json(patch("/api/v1/users/staff.s1", &json!({"display_name": "X"}), &regional)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.json(patch("/api/v1/users/admin", &json!({"active": false}), &regional)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Inside the region: a store manager of N-1 becomes one of N-1 and N-2.
        let (status, changed) = app.json(patch("/api/v1/users/manager.n1", &json!({"stores": ["N-1", "N-2"]}), &regional)).await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["stores"], json!(["N-1", "N-2"]));
        // The list shows only their reach.
        let (_, list) = app.get("/api/v1/users", &regional).await;
        let names: Vec<&str> = list.as_array().expect("list").iter().filter_map(|u| u["username"].as_str()).collect();
        assert_eq!(names, vec!["manager.n1", "p.employee", "staff.n1"]);
        // Store managers, shoppers and employees manage nobody.
        for user in ["manager.n1", "shopper", "staff.n1"] {
            let token = app.token(user).await;
            let (status, _) = app.get("/api/v1/users", &token).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
        }
    }

    async fn deactivating_ends_sessions_and_tokens_and_a_new_link_resets_the_password(app: TestApp) {
        let admin = app.token("admin").await;
        let staff_cookie = app.login("staff.n1").await;
        let staff_token = app.token("staff.n1").await;
        let (status, _) = app.json(patch("/api/v1/users/staff.n1", &json!({"active": false}), &admin)).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.get("/api/v1/stores", &staff_token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the token stopped");
        let (status, _, _) = app.send(get_with_cookie("/api/v1/stores", &staff_cookie)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the session ended");
        assert_eq!(sign_in(&app, "staff.n1", PASSWORD).await, StatusCode::UNAUTHORIZED);
        let (status, _) = app.post_json("/api/v1/users/staff.n1/invitation", &json!({}), &admin).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no link for a deactivated user");

        let (status, _) = app.json(patch("/api/v1/users/staff.n1", &json!({"active": true}), &admin)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(sign_in(&app, "staff.n1", PASSWORD).await, StatusCode::OK);
        let (status, old) = app.post_json("/api/v1/users/staff.n1/invitation", &json!({}), &admin).await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, new) = app.post_json("/api/v1/users/staff.n1/invitation", &json!({}), &admin).await;
        assert_eq!(set_password(&app, &token_of(&old["invitation_url"]), "a new pass phrase", "a new pass phrase").await, "404",
            "only the newest link works");
        assert!(set_password(&app, &token_of(&new["invitation_url"]), "a new pass phrase", "a new pass phrase").await.contains("password_set"));
        assert_eq!(sign_in(&app, "staff.n1", "a%20new%20pass%20phrase").await, StatusCode::OK);

        // Role changes need the right scope, and nobody changes their own role.
        let (status, wrong) = app.json(patch("/api/v1/users/staff.n1", &json!({"role": "regional_manager"}), &admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(wrong["fields"][0]["field"], "regions");
        let (status, _) = app.json(patch("/api/v1/users/staff.n1", &json!({"role": "regional_manager", "regions": ["North"]}), &admin)).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.json(patch("/api/v1/users/admin", &json!({"role": "shopper"}), &admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, log) = app.get("/api/v1/audit?kind=user&subject=staff.n1", &admin).await;
        let fields: Vec<&str> = log.as_array().expect("rows").iter().filter_map(|r| r["field"].as_str()).collect();
        assert_eq!(fields, vec!["scope", "role", "invitation", "invitation", "active", "active"]);
    }

    async fn the_people_pages_create_a_person_and_show_the_link_once_made(app: TestApp) {
        let cookie = app.login("admin").await;
        let csrf = app.csrf_of(&cookie).await;
        let (status, headers, _) = app.send(form_post("/admin/users",
            &format!("csrf={csrf}&username=Bad+Name&display_name=&role=employee&stores=N-1&stores=S-1"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let back = headers[header::LOCATION].to_str().expect("location").to_string();
        assert!(back.starts_with("/admin/users?error=username%2Cdisplay_name%2Cstores"), "{back}");
        let (_, _, form) = app.send(get_with_cookie(&back, &cookie)).await;
        let form = String::from_utf8_lossy(&form).to_string();
        assert!(form.contains("value=\"Bad Name\"") && form.contains("an employee exactly one"), "typed kept, the reasons given");
        let (status, headers, _) = app.send(form_post("/admin/users",
            &format!("csrf={csrf}&username=olga&display_name=Olga&role=regional_manager&regions=North&regions=South"), Some(&cookie))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], "/admin/users/olga?invited=1");
        let flash = headers[header::SET_COOKIE].to_str().expect("cookie").split(';').next().expect("pair").to_string();
        let (_, _, page) = app.send(get_with_cookie("/admin/users/olga?invited=1", &format!("{cookie}; {flash}"))).await;
        let page = String::from_utf8_lossy(&page).to_string();
        assert!(page.contains("/invite/"), "the link is shown to pass on");
        assert!(page.contains("North, South"));
        // Without the flash cookie the link is not shown again.
        let (_, _, page) = app.send(get_with_cookie("/admin/users/olga", &cookie)).await;
        assert!(!String::from_utf8_lossy(&page).contains("/invite/"));
        let (_, _, list) = app.send(get_with_cookie("/admin/users?role=regional_manager", &cookie)).await;
        let list = String::from_utf8_lossy(&list).to_string();
        assert!(list.contains("olga") && list.contains("regional.north") && !list.contains("staff.n1"));
    }
}
