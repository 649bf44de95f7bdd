//! Appeals as stored: a store manager's dispute of items of a released visit, and the
//! reviewer's answer. An upheld appeal changes the visit's answers and score, and moves its
//! figures (subtract the old contribution, add the new) in the same transaction.

use super::figures::{self, Rollup};
use super::{Backend, Db};
use crate::domain::review::ItemComment;

/// An appeal with the names a report may show.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AppealRow {
    pub id: i64,
    pub response_id: String,
    pub question: String,
    pub reason: String,
    pub status: String,
    pub reply: Option<String>,
    pub appealed_by_name: Option<String>,
    pub appealed_at: i64,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
}

const SELECT: &str = "SELECT a.id, a.response_id, a.question, a.reason, a.status, a.reply,
        m.display_name AS appealed_by_name, a.appealed_at, d.display_name AS decided_by_name, a.decided_at
     FROM appeals a
     LEFT JOIN users m ON m.id = a.appealed_by
     LEFT JOIN users d ON d.id = a.decided_by";

/// Every appeal of a response, oldest first.
pub async fn of_response(db: &Db, response_id: &str) -> Result<Vec<AppealRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE a.response_id = $1 ORDER BY a.appealed_at, a.id"
    )))
    .bind(response_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<AppealRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// When the visit was released: its last change to `counted`, or (a visit that counted from
/// the start, such as an import) when it arrived.
pub async fn released_at(db: &Db, response_id: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COALESCE(
            (SELECT MAX(c.changed_at) FROM response_status_changes c
             WHERE c.response_id = r.id AND c.to_status = 'counted'),
            r.received_at)
         FROM responses r WHERE r.id = $1 AND r.status = 'counted'",
    )
    .bind(response_id)
    .fetch_optional(&db.pool)
    .await
}

/// What the caller wants appealed: the items with their reasons.
pub enum Opened {
    Opened(Vec<i64>),
    /// This item was appealed before (an item is appealed once, ever).
    AlreadyAppealed(String),
}

/// Open appeals of items, all or none: one already appealed rolls back the rest.
pub async fn open(
    db: &Db,
    response_id: &str,
    items: &[ItemComment],
    by: i64,
    now_ms: i64,
) -> Result<Opened, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let mut ids = Vec::new();
    for item in items {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO appeals (response_id, question, reason, appealed_by, appealed_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (response_id, question) DO NOTHING RETURNING id",
        )
        .bind(response_id)
        .bind(&item.question)
        .bind(&item.text)
        .bind(by)
        .bind(now_ms)
        .fetch_optional(&mut *tx)
        .await?;
        match id {
            Some(id) => ids.push(id),
            None => {
                tx.rollback().await?;
                return Ok(Opened::AlreadyAppealed(item.question.clone()));
            }
        }
    }
    tx.commit().await?;
    Ok(Opened::Opened(ids))
}

/// A reviewer's answer to an open appeal.
pub struct Answered<'a> {
    pub upheld: bool,
    pub reply: &'a str,
    pub by: i64,
    pub now_ms: i64,
}

/// An upheld appeal's change to the visit: the answers and score after it, what the item
/// was before (JSON), and the figures to take out and put in.
pub struct Rescored {
    pub answers_json: String,
    pub item_value_json: Option<String>,
    pub previous_json: Option<String>,
    pub columns: crate::server::stored_response::ScoreColumns,
    pub before: Rollup,
    pub after: Rollup,
}

pub enum Decided {
    Decided,
    /// Decided by someone else meanwhile, or the visit stopped counting.
    NotOpen,
}

/// Close an appeal; upheld, apply the rescored answers and move the figures, in one
/// transaction. The caller computed `rescored` from the answers it read: if they changed
/// meanwhile (a second appeal decided at once), nothing is written.
pub async fn decide(
    db: &Db,
    appeal_id: i64,
    answered: Answered<'_>,
    rescored: Option<(&str, &Rescored)>,
    (store_id, channel, answers_read): (i64, &str, &str),
) -> Result<Decided, sqlx::Error> {
    let lock = match db.backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let mut tx = db.write_tx().await?;
    let closed = sqlx::query(
        "UPDATE appeals SET status = $1, reply = $2, decided_by = $3, decided_at = $4, value = $5, previous = $6
         WHERE id = $7 AND status = 'open'",
    )
    .bind(if answered.upheld { "upheld" } else { "rejected" })
    .bind(answered.reply)
    .bind(answered.by)
    .bind(answered.now_ms)
    .bind(rescored.and_then(|(_, r)| r.item_value_json.clone()))
    .bind(rescored.and_then(|(_, r)| r.previous_json.clone()))
    .bind(appeal_id)
    .execute(&mut *tx)
    .await?;
    if closed.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(Decided::NotOpen);
    }
    if let Some((response_id, r)) = rescored {
        let current: Option<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT status, answers FROM responses WHERE id = $1{lock}"
        )))
        .bind(response_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((status, answers)) = current else {
            tx.rollback().await?;
            return Ok(Decided::NotOpen);
        };
        if status != "counted" || answers != answers_read {
            tx.rollback().await?;
            return Ok(Decided::NotOpen);
        }
        let c = &r.columns;
        sqlx::query(
            "UPDATE responses SET answers = $1, points_earned = $2, points_possible = $3,
                not_applicable = $4, score_pct = $5, critical_failed = $6, recommend = $7,
                dimension_scores = $8
             WHERE id = $9",
        )
        .bind(&r.answers_json)
        .bind(c.points_earned)
        .bind(c.points_possible)
        .bind(i64::from(c.not_applicable))
        .bind(c.score_pct)
        .bind(i64::from(c.critical_failed))
        .bind(c.recommend.map(i64::from))
        .bind(&c.dimension_scores_json)
        .bind(response_id)
        .execute(&mut *tx)
        .await?;
        figures::subtract_response(&mut tx, store_id, channel, &r.before).await?;
        figures::add_response(&mut tx, store_id, channel, &r.after).await?;
    }
    // The manager who appealed learns the answer in their inbox.
    let appeal: Option<(i64, String)> =
        sqlx::query_as("SELECT appealed_by, response_id FROM appeals WHERE id = $1")
            .bind(appeal_id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((by, response_id)) = appeal {
        let about = super::inbox::About {
            response_id: Some(&response_id),
            store_id: Some(store_id),
            ..Default::default()
        };
        let reference = format!("appeal:{appeal_id}:decided");
        super::inbox::add(
            &mut tx,
            &[by],
            ("appeal_decided", &reference),
            &about,
            answered.now_ms,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Decided::Decided)
}
