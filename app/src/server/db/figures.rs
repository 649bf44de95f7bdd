//! Weekly figures per store and channel (migration 0007): added to in the transaction that
//! stores a response, rebuilt from the raw responses on demand, and read by the scorecard and
//! league pages, which therefore never scan raw responses.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::templates::{version_number, TemplateCache};
use super::{Backend, Db};
use crate::domain::answers::{stored_answers, AnswerInput};
use crate::domain::rollup::{week_of, Contribution};
use crate::domain::stats::{Moments, WeekRegression};
use crate::domain::{score, Nps};
use crate::server::actor::Actor;
use crate::server::from_ms;

/// The measures kept per week, in column order: the overall score, then the five dimensions
/// in `Dimension::ALL` order, then the five dimensions' perception-minus-expectation gaps
/// (migration 0020).
pub const MEASURES: [&str; 11] = [
    "overall",
    "tangibles",
    "reliability",
    "responsiveness",
    "assurance",
    "empathy",
    "gap_tangibles",
    "gap_reliability",
    "gap_responsiveness",
    "gap_assurance",
    "gap_empathy",
];

/// Where the gap measures start in [`MEASURES`].
pub const GAPS: usize = 6;

/// One store's figures for one week and channel (or a sum of such rows).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub responses: i64,
    pub critical_failed: i64,
    /// Per entry of [`MEASURES`].
    pub measures: [Moments; 11],
    pub nps_n: i64,
    pub promoters: i64,
    pub detractors: i64,
}

impl Figures {
    pub fn add(&mut self, c: &Contribution) {
        self.responses += 1;
        self.critical_failed += i64::from(c.critical_failed);
        let values = std::iter::once(c.overall).chain(c.dimensions).chain(c.gaps);
        for (m, v) in self.measures.iter_mut().zip(values) {
            if let Some(v) = v {
                m.add(v);
            }
        }
        if let Some(r) = c.recommend {
            self.nps_n += 1;
            self.promoters += i64::from(r >= 9);
            self.detractors += i64::from(r <= 6);
        }
    }

    /// Every value times `k` (-1 takes a response's figures away again).
    pub fn times(&self, k: i64) -> Figures {
        let mut measures = self.measures;
        for m in &mut measures {
            *m = Moments {
                n: m.n * k,
                sum: m.sum * k,
                sum_sq: m.sum_sq * k,
            };
        }
        Figures {
            responses: self.responses * k,
            critical_failed: self.critical_failed * k,
            measures,
            nps_n: self.nps_n * k,
            promoters: self.promoters * k,
            detractors: self.detractors * k,
        }
    }

    pub fn merge(&mut self, other: &Figures) {
        self.responses += other.responses;
        self.critical_failed += other.critical_failed;
        for (m, o) in self.measures.iter_mut().zip(other.measures) {
            m.merge(o);
        }
        self.nps_n += other.nps_n;
        self.promoters += other.promoters;
        self.detractors += other.detractors;
    }

    pub fn nps(&self) -> Nps {
        let count = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
        Nps {
            promoters: count(self.promoters),
            passives: count(self.nps_n - self.promoters - self.detractors),
            detractors: count(self.detractors),
        }
    }

    /// The values bound after the key columns, in [`figure_columns`] order.
    fn values(&self) -> Vec<i64> {
        let mut v = vec![self.responses, self.critical_failed];
        for m in &self.measures {
            v.extend([m.n, m.sum, m.sum_sq]);
        }
        v.extend([self.nps_n, self.promoters, self.detractors]);
        v
    }
}

/// The figure columns are read by name ([`figure_columns`]), so a row type that holds figures
/// next to its key flattens this in (`#[sqlx(flatten)]`).
impl<'r> sqlx::FromRow<'r, AnyRow> for Figures {
    fn from_row(row: &'r AnyRow) -> Result<Figures, sqlx::Error> {
        let get = |name: &str| row.try_get::<i64, _>(name);
        let mut measures = [Moments::default(); 11];
        for (m, name) in measures.iter_mut().zip(MEASURES) {
            *m = Moments {
                n: get(&format!("{name}_n"))?,
                sum: get(&format!("{name}_sum"))?,
                sum_sq: get(&format!("{name}_sq"))?,
            };
        }
        Ok(Figures {
            responses: get("responses")?,
            critical_failed: get("critical_failed")?,
            measures,
            nps_n: get("nps_n")?,
            promoters: get("promoters")?,
            detractors: get("detractors")?,
        })
    }
}

