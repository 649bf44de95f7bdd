//! Where the built site is, and which content-hashed bundle folder is current.

use std::net::SocketAddr;
use std::path::Path;

use leptos::prelude::LeptosOptions;

/// `./dev build` writes the current bundle folder name (a content hash) to `pkg/CURRENT`.
pub fn current_pkg_dir(site_root: &Path) -> String {
    match std::fs::read_to_string(site_root.join("pkg").join("CURRENT")) {
        Ok(hash) if !hash.trim().is_empty() => format!("pkg/{}", hash.trim()),
        _ => {
            tracing::warn!(site_root = %site_root.display(), "no built site found; pages render without the browser bundle (run ./dev build)");
            "pkg".to_string()
        }
    }
}

pub fn leptos_options(site_root: &Path, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("servscope")
        .site_root(site_root.display().to_string())
        .site_pkg_dir(current_pkg_dir(site_root))
        .site_addr(addr)
        .build()
}
