//! The demo data set: one organisation, 3 regions, 12 stores, an account for every role and
//! a few hundred plausible responses over the last 12 weeks on every channel.
//!
//! Deterministic: a fixed seed gives the same stores, people and answers (only the dates
//! move with "now"). Responses go through the real ingest use case, so they are checked and
//! scored exactly like live ones.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use app::api::wire::Role;
use app::domain::answers::{is_visible, parse_answer};
use app::domain::builtin::builtin_templates;
use app::domain::targets::Goal;
use app::domain::{AnswerInput, AnswerSet, Channel, QuestionType, ResponseSubmission, Template};
use app::server::auth::{hash_password, Actor, PasswordHashString};
use app::server::db::templates::{publish_builtin, TemplateCache};
use app::server::db::{org, targets, users, Db};
use app::server::ingest::submit_response;
use app::server::state::Settings;

pub const DEMO_PASSWORD: &str = "servscope-demo";
const SEED: u64 = 20_261_122;

struct DemoRegion {
    name: &'static str,
    timezone: &'static str,
    lang: &'static str,
    /// (code, name, address, telephone)
    stores: [(&'static str, &'static str, &'static str, &'static str); 4],
}

/// The demo stores' names in Simplified Chinese and Russian (code, zh-CN, ru).
const DEMO_NAMES: [(&str, &str, &str); 12] = [
    ("SH-001", "南京路店", "Нанкинская улица"),
    ("SH-002", "徐家汇店", "Сюйцзяхуэй"),
    ("HZ-001", "湖滨店", "Хубинь"),
    ("SZ-001", "观前街店", "Гуаньцянь"),
    ("MSK-001", "特维尔大街店", "Тверская"),
    ("MSK-002", "阿尔巴特街店", "Арбат"),
    ("KZN-001", "鲍曼街店", "Баумана"),
    ("NN-001", "大波克罗夫斯卡娅街店", "Большая Покровская"),
    ("LDN-001", "牛津街店", "Оксфорд-стрит"),
    ("LDN-002", "考文特花园店", "Ковент-Гарден"),
    ("MAN-001", "市场街店", "Маркет-стрит"),
    ("EDI-001", "王子街店", "Принсес-стрит"),
];

const REGIONS: [DemoRegion; 3] = [
    DemoRegion {
        name: "East China",
        timezone: "Asia/Shanghai",
        lang: "zh",
        stores: [
            (
                "SH-001",
                "Nanjing Road",
                "800 Nanjing Road East, Shanghai",
                "+86 21 5550 0101",
            ),
            (
                "SH-002",
                "Xujiahui",
                "1 Hongqiao Road, Shanghai",
                "+86 21 5550 0102",
            ),
            (
                "HZ-001",
                "Hubin",
                "66 Hubin Road, Hangzhou",
                "+86 571 5550 0103",
            ),
            (
                "SZ-001",
                "Guanqian",
                "120 Guanqian Street, Suzhou",
                "+86 512 5550 0104",
            ),
        ],
    },
    DemoRegion {
        name: "Central Russia",
        timezone: "Europe/Moscow",
        lang: "ru",
        stores: [
            (
                "MSK-001",
                "Tverskaya",
                "Tverskaya St 12, Moscow",
                "+7 495 555-01-01",
            ),
            (
                "MSK-002",
                "Arbat",
                "Arbat St 25, Moscow",
                "+7 495 555-01-02",
            ),
            (
                "KZN-001",
                "Bauman",
                "Baumana St 40, Kazan",
                "+7 843 555-01-03",
            ),
            (
                "NN-001",
                "Bolshaya Pokrovskaya",
                "Bolshaya Pokrovskaya St 8, Nizhny Novgorod",
                "+7 831 555-01-04",
            ),
        ],
    },
    DemoRegion {
        name: "United Kingdom",
        timezone: "Europe/London",
        lang: "en",
        stores: [
            (
                "LDN-001",
                "Oxford Street",
                "300 Oxford Street, London",
                "+44 20 7946 0011",
            ),
            (
                "LDN-002",
                "Covent Garden",
                "14 Long Acre, London",
                "+44 20 7946 0012",
            ),
            (
                "MAN-001",
                "Market Street",
                "55 Market Street, Manchester",
                "+44 161 496 0013",
            ),
            (
                "EDI-001",
                "Princes Street",
                "90 Princes Street, Edinburgh",
                "+44 131 496 0014",
            ),
        ],
    },
];

