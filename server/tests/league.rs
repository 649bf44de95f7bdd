//! The league table, the region and organisation rollups, and the CSV exports: their figures
//! agree with the raw responses, rank by the adjusted score, and honour the user's scope.
//! Against real SQLite and PostgreSQL, on the demo data.

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::{get_with_cookie, TestApp};
use sqlx::Row;

use app::api::league::SortKey;
use app::domain::org_settings::OrgSettings;
use app::domain::Channel;
use app::server::db::figures::week_key;
use app::server::db::users::actor_by_username;
use app::server::league::{compute, for_actor, Request};

/// The default weight of a channel in the combined score.
fn weight_of(c: Channel) -> f64 {
    OrgSettings::default().weight_of(c)
}

/// Per store code: per channel (sum of scores, count) of the unflagged responses whose
/// store-local week falls in `[first, last]`, straight from the responses table.
async fn raw_by_store(
    app: &TestApp,
    first: &str,
    last: &str,
) -> BTreeMap<String, BTreeMap<String, (f64, i64)>> {
    let rows = sqlx::query(
        "SELECT s.code, r.channel, r.score_pct, r.finished_at, s.timezone FROM responses r
         JOIN stores s ON s.id = r.store_id WHERE r.status = 'counted' AND r.score_pct IS NOT NULL",
    )
    .fetch_all(&app.db().pool)
    .await
    .expect("raw");
    let mut out: BTreeMap<String, BTreeMap<String, (f64, i64)>> = BTreeMap::new();
    for r in rows {
        let week = week_key(
            &r.try_get::<String, _>(4).expect("tz"),
            r.try_get(3).expect("finished"),
        );
        if week.as_str() < first || week.as_str() > last {
            continue;
        }
        let e = out
            .entry(r.try_get(0).expect("code"))
            .or_default()
            .entry(r.try_get(1).expect("channel"))
            .or_default();
        e.0 += r.try_get::<f64, _>(2).expect("score");
        e.1 += 1;
    }
    out
}

