//! Administration pages.
pub mod tokens;
