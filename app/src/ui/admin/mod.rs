//! Administration pages.
pub mod assign;
pub mod audit;
pub mod people;
pub mod settings;
pub mod store_import;
pub mod stores;
pub mod tokens;
