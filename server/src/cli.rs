//! Administrative commands: `server users add|list|deactivate|activate|set-password`, `server templates import|export`,
//! `server tokens create|revoke|list`, `server stores hours`, `server demo`.

use std::io::Read;

use app::api::wire::Role;
use app::domain::template_check::parse_template;
use app::server::auth::{self, check_new_password, hash_password_blocking, sha256_hex};
use app::server::db::{org, templates, tokens, users, Db};
use app::server::now_ms;

use crate::config::{FiguresCommand, StoresCommand, TemplatesCommand, TokensCommand, UsersCommand};

pub type CliResult = Result<(), String>;

fn db_err(e: sqlx::Error) -> String {
    format!("database error: {e}")
}

pub async fn users(db: &Db, cmd: UsersCommand) -> CliResult {
    match cmd {
        UsersCommand::Add {
            username,
            role,
            name,
            regions,
            stores,
        } => add_user(db, username, role, name, regions, stores).await,
        UsersCommand::List => {
            for u in users::list_users(db).await.map_err(db_err)? {
                let state = if u.active != 0 {
                    "active"
                } else {
                    "deactivated"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.username, u.role, state, u.scope, u.display_name
                );
            }
            Ok(())
        }
        UsersCommand::Deactivate { username } => {
            let username = username.trim().to_lowercase();
            if !users::set_active(db, &username, false, now_ms())
                .await
                .map_err(db_err)?
            {
                return Err(format!("no user {username}"));
            }
            println!("deactivated {username}: sessions ended, API tokens revoked");
            Ok(())
        }
        UsersCommand::Activate { username } => {
            let username = username.trim().to_lowercase();
            if !users::set_active(db, &username, true, now_ms())
                .await
                .map_err(db_err)?
            {
                return Err(format!("no user {username}"));
            }
            println!("activated {username}");
            Ok(())
        }
        UsersCommand::SetPassword { username } => {
            let username = username.trim().to_lowercase();
            let password = read_password()?;
            check_new_password(&password)?;
            let hash = hash_password_blocking(password)
                .await
                .map_err(|e| e.to_string())?;
            if !users::set_password(db, &username, hash, None)
                .await
                .map_err(db_err)?
            {
                return Err(format!("no user {username}"));
            }
            println!("password of {username} set; their sessions ended");
            Ok(())
        }
    }
}

/// The password from SERVSCOPE_PASSWORD, or else from stdin.
fn read_password() -> Result<String, String> {
    match std::env::var("SERVSCOPE_PASSWORD") {
        Ok(p) => Ok(p),
        Err(_) => {
            eprintln!("Password (then Enter, Ctrl-D):");
            let mut p = String::new();
            std::io::stdin()
                .read_to_string(&mut p)
                .map_err(|e| e.to_string())?;
            Ok(p.trim_end_matches(['\n', '\r']).to_string())
        }
    }
}

async fn add_user(
    db: &Db,
    username: String,
    role: String,
    name: Option<String>,
    regions: Vec<String>,
    stores: Vec<String>,
) -> CliResult {
    let username = username.trim().to_lowercase();
    if !users::is_valid_username(&username) {
        return Err(
            "a username is 3-64 lower-case letters, digits, dots, dashes or underscores".into(),
        );
    }
    let role = Role::parse(&role).ok_or_else(|| {
        format!(
            "unknown role {role}; use one of: {}",
            Role::ALL.map(Role::as_str).join(", ")
        )
    })?;
    match role {
        Role::RegionalManager | Role::Reviewer if regions.is_empty() => {
            return Err(format!("a {role} needs at least one --region"))
        }
        Role::StoreManager if stores.is_empty() => {
            return Err("a store manager needs at least one --store".into())
        }
        Role::Employee if stores.len() != 1 => {
            return Err("an employee works at exactly one --store".into())
        }
        _ => {}
    }
    // Resolve everything before writing anything, so a typo creates nothing.
    let mut region_ids = Vec::new();
    for r in &regions {
        region_ids.push(
            org::region_id_by_name(db, r)
                .await
                .map_err(db_err)?
                .ok_or_else(|| format!("no region named {r}"))?,
        );
    }
    let mut store_ids = Vec::new();
    for s in &stores {
        store_ids.push(
            org::store_by_code(db, s)
                .await
                .map_err(db_err)?
                .ok_or_else(|| format!("no store with code {s}"))?
                .id,
        );
    }
    let password = read_password()?;
    check_new_password(&password)?;
    let hash = hash_password_blocking(password)
        .await
        .map_err(|e| e.to_string())?;
    let display = name.unwrap_or_else(|| username.clone());
    let user_id = users::create_user(
        db,
        users::NewUser {
            username: &username,
            display_name: &display,
            password_hash: hash,
            role,
        },
        now_ms(),
    )
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            format!("user {username} already exists")
        }
        other => db_err(other),
    })?;
    for id in region_ids {
        users::grant_region(db, user_id, id).await.map_err(db_err)?;
    }
    for id in store_ids {
        users::grant_store(db, user_id, id).await.map_err(db_err)?;
    }
    println!("created {role} {username}");
    Ok(())
}

