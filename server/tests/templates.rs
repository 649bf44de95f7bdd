//! Template import/export: immutable versions, clear messages, pinned responses.

mod common;

use axum::http::StatusCode;
use common::{pulse, TestApp};

use app::domain::builtin::builtin_templates;
use app::server::db::templates::import_template;
use server::cli;
use server::config::TemplatesCommand;

fn write_temp(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("{}-{name}", uuid::Uuid::new_v4()));
    std::fs::write(&path, text).expect("write");
    path
}

both_backends! {
    async fn importing_a_changed_template_publishes_a_new_version_and_keeps_the_old_one(app: TestApp) {
        let mut pulse_t = builtin_templates().expect("valid").into_iter().find(|t| t.key == "customer-pulse").expect("pulse");
        let same = import_template(app.db(), &pulse_t, 1).await.expect("import");
        assert_eq!((same.version, same.published), (1, false), "identical import changes nothing");

        pulse_t.sections[0].questions.retain(|q| q.id != "comment");
        pulse_t.sections[0].questions[1].text.en = "The store was clean.".into();
        let changed = import_template(app.db(), &pulse_t, 2).await.expect("import");
        assert_eq!((changed.version, changed.published), (2, true));

        // A response started on version 1 is still checked against version 1.
        let token = app.token("admin").await;
        let (status, body) = app.put_response(&uuid::Uuid::new_v4().to_string(), &pulse("N-1", 7), &token).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let mut on_v2 = pulse("N-1", 7);
        on_v2["template_version"] = serde_json::json!(2);
        let (status, body) = app.put_response(&uuid::Uuid::new_v4().to_string(), &on_v2, &token).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "comment no longer exists in v2: {body}");

        let (_, v1) = app.get("/api/v1/templates/customer-pulse/versions/1", &token).await;
        assert_eq!(v1["template"]["sections"][0]["questions"].as_array().map(Vec::len), Some(7));
        let (_, list) = app.get("/api/v1/templates", &token).await;
        let pulse_row = list.as_array().expect("list").iter().find(|t| t["key"] == "customer-pulse").expect("row").clone();
        assert_eq!(pulse_row["version"], 2);
    }

    async fn the_import_command_refuses_a_bad_file_and_publishes_nothing(app: TestApp) {
        let good = write_temp("good.json", &builtin_templates().map(|ts| serde_json::to_string(&{
            let mut t = ts[0].clone(); t.key = "new-visit".into(); t
        }).expect("json")).expect("valid"));
        let bad = write_temp("bad.json", r#"{"key":"Bad Key","channel":"mystery_visit","title":{"en":""},"sections":[]}"#);
        let err = cli::templates(app.db(), TemplatesCommand::Import { files: vec![good.clone(), bad] }).await.unwrap_err();
        assert!(err.contains("nothing imported"), "{err}");
        assert!(err.contains("key \"Bad Key\""), "{err}");
        assert!(err.contains("title needs English text"), "{err}");
        assert_eq!(app.count("SELECT COUNT(*) FROM templates WHERE template_key = 'new-visit'").await, 0);

        cli::templates(app.db(), TemplatesCommand::Import { files: vec![good] }).await.expect("good file imports");
        assert_eq!(app.count("SELECT COUNT(*) FROM templates WHERE template_key = 'new-visit'").await, 1);
    }
}