/// The figure columns after the key (store_id, week, channel), comma-separated.
static COLUMNS: LazyLock<String> = LazyLock::new(|| figure_columns().join(", "));

/// The figure columns after the key (store_id, week, channel).
fn figure_columns() -> Vec<String> {
    let mut cols = vec!["responses".to_string(), "critical_failed".to_string()];
    for m in MEASURES {
        cols.extend([format!("{m}_n"), format!("{m}_sum"), format!("{m}_sq")]);
    }
    cols.extend(["nps_n", "promoters", "detractors"].map(String::from));
    cols
}

/// `INSERT ... ON CONFLICT DO UPDATE` adding one row of increments: the same statement on
/// SQLite and PostgreSQL.
static ADD_FIGURES: LazyLock<String> = LazyLock::new(|| {
    let cols = figure_columns();
    let placeholders: Vec<String> = (1..=cols.len() + 3).map(|i| format!("${i}")).collect();
    let updates: Vec<String> = cols
        .iter()
        .map(|c| format!("{c} = store_week_figures.{c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO store_week_figures (store_id, week, channel, {}) VALUES ({})
         ON CONFLICT (store_id, week, channel) DO UPDATE SET {}",
        cols.join(", "),
        placeholders.join(", "),
        updates.join(", ")
    )
});

/// Adds one response's figures (or takes them away, with negated values) to the kept period
/// totals of its store and channel whose period contains its week: one row per built period
/// (`period_builds`), created when the store or channel had none in that period yet, so a
/// store's first answer of a period is in the league at once.
static ADD_TO_PERIODS: LazyLock<String> = LazyLock::new(|| {
    let mut cols = figure_columns();
    cols.extend(["trend_j", "trend_jj", "trend_jx"].map(String::from));
    let values: Vec<String> = (0..cols.len()).map(|i| format!("${}", i + 4)).collect();
    let updates: Vec<String> = cols
        .iter()
        .map(|c| format!("{c} = store_period_figures.{c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO store_period_figures (weeks, store_id, channel, first_week, last_week, {})
         SELECT pb.weeks, $1, $2, pb.first_week, pb.last_week, {} FROM period_builds pb
         WHERE pb.first_week <= $3 AND pb.last_week >= $3
         ON CONFLICT (weeks, store_id, channel) DO UPDATE SET {}",
        cols.join(", "),
        values.join(", "),
        updates.join(", ")
    )
});

/// Summed figure columns, for GROUP BY reads.
static SUMMED: LazyLock<String> = LazyLock::new(|| {
    figure_columns()
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .collect::<Vec<_>>()
        .join(", ")
});

/// Summed figure columns named as the columns, for GROUP BY reads decoded by name.
static SUMMED_AS: LazyLock<String> = LazyLock::new(|| {
    figure_columns()
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ")
});

/// One item's failures for a store, week, channel and template.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemCounts {
    pub failed: i64,
    pub critical: bool,
}

/// Key of weekly figures: (store id, week, channel).
pub type WeekKey = (i64, String, String);
/// Key of weekly item counts: (store id, week, channel, template id, question).
pub type ItemKey = (i64, String, String, i64, String);

/// A week's key as stored: its Monday as 'YYYY-MM-DD' (sorts and compares as text).
fn week_text(monday: NaiveDate) -> String {
    monday.format("%Y-%m-%d").to_string()
}

/// The Monday that week numbers count from.
const WEEK_ZERO: &str = "1970-01-05";

/// A week's number counted from Monday 1970-01-05 (what the period trend sums use).
pub fn week_number(monday: NaiveDate) -> i64 {
    let zero = NaiveDate::from_ymd_opt(1970, 1, 5).unwrap_or_default();
    (monday - zero).num_days().div_euclid(7)
}

/// [`week_number`] of the `week` column, in each backend's date arithmetic.
fn week_number_sql(db: &Db) -> String {
    match db.backend {
        Backend::Sqlite => {
            format!("CAST((julianday(week) - julianday('{WEEK_ZERO}')) / 7 AS INTEGER)")
        }
        Backend::Postgres => format!("((CAST(week AS DATE) - DATE '{WEEK_ZERO}') / 7)"),
    }
}

/// A stored week key back as a date.
fn parse_week(text: &str) -> Result<NaiveDate, sqlx::Error> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| sqlx::Error::Decode(e.into()))
}

