//! A store's scorecard: its figures agree with the raw responses, it renders without
//! JavaScript with charts and tables, and it is scoped like every store read. Against real
//! SQLite and PostgreSQL, on the demo data (weeks of answers from every channel).

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::{get_with_cookie, TestApp};
use sqlx::Row;

use app::api::scorecard::Measure;
use app::domain::stats::Baseline;
use app::domain::Channel;
use app::server::db::figures::week_key;
use app::server::db::users::actor_by_username;
use app::server::scorecard::{for_store, weeks_before, weight_of, Request};

both_backends! {
    async fn the_scorecard_agrees_with_the_raw_responses(app: TestApp) {
        common::load_demo(&app).await;
        let manager = actor_by_username(app.db(), "manager.sh001").await.expect("db").expect("manager");
        let card = for_store(app.db(), &app.state.templates, &manager, "SH-001", Request::default()).await.expect("scorecard");
        assert_eq!(card.weeks.len(), 12);

        // Per channel over the same weeks, straight from the raw responses.
        let rows = sqlx::query(
            "SELECT r.channel, r.score_pct, r.finished_at, s.timezone, r.recommend FROM responses r JOIN stores s ON s.id = r.store_id
             WHERE s.code = 'SH-001' AND r.flags = ''",
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
        let four = for_store(app.db(), &app.state.templates, &manager, "SH-001", Request { weeks: 4, ..Request::default() }).await.expect("scorecard");
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
        let card = for_store(app.db(), &app.state.templates, &manager, "SH-001", request).await.expect("scorecard");
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
}
