//! `[[suppress]]` entries: scope (rule, path glob, pointer), required reason, expiry, unused
//! reporting, and positioned configuration errors. (Inline comments are covered by the unit
//! tests of `src/suppress.rs`, on YAML text.)

mod common;
use common::{run_in, write};
use serde_json::Value;
use std::process::Output;

/// Two placeholders in two statements, and a comment.
const TWO: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PineconeUsEast1",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1"},
      "Action": "sts:AssumeRole"
    },
    {
      "Sid": "PineconeUsWest2",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-west-2"},
      "Action": "sts:AssumeRole"
    }
  ]
}
"#;

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

fn codes_and_pointers(v: &Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["pointer"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn entries_suppress_by_rule_path_and_pointer() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "infra/trust.json", TWO);
    write(t.path(), "other/trust.json", TWO);
    write(
        t.path(),
        "cmek-lint.toml",
        r#"
[[suppress]]
rule = "placeholder-value"
path = "infra/*.json"
pointer = "/Statement/0"
reason = "us-east-1 role is filled in by the deploy pipeline"
expires = 2999-12-31
"#,
    );
    let o = run_in(t.path(), &["infra", "other", "--format", "json", "--ignore", "CMK2"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let found = codes_and_pointers(&v);
    // infra: only statement 1's placeholder remains; other/: both remain.
    assert_eq!(
        found,
        vec![
            ("CMK115".into(), "/Statement/1/Principal/AWS".into()),
            ("CMK115".into(), "/Statement/0/Principal/AWS".into()),
            ("CMK115".into(), "/Statement/1/Principal/AWS".into()),
        ]
    );
    assert_eq!(v["diagnostics"][0]["file"], "infra/trust.json");
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(v["notices"], Value::Array(vec![]));

    // The human summary says how many were suppressed.
    let o = run_in(t.path(), &["infra", "--format", "concise", "--ignore", "CMK2"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("1 error (1 suppressed)"), "{err}");

    // Run from a subfolder: globs stay relative to the config file's folder.
    let o = run_in(&t.path().join("infra"), &["trust.json", "--format", "json"]);
    assert_eq!(json(&o)["summary"]["suppressed"], 1);
}

#[test]
fn an_expired_entry_stops_suppressing_and_says_where_it_is() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", TWO);
    write(
        t.path(),
        "cmek-lint.toml",
        "[rules]\nignore = []\n\n[[suppress]]\nrule = \"CMK115\"\npath = \"*.json\"\nreason = \"waiting for the account id\"\nexpires = \"2020-01-31\"\n",
    );
    let o = run_in(t.path(), &["trust.json", "--format", "concise"]);
    assert_eq!(o.status.code(), Some(1), "the findings fail the run again");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.matches("error[CMK115]").count(), 2, "{out}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cmek-lint.toml:5:8: warning: suppression of `CMK115` in `*.json` expired on 2020-01-31 (reason was: waiting for the account id); the 2 findings it covered are reported again"),
        "{err}"
    );
    let v = json(&run_in(t.path(), &["trust.json", "--format", "json"]));
    let n = &v["notices"][0];
    assert_eq!(
        (n["severity"].as_str(), n["file"].as_str(), n["line"].as_u64()),
        (Some("warning"), Some("cmek-lint.toml"), Some(5))
    );
    assert_eq!(v["summary"]["suppressed"], 0);
}

#[test]
fn unused_entries_are_reported_only_for_files_that_were_checked() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "infra/trust.json", TWO);
    write(
        t.path(),
        "cmek-lint.toml",
        r#"[[suppress]]
rule = "CMK116"
path = "infra/**"
reason = "no longer needed"

[[suppress]]
rule = "CMK115"
path = "legacy/**"
reason = "legacy policies are replaced in Q3"
"#,
    );
    let o = run_in(t.path(), &["infra", "--format", "concise", "--ignore", "CMK2"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cmek-lint.toml:2:8: info: unused suppression of `CMK116` in `infra/**`: the files it covers have no such finding; remove it"),
        "{err}"
    );
    assert!(!err.contains("legacy"), "legacy/** matched no checked file: {err}");
    // An entry for a rule that is not enabled is not reported as unused.
    let o = run_in(t.path(), &["infra", "--format", "concise", "--ignore", "CMK116"]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("unused"));
}

#[test]
fn bad_entries_are_configuration_errors_at_their_position() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", TWO);
    let cases = [
        ("[[suppress]]\nrule = \"CMK115\"\npath = \"*.json\"\n", "cmek-lint.toml:1:1", "missing field `reason`"),
        (
            "[[suppress]]\nrule = \"CMK115\"\npath = \"*.json\"\nreason = \"  \"\n",
            "cmek-lint.toml:4:10",
            "`reason` must say why",
        ),
        (
            "[[suppress]]\nrule = \"CMK999\"\npath = \"*.json\"\nreason = \"x\"\n",
            "cmek-lint.toml:2:8",
            "`CMK999` names no rule",
        ),
        (
            "[[suppress]]\nrule = \"CMK115\"\npath = \"*.json\"\nreason = \"x\"\nexpires = \"2026-02-30\"\n",
            "cmek-lint.toml:5:11",
            "`expires` must be a date `YYYY-MM-DD`, found `2026-02-30`",
        ),
        (
            "[[suppress]]\nrule = \"CMK115\"\npath = \"*.json\"\nreason = \"x\"\nexpires = 2026-01-01T10:00:00Z\n",
            "cmek-lint.toml:5:11",
            "`expires` must be a date",
        ),
        ("[[suppress]]\nrule = \"CMK115\"\npath = \"a/{b\"\nreason = \"x\"\n", "cmek-lint.toml:3:8", "invalid glob"),
        (
            "[[suppress]]\nrule = \"CMK115\"\npath = \"*.json\"\npointer = \"Statement/0\"\nreason = \"x\"\n",
            "cmek-lint.toml:4:11",
            "must be a JSON pointer",
        ),
        (
            "[[suppress]]\nrule = \"CMK115\"\npath = \"*.json\"\nreason = \"x\"\nowner = \"me\"\n",
            "cmek-lint.toml:5:1",
            "unknown field `owner`",
        ),
    ];
    for (config, at, message) in cases {
        write(t.path(), "cmek-lint.toml", config);
        let o = run_in(t.path(), &["trust.json"]);
        assert_eq!(o.status.code(), Some(2), "{config}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("{at}: invalid configuration: ")) && err.contains(message),
            "{config}\n---\n{err}"
        );
    }
}
