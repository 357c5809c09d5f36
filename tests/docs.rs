//! Generated documentation is current: one page per rule in `docs/rules/` (from the records),
//! and the rule-record JSON Schema (from the Rust type). Regenerate with
//! `UPDATE_DOCS=1 cargo test --test docs`. Also: every built-in record validates against the
//! published schema, and every output format has a section in docs/output-formats.md.

use cmek_lint::rules::{RECORDS, Registry};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn update() -> bool {
    std::env::var_os("UPDATE_DOCS").is_some()
}

/// Compare a generated file with the checked-in one; rewrite it under UPDATE_DOCS.
fn check_file(rel: &str, generated: &str, stale: &mut Vec<String>) {
    let path = root().join(rel);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(generated) {
        if update() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, generated).unwrap();
        } else {
            stale.push(rel.to_string());
        }
    }
}

#[test]
fn rule_pages_are_generated_from_the_records() {
    let registry = Registry::builtin();
    let mut stale = Vec::new();
    let mut expected = vec!["docs/rules/README.md".to_string()];
    check_file("docs/rules/README.md", &cmek_lint::render::rule_docs::doc_index(&registry), &mut stale);
    for r in RECORDS {
        let rel = cmek_lint::render::rule_docs::doc_path(r);
        check_file(&rel, &cmek_lint::render::rule_docs::doc_page(r), &mut stale);
        expected.push(rel);
    }
    // Pages of rules that no longer exist.
    for entry in std::fs::read_dir(root().join("docs/rules")).unwrap().filter_map(Result::ok) {
        let rel = format!("docs/rules/{}", entry.file_name().to_string_lossy());
        if !expected.contains(&rel) {
            if update() {
                std::fs::remove_file(entry.path()).unwrap();
            } else {
                stale.push(format!("{rel} (no such rule)"));
            }
        }
    }
    assert!(stale.is_empty(), "stale rule docs: {stale:?}; run `UPDATE_DOCS=1 cargo test --test docs`");
}

#[test]
fn rule_record_schema_is_generated_from_the_type() {
    let mut stale = Vec::new();
    check_file("docs/rule-record.schema.json", &cmek_lint::rules::user::record_schema(), &mut stale);
    assert!(stale.is_empty(), "docs/rule-record.schema.json is stale; run `UPDATE_DOCS=1 cargo test --test docs`");
}

#[test]
fn every_built_in_record_validates_against_the_published_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("docs/rule-record.schema.json")).unwrap()).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("rules")).unwrap().filter_map(Result::ok) {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let record: serde_json::Value = toml::from_str(&text).unwrap();
        let errors: Vec<String> = validator.iter_errors(&record).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", entry.path().display());
        n += 1;
    }
    assert_eq!(n, RECORDS.len());
    // And the schema rejects what the loader rejects.
    let bad: serde_json::Value = serde_json::json!({"code": "acme1", "name": "X", "severity": "fatal", "summary": "s",
        "why": "w", "fix": "f", "bad": "b", "good": "g", "extra": 1});
    let errors = validator.iter_errors(&bad).count();
    assert!(errors >= 4, "schema too lax: {errors} errors");
}

#[test]
fn every_output_format_is_documented() {
    use clap::ValueEnum;
    let doc = std::fs::read_to_string(root().join("docs/output-formats.md")).unwrap();
    for f in cmek_lint::render::Format::value_variants() {
        let name = f.to_possible_value().unwrap().get_name().to_string();
        assert!(doc.contains(&format!("## `{name}`")), "docs/output-formats.md has no `## `{name}`` section");
    }
}

/// The Rust version the docs ask for is the `rust-version` of Cargo.toml.
#[test]
fn the_documented_rust_version_is_cargo_tomls() {
    let cargo = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let version = cargo.lines().find_map(|l| l.strip_prefix("rust-version = \"")).unwrap().trim_end_matches('"');
    let re = regex::Regex::new(r"(?i)(?:rust(?: toolchain)?[ ,(]*|rust:|on your PATH, )(1\.\d+)").unwrap();
    let mut wrong = Vec::new();
    for rel in ["README.md", "docs/ci.md", ".pre-commit-hooks.yaml", "action.yml"] {
        let Ok(text) = std::fs::read_to_string(root().join(rel)) else { continue };
        for c in re.captures_iter(&text) {
            if &c[1] != version {
                wrong.push(format!("{rel}: `{}`", &c[0]));
            }
        }
    }
    assert!(wrong.is_empty(), "Cargo.toml says rust-version {version}: {wrong:?}");
}

/// Every rule named in the help texts and the docs exists: codes (`CMK201`) anywhere, names
/// where the help says "name (`...`)".
#[test]
fn every_rule_named_in_help_and_docs_exists() {
    use clap::CommandFactory;
    let registry = Registry::builtin();
    let codes: Vec<&str> = registry.rules.iter().map(|r| r.record.code).collect();
    let names: Vec<&str> = registry.rules.iter().map(|r| r.record.name).collect();
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut cmd = cmek_lint::cli::Cli::command();
    texts.push(("cmek-lint --help".into(), cmd.render_long_help().to_string()));
    for sub in cmd.get_subcommands_mut() {
        texts.push((format!("cmek-lint {} --help", sub.get_name()), sub.render_long_help().to_string()));
    }
    for rel in ["README.md", "docs/README.md", "docs/ci.md", "docs/suppressions.md", "docs/output-formats.md"] {
        texts.push((rel.into(), std::fs::read_to_string(root().join(rel)).unwrap()));
    }
    let code = regex::Regex::new(r"\bCMK\d{3}\b").unwrap();
    let name = regex::Regex::new(r"name \(`([a-z0-9-]+)`\)").unwrap();
    let mut missing = Vec::new();
    for (what, text) in &texts {
        for m in code.find_iter(text) {
            // `CMK999` is the docs' example of a typo.
            if !codes.contains(&m.as_str()) && m.as_str() != "CMK999" {
                missing.push(format!("{what}: {}", m.as_str()));
            }
        }
        for c in name.captures_iter(text) {
            if !names.contains(&&c[1]) {
                missing.push(format!("{what}: {}", &c[1]));
            }
        }
    }
    assert!(missing.is_empty(), "rules named that do not exist: {missing:?}");
}
