//! The real binary: exit codes, formats, stdin, configuration errors, directory walks.

mod common;
use common::{bin, run_in, stdout, write};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

const GOOD: &str = common::CLEAN_TRUST;

const BAD: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      // a comment
      "Principal": {"AWS": "arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1"},
      "Action": "sts:AssumeRole"
    }
  ]
}
"#;

#[test]
fn exit_codes_follow_fail_on() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "good.json", GOOD);
    write(t.path(), "bad.json", BAD);
    assert_eq!(run_in(t.path(), &["good.json"]).status.code(), Some(0));
    assert_eq!(run_in(t.path(), &["bad.json"]).status.code(), Some(1));
    assert_eq!(run_in(t.path(), &["bad.json", "--fail-on", "critical"]).status.code(), Some(0));
    assert_eq!(run_in(t.path(), &["bad.json", "--exit-zero"]).status.code(), Some(0));
    assert_eq!(run_in(t.path(), &["missing.json"]).status.code(), Some(2));
    assert_eq!(run_in(t.path(), &["--no-such-flag"]).status.code(), Some(2));
}

#[test]
fn concise_output_points_at_exact_positions() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "bad.json", BAD);
    let o = run_in(t.path(), &["check", "bad.json", "--format", "concise"]);
    let out = stdout(&o);
    assert!(out.contains("bad.json:6:7: error[CMK002]"), "{out}");
    assert!(out.contains("bad.json:7:42: error[CMK115]"), "{out}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("Checked 1 file (1 policy)"), "{stderr}");
}

#[test]
fn json_output_has_the_documented_schema() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "bad.json", BAD);
    let o = run_in(t.path(), &["bad.json", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "cmek-lint");
    let d = &v["diagnostics"][0];
    for key in [
        "code",
        "name",
        "severity",
        "message",
        "help",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "offset",
        "length",
        "pointer",
        "kind",
    ] {
        assert!(d.get(key).is_some(), "missing {key} in {d}");
    }
    assert_eq!(d["code"], "CMK002");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(6), Some(7)));
    let placeholder = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "CMK115").unwrap();
    assert_eq!(placeholder["pointer"], "/Statement/0/Principal/AWS");
    assert_eq!(placeholder["kind"], "trust");
    assert_eq!(v["summary"]["error"], 2);
}

