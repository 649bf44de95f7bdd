//! Dependencies run one way: the wire types import only the domain, the server code imports
//! nothing of `api` but the wire types, and no module of the server (use cases, database,
//! authentication) imports, through any chain, one that imports it back. Read from the
//! sources, so a new import that closes a circle fails here with the circle printed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (e.g. `server::db::users`) of every `.rs` file under `app/src`.
fn modules() -> BTreeMap<String, PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
    let mut found = BTreeMap::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("source folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(&root)
                    .expect("under src")
                    .with_extension("");
                let mut parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                    parts.pop();
                }
                found.insert(parts.join("::"), path);
            }
        }
    }
    found
}

/// The source without line comments (doc comments name modules in prose).
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .expect("source")
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path the source names from `crate::` or `super::`, with `{a, b::c}` groups expanded,
/// resolved to a path from the crate root.
fn paths_named(module: &str, code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &code[i..];
        let boundary = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let prefix = if rest.starts_with("crate::") {
            Some(("crate::".len(), String::new()))
        } else if rest.starts_with("super::") {
            // Each `super` is the parent module, whether the file is `x.rs` or `x/mod.rs`.
            let mut parts: Vec<&str> = module.split("::").filter(|p| !p.is_empty()).collect();
            let mut len = 0;
            while rest[len..].starts_with("super::") {
                parts.pop();
                len += "super::".len();
            }
            Some((len, parts.join("::")))
        } else {
            None
        };
        match prefix {
            Some((word_len, base)) if boundary => {
                let (tail, used) = path_tail(&code[i + word_len..]);
                for t in tail {
                    out.push(if base.is_empty() {
                        t
                    } else {
                        format!("{base}::{t}")
                    });
                }
                i += word_len + used.max(1);
            }
            _ => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

/// Reads `a::b::{c, d::e}` from the start of `s`: the paths it names and the bytes used.
fn path_tail(s: &str) -> (Vec<String>, usize) {
    let ident_end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(s.len());
    let head = s[..ident_end].trim_end_matches(':').to_string();
    if s[ident_end..].starts_with('{') && s[..ident_end].ends_with("::") {
        let mut depth = 0;
        let mut end = ident_end;
        for (k, c) in s[ident_end..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = ident_end + k;
                        break;
                    }
                }
                _ => {}
            }
        }
        let inner = &s[ident_end + 1..end];
        let mut items = Vec::new();
        let (mut depth, mut start) = (0, 0);
        for (k, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&inner[start..k]);
                    start = k + 1;
                }
                _ => {}
            }
        }
        items.push(&inner[start..]);
        let mut out = Vec::new();
        for item in items.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            if item == "self" {
                out.push(head.clone());
                continue;
            }
            let (nested, _) = path_tail(item);
            out.extend(nested.into_iter().map(|n| format!("{head}::{n}")));
        }
        (out, end + 1)
    } else {
        (vec![head], ident_end)
    }
}

/// The longest known module a path starts with.
fn module_of<'a>(path: &str, known: &'a BTreeMap<String, PathBuf>) -> Option<&'a str> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find_map(|p| known.get_key_value(&p).map(|(k, _)| k.as_str()))
}

fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let known = modules();
    let mut graph = BTreeMap::new();
    for (module, path) in &known {
        let deps: BTreeSet<String> = paths_named(module, &code_of(path))
            .iter()
            .filter_map(|p| module_of(p, &known))
            .filter(|m| *m != module && !module.starts_with(&format!("{m}::")))
            .map(str::to_string)
            .collect();
        graph.insert(module.clone(), deps);
    }
    graph
}

#[test]
fn the_scanner_reads_grouped_and_relative_imports() {
    let code = "use super::db::{org, Db};\nuse crate::api::wire::{self, scorecard::Row};\nlet x = super::store_time::today();";
    let paths = paths_named("server::report", code);
    assert_eq!(
        paths,
        vec![
            "server::db::org",
            "server::db::Db",
            "api::wire",
            "api::wire::scorecard::Row",
            "server::store_time::today",
        ]
    );
    assert_eq!(
        paths_named("server::db::users", "use super::super::auth::Actor;"),
        vec!["server::auth::Actor"]
    );
}

#[test]
fn wire_types_import_only_the_domain_and_the_server_only_the_wire_types_of_api() {
    for (module, deps) in imports() {
        if module == "api::wire" || module.starts_with("api::wire::") {
            for d in &deps {
                assert!(
                    d == "domain" || d.starts_with("domain::") || d.starts_with("api::wire"),
                    "{module} imports {d}: wire types may import only the domain"
                );
            }
        }
        if module.starts_with("server") {
            for d in &deps {
                assert!(
                    !d.starts_with("api") || d.starts_with("api::wire"),
                    "{module} imports {d}: the server may use only the wire types of api"
                );
                assert!(!d.starts_with("ui"), "{module} imports {d}");
            }
        }
    }
}

#[test]
fn no_module_of_the_server_imports_one_that_imports_it_back() {
    let graph = imports();
    let server: BTreeMap<&String, Vec<&String>> = graph
        .iter()
        .filter(|(m, _)| m.starts_with("server"))
        .map(|(m, deps)| (m, deps.iter().filter(|d| d.starts_with("server")).collect()))
        .collect();
    // Depth-first search; a module met again on the current path closes a circle.
    fn visit<'a>(
        m: &'a String,
        graph: &BTreeMap<&'a String, Vec<&'a String>>,
        path: &mut Vec<&'a String>,
        done: &mut BTreeSet<&'a String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| *p == m) {
            let mut circle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            circle.push(m.clone());
            return Some(circle);
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for d in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in server.keys() {
        if let Some(circle) = visit(m, &server, &mut Vec::new(), &mut done) {
            panic!("import circle: {}", circle.join(" -> "));
        }
    }
    assert!(server.len() > 30, "the server's modules were found");
}
