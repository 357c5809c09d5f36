//! Time grows linearly (or n log n) with the size of a policy: a 100,000-statement trust policy
//! is checked in a time proportional to a 25,000-statement one, not sixteen times it (issue:
//! `sid-duplicate`, the trust model and CMK204's account counts were quadratic; 100,000
//! statements took 293 s in release).
//!
//! The bound is on the *ratio* of two runs of the same (debug) binary on the same machine, so
//! it holds on a slow CI machine as on a fast laptop; an absolute bound only catches a hang.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A trust policy of `n` statements, one per line, each trusting a Pinecone role in its own
/// account (CMK204 on every statement but the first), with Sids repeating every 100
/// statements (CMK106 on most): thousands of findings, as a hostile or generated file has.
fn trust_policy(n: usize) -> String {
    let mut s = String::from("{\"Version\": \"2012-10-17\", \"Statement\": [\n");
    for i in 0..n {
        let sep = if i + 1 == n { "" } else { "," };
        writeln!(
            s,
            r#"{{"Sid": "S{}", "Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{}:role/pinecone_cmek_access_us-east-1"}}, "Action": "sts:AssumeRole", "Condition": {{"StringEquals": {{"sts:ExternalId": "0b1d7a3e-6c2f-4e59-8a41-9f3c2d5e7b10"}}}}}}{sep}"#,
            i % 100,
            100_000_000_000u64 + i as u64
        )
        .unwrap();
    }
    s.push_str("]}\n");
    s
}

/// The same shape on ONE line (a minified policy, a `terraform show -json` plan): every
/// finding sits on a line of megabytes, whose text must not be copied or scanned per finding.
fn one_line_trust_policy(n: usize) -> String {
    trust_policy(n).replace('\n', "")
}

/// Wall time of a check of `file`, and the number of findings printed.
fn timed_check(dir: &Path, file: &str) -> (Duration, usize) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_cmek-lint"))
        .current_dir(dir)
        .args(["--config", "cmek-lint.toml", "--format", "concise", "--quiet", file])
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    (elapsed, out.stdout.iter().filter(|&&b| b == b'\n').count())
}

#[test]
fn a_100_000_statement_trust_policy_is_checked_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    // The 100,000-statement file is ~30 MB: above the default 10 MB limit (CMK008).
    std::fs::write(dir.path().join("cmek-lint.toml"), "[limits]\nmax_file_size = 100000000\n").unwrap();
    std::fs::write(dir.path().join("small.json"), trust_policy(25_000)).unwrap();
    std::fs::write(dir.path().join("large.json"), trust_policy(100_000)).unwrap();

    let (small, small_findings) = timed_check(dir.path(), "small.json");
    let (large, large_findings) = timed_check(dir.path(), "large.json");
    // Every statement after the first hundred repeats a Sid, every one but the first names
    // another account: the findings grow with the file, so their cost is measured too.
    assert!(
        small_findings > 40_000 && large_findings > 4 * small_findings - 1_000,
        "{small_findings} {large_findings}"
    );

    let ratio = large.as_secs_f64() / small.as_secs_f64().max(0.001);
    // Linear is 4x; quadratic is 16x. 8x leaves room for n log n sorting and a noisy machine.
    assert!(ratio < 8.0, "4x the statements took {ratio:.1}x the time ({small:?} -> {large:?}): not linear");
    assert!(large < Duration::from_secs(300), "100,000 statements took {large:?}");
}

#[test]
fn a_one_line_policy_with_thousands_of_findings_is_checked_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cmek-lint.toml"), "[limits]\nmax_file_size = 100000000\n").unwrap();
    std::fs::write(dir.path().join("small.json"), one_line_trust_policy(5_000)).unwrap();
    std::fs::write(dir.path().join("large.json"), one_line_trust_policy(20_000)).unwrap();

    let (small, small_findings) = timed_check(dir.path(), "small.json");
    let (large, large_findings) = timed_check(dir.path(), "large.json");
    assert!(small_findings > 8_000 && large_findings > 4 * small_findings - 1_000, "{small_findings} {large_findings}");
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(0.001);
    // Before: each finding copied its 1-6 MB line (20,000 statements: gigabytes, minutes).
    assert!(ratio < 8.0, "4x the statements on one line took {ratio:.1}x the time ({small:?} -> {large:?})");
    assert!(large < Duration::from_secs(120), "20,000 statements on one line took {large:?}");
}

/// A policy of a thousand statements or more has its rules run on two threads (`--jobs` of 2
/// or more): what it reports, and in which order, is what one thread reports, in every format
/// (the human one with its snippets, JSON with pointers and labels, SARIF).
#[test]
fn a_large_policy_reports_alike_on_one_thread_and_on_two() {
    let dir = tempfile::tempdir().unwrap();
    // Statements of several shapes, so that many rules (grammar, trust model, evaluator) find
    // something: repeated Sids, other accounts, a Deny with a condition, `*` pinned by
    // aws:PrincipalArn, a missing external ID, a placeholder account, a wildcard principal.
    let shapes = [
        r#"{"Sid": "S{i}", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{acct}:role/pinecone_cmek_access_us-east-1"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "0b1d7a3e-6c2f-4e59-8a41-9f3c2d5e7b10"}}}"#,
        r#"{"Sid": "S{i}", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{acct}:role/pinecone_cmek_access_eu-west-1"}, "Action": "sts:AssumeRole"}"#,
        r#"{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}"#,
        r#"{"Sid": "S{i}", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::{acct}:role/pinecone_cmek_access_*"}}}"#,
        r#"{"Sid": "S{i}", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}"#,
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{acct}:root"}, "Action": "sts:*"}"#,
        r#"{"Sid": "Open{i}", "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringLike": {"aws:PrincipalTag/team": "cmek"}}}"#,
    ];
    let statements: Vec<String> = (0..1_200)
        .map(|i| {
            shapes[i % shapes.len()]
                .replace("{i}", &(i % 50).to_string())
                .replace("{acct}", &(100_000_000_000u64 + (i % 7) as u64).to_string())
        })
        .collect();
    let text = format!("{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}\n", statements.join(",\n"));
    std::fs::write(dir.path().join("trust.json"), text).unwrap();
    let run = |jobs: &str, format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_cmek-lint"))
            .current_dir(dir.path())
            .args(["--isolated", "--jobs", jobs, "--format", format, "--color", "never", "trust.json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines().filter(|l| !l.contains("elapsed_ms")).collect::<Vec<_>>().join("\n")
    };
    let json = run("1", "json");
    let codes: std::collections::BTreeSet<&str> =
        json.lines().filter_map(|l| l.trim().strip_prefix("\"code\": \"")).map(|c| &c[..6]).collect();
    assert!(codes.len() >= 8, "few rules fired: {codes:?}");
    assert_eq!(run("2", "json"), json);
    for format in ["human", "sarif", "concise"] {
        assert_eq!(run("2", format), run("1", format), "{format}");
    }
}
