//! Helpers shared by the integration tests that run the `cmek-lint` binary.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::Path;
use std::process::{Command, Output};

/// A clean trust policy: Pinecone's us-east-1 role with an external id (no finding).
pub const CLEAN_TRUST: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowPinecone",
      "Effect": "Allow",
      "Principal": {"AWS": ["arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"]},
      "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"}}
    }
  ]
}
"#;

/// The binary, with the caller's `NO_COLOR` removed so output does not depend on it.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cmek-lint"));
    c.env_remove("NO_COLOR");
    c
}

/// Run the binary in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().unwrap()
}

/// Write `text` to `dir/name`, creating folders.
pub fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An external checker: the path `env` names (`.ci/run` sets it), else `name` on `PATH`.
pub fn external_tool(env: &str, name: &str) -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(p.into());
    }
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// AWS's template linter, cfn-lint (`CFN_LINT`, or on `PATH`). `.ci/run` installs it and sets
/// `CFN_LINT`: under CI a missing cfn-lint fails the caller's test instead of skipping the check.
pub fn cfn_lint() -> Option<std::path::PathBuf> {
    let found = external_tool("CFN_LINT", "cfn-lint");
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI must run cfn-lint: `.ci/run` installs it and sets CFN_LINT");
        eprintln!("cfn-lint check skipped: no cfn-lint on PATH (`pip install cfn-lint`, or set CFN_LINT)");
    }
    found
}

/// `terraform fmt -check` of `file`, where a terraform binary exists (`TERRAFORM`, or on
/// `PATH`): it cannot be installed offline, so elsewhere (CI included) `None` and the check is
/// skipped.
pub fn terraform_fmt_check(file: &Path) -> Option<Output> {
    let Some(terraform) = external_tool("TERRAFORM", "terraform") else {
        eprintln!("terraform fmt check skipped: no terraform on PATH (or set TERRAFORM)");
        return None;
    };
    let out = Command::new(terraform)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .args(["fmt", "-check", "-diff", "-no-color"])
        .arg(file)
        .output()
        .unwrap();
    Some(out)
}
