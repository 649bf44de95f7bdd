//! Server functions used by the pages, and the wire types they exchange.
//!
//! Each is a thin shim: find the actor, call a plain function in `server::db`, map the error.
//! Endpoints are fixed (`endpoint = ...`) because a cached page may call them long after a
//! new server was deployed.

pub mod account;
pub mod designer;
pub mod league;
pub mod people;
pub mod report;
pub mod review;
pub mod scorecard;
pub mod settings;
pub mod store_setup;
pub mod wire;

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use wire::{ApiTokenView, Me, SignInHints, StoreView};

/// Errors a page may see. Deliberately coarse: details stay in the server log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    #[error("something went wrong on our side")]
    Internal,
    /// The call itself failed (network, encoding).
    #[error("{0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

impl AppError {
    /// On the server: answer the page or server-function call with this error's status, so
    /// a refused page is a 401, 403 or 404 and not a 200 that says so.
    #[cfg(feature = "ssr")]
    pub(crate) fn answered(self) -> Self {
        use http::StatusCode;
        let status = match &self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport(_) => return self,
        };
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
        self
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::error::ServiceError> for AppError {
    fn from(e: crate::server::error::ServiceError) -> Self {
        Self::from_service(e).answered()
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    fn from_service(e: crate::server::error::ServiceError) -> Self {
        use crate::server::error::ServiceError as S;
        match e {
            S::Unauthenticated => AppError::Unauthenticated,
            S::Forbidden => AppError::Forbidden,
            S::NotFound => AppError::NotFound,
            S::Invalid(fields) => AppError::Invalid(
                fields
                    .into_iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            other => {
                // Logs the detail with the request id; the page gets a generic message.
                let _ = other.public_message();
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        crate::server::error::ServiceError::Db(e).into()
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::AppError;
    use crate::server::auth::{authenticate, Actor, Credential};
    use crate::server::state::AppState;
    use leptos::prelude::use_context;

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or(AppError::Internal)
    }

    pub fn request_parts() -> Result<http::request::Parts, AppError> {
        use_context::<http::request::Parts>().ok_or(AppError::Internal)
    }

    /// The page request's query as name-value pairs, in order (a page learns from it what the
    /// form before it did, or got wrong).
    pub fn query_pairs() -> Result<Vec<(String, String)>, AppError> {
        Ok(request_parts()?
            .uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default())
    }

    /// The state and, when signed in, the actor and how they authenticated.
    pub async fn current() -> Result<(AppState, Option<(Actor, Credential)>), AppError> {
        let state = state()?;
        let parts = request_parts()?;
        let auth = authenticate(&state.db, &parts.headers).await?;
        Ok((state, auth))
    }

    pub async fn require_actor() -> Result<(AppState, Actor, Credential), AppError> {
        match current().await? {
            (state, Some((actor, cred))) => Ok((state, actor, cred)),
            (_, None) => Err(AppError::Unauthenticated.answered()),
        }
    }
}

/// The signed-in user, or None.
#[server(endpoint = "me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use crate::api::wire::Role;
    use crate::server::auth::Credential;
    let (state, auth) = ssr::current().await?;
    let Some((actor, cred)) = auth else {
        return Ok(None);
    };
    // Only a regional manager's answer depends on the organisation's settings; nobody else
    // pays for reading them.
    let reviews = match actor.role {
        Role::RegionalManager => {
            let org = crate::server::org_settings::load(&state.db, &state.settings).await?;
            crate::server::review::reviews(&actor, &org)
        }
        role => role.reviews(false),
    };
    Ok(Some(Me {
        username: actor.username,
        display_name: actor.display_name,
        role: actor.role,
        csrf: match cred {
            Credential::Session { csrf } => csrf,
            Credential::ApiToken { .. } => String::new(),
        },
        reviews,
    }))
}

/// Stores the signed-in user may see, filtered by a search text.
/// What the sign-in page says besides the form: where the demo accounts are, in demo mode.
#[server(endpoint = "sign-in")]
pub async fn sign_in_page() -> Result<SignInHints, AppError> {
    let state = ssr::state()?;
    Ok(SignInHints {
        demo: state.settings.demo,
    })
}

#[server(endpoint = "stores")]
pub async fn list_stores(search: String) -> Result<Vec<StoreView>, AppError> {
    let (state, actor, _) = ssr::require_actor().await?;
    let since = crate::server::now_ms() - crate::server::db::org::RECENT_WINDOW_MS;
    let search: String = search.chars().take(100).collect();
    Ok(crate::server::db::org::visible_stores(&state.db, &actor, &search, since).await?)
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TokensPage {
    pub tokens: Vec<ApiTokenView>,
    /// A token created just before this page was shown: displayed once, then forgotten.
    pub new_token: Option<String>,
    pub error: Option<String>,
}

/// Name of the short-lived cookie that carries a new token from the POST to this one view.
pub const NEW_TOKEN_COOKIE: &str = "servscope_new_token";

#[server(endpoint = "tokens")]
pub async fn list_api_tokens() -> Result<TokensPage, AppError> {
    use crate::api::wire::Role;
    let (state, actor, _) = ssr::require_actor().await?;
    if actor.role != Role::Admin {
        return Err(AppError::Forbidden.answered());
    }
    let parts = ssr::request_parts()?;
    let flash = crate::server::auth::cookie_value(&parts.headers, NEW_TOKEN_COOKIE)
        .filter(|v| v.starts_with(crate::server::auth::TOKEN_PREFIX))
        .map(str::to_string);
    let mut new_token = None;
    if let Some(token) = flash {
        let hash = crate::server::auth::sha256_hex(token.as_bytes());
        if crate::server::db::tokens::mark_shown(&state.db, &hash, crate::server::now_ms()).await? {
            new_token = Some(token);
        }
        let response = expect_context::<leptos_axum::ResponseOptions>();
        let clear = format!(
            "{NEW_TOKEN_COOKIE}=; Path=/admin/tokens; Max-Age=0; HttpOnly; SameSite=Strict"
        );
        if let Ok(v) = http::HeaderValue::from_str(&clear) {
            response.append_header(http::header::SET_COOKIE, v);
        }
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
    let error = parts
        .uri
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("error=")))
        .map(str::to_string);
    Ok(TokensPage {
        tokens: crate::server::db::tokens::list_tokens(&state.db).await?,
        new_token,
        error,
    })
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AssignPageData {
    /// (code, name) of the stores the user may assign.
    pub stores: Vec<(String, crate::domain::I18nText)>,
    /// (key, title) of the mystery visit and call templates.
    pub templates: Vec<(String, crate::domain::I18nText)>,
    /// (username, display name) of the active shoppers.
    pub shoppers: Vec<(String, String)>,
    pub recent: Vec<wire::AssignmentView>,
    pub revisit_days: u32,
    /// What was wrong with a refused form post (`store`, `template`, `shopper`, `too_close`,
    /// `window`, `instructions`), carried in the query with what was typed.
    pub errors: Vec<String>,
    /// (field, value) typed into the refused form.
    pub posted: Vec<(String, String)>,
    pub created: bool,
    /// The assignment just cancelled: the page offers to undo it.
    pub cancelled: Option<i64>,
    /// A cancellation was just undone.
    pub restored: bool,
}

#[server(endpoint = "assign-page")]
pub async fn assign_page() -> Result<AssignPageData, AppError> {
    use crate::domain::Channel;
    use crate::server::db::{assignments, org, templates};
    let (state, actor, _) = ssr::require_actor().await?;
    if !crate::server::assign::may_assign(actor.role) {
        return Err(AppError::Forbidden.answered());
    }
    let query = ssr::query_pairs()?;
    let stores = org::visible_stores(&state.db, &actor, "", 0)
        .await?
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect();
    let templates = templates::latest_versions(&state.db)
        .await?
        .into_iter()
        .filter(|(t, _)| {
            t.channel == Channel::MysteryVisit.as_str()
                || t.channel == Channel::MysteryCall.as_str()
        })
        .map(|(t, body)| {
            let title = serde_json::from_str::<crate::domain::Template>(&body)
                .map(|parsed| parsed.title)
                .unwrap_or_else(|_| crate::domain::I18nText {
                    en: t.title.clone(),
                    zh_cn: None,
                    ru: None,
                });
            (t.key, title)
        })
        .collect();
    let shoppers = assignments::shoppers(&state.db)
        .await?
        .into_iter()
        .map(|(_, u, d)| (u, d))
        .collect();
    Ok(AssignPageData {
        stores,
        templates,
        shoppers,
        recent: assignments::recent_visible(&state.db, &actor, 50).await?,
        revisit_days: crate::server::org_settings::load(&state.db, &state.settings)
            .await?
            .revisit_days,
        errors: query
            .iter()
            .find(|(k, _)| k == "error")
            .map(|(_, v)| {
                v.split(',')
                    .filter(|c| {
                        [
                            "store",
                            "template",
                            "shopper",
                            "too_close",
                            "window",
                            "instructions",
                        ]
                        .contains(c)
                    })
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        posted: query
            .iter()
            .filter(|(k, _)| {
                [
                    "store",
                    "template",
                    "shopper",
                    "window_start",
                    "window_end",
                    "instructions",
                ]
                .contains(&k.as_str())
            })
            .map(|(k, v)| (k.clone(), v.chars().take(2000).collect()))
            .collect(),
        created: query.iter().any(|(k, _)| k == "created"),
        cancelled: query
            .iter()
            .find(|(k, _)| k == "cancelled")
            .and_then(|(_, v)| v.parse().ok()),
        restored: query.iter().any(|(k, _)| k == "restored"),
    })
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SurveyLinkData {
    pub store_code: String,
    pub store_name: crate::domain::I18nText,
    /// The address the QR code holds, with the chosen language and placement.
    pub url: String,
    /// The query (`lang=..&ch=..`) that gives this link; empty when none was chosen.
    pub query: String,
    pub lang: Option<crate::i18n::Locale>,
    pub tag: Option<crate::domain::survey_link::ChannelTag>,
    /// The staff self-assessment link, and whether it is open (a PIN is set).
    pub staff_url: String,
    pub staff_pin_set: bool,
}

/// A store's customer survey link, for the managers who may see the store.
#[server(endpoint = "survey-link")]
pub async fn survey_link_page(
    code: String,
    lang: String,
    ch: String,
) -> Result<SurveyLinkData, AppError> {
    use crate::server::{now_ms, survey_link};
    let (state, actor, _) = ssr::require_actor().await?;
    let parts = ssr::request_parts()?;
    let link = survey_link::link_for(&state.db, &actor, &code, now_ms()).await?;
    let base = survey_link::public_base(&state.settings, &parts.headers);
    let (url, lang, tag) = link.url(&base, &lang, &ch);
    let query = url
        .split_once('?')
        .map(|(_, q)| q.to_string())
        .unwrap_or_default();
    let staff_pin_set = survey_link::staff_link_open(&state.db, &link.store_code).await?;
    Ok(SurveyLinkData {
        staff_url: format!("{base}/staff/{}", link.store_code),
        staff_pin_set,
        store_code: link.store_code,
        store_name: link.store_name,
        url,
        query,
        lang,
        tag,
    })
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CustomerAnswersData {
    pub store_code: String,
    pub store_name: crate::domain::I18nText,
    /// The store's IANA time zone: its times are shown on its clock.
    pub timezone: String,
    /// "exclude" (default), "include" or "only": which flagged answers the list shows.
    pub flagged: String,
    pub answers: Vec<wire::CustomerAnswerView>,
    /// Over the last 12 weeks: NPS of the answers counted, and with the flagged ones too.
    pub counted: crate::domain::Nps,
    pub with_flagged: crate::domain::Nps,
    /// Only for the store's own managers.
    pub call_backs: Option<Vec<wire::CallBackView>>,
}

/// A store's team self-assessment, for its managers.
#[server(endpoint = "team")]
pub async fn team_page(code: String) -> Result<wire::TeamView, AppError> {
    let (state, actor, _) = ssr::require_actor().await?;
    let org = crate::server::org_settings::load(&state.db, &state.settings).await?;
    Ok(crate::server::team::for_store(
        &state.db,
        &state.templates,
        &actor,
        &code,
        org.self_assessment_min,
    )
    .await?)
}

/// A store's customer answers, for its managers.
#[server(endpoint = "customer-answers")]
pub async fn customer_answers_page(
    code: String,
    flagged: String,
) -> Result<CustomerAnswersData, AppError> {
    use crate::server::customer_answers;
    use crate::server::db::responses::FlagFilter;
    let (state, actor, _) = ssr::require_actor().await?;
    let filter = FlagFilter::parse(&flagged);
    let found =
        customer_answers::for_store(&state.db, &state.templates, &actor, &code, filter).await?;
    Ok(CustomerAnswersData {
        store_code: found.store_code,
        store_name: found.store_name,
        timezone: found.timezone,
        flagged: match filter {
            FlagFilter::Exclude => "exclude",
            FlagFilter::Include => "include",
            FlagFilter::Only => "only",
        }
        .to_string(),
        answers: found.answers,
        counted: found.counted,
        with_flagged: found.with_flagged,
        call_backs: found.call_backs,
    })
}