/// (username, display name, role, regions, stores)
type DemoUser = (
    &'static str,
    &'static str,
    Role,
    &'static [&'static str],
    &'static [&'static str],
);

const USERS: [DemoUser; 10] = [
    ("admin", "Alex Admin", Role::Admin, &[], &[]),
    (
        "regional.east",
        "Wang Fang",
        Role::RegionalManager,
        &["East China"],
        &[],
    ),
    (
        "regional.russia",
        "Olga Ivanova",
        Role::RegionalManager,
        &["Central Russia"],
        &[],
    ),
    (
        "manager.sh001",
        "Li Wei",
        Role::StoreManager,
        &[],
        &["SH-001"],
    ),
    (
        "manager.ldn001",
        "Sam Taylor",
        Role::StoreManager,
        &[],
        &["LDN-001"],
    ),
    ("shopper.anna", "Anna Petrova", Role::Shopper, &[], &[]),
    ("shopper.chen", "Chen Jie", Role::Shopper, &[], &[]),
    // A new shopper whose first visits wait in the review queue.
    ("shopper.ivan", "Ivan Sokolov", Role::Shopper, &[], &[]),
    ("staff.sh001", "Zhang Min", Role::Employee, &[], &["SH-001"]),
    (
        "reviewer.kim",
        "Kim Sorensen",
        Role::Reviewer,
        &["East China", "Central Russia", "United Kingdom"],
        &[],
    ),
];

pub struct DemoAccount {
    pub username: &'static str,
    pub role: Role,
    pub sees: String,
}

pub fn accounts() -> Vec<DemoAccount> {
    USERS
        .iter()
        .map(|(username, _, role, regions, stores)| DemoAccount {
            username,
            role: *role,
            sees: match role {
                Role::Admin => "every store".to_string(),
                Role::RegionalManager => format!("region {}", regions.join(", ")),
                Role::Reviewer => format!("reviews regions {}", regions.join(", ")),
                Role::StoreManager | Role::Employee => format!("store {}", stores.join(", ")),
                Role::Shopper => "assignments".to_string(),
            },
        })
        .collect()
}

/// Publish the built-in templates (a no-op for unchanged ones). Runs at every start.
pub async fn publish_builtin_templates(db: &Db) -> Result<(), String> {
    let now = app::server::now_ms();
    for t in builtin_templates()? {
        let outcome = publish_builtin(db, &t, now)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(o) = outcome.filter(|o| o.published) {
            tracing::info!(key = %o.key, version = o.version, "published built-in template");
        }
    }
    Ok(())
}

