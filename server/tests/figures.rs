//! The weekly figures kept at ingest: equal to a rebuild from the raw responses, equal to what
//! the raw responses say, and without flagged answers. Against real SQLite and PostgreSQL.

mod common;

use std::collections::BTreeMap;

use common::TestApp;
use sqlx::Row;

use app::domain::stats::to_fixed;
use app::server::db::figures::{self, Figures};
use app::server::db::responses;
use app::server::stored_response::response_row;

/// Per (store, channel): unflagged responses, sum of overall scores (fixed), promoters,
/// straight from the raw responses.
async fn raw_totals(app: &TestApp) -> BTreeMap<(i64, String), (i64, i64, i64)> {
    let rows = sqlx::query(
        "SELECT store_id, channel, score_pct, recommend FROM responses WHERE status = 'counted'",
    )
    .fetch_all(&app.db().pool)
    .await
    .expect("raw");
    let mut totals = BTreeMap::new();
    for r in rows {
        let key = (
            r.try_get::<i64, _>(0).expect("store"),
            r.try_get::<String, _>(1).expect("channel"),
        );
        let score: Option<f64> = r.try_get(2).expect("score");
        let recommend: Option<i64> = r.try_get(3).expect("recommend");
        let t: &mut (i64, i64, i64) = totals.entry(key).or_default();
        t.0 += 1;
        t.1 += score.map(to_fixed).unwrap_or(0);
        t.2 += i64::from(recommend.is_some_and(|v| v >= 9));
    }
    totals
}

/// The same totals from the weekly figures.
async fn figure_totals(app: &TestApp) -> BTreeMap<(i64, String), (i64, i64, i64)> {
    let mut totals: BTreeMap<(i64, String), Figures> = BTreeMap::new();
    for ((store, _, channel), f) in figures::all_week_rows(app.db()).await.expect("figures") {
        totals.entry((store, channel)).or_default().merge(&f);
    }
    totals
        .into_iter()
        .map(|(k, f)| (k, (f.responses, f.measures[0].sum, f.promoters)))
        .collect()
}

