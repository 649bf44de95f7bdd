//! Every address the server answers, in one table, with who may use it.
//!
//! Two things are derived from it: which pages are served without the browser bundle
//! (`ui::is_server_only`, `ui::is_customer_page`), and the authorization matrix test
//! (`server/tests/authorization.rs`), which sends every route as every role, inside and
//! outside their stores, and holds the answer to what is declared here. A new route gets its
//! row here, or that test fails (it also checks the router's source names no route this
//! table lacks).

use crate::domain::role::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
        }
    }
}

/// How a route answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Serve {
    /// The shopper app: the one page that loads the bundle, which builds the app into it.
    Hydrated,
    /// A page rendered on the server only: plain HTML and forms, no bundle.
    ServerOnly,
    /// The checklist designer: rendered on the server (its forms work alone), plus the
    /// designer's own bundle for the live phone preview (never the shopper's).
    Designer,
    /// The customer survey and the self-assessment: no bundle, no app header, styles inline.
    Customer,
    /// A form post, a download, JSON: a plain handler.
    Handler,
    /// A server function the hydrated app calls (`POST /api/<endpoint>`).
    ServerFn,
}

/// The roles that read what was said about stores.
pub const MANAGERS: &[Role] = &[Role::Admin, Role::RegionalManager, Role::StoreManager];
/// The roles that plan mystery visits.
pub const PLANNERS: &[Role] = &[Role::Admin, Role::RegionalManager];
pub const ADMINS: &[Role] = &[Role::Admin];
/// The roles that manage people: admins everyone, regional managers their regions' store staff.
pub const PEOPLE_MANAGERS: &[Role] = &[Role::Admin, Role::RegionalManager];
/// The roles that check mystery visits before they count. Regional managers join them when
/// the organisation's `regional_managers_review` setting says so (off by default, which is
/// what the authorization matrix holds them to).
pub const REVIEWERS: &[Role] = &[Role::Admin, Role::Reviewer];
/// The roles that read a visit's report: managers what counts, reviewers every status, the
/// store's employees its released visits (the employee's copy).
pub const REPORT_READERS: &[Role] = &[
    Role::Admin,
    Role::RegionalManager,
    Role::StoreManager,
    Role::Reviewer,
    Role::Employee,
];
/// The roles that see a visit's photos: its store's managers and its reviewers.
pub const PHOTO_READERS: &[Role] = &[
    Role::Admin,
    Role::RegionalManager,
    Role::StoreManager,
    Role::Reviewer,
];
/// The roles that handle complaint cases: the store's managers, the region's, the admins.
pub const CASE_HANDLERS: &[Role] = &[Role::Admin, Role::RegionalManager, Role::StoreManager];
/// The roles that record a complaint: the handlers and the store's staff.
pub const CASE_RECORDERS: &[Role] = &[
    Role::Admin,
    Role::RegionalManager,
    Role::StoreManager,
    Role::Employee,
];
/// Store managers: they appeal items of their store's released visits.
pub const STORE_MANAGERS: &[Role] = &[Role::StoreManager];

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// Anyone, signed in or not: sign-in, the public survey, health.
    Anyone,
    /// Any signed-in user; what they get is scoped to them.
    SignedIn,
    /// Only these roles; everybody else is refused (401 signed out, 403 or 404 signed in).
    Roles(&'static [Role]),
}

/// What the path names, and so whose it is: a user who may use the route but not for that
/// store is answered as if it did not exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Nothing, or only the caller's own things.
    Own,
    /// `{code}` is a store.
    Store,
    /// `{id}` is a response.
    Response,
    /// `{id}` is an assignment.
    Assignment,
    /// `{sha256}` is a photo shown by a response of a store.
    Photo,
    /// `{id}` is a region (admins only).
    Region,
    /// `{id}` is an uploaded stores file awaiting its commit (its uploader's only).
    ImportDraft,
    /// `{username}` is a person: the store staff of `{code}`'s store for the matrix test.
    Person,
    /// `{id}` is an appeal of an item of a response of a store.
    Appeal,
    /// `{id}` is a complaint case of a store (or the store named in the body, for a new one).
    Case,
}

