//! The shape of the house, checked on the source: inside every crate the modules call
//! downward (no two modules, and no longer loop of them, reference each other), every
//! crate depends only on crates below it, and no source file is over 500 lines
//! (catalogues of words and tests excepted). The README's architecture section draws
//! the layers named here.
//!
//! Read from the files themselves (`crate::…` and `super::…` paths, `Cargo.toml`
//! dependencies) with the standard library alone: no crate reads a module graph
//! without compiling, and compiling is what this test must stay cheaper than.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The workspace's crates from the bottom up: a crate may depend only on crates of an
/// earlier layer. The simulator and the tests stand beside the product and may use it.
const LAYERS: &[&[&str]] = &[
    &["domain", "charts", "feishu-card"],
    &["i18n", "feishu", "store"],
    &["access-data", "feishu-sim"],
    &["use-cases"],
    &["app"],
    &["frontend", "server"],
    &["block-insights-tests"],
];

/// Files allowed past [`MAX_LINES`]: catalogues of words, whose length is their content.
const CATALOGUES: &[&str] = &["crates/i18n/src/lib.rs"];

const MAX_LINES: usize = 500;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The workspace's members: (package name, directory).
fn members() -> Vec<(String, PathBuf)> {
    let root = root();
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("the workspace's Cargo.toml");
    let list = manifest.split("members = [").nth(1).and_then(|rest| rest.split(']').next()).expect("a members list");
    list.split(',')
        .map(|m| m.trim().trim_matches('"'))
        .filter(|m| !m.is_empty())
        .map(|m| {
            let dir = root.join(m);
            let own = fs::read_to_string(dir.join("Cargo.toml")).expect("a member's Cargo.toml");
            (value_of(&own, "name").expect("a package name"), dir)
        })
        .collect()
}