async fn csv_rows(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, Vec<Vec<String>>) {
    let (status, headers, body) = app.send(get_with_cookie(path, cookie)).await;
    if status != StatusCode::OK {
        return (status, Vec::new());
    }
    assert!(headers[axum::http::header::CONTENT_TYPE]
        .to_str()
        .expect("type")
        .starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(body.as_slice());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let mut rows = vec![header];
    for record in reader.records() {
        rows.push(record.expect("record").iter().map(String::from).collect());
    }
    (status, rows)
}

both_backends! {
    async fn the_league_agrees_with_the_raw_responses_and_ranks_by_the_adjusted_score(app: TestApp) {
        common::load_demo(&app).await;
        let admin = actor_by_username(app.db(), "admin").await.expect("db").expect("admin");
        let league = compute(app.db(), &admin, 12, &OrgSettings::default()).await.expect("league");
        assert_eq!(league.stores.len(), 12, "every demo store");
        let first = league.weeks[0].to_string();
        let last = league.weeks[league.weeks.len() - 1].to_string();
        let raw = raw_by_store(&app, &first, &last).await;
        for store in &league.stores {
            // The combined score is the weighted mean of the channels' raw means.
            let channels = &raw[&store.code];
            let (sum, weights) = channels.iter().fold((0.0, 0.0), |(s, w), (c, (total, n))| {
                let wt = weight_of(Channel::parse(c).expect("channel"));
                (s + total / *n as f64 * wt, w + wt)
            });
            let overall = store.figures.overall.expect("overall");
            assert!((overall.value - sum / weights).abs() < 0.01, "{}: {} vs {}", store.code, overall.value, sum / weights);
            let answers: i64 = channels.iter().filter(|(c, _)| c.as_str() != "employee_self").map(|(_, (_, n))| n).sum();
            assert_eq!(overall.n, answers, "{}", store.code);
        }
        // Ranked by the adjusted score, 1 first, and the adjustment pulls towards the middle.
        let ranks: Vec<u32> = league.stores.iter().filter_map(|s| s.rank).collect();
        assert_eq!(ranks, (1..=12).collect::<Vec<_>>());
        assert!(league.stores.windows(2).all(|w| w[0].adjusted >= w[1].adjusted));
        let mean = league.stores.iter().filter_map(|s| s.figures.overall).map(|e| e.value).sum::<f64>() / 12.0;
        for s in &league.stores {
            let (raw, adjusted) = (s.figures.overall.expect("overall").value, s.adjusted.expect("adjusted"));
            assert!((adjusted - mean).abs() <= (raw - mean).abs() + 0.5, "{}: {raw} -> {adjusted}", s.code);
        }
        // The organisation row sums every store; each region sums its own.
        let org = league.rollups.iter().find(|r| r.organisation).expect("organisation");
        assert_eq!(org.stores, 12);
        assert_eq!(org.figures.responses, league.stores.iter().map(|s| s.figures.responses).sum::<i64>());
        let east = league.rollups.iter().find(|r| r.name == "East China").expect("east");
        assert_eq!(east.figures.responses, league.stores.iter().filter(|s| s.region == "East China").map(|s| s.figures.responses).sum::<i64>());

        // Sorting by another column, either way.
        let request = Request { weeks: 12, sort: SortKey::Nps, descending: false, region: None, page: 1 };
        let page = for_actor(app.db(), &admin, &request, &OrgSettings::default()).await.expect("page");
        let nps: Vec<f64> = page.stores.iter().filter_map(|s| s.figures.nps.map(|e| e.value)).collect();
        assert!(nps.windows(2).all(|w| w[0] <= w[1]), "{nps:?}");
    }

    async fn the_league_and_its_rollups_show_only_what_the_user_may_see(app: TestApp) {
        common::load_demo(&app).await;
        let regional = actor_by_username(app.db(), "regional.east").await.expect("db").expect("user");
        let league = compute(app.db(), &regional, 12, &OrgSettings::default()).await.expect("league");
        assert!(league.stores.iter().all(|s| s.region == "East China") && !league.stores.is_empty());
        assert!(league.rollups.iter().all(|r| r.organisation || r.name == "East China"));
        let manager = actor_by_username(app.db(), "manager.sh001").await.expect("db").expect("user");
        let league = compute(app.db(), &manager, 12, &OrgSettings::default()).await.expect("league");
        assert_eq!(league.stores.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(), ["SH-001"]);
        let staff = actor_by_username(app.db(), "staff.sh001").await.expect("db").expect("user");
        assert!(compute(app.db(), &staff, 12, &OrgSettings::default()).await.is_err(), "employees read no league");

        // The page: sortable headings, rollups, no bundle; the region filter.
        let cookie = common::demo_login(&app, "admin").await;
        let (status, _, page) = app.send(get_with_cookie("/league?sort=empathy&dir=asc&region=United%20Kingdom", &cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let page = String::from_utf8(page).expect("utf8");
        assert!(page.contains("<h1>Store league</h1>") && page.contains("data-server-only"));
        assert!(page.contains(r#"aria-sort="ascending""#), "the sorted column says so");
        assert!(page.contains("Oxford Street") && !page.contains("Nanjing Road"), "one region's stores");
        assert!(page.contains("Central Russia"), "the rollups list every region");
    }

    async fn csv_exports_hold_the_users_rows_and_nothing_else(app: TestApp) {
        common::load_demo(&app).await;
        let manager = common::demo_login(&app, "manager.sh001").await;
        let (status, rows) = csv_rows(&app, "/export/responses.csv?weeks=52", &manager).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(rows[0][..5], ["response_id", "store_code", "store_name", "region", "channel"]);
        let expected = app.count(
            "SELECT COUNT(*) FROM responses r JOIN stores s ON s.id = r.store_id
             WHERE s.code = 'SH-001' AND r.channel <> 'employee_self'",
        ).await;
        assert_eq!(rows.len() as i64 - 1, expected, "every response of the store, once");
        assert!(rows[1..].iter().all(|r| r[1] == "SH-001"));
        let answers: serde_json::Value = serde_json::from_str(&rows[1][22]).expect("answers as JSON");
        assert!(answers.as_array().is_some_and(|a| !a.is_empty()));
        // Another store's responses, figures or league rows: not found / not there.
        assert_eq!(csv_rows(&app, "/export/responses.csv?store=LDN-001", &manager).await.0, StatusCode::NOT_FOUND);
        assert_eq!(csv_rows(&app, "/stores/LDN-001/scorecard.csv", &manager).await.0, StatusCode::NOT_FOUND);
        let (_, league) = csv_rows(&app, "/league.csv", &manager).await;
        let stores: Vec<&str> = league[1..].iter().filter(|r| r[0] == "store").map(|r| r[2].as_str()).collect();
        assert_eq!(stores, ["SH-001"]);
        // The store's weekly figures: a row per week and channel with answers, no team rows.
        let (status, figures) = csv_rows(&app, "/stores/SH-001/scorecard.csv?weeks=4", &manager).await;
        assert_eq!(status, StatusCode::OK);
        assert!(figures.len() > 1 && figures[1..].iter().all(|r| r[0] == "SH-001" && r[2] != "employee_self"));
        // A regional manager exports their region; employees and strangers nothing.
        let regional = common::demo_login(&app, "regional.east").await;
        let (_, rows) = csv_rows(&app, "/export/responses.csv?weeks=52", &regional).await;
        assert!(rows.len() > 1 && rows[1..].iter().all(|r| r[3] == "East China"));
        // Compressed on the wire like every page, streamed to the end.
        let mut request = get_with_cookie("/export/responses.csv?weeks=52", &manager);
        request.headers_mut().insert(axum::http::header::ACCEPT_ENCODING, "gzip".parse().expect("header"));
        let (status, headers, body) = app.send(request).await;
        assert_eq!((status, &headers[axum::http::header::CONTENT_ENCODING]), (StatusCode::OK, &"gzip".parse::<axum::http::HeaderValue>().expect("value")));
        assert!(body.len() > 1000 && body[..2] == [0x1f, 0x8b], "a whole gzip stream");
        let staff = common::demo_login(&app, "staff.sh001").await;
        assert_eq!(csv_rows(&app, "/export/responses.csv", &staff).await.0, StatusCode::FORBIDDEN);
        assert_eq!(csv_rows(&app, "/export/responses.csv", "servscope_session=nonsense").await.0, StatusCode::UNAUTHORIZED);
    }
}
