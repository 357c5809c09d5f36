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

/// A copy of a setup of `corpus/setups` in `dir/sub`.
fn copy_setup(name: &str, dir: &std::path::Path, sub: &str) {
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/setups").join(name);
    for e in std::fs::read_dir(&from).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        write(dir, &format!("{sub}/{}", p.file_name().unwrap().to_string_lossy()), &text);
    }
}

fn codes(v: &Value) -> Vec<String> {
    v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

/// Cross-document findings (CMK6xx) go through the same sink as the others: a `[[suppress]]`
/// entry suppresses them (and is not reported unused), `--ignore` and `[rules] ignore` disable
/// them, `[[per-file]] ignore` and severity overrides apply.
#[test]
fn config_entries_and_flags_apply_to_cross_document_findings() {
    let t = tempfile::tempdir().unwrap();
    copy_setup("bad-CMK601-other-role", t.path(), "aws");
    // Without configuration: CMK601 in the key policy export.
    let o = run_in(t.path(), &["--isolated", "aws", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(codes(&v), vec!["CMK601"]);
    assert_eq!(v["diagnostics"][0]["file"], "aws/kms-get-key-policy.json");
    assert_eq!(v["diagnostics"][0]["severity"], "error");

    // `--ignore CMK601`.
    let o = run_in(t.path(), &["--isolated", "aws", "--format", "json", "--ignore", "CMK601"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(codes(&json(&o)), Vec::<String>::new());

    // A `[[suppress]]` entry: suppressed, counted, and not "unused".
    write(
        t.path(),
        "cmek-lint.toml",
        "[[suppress]]\nrule = \"CMK601\"\npath = \"aws/kms-get-key-policy.json\"\nreason = \"app-backend is the CMEK role until the migration\"\n",
    );
    let o = run_in(t.path(), &["aws", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    let v = json(&o);
    assert_eq!(codes(&v), Vec::<String>::new());
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(v["notices"], Value::Array(vec![]));

    // An entry for the rule by name, on another file of the setup: nothing to suppress there.
    write(
        t.path(),
        "cmek-lint.toml",
        "[[suppress]]\nrule = \"key-policy-other-role\"\npath = \"aws/get-role.json\"\nreason = \"wrong file\"\n",
    );
    let o = run_in(t.path(), &["aws", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(codes(&v), vec!["CMK601"]);
    let notices = v["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0]["message"].as_str().unwrap().starts_with("unused suppression"), "{notices:?}");

    // `[[per-file]] ignore`.
    write(t.path(), "cmek-lint.toml", "[[per-file]]\npath = \"aws/kms-*.json\"\nignore = [\"CMK601\"]\n");
    let o = run_in(t.path(), &["aws", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(codes(&json(&o)), Vec::<String>::new());

    // A severity override.
    write(t.path(), "cmek-lint.toml", "[rules.severity]\nCMK601 = \"warning\"\n");
    let o = run_in(t.path(), &["aws", "--format", "json"]);
    let v = json(&o);
    assert_eq!(codes(&v), vec!["CMK601"]);
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
}

/// Inline comments suppress cross-document findings in CloudFormation and Terraform setups, and
/// one that suppressed a cross-document finding is not reported unused.
#[test]
fn inline_comments_suppress_cross_document_findings() {
    let t = tempfile::tempdir().unwrap();
    copy_setup("bad-CMK601-cloudformation", t.path(), "cfn");
    copy_setup("bad-CMK602-terraform", t.path(), "tf");
    let o = run_in(t.path(), &["--isolated", "cfn", "tf", "--format", "json"]);
    let v = json(&o);
    assert_eq!(codes(&v), vec!["CMK601", "CMK602"]);
    assert_eq!((v["diagnostics"][0]["line"].as_u64(), v["diagnostics"][1]["line"].as_u64()), (Some(38), Some(30)));

    let yaml = std::fs::read_to_string(t.path().join("cfn/pinecone-cmek.yaml")).unwrap();
    let mut lines: Vec<&str> = yaml.lines().collect();
    let comment = "              # cmek-lint: ignore[CMK601] AppRole gets the role's grants in the next release";
    lines.insert(37, comment); // the line above `AWS: !GetAtt AppRole.Arn` (line 38)
    write(t.path(), "cfn/pinecone-cmek.yaml", &(lines.join("\n") + "\n"));

    let tf = std::fs::read_to_string(t.path().join("tf/main.tf")).unwrap();
    let mut lines: Vec<String> = tf.lines().map(str::to_string).collect();
    lines[29].push_str(" # cmek-lint: ignore[role-missing-key-access] granted by an SCP-managed policy");
    write(t.path(), "tf/main.tf", &(lines.join("\n") + "\n"));

    let o = run_in(t.path(), &["--isolated", "cfn", "tf", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    let v = json(&o);
    assert_eq!(codes(&v), Vec::<String>::new());
    assert_eq!(v["summary"]["suppressed"], 2);
    assert_eq!(v["notices"], Value::Array(vec![]));
}

/// Downstream of the sink, the baseline treats cross-document findings like the others.
#[test]
fn a_baseline_records_cross_document_findings() {
    let t = tempfile::tempdir().unwrap();
    copy_setup("bad-CMK601-other-role", t.path(), "aws");
    let o = run_in(t.path(), &["--isolated", "aws", "--write-baseline", "baseline.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(t.path().join("baseline.json")).unwrap();
    assert!(text.contains("\"CMK601\""), "{text}");
    let o = run_in(t.path(), &["--isolated", "aws", "--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(codes(&json(&o)), Vec::<String>::new());
}

/// The fenced blocks of a language in a Markdown file.
fn fenced(markdown: &str, lang: &str) -> Vec<String> {
    let open = format!("```{lang}\n");
    markdown.split(&open).skip(1).map(|b| b.split("```").next().unwrap().to_string()).collect()
}

/// The HCL example of docs/suppressions.md, as a file: its comment suppresses the finding it
/// names and is not reported as unused.
#[test]
fn the_hcl_example_of_the_docs_suppresses_what_it_says() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/suppressions.md")).unwrap();
    let blocks = fenced(&doc, "hcl");
    assert!(!blocks.is_empty(), "no ```hcl example in docs/suppressions.md");
    for block in blocks {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), "main.tf", &block);
        let o = run_in(t.path(), &["check", "--isolated", "main.tf"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{block}\n{err}");
        assert!(!err.contains("unused suppression") && err.contains("suppressed)"), "{block}\n{err}");
        // Without the comment the finding is there: the comment is what suppresses it.
        let bare: String = block.lines().filter(|l| !l.contains("cmek-lint:")).map(|l| format!("{l}\n")).collect();
        write(t.path(), "main.tf", &bare);
        assert_eq!(run_in(t.path(), &["check", "--isolated", "main.tf"]).status.code(), Some(1), "{bare}");
    }
}

/// Inline comments on standard input: the content decides whether it can carry comments (YAML,
/// HCL), as it decides the syntax, with or without `--stdin-filename`.
#[test]
fn inline_comments_on_standard_input_are_honoured_without_a_file_name() {
    use std::io::Write;
    let template = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  PineconeRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            # cmek-lint: ignore[CMK115] account id is injected by the pipeline\n            Principal: {AWS: 'arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1'}\n            Action: sts:AssumeRole\n            Condition: {StringEquals: {'sts:ExternalId': 3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94}}\n";
    for extra in [&[][..], &["--stdin-filename", "stack.yaml"][..]] {
        let mut child = common::bin()
            .args(["check", "--isolated", "--format", "json", "-"])
            .args(extra)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(template.as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        let v = json(&o);
        let codes: Vec<&str> =
            v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert!(!codes.contains(&"CMK115"), "{extra:?}: {codes:?}");
        assert_eq!(v["summary"]["suppressed"], 1, "{extra:?}: {v}");
    }
}
