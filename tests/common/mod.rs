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
