//! The whole pipeline on one input: read → extract → parse → rules → diagnostics. The first byte
//! picks the file name (and so the input format). Asserts: no panic, no internal error, every
//! diagnostic span inside the input and on a char boundary, line/column consistent with the
//! offset.
#![no_main]

use cmek_lint::config::Settings;
use cmek_lint::engine::{Input, check_guarded};
use cmek_lint::rules::Registry;
use cmek_lint::source::LineIndex;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::builtin);
static SETTINGS: LazyLock<Settings> = LazyLock::new(|| Settings::defaults(&REGISTRY));
const NAMES: &[&str] = &["policy.json", "template.yaml", "main.tf", "plan.tfplan.json", "trust.json"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let name = NAMES[pick as usize % NAMES.len()];
    let report = check_guarded(Input::Text { name, text: text.to_string() }, &REGISTRY, &SETTINGS);
    assert!(report.errors.iter().all(|e| !e.contains("internal error")), "{:?}", report.errors);
    let index = LineIndex::new(text);
    for d in &report.diagnostics {
        if d.diagnostic.code == "CMK008" {
            continue;
        }
        let s = d.diagnostic.span;
        if report.path != name {
            continue; // a finding in another file (e.g. Terraform file()) has its own text
        }
        assert!(s.start <= s.end && (s.end as usize) <= text.len(), "{} span {s:?} outside input", d.diagnostic.code);
        assert!(text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize));
        assert_eq!(index.line_col(s.start as usize), d.start, "{} line/col", d.diagnostic.code);
        assert_eq!(index.line_col(s.end as usize), d.end, "{} end line/col", d.diagnostic.code);
    }
});
