//! The floors of `src/` in ARCHITECTURE.md are the code's: every top-level module is on a
//! floor, and imports (`crate::x` in production code) only run down.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `module -> floor`, from the floors table of ARCHITECTURE.md.
fn floors() -> BTreeMap<String, usize> {
    let text = std::fs::read_to_string("ARCHITECTURE.md").unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Ok(floor) = cells[1].parse::<usize>() else { continue };
        for module in cells[2].split(',') {
            out.insert(module.trim().trim_matches('`').to_string(), floor);
        }
    }
    out
}

/// Production code of a source file: comments and everything after `#[cfg(test)]` removed.
fn production_code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The top-level modules a text refers to: `crate::x` and `crate::{x, y::z}`.
fn referenced(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group[..group.find('}').unwrap_or(group.len())].split(',').collect(),
            None => vec![rest],
        };
        for n in names {
            let n: String = n.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if modules.contains(&n) {
                out.insert(n);
            }
        }
    }
    out
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") && p.file_name().is_some_and(|n| n != "tests.rs") {
            out.push(p);
        }
    }
}

#[test]
fn imports_only_run_down_the_floors_of_architecture_md() {
    let floors = floors();
    let src = Path::new("src");
    let mut modules = BTreeSet::new();
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        if p.is_dir() || (p.extension().is_some_and(|x| x == "rs") && name != "lib" && name != "main") {
            modules.insert(name);
        }
    }
    let unlisted: Vec<&String> = modules.iter().filter(|m| !floors.contains_key(*m)).collect();
    assert!(unlisted.is_empty(), "top-level modules missing from ARCHITECTURE.md's floors: {unlisted:?}");
    let stale: Vec<&String> = floors.keys().filter(|m| !modules.contains(*m)).collect();
    assert!(stale.is_empty(), "ARCHITECTURE.md lists modules that do not exist: {stale:?}");

    let mut all = Vec::new();
    files(src, &mut all);
    let mut upward = Vec::new();
    for path in all {
        let rel = path.strip_prefix(src).unwrap();
        let top = rel.components().next().unwrap().as_os_str().to_string_lossy();
        let top = top.strip_suffix(".rs").unwrap_or(&top).to_string();
        let Some(&floor) = floors.get(&top) else { continue };
        let text = production_code(&std::fs::read_to_string(&path).unwrap());
        for m in referenced(&text, &modules) {
            if m != top && floors[&m] >= floor {
                upward.push(format!("{} (floor {floor}) imports `{m}` (floor {})", path.display(), floors[&m]));
            }
        }
    }
    assert!(upward.is_empty(), "imports that do not run down:\n{}", upward.join("\n"));
}
