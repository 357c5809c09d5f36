//! Hostile input and safe output (issue 13): a report or baseline never replaces an input,
//! writes are atomic, "nothing checked" is not a clean run, symbolic links are named for what
//! they are, `[files] exclude` and `--force-exclude`.

mod common;
use common::{run_in, stderr, write};
use std::path::Path;

const TRUST: &str = common::CLEAN_TRUST;

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// No temporary file is left behind by a write.
fn no_temporary_files(dir: &Path) {
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_report_never_replaces_a_policy_found_by_the_walk() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", TRUST);
    for args in [
        &["check", "--isolated", "-o", "trust.json"][..],
        &["check", "--isolated", "--format", "sarif", "-o", "./trust.json", "."],
        &["check", "--isolated", "--write-baseline", "trust.json"],
    ] {
        let out = run_in(t.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("refusing to write the") && err.contains("trust.json`: it would"), "{args:?}: {err}");
        assert!(err.contains("input of this run"), "{err}");
        assert_eq!(read(t.path(), "trust.json"), TRUST, "{args:?}");
    }
}

#[test]
fn a_report_never_replaces_a_file_named_on_the_command_line_even_through_another_path() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "infra/trust.json", TRUST);
    let out = run_in(t.path(), &["check", "--isolated", "infra/trust.json", "-o", "infra/../infra/trust.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("refusing to write the report to `infra/../infra/trust.json`"), "{}", stderr(&out));
    assert_eq!(read(t.path(), "infra/trust.json"), TRUST);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("infra/trust.json", t.path().join("link.json")).unwrap();
        let out = run_in(t.path(), &["check", "--isolated", "infra/trust.json", "--write-baseline", "link.json"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("refusing to write the baseline to `link.json`"), "{}", stderr(&out));
        assert_eq!(read(t.path(), "infra/trust.json"), TRUST);
    }
}

#[test]
fn a_report_never_replaces_a_file_read_through_terraform_file() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "policies/trust.json", TRUST);
    write(
        t.path(),
        "main.tf",
        r#"resource "aws_iam_role" "pinecone_cmek" {
  name               = "pinecone-cmek"
  assume_role_policy = file("${path.module}/policies/trust.json")
}
"#,
    );
    let out = run_in(t.path(), &["check", "--isolated", "main.tf", "-o", "policies/trust.json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("refusing to write the report to `policies/trust.json`"), "{}", stderr(&out));
    assert_eq!(read(t.path(), "policies/trust.json"), TRUST);
}

#[test]
fn reports_and_baselines_are_written_whole_and_rerunning_into_the_walked_folder_works() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", TRUST);
    for _ in 0..2 {
        // The second run walks the first run's report and baseline (no policy in them): they
        // are not inputs, and are replaced.
        let out = run_in(t.path(), &["check", "--isolated", "-o", "report.json", "--write-baseline", "baseline.json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let report: serde_json::Value = serde_json::from_str(&read(t.path(), "report.json")).unwrap();
        assert!(report["summary"].is_object(), "{report}");
        let _: serde_json::Value = serde_json::from_str(&read(t.path(), "baseline.json")).unwrap();
        no_temporary_files(t.path());
    }
    let out = run_in(t.path(), &["check", "--isolated", "-o", "same.json", "--write-baseline", "same.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("name the same file `same.json`"), "{}", stderr(&out));
}

#[test]
fn nothing_checked_is_not_a_clean_run() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(t.path().join("empty")).unwrap();
    std::fs::create_dir_all(t.path().join("x.json")).unwrap();
    write(t.path(), "docs/package.json", r#"{"name": "site", "version": "1.0.0"}"#);
    for dir in ["empty", "x.json", "docs"] {
        let out = run_in(t.path(), &["check", "--isolated", dir]);
        assert_eq!(out.status.code(), Some(2), "{dir}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("nothing checked: no policy found in") && err.contains(dir), "{err}");
        assert!(!err.contains("no problems found"), "{err}");
    }
    // pre-commit names whatever files changed, policies or not.
    let out = run_in(t.path(), &["check", "--isolated", "--skip-non-policy-files", "docs/package.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A folder with a policy is checked as before.
    write(t.path(), "infra/trust.json", TRUST);
    let out = run_in(t.path(), &["check", "--isolated", "infra", "docs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_and_broken_links_are_named_for_what_they_are() {
    let t = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("loop.json", t.path().join("loop.json")).unwrap();
    std::os::unix::fs::symlink("nowhere.json", t.path().join("broken.json")).unwrap();
    let out = run_in(t.path(), &["check", "--isolated", "loop.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("loop.json: cannot follow symbolic link (a symbolic link loop?)"), "{err}");
    assert!(!err.contains("no such file"), "{err}");
    let out = run_in(t.path(), &["check", "--isolated", "broken.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("broken.json: broken symbolic link (its target `nowhere.json` does not exist)"));
}

#[test]
fn exclude_in_the_config_and_force_exclude_for_named_files() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "infra/trust.json", TRUST);
    write(t.path(), "generated/bad.json", "{ not json");
    // Walking: the config's exclude skips the folder.
    write(t.path(), "cmek-lint.toml", "[files]\nexclude = [\"generated\"]\n");
    let out = run_in(t.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Named (as pre-commit names files): checked, unless force-exclude.
    let out = run_in(t.path(), &["check", "generated/bad.json", "infra/trust.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = run_in(t.path(), &["check", "--force-exclude", "generated/bad.json", "infra/trust.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    write(t.path(), "cmek-lint.toml", "[files]\nexclude = [\"generated\"]\nforce-exclude = true\n");
    let out = run_in(t.path(), &["check", "generated/bad.json", "infra/trust.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A bad glob points at the config file.
    write(t.path(), "cmek-lint.toml", "[files]\nexclude = [\"gen[\"]\n");
    let out = run_in(t.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("invalid glob"), "{}", stderr(&out));
}

/// CMK105 never suggests renaming a `Sid` to `""`.
#[test]
fn a_sid_of_no_letters_is_not_renamed_to_the_empty_string() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", &TRUST.replace("\"AllowPinecone\"", "\"--\""));
    let out = run_in(t.path(), &["check", "--isolated", "--format", "json", "trust.json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "CMK105").expect("CMK105");
    let help = d["help"].as_str().unwrap();
    assert!(!help.contains(r#""Sid": """#) && help.contains("letters and digits"), "{help}");
    // A Sid with letters left keeps the concrete suggestion.
    write(t.path(), "trust.json", &TRUST.replace("\"AllowPinecone\"", "\"Allow-Pinecone\""));
    let out = run_in(t.path(), &["check", "--isolated", "--format", "json", "trust.json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "CMK105").expect("CMK105");
    assert!(d["help"].as_str().unwrap().contains(r#""Sid": "AllowPinecone""#), "{d}");
}

/// A report written to a symbolic link replaces the link's target, not the link.
#[cfg(unix)]
#[test]
fn a_report_through_a_symbolic_link_is_written_to_its_target() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "infra/trust.json", TRUST);
    std::fs::create_dir_all(t.path().join("out")).unwrap();
    std::fs::write(t.path().join("out/report.sarif"), "old").unwrap();
    std::os::unix::fs::symlink("out/report.sarif", t.path().join("latest.sarif")).unwrap();
    let out = run_in(t.path(), &["check", "--isolated", "infra", "-o", "latest.sarif"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(t.path().join("latest.sarif")).unwrap().file_type().is_symlink());
    assert!(read(t.path(), "out/report.sarif").contains("\"version\": \"2.1.0\""));
    no_temporary_files(&t.path().join("out"));
}

/// A device (`/dev/null`, `/dev/stdout`) is written to as it is, not replaced.
#[cfg(unix)]
#[test]
fn a_report_to_a_device_is_written_to_it() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "trust.json", TRUST);
    let out = run_in(t.path(), &["check", "--isolated", "trust.json", "--format", "json", "-o", "/dev/stdout"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert!(v["summary"].is_object());
    let out = run_in(t.path(), &["check", "--isolated", "trust.json", "-o", "/dev/null", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
