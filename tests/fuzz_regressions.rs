//! Fuzz inputs replayed as ordinary tests: the seeds of the `extract` target
//! (`fuzz/seeds/extract/`) and every crash reproducer kept in `tests/data/fuzz/<target>/`, with
//! the target's assertions (see `fuzz/fuzz_targets/extract.rs`): the first byte picks the format
//! (odd: CloudFormation YAML, even: Terraform); no panic, no internal error, every span inside
//! the input and on char boundaries, line/column consistent with the offset.

use cmek_lint::config::Settings;
use cmek_lint::engine::{Input, check_guarded};
use cmek_lint::extract::{Extraction, SpanMap, cfn, hcl, yaml};
use cmek_lint::json::{Node, Value};
use cmek_lint::rules::Registry;
use cmek_lint::source::{LineIndex, Span};
use std::path::Path;

fn span_ok(text: &str, s: Span, what: &str) {
    assert!(s.start <= s.end && (s.end as usize) <= text.len(), "{what}: span {s:?} outside input of {}", text.len());
    assert!(
        text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize),
        "{what}: span {s:?} not on char boundaries"
    );
}

fn nodes_ok(text: &str, node: &Node, map: &SpanMap, what: &str) {
    span_ok(text, map.map(node.span), what);
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| nodes_ok(text, n, map, what)),
        Value::Object(members) => members.iter().for_each(|m| {
            span_ok(text, map.map(m.key_span), what);
            nodes_ok(text, &m.value, map, what);
        }),
        _ => {}
    }
}

fn extraction_ok(text: &str, found: &Extraction<'_>) {
    for d in &found.documents {
        nodes_ok(text, d.root.node(), &d.map, "document node");
    }
    for e in &found.embedded {
        for l in &e.lenience {
            span_ok(text, e.map.map(l.span), "embedded lenience");
        }
        if let Some(err) = &e.error {
            span_ok(text, e.map.map(err.span), "embedded parse error");
        }
    }
    for n in &found.notes {
        span_ok(text, n.span, n.rule);
    }
}

fn replay(data: &[u8], registry: &Registry, settings: &Settings) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let name = if pick % 2 == 1 {
        match yaml::parse(text) {
            Ok(Some(root)) => {
                nodes_ok(text, &root, &SpanMap::Identity, "YAML node");
                if cfn::is_template(&root) {
                    let mut found = Extraction::default();
                    cfn::extract(&root, &mut found);
                    extraction_ok(text, &found);
                }
            }
            Ok(None) => {}
            Err(e) => span_ok(text, e.span, "YAML parse error"),
        }
        "template.yaml"
    } else {
        match hcl::extract(text, Path::new("/nonexistent/fuzz/main.tf")) {
            Ok(found) => extraction_ok(text, &found),
            Err(e) => span_ok(text, e.span, "HCL parse error"),
        }
        "main.tf"
    };
    pipeline_ok(name, text, registry, settings);
}

/// The whole per-file pipeline: no internal error, diagnostics inside the input, line/column
/// consistent with the offset (as in `fuzz/fuzz_targets/pipeline.rs`).
fn pipeline_ok(name: &str, text: &str, registry: &Registry, settings: &Settings) {
    let report = check_guarded(Input::Text { name, text: text.to_string() }, registry, settings);
    assert!(report.errors.iter().all(|e| !e.contains("internal error")), "{:?}", report.errors);
    let index = LineIndex::new(text);
    for d in &report.diagnostics {
        let g = &d.diagnostic;
        span_ok(text, g.span, g.code);
        assert_eq!(index.line_col(g.span.start as usize), d.start, "{} line/col", g.code);
        assert_eq!(index.line_col(g.span.end as usize), d.end, "{} end line/col", g.code);
    }
}

#[test]
fn extract_seeds_and_reproducers() {
    let registry = Registry::builtin();
    let settings = Settings::defaults(&registry);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for dir in [root.join("fuzz/seeds/extract"), root.join("tests/data/fuzz/extract")] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| replay(&data, &registry, &settings)));
            assert!(outcome.is_ok(), "{} fails", f.display());
            n += 1;
        }
    }
    assert!(n >= 8, "only {n} inputs replayed");
}

/// Reproducers of the `pipeline` target (its first byte picks the file name, as there).
#[test]
fn pipeline_reproducers() {
    const NAMES: &[&str] = &["policy.json", "template.yaml", "main.tf", "plan.tfplan.json", "trust.json"];
    let registry = Registry::builtin();
    let settings = Settings::defaults(&registry);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz/pipeline");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let Some((&pick, rest)) = data.split_first() else { continue };
        let Ok(text) = std::str::from_utf8(rest) else { continue };
        let name = NAMES[pick as usize % NAMES.len()];
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pipeline_ok(name, text, &registry, &settings)));
        assert!(outcome.is_ok(), "{} fails", f.display());
    }
}
