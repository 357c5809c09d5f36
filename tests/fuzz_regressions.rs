//! Fuzz inputs replayed as ordinary tests: the seeds of the `extract` target
//! (`fuzz/seeds/extract/`) and every crash reproducer kept in `tests/data/fuzz/<target>/`, with
//! the targets' own assertions (`fuzz/checks.rs`, included here): the first byte picks the format
//! (odd: CloudFormation YAML, even: Terraform); no panic, no internal error, every span inside
//! the input and on char boundaries, line/column consistent with the offset.

#[path = "../fuzz/checks.rs"]
mod checks;

use cmek_lint::rules::Registry;
use std::path::Path;

#[test]
fn extract_seeds_and_reproducers() {
    let registry = Registry::builtin();
    let settings = registry.default_settings();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for dir in [root.join("fuzz/seeds/extract"), root.join("tests/data/fuzz/extract")] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                checks::extract_ok(&data, &registry, &settings)
            }));
            assert!(outcome.is_ok(), "{} fails", f.display());
            n += 1;
        }
    }
    assert!(n >= 8, "only {n} inputs replayed");
}

/// Reproducers of the `pipeline` target (its first byte picks the file name, as there).
#[test]
fn pipeline_reproducers() {
    let registry = Registry::builtin();
    let settings = registry.default_settings();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz/pipeline");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            checks::pipeline_input_ok(&data, &registry, &settings)
        }));
        assert!(outcome.is_ok(), "{} fails", f.display());
    }
}