/// Load the demo set into a database without users. Returns the number of responses made,
/// or None when the database already had users (nothing is touched then).
pub async fn load(db: &Db, now: DateTime<Utc>) -> Result<Option<usize>, String> {
    if users::count_users(db).await.map_err(|e| e.to_string())? > 0 {
        return Ok(None);
    }
    publish_builtin_templates(db).await?;
    let err = |e: sqlx::Error| e.to_string();
    let org_id = org::create_organisation(db, "Servscope Demo Retail")
        .await
        .map_err(err)?;
    let mut store_ids = std::collections::HashMap::new();
    let mut region_ids = std::collections::HashMap::new();
    for region in &REGIONS {
        let region_id = org::create_region(db, org_id, region.name)
            .await
            .map_err(err)?;
        region_ids.insert(region.name, region_id);
        for (code, name, address, phone) in region.stores {
            let id = org::create_store(
                db,
                org::NewStore {
                    region_id,
                    code,
                    name,
                    address,
                    timezone: region.timezone,
                    phone,
                },
            )
            .await
            .map_err(err)?;
            if let Some((_, zh_cn, ru)) = DEMO_NAMES.iter().find(|(c, _, _)| **c == *code) {
                org::set_store_names(db, code, Some(zh_cn), Some(ru))
                    .await
                    .map_err(err)?;
            }
            store_ids.insert(code, id);
        }
    }
    // One hash for every demo account: they share the printed demo password anyway.
    let hash = hash_password(DEMO_PASSWORD).map_err(|e| e.to_string())?.0;
    let mut actors = Vec::new();
    for (username, display_name, role, regions, stores) in USERS {
        let user_id = users::create_user(
            db,
            users::NewUser {
                username,
                display_name,
                password_hash: PasswordHashString(hash.clone()),
                role,
            },
            now.timestamp_millis(),
        )
        .await
        .map_err(err)?;
        for r in regions {
            users::grant_region(db, user_id, region_ids[r])
                .await
                .map_err(err)?;
        }
        for s in stores {
            users::grant_store(db, user_id, store_ids[s])
                .await
                .map_err(err)?;
        }
        actors.push(Actor {
            user_id,
            username: username.to_string(),
            display_name: display_name.to_string(),
            role,
        });
    }
    let admin = actors
        .iter()
        .find(|a| a.role == Role::Admin)
        .cloned()
        .ok_or("no admin")?;
    let shoppers: Vec<Actor> = actors
        .iter()
        .filter(|a| a.role == Role::Shopper)
        .cloned()
        .collect();

    // The organisation's targets: what the scorecards measure each figure against.
    for (goal, value) in [(Goal::Overall, 80.0), (Goal::Nps, 30.0)] {
        targets::set(
            db,
            None,
            goal,
            Some(value),
            Some(admin.user_id),
            now.timestamp_millis(),
        )
        .await
        .map_err(err)?;
    }

    let templates = builtin_templates()?;
    let cache = TemplateCache::default();
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut made = 0;
    for region in &REGIONS {
        for (code, _, _, _) in region.stores {
            // Each store has its own level of service, and some improve over the 12 weeks.
            let base: f64 = rng.random_range(0.55..0.92);
            let trend: f64 = rng.random_range(-0.01..0.02);
            for week in (0..12i32).rev() {
                let quality = (base + trend * f64::from(12 - week)).clamp(0.3, 0.98);
                let mut plan: Vec<Channel> = vec![Channel::CustomerQr; rng.random_range(2..=5)];
                if week % 2 == 0 {
                    plan.push(Channel::MysteryVisit);
                }
                if week % 3 == 1 {
                    plan.push(Channel::MysteryCall);
                }
                for channel in plan {
                    let key = match channel {
                        Channel::MysteryVisit => "instore-visit",
                        // One call in four checks complaint handling instead.
                        Channel::MysteryCall if rng.random_bool(0.25) => "complaint-follow-up",
                        Channel::MysteryCall => "phone-call",
                        // Every third week the longer survey that also asks what customers
                        // expect, so the scorecard shows the perception-minus-expectation gap.
                        Channel::CustomerQr if week % 3 == 0 => "customer-expectations",
                        Channel::CustomerQr => "customer-pulse",
                        Channel::EmployeeSelf => "employee-self",
                    };
                    let template = templates
                        .iter()
                        .find(|t| t.key == key)
                        .ok_or("missing template")?;
                    let minutes = match channel {
                        Channel::MysteryVisit => rng.random_range(10..30),
                        Channel::MysteryCall => rng.random_range(2..8),
                        _ => rng.random_range(1..3),
                    };
                    let finished = now
                        - Duration::days(i64::from(week) * 7 + rng.random_range(0..7))
                        - Duration::minutes(rng.random_range(0..600));
                    let submission = ResponseSubmission {
                        template: key.to_string(),
                        template_version: 1,
                        store: code.to_string(),
                        channel,
                        started_at: finished - Duration::minutes(minutes),
                        finished_at: finished,
                        answers: answers_for(template, quality, (region.lang, &COMMENTS), &mut rng),
                        assignment: None,
                        check_in: None,
                    };
                    // The history is imported by the admin, as a chain moving over would:
                    // shoppers themselves send only for their assignments. The draw of a
                    // shopper stays so the demo's answers stay the same as before.
                    if matches!(channel, Channel::MysteryVisit | Channel::MysteryCall) {
                        let _ = rng.random_range(0..2usize);
                    }
                    let actor = &admin;
                    let id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
                    // Received when sent, as on a connected phone: the weeks of history
                    // must not look like one burst to the stuffing rules.
                    submit_response(
                        db,
                        &cache,
                        &Settings::default(),
                        Some(actor),
                        id,
                        submission,
                        finished,
                    )
                    .await
                    .map_err(|e| format!("demo response for {code}: {e:?}"))?;
                    made += 1;
                }
            }
        }
    }
    made += demo_self_assessments(db, &cache, &templates, now, &mut rng).await?;
    assign_demo_visits(db, &admin, now).await?;
    let ivan = shoppers
        .iter()
        .find(|s| s.username == "shopper.ivan")
        .ok_or("no new shopper")?;
    made += demo_waiting_visits(db, &cache, &admin, ivan, &templates, now, &mut rng).await?;
    Ok(Some(made))
}