pub async fn templates(db: &Db, cmd: TemplatesCommand) -> CliResult {
    match cmd {
        TemplatesCommand::Import { files } => {
            if files.is_empty() {
                return Err("name at least one template file".into());
            }
            // Check every file first: either all are published or none.
            let mut parsed = Vec::new();
            let mut problems = Vec::new();
            for f in &files {
                match std::fs::read_to_string(f) {
                    Err(e) => problems.push(format!("{}: {e}", f.display())),
                    Ok(text) => match parse_template(&text) {
                        Ok(t) => parsed.push(t),
                        Err(errs) => problems
                            .extend(errs.into_iter().map(|e| format!("{}: {e}", f.display()))),
                    },
                }
            }
            if !problems.is_empty() {
                return Err(format!("nothing imported:\n  {}", problems.join("\n  ")));
            }
            for t in parsed {
                let out = templates::import_template(db, &t, now_ms())
                    .await
                    .map_err(db_err)?;
                if out.published {
                    println!("{}: published version {}", out.key, out.version);
                } else {
                    println!("{}: unchanged (version {})", out.key, out.version);
                }
            }
            Ok(())
        }
        TemplatesCommand::Export => {
            let docs: Vec<serde_json::Value> = templates::latest_versions(db)
                .await
                .map_err(db_err)?
                .into_iter()
                .map(|(_, body)| serde_json::from_str(&body).map_err(|e| e.to_string()))
                .collect::<Result<_, _>>()?;
            println!(
                "{}",
                serde_json::to_string_pretty(&docs).map_err(|e| e.to_string())?
            );
            Ok(())
        }
    }
}

pub async fn tokens(db: &Db, cmd: TokensCommand) -> CliResult {
    match cmd {
        TokensCommand::Create {
            user,
            name,
            expires_days,
            scope,
        } => {
            let scope = auth::TokenScope::parse(scope.trim())
                .ok_or_else(|| format!("scope is read, submit or admin, not {scope}"))?;
            let actor = users::actor_by_username(db, &user)
                .await
                .map_err(db_err)?
                .ok_or_else(|| format!("no active user {user}"))?;
            let token = auth::new_api_token();
            let now = now_ms();
            let expires_at = expires_days.map(|d| now + i64::from(d) * 24 * 3_600_000);
            let id = tokens::create_expiring_token(
                db,
                actor.user_id,
                name.trim(),
                (&token, &sha256_hex(token.as_bytes())),
                now,
                (expires_at, scope),
            )
            .await
            .map_err(db_err)?;
            let until = expires_at
                .map(|t| {
                    format!(
                        ", until {}",
                        app::server::from_ms(t).format("%Y-%m-%d %H:%M UTC")
                    )
                })
                .unwrap_or_default();
            eprintln!(
                "token {id} for {user}, scope {}{until} (shown once; store it safely):",
                scope.as_str()
            );
            println!("{token}");
            Ok(())
        }
        TokensCommand::Revoke { id } => {
            if tokens::revoke_token(db, id, now_ms())
                .await
                .map_err(db_err)?
            {
                println!("revoked token {id}");
                Ok(())
            } else {
                Err(format!("no live token with id {id}"))
            }
        }
        TokensCommand::List => {
            for t in tokens::list_tokens(db).await.map_err(db_err)? {
                let expired = t.expires_at.is_some_and(|e| e <= chrono::Utc::now());
                let state = if t.revoked {
                    "revoked"
                } else if expired {
                    "expired"
                } else {
                    "live"
                };
                println!(
                    "{}\t{}\t{}…\t{}\t{}",
                    t.id, t.name, t.prefix, t.owner, state
                );
            }
            Ok(())
        }
    }
}

pub async fn figures(db: &Db, cmd: FiguresCommand) -> CliResult {
    let FiguresCommand::Rebuild = cmd;
    let started = std::time::Instant::now();
    let report = app::server::db::figures::rebuild(db, &Default::default())
        .await
        .map_err(db_err)?;
    println!(
        "rebuilt the weekly figures from {} responses ({} not counting left out: flagged, held or excluded): {} store-weeks, {} item rows, in {:.1} s",
        report.responses,
        report.skipped,
        report.week_rows,
        report.item_rows,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn stores(db: &Db, cmd: StoresCommand) -> CliResult {
    let (store, hours) = match cmd {
        StoresCommand::Hours { store, hours } => (store, hours),
        StoresCommand::Names { store, zh_cn, ru } => {
            let clean = |v: Option<String>| v.map(|v| v.trim().to_string());
            let (zh_cn, ru) = (clean(zh_cn), clean(ru));
            if zh_cn
                .iter()
                .chain(ru.iter())
                .any(|n| n.chars().count() > 200)
            {
                return Err("a store name is at most 200 characters".into());
            }
            return if org::set_store_names(db, &store, zh_cn.as_deref(), ru.as_deref())
                .await
                .map_err(db_err)?
            {
                println!("{store}: names set");
                Ok(())
            } else {
                Err(format!("no store with code {store}"))
            };
        }
    };
    let hours = match hours.trim() {
        "none" => None,
        h => {
            let week = app::domain::opening_hours::WeekHours::parse(h).map_err(|e| {
                format!("opening hours look like 'Mon-Fri 08:00-22:00; Sat-Sun 10:00-18:00': {e}")
            })?;
            Some(week.text())
        }
    };
    if org::set_opening_hours(db, &store, hours.as_deref())
        .await
        .map_err(db_err)?
    {
        println!(
            "{store}: opening hours {}",
            hours.as_deref().unwrap_or("none")
        );
        Ok(())
    } else {
        Err(format!("no store with code {store}"))
    }
}
