//! Issue 13, "silent passes": a CI gate never passes what it did not check. Each input here was
//! once skipped or passed (exit 0) when walked into or named; each is now a finding, the same
//! whether the file is found by walking a folder or named on the command line.

mod common;

use common::{run_in, stderr, stdout, write};
use std::io::Write as _;
use std::path::Path;
use std::process::{Output, Stdio};

const TRUST: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"},
      "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"}}
    }
  ]
}
"#;

fn check(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--isolated", "--format", "concise"];
    all.extend_from_slice(args);
    run_in(dir, &all)
}

/// The same finding (a line of the concise output for `file`) walked and named, exit 1.
fn same_walked_and_named(dir: &Path, file: &str, expected: &[&str]) {
    for (how, args) in [("walked", vec!["cfg"]), ("named", vec![file])] {
        let o = check(dir, &args);
        let out = stdout(&o);
        for e in expected {
            assert!(out.contains(e), "{how}: expected `{e}` in:\n{out}\n{}", stderr(&o));
        }
        assert!(!out.contains("no problems found"), "{how}: {out}");
        assert_eq!(o.status.code(), Some(1), "{how}: {out}\n{}", stderr(&o));
    }
}

// Item 9: an empty or whitespace-only `.json` file (an export that failed) is CMK001.
#[test]
fn empty_json_is_an_error_walked_and_named() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "cfg/trust.json", "");
    same_walked_and_named(
        t.path(),
        "cfg/trust.json",
        &[
            "cfg/trust.json:1:1: error[CMK001] invalid JSON: expected a JSON value, found end of input (the file is empty)",
        ],
    );
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "cfg/kms-get-key-policy.json", "\r\n  \n");
    same_walked_and_named(t.path(), "cfg/kms-get-key-policy.json", &["error[CMK001]", "(the file is empty)"]);
}

/// An empty YAML or Terraform file is still skipped when walking (it is not a `.json` export).
#[test]
fn empty_yaml_and_terraform_are_still_skipped_when_walking() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "cfg/main.tf", "");
    write(t.path(), "cfg/template.yaml", "");
    write(t.path(), "cfg/trust.json", TRUST);
    let o = check(t.path(), &["cfg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

// Item 10: a file over the size limit fails the gate (CMK008 is an error), with its size.
#[test]
fn too_large_fails_by_default_and_is_never_read() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "cfg/trust.json", TRUST);
    write(t.path(), "cmek-lint.toml", "[limits]\nmax_file_size = 100\n");
    for (how, arg) in [("walked", "cfg"), ("named", "cfg/trust.json")] {
        let o = run_in(t.path(), &["--format", "concise", arg]);
        let out = stdout(&o);
        assert!(
            out.contains(&format!(
                "cfg/trust.json:1:1: error[CMK008] file is {} bytes, larger than the 100 bytes limit; it was not checked",
                TRUST.len()
            )),
            "{how}: {out}"
        );
        assert_eq!(o.status.code(), Some(1), "{how}: {out}");
    }
    // `max_file_size = 0` says so in bytes (it once said "0.0 MB larger than 0.0 MB").
    write(t.path(), "cmek-lint.toml", "[limits]\nmax_file_size = 0\n");
    let o = run_in(t.path(), &["--format", "concise", "cfg/trust.json"]);
    assert!(stdout(&o).contains("larger than the limit of 0 bytes; it was not checked"), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(1));
    // Those who want large files to pass unchecked say so: `[rules] severity`.
    write(t.path(), "cmek-lint.toml", "[limits]\nmax_file_size = 100\n[rules]\nseverity = { CMK008 = \"warning\" }\n");
    let o = run_in(t.path(), &["--format", "concise", "cfg"]);
    assert!(stdout(&o).contains("warning[CMK008]"), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// Standard input over the limit is refused after reading at most the limit and one byte.
#[test]
fn too_large_standard_input_is_refused() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "cmek-lint.toml", "[limits]\nmax_file_size = 100\n");
    let mut child = common::bin()
        .current_dir(t.path())
        .args(["--format", "concise", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Far more than the limit: the writer may see a closed pipe once the reader has enough.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(TRUST.repeat(1000).as_bytes());
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let out = stdout(&o);
    assert!(
        out.contains("<stdin>:1:1: error[CMK008] input is larger than the 100 bytes limit; it was not checked"),
        "{out}\n{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));
}

// Item 11: `statement`, `Statements`, `effect`: IAM rejects these; they are CMK014, positioned.
#[test]
fn policy_key_case_is_an_error_walked_and_named() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "cfg/trust.json",
        &TRUST.replace("\"Statement\"", "\"statement\"").replace("\"Effect\"", "\"effect\""),
    );
    same_walked_and_named(
        t.path(),
        "cfg/trust.json",
        &[
            "cfg/trust.json:3:3: error[CMK014] `statement` is not a policy element (IAM spells it `Statement`",
            "cfg/trust.json:5:7: error[CMK014] `effect` is not a policy element (IAM spells it `Effect`",
        ],
    );
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "cfg/key-policy.json", &TRUST.replace("\"Statement\"", "\"Statements\""));
    same_walked_and_named(
        t.path(),
        "cfg/key-policy.json",
        &["cfg/key-policy.json:3:3: error[CMK014] `Statements` is not a policy element (IAM spells it `Statement`"],
    );
    // A lone lower-case statement (no `Statement` around it at all).
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "cfg/stmt.json", r#"[{"effect": "Allow", "action": "kms:Decrypt", "resource": "*"}]"#);
    same_walked_and_named(t.path(), "cfg/stmt.json", &["cfg/stmt.json:1:3: error[CMK014] `effect`"]);
}