both_backends! {
    async fn figures_kept_at_ingest_match_the_raw_responses_and_a_rebuild(app: TestApp) {
        let made = common::load_demo(&app).await;
        let weeks = figures::all_week_rows(app.db()).await.expect("weeks");
        let items = figures::all_item_rows(app.db()).await.expect("items");
        // Twelve stores, weeks of answers, all four channels.
        assert!(weeks.len() > 12 * 10, "{}", weeks.len());
        // Every demo response counts but the new shopper's visits waiting for review.
        let waiting = app.count("SELECT COUNT(*) FROM responses WHERE status = 'submitted'").await;
        assert_eq!(waiting, 3);
        assert_eq!(weeks.iter().map(|(_, f)| f.responses).sum::<i64>(), made as i64 - waiting);
        let channels: std::collections::BTreeSet<&str> = weeks.iter().map(|((_, _, c), _)| c.as_str()).collect();
        assert_eq!(channels.len(), 4, "{channels:?}");
        assert!(items.iter().any(|(_, c)| c.failed > 0) && items.iter().any(|(_, c)| c.critical));

        // What the figures say per store and channel is what the raw responses say.
        assert_eq!(figure_totals(&app).await, raw_totals(&app).await);

        // A rebuild from the raw responses gives the very same rows.
        let report = figures::rebuild(app.db(), &Default::default()).await.expect("rebuild");
        assert_eq!(report.responses, (made as i64 - waiting) as u64);
        assert_eq!(figures::all_week_rows(app.db()).await.expect("weeks"), weeks);
        assert_eq!(figures::all_item_rows(app.db()).await.expect("items"), items);
    }

    async fn a_flagged_answer_is_stored_but_left_out_of_the_figures(app: TestApp) {
        let token = app.token("admin").await;
        let (status, _) = app.put_response(&uuid::Uuid::new_v4().to_string(), &common::pulse("N-1", 10), &token).await;
        assert_eq!(status, axum::http::StatusCode::CREATED);
        let before = figures::all_week_rows(app.db()).await.expect("figures");
        assert_eq!(before.iter().map(|(_, f)| f.responses).sum::<i64>(), 1);
        assert_eq!(before[0].1.promoters, 1);

        // The same kind of answer, flagged as sent too fast (what the survey form does).
        let templates = app::domain::builtin::builtin_templates().expect("templates");
        let pulse = templates.iter().find(|t| t.key == "customer-pulse").expect("pulse");
        let submission: app::domain::ResponseSubmission = serde_json::from_value(common::pulse("N-1", 0)).expect("submission");
        let answers = submission.check(pulse, chrono::Utc::now()).expect("valid");
        let card = app::domain::score(pulse, &answers);
        let store = app::server::db::org::store_by_code(app.db(), "N-1").await.expect("db").expect("store");
        let version = app.state.templates.get(app.db(), "customer-pulse", 1).await.expect("db").expect("version");
        let (mut row, _) = response_row(&uuid::Uuid::new_v4().to_string(), (store.id, &store.timezone), &version,
            None, &submission, &card, chrono::Utc::now()).expect("row");
        row.status = app::domain::status::Status::Flagged;
        let mut tx = app.db().write_tx().await.expect("tx");
        assert!(responses::insert(&mut tx, &row).await.expect("stored"));
        tx.commit().await.expect("commit");
        assert_eq!(app.count("SELECT COUNT(*) FROM responses").await, 2);
        assert_eq!(figures::all_week_rows(app.db()).await.expect("figures"), before, "flagged: not counted");

        figures::rebuild(app.db(), &Default::default()).await.expect("rebuild");
        assert_eq!(figures::all_week_rows(app.db()).await.expect("figures"), before, "nor by a rebuild");
    }

    async fn a_database_without_figures_gets_them_when_opened(app: TestApp) {
        let token = app.token("admin").await;
        for recommend in [9, 3] {
            app.put_response(&uuid::Uuid::new_v4().to_string(), &common::pulse("N-1", recommend), &token).await;
        }
        let kept = figures::all_week_rows(app.db()).await.expect("figures");
        // As a database migrated from before the figures existed.
        sqlx::query("DELETE FROM store_week_figures").execute(&app.db().pool).await.expect("clear");
        sqlx::query("DELETE FROM store_week_items").execute(&app.db().pool).await.expect("clear");
        assert!(figures::missing(app.db()).await.expect("missing"));
        server::open_database(&app.url).await.expect("open");
        assert!(!figures::missing(app.db()).await.expect("missing"));
        assert_eq!(figures::all_week_rows(app.db()).await.expect("figures"), kept);
    }

    async fn kept_period_totals_stay_equal_to_a_fresh_build_as_responses_arrive(app: TestApp) {
        common::load_demo(&app).await;
        // The 12 weeks ending with the London store's current week.
        let now = chrono::Utc::now().timestamp_millis();
        let last = chrono::NaiveDate::parse_from_str(&figures::week_key("Europe/London", now), "%Y-%m-%d").expect("week");
        let first = last - chrono::Duration::weeks(11);
        figures::ensure_period(app.db(), 12, first, last).await.expect("build");
        let before = figures::period_rows(app.db(), 12).await.expect("rows");
        assert!(before.len() >= 12 * 3, "every store and channel: {}", before.len());

        // More answers arrive through the real ingest paths: customers and a mystery visit.
        let admin = app.token("admin").await;
        for recommend in [0, 6, 9, 10] {
            let (status, _) = app.put_response(&uuid::Uuid::new_v4().to_string(), &common::pulse("LDN-001", recommend), &admin).await;
            assert_eq!(status, axum::http::StatusCode::CREATED);
        }
        let shopper = app.token("shopper.anna").await;
        let mut visit = common::visit("LDN-001");
        visit["assignment"] = serde_json::json!(app.assignment_for("shopper.anna", "LDN-001", "instore-visit").await);
        let (status, body) = app.put_response(&uuid::Uuid::new_v4().to_string(), &visit, &shopper).await;
        assert_eq!(status, axum::http::StatusCode::CREATED, "{body}");
        let kept = figures::period_rows(app.db(), 12).await.expect("rows");
        assert_ne!(kept, before, "the kept totals moved with the new answers");

        // Built again from the weekly rows: the very same totals.
        sqlx::query("DELETE FROM period_builds").execute(&app.db().pool).await.expect("forget");
        figures::ensure_period(app.db(), 12, first, last).await.expect("build");
        assert_eq!(figures::period_rows(app.db(), 12).await.expect("rows"), kept);
        // Building again for the same week changes nothing; a rebuild of the figures drops them.
        figures::ensure_period(app.db(), 12, first, last).await.expect("build");
        assert_eq!(figures::period_rows(app.db(), 12).await.expect("rows"), kept);
        figures::rebuild(app.db(), &Default::default()).await.expect("rebuild");
        assert!(figures::period_rows(app.db(), 12).await.expect("rows").is_empty());
    }
}