/// The week (Monday, 'YYYY-MM-DD') a response finished at `finished_ms` counts in, in the
/// store's time zone.
pub fn week_key(timezone: &str, finished_ms: i64) -> String {
    let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    week_text(week_of(
        from_ms(finished_ms).with_timezone(&tz).date_naive(),
    ))
}

/// What a response adds to its store's figures, and where: computed before the insert from
/// what the caller already knows (the store's time zone, the template), so the storing
/// transaction needs no extra reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rollup {
    /// The week key ([`week_key`]).
    pub week: String,
    pub template_id: i64,
    pub contribution: Contribution,
}

/// Add a stored response to its store's weekly figures (and the kept period totals); runs
/// inside the transaction that stores the response or makes it count.
pub async fn add_response(
    conn: &mut AnyConnection,
    store_id: i64,
    channel: &str,
    rollup: &Rollup,
) -> Result<(), sqlx::Error> {
    apply(conn, store_id, channel, rollup, 1).await
}

/// Take a response that stops counting out of its store's figures, in the transaction that
/// changes its status. Rows left with nothing in them are deleted, so the kept figures stay
/// exactly what a rebuild would write.
pub async fn subtract_response(
    conn: &mut AnyConnection,
    store_id: i64,
    channel: &str,
    rollup: &Rollup,
) -> Result<(), sqlx::Error> {
    apply(conn, store_id, channel, rollup, -1).await?;
    for emptied in [
        "DELETE FROM store_week_figures WHERE store_id = $1 AND week = $2 AND channel = $3 AND responses = 0",
        "DELETE FROM store_week_items WHERE store_id = $1 AND week = $2 AND channel = $3 AND failed = 0",
    ] {
        sqlx::query(emptied)
            .bind(store_id)
            .bind(rollup.week.as_str())
            .bind(channel)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "DELETE FROM store_period_figures WHERE store_id = $1 AND channel = $2 AND responses = 0",
    )
    .bind(store_id)
    .bind(channel)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Add `sign` (1 or -1) times the response's figures to the weekly rows, the kept period
/// totals and the failed-item counts.
async fn apply(
    conn: &mut AnyConnection,
    store_id: i64,
    channel: &str,
    rollup: &Rollup,
    sign: i64,
) -> Result<(), sqlx::Error> {
    let mut figures = Figures::default();
    figures.add(&rollup.contribution);
    let figures = figures.times(sign);
    let key = (store_id, rollup.week.clone(), channel.to_string());
    write_figures(conn, std::iter::once((&key, &figures))).await?;
    let mut trend = WeekRegression::default();
    trend.add_week(week_number(parse_week(&rollup.week)?), &figures.measures[0]);
    let mut q = sqlx::query(ADD_TO_PERIODS.as_str())
        .bind(store_id)
        .bind(channel)
        .bind(rollup.week.as_str());
    for v in figures.values() {
        q = q.bind(v);
    }
    q.bind(trend.sum_i)
        .bind(trend.sum_ii)
        .bind(trend.sum_ix)
        .execute(&mut *conn)
        .await?;
    let items: Vec<(ItemKey, ItemCounts)> = rollup
        .contribution
        .items
        .iter()
        .filter(|i| i.failed)
        .map(|i| {
            (
                (
                    store_id,
                    rollup.week.clone(),
                    channel.to_string(),
                    rollup.template_id,
                    i.question.clone(),
                ),
                ItemCounts {
                    failed: sign,
                    critical: i.critical,
                },
            )
        })
        .collect();
    write_items(conn, items.iter().map(|(k, v)| (k, v))).await
}

/// What a stored response adds to its store's figures: scored again from its stored answers
/// with its own template version, exactly as at ingest.
pub fn contribution_of(
    template: &crate::domain::Template,
    answers_json: &str,
) -> Result<Contribution, sqlx::Error> {
    let inputs: Vec<AnswerInput> =
        serde_json::from_str(answers_json).map_err(|e| sqlx::Error::Decode(e.into()))?;
    let answers = stored_answers(template, &inputs).map_err(|errors| {
        sqlx::Error::Decode(
            format!("stored answers fail template {}: {errors:?}", template.key).into(),
        )
    })?;
    Ok(Contribution::of(&score(template, &answers)))
}

async fn write_figures<'a>(
    conn: &mut AnyConnection,
    rows: impl Iterator<Item = (&'a WeekKey, &'a Figures)>,
) -> Result<(), sqlx::Error> {
    for ((store_id, week, channel), figures) in rows {
        let mut q = sqlx::query(ADD_FIGURES.as_str())
            .bind(*store_id)
            .bind(week.as_str())
            .bind(channel.as_str());
        for v in figures.values() {
            q = q.bind(v);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Rows per multi-row item statement: 7 binds each, well under either backend's limit.
const ITEM_ROWS_PER_STATEMENT: usize = 100;

async fn write_items<'a>(
    conn: &mut AnyConnection,
    rows: impl Iterator<Item = (&'a ItemKey, &'a ItemCounts)>,
) -> Result<(), sqlx::Error> {
    let rows: Vec<_> = rows.collect();
    for chunk in rows.chunks(ITEM_ROWS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let b = r * 7;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO store_week_items (store_id, week, channel, template_id, question, failed, critical)
             VALUES {}
             ON CONFLICT (store_id, week, channel, template_id, question) DO UPDATE SET
                failed = store_week_items.failed + excluded.failed,
                critical = CASE WHEN excluded.critical > store_week_items.critical
                                THEN excluded.critical ELSE store_week_items.critical END",
            values.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for ((store_id, week, channel, template_id, question), counts) in chunk {
            q = q
                .bind(*store_id)
                .bind(week.as_str())
                .bind(channel.as_str())
                .bind(*template_id)
                .bind(question.as_str())
                .bind(counts.failed)
                .bind(i64::from(counts.critical));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// What a rebuild did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebuildReport {
    pub responses: u64,
    /// Responses kept but not counting (flagged, held, excluded).
    pub skipped: u64,
    pub week_rows: usize,
    pub item_rows: usize,
}

/// Recompute every weekly figure from the raw responses that count: each is scored again
/// from its stored answers with its own template version, through the same [`Contribution`]
/// as at ingest. One write transaction that takes turns with live ingest (SQLite: the write
/// queue; PostgreSQL: a share lock on `responses`, which waits for storing transactions in
/// flight and holds new ones until the rebuild commits), so a response stored meanwhile is
/// either in the rebuild or added after it, never lost. Readers see the old or the new figures.
pub async fn rebuild(db: &Db, cache: &TemplateCache) -> Result<RebuildReport, sqlx::Error> {
    let mut report = RebuildReport::default();
    // Every version up front: the transaction below holds its connection, and a SQLite pool
    // may not have a second one to give.
    let mut versions = std::collections::HashMap::new();
    let listed: Vec<(String, i64)> = sqlx::query_as(
        "SELECT t.template_key, v.version FROM template_versions v JOIN templates t ON t.id = v.template_id",
    )
    .fetch_all(&db.pool)
    .await?;
    for (key, version) in listed {
        let version = version_number(version)?;
        if let Some(stored) = cache.get(db, &key, version).await? {
            versions.insert((key, version), stored);
        }
    }
    let mut tx = db.write_tx().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("LOCK TABLE responses IN SHARE MODE")
            .execute(&mut *tx)
            .await?;
    }
    // Deleting first also takes SQLite's write lock before the read, so no other writer
    // can slip in between the read and the writes.
    for table in [
        "DELETE FROM store_week_items",
        "DELETE FROM store_week_figures",
        // Kept period totals are built again from the new weekly rows when next read.
        "DELETE FROM period_builds",
        "DELETE FROM store_period_figures",
    ] {
        sqlx::query(table).execute(&mut *tx).await?;
    }
    let skipped: i64 = sqlx::query_scalar(concat!(
        "SELECT COUNT(*) FROM responses r WHERE NOT (",
        crate::counts!(),
        ")"
    ))
    .fetch_one(&mut *tx)
    .await?;
    report.skipped = skipped.max(0) as u64;
    let mut weeks: BTreeMap<WeekKey, Figures> = BTreeMap::new();
    let mut items: BTreeMap<ItemKey, ItemCounts> = BTreeMap::new();
    {
        let mut rows = sqlx::query_as::<_, CountedRow>(concat!(
            "SELECT r.store_id, r.channel, r.finished_at, r.answers, s.timezone,
                    t.template_key, v.version, v.template_id
             FROM responses r
             JOIN stores s ON s.id = r.store_id
             JOIN template_versions v ON v.id = r.template_version_id
             JOIN templates t ON t.id = v.template_id
             WHERE ",
            crate::counts!()
        ))
        .fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            let CountedRow {
                store_id,
                channel,
                finished_at,
                answers,
                timezone,
                template_key: key,
                version,
                template_id,
            } = row;
            let version = version_number(version)?;
            let Some(stored) = versions.get(&(key.clone(), version)) else {
                return Err(sqlx::Error::Decode(
                    format!("template {key} v{version} is missing").into(),
                ));
            };
            let contribution = contribution_of(&stored.template, &answers)?;
            let week = week_key(&timezone, finished_at);
            weeks
                .entry((store_id, week.clone(), channel.clone()))
                .or_default()
                .add(&contribution);
            for item in contribution.items.iter().filter(|i| i.failed) {
                let counts = items
                    .entry((
                        store_id,
                        week.clone(),
                        channel.clone(),
                        template_id,
                        item.question.clone(),
                    ))
                    .or_default();
                counts.failed += 1;
                counts.critical |= item.critical;
            }
            report.responses += 1;
        }
    }
    write_figures(&mut tx, weeks.iter()).await?;
    write_items(&mut tx, items.iter()).await?;
    tx.commit().await?;
    report.week_rows = weeks.len();
    report.item_rows = items.len();
    Ok(report)
}

/// A counted response as [`rebuild`] reads it.
#[derive(sqlx::FromRow)]
struct CountedRow {
    store_id: i64,
    channel: String,
    finished_at: i64,
    answers: String,
    timezone: String,
    template_key: String,
    version: i64,
    template_id: i64,
}

/// True when there are responses but no figures: a database migrated from before the figures
/// existed, which the server fills once at start.
pub async fn missing(db: &Db) -> Result<bool, sqlx::Error> {
    let (responses, figures): (i64, i64) = sqlx::query_as(concat!(
        "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM responses r WHERE ",
        crate::counts!(),
        " LIMIT 1) c),
                (SELECT COUNT(*) FROM (SELECT 1 FROM store_week_figures LIMIT 1) f)"
    ))
    .fetch_one(&db.pool)
    .await?;
    Ok(responses > 0 && figures == 0)
}

/// Every figure row, in key order (for comparing a rebuild with the running totals).
pub async fn all_week_rows(db: &Db) -> Result<Vec<(WeekKey, Figures)>, sqlx::Error> {
    let sql = format!(
        "SELECT store_id, week, channel, {} FROM store_week_figures ORDER BY store_id, week, channel",
        COLUMNS.as_str()
    );
    let rows: Vec<WeekRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| ((r.store_id, r.week, r.channel), r.figures))
        .collect())
}

