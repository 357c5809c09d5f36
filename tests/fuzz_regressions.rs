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

/// The fuzz targets' output check (`checks::output_ok`) on the inputs of the injection issue:
/// escape sequences, workflow commands after a JSON `\n`, raw control bytes in an invalid file,
/// a long single line; in every file syntax the pipeline target picks.
#[test]
fn output_stays_safe_and_bounded_on_hostile_values() {
    let registry = Registry::builtin();
    let settings = registry.default_settings();
    let long_line = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        vec![r#"{"Sid": "x\u001b]0;t\u0007", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::XXXXXXXXXXXX:role/r"}, "Action": "sts:AssumeRole"}"#; 400].join(", ")
    );
    let texts = [
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole\n::error file=README.md,line=1::Injected"}]}"#.to_string(),
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\u{1b}[2J\", \"Action\": \"kms:*\"}]}".to_string(),
        "{\"Version\": \"2012-10-17\",\u{1b}[2J\u{7} \"Statement\": [}".to_string(),
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: \"Allow\\e[31m\"\n            Action: \"sts:AssumeRole\\n::warning::x\"\n".to_string(),
        long_line,
    ];
    for text in &texts {
        for name in checks::PIPELINE_NAMES {
            checks::pipeline_ok(name, text, &registry, &settings);
        }
    }
}
