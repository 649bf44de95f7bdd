//! A store's scorecard: its figures agree with the raw responses, it renders without
//! JavaScript with charts and tables, and it is scoped like every store read. Against real
//! SQLite and PostgreSQL, on the demo data (weeks of answers from every channel).

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::{get_with_cookie, TestApp};
use sqlx::Row;

use app::api::scorecard::Measure;
use app::domain::org_settings::OrgSettings;
use app::domain::stats::Baseline;
use app::domain::targets::Goal;
use app::domain::Channel;
use app::server::db::figures::week_key;
use app::server::db::users::actor_by_username;
use app::server::scorecard::{for_store, weeks_before, Request};

/// The default weight of a channel in the combined score.
fn weight_of(c: Channel) -> f64 {
    OrgSettings::default().weight_of(c)
}

/// `PUT /api/v1/targets` with a token.
async fn put_target(
    app: &TestApp,
    token: &str,
    body: serde_json::Value,
    json: bool,
) -> (StatusCode, serde_json::Value) {
    app.json(
        axum::http::Request::builder()
            .method("PUT")
            .uri("/api/v1/targets")
            .header("authorization", format!("Bearer {token}"))
            .header(
                "content-type",
                if json {
                    "application/json"
                } else {
                    "text/plain"
                },
            )
            .body(axum::body::Body::from(body.to_string()))
            .expect("request"),
    )
    .await
}

/// The combined overall score of the stores' counted answers pooled, in `[from, to)` (week
/// keys), straight from the raw responses with the stated weights.
async fn raw_overall(app: &TestApp, codes: &[&str], from: &str, to: &str) -> Option<f64> {
    let rows: Vec<sqlx::any::AnyRow> = sqlx::query(
        "SELECT r.channel, r.score_pct, r.finished_at, s.timezone, s.code FROM responses r JOIN stores s ON s.id = r.store_id
         WHERE r.status = 'counted' AND r.score_pct IS NOT NULL",
    )
    .fetch_all(&app.db().pool)
    .await
    .expect("raw")
    .into_iter()
    .filter(|r| codes.contains(&r.try_get::<String, _>(4).expect("code").as_str()))
    .collect();
    let mut by_channel: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for r in rows {
        let week = week_key(
            &r.try_get::<String, _>(3).expect("tz"),
            r.try_get(2).expect("finished"),
        );
        if week.as_str() >= from && week.as_str() < to {
            let e = by_channel
                .entry(r.try_get(0).expect("channel"))
                .or_default();
            e.0 += r.try_get::<f64, _>(1).expect("score");
            e.1 += 1.0;
        }
    }
    let (sum, weights) = by_channel.iter().fold((0.0, 0.0), |(s, w), (c, (sum, n))| {
        let wt = weight_of(Channel::parse(c).expect("channel"));
        (s + sum / n * wt, w + wt)
    });
    (weights > 0.0).then(|| sum / weights)
}

