//! cmek-lint's own errors (exit 2): positions taken from the TOML parser, did-you-mean hints,
//! the one-line form off a terminal and miette's report on one; configuration values that can
//! never be valid; options before the subcommand; `--jobs` bounds; closed pipes.

mod common;
use cmek_lint::commands::ToolError;
use common::{bin, run_in, stderr, stdout, write};
use std::path::Path;
use std::process::Stdio;

const GOOD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"}}}]}"#;

/// Run in a folder holding `good.json` and this config; expect exit 2 and return stderr.
fn config_error(config: &str, args: &[&str]) -> String {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "good.json", GOOD);
    write(t.path(), "cmek-lint.toml", config);
    let mut all = vec!["good.json"];
    all.extend_from_slice(args);
    let o = run_in(t.path(), &all);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    err
}

#[test]
fn severity_override_key_naming_no_rule_is_reported_at_the_key() {
    // `json-coment` appears twice before the key (a comment, a value): a text search would
    // find those first.
    let config = "# json-coment: a typo, on purpose\n[pinecone]\nregions = [\"us-east-1\"] # json-coment\n\
                  [rules]\nignore = [\"CMK0\"]\nseverity = { CMK1 = \"error\", json-coment = \"warning\" }\n";
    let err = config_error(config, &[]);
    assert!(
        err.starts_with("cmek-lint: error: cmek-lint.toml:6:30: invalid configuration: `json-coment` names no rule")
            && err.contains("did you mean `json-comment`?"),
        "{err}"
    );
    // A key in its own `[rules.severity]` table, quoted.
    let config = "[rules.severity]\n# \"CMK99\" = \"error\"\nCMK101 = \"error\"\n\"CMK99\" = \"error\"\n";
    let err = config_error(config, &[]);
    assert!(err.contains("cmek-lint.toml:4:1: invalid configuration: `CMK99` names no rule"), "{err}");
}

#[test]
fn toml_syntax_errors_are_positioned_and_on_one_line() {
    let err = config_error("[pinecone]\naccount_id = \"905418236187\"\n[rules\n", &[]);
    assert!(err.starts_with("cmek-lint: error: cmek-lint.toml:3:7: invalid configuration: "), "{err}");
    assert_eq!(err.lines().count(), 1, "one line off a terminal: {err}");
    let err = config_error("[pinecone]\nacount_id = \"905418236187\"\n", &[]);
    assert!(
        err.contains("cmek-lint.toml:2:1: invalid configuration: unknown field `acount_id`")
            && err.contains("did you mean `account_id`?"),
        "{err}"
    );
}

#[test]
fn a_terminal_gets_a_miette_report_with_the_file_quoted() {
    let text = "[rules]\nseverity = { CMK101 = \"eror\" }\n";
    let registry = cmek_lint::rules::Registry::builtin();
    let mut settings = registry.default_settings();
    let e = cmek_lint::config::apply(Path::new("cmek-lint.toml"), text, &registry, &mut settings).unwrap_err();
    let e = ToolError::from(e);
    let plain = e.report(false, false);
    assert_eq!(
        plain,
        "cmek-lint: error: cmek-lint.toml:2:23: invalid configuration: unknown severity `eror` (expected critical, \
         error, warning or info) (did you mean `error`?)\n"
    );
    let report = e.report(true, false);
    assert!(
        report.contains("invalid configuration: unknown severity `eror`")
            && report.contains("cmek-lint.toml:2:23")
            && report.contains("severity = { CMK101 = \"eror\" }")
            && report.contains("help: did you mean `error`?")
            && !report.contains('\x1b'),
        "{report}"
    );
    assert!(e.report(true, true).contains('\x1b'), "--color always colours the report");
}

