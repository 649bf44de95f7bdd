//! `server synth`: a realistic synthetic data set of any size, for benchmarks and load tests.
//!
//! Stores sit in regions of 100 across three time zones; each store has its own level of
//! service and drift, so league tables have a spread and some control charts flag. Responses
//! (70 % customers, 20 % mystery visits, 10 % calls) are spread over the last weeks, answered
//! with the demo's answer model, checked and scored by the same code as a live submission,
//! and stored in batches; the weekly figures are then rebuilt from the raw responses (the
//! rebuild the figures tests prove equal to what ingest keeps).

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use app::api::wire::Role;
use app::domain::answers::check_answers;
use app::domain::builtin::builtin_templates;
use app::domain::{score, Channel, ResponseSubmission};
use app::server::auth::{hash_password, PasswordHashString};
use app::server::db::templates::TemplateCache;
use app::server::db::{figures, org, responses, users, Db};
use app::server::stored_response::response_row;

use crate::demo::{answers_for, publish_builtin_templates, COMMENTS};

/// What to make.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub stores: usize,
    pub responses: usize,
    pub weeks: u32,
    pub seed: u64,
}

/// The accounts made with the data (password: [`PASSWORD`]): an administrator, the manager of
/// the first region and the manager of the first store.
pub const ADMIN: &str = "synth.admin";
pub const REGIONAL: &str = "synth.regional";
pub const MANAGER: &str = "synth.manager";
pub const PASSWORD: &str = "synthetic-data";
pub const FIRST_STORE: &str = "SYN-00001";

const STORES_PER_REGION: usize = 100;
const BATCH: usize = 2_000;
const ZONES: [(&str, &str); 3] = [
    ("Asia/Shanghai", "zh-CN"),
    ("Europe/Moscow", "ru"),
    ("Europe/London", "en"),
];

struct Store {
    id: i64,
    code: String,
    timezone: &'static str,
    lang: &'static str,
    base: f64,
    drift: f64,
}

/// Make the data set in an empty database (no organisation yet). Prints progress.
pub async fn generate(db: &Db, plan: Plan, now: DateTime<Utc>) -> Result<usize, String> {
    let err = |e: sqlx::Error| format!("database error: {e}");
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stores")
        .fetch_one(&db.pool)
        .await
        .map_err(err)?;
    if existing > 0 {
        return Err("synth loads only into a database without stores".into());
    }
    if plan.stores == 0 || plan.weeks == 0 {
        return Err("need at least one store and one week".into());
    }
    publish_builtin_templates(db).await?;
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let org_id = org::create_organisation(db, "Synthetic Retail")
        .await
        .map_err(err)?;
    let mut stores = Vec::with_capacity(plan.stores);
    let mut regions = Vec::new();
    for i in 0..plan.stores {
        let (timezone, lang) = ZONES[(i / STORES_PER_REGION) % ZONES.len()];
        if i % STORES_PER_REGION == 0 {
            let name = format!("Region {:03}", i / STORES_PER_REGION + 1);
            regions.push(org::create_region(db, org_id, &name).await.map_err(err)?);
        }
        let region_id = regions[regions.len() - 1];
        let code = format!("SYN-{:05}", i + 1);
        let id = org::create_store(
            db,
            org::NewStore {
                region_id,
                code: &code,
                name: &format!("Store {}", i + 1),
                address: &format!("{} Synthetic Street", i + 1),
                timezone,
                phone: "",
            },
        )
        .await
        .map_err(err)?;
        stores.push(Store {
            id,
            code,
            timezone,
            lang,
            base: rng.random_range(0.55..0.95),
            drift: rng.random_range(-0.004..0.006),
        });
    }
    make_users(db, regions[0], stores[0].id, now).await?;

    let templates = builtin_templates()?;
    let cache = TemplateCache::default();
    let mut batch = Vec::with_capacity(BATCH);
    let started = std::time::Instant::now();
    let span_minutes = i64::from(plan.weeks) * 7 * 24 * 60;
    for made in 0..plan.responses {
        let store = &stores[rng.random_range(0..stores.len())];
        let roll: f64 = rng.random();
        let (channel, key) = if roll < 0.7 {
            (Channel::CustomerQr, "customer-pulse")
        } else if roll < 0.9 {
            (Channel::MysteryVisit, "instore-visit")
        } else if roll < 0.975 {
            (Channel::MysteryCall, "phone-call")
        } else {
            (Channel::MysteryCall, "complaint-follow-up")
        };
        let template = templates
            .iter()
            .find(|t| t.key == key)
            .ok_or("missing template")?;
        let version = cache
            .get(db, key, 1)
            .await
            .map_err(err)?
            .ok_or("missing template version")?;
        let ago = rng.random_range(0..span_minutes);
        let finished = now - Duration::minutes(ago);
        let weeks_ago = ago as f64 / (7.0 * 24.0 * 60.0);
        let quality = (store.base - store.drift * weeks_ago).clamp(0.3, 0.98);
        let submission = ResponseSubmission {
            template: key.to_string(),
            template_version: 1,
            store: store.code.clone(),
            channel,
            started_at: finished - Duration::minutes(rng.random_range(2..25)),
            finished_at: finished,
            answers: answers_for(template, quality, (store.lang, &COMMENTS), &mut rng),
            assignment: None,
            check_in: None,
        };
        let answers = check_answers(template, &submission.answers)
            .map_err(|e| format!("synthetic answers do not check: {e:?}"))?;
        let card = score(template, &answers);
        let id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
        let (row, _figures_rebuilt_afterwards) = response_row(
            &id.to_string(),
            (store.id, store.timezone),
            &version,
            None,
            &submission,
            &card,
            finished,
        )
        .map_err(|e| format!("{e:?}"))?;
        batch.push(row);
        if batch.len() == BATCH || made + 1 == plan.responses {
            responses::insert_bulk(db, &batch).await.map_err(err)?;
            batch.clear();
            let done = made + 1;
            if done % 50_000 < BATCH || done == plan.responses {
                println!(
                    "  {done} of {} responses ({:.0}/s)",
                    plan.responses,
                    done as f64 / started.elapsed().as_secs_f64()
                );
            }
        }
    }
    println!("rebuilding the weekly figures ...");
    let report = figures::rebuild(db, &cache).await.map_err(err)?;
    println!(
        "{} stores, {} responses, {} store-weeks of figures, in {:.0} s",
        plan.stores,
        report.responses,
        report.week_rows,
        started.elapsed().as_secs_f64()
    );
    Ok(plan.responses)
}

async fn make_users(
    db: &Db,
    region_id: i64,
    store_id: i64,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let err = |e: sqlx::Error| format!("database error: {e}");
    let hash = hash_password(PASSWORD).map_err(|e| e.to_string())?.0;
    for (username, role) in [
        (ADMIN, Role::Admin),
        (REGIONAL, Role::RegionalManager),
        (MANAGER, Role::StoreManager),
    ] {
        let id = users::create_user(
            db,
            users::NewUser {
                username,
                display_name: username,
                password_hash: PasswordHashString(hash.clone()),
                role,
            },
            now.timestamp_millis(),
        )
        .await
        .map_err(err)?;
        match role {
            Role::RegionalManager => users::grant_region(db, id, region_id).await.map_err(err)?,
            Role::StoreManager => users::grant_store(db, id, store_id).await.map_err(err)?,
            _ => {}
        }
    }
    Ok(())
}
