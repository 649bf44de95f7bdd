//! Administration pages.
pub mod assign;
pub mod tokens;
