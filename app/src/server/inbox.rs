//! A user's inbox: what happened that they should look at (a new, assigned or escalated
//! case, a follow-up due, a returned visit, an appeal decided). Each user reads and marks
//! only their own items.

use super::actor::Actor;
use super::db::inbox as stored;
use super::db::Db;
use super::error::ServiceResult;
use super::from_ms;
use crate::api::wire::cases::{Inbox, InboxItem};

/// How many items the inbox shows.
pub const INBOX_PAGE: i64 = 100;

/// Where an item leads.
fn href(row: &stored::InboxRow) -> String {
    match (row.case_id, &row.response_id, row.kind.as_str()) {
        (Some(id), _, _) => format!("/cases/{id}"),
        // The shopper's phone shows their returned visit.
        (None, Some(_), "visit_returned") => "/shopper".into(),
        (None, Some(r), _) => format!("/responses/{r}"),
        _ => "/".into(),
    }
}

pub async fn inbox(db: &Db, actor: &Actor, csrf: String) -> ServiceResult<Inbox> {
    let items = stored::of_user(db, actor.user_id, INBOX_PAGE)
        .await?
        .into_iter()
        .map(|r| InboxItem {
            id: r.id,
            href: href(&r),
            kind: r.kind.clone(),
            case_id: r.case_id,
            response_id: r.response_id.clone(),
            store_name: r.store_code.as_ref().map(|_| r.store_names.text()),
            store_code: r.store_code,
            at: from_ms(r.created_at),
            read: r.read_at.is_some(),
        })
        .collect();
    Ok(Inbox {
        items,
        unread: stored::unread(db, actor.user_id).await?,
        csrf,
    })
}

/// Mark one of the user's items read, or all of them.
pub async fn mark_read(
    db: &Db,
    actor: &Actor,
    item: Option<i64>,
    now_ms: i64,
) -> ServiceResult<u64> {
    Ok(stored::mark_read(db, actor.user_id, item, now_ms).await?)
}
