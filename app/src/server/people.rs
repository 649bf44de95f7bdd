//! Managing people: admins create users of any role; regional managers create and manage the
//! store managers and employees of their own regions' stores, and nobody else. A new user
//! gets no password from anyone: a one-time invitation link (7 days) lets them set their own,
//! and a new link is how a password is reset. Every change is in the audit log.

use serde::Deserialize;
use sqlx::AnyConnection;

use super::actor::Actor;
use super::auth::{new_secret, sha256_hex};
use super::db::audit::{self, Change, Subject};
use super::db::people::{self as db_people, PersonRow, Scope};
use super::db::users::is_valid_username;
use super::db::Db;
use super::error::{ServiceError, ServiceResult};
use crate::api::wire::people::PersonView;
use crate::api::wire::Role;
use crate::domain::role::ScopeKind;
use crate::domain::FieldError;

pub use crate::api::wire::people::INVITATION_DAYS;
const DAY_MS: i64 = 24 * 3600 * 1000;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewPerson {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// Region names (regional managers).
    pub regions: Vec<String>,
    /// Store codes (store managers: one or more; employees: one).
    pub stores: Vec<String>,
}

/// Changes to a person; what is left out stays.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PersonPatch {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub regions: Option<Vec<String>>,
    pub stores: Option<Vec<String>>,
    pub active: Option<bool>,
}

/// A new invitation: the secret for the link (shown once, kept only as a hash).
#[derive(Clone, Debug, PartialEq)]
pub struct Invitation {
    pub username: String,
    pub token: String,
    pub expires_at: i64,
}

impl Invitation {
    pub fn path(&self) -> String {
        format!("/invite/{}", self.token)
    }
}

/// Whom the actor may manage: everyone (admins), or the store staff of their regions.
enum Reach {
    All,
    Regions(Vec<String>),
}

async fn reach(conn: &mut AnyConnection, actor: &Actor) -> ServiceResult<Reach> {
    match actor.role {
        Role::Admin => Ok(Reach::All),
        Role::RegionalManager => Ok(Reach::Regions(
            db_people::regions_of(conn, actor.user_id).await?,
        )),
        _ => Err(ServiceError::Forbidden),
    }
}

/// May the roles that manage people manage at all (the pages and the API ask first).
pub fn may_manage_people(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::RegionalManager)
}

/// Stores by code with their id and region name.
type StoreRegions = std::collections::HashMap<String, (i64, String)>;

/// Is a person of this role and scope within reach?
fn within(reach: &Reach, role: Role, scope: &Scope, stores: &StoreRegions) -> bool {
    match reach {
        Reach::All => true,
        Reach::Regions(mine) => {
            role.given_by_regional_managers()
                && !scope.stores.is_empty()
                && scope.regions.is_empty()
                && scope.stores.iter().all(|code| {
                    stores
                        .get(code)
                        .is_some_and(|(_, region)| mine.contains(region))
                })
        }
    }
}