/// One row of `store_week_figures`.
#[derive(sqlx::FromRow)]
struct WeekRow {
    store_id: i64,
    week: String,
    channel: String,
    #[sqlx(flatten)]
    figures: Figures,
}

/// One row of `store_week_items`.
#[derive(sqlx::FromRow)]
struct ItemRow {
    store_id: i64,
    week: String,
    channel: String,
    template_id: i64,
    question: String,
    failed: i64,
    critical: i64,
}

/// Every item row, in key order.
pub async fn all_item_rows(db: &Db) -> Result<Vec<(ItemKey, ItemCounts)>, sqlx::Error> {
    let rows: Vec<ItemRow> = sqlx::query_as(
        "SELECT store_id, week, channel, template_id, question, failed, critical
         FROM store_week_items ORDER BY store_id, week, channel, template_id, question",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                (r.store_id, r.week, r.channel, r.template_id, r.question),
                ItemCounts {
                    failed: r.failed,
                    critical: r.critical != 0,
                },
            )
        })
        .collect())
}

/// A store's weekly figures per channel between two weeks (inclusive).
pub async fn store_weeks(
    db: &Db,
    store_id: i64,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(NaiveDate, String, Figures)>, sqlx::Error> {
    let sql = format!(
        "SELECT store_id, week, channel, {} FROM store_week_figures
         WHERE store_id = $1 AND week >= $2 AND week <= $3 ORDER BY week, channel",
        COLUMNS.as_str()
    );
    let rows: Vec<WeekRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(store_id)
        .bind(week_text(first))
        .bind(week_text(last))
        .fetch_all(&db.pool)
        .await?;
    rows.into_iter()
        .map(|r| Ok((parse_week(&r.week)?, r.channel, r.figures)))
        .collect()
}

/// Figures per open store of a region and channel, summed over a range of weeks: what a
/// region's average beside one store's figure is computed from. Not scoped to the reader:
/// only an average over several stores leaves the server (`domain::targets::region_average`).
pub async fn region_stores_summed(
    db: &Db,
    region_id: i64,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(i64, String, Figures)>, sqlx::Error> {
    let sql = format!(
        "SELECT f.store_id AS store_id, f.channel AS channel, {summed}
         FROM store_week_figures f JOIN stores s ON s.id = f.store_id
         WHERE s.region_id = $1 AND s.active = 1 AND f.week >= $2 AND f.week <= $3
         GROUP BY f.store_id, f.channel",
        summed = SUMMED_AS.as_str()
    );
    let rows: Vec<SummedRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(region_id)
        .bind(week_text(first))
        .bind(week_text(last))
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.store_id, r.channel, r.figures))
        .collect())
}

