//! The house's floors only point down: every top-level module of `src/` imports (by `crate::`
//! paths) only modules on its own floor or below, as listed at the top of `src/lib.rs`, and no
//! modules import each other in a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn source_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            source_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Floor of each top-level module, from the numbered list in lib.rs's documentation.
fn floors(lib: &str) -> BTreeMap<String, usize> {
    let mut floors = BTreeMap::new();
    let mut floor = 0;
    for line in lib.lines().take_while(|l| l.starts_with("//!")) {
        let text = line.trim_start_matches("//!").trim_start();
        if let Some((number, _)) = text.split_once(". ") {
            if let Ok(n) = number.parse::<usize>() {
                floor = n;
            }
        }
        if floor == 0 {
            continue;
        }
        // Every `name` of the line: a module when it is one word (not `cmd::summary`).
        for (i, part) in text.split('`').enumerate() {
            if i % 2 == 1 && part.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                floors.entry(part.to_string()).or_insert(floor);
            }
        }
    }
    floors
}

/// Top-level module → the top-level modules it names through `crate::`.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    source_files(src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_string_lossy().trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let targets = edges.entry(module.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // Functions of lib.rs itself (`crate::timing`) are the root, not a module.
            let is_module = src.join(format!("{name}.rs")).exists() || src.join(&name).is_dir();
            if name != module && is_module {
                targets.insert(name);
            }
        }
    }
    edges
}

#[test]
fn every_module_imports_only_its_own_floor_or_below() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let floors = floors(&lib);
    let edges = imports(&root.join("src"));
    let mut wrong = Vec::new();
    for (module, targets) in &edges {
        let Some(&floor) = floors.get(module) else {
            wrong.push(format!(
                "{module}: not on any floor of src/lib.rs's list (give it one)"
            ));
            continue;
        };
        for target in targets {
            match floors.get(target) {
                Some(&below) if below >= floor => {}
                Some(&above) => wrong.push(format!(
                    "{module} (floor {floor}) imports {target} (floor {above}, above it)"
                )),
                None => wrong.push(format!("{target}: not on any floor of src/lib.rs's list")),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_modules_import_each_other_in_a_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let edges = imports(&root.join("src"));
    // Depth-first search: a module met again while still on the path closes a circle.
    fn visit(
        module: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|m| m == module) {
            let mut circle = path[i..].to_vec();
            circle.push(module.to_string());
            return Some(circle);
        }
        if !done.insert(module.to_string()) {
            return None;
        }
        path.push(module.to_string());
        for target in edges.get(module).into_iter().flatten() {
            if let Some(circle) = visit(target, edges, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for module in edges.keys() {
        let mut path = Vec::new();
        if let Some(circle) = visit(module, &edges, &mut path, &mut done) {
            panic!(
                "modules import each other in a circle: {}",
                circle.join(" -> ")
            );
        }
    }
}

#[test]
fn the_floors_are_read_from_lib_rs() {
    let floors = floors("//! Floors:\n//!\n//! 1. The top: `cli` and `cmd` (see `cmd::summary`).\n//! 2. `render`.\n//!    and `schema`.\n\npub mod cli;\n");
    assert_eq!(floors.get("cli"), Some(&1));
    assert_eq!(floors.get("cmd"), Some(&1));
    assert_eq!(floors.get("render"), Some(&2));
    assert_eq!(floors.get("schema"), Some(&2));
    assert_eq!(floors.get("cmd::summary"), None);
}
