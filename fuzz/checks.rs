//! The assertions of the fuzz targets, shared with their replay as ordinary tests
//! (`tests/fuzz_regressions.rs` includes this file): no panic, no internal error, every span
//! inside the input and on char boundaries, line/column consistent with the offset.

use cmek_lint::diagnostic::Severity;
use cmek_lint::engine::{FileReport, Input, check_input};
use cmek_lint::extract::{Extraction, SpanMap, cfn, hcl, yaml};
use cmek_lint::json::{Node, Value};
use cmek_lint::render::{self, Format, RenderOptions, Run, Summary};
use cmek_lint::rules::Registry;
use cmek_lint::settings::Settings;
use cmek_lint::source::{LineIndex, Span};

/// File names the `pipeline` target picks from with its first byte.
#[allow(dead_code)]
pub const PIPELINE_NAMES: &[&str] = &["policy.json", "template.yaml", "main.tf", "plan.tfplan.json", "trust.json"];

pub fn span_ok(text: &str, s: Span, what: &str) {
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
        span_ok(text, n.span, n.rule.name());
    }
}

/// The whole per-file pipeline on `text` named `name`: no internal error; every diagnostic and
/// same-file label inside the input, with line/column consistent with the offset.
pub fn pipeline_ok(name: &str, text: &str, registry: &Registry, settings: &Settings) {
    let report = check_input(Input::Text { name, text: text.to_string() }, registry, settings);
    assert!(report.errors.iter().all(|e| !e.contains("internal error")), "{:?}", report.errors);
    if report.path != name {
        return; // a finding in another file (Terraform file()) has its own text
    }
    output_ok(&report, text.len(), registry);
    let index = LineIndex::new(text);
    for d in &report.diagnostics {
        let g = &d.diagnostic;
        span_ok(text, g.span, g.code);
        assert_eq!(index.line_col(g.span.start as usize), d.start, "{} line/col", g.code);
        assert_eq!(index.line_col(g.span.end as usize), d.end, "{} end line/col", g.code);
        for (l, r) in g.labels.iter().zip(&d.labels) {
            if l.file.is_none() {
                span_ok(text, l.span, g.code);
                assert_eq!(index.line_col(l.span.start as usize), r.start, "{} label line/col", g.code);
            }
        }
    }
}

/// What the terminal and CI-log formats print of a report is safe for their sink, whatever the
/// input held: no control character but a line break (and a tab in a human snippet), so no
/// escape sequence or workflow command can come from a policy; every `github` line is one
/// workflow command; and the human output stays bounded on long lines (a window around each
/// span, not the whole line per finding).
pub fn output_ok(report: &FileReport, input_len: usize, registry: &Registry) {
    let summary = Summary::new(std::slice::from_ref(report), 0);
    let rule_severity: Vec<Severity> = registry.rules.iter().map(|r| r.record.severity).collect();
    let run = Run {
        reports: std::slice::from_ref(report),
        summary: &summary,
        notices: &[],
        registry,
        rule_severity: &rule_severity,
        fail_on: Severity::Error,
        access: &[],
    };
    for format in [Format::Human, Format::Concise, Format::Github] {
        let mut out = Vec::new();
        render::render(format, &run, &RenderOptions { color: false }, &mut out).unwrap();
        let out = String::from_utf8(out).expect("output is UTF-8");
        let tab_ok = format == Format::Human;
        let bad = out
            .chars()
            .find(|&c| (c.is_control() && c != '\n' && !(tab_ok && c == '\t')) || matches!(c, '\u{2028}' | '\u{2029}'));
        assert!(bad.is_none(), "{format:?} output carries {bad:?} from the input");
        if format == Format::Github {
            assert!(out.lines().all(|l| l.starts_with("::")), "a github line is not a workflow command:\n{out}");
        }
        if format == Format::Human {
            // Per finding: its lines (each cut to a window of a long line), labels and notes.
            let bound = 8192 * (report.diagnostics.len() + 1) + 4 * input_len.min(8192);
            assert!(
                out.len() <= bound,
                "human output of {} bytes for {} findings",
                out.len(),
                report.diagnostics.len()
            );
        }
    }
}

/// One input of the `extract` target: the first byte picks the format (odd: CloudFormation
/// YAML, even: Terraform); the extraction is checked directly, then the whole pipeline.
#[allow(dead_code)]
pub fn extract_ok(data: &[u8], registry: &Registry, settings: &Settings) {
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
        match hcl::extract(text, std::path::Path::new("/nonexistent/fuzz/main.tf")) {
            Ok(found) => extraction_ok(text, &found),
            Err(e) => span_ok(text, e.span, "HCL parse error"),
        }
        "main.tf"
    };
    pipeline_ok(name, text, registry, settings);
}

/// One input of the `pipeline` target: the first byte picks the file name.
#[allow(dead_code)]
pub fn pipeline_input_ok(data: &[u8], registry: &Registry, settings: &Settings) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    pipeline_ok(PIPELINE_NAMES[pick as usize % PIPELINE_NAMES.len()], text, registry, settings);
}
