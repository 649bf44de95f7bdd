//! Who a user is to the product. Pure data, shared by the pages, the API and the route table
//! (`crate::routes`), so "who may do what" is stated in one vocabulary on both sides.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    RegionalManager,
    StoreManager,
    Shopper,
    Employee,
    /// Checks mystery visits before they count (quality checkers), in their regions.
    Reviewer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::RegionalManager,
        Role::StoreManager,
        Role::Shopper,
        Role::Employee,
        Role::Reviewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::RegionalManager => "regional_manager",
            Role::StoreManager => "store_manager",
            Role::Shopper => "shopper",
            Role::Employee => "employee",
            Role::Reviewer => "reviewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Managers and admins read store figures; shoppers and employees only contribute.
    pub fn reads_scores(self) -> bool {
        matches!(
            self,
            Role::Admin | Role::RegionalManager | Role::StoreManager
        )
    }

    /// Who checks mystery visits before they count: reviewers and admins, and regional
    /// managers when the organisation lets them (`regional_managers_review`).
    pub fn reviews(self, regional_managers_review: bool) -> bool {
        match self {
            Role::Admin | Role::Reviewer => true,
            Role::RegionalManager => regional_managers_review,
            Role::StoreManager | Role::Shopper | Role::Employee => false,
        }
    }
}

/// What a role's scope is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// Admins see everything; shoppers reach stores through their assignments.
    Nothing,
    /// One region or more (regional managers, reviewers).
    Regions,
    /// One store or more (store managers).
    Stores,
    /// Exactly one store (employees).
    OneStore,
}

impl Role {
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Admin | Role::Shopper => ScopeKind::Nothing,
            Role::RegionalManager | Role::Reviewer => ScopeKind::Regions,
            Role::StoreManager => ScopeKind::Stores,
            Role::Employee => ScopeKind::OneStore,
        }
    }

    /// The roles a regional manager may give, to people of their own region's stores: never
    /// one that sees more than a store.
    pub fn given_by_regional_managers(self) -> bool {
        matches!(self, Role::StoreManager | Role::Employee)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