/// A store's and channel's figures summed over weeks.
#[derive(sqlx::FromRow)]
struct SummedRow {
    store_id: i64,
    channel: String,
    #[sqlx(flatten)]
    figures: Figures,
}

/// Make sure the kept totals of the period of `weeks` weeks ending with `last` exist: built
/// from the weekly rows the first time the period is read in a new week, kept up to date by
/// `add_response` afterwards. Builds take turns with the writers (SQLite: the process's write
/// queue; PostgreSQL: a table lock that waits for storing transactions in flight and holds
/// new ones until the build is committed), so no response is counted twice or missed.
pub async fn ensure_period(
    db: &Db,
    weeks: u32,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<(), sqlx::Error> {
    let last_text = week_text(last);
    let built = |kept: Option<String>| kept.as_deref() == Some(last_text.as_str());
    const BUILT: &str = "SELECT last_week FROM period_builds WHERE weeks = $1";
    let weeks = i64::from(weeks);
    if built(
        sqlx::query_scalar(BUILT)
            .bind(weeks)
            .fetch_optional(&db.pool)
            .await?,
    ) {
        return Ok(());
    }
    let mut tx = db.write_tx().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("LOCK TABLE store_week_figures IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
    }
    // Another request may have built it while this one waited.
    if built(
        sqlx::query_scalar(BUILT)
            .bind(weeks)
            .fetch_optional(&mut *tx)
            .await?,
    ) {
        return Ok(());
    }
    sqlx::query("DELETE FROM store_period_figures WHERE weeks = $1")
        .bind(weeks)
        .execute(&mut *tx)
        .await?;
    let j = week_number_sql(db);
    let sql = format!(
        "INSERT INTO store_period_figures (weeks, store_id, channel, first_week, last_week, {columns},
             trend_j, trend_jj, trend_jx)
         SELECT $1, store_id, channel, $2, $3, {summed}, CAST(SUM(overall_n * {j}) AS BIGINT),
             CAST(SUM(overall_n * {j} * {j}) AS BIGINT), CAST(SUM(overall_sum * {j}) AS BIGINT)
         FROM store_week_figures WHERE week >= $2 AND week <= $3
         GROUP BY store_id, channel",
        columns = COLUMNS.as_str(),
        summed = SUMMED.as_str(),
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(weeks)
        .bind(week_text(first))
        .bind(last_text.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO period_builds (weeks, first_week, last_week) VALUES ($1, $2, $3)
         ON CONFLICT (weeks) DO UPDATE SET first_week = excluded.first_week, last_week = excluded.last_week",
    )
    .bind(weeks)
    .bind(week_text(first))
    .bind(last_text.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Figures per store and channel over the period of `weeks` weeks from `first` to `last`,
/// with the sums of the overall score's trend, for the stores the actor may see: the kept
/// period totals (`ensure_period`), one row per store and channel, no grouping.
pub async fn stores_summed(
    db: &Db,
    actor: &Actor,
    weeks: u32,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(i64, String, Figures, WeekRegression)>, sqlx::Error> {
    ensure_period(db, weeks, first, last).await?;
    let sql = format!(
        "SELECT store_id, channel, {columns}, trend_j, trend_jj, trend_jx
         FROM store_period_figures WHERE weeks = $3 AND store_id IN {visible}",
        columns = COLUMNS.as_str(),
        visible = crate::visible_store_ids!()
    );
    let rows: Vec<PeriodRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(actor.role.as_str())
        .bind(actor.user_id)
        .bind(i64::from(weeks))
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let regression = r.regression();
            (r.store_id, r.channel, r.figures, regression)
        })
        .collect())
}

/// One row of `store_period_figures`.
#[derive(sqlx::FromRow)]
struct PeriodRow {
    store_id: i64,
    channel: String,
    #[sqlx(flatten)]
    figures: Figures,
    trend_j: i64,
    trend_jj: i64,
    trend_jx: i64,
}

impl PeriodRow {
    /// The overall score's trend sums over the period's weeks.
    fn regression(&self) -> WeekRegression {
        let overall = self.figures.measures[0];
        WeekRegression {
            n: overall.n,
            sum_i: self.trend_j,
            sum_ii: self.trend_jj,
            sum_x: overall.sum,
            sum_ix: self.trend_jx,
        }
    }
}

/// Every kept period row of a period length, in key order (for comparing kept totals with a
/// fresh build).
pub async fn period_rows(db: &Db, weeks: u32) -> Result<Vec<(i64, String, Vec<i64>)>, sqlx::Error> {
    let sql = format!(
        "SELECT store_id, channel, {}, trend_j, trend_jj, trend_jx FROM store_period_figures
         WHERE weeks = $1 ORDER BY store_id, channel",
        COLUMNS.as_str()
    );
    let rows: Vec<PeriodRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(i64::from(weeks))
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut values = r.figures.values();
            values.extend([r.trend_j, r.trend_jj, r.trend_jx]);
            (r.store_id, r.channel, values)
        })
        .collect())
}