#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub method: Method,
    /// axum syntax: `{name}` is one path segment.
    pub path: &'static str,
    pub serve: Serve,
    pub who: Who,
    pub scope: Scope,
}

const fn route(method: Method, path: &'static str, serve: Serve, who: Who, scope: Scope) -> Route {
    Route {
        method,
        path,
        serve,
        who,
        scope,
    }
}

use Method::{Get, Patch, Post, Put};
use Scope::{Appeal, Assignment, Case, ImportDraft, Own, Person, Photo, Region, Response, Store};
use Serve::{Customer, Designer, Handler, Hydrated, ServerFn, ServerOnly};
use Who::{Anyone, Roles, SignedIn};

pub const ROUTES: &[Route] = &[
    // Pages.
    route(Get, "/", ServerOnly, Anyone, Own),
    route(Get, "/login", ServerOnly, Anyone, Own),
    route(Get, "/stores", ServerOnly, SignedIn, Own),
    // The shopper's offline app shell: signed out it asks to sign in; its data comes from the API.
    route(Get, "/shopper", Hydrated, Anyone, Own),
    route(Get, "/stores/{code}/qr", ServerOnly, Roles(MANAGERS), Store),
    route(
        Get,
        "/stores/{code}/poster",
        ServerOnly,
        Roles(MANAGERS),
        Store,
    ),
    route(
        Get,
        "/stores/{code}/customers",
        ServerOnly,
        Roles(MANAGERS),
        Store,
    ),
    route(
        Get,
        "/stores/{code}/scorecard",
        ServerOnly,
        Roles(MANAGERS),
        Store,
    ),
    route(
        Get,
        "/stores/{code}/comments",
        ServerOnly,
        Roles(MANAGERS),
        Store,
    ),
    route(
        Get,
        "/stores/{code}/team",
        ServerOnly,
        Roles(MANAGERS),
        Store,
    ),
    route(Get, "/league", ServerOnly, Roles(MANAGERS), Own),
    route(
        Get,
        "/responses/{id}",
        ServerOnly,
        Roles(REPORT_READERS),
        Response,
    ),
    // Review before release (regional managers too when the organisation allows it).
    route(Get, "/reviews", ServerOnly, Roles(REVIEWERS), Own),
    route(Get, "/admin/tokens", ServerOnly, Roles(ADMINS), Own),
    route(Get, "/assign", ServerOnly, Roles(PLANNERS), Own),
    // Setting up the chain.
    route(Get, "/admin/stores", ServerOnly, Roles(ADMINS), Own),
    route(Get, "/admin/stores/new", ServerOnly, Roles(ADMINS), Own),
    route(
        Get,
        "/admin/stores/{code}/edit",
        ServerOnly,
        Roles(ADMINS),
        Store,
    ),
    route(Get, "/admin/stores/import", ServerOnly, Roles(ADMINS), Own),
    route(Get, "/admin/audit", ServerOnly, Roles(ADMINS), Own),
    route(Get, "/admin/users", ServerOnly, Roles(PEOPLE_MANAGERS), Own),
    route(
        Get,
        "/admin/users/{username}",
        ServerOnly,
        Roles(PEOPLE_MANAGERS),
        Person,
    ),
    // The invitation link is the credential: no sign-in.
    route(Get, "/invite/{token}", ServerOnly, Anyone, Own),
    route(Get, "/account", ServerOnly, SignedIn, Own),
    route(Get, "/admin/settings", ServerOnly, Roles(ADMINS), Own),
    route(Get, "/admin/templates", ServerOnly, Roles(ADMINS), Own),
    // The designer loads its own bundle: the phone preview is drawn (and scored) in the browser.
    route(
        Get,
        "/admin/templates/{key}/draft",
        Designer,
        Roles(ADMINS),
        Own,
    ),
    route(
        Get,
        "/admin/templates/{key}/changes",
        ServerOnly,
        Roles(ADMINS),
        Own,
    ),
    route(Get, "/s/{code}/{key}", Customer, Anyone, Own),
    route(Post, "/s/{code}/{key}", Customer, Anyone, Own),
    route(Get, "/s/{code}/{key}/thanks", Customer, Anyone, Own),
    route(Get, "/self", Customer, Roles(&[Role::Employee]), Own),
    route(Post, "/self", Customer, Roles(&[Role::Employee]), Own),
    route(Get, "/self/thanks", Customer, Roles(&[Role::Employee]), Own),
    // The staff link is opened with the store's PIN, not a login.
    route(Get, "/staff/{code}", Customer, Anyone, Own),
    route(Post, "/staff/{code}", Customer, Anyone, Own),
    route(Post, "/staff/{code}/pin", Customer, Anyone, Own),
    route(Get, "/staff/{code}/thanks", Customer, Anyone, Own),
    // What the shopper's phone shows for a page it cannot load offline (kept by the worker).
    route(Get, "/offline", Customer, Anyone, Own),
    // Forms and downloads.
    route(Post, "/auth/login", Handler, Anyone, Own),
    route(Post, "/auth/logout", Handler, Anyone, Own),
    route(Get, "/lang", Handler, Anyone, Own),
    route(Get, "/healthz", Handler, Anyone, Own),
    route(Post, "/admin/tokens", Handler, Roles(ADMINS), Own),
    route(
        Post,
        "/admin/tokens/{id}/revoke",
        Handler,
        Roles(ADMINS),
        Own,
    ),
    route(Post, "/assign", Handler, Roles(PLANNERS), Own),
    route(Post, "/admin/stores", Handler, Roles(ADMINS), Own),
    route(
        Post,
        "/admin/stores/{code}/edit",
        Handler,
        Roles(ADMINS),
        Store,
    ),
    // Reopen follows close: the matrix test closes a store, then opens it again.
    route(
        Post,
        "/admin/stores/{code}/close",
        Handler,
        Roles(ADMINS),
        Store,
    ),
    route(
        Post,
        "/admin/stores/{code}/reopen",
        Handler,
        Roles(ADMINS),
        Store,
    ),
    route(Post, "/admin/stores/import", Handler, Roles(ADMINS), Own),
    route(
        Post,
        "/admin/stores/import/{id}/commit",
        Handler,
        Roles(ADMINS),
        ImportDraft,
    ),
    route(Post, "/admin/regions", Handler, Roles(ADMINS), Own),
    route(Post, "/admin/regions/{id}", Handler, Roles(ADMINS), Region),
    route(Post, "/admin/organisation", Handler, Roles(ADMINS), Own),
    route(Post, "/admin/users", Handler, Roles(PEOPLE_MANAGERS), Own),
    route(
        Post,
        "/admin/users/{username}",
        Handler,
        Roles(PEOPLE_MANAGERS),
        Person,
    ),
    route(
        Post,
        "/admin/users/{username}/active",
        Handler,
        Roles(PEOPLE_MANAGERS),
        Person,
    ),
    route(
        Post,
        "/admin/users/{username}/invitation",
        Handler,
        Roles(PEOPLE_MANAGERS),
        Person,
    ),
    route(Post, "/invite/{token}", Handler, Anyone, Own),
    route(Post, "/admin/settings", Handler, Roles(ADMINS), Own),
    route(Post, "/admin/templates", Handler, Roles(ADMINS), Own),
    route(
        Post,
        "/admin/templates/{key}/draft",
        Handler,
        Roles(ADMINS),
        Own,
    ),
    route(
        Post,
        "/admin/templates/{key}/import",
        Handler,
        Roles(ADMINS),
        Own,
    ),
    route(
        Post,
        "/admin/templates/{key}/discard",
        Handler,
        Roles(ADMINS),
        Own,
    ),
    route(
        Get,
        "/admin/templates/{key}/json",
        Handler,
        Roles(ADMINS),
        Own,
    ),
    route(Post, "/account/password", Handler, SignedIn, Own),
    route(Post, "/account/language", Handler, SignedIn, Own),
    // Ends the matrix's sessions: it is sent with a session of its own.
    route(Post, "/account/sign-out-everywhere", Handler, SignedIn, Own),
    route(
        Post,
        "/assign/{id}/cancel",
        Handler,
        Roles(PLANNERS),
        Assignment,
    ),
    route(
        Post,
        "/assign/{id}/restore",
        Handler,
        Roles(PLANNERS),
        Assignment,
    ),
    route(Get, "/export/responses.csv", Handler, Roles(MANAGERS), Own),
    route(Get, "/league.csv", Handler, Roles(MANAGERS), Own),
    route(
        Get,
        "/stores/{code}/scorecard.csv",
        Handler,
        Roles(MANAGERS),
        Store,
    ),
    route(
        Get,
        "/stores/{code}/qr.svg",
        Handler,
        Roles(MANAGERS),
        Store,
    ),
    route(
        Get,
        "/stores/{code}/qr.png",
        Handler,
        Roles(MANAGERS),
        Store,
    ),
    route(
        Post,
        "/stores/{code}/survey-link/rotate",
        Handler,
        Roles(MANAGERS),
        Store,
    ),
    route(
        Post,
        "/stores/{code}/staff-pin",
        Handler,
        Roles(MANAGERS),
        Store,
    ),
    // Call-backs are the store's own managers' (the customer agreed to be called by the store).
    route(
        Post,
        "/stores/{code}/call-backs/{id}/handled",
        Handler,
        Roles(&[Role::StoreManager]),
        Store,
    ),
    route(
        Post,
        "/responses/{id}/decision",
        Handler,
        Roles(REVIEWERS),
        Response,
    ),
    route(
        Post,
        "/responses/{id}/appeals",
        Handler,
        Roles(STORE_MANAGERS),
        Response,
    ),
    route(
        Post,
        "/appeals/{id}/decision",
        Handler,
        Roles(REVIEWERS),
        Appeal,
    ),
    // The JSON API.
    route(Get, "/api/v1/stores", Handler, SignedIn, Own),
    route(Get, "/api/v1/stores/{code}", Handler, SignedIn, Store),
    route(Post, "/api/v1/stores", Handler, Roles(ADMINS), Own),
    route(Get, "/api/v1/stores.csv", Handler, Roles(ADMINS), Own),
    route(Post, "/api/v1/stores/import", Handler, Roles(ADMINS), Own),
    route(
        Patch,
        "/api/v1/stores/{code}",
        Handler,
        Roles(ADMINS),
        Store,
    ),
    route(Get, "/api/v1/regions", Handler, Roles(ADMINS), Own),
    route(Post, "/api/v1/regions", Handler, Roles(ADMINS), Own),
    route(Get, "/api/v1/audit", Handler, Roles(ADMINS), Own),
    route(Get, "/api/v1/settings", Handler, Roles(ADMINS), Own),
    route(Patch, "/api/v1/settings", Handler, Roles(ADMINS), Own),
    route(Get, "/api/v1/users", Handler, Roles(PEOPLE_MANAGERS), Own),
    route(Post, "/api/v1/users", Handler, Roles(PEOPLE_MANAGERS), Own),
    route(
        Patch,
        "/api/v1/users/{username}",
        Handler,
        Roles(PEOPLE_MANAGERS),
        Person,
    ),
    route(
        Post,
        "/api/v1/users/{username}/invitation",
        Handler,
        Roles(PEOPLE_MANAGERS),
        Person,
    ),
    route(
        Get,
        "/api/v1/stores/{code}/responses",
        Handler,
        Roles(MANAGERS),
        Store,
    ),
    route(Get, "/api/v1/responses", Handler, Roles(ADMINS), Own),
    route(
        Get,
        "/api/v1/responses/{id}",
        Handler,
        Roles(MANAGERS),
        Response,
    ),
    route(
        Put,
        "/api/v1/responses/{id}",
        Handler,
        Roles(&[Role::Admin, Role::Shopper, Role::Employee]),
        Own,
    ),
    route(
        Post,
        "/api/v1/responses/{id}/status",
        Handler,
        Roles(ADMINS),
        Response,
    ),
    route(Get, "/api/v1/reviews", Handler, Roles(REVIEWERS), Own),
    route(
        Post,
        "/api/v1/responses/{id}/decision",
        Handler,
        Roles(REVIEWERS),
        Response,
    ),
    route(
        Post,
        "/api/v1/responses/{id}/appeals",
        Handler,
        Roles(STORE_MANAGERS),
        Response,
    ),
    route(
        Post,
        "/api/v1/appeals/{id}/decision",
        Handler,
        Roles(REVIEWERS),
        Appeal,
    ),
    route(
        Get,
        "/api/v1/shopper/visits",
        Handler,
        Roles(&[Role::Shopper]),
        Own,
    ),
    route(Get, "/api/v1/cases", Handler, Roles(CASE_HANDLERS), Own),
    route(Post, "/api/v1/cases", Handler, Roles(CASE_RECORDERS), Case),
    route(
        Get,
        "/api/v1/cases/{id}",
        Handler,
        Roles(CASE_HANDLERS),
        Case,
    ),
    route(
        Post,
        "/api/v1/cases/{id}/events",
        Handler,
        Roles(CASE_HANDLERS),
        Case,
    ),
    route(Get, "/api/v1/inbox", Handler, SignedIn, Own),
    route(Get, "/api/v1/targets", Handler, Roles(ADMINS), Own),
    route(Put, "/api/v1/targets", Handler, Roles(ADMINS), Own),
    route(Get, "/api/v1/templates", Handler, SignedIn, Own),
    route(Post, "/api/v1/templates", Handler, Roles(ADMINS), Own),
    route(
        Get,
        "/api/v1/templates/{key}/versions/{version}",
        Handler,
        SignedIn,
        Own,
    ),
    route(Post, "/api/v1/assignments", Handler, Roles(PLANNERS), Own),
    route(
        Post,
        "/api/v1/assignments/{id}/cancel",
        Handler,
        Roles(PLANNERS),
        Assignment,
    ),
    route(
        Post,
        "/api/v1/assignments/{id}/restore",
        Handler,
        Roles(PLANNERS),
        Assignment,
    ),
    route(
        Get,
        "/api/v1/shopper/assignments",
        Handler,
        Roles(&[Role::Shopper]),
        Own,
    ),
    // A photo is read with the response that shows it (and by whoever uploaded it).
    route(
        Get,
        "/api/v1/photos/{sha256}",
        Handler,
        Roles(PHOTO_READERS),
        Photo,
    ),
    route(
        Get,
        "/api/v1/photos/{sha256}/upload",
        Handler,
        Roles(&[Role::Shopper, Role::Admin]),
        Own,
    ),
    route(
        Put,
        "/api/v1/photos/{sha256}/upload",
        Handler,
        Roles(&[Role::Shopper, Role::Admin]),
        Own,
    ),
    // Server functions of the hydrated pages.
    route(Post, "/api/me", ServerFn, Anyone, Own),
    route(Post, "/api/sign-in", ServerFn, Anyone, Own),
    route(Post, "/api/stores", ServerFn, SignedIn, Own),
    route(Post, "/api/tokens", ServerFn, Roles(ADMINS), Own),
    route(Post, "/api/assign-page", ServerFn, Roles(PLANNERS), Own),
    route(Post, "/api/admin-stores", ServerFn, Roles(ADMINS), Own),
    route(Post, "/api/store-form", ServerFn, Roles(ADMINS), Own),
    route(Post, "/api/store-import", ServerFn, Roles(ADMINS), Own),
    route(Post, "/api/audit-log", ServerFn, Roles(ADMINS), Own),
    route(
        Post,
        "/api/people-page",
        ServerFn,
        Roles(PEOPLE_MANAGERS),
        Own,
    ),
    route(
        Post,
        "/api/person-page",
        ServerFn,
        Roles(PEOPLE_MANAGERS),
        Own,
    ),
    route(Post, "/api/invitation-page", ServerFn, Anyone, Own),
    route(Post, "/api/account-page", ServerFn, SignedIn, Own),
    route(Post, "/api/settings-page", ServerFn, Roles(ADMINS), Own),
    route(Post, "/api/checklists-page", ServerFn, Roles(ADMINS), Own),
    route(Post, "/api/designer-page", ServerFn, Roles(ADMINS), Own),
    route(Post, "/api/checklist-changes", ServerFn, Roles(ADMINS), Own),
    route(Post, "/api/survey-link", ServerFn, Roles(MANAGERS), Store),
    route(
        Post,
        "/api/customer-answers",
        ServerFn,
        Roles(MANAGERS),
        Store,
    ),
    route(Post, "/api/league", ServerFn, Roles(MANAGERS), Own),
    route(
        Post,
        "/api/report",
        ServerFn,
        Roles(REPORT_READERS),
        Response,
    ),
    route(Post, "/api/reviews", ServerFn, Roles(REVIEWERS), Own),
    route(Post, "/api/comments", ServerFn, Roles(MANAGERS), Store),
    route(Post, "/api/team", ServerFn, Roles(MANAGERS), Store),
    route(Post, "/api/scorecard", ServerFn, Roles(MANAGERS), Store),
];

