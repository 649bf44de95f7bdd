//! Servscope: the Leptos application (pages, server functions) and the shared domain.
pub mod domain;
