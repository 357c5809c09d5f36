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
