//! Server functions of the checklist pages: the list (`/admin/templates`), the designer
//! (`/admin/templates/{key}/draft`) and what changed between versions
//! (`/admin/templates/{key}/changes`). The forms post to `server/src/http/designer.rs`.

use leptos::prelude::*;

use super::wire::designer::{ChecklistRow, DesignerData, DiffData};
use super::AppError;

#[cfg(feature = "ssr")]
async fn require_admin(
) -> Result<(crate::server::state::AppState, crate::server::actor::Actor), AppError> {
    let (state, actor, _) = super::ssr::require_actor().await?;
    if actor.role != crate::domain::role::Role::Admin {
        return Err(AppError::Forbidden.answered());
    }
    Ok((state, actor))
}

#[cfg(feature = "ssr")]
fn first(query: &[(String, String)], name: &str) -> Option<String> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.chars().take(2000).collect())
}

#[server(endpoint = "checklists-page")]
pub async fn checklists_page() -> Result<Vec<ChecklistRow>, AppError> {
    let (state, _) = require_admin().await?;
    Ok(crate::server::designer::list(&state.db).await?)
}

#[server(endpoint = "designer-page")]
pub async fn designer_page(key: String) -> Result<DesignerData, AppError> {
    use crate::server::db::templates;
    let (state, _) = require_admin().await?;
    let (draft, has_draft) = crate::server::designer::draft_or_latest(&state.db, &key).await?;
    let versions: Vec<u32> = templates::versions_of(&state.db, &key)
        .await?
        .into_iter()
        .map(|(v, _)| v)
        .collect();
    let query = super::ssr::query_pairs()?;
    Ok(DesignerData {
        key,
        template: draft.template,
        has_draft,
        base_version: draft.base_version,
        latest_version: versions.first().copied(),
        versions,
        saved_at: has_draft.then(|| crate::server::from_ms(draft.updated_at)),
        saved_by: draft.updated_by,
        not_numbers: first(&query, "bad")
            .map(|b| {
                b.split(',')
                    .filter(|f| !f.is_empty() && f.len() < 60)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        notice: first(&query, "done").filter(|d| {
            [
                "saved",
                "published",
                "unchanged",
                "discarded",
                "problems",
                "imported",
                "created",
                "channel",
                "too_large",
            ]
            .contains(&d.as_str())
        }),
        // Only what the import itself says (its serde message names the line and column);
        // anything else in the address is not repeated on the page.
        import_error: first(&query, "import_error").filter(|e| {
            e.starts_with("not a template document: ") || e == "the document is larger than 512 KB"
        }),
    })
}

#[server(endpoint = "checklist-changes")]
pub async fn diff_page(key: String) -> Result<DiffData, AppError> {
    use crate::domain::template_diff::diff;
    use crate::server::db::templates;
    let (state, _) = require_admin().await?;
    let versions: Vec<u32> = templates::versions_of(&state.db, &key)
        .await?
        .into_iter()
        .map(|(v, _)| v)
        .collect();
    let Some(&latest) = versions.first() else {
        return Err(AppError::NotFound.answered());
    };
    let query = super::ssr::query_pairs()?;
    let number = |name: &str| {
        first(&query, name)
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|v| versions.contains(v))
    };
    // By default: the newest version against the draft, or against the one before it.
    let draft = crate::server::db::template_drafts::load(&state.db, &key).await?;
    let to = match first(&query, "to").as_deref() {
        Some("draft") if draft.is_some() => None,
        Some(_) => Some(number("to").unwrap_or(latest)),
        None if draft.is_some() => None,
        None => Some(latest),
    };
    let from = number("from").unwrap_or(match to {
        None => latest,
        Some(v) => versions.iter().copied().find(|x| *x < v).unwrap_or(v),
    });
    let load = |v: u32| {
        let state = state.clone();
        let key = key.clone();
        async move {
            templates::load_version(&state.db, &key, v)
                .await?
                .map(|s| (*s.template).clone())
                .ok_or(AppError::NotFound)
        }
    };
    let old = load(from).await?;
    let new = match (to, draft) {
        (None, Some(d)) => d.template,
        (Some(v), _) => load(v).await?,
        (None, None) => return Err(AppError::NotFound.answered()),
    };
    // The new wording first: the page names a question by the first text it finds.
    let mut texts: Vec<(String, crate::domain::I18nText)> = new
        .questions()
        .map(|(_, q)| (q.id.clone(), q.text.clone()))
        .collect();
    texts.extend(
        old.questions()
            .filter(|(_, q)| new.question(&q.id).is_none())
            .map(|(_, q)| (q.id.clone(), q.text.clone())),
    );
    Ok(DiffData {
        key,
        versions,
        from,
        to,
        title: new.title.clone(),
        changes: diff(&old, &new),
        texts,
    })
}
