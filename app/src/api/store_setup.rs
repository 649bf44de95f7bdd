//! Server functions of the set-up pages: the chain's regions and stores, one store's form,
//! the import preview and the audit log. Admins only; the forms post to plain handlers
//! (`server/src/http/store_setup.rs`), which come back here with what to show in the query.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::wire::store_setup::{AuditEntry, ImportReport, RegionView, StoreRecordView};
use super::AppError;
use crate::domain::store_setup::StoreInput;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AdminStoresData {
    pub organisation: String,
    pub regions: Vec<RegionView>,
    pub stores: Vec<StoreRecordView>,
    /// What the last form did, from the query: `created`, `saved`, `closed`, `reopened`,
    /// `imported`, `region`, `organisation`, or an error code of the region forms.
    pub notice: Option<(String, String)>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StoreFormData {
    /// The store being edited (None: a new one).
    pub store: Option<StoreRecordView>,
    /// What to put in the fields: what was typed into a refused form, or the store.
    pub typed: StoreInput,
    /// Fields the server refused.
    pub errors: Vec<String>,
    pub regions: Vec<String>,
    pub saved: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StoreImportData {
    /// The uploaded file awaiting its commit.
    pub draft: Option<String>,
    pub text: String,
    /// What importing it would do.
    pub report: Option<ImportReport>,
    /// The last upload was empty or too large.
    pub empty: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AuditData {
    pub entries: Vec<(i64, AuditEntry)>,
    pub kind: String,
    pub subject: String,
    pub actor: String,
    /// The `before` of the next (older) page.
    pub older: Option<i64>,
}

#[cfg(feature = "ssr")]
fn value(query: &[(String, String)], name: &str) -> Option<String> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.chars().take(2000).collect())
}

#[cfg(feature = "ssr")]
async fn require_admin() -> Result<crate::server::state::AppState, AppError> {
    let (state, actor, _) = super::ssr::require_actor().await?;
    crate::server::store_setup::require_admin(&actor)?;
    Ok(state)
}

#[cfg(feature = "ssr")]
async fn region_views(db: &crate::server::db::Db) -> Result<Vec<RegionView>, AppError> {
    Ok(crate::server::db::store_setup::regions(db)
        .await?
        .into_iter()
        .map(|r| RegionView {
            id: r.id,
            name: r.name,
            organisation: r.organisation,
            stores: r.stores,
        })
        .collect())
}

#[server(endpoint = "admin-stores")]
pub async fn admin_stores_page() -> Result<AdminStoresData, AppError> {
    use crate::server::db::store_setup as db_stores;
    let state = require_admin().await?;
    let query = super::ssr::query_pairs()?;
    const NOTICES: [&str; 8] = [
        "created",
        "saved",
        "closed",
        "reopened",
        "imported",
        "region",
        "organisation",
        "error",
    ];
    let notice = NOTICES
        .iter()
        .find_map(|n| value(&query, n).map(|v| (n.to_string(), v)));
    let regions = region_views(&state.db).await?;
    let organisation = regions
        .first()
        .map(|r| r.organisation.clone())
        .unwrap_or_default();
    let stores = db_stores::all_stores(&state.db)
        .await?
        .iter()
        .map(crate::server::store_setup::view)
        .collect();
    Ok(AdminStoresData {
        organisation,
        regions,
        stores,
        notice,
    })
}

/// The form of one store (`code` '' for a new one).
#[server(endpoint = "store-form")]
pub async fn store_form_page(code: String) -> Result<StoreFormData, AppError> {
    use crate::domain::store_setup::CSV_COLUMNS;
    use crate::server::db::store_setup as db_stores;
    let state = require_admin().await?;
    let query = super::ssr::query_pairs()?;
    let store = if code.is_empty() {
        None
    } else {
        let mut conn = state.db.pool.acquire().await?;
        Some(
            db_stores::store_by_code(&mut conn, &code)
                .await?
                .map(|r| crate::server::store_setup::view(&r))
                .ok_or_else(|| AppError::NotFound.answered())?,
        )
    };
    let errors: Vec<String> = value(&query, "error")
        .map(|v| {
            v.split(',')
                .filter(|f| CSV_COLUMNS.contains(f))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut typed = store.as_ref().map(|s| s.fields.clone()).unwrap_or_default();
    if !errors.is_empty() {
        for c in CSV_COLUMNS {
            if let Some(v) = value(&query, c) {
                typed.set_column(c, v);
            }
        }
    }
    if let Some(s) = &store {
        // The code is the key: it is shown, never taken from the query.
        typed.code = s.fields.code.clone();
    }
    let regions = region_views(&state.db)
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect();
    Ok(StoreFormData {
        store,
        typed,
        errors,
        regions,
        saved: value(&query, "saved").is_some(),
    })
}

#[server(endpoint = "store-import")]
pub async fn store_import_page() -> Result<StoreImportData, AppError> {
    use crate::server::db::store_setup as db_stores;
    let (state, actor, _) = super::ssr::require_actor().await?;
    crate::server::store_setup::require_admin(&actor)?;
    let query = super::ssr::query_pairs()?;
    let Some(draft) = value(&query, "draft").filter(|d| d.len() <= 64) else {
        return Ok(StoreImportData {
            draft: None,
            text: String::new(),
            report: None,
            empty: value(&query, "error").is_some(),
        });
    };
    let Some(text) = db_stores::import_draft(&state.db, &draft, actor.user_id).await? else {
        // Committed already, a day old, or someone else's: start again.
        return Ok(StoreImportData {
            draft: None,
            text: String::new(),
            report: None,
            empty: false,
        });
    };
    let report =
        crate::server::store_setup::import(&state.db, &actor, &text, true, crate::server::now_ms())
            .await?;
    Ok(StoreImportData {
        draft: Some(draft),
        text,
        report: Some(report),
        empty: false,
    })
}

#[server(endpoint = "audit-log")]
pub async fn audit_page() -> Result<AuditData, AppError> {
    use crate::server::db::audit;
    let state = require_admin().await?;
    let query = super::ssr::query_pairs()?;
    let text = |name: &str, max: usize| {
        value(&query, name)
            .map(|v| v.trim().chars().take(max).collect::<String>())
            .unwrap_or_default()
    };
    let (kind, subject, actor) = (text("kind", 40), text("subject", 200), text("actor", 200));
    let filter = audit::Filter {
        subject_kind: kind.clone(),
        subject: subject.clone(),
        actor: actor.clone(),
        before_id: value(&query, "before")
            .and_then(|b| b.parse::<i64>().ok())
            .unwrap_or(0)
            .max(0),
    };
    const PAGE: i64 = 100;
    let rows = audit::list(&state.db, &filter, PAGE).await?;
    let older = (rows.len() as i64 == PAGE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let entries = rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                AuditEntry {
                    at: crate::server::from_ms(r.at),
                    actor: r.actor,
                    subject_kind: r.subject_kind,
                    subject: r.subject,
                    field: r.field,
                    old_value: r.old_value,
                    new_value: r.new_value,
                },
            )
        })
        .collect();
    Ok(AuditData {
        entries,
        kind,
        subject,
        actor,
        older,
    })
}
