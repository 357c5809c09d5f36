//! Snapshot of cmek-lint's human output on every folder of `corpus/`.
//!
//! Each `corpus/<folder>/` is checked as a whole; an optional `corpus/<folder>/args` file holds
//! extra command-line arguments (one per line), e.g. `--config` and a `cmek-lint.toml` of the
//! folder (paths relative to the repository root). Review changes with `cargo insta review`.

use std::path::Path;
use std::process::Command;

fn run(dir: &str) -> (String, i32) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cmek-lint"));
    cmd.current_dir(root).args(["check", "--no-color", "--format", "human"]);
    let args = root.join("corpus").join(dir).join("args");
    let extra: Vec<String> = std::fs::read_to_string(&args)
        .map(|text| {
            text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from).collect()
        })
        .unwrap_or_default();
    // No configuration file unless the folder names one (`--config` and `--isolated` conflict).
    if !extra.iter().any(|a| a == "--config") {
        cmd.arg("--isolated");
    }
    cmd.args(&extra);
    cmd.arg(format!("corpus/{dir}"));
    let out = cmd.output().expect("run cmek-lint");
    (String::from_utf8(out.stdout).unwrap(), out.status.code().unwrap_or(-1))
}

#[test]
fn corpus_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut dirs: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let (stdout, code) = run(&dir);
        insta::assert_snapshot!(format!("corpus__{dir}"), format!("exit code: {code}\n\n{stdout}"));
    }
}