/// JSON with a lower-case `statement` that is no policy (no `Version` date, no statements) is
/// not one: still skipped when walking, CMK009 when named.
#[test]
fn unrelated_json_mentioning_statement_is_not_a_near_policy() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "cfg/package.json", r#"{"name": "x", "statement": "hello", "version": "1.0.0"}"#);
    // A clean policy beside it, so the walk checks something (a walk that checks nothing at all
    // exits 2: see tests/gate.rs).
    write(t.path(), "cfg/trust.json", common::CLEAN_TRUST);
    let o = check(t.path(), &["cfg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("package.json"), "{}", stdout(&o));
    let o = check(t.path(), &["cfg/package.json"]);
    assert!(stdout(&o).contains("info[CMK009]"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("CMK014"), "{}", stdout(&o));
}

// Item 7: `preflight` names the export it could not find or read, says how to export it, and
// fails (it once said "Ready" with an empty or missing key-policy export).
const ROLE: &str = "arn:aws:iam::493820715560:role/pinecone-cmek";
const KEY: &str = "arn:aws:kms:us-east-1:493820715560:key/8c2f41d0-7a9e-4b35-b1e6-f0c3d4a5b6c7";
const EXT: &str = "8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03";

fn preflight(dir: &Path, path: &str) -> (String, Option<i32>) {
    let o = run_in(dir, &["preflight", "--isolated", "--role-arn", ROLE, "--key-arn", KEY, "--external-id", EXT, path]);
    (stdout(&o) + &stderr(&o), o.status.code())
}

fn exports(dir: &Path, leave_out: &[&str]) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/setups/ok-cli-exports");
    std::fs::create_dir_all(dir.join("cmek-setup")).unwrap();
    for f in ["get-role.json", "kms-get-key-policy.json", "kms-describe-key.json"] {
        if !leave_out.contains(&f) {
            std::fs::copy(src.join(f), dir.join("cmek-setup").join(f)).unwrap();
        }
    }
}

#[test]
fn preflight_fails_without_each_of_the_three_exports() {
    let t = tempfile::tempdir().unwrap();
    exports(t.path(), &[]);
    let (out, code) = preflight(t.path(), "cmek-setup");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("✓ Key policy: found in cmek-setup/kms-get-key-policy.json"), "{out}");
    assert!(out.contains("✓ Key metadata: found in cmek-setup/kms-describe-key.json"), "{out}");

    // The key-policy export is empty (the `aws` command failed after `>` made the file).
    std::fs::write(t.path().join("cmek-setup/kms-get-key-policy.json"), "").unwrap();
    let (out, code) = preflight(t.path(), "cmek-setup");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("✗ Key policy: no key policy found in the files (not read: cmek-setup/kms-get-key-policy.json: invalid JSON: expected a JSON value, found end of input (the file is empty) [CMK001]); export it: `aws kms get-key-policy --key-id arn:aws:kms:us-east-1:493820715560:key/8c2f41d0-7a9e-4b35-b1e6-f0c3d4a5b6c7 --policy-name default > cmek-setup/kms-get-key-policy.json`"), "{out}");
    assert!(out.contains("Not ready") && !out.contains("Ready: enter"), "{out}");

    // Missing: the key policy, the key metadata, the role.
    for (missing, line) in [
        (
            "kms-get-key-policy.json",
            "✗ Key policy: no key policy found in the files; export it: `aws kms get-key-policy",
        ),
        (
            "kms-describe-key.json",
            "✗ Key metadata: no key metadata (`describe-key`, a KMS key resource) found in the files; export it: `aws kms describe-key --key-id arn:aws:kms:us-east-1:493820715560:key/8c2f41d0-7a9e-4b35-b1e6-f0c3d4a5b6c7 > cmek-setup/kms-describe-key.json`",
        ),
        (
            "get-role.json",
            "✗ Role trusting Pinecone: no trust policy naming Pinecone's roles found in the files; export the role: `aws iam get-role --role-name pinecone-cmek > cmek-setup/get-role.json`",
        ),
    ] {
        let t = tempfile::tempdir().unwrap();
        exports(t.path(), &[missing]);
        let (out, code) = preflight(t.path(), "cmek-setup");
        assert_eq!(code, Some(1), "{missing}: {out}");
        assert!(out.contains(line), "{missing}: {out}");
    }
}