/// The team self-assessments of the last two months or so: a handful per store, stored as the
/// staff link stores them (anonymous, once per phone and month), so some months reach the
/// three answers managers need to see totals and some do not. No claim for any demo account:
/// `staff.sh001` can still answer this month.
async fn demo_self_assessments(
    db: &Db,
    cache: &TemplateCache,
    templates: &[Template],
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> Result<usize, String> {
    use app::server::self_assessment::{current_template, store_answer, Respondent};
    let template = templates
        .iter()
        .find(|t| t.key == app::server::self_assessment::TEMPLATE_KEY)
        .ok_or("missing template")?;
    let version = current_template(db, cache)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("missing self-assessment template")?;
    let key = app::server::signing::load_key(db, "forms", now.timestamp_millis())
        .await
        .map_err(|e| e.to_string())?;
    let mut made = 0;
    for region in &REGIONS {
        for (code, _, _, _) in region.stores {
            let store = org::staff_store_by_code(db, code)
                .await
                .map_err(|e| e.to_string())?
                .ok_or("missing store")?;
            // Employees rate themselves a little above what customers see.
            let quality: f64 = rng.random_range(0.7..0.95);
            for _ in 0..rng.random_range(4..=9) {
                let finished = now
                    - Duration::days(rng.random_range(0..55))
                    - Duration::minutes(rng.random_range(0..600));
                let started = finished - Duration::minutes(rng.random_range(2..6));
                let phone = format!("demo-phone-{}", rng.random::<u64>());
                let id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
                store_answer(
                    db,
                    &key,
                    &store,
                    &version,
                    Respondent::StaffDevice {
                        pass: format!("demo-pass-{phone}"),
                        device: phone,
                    },
                    &id.to_string(),
                    answers_for(template, quality, (region.lang, &STAFF_COMMENTS), rng),
                    (started, finished),
                    finished,
                )
                .await
                .map_err(|e| format!("demo self-assessment for {code}: {e:?}"))?;
                made += 1;
            }
        }
    }
    Ok(made)
}

/// Open assignments for the demo shoppers, so the shopper app has work on first start:
/// (shopper, store, template, window start and end in days from today, instructions).
const DEMO_ASSIGNMENTS: [(&str, &str, &str, i64, i64, &str); 5] = [
    (
        "shopper.anna",
        "SH-001",
        "instore-visit",
        0,
        3,
        "Ask for help choosing a rain jacket; pay by card.",
    ),
    (
        "shopper.anna",
        "SH-002",
        "instore-visit",
        0,
        6,
        "Look for a gift under 200 yuan and ask for gift wrapping.",
    ),
    (
        "shopper.anna",
        "HZ-001",
        "phone-call",
        0,
        2,
        "Call to ask whether the store can hold an item until tomorrow.",
    ),
    (
        "shopper.anna",
        "MSK-001",
        "instore-visit",
        10,
        14,
        "Ask about the winter boots.",
    ),
    (
        "shopper.chen",
        "LDN-001",
        "instore-visit",
        0,
        5,
        "Return an item without the receipt.",
    ),
];

async fn assign_demo_visits(
    db: &Db,
    admin: &app::server::auth::Actor,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let today = now.date_naive();
    for (shopper, store, template, from, to, instructions) in DEMO_ASSIGNMENTS {
        let request = app::server::assign::AssignmentRequest {
            store: store.to_string(),
            template: template.to_string(),
            shopper: shopper.to_string(),
            window_start: today + Duration::days(from),
            window_end: today + Duration::days(to),
            instructions: instructions.to_string(),
        };
        app::server::assign::create_assignment(
            db,
            admin,
            &request,
            30,
            today,
            now.timestamp_millis(),
        )
        .await
        .map_err(|e| format!("demo assignment {shopper} {store}: {e:?}"))?;
    }
    Ok(())
}

/// A new shopper's first visits, sent from the phone a few hours ago: they wait in the review
/// queue (every visit of a new shopper is reviewed). One checked in far from the store, so
/// the queue shows evidence. (store, where the store is, where the phone checked in)
type Place = (f64, f64);

const WAITING_VISITS: [(&str, Place, Place); 3] = [
    ("LDN-001", (51.5152, -0.1418), (51.5247, -0.1418)),
    ("EDI-001", (55.9521, -3.1965), (55.9523, -3.1962)),
    ("MSK-001", (55.7652, 37.6050), (55.7650, 37.6055)),
];

#[allow(clippy::too_many_arguments)]
async fn demo_waiting_visits(
    db: &Db,
    cache: &TemplateCache,
    admin: &Actor,
    shopper: &Actor,
    templates: &[Template],
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> Result<usize, String> {
    let template = templates
        .iter()
        .find(|t| t.key == "instore-visit")
        .ok_or("missing template")?;
    let mut made = 0;
    for (i, (code, store_at, checked_at)) in WAITING_VISITS.into_iter().enumerate() {
        sqlx::query("UPDATE stores SET latitude = $1, longitude = $2 WHERE code = $3")
            .bind(store_at.0)
            .bind(store_at.1)
            .bind(code)
            .execute(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
        let start = now.date_naive() - Duration::days(2);
        let request = app::server::assign::AssignmentRequest {
            store: code.to_string(),
            template: "instore-visit".into(),
            shopper: shopper.username.clone(),
            window_start: start,
            window_end: now.date_naive(),
            instructions: "Buy a pair of socks; ask where the fitting rooms are.".into(),
        };
        let assignment = app::server::assign::create_assignment(
            db,
            admin,
            &request,
            30,
            start,
            now.timestamp_millis(),
        )
        .await
        .map_err(|e| format!("demo assignment {code}: {e:?}"))?;
        let finished = now - Duration::hours(3 + i as i64 * 5);
        let submission = ResponseSubmission {
            template: "instore-visit".into(),
            template_version: 1,
            store: code.to_string(),
            channel: Channel::MysteryVisit,
            started_at: finished - Duration::minutes(18),
            finished_at: finished,
            answers: answers_for(template, 0.75, ("en", &COMMENTS), rng),
            assignment: Some(assignment),
            check_in: Some(app::domain::CheckIn {
                at: finished - Duration::minutes(17),
                latitude: Some(checked_at.0),
                longitude: Some(checked_at.1),
                accuracy_m: Some(15.0),
            }),
        };
        let id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
        submit_response(
            db,
            cache,
            &Settings::default(),
            Some(shopper),
            id,
            submission,
            finished + Duration::minutes(1),
        )
        .await
        .map_err(|e| format!("demo waiting visit for {code}: {e:?}"))?;
        made += 1;
    }
    Ok(made)
}

pub(crate) type Comments = [(&'static str, &'static [&'static str]); 3];

pub(crate) const COMMENTS: Comments = [
    (
        "en",
        &[
            "Friendly staff, but the queue was long.",
            "Could not find the size I needed.",
            "Very helpful, thank you!",
            "The fitting rooms were untidy.",
        ],
    ),
    (
        "zh",
        &[
            "店员很热情，但排队时间太长。",
            "没有找到我需要的尺码。",
            "非常有帮助，谢谢！",
            "试衣间不太整洁。",
        ],
    ),
    (
        "ru",
        &[
            "Приветливый персонал, но очередь была длинной.",
            "Не нашёл нужный размер.",
            "Очень помогли, спасибо!",
            "В примерочных был беспорядок.",
        ],
    ),
];

/// What employees write about their own service.
const STAFF_COMMENTS: Comments = [
    (
        "en",
        &[
            "We need a second till open at lunchtime.",
            "New colleagues need more product training.",
            "The stockroom makes it slow to find sizes.",
        ],
    ),
    (
        "zh",
        &[
            "午餐时间需要再开一个收银台。",
            "新同事需要更多产品培训。",
            "仓库太乱，找尺码很慢。",
        ],
    ),
    (
        "ru",
        &[
            "В обед нужна вторая касса.",
            "Новым коллегам нужно больше обучения по товарам.",
            "На складе долго искать нужный размер.",
        ],
    ),
];

/// Plausible answers for a template at a level of service `quality` (0..1).
pub(crate) fn answers_for(
    t: &Template,
    quality: f64,
    (lang, comments): (&str, &Comments),
    rng: &mut StdRng,
) -> Vec<AnswerInput> {
    let mut given = AnswerSet::new();
    let mut inputs = Vec::new();
    let noisy = |rng: &mut StdRng| (quality + rng.random_range(-0.25..0.25)).clamp(0.0, 1.0);
    for (_, q) in t.questions() {
        if !is_visible(q, &given) {
            continue;
        }
        if q.kind == QuestionType::Photo || (!q.required && rng.random_bool(0.15)) {
            continue;
        }
        if q.kind == QuestionType::FreeText && rng.random_bool(0.6) {
            continue;
        }
        let input = if q.na_allowed && rng.random_bool(0.08) {
            AnswerInput {
                question: q.id.clone(),
                value: None,
                not_applicable: true,
            }
        } else {
            let measured = |rng: &mut StdRng, fallback: u32| -> Value {
                match q.pass.and_then(|p| p.at_most) {
                    Some(limit) if rng.random_bool(quality) => {
                        json!(rng.random_range(0..=limit as u32))
                    }
                    Some(limit) => json!(rng.random_range(limit as u32 + 1..=limit as u32 * 3 + 1)),
                    None => json!(rng.random_range(fallback / 3..fallback)),
                }
            };
            let value = match q.kind {
                QuestionType::YesNo if q.weight == 0.0 => json!(rng.random_bool(0.4)),
                QuestionType::YesNo => json!(rng.random_bool(quality)),
                // What customers expect of a very good store: high, whatever this one does.
                QuestionType::Scale5 if !q.asks.is_perception() => {
                    json!(rng.random_range(4..=5))
                }
                QuestionType::Scale5 => json!((1.0 + 4.0 * noisy(rng)).round() as u64),
                QuestionType::Recommend => json!((10.0 * noisy(rng)).round() as u64),
                QuestionType::SingleChoice | QuestionType::MultipleChoice => {
                    let best = q
                        .options
                        .iter()
                        .max_by(|a, b| a.points.total_cmp(&b.points))
                        .map(|o| o.id.clone());
                    let pick = if rng.random_bool(quality) {
                        best
                    } else {
                        q.options
                            .get(rng.random_range(0..q.options.len()))
                            .map(|o| o.id.clone())
                    };
                    if q.kind == QuestionType::SingleChoice {
                        json!(pick)
                    } else {
                        json!(pick.into_iter().collect::<Vec<_>>())
                    }
                }
                QuestionType::Number => json!(q.min.unwrap_or(0.0)),
                QuestionType::DurationSeconds => measured(rng, 300),
                QuestionType::Count => measured(rng, 6),
                QuestionType::FreeText => {
                    let list = comments
                        .iter()
                        .find(|(l, _)| *l == lang)
                        .map(|(_, c)| *c)
                        .unwrap_or(comments[0].1);
                    json!(list[rng.random_range(0..list.len())])
                }
                QuestionType::Photo => continue,
            };
            AnswerInput {
                question: q.id.clone(),
                value: Some(value),
                not_applicable: false,
            }
        };
        if let Ok(parsed) = parse_answer(q, &input) {
            given.insert(q.id.clone(), parsed);
            inputs.push(input);
        }
    }
    inputs
}