both_backends! {
    async fn the_scorecard_agrees_with_the_raw_responses(app: TestApp) {
        common::load_demo(&app).await;
        let manager = actor_by_username(app.db(), "manager.sh001").await.expect("db").expect("manager");
        let card = for_store(app.db(), &app.state.templates, &manager, "SH-001", Request::default(), &OrgSettings::default()).await.expect("scorecard");
        assert_eq!(card.weeks.len(), 12);

        // Per channel over the same weeks, straight from the raw responses.
        let rows = sqlx::query(
            "SELECT r.channel, r.score_pct, r.finished_at, s.timezone, r.recommend FROM responses r JOIN stores s ON s.id = r.store_id
             WHERE s.code = 'SH-001' AND r.status = 'counted'",
        ).fetch_all(&app.db().pool).await.expect("raw");
        let first = card.weeks[0].format("%Y-%m-%d").to_string();
        let mut raw: BTreeMap<String, (f64, i64)> = BTreeMap::new();
        let (mut promoters, mut detractors, mut answered) = (0, 0, 0);
        for r in rows {
            let finished: i64 = r.try_get(2).expect("finished");
            if week_key(&r.try_get::<String, _>(3).expect("tz"), finished) < first {
                continue;
            }
            let channel: String = r.try_get(0).expect("channel");
            if let Some(score) = r.try_get::<Option<f64>, _>(1).expect("score") {
                let e = raw.entry(channel.clone()).or_default();
                e.0 += score;
                e.1 += 1;
            }
            if channel == "customer_qr" {
                if let Some(v) = r.try_get::<Option<i64>, _>(4).expect("recommend") {
                    answered += 1;
                    promoters += i64::from(v >= 9);
                    detractors += i64::from(v <= 6);
                }
            }
        }
        for c in &card.channels {
            let (sum, n) = raw[c.channel.as_str()];
            let overall = c.overall.expect("overall");
            assert_eq!(overall.n, n, "{:?}", c.channel);
            assert!((overall.value - sum / n as f64).abs() < 0.01, "{:?}: {} vs {}", c.channel, overall.value, sum / n as f64);
        }
        // The combined score is the stated weighting of the channel means.
        let (weighted, weights) = card.channels.iter().fold((0.0, 0.0), |(s, w), c| {
            let wt = weight_of(c.channel);
            (s + c.overall.map_or(0.0, |e| e.value) * wt, w + wt)
        });
        assert!((card.combined_overall.expect("combined") - weighted / weights).abs() < 1e-9);
        // Customers' NPS.
        let nps = card.nps.expect("nps");
        assert_eq!(nps.n, answered);
        assert!((nps.value - (promoters - detractors) as f64 / answered as f64 * 100.0).abs() < 1e-9);
        assert!(nps.low < nps.value && nps.value < nps.high);

        // The chart follows the busiest channel by default and can follow any dimension.
        assert_eq!(card.chart.channel, Channel::CustomerQr);
        assert!(card.chart.limits.is_some());
        // The demo has 12 weeks of history: the 12-week chart takes its own first half as the
        // baseline; the 4-week chart reads its weeks against the weeks before it, whose
        // customer answers set the centre line.
        assert_eq!(card.chart.baseline, Baseline::FirstWeeks { weeks: 6 });
        let four = for_store(app.db(), &app.state.templates, &manager, "SH-001", Request { weeks: 4, ..Request::default() }, &OrgSettings::default()).await.expect("scorecard");
        let Baseline::Before { weeks: 12, with_answers } = four.chart.baseline else {
            panic!("baseline {:?}", four.chart.baseline);
        };
        assert!((4..=12).contains(&with_answers), "{with_answers}");
        let (from, to) = (weeks_before(four.weeks[0])[0].format("%Y-%m-%d").to_string(), four.weeks[0].format("%Y-%m-%d").to_string());
        let earlier: Vec<f64> = sqlx::query("SELECT r.score_pct, r.finished_at, s.timezone FROM responses r JOIN stores s ON s.id = r.store_id
             WHERE s.code = 'SH-001' AND r.channel = 'customer_qr' AND r.status = 'counted' AND r.score_pct IS NOT NULL")
            .fetch_all(&app.db().pool).await.expect("raw").iter()
            .filter(|r| {
                let week = week_key(&r.try_get::<String, _>(2).expect("tz"), r.try_get(1).expect("finished"));
                week >= from && week < to
            })
            .map(|r| r.try_get(0).expect("score"))
            .collect();
        let centre = four.chart.limits.expect("limits").centre;
        assert!((centre - earlier.iter().sum::<f64>() / earlier.len() as f64).abs() < 0.01, "centre {centre}");
        let request = Request { measure: Measure::Dimension(app::domain::Dimension::Empathy), channel: Some(Channel::MysteryVisit), ..Request::default() };
        let card = for_store(app.db(), &app.state.templates, &manager, "SH-001", request, &OrgSettings::default()).await.expect("scorecard");
        assert_eq!((card.chart.channel, card.chart.measure), (Channel::MysteryVisit, request.measure));
        // The items that fail most come first, and their shares add up.
        assert!(!card.pareto.is_empty());
        assert!(card.pareto.windows(2).all(|w| w[0].failed >= w[1].failed));
        assert!((card.pareto.last().expect("item").cumulative - 1.0).abs() < 1e-9);
    }

    async fn a_manager_reads_their_stores_scorecard_without_javascript_and_no_other(app: TestApp) {
        common::load_demo(&app).await;
        let cookie = common::demo_login(&app, "manager.sh001").await;
        let (status, _, page) = app.send(get_with_cookie("/stores/SH-001/scorecard?weeks=26", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let page = String::from_utf8(page).expect("utf8");
        assert!(page.contains("Scorecard · Nanjing Road"));
        assert!(page.contains(r#"aria-current="page" class="chip">26 weeks"#), "the chosen period is marked");
        for heading in ["By channel", "Week by week", "Control chart", "Who sees what", "What fails most"] {
            assert!(page.contains(&format!("<h2>{heading}</h2>")), "{heading}");
        }
        assert!(page.matches(r#"<svg class="chart""#).count() >= 4, "server-drawn charts");
        assert!(page.contains("<table class=\"figures\""), "numbers as tables");
        assert!(page.contains("data-server-only"), "no bundle needed");

        // Another store's scorecard is not found, and shows none of its figures.
        let (_, _, other) = app.send(get_with_cookie("/stores/LDN-001/scorecard", &cookie)).await;
        let other = String::from_utf8(other).expect("utf8");
        assert!(!other.contains("Scorecard ·") && !other.contains("<svg class=\"chart\""));
        // Shoppers and employees read no scorecards.
        let staff = common::demo_login(&app, "staff.sh001").await;
        let (_, _, page) = app.send(get_with_cookie("/stores/SH-001/scorecard", &staff)).await;
        assert!(String::from_utf8(page).expect("utf8").contains("Only managers and administrators read scorecards."));
        // A regional manager reads the stores of their region.
        let regional = common::demo_login(&app, "regional.east").await;
        let (_, _, page) = app.send(get_with_cookie("/stores/SH-001/scorecard", &regional)).await;
        assert!(String::from_utf8(page).expect("utf8").contains("Scorecard · Nanjing Road"));
        let (_, _, page) = app.send(get_with_cookie("/stores/MSK-001/scorecard", &regional)).await;
        assert!(!String::from_utf8(page).expect("utf8").contains("Scorecard ·"));
    }

    async fn each_figure_stands_beside_its_target_the_regions_average_and_the_previous_period(app: TestApp) {
        common::load_demo(&app).await;
        let admin = app.token("admin").await;
        let manager_token = app.token("manager.sh001").await;
        // Refused: not an admin, not JSON, an unknown measure, a value off the scale, a store
        // that does not exist. Nothing is stored by any of them.
        let before: i64 = app.count("SELECT COUNT(*) FROM targets").await;
        let good = serde_json::json!({"store": "SH-001", "measure": "overall", "value": 85});
        assert_eq!(put_target(&app, &manager_token, good.clone(), true).await.0, StatusCode::FORBIDDEN);
        assert_eq!(put_target(&app, &admin, good.clone(), false).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        for bad in [
            serde_json::json!({"measure": "happiness", "value": 50}),
            serde_json::json!({"measure": "overall", "value": 150}),
            serde_json::json!({"measure": "nps", "value": -101}),
            serde_json::json!({"store": "NOPE-1", "measure": "overall", "value": 80}),
        ] {
            let (status, body) = put_target(&app, &admin, bad.clone(), true).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM targets").await, before);
        // The demo's organisation targets (overall 80, NPS +30); SH-001 gets its own overall.
        assert_eq!(put_target(&app, &admin, good, true).await.0, StatusCode::OK);
        let (status, listed) = app.get("/api/v1/targets", &admin).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed["targets"].as_array().expect("list").len(), 3, "{listed}");
        assert_eq!(app.get("/api/v1/targets", &manager_token).await.0, StatusCode::FORBIDDEN);

        let manager = actor_by_username(app.db(), "manager.sh001").await.expect("db").expect("manager");
        let card = for_store(app.db(), &app.state.templates, &manager, "SH-001", Request { weeks: 4, ..Request::default() }, &OrgSettings::default()).await.expect("scorecard");
        let bench = |g: Goal| card.benchmarks.iter().find(|b| b.goal == g).expect("benchmark").clone();
        let overall = bench(Goal::Overall);
        assert_eq!(overall.target, Some(85.0), "the store's own target wins");
        assert_eq!(bench(Goal::Nps).target, Some(30.0), "the organisation's applies otherwise");
        assert_eq!(bench(Goal::Dimension(app::domain::Dimension::Empathy)).target, None);
        assert_eq!(overall.value, card.combined_overall);

        // The previous period: the 4 weeks before, from the raw answers.
        let week = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        let first = card.weeks[0];
        let previous = raw_overall(&app, &["SH-001"], &week(first - chrono::Duration::weeks(4)), &week(first)).await;
        let (got, want) = (overall.previous.expect("previous"), previous.expect("raw previous"));
        assert!((got - want).abs() < 0.01, "previous {got} vs raw {want}");

        // The region's figure: East China's four stores' answers pooled, over the same weeks.
        let after_last = week(card.weeks[card.weeks.len() - 1] + chrono::Duration::weeks(1));
        let want = raw_overall(&app, &["SH-001", "SH-002", "HZ-001", "SZ-001"], &week(first), &after_last).await.expect("region");
        let got = overall.region.expect("region figure");
        assert!((got - want).abs() < 0.01, "region {got} vs raw {want}");

        // The same figure as the league's row for the region.
        let regional = actor_by_username(app.db(), "regional.east").await.expect("db").expect("regional");
        let twelve = for_store(app.db(), &app.state.templates, &manager, "SH-001", Request::default(), &OrgSettings::default()).await.expect("scorecard");
        let league = app::server::league::compute(app.db(), &regional, 12, &OrgSettings::default()).await.expect("league");
        let east = league.rollups.iter().find(|r| r.name == "East China").expect("east");
        let (card_region, league_region) = (twelve.benchmarks[0].region.expect("region"), east.figures.overall.expect("league").value);
        assert!((card_region - league_region).abs() < 1e-9, "scorecard {card_region} vs league {league_region}");

        // Removing the store's own target brings back the organisation's.
        let removed = serde_json::json!({"store": "SH-001", "measure": "overall", "value": null});
        assert_eq!(put_target(&app, &admin, removed, true).await.0, StatusCode::OK);
        let card = for_store(app.db(), &app.state.templates, &manager, "SH-001", Request::default(), &OrgSettings::default()).await.expect("scorecard");
        assert_eq!(card.benchmarks[0].target, Some(80.0));

        // The page says it in words, and the charts carry the target line.
        let cookie = common::demo_login(&app, "manager.sh001").await;
        let (_, _, page) = app.send(get_with_cookie("/stores/SH-001/scorecard", &cookie)).await;
        let page = String::from_utf8(page).expect("utf8");
        assert!(page.contains("<h2>How good is good</h2>"));
        assert!(page.contains(r#"data-testid="benchmarks""#));
        assert!(page.contains("on target") || page.contains("below target"));
        assert!(page.contains(r#"class="chart-target""#), "target lines on the charts");
        assert!(page.contains("Dashed line: the target (80 %)."));
    }

    async fn a_region_with_fewer_than_three_stores_with_figures_shows_no_average(app: TestApp) {
        common::load_demo(&app).await;
        // Only SH-001 and SH-002 keep answers in the period: the other two stores' figures go.
        sqlx::query("DELETE FROM store_week_figures WHERE store_id IN (SELECT id FROM stores WHERE code IN ('HZ-001', 'SZ-001'))")
            .execute(&app.db().pool).await.expect("delete");
        let manager = actor_by_username(app.db(), "manager.sh001").await.expect("db").expect("manager");
        let card = for_store(app.db(), &app.state.templates, &manager, "SH-001", Request::default(), &OrgSettings::default()).await.expect("scorecard");
        assert!(card.benchmarks.iter().all(|b| b.region.is_none()), "two stores would give the other one's figure away");
    }

    async fn a_flood_of_identical_visits_is_marked_on_the_scorecard_and_the_league_and_listed_once(app: TestApp) {
        common::load_demo(&app).await;
        let manager = actor_by_username(app.db(), "manager.sh001").await.expect("db").expect("manager");
        let card = for_store(app.db(), &app.state.templates, &manager, "SH-001", Request::default(), &OrgSettings::default()).await.expect("scorecard");
        assert!(card.unusual.is_empty(), "the demo's ordinary weeks are not marked: {:?}", card.unusual);

        // A script sends 40 visits stamped in the same minute, each saying "ok".
        let token = app.token("shopper.chen").await;
        let finished = chrono::Utc::now();
        for _ in 0..40 {
            let mut body = common::visit("SH-001");
            body["assignment"] = serde_json::json!(app.assignment_for("shopper.chen", "SH-001", "instore-visit").await);
            body["finished_at"] = serde_json::json!(finished.to_rfc3339());
            for answer in body["answers"].as_array_mut().expect("answers") {
                if answer["value"] == serde_json::json!("All good.") {
                    answer["value"] = serde_json::json!("ok");
                }
            }
            let (status, reply) = app.put_response(&uuid::Uuid::new_v4().to_string(), &body, &token).await;
            assert_eq!(status, StatusCode::CREATED, "{reply}");
        }
        // The demo's new shopper's visits are waiting too: a reviewer releases everything.
        common::release_waiting(&app).await;
        let card = for_store(app.db(), &app.state.templates, &manager, "SH-001", Request::default(), &OrgSettings::default()).await.expect("scorecard");
        let marked = card.unusual.last().expect("the flood is marked");
        assert_eq!((marked.channel, marked.week), (Channel::MysteryVisit, *card.weeks.last().expect("week")));
        assert!(marked.count >= 40 && marked.usual < 5, "{marked:?}");

        let cookie = common::demo_login(&app, "manager.sh001").await;
        let (_, _, page) = app.send(get_with_cookie("/stores/SH-001/scorecard", &cookie)).await;
        let page = String::from_utf8(page).expect("utf8");
        assert!(page.contains("Unusual numbers of answers"));
        assert!(page.contains("far more than the usual"), "said in plain words");
        // The latest visits and the comments collapse into one line each with a count.
        assert!(page.contains("× 8: the same line 8 times in a row"), "the latest reports (8 of them)");
        let (_, _, comments) = app.send(get_with_cookie("/stores/SH-001/comments?weeks=4", &cookie)).await;
        let comments = String::from_utf8(comments).expect("utf8");
        assert!(comments.contains("the same line") && comments.matches("<blockquote>ok</blockquote>").count() < 5, "identical comments collapse");

        // The league marks the store, and only it.
        let regional = common::demo_login(&app, "regional.east").await;
        let (_, _, league) = app.send(get_with_cookie("/league", &regional)).await;
        let league = String::from_utf8(league).expect("utf8");
        assert_eq!(league.matches(r#"data-testid="unusual""#).count(), 1, "one store marked");
        assert!(league.contains(": 40 (usually"), "the count and the usual week, in short");
        assert!(league.contains("far more than the usual"), "the whole sentence as the tag's title");
    }
}