/// Whether `path` (no query) fits `pattern`: same segments, `{name}` fitting any non-empty one.
pub fn fits(pattern: &str, path: &str) -> bool {
    let mut p = pattern.split('/');
    let mut a = path.split('/');
    loop {
        match (p.next(), a.next()) {
            (None, None) => return true,
            (Some(ps), Some(seg)) => {
                let wild = ps.starts_with('{') && ps.ends_with('}');
                if !(ps == seg || (wild && !seg.is_empty())) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// How the page at `path` is served (None: not a page).
pub fn page_serve(path: &str) -> Option<Serve> {
    ROUTES
        .iter()
        .filter(|r| r.method == Method::Get)
        .filter(|r| matches!(r.serve, Hydrated | ServerOnly | Designer | Customer))
        // A literal segment beats `{name}`: `/stores/x/scorecard.csv` is not a page.
        .find(|r| fits(r.path, path))
        .map(|r| r.serve)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_fit_whole_segments_only() {
        assert!(fits("/stores/{code}/scorecard", "/stores/SH-001/scorecard"));
        assert!(!fits(
            "/stores/{code}/scorecard",
            "/stores/SH-001/scorecard.csv"
        ));
        assert!(!fits("/stores/{code}/scorecard", "/stores//scorecard"));
        assert!(!fits("/s/{code}/{key}", "/s/a/b/thanks"));
        assert!(fits("/", "/"));
    }

    #[test]
    fn pages_are_served_as_the_table_says() {
        assert_eq!(page_serve("/stores/N-1/scorecard"), Some(ServerOnly));
        assert_eq!(page_serve("/s/N-1/abc"), Some(Customer));
        assert_eq!(page_serve("/staff/N-1/thanks"), Some(Customer));
        assert_eq!(page_serve("/shopper"), Some(Hydrated));
        assert_eq!(page_serve("/stores/N-1/qr.svg"), None);
        assert_eq!(page_serve("/nowhere"), None);
    }

    #[test]
    fn every_route_is_listed_once() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {} twice",
                    a.method.as_str(),
                    a.path
                );
            }
        }
    }
}
