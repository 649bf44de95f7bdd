//! The organisation settings page (`/admin/settings`): what is in force, and the fields a
//! refused form got wrong with what was typed.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::domain::org_settings::OrgSettings;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SettingsData {
    pub settings: OrgSettings,
    /// Settings the last form got wrong, with what was typed.
    pub errors: Vec<String>,
    pub typed: Vec<(String, String)>,
    pub saved: bool,
    /// The published customer surveys to choose from: key and title.
    pub customer_templates: Vec<(String, crate::domain::I18nText)>,
}

#[server(endpoint = "settings-page")]
pub async fn settings_page() -> Result<SettingsData, AppError> {
    use crate::domain::org_settings::KEYS;
    let (state, actor, _) = super::ssr::require_actor().await?;
    if actor.role != crate::domain::role::Role::Admin {
        return Err(AppError::Forbidden.answered());
    }
    let query = super::ssr::query_pairs()?;
    let errors: Vec<String> = query
        .iter()
        .find(|(k, _)| k == "error")
        .map(|(_, v)| {
            v.split(',')
                .filter(|k| KEYS.contains(k))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let typed = if errors.is_empty() {
        Vec::new()
    } else {
        query
            .iter()
            .filter(|(k, _)| KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.chars().take(40).collect()))
            .collect()
    };
    let customer_templates = crate::server::db::templates::latest_versions(&state.db)
        .await?
        .into_iter()
        .filter(|(t, _)| t.channel == crate::domain::Channel::CustomerQr.as_str())
        .map(|(t, body)| {
            let title = serde_json::from_str::<crate::domain::Template>(&body)
                .map(|d| d.title)
                .unwrap_or_else(|_| t.title.as_str().into());
            (t.key, title)
        })
        .collect();
    Ok(SettingsData {
        customer_templates,
        settings: crate::server::org_settings::load(&state.db, &state.settings).await?,
        errors,
        typed,
        saved: query.iter().any(|(k, _)| k == "saved"),
    })
}
