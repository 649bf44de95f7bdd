//! The audit log: every change an admin (or a manager managing people) makes to how the chain
//! is set up, one row per changed field, written in the transaction of the change itself.

use sqlx::AnyConnection;

use super::Db;
use crate::server::actor::Actor;

/// What a change was made to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Store,
    Region,
    Organisation,
    Setting,
    User,
    /// A checklist: each published version.
    Template,
}

impl Subject {
    pub const ALL: [Subject; 6] = [
        Subject::Store,
        Subject::Region,
        Subject::Organisation,
        Subject::Setting,
        Subject::User,
        Subject::Template,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Store => "store",
            Subject::Region => "region",
            Subject::Organisation => "organisation",
            Subject::Setting => "setting",
            Subject::User => "user",
            Subject::Template => "template",
        }
    }

    pub fn parse(s: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One changed field. `old` None: it was created; `new` None: it was removed.
pub struct Change<'a> {
    pub subject: Subject,
    pub key: &'a str,
    pub field: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
}

pub async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    at_ms: i64,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor, subject_kind, subject, field, old_value, new_value)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(at_ms)
    .bind(actor.user_id)
    .bind(&actor.username)
    .bind(change.subject.as_str())
    .bind(change.key)
    .bind(change.field)
    .bind(change.old)
    .bind(change.new)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub subject_kind: String,
    pub subject: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// What to show: each filter '' for any.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub subject_kind: String,
    /// The subject's key (store code, region name, username, setting name).
    pub subject: String,
    pub actor: String,
    /// Rows older than this id (the next page); 0 for the newest.
    pub before_id: i64,
}

/// Newest first, at most `limit` rows.
pub async fn list(db: &Db, filter: &Filter, limit: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, at, actor, subject_kind, subject, field, old_value, new_value FROM audit_log
         WHERE ($1 = '' OR subject_kind = $1) AND ($2 = '' OR subject = $2) AND ($3 = '' OR actor = $3)
           AND ($4 = 0 OR id < $4)
         ORDER BY id DESC LIMIT $5",
    )
    .bind(&filter.subject_kind)
    .bind(&filter.subject)
    .bind(&filter.actor)
    .bind(filter.before_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}