fn clean_list(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = list
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Check a role and its scope, and find the ids of the regions and stores it names.
async fn checked_scope(
    conn: &mut AnyConnection,
    role: Role,
    regions: &[String],
    stores: &[String],
    errors: &mut Vec<FieldError>,
) -> ServiceResult<(Scope, Vec<i64>, Vec<i64>)> {
    let scope = Scope {
        regions: clean_list(regions),
        stores: clean_list(stores),
    };
    let region_ids = super::db::store_setup::region_ids(conn).await?;
    let store_ids = db_people::store_regions(conn).await?;
    let (want_regions, want_stores) = match role.scope_kind() {
        ScopeKind::Nothing => (false, false),
        ScopeKind::Regions => (true, false),
        ScopeKind::Stores | ScopeKind::OneStore => (false, true),
    };
    if want_regions && scope.regions.is_empty() {
        errors.push(FieldError::new(
            "regions",
            "a regional manager needs a region",
        ));
    }
    if !want_regions && !scope.regions.is_empty() {
        errors.push(FieldError::new(
            "regions",
            "only regional managers have regions",
        ));
    }
    if want_stores && scope.stores.is_empty() {
        errors.push(FieldError::new(
            "stores",
            "store managers and employees need a store",
        ));
    }
    if !want_stores && !scope.stores.is_empty() {
        errors.push(FieldError::new(
            "stores",
            "only store managers and employees have stores",
        ));
    }
    if role.scope_kind() == ScopeKind::OneStore && scope.stores.len() > 1 {
        errors.push(FieldError::new(
            "stores",
            "an employee belongs to one store",
        ));
    }
    let mut rids = Vec::new();
    for r in &scope.regions {
        match region_ids.get(r) {
            Some(id) => rids.push(*id),
            None => errors.push(FieldError::new("regions", format!("no region {r}"))),
        }
    }
    let mut sids = Vec::new();
    for s in &scope.stores {
        match store_ids.get(s) {
            Some((id, _)) => sids.push(*id),
            None => errors.push(FieldError::new("stores", format!("no store {s}"))),
        }
    }
    Ok((scope, rids, sids))
}

fn scope_text(scope: &Scope) -> String {
    scope
        .regions
        .iter()
        .chain(scope.stores.iter())
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

fn view(row: &PersonRow, scope: Scope) -> PersonView {
    PersonView {
        username: row.username.clone(),
        display_name: row.display_name.clone(),
        role: Role::parse(&row.role).unwrap_or(Role::Shopper),
        active: row.active == 1,
        regions: scope.regions,
        stores: scope.stores,
        invited: row.has_password == 0,
        last_sign_in_at: row.last_sign_in_at.map(super::from_ms),
    }
}

fn parse_role(role: &str, errors: &mut Vec<FieldError>) -> Option<Role> {
    let parsed = Role::parse(role.trim());
    if parsed.is_none() {
        errors.push(FieldError::new(
            "role",
            "admin, regional_manager, store_manager, shopper or employee",
        ));
    }
    parsed
}

fn check_display_name(name: &str, errors: &mut Vec<FieldError>) {
    let n = name.trim().chars().count();
    if n == 0 || n > 100 {
        errors.push(FieldError::new(
            "display_name",
            "a name of 1 to 100 characters",
        ));
    }
}

/// Issue a new invitation inside the caller's transaction.
async fn invite(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: i64,
    username: &str,
    now: i64,
) -> ServiceResult<Invitation> {
    let token = new_secret();
    let expires_at = now + INVITATION_DAYS * DAY_MS;
    db_people::insert_invitation(
        conn,
        user_id,
        &sha256_hex(token.as_bytes()),
        actor.user_id,
        now,
        expires_at,
    )
    .await?;
    audit::record(
        conn,
        actor,
        now,
        Change {
            subject: Subject::User,
            key: username,
            field: "invitation",
            old: None,
            new: Some("issued"),
        },
    )
    .await?;
    Ok(Invitation {
        username: username.to_string(),
        token,
        expires_at,
    })
}

/// Create a user (no password) and their first invitation.
pub async fn create_person(
    db: &Db,
    actor: &Actor,
    new: &NewPerson,
    now: i64,
) -> ServiceResult<(PersonView, Invitation)> {
    if !may_manage_people(actor) {
        return Err(ServiceError::Forbidden);
    }
    let mut tx = db.write_tx().await?;
    let reach = reach(&mut tx, actor).await?;
    let mut errors = Vec::new();
    let username = new.username.trim().to_lowercase();
    if !is_valid_username(&username) {
        errors.push(FieldError::new(
            "username",
            "3 to 64 lower-case letters, digits, '.', '-' or '_'",
        ));
    } else if db_people::person(&mut tx, &username).await?.is_some() {
        errors.push(FieldError::new(
            "username",
            "someone already has this username",
        ));
    }
    check_display_name(&new.display_name, &mut errors);
    let role = parse_role(&new.role, &mut errors);
    let Some(role) = role else {
        return Err(ServiceError::Invalid(errors));
    };
    let (scope, rids, sids) =
        checked_scope(&mut tx, role, &new.regions, &new.stores, &mut errors).await?;
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let stores = db_people::store_regions(&mut tx).await?;
    if !within(&reach, role, &scope, &stores) {
        return Err(ServiceError::Forbidden);
    }
    let id = db_people::insert_person(
        &mut tx,
        &username,
        new.display_name.trim(),
        role.as_str(),
        now,
    )
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            ServiceError::invalid("username", "someone already has this username")
        }
        _ => ServiceError::Db(e),
    })?;
    db_people::set_scope(&mut tx, id, &rids, &sids).await?;
    let what = format!("{} {}", role.as_str(), scope_text(&scope));
    audit::record(
        &mut tx,
        actor,
        now,
        Change {
            subject: Subject::User,
            key: &username,
            field: "created",
            old: None,
            new: Some(what.trim()),
        },
    )
    .await?;
    let invitation = invite(&mut tx, actor, id, &username, now).await?;
    let row = db_people::person(&mut tx, &username)
        .await?
        .ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    tracing::info!(
        user_id = actor.user_id,
        role = role.as_str(),
        "user created"
    );
    Ok((view(&row, scope), invitation))
}