#[test]
fn configuration_values_that_cannot_be_valid_are_errors() {
    let err = config_error("[pinecone]\nregions = [\"us-east-1\", \"us-east-9\"]\n", &[]);
    assert!(
        err.contains("cmek-lint.toml:2:25: invalid configuration: `us-east-9` is not an AWS region")
            && err.contains("did you mean `us-east-1`?"),
        "{err}"
    );
    let err = config_error("[pinecone]\nkey_actions = [\"kms:Encrpyt\", \"kms:Decrypt\"]\n", &[]);
    assert!(
        err.contains("cmek-lint.toml:2:16: invalid configuration: `kms:Encrpyt` is not a KMS action")
            && err.contains("did you mean `kms:Encrypt`?"),
        "{err}"
    );
    let err = config_error("[customer]\nrole_arn = \"not-an-arn\"\n", &[]);
    assert!(err.contains("cmek-lint.toml:2:12: invalid configuration: `not-an-arn` is not an IAM role ARN"), "{err}");
    let err = config_error(
        "[customer]\nkey_arn = \"arn:aws:kms:us-esat-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"\n",
        &[],
    );
    assert!(err.contains("cmek-lint.toml:2:11:") && err.contains("did you mean `us-east-1`?"), "{err}");
    let err = config_error("[customer]\nexternal_id = \"has spaces in it\"\n", &[]);
    assert!(
        err.contains("cmek-lint.toml:2:15: invalid configuration: `has spaces in it` is not an external id"),
        "{err}"
    );
    let err = config_error("[[per-file]]\npath = \"*.json\"\nkind = \"trus\"\n", &[]);
    assert!(err.contains("cmek-lint.toml:3:8:") && err.contains("did you mean `trust`?"), "{err}");

    // Placeholders are findings, not configuration errors.
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "good.json", GOOD);
    write(
        t.path(),
        "cmek-lint.toml",
        "[customer]\nrole_arn = \"arn:aws:iam::XXXXXXXXXXXX:role/pinecone-cmek\"\nexternal_id = \"<EXTERNAL_ID>\"\n",
    );
    let o = run_in(t.path(), &["good.json"]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn flag_values_that_cannot_be_valid_are_errors() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "good.json", GOOD);
    for (args, expected) in [
        (&["--regions", "us-east-1,mars-1"][..], "--regions `mars-1` is not an AWS region"),
        (&["--regions", "eu-wset-1"][..], "did you mean `eu-west-1`?"),
        (&["--role-arn", "not-an-arn"][..], "--role-arn `not-an-arn` is not an IAM role ARN"),
        (&["--pinecone-account", "123"][..], "--pinecone-account must be 12 digits"),
        (&["--select", "json-coment"][..], "--select `json-coment` names no rule"),
        (&["--ignore", "CMK9x9"][..], "--ignore `CMK9x9` names no rule"),
    ] {
        let mut all = vec!["--isolated", "good.json"];
        all.extend_from_slice(args);
        let o = run_in(t.path(), &all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).starts_with("cmek-lint: error: ") && stderr(&o).contains(expected), "{}", stderr(&o));
    }
    let o = bin().args(["preflight", "--isolated", "--role-arn", "role", "--key-arn", "k"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--role-arn `role` is not an IAM role ARN"), "{}", stderr(&o));
}

#[test]
fn options_may_come_before_the_subcommand() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "infra/trust.json", "{\"Version\": \"2012-10-17\", // c\n \"Statement\": []}");
    for args in [
        &["--format", "concise", "check", "infra"][..],
        &["--color", "never", "check", "infra"][..],
        &["--no-color", "--format=concise", "check", "infra"][..],
        &["-q", "--format", "concise", "check", "infra"][..],
    ] {
        let mut all = vec!["--isolated"];
        all.extend_from_slice(args);
        let o = run_in(t.path(), &all);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("trust.json:1:") && stdout(&o).contains("CMK002"), "{args:?}: {}", stdout(&o));
        assert!(!stdout(&o).contains('\x1b'), "{args:?}");
    }
    let o = run_in(t.path(), &["--isolated", "--format", "json", "rules"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok());
}

#[test]
fn a_missing_path_close_to_a_subcommand_suggests_it() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "x.json", GOOD);
    let o = run_in(t.path(), &["chek", "x.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("chek: no such file or directory")
            && stderr(&o).contains("did you mean the subcommand `check`?"),
        "{}",
        stderr(&o)
    );
    let o = run_in(t.path(), &["--format", "concise", "explian", "CMK002"]);
    assert!(stderr(&o).contains("did you mean the subcommand `explain`?"), "{}", stderr(&o));
}

#[test]
fn jobs_must_be_between_1_and_256() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "x.json", GOOD);
    for n in ["0", "257", "100000"] {
        let o = run_in(t.path(), &["--isolated", "-j", n, "x.json"]);
        assert_eq!(o.status.code(), Some(2), "-j {n}");
        assert!(stderr(&o).contains("1..=256"), "{}", stderr(&o));
    }
    assert_eq!(run_in(t.path(), &["--isolated", "-j", "256", "x.json"]).status.code(), Some(0));
}

#[test]
fn a_closed_stdout_or_stderr_ends_the_run_quietly() {
    // `cmek-lint rules | head -0`: stdout closed before anything is written.
    for args in [&["rules"][..], &["explain", "CMK002"][..], &["rules", "--format", "json"][..]] {
        let mut child = bin().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    // `cmek-lint check DIR 2>&1 | head -0`: both closed, findings still decide the exit code.
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut child =
        bin().args(["--isolated", "check"]).arg(&corpus).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

/// A user rule record's errors point where the parser says, also for fields the record type
/// keeps unspanned (`scope`, `summary`), and a misspelt enum value gets a did-you-mean.
#[test]
fn rule_record_errors_are_positioned_by_the_parser() {
    let record = |extra: &str, summary: &str| {
        format!(
            "# scope and summary are explained in docs/user-rules.md\ncode = \"ACME001\"\nname = \"x-rule\"\n\
             severity = \"error\"\nsummary = \"{summary}\"\nwhy = \"w\"\nfix = \"f\"\nbad = \"{{}}\"\ngood = \"{{}}\"\n{extra}\
             [check]\nselect = \"$.Statement\"\nmessage = \"m\"\n"
        )
    };
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(d, "x.json", GOOD);
    let run = |text: &str| {
        write(d, "r/ACME001-x-rule.toml", text);
        let o = run_in(d, &["--isolated", "--rules-dir", "r", "x.json"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        stderr(&o)
    };
    let err = run(&record("scope = \"file\"\n", "s"));
    assert!(err.contains("ACME001-x-rule.toml:10:9: invalid rule record: user rules must have `scope"), "{err}");
    let err = run(&record("", " "));
    assert!(err.contains("ACME001-x-rule.toml:5:11: invalid rule record: `summary` must not be empty"), "{err}");
    let err = run(&record("", "s").replace("\"error\"", "\"eror\""));
    assert!(err.contains("ACME001-x-rule.toml:4:12: invalid rule record: unknown variant `eror`"), "{err}");
    assert!(err.contains("did you mean `error`?"), "{err}");
}