/// The overall score's weekly moments and the number of answers per store and channel over a
/// range of weeks, for the
/// given stores (the caller's, already scoped): what control charts of many stores read.
pub async fn stores_weekly_overall(
    db: &Db,
    store_ids: &[i64],
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(i64, NaiveDate, String, Moments, i64)>, sqlx::Error> {
    if store_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Ids are numbers from our own query, written into the statement: never user text.
    let ids: Vec<String> = store_ids.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT store_id, week, channel, overall_n, overall_sum, overall_sq, responses
         FROM store_week_figures
         WHERE week >= $1 AND week <= $2 AND responses > 0 AND store_id IN ({})",
        ids.join(", ")
    );
    let rows: Vec<OverallRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(week_text(first))
        .bind(week_text(last))
        .fetch_all(&db.pool)
        .await?;
    rows.into_iter()
        .map(|r| {
            let moments = Moments {
                n: r.overall_n,
                sum: r.overall_sum,
                sum_sq: r.overall_sq,
            };
            Ok((
                r.store_id,
                parse_week(&r.week)?,
                r.channel,
                moments,
                r.responses,
            ))
        })
        .collect()
}

/// The overall score's moments of one `store_week_figures` row.
#[derive(sqlx::FromRow)]
struct OverallRow {
    store_id: i64,
    week: String,
    channel: String,
    overall_n: i64,
    overall_sum: i64,
    overall_sq: i64,
    responses: i64,
}

