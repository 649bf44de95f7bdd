//! Targets per measure: the organisation's (no store) and stores' own.

use super::Db;
use crate::domain::targets::Goal;

/// One kept target, with the store it belongs to (None: the organisation's).
#[derive(Clone, Debug, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct TargetRow {
    pub store_code: Option<String>,
    pub measure: String,
    pub value: f64,
}

/// The targets that apply to a store: the organisation's and the store's own.
pub async fn for_store(
    db: &Db,
    store_id: i64,
) -> Result<(Vec<(Goal, f64)>, Vec<(Goal, f64)>), sqlx::Error> {
    let rows: Vec<(Option<i64>, String, f64)> = sqlx::query_as(
        "SELECT store_id, measure, value FROM targets WHERE store_id IS NULL OR store_id = $1",
    )
    .bind(store_id)
    .fetch_all(&db.pool)
    .await?;
    let (mut organisation, mut store) = (Vec::new(), Vec::new());
    for (owner, measure, value) in rows {
        // A measure this version does not know (written by a newer one) is skipped.
        let Ok(goal) = Goal::parse(&measure) else {
            continue;
        };
        match owner {
            None => organisation.push((goal, value)),
            Some(_) => store.push((goal, value)),
        }
    }
    Ok((organisation, store))
}

/// Every target: the organisation's first, then the stores' by code.
pub async fn all(db: &Db) -> Result<Vec<TargetRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.code AS store_code, t.measure AS measure, t.value AS value
         FROM targets t LEFT JOIN stores s ON s.id = t.store_id
         ORDER BY s.code IS NOT NULL, s.code, t.measure",
    )
    .fetch_all(&db.pool)
    .await
}

/// Set (Some) or remove (None) one target, replacing what was there, in one transaction.
pub async fn set(
    db: &Db,
    store_id: Option<i64>,
    goal: Goal,
    value: Option<f64>,
    set_by: Option<i64>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write_tx().await?;
    sqlx::query(
        "DELETE FROM targets WHERE measure = $1
           AND ((store_id IS NULL AND $2 IS NULL) OR store_id = $2)",
    )
    .bind(goal.as_str())
    .bind(store_id)
    .execute(&mut *tx)
    .await?;
    if let Some(value) = value {
        sqlx::query(
            "INSERT INTO targets (store_id, measure, value, set_by, set_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(store_id)
        .bind(goal.as_str())
        .bind(value)
        .bind(set_by)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}