// Item 8: UTF-16 (what Windows PowerShell 5's `>` writes) and UTF-32 are decoded and checked,
// positions in the decoded text, and reported as an error naming the encoding and the fix. It
// was skipped when walked ("no problems found") and "not valid UTF-8 (byte 0xFF)" when named.
fn encoded(text: &str, encoding: &str) -> Vec<u8> {
    let units16 = |be: bool| -> Vec<u8> {
        text.encode_utf16().flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    };
    let units32 = || -> Vec<u8> { text.chars().flat_map(|c| (c as u32).to_le_bytes()).collect() };
    match encoding {
        "UTF-16 LE (byte-order mark FF FE)" => [vec![0xFF, 0xFE], units16(false)].concat(),
        "UTF-16 BE (byte-order mark FE FF)" => [vec![0xFE, 0xFF], units16(true)].concat(),
        "UTF-32 LE (byte-order mark FF FE 00 00)" => [vec![0xFF, 0xFE, 0, 0], units32()].concat(),
        "UTF-16 LE without a byte-order mark" => units16(false),
        _ => unreachable!(),
    }
}

#[test]
fn utf16_and_utf32_are_decoded_checked_and_reported_walked_and_named() {
    // PowerShell 5: `Get-Content trust.json | ... > trust.json` gives CRLF line ends, UTF-16 LE.
    let text = TRUST.replace("\"sts:AssumeRole\"", "\"sts:AssumeRoles\"").replace('\n', "\r\n");
    for (encoding, iconv) in [
        ("UTF-16 LE (byte-order mark FF FE)", "UTF-16"),
        ("UTF-16 BE (byte-order mark FE FF)", "UTF-16"),
        ("UTF-32 LE (byte-order mark FF FE 00 00)", "UTF-32"),
        ("UTF-16 LE without a byte-order mark", "UTF-16LE"),
    ] {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join("cfg")).unwrap();
        std::fs::write(t.path().join("cfg/trust.json"), encoded(&text, encoding)).unwrap();
        same_walked_and_named(
            t.path(),
            "cfg/trust.json",
            &[
                &format!(
                    "cfg/trust.json:1:1: error[CMK007] the file is {encoding}, not UTF-8: it was decoded and checked"
                ),
                // The decoded policy is checked, at its own lines and columns.
                "cfg/trust.json:7:22: error[CMK111] unknown action `sts:AssumeRoles`",
            ],
        );
        let o = run_in(t.path(), &["--isolated", "--no-color", "cfg/trust.json"]);
        let out = stdout(&o);
        assert!(
            out.contains(&format!(
                "convert it to UTF-8: `Get-Content trust.json | Set-Content -Encoding utf8 trust-utf8.json` (PowerShell), or `iconv -f {iconv} -t UTF-8 trust.json > trust-utf8.json`"
            )),
            "{encoding}: {out}"
        );
        assert!(!out.contains("not valid UTF-8"), "{encoding}: {out}");
        // Standard input too.
        let mut child = common::bin()
            .current_dir(t.path())
            .args(["--isolated", "--format", "concise", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&encoded(&text, encoding)).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(stdout(&o).contains(&format!("<stdin>:1:1: error[CMK007] the file is {encoding}")), "{}", stdout(&o));
        assert!(stdout(&o).contains("<stdin>:7:22: error[CMK111]"), "{}", stdout(&o));
        assert_eq!(o.status.code(), Some(1));
    }
}

/// A Latin-1 (Windows-1252) policy whose first non-UTF-8 byte comes before `Statement`: CMK001
/// at that byte, walked and named (walking once told "may hold a policy" from the text before it).
#[test]
fn latin1_before_the_statement_is_an_error_walked_and_named() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("cfg")).unwrap();
    let text = TRUST.replace("\"Version\": \"2012-10-17\",", "\"Version\": \"2012-10-17\", \"Id\": \"caf\u{e9}\",");
    let latin1: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    std::fs::write(t.path().join("cfg/trust.json"), latin1).unwrap();
    same_walked_and_named(
        t.path(),
        "cfg/trust.json",
        &["cfg/trust.json:2:38: error[CMK001] invalid JSON: the file is not valid UTF-8 (byte 0xE9)"],
    );
}

/// Given no files, `preflight` checks the values and does not say "Ready".
#[test]
fn preflight_without_files_does_not_say_ready() {
    let t = tempfile::tempdir().unwrap();
    let o = run_in(t.path(), &["preflight", "--isolated", "--role-arn", ROLE, "--key-arn", KEY, "--external-id", EXT]);
    let out = stdout(&o);
    assert!(!out.contains("Ready") && !out.contains('✗'), "{out}");
    assert!(
        out.contains(
            "no files were given: nothing checked that the role, the key policy and the key metadata fit them"
        ),
        "{out}"
    );
    assert_eq!(o.status.code(), Some(0), "{out}");
}