/// The person by username, if the actor may manage them (else as if they did not exist).
async fn managed_person(
    conn: &mut AnyConnection,
    actor: &Actor,
    username: &str,
) -> ServiceResult<(Reach, PersonRow, Scope, StoreRegions)> {
    let reach = reach(conn, actor).await?;
    let row = db_people::person(conn, username)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let scope = db_people::scopes(conn)
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    let stores = db_people::store_regions(conn).await?;
    let role = Role::parse(&row.role).ok_or(ServiceError::NotFound)?;
    if !within(&reach, role, &scope, &stores) {
        return Err(ServiceError::NotFound);
    }
    Ok((reach, row, scope, stores))
}

/// Change a person's name, role, scope, or whether they may sign in.
pub async fn update_person(
    db: &Db,
    actor: &Actor,
    username: &str,
    patch: &PersonPatch,
    now: i64,
) -> ServiceResult<PersonView> {
    if !may_manage_people(actor) {
        return Err(ServiceError::Forbidden);
    }
    let mut tx = db.write_tx().await?;
    let (reach, row, old_scope, stores) = managed_person(&mut tx, actor, username).await?;
    let mut errors = Vec::new();
    let name = patch
        .display_name
        .clone()
        .unwrap_or_else(|| row.display_name.clone());
    check_display_name(&name, &mut errors);
    let role_text = patch.role.clone().unwrap_or_else(|| row.role.clone());
    let Some(role) = parse_role(&role_text, &mut errors) else {
        return Err(ServiceError::Invalid(errors));
    };
    let old_role = Role::parse(&row.role).unwrap_or(Role::Shopper);
    // A role with another kind of scope drops the old scope unless a new one is given.
    let same_kind = role.scope_kind() == old_role.scope_kind();
    let regions = patch.regions.clone().unwrap_or_else(|| {
        if same_kind {
            old_scope.regions.clone()
        } else {
            Vec::new()
        }
    });
    let store_list = patch.stores.clone().unwrap_or_else(|| {
        if same_kind {
            old_scope.stores.clone()
        } else {
            Vec::new()
        }
    });
    let (scope, rids, sids) =
        checked_scope(&mut tx, role, &regions, &store_list, &mut errors).await?;
    let active = patch.active.unwrap_or(row.active == 1);
    if row.id == actor.user_id && (role != old_role || !active) {
        errors.push(FieldError::new(
            if active { "role" } else { "active" },
            "you cannot change your own role or deactivate yourself",
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    // A regional manager cannot move someone out of their reach (or promote them).
    if !within(&reach, role, &scope, &stores) {
        return Err(ServiceError::Forbidden);
    }
    let name = name.trim().to_string();
    let mut changes: Vec<(&str, String, String)> = Vec::new();
    if name != row.display_name {
        changes.push(("display_name", row.display_name.clone(), name.clone()));
    }
    if role != old_role {
        changes.push(("role", old_role.as_str().into(), role.as_str().into()));
    }
    if scope != old_scope {
        changes.push(("scope", scope_text(&old_scope), scope_text(&scope)));
    }
    if active != (row.active == 1) {
        changes.push(("active", (row.active == 1).to_string(), active.to_string()));
    }
    if !changes.is_empty() {
        db_people::update_person(&mut tx, row.id, &name, role.as_str()).await?;
        db_people::set_scope(&mut tx, row.id, &rids, &sids).await?;
        if active != (row.active == 1) {
            db_people::set_active(&mut tx, row.id, active, now).await?;
        }
        for (field, old, new) in &changes {
            audit::record(
                &mut tx,
                actor,
                now,
                Change {
                    subject: Subject::User,
                    key: &row.username,
                    field,
                    old: Some(old),
                    new: Some(new),
                },
            )
            .await?;
        }
    }
    let row = db_people::person(&mut tx, username)
        .await?
        .ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    Ok(view(&row, scope))
}

/// A new invitation link (how a password is reset); earlier links stop working.
pub async fn new_invitation(
    db: &Db,
    actor: &Actor,
    username: &str,
    now: i64,
) -> ServiceResult<Invitation> {
    if !may_manage_people(actor) {
        return Err(ServiceError::Forbidden);
    }
    let mut tx = db.write_tx().await?;
    let (_, row, _, _) = managed_person(&mut tx, actor, username).await?;
    if row.active != 1 {
        return Err(ServiceError::invalid(
            "active",
            "reactivate the user before inviting them",
        ));
    }
    let invitation = invite(&mut tx, actor, row.id, &row.username, now).await?;
    tx.commit().await?;
    Ok(invitation)
}

/// Filters of the people list; '' for any.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PeopleFilter {
    pub role: String,
    /// A region name or store code the person's scope includes.
    pub scope: String,
    /// Part of the username or name.
    pub q: String,
    /// `active` or `inactive`.
    pub state: String,
}

/// The people the actor may manage, filtered.
pub async fn list_people(
    db: &Db,
    actor: &Actor,
    filter: &PeopleFilter,
) -> ServiceResult<Vec<PersonView>> {
    if !may_manage_people(actor) {
        return Err(ServiceError::Forbidden);
    }
    let mut conn = db.pool.acquire().await?;
    let reach = reach(&mut conn, actor).await?;
    let mut scopes = db_people::scopes(&mut conn).await?;
    let stores = db_people::store_regions(&mut conn).await?;
    let q = filter.q.trim().to_lowercase();
    let mut out = Vec::new();
    for row in db_people::all_people(db).await? {
        let scope = scopes.remove(&row.id).unwrap_or_default();
        let Some(role) = Role::parse(&row.role) else {
            continue;
        };
        if !within(&reach, role, &scope, &stores) {
            continue;
        }
        let keep = (filter.role.is_empty() || filter.role == row.role)
            && (filter.scope.is_empty()
                || scope.regions.contains(&filter.scope)
                || scope.stores.contains(&filter.scope)
                || scope.stores.iter().any(|s| {
                    stores
                        .get(s)
                        .is_some_and(|(_, region)| *region == filter.scope)
                }))
            && (q.is_empty()
                || row.username.contains(&q)
                || row.display_name.to_lowercase().contains(&q))
            && match filter.state.as_str() {
                "active" => row.active == 1,
                "inactive" => row.active != 1,
                _ => true,
            };
        if keep {
            out.push(view(&row, scope));
        }
    }
    Ok(out)
}

/// One person the actor may manage.
pub async fn person(db: &Db, actor: &Actor, username: &str) -> ServiceResult<PersonView> {
    if !may_manage_people(actor) {
        return Err(ServiceError::Forbidden);
    }
    let mut conn = db.pool.acquire().await?;
    let (_, row, scope, _) = managed_person(&mut conn, actor, username).await?;
    Ok(view(&row, scope))
}

/// Who a live invitation link is for (None: unknown, used, expired, or the user inactive).
pub async fn invitation_for(
    db: &Db,
    token: &str,
    now: i64,
) -> ServiceResult<Option<db_people::InvitationRow>> {
    let mut conn = db.pool.acquire().await?;
    Ok(db_people::live_invitation(&mut conn, &sha256_hex(token.as_bytes()), now).await?)
}

/// Set a password with an invitation link; the link is spent. Returns the username.
pub async fn accept_invitation(
    db: &Db,
    token: &str,
    password: &str,
    repeated: &str,
    now: i64,
) -> ServiceResult<String> {
    if password != repeated {
        return Err(ServiceError::invalid("repeat", "the two passwords differ"));
    }
    super::auth::check_new_password(password).map_err(|e| ServiceError::invalid("password", e))?;
    let hash = super::auth::hash_password_blocking(password.to_string()).await?;
    let token_hash = sha256_hex(token.as_bytes());
    let mut tx = db.write_tx().await?;
    let invitation = db_people::live_invitation(&mut tx, &token_hash, now)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !db_people::accept_invitation(&mut tx, &token_hash, invitation.user_id, &hash.0, now).await?
    {
        return Err(ServiceError::NotFound);
    }
    tx.commit().await?;
    tracing::info!(user_id = invitation.user_id, "invitation accepted");
    Ok(invitation.username)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stores() -> StoreRegions {
        [
            ("N-1".to_string(), (1, "North".to_string())),
            ("S-1".to_string(), (2, "South".to_string())),
        ]
        .into_iter()
        .collect()
    }

    fn at(stores: &[&str]) -> Scope {
        Scope {
            regions: Vec::new(),
            stores: stores.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_regional_manager_reaches_only_store_staff_of_their_regions() {
        let north = Reach::Regions(vec!["North".into()]);
        assert!(within(&north, Role::StoreManager, &at(&["N-1"]), &stores()));
        assert!(within(&north, Role::Employee, &at(&["N-1"]), &stores()));
        assert!(!within(
            &north,
            Role::StoreManager,
            &at(&["N-1", "S-1"]),
            &stores()
        ));
        assert!(!within(&north, Role::Employee, &at(&["S-1"]), &stores()));
        assert!(!within(&north, Role::Admin, &at(&[]), &stores()));
        assert!(!within(&north, Role::Shopper, &at(&[]), &stores()));
        let regional = Scope {
            regions: vec!["North".into()],
            stores: Vec::new(),
        };
        assert!(!within(&north, Role::RegionalManager, &regional, &stores()));
        assert!(within(&Reach::All, Role::Admin, &at(&[]), &stores()));
    }
}