#[test]
fn stdin_is_read_and_named() {
    let mut child = bin()
        .args(["check", "-", "--stdin-filename", "trust.json", "--format", "concise"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(BAD.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("trust.json:6:7: error[CMK002]"), "{}", stdout(&o));
}

#[test]
fn config_errors_exit_2_and_point_at_the_line() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "good.json", GOOD);
    write(t.path(), "cmek-lint.toml", "[pinecone]\naccount_id = \"12345\"\n");
    let o = run_in(t.path(), &["good.json"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cmek-lint.toml:2:14: invalid configuration: `account_id` must be 12 digits"), "{err}");

    write(t.path(), "cmek-lint.toml", "[rules]\nignore = [\"CMK999\"]\n");
    let err = String::from_utf8_lossy(&run_in(t.path(), &["good.json"]).stderr).into_owned();
    assert!(err.contains("cmek-lint.toml:2:11") && err.contains("names no rule"), "{err}");

    write(t.path(), "cmek-lint.toml", "[rulez]\n");
    let o = run_in(t.path(), &["good.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cmek-lint.toml:1:"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn config_selects_ignores_and_overrides_severity() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "bad.json", BAD);
    write(t.path(), "cmek-lint.toml", "[rules]\nignore = [\"json-comment\"]\nseverity = { CMK115 = \"warning\" }\n");
    let o = run_in(t.path(), &["bad.json", "--format", "concise"]);
    let out = stdout(&o);
    assert!(!out.contains("CMK002"), "{out}");
    assert!(out.contains("warning[CMK115]"), "{out}");
    assert_eq!(o.status.code(), Some(0));
    // command-line selection narrows further
    let out = stdout(&run_in(t.path(), &["bad.json", "--format", "concise", "--isolated", "--select", "CMK0"]));
    assert!(out.contains("CMK002") && !out.contains("CMK115"), "{out}");
}

#[test]
fn per_file_config_forces_kind_and_ignores() {
    let t = tempfile::tempdir().unwrap();
    let permissions = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "KeyAccess", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "arn:aws:kms:us-east-1:222233334444:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}"#;
    write(t.path(), "roles/trust.json", permissions);
    write(t.path(), "cmek-lint.toml", "[[per-file]]\npath = \"roles/trust*.json\"\nkind = \"trust\"\n");
    let out = stdout(&run_in(t.path(), &["roles", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "CMK116").expect("CMK116 reported");
    assert!(d["help"].as_str().unwrap().contains("this is a permissions (identity) policy, not a trust policy"), "{d}");
    assert_eq!(d["kind"], "trust");
}

#[test]
fn directory_walk_skips_unrelated_and_ignored_files() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "infra/trust.json", BAD);
    write(t.path(), "infra/package.json", "{\"name\": \"x\", // not a policy\n}");
    write(t.path(), "node_modules/dep/policy.json", BAD);
    write(t.path(), "ignored/policy.json", BAD);
    write(t.path(), ".gitignore", "ignored/\n");
    write(t.path(), "notes.txt", BAD);
    let o = run_in(t.path(), &["--format", "concise"]);
    let out = stdout(&o);
    assert!(out.contains("infra/trust.json"), "{out}");
    assert!(
        !out.contains("package.json")
            && !out.contains("node_modules")
            && !out.contains("ignored/")
            && !out.contains("notes.txt"),
        "{out}"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("Checked 1 file (1 policy)") && err.contains("1 without policies skipped"), "{err}");
    // --exclude
    let out = stdout(&run_in(t.path(), &["--format", "concise", "--exclude", "infra"]));
    assert!(out.is_empty(), "{out}");
    // an invalid glob is a usage error, with or without a directory to walk
    for args in [&["--exclude", "infra/[", "."][..], &["--exclude", "infra/[", "infra/trust.json"][..]] {
        let o = run_in(t.path(), args);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("invalid --exclude glob `infra/[`") && stdout(&o).is_empty(), "{err}");
    }
}

/// Several command-line paths, overlapping, in any order: each file once, in path order, a
/// file named explicitly keeps being explicit when a directory walk also finds it, and a
/// missing path is an error while the others are still checked.
#[test]
fn overlapping_paths_are_merged_in_path_order() {
    let t = tempfile::tempdir().unwrap();
    let bad =
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",}]}"#;
    for f in ["b/x.json", "a/y.json", "a/sub/z.json", "a-c.json"] {
        write(t.path(), f, bad);
    }
    write(t.path(), "a/package.json", r#"{"name": "x"}"#);
    let o = run_in(
        t.path(),
        &["--isolated", "--format", "concise", "b", "a/package.json", "a", "a/sub", "a-c.json", "missing"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    let files: Vec<String> = stdout(&o).lines().map(|l| l.split(':').next().unwrap().to_string()).collect();
    let mut order = files.clone();
    order.dedup();
    assert_eq!(order, ["a/package.json", "a/sub/z.json", "a/y.json", "a-c.json", "b/x.json"], "{files:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("missing: no such file or directory"), "{err}");
}

#[test]
fn explicit_non_policy_file_gets_an_info_diagnostic() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "package.json", "{\"name\": \"x\"}");
    let o = run_in(t.path(), &["package.json", "--format", "concise"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("package.json:1:1: info[CMK009]"), "{}", stdout(&o));
}

#[test]
fn bad_input_is_positioned_and_the_run_continues() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "a-truncated.json", "{\"Version\": \"2012-10-17\", \"Statement\": [");
    std::fs::write(t.path().join("b-binary.json"), b"{\"Statement\": \"\xff\xfe\"}").unwrap();
    write(t.path(), "c-empty.json", "");
    write(t.path(), "d-good.json", GOOD);
    write(t.path(), "e-deep.json", &format!("{{\"Statement\": {}", "[".repeat(100_000)));
    let o = run_in(
        t.path(),
        &["a-truncated.json", "b-binary.json", "c-empty.json", "d-good.json", "e-deep.json", "--format", "concise"],
    );
    let out = stdout(&o);
    assert!(out.contains("a-truncated.json:1:41: error[CMK001]"), "{out}");
    assert!(out.contains("b-binary.json:1:16: error[CMK001]") && out.contains("not valid UTF-8"), "{out}");
    assert!(out.contains("c-empty.json:1:1: error[CMK001]"), "{out}");
    assert!(out.contains("e-deep.json:1:") && out.contains("nesting"), "{out}");
    assert!(!out.contains("d-good.json"), "{out}");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn rules_and_explain() {
    let o = bin().args(["rules", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.as_array().unwrap().len() >= 30);
    let o = bin().args(["explain", "json-comment"]).output().unwrap();
    let text = stdout(&o);
    assert!(
        text.starts_with("# CMK002 json-comment")
            && text.contains("## Why it matters")
            && text.contains("Use instead:"),
        "{text}"
    );
    let o = bin().args(["explain", "CMK9999"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = bin().args(["explain", "json-coment"]).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `json-comment`"));
}

/// The same bytes for `--jobs 1`, `--jobs 2`, a repeated run and more threads than cores,
/// over the whole corpus copied four times (more files than the driver hands out in one
/// batch), in the human, JSON and SARIF formats (JSON's `elapsed_ms` aside).
#[test]
fn output_is_identical_across_job_counts_and_runs() {
    let t = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for copy in ["r1", "r2", "r3", "r4"] {
        copy_tree(&corpus, &t.path().join(copy));
    }
    let elapsed = regex::Regex::new(r#""elapsed_ms": ?\d+"#).unwrap();
    for format in ["human", "json", "sarif"] {
        let outputs: Vec<Vec<u8>> = ["1", "2", "2", "8"]
            .iter()
            .map(|jobs| {
                let o = run_in(t.path(), &["--isolated", "--no-color", "--format", format, "--jobs", jobs, "."]);
                assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
                elapsed
                    .replace_all(&String::from_utf8(o.stdout).unwrap(), "\"elapsed_ms\": 0")
                    .into_owned()
                    .into_bytes()
            })
            .collect();
        assert!(outputs[0].len() > 10_000, "{format}: {}", String::from_utf8_lossy(&outputs[0]));
        for (i, o) in outputs.iter().enumerate().skip(1) {
            assert!(o == &outputs[0], "{format}: run {i} differs from --jobs 1");
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Files without findings are only counted, not kept; a walked file that Terraform refers to
/// with `file()` is still reported once, in its place, with the kind its user gives, and
/// counted once, whatever the thread count.
#[test]
fn clean_files_counted_and_referred_to_files_reported_once() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let identity = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}"#;
    for name in ["a.json", "c.json", "z.json"] {
        std::fs::write(d.join(name), identity).unwrap();
    }
    std::fs::write(
        d.join("b.tf"),
        "resource \"aws_iam_policy\" \"p\" {\n  name = \"x\"\n  policy = file(\"${path.module}/z.json\")\n}\nresource \"aws_iam_role\" \"r\" {\n  name = \"x\"\n  assume_role_policy = file(\"${path.module}/a.json\")\n}\n",
    )
    .unwrap();
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let o = run_in(d, &["--isolated", "--format", "json", "--jobs", jobs, "."]);
        assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let s = &v["summary"];
        assert_eq!((s["files_checked"].as_u64(), s["policies"].as_u64()), (Some(4), Some(3)), "{s}");
        let files: Vec<&str> =
            v["diagnostics"].as_array().unwrap().iter().map(|x| x["file"].as_str().unwrap()).collect();
        assert_eq!(files, ["./a.json", "./a.json"], "{v}");
        v["summary"]["elapsed_ms"] = 0.into();
        outputs.push(v);
    }
    assert_eq!(outputs[0], outputs[1]);
    let o = run_in(d, &["--isolated", "--format", "junit", "."]);
    let junit = String::from_utf8_lossy(&o.stdout);
    assert!(junit.contains("tests=\"4\"") && junit.contains("file=\"./c.json\""), "{junit}");
}

/// A file Terraform reads as `file("./k.json")` is the walked `k.json`: counted once, whatever
/// the format keeps (JUnit keeps every report, and the walked copy is never counted then).
#[test]
fn a_file_read_with_a_dot_path_is_its_walked_copy() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let identity = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}"#;
    write(d, "m/a-policy.json", identity);
    write(
        d,
        "m/main.tf",
        "resource \"aws_iam_policy\" \"p\" {\n  name   = \"x\"\n  policy = file(\"./a-policy.json\")\n}\n",
    );
    for format in ["json", "junit"] {
        let o = run_in(d, &["--isolated", "--format", format, "m"]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", String::from_utf8_lossy(&o.stderr));
        let out = stdout(&o);
        if format == "json" {
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["summary"]["files_checked"], 2, "{v}");
        } else {
            assert!(out.contains("tests=\"2\""), "{out}");
        }
    }
}

/// A directory named on the command line and matched by `--exclude` is not walked.
#[test]
fn an_excluded_directory_named_on_the_command_line_is_not_walked() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "gen/p.json", "{\"Version\": \"2012-10-17\", \"Statement\": [],}");
    let o = run_in(t.path(), &["--isolated", "--format", "concise", "gen", "--exclude", "gen"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).is_empty() && String::from_utf8_lossy(&o.stderr).contains("Checked 0 files"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