/// The first `key = "value"` of a manifest.
fn value_of(manifest: &str, key: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The workspace crates a member depends on (normal dependencies, not dev ones).
fn dependencies(dir: &Path, members: &BTreeSet<String>) -> Vec<String> {
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).expect("a member's Cargo.toml");
    let mut section = "";
    let mut out = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line;
            continue;
        }
        if section != "[dependencies]" {
            continue;
        }
        if let Some((name, _)) = line.split_once('=') {
            let name = name.trim().trim_end_matches(".workspace").to_owned();
            if members.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's module path in its crate: `src/history/mod.rs` is `history`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src").with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The text without line comments (a doc comment naming a module is not a call).
fn code_of(text: &str) -> String {
    text.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// Every `crate::a::b` and `super::a` path in `code`, `{…}` groups opened one level.
fn paths_in(code: &str) -> Vec<(bool, Vec<String>)> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    for (prefix, is_super) in [("crate::", false), ("super::", true)] {
        let mut from = 0;
        while let Some(at) = code[from..].find(prefix) {
            let start = from + at;
            from = start + prefix.len();
            if code[..start].chars().next_back().is_some_and(ident) {
                continue;
            }
            let rest = &code[from..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or_default();
                for item in inner.split(',') {
                    let segs: Vec<String> =
                        item.trim().split("::").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
                    if !segs.is_empty() {
                        out.push((is_super, segs));
                    }
                }
                continue;
            }
            let mut segs = Vec::new();
            let mut tail = rest;
            loop {
                let len = tail.find(|c: char| !ident(c)).unwrap_or(tail.len());
                if len == 0 {
                    break;
                }
                segs.push(tail[..len].to_owned());
                match tail[len..].strip_prefix("::") {
                    Some(next) if !next.starts_with('{') => tail = next,
                    _ => break,
                }
            }
            out.push((is_super, segs));
        }
    }
    out
}

/// Each module of a crate and the modules it references.
fn module_graph(src: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<Vec<String>, PathBuf> = files.iter().map(|f| (module_of(src, f), f.clone())).collect();
    // Names the crate root re-exports (`pub use module::Name`), so `crate::Name` is the module's.
    let mut reexports: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for root_file in ["lib.rs", "main.rs"] {
        let Ok(text) = fs::read_to_string(src.join(root_file)) else { continue };
        for statement in code_of(&text).split(';') {
            let Some(used) = statement.trim().strip_prefix("pub use ") else { continue };
            let used = used.trim_start_matches("crate::").trim_start_matches("self::");
            let Some((module, names)) = used.split_once("::") else { continue };
            if !modules.contains_key(&vec![module.to_owned()]) {
                continue;
            }
            for name in names.trim_matches(['{', '}']).split(',') {
                let name = name.rsplit("::").next().unwrap_or_default().rsplit(" as ").next().unwrap_or_default().trim();
                if !name.is_empty() {
                    reexports.insert(name.to_owned(), vec![module.to_owned()]);
                }
            }
        }
    }
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let code = code_of(&fs::read_to_string(file).expect("a source file"));
        let mut targets = BTreeSet::new();
        for (is_super, segs) in paths_in(&code) {
            let full: Vec<String> = if is_super {
                let mut parent = module.clone();
                parent.pop();
                parent.into_iter().chain(segs).collect()
            } else {
                segs
            };
            let longest = (1..=full.len()).rev().map(|n| full[..n].to_vec()).find(|p| modules.contains_key(p));
            let target = longest.or_else(|| full.first().and_then(|first| reexports.get(first).cloned()));
            if let Some(target) = target.filter(|t| t != module && !t.is_empty()) {
                targets.insert(target);
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

/// The loops of a graph: its strongly connected components of more than one module.
fn loops(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    // Kosaraju: finish order on the graph, then components on the reversed graph.
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        seen: &mut BTreeSet<Vec<String>>,
        order: &mut Vec<Vec<String>>,
    ) {
        if !seen.insert(node.clone()) {
            return;
        }
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, seen, order);
        }
        order.push(node.clone());
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for node in graph.keys() {
        visit(node, graph, &mut seen, &mut order);
    }
    let mut reversed: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (from, tos) in graph {
        for to in tos {
            reversed.entry(to.clone()).or_default().insert(from.clone());
        }
    }
    let mut assigned = BTreeSet::new();
    let mut out = Vec::new();
    for node in order.iter().rev() {
        let mut component = Vec::new();
        visit(node, &reversed, &mut assigned, &mut component);
        if component.len() > 1 {
            out.push(component.iter().map(|m| m.join("::")).collect());
        }
    }
    out
}

/// Folds a module graph to the crate's top-level modules (a directory is one module).
fn top_level(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut out: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (from, tos) in graph {
        let Some(from) = from.first() else { continue };
        let entry = out.entry(vec![from.clone()]).or_default();
        entry.extend(tos.iter().filter_map(|to| to.first()).filter(|to| *to != from).map(|to| vec![to.clone()]));
    }
    out
}

#[test]
fn inside_every_crate_the_modules_call_downward() {
    let mut found = BTreeSet::new();
    for (name, dir) in members() {
        let graph = module_graph(&dir.join("src"));
        for component in loops(&graph).into_iter().chain(loops(&top_level(&graph))) {
            found.insert(format!("{name}: {}", component.join(" → ")));
        }
    }
    let found: Vec<String> = found.into_iter().collect();
    assert!(found.is_empty(), "modules that reference each other (move the shared part below both):\n{}", found.join("\n"));
}

#[test]
fn every_crate_depends_only_on_crates_below_it() {
    let members = members();
    let names: BTreeSet<String> = members.iter().map(|(n, _)| n.clone()).collect();
    let layer = |name: &str| LAYERS.iter().position(|l| l.contains(&name));
    let mut wrong = Vec::new();
    for (name, dir) in &members {
        let Some(own) = layer(name) else {
            wrong.push(format!("{name} is in no layer: add it to LAYERS (and the README's diagram)"));
            continue;
        };
        for dep in dependencies(dir, &names) {
            if layer(&dep).is_none_or(|l| l >= own) {
                wrong.push(format!("{name} depends on {dep}, which is not below it"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_source_file_is_over_500_lines() {
    let root = root();
    let mut long = Vec::new();
    for (_, dir) in members() {
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        for file in files {
            let rel = file.strip_prefix(&root).unwrap_or(&file).to_string_lossy().replace('\\', "/");
            let rel = rel.trim_start_matches("./").trim_start_matches("../").to_owned();
            let test = file.file_name().is_some_and(|n| n == "tests.rs") || rel.contains("/tests/");
            let lines = fs::read_to_string(&file).expect("a source file").lines().count();
            if lines > MAX_LINES && !test && !CATALOGUES.iter().any(|c| rel.ends_with(c)) {
                long.push(format!("{rel}: {lines} lines"));
            }
        }
    }
    assert!(long.is_empty(), "files over {MAX_LINES} lines (split them by what they do):\n{}", long.join("\n"));
}

#[test]
fn the_checks_see_a_loop_and_a_downward_call() {
    // The reader itself: a loop of three modules is found, a chain is not.
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(vec![(*a).to_owned()]).or_default().insert(vec![(*b).to_owned()]);
            g.entry(vec![(*b).to_owned()]).or_default();
        }
        g
    };
    assert_eq!(loops(&graph(&[("a", "b"), ("b", "c"), ("c", "a")])).len(), 1);
    assert!(loops(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
    let paths = paths_in("use crate::{plan::runs, quota};\nlet x = super::lease::Job::new(); crate::Store");
    let found: Vec<String> = paths.iter().map(|(s, p)| format!("{}{}", if *s { "super::" } else { "" }, p.join("::"))).collect();
    assert_eq!(found, ["plan::runs", "quota", "Store", "super::lease::Job::new"]);
}