/// One checklist item's counts for a store over a range of weeks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemTotal {
    pub template_key: String,
    pub question: String,
    pub channel: String,
    pub failed: i64,
    pub critical: bool,
}

/// A store's item failures over a range of weeks, most failed first.
pub async fn store_items(
    db: &Db,
    store_id: i64,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<ItemTotal>, sqlx::Error> {
    let rows: Vec<ItemTotalRow> = sqlx::query_as(
        "SELECT t.template_key, i.question, i.channel, CAST(SUM(i.failed) AS BIGINT) AS failed,
                MAX(i.critical) AS critical
         FROM store_week_items i JOIN templates t ON t.id = i.template_id
         WHERE i.store_id = $1 AND i.week >= $2 AND i.week <= $3
         GROUP BY t.template_key, i.question, i.channel
         ORDER BY 4 DESC, 1, 2",
    )
    .bind(store_id)
    .bind(week_text(first))
    .bind(week_text(last))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ItemTotal {
            template_key: r.template_key,
            question: r.question,
            channel: r.channel,
            failed: r.failed,
            critical: r.critical != 0,
        })
        .collect())
}

/// [`ItemTotal`] as [`store_items`] reads it.
#[derive(sqlx::FromRow)]
struct ItemTotalRow {
    template_key: String,
    question: String,
    channel: String,
    failed: i64,
    critical: i64,
}
