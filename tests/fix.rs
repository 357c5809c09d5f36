//! `check --fix`, `--unsafe-fixes` and `--diff`: every rule's fix on its own bad example, fixing
//! twice, diffs, atomic writes that touch only the files checked, and Pinecone's guide snippets
//! (`corpus/seed/`) made clean.

mod common;
use cmek_lint::commands::fix::{FixOptions, fix_text};
use cmek_lint::config;
use cmek_lint::engine::{Input, check_input};
use cmek_lint::fix::Applicability;
use cmek_lint::rules::Registry;
use cmek_lint::settings::Settings;
use common::{bin, run_in, stderr, stdout, write};
use std::path::Path;

/// Values every fix that fills one in can use (`[pinecone]`, `[customer]`).
const CONFIG: &str = r#"[pinecone]
account_id = "731429856012"

[customer]
external_id = "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"
key_arn = "arn:aws:kms:us-east-1:731429856013:key/1234abcd-12ab-34cd-56ef-1234567890ab"
"#;

fn settings_for(registry: &Registry, code: &str) -> Settings {
    let rule = registry.find(code).unwrap();
    let mut settings = registry.default_settings();
    config::apply(Path::new("cmek-lint.toml"), CONFIG, registry, &mut settings).unwrap();
    if let Some(cfg) = rule.record.example_config {
        config::apply(Path::new("example.toml"), cfg, registry, &mut settings).unwrap();
    }
    settings.forced_kind = rule.record.example_kind;
    settings
}

fn check(registry: &Registry, settings: &Settings, text: &str) -> cmek_lint::engine::FileReport {
    check_input(Input::Text { name: "example.json", text: text.to_string() }, registry, settings)
}

/// A rule's findings carry fixes only when its record declares `autofix`: of that
/// applicability on its bad example, never more applicable on its other cases.
#[test]
fn fixes_are_the_ones_records_declare() {
    let registry = Registry::builtin();
    let mut failures = Vec::new();
    for rule in &registry.rules {
        let r = rule.record;
        let settings = settings_for(&registry, r.code);
        for (i, text) in std::iter::once(r.bad).chain(r.invalid.iter().copied()).enumerate() {
            let report = check(&registry, &settings, text);
            for d in report.diagnostics.iter().filter(|d| d.diagnostic.code == r.code) {
                let got = d.diagnostic.fix.as_ref().map(|f| f.applicability);
                let ok = match (r.autofix, got) {
                    (None, None) => true,
                    (Some(declared), Some(got)) if i == 0 => got == declared,
                    (Some(declared), Some(got)) => got <= declared,
                    // Some findings of a rule with a fix have none (CMK301's `Deny`).
                    (Some(_), None) => i > 0,
                    (None, Some(_)) => false,
                };
                if !ok {
                    failures.push(format!("{} example {i}: declared {:?}, got {got:?}", r.code, r.autofix));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// For every rule with a fix that is applied, fixing its bad example silences the rule and
/// leaves strict JSON.
#[test]
fn every_fix_silences_its_rule_on_the_bad_example_and_leaves_strict_json() {
    let registry = Registry::builtin();
    let mut failures = Vec::new();
    let mut fixed_rules = 0;
    for rule in registry.rules.iter().filter(|r| r.record.autofix > Some(Applicability::DisplayOnly)) {
        let r = rule.record;
        let settings = settings_for(&registry, r.code);
        let options = FixOptions { registry: &registry, settings: &settings, unsafe_ok: true, baseline: None };
        let fixed = fix_text("example.json", r.bad, options);
        if fixed.text == r.bad {
            failures.push(format!("{}: the fix changed nothing", r.code));
            continue;
        }
        fixed_rules += 1;
        let report = check(&registry, &settings, &fixed.text);
        if report.diagnostics.iter().any(|d| d.diagnostic.code == r.code) {
            failures.push(format!("{}: still reported after the fix:\n{}", r.code, fixed.text));
        }
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&fixed.text) {
            failures.push(format!("{}: not strict JSON after the fix ({e}):\n{}", r.code, fixed.text));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(fixed_rules >= 10, "only {fixed_rules} rules have applied fixes");
}

/// Unsafe fixes wait for `--unsafe-fixes`.
#[test]
fn unsafe_fixes_need_the_flag() {
    let registry = Registry::builtin();
    let r = registry.find("CMK114").unwrap().record;
    let settings = settings_for(&registry, "CMK114");
    let safe_only = FixOptions { registry: &registry, settings: &settings, unsafe_ok: false, baseline: None };
    assert!(!fix_text("example.json", r.bad, safe_only).text.contains("StringLike"));
    let with_unsafe = FixOptions { unsafe_ok: true, ..safe_only };
    assert!(fix_text("example.json", r.bad, with_unsafe).text.contains("StringLike"));
}

const BAD: &str = "{\n  // Pinecone's trust\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\"AWS\": \"arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1\"},\n      \"Action\": \"sts:AssumeRole\",\n      \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94\"}},\n    }\n  ]\n}\n";

const FIXED: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\"AWS\": \"arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1\"},\n      \"Action\": \"sts:AssumeRole\",\n      \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94\"}}\n    }\n  ]\n}\n";

#[test]
fn fix_writes_the_fixed_file_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "trust.json", BAD);
    let first = run_in(dir.path(), &["check", "--fix", "trust.json"]);
    assert_eq!(first.status.code(), Some(0), "{}{}", stdout(&first), stderr(&first));
    assert!(stderr(&first).contains("Fixed 3 findings in trust.json"), "{}", stderr(&first));
    assert_eq!(std::fs::read_to_string(dir.path().join("trust.json")).unwrap(), FIXED);
    let second = run_in(dir.path(), &["check", "--fix", "trust.json"]);
    assert_eq!(second.status.code(), Some(0));
    assert!(stderr(&second).contains("No fixes applied"), "{}", stderr(&second));
    assert_eq!(std::fs::read_to_string(dir.path().join("trust.json")).unwrap(), FIXED);
    // Written atomically: no temporary file is left next to it.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["trust.json".to_string()]);
}

/// The file replaced keeps its permissions.
#[cfg(unix)]
#[test]
fn fix_keeps_the_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "trust.json", BAD);
    let path = dir.path().join("trust.json");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run_in(dir.path(), &["check", "--fix", "trust.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXED);
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn fix_never_touches_a_file_the_run_did_not_check() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "checked/trust.json", BAD);
    write(dir.path(), "other/trust.json", BAD);
    write(dir.path(), "checked/excluded.json", BAD);
    let out = run_in(dir.path(), &["check", "--fix", "--exclude", "excluded.json", "checked"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("checked/trust.json")).unwrap(), FIXED);
    assert_eq!(std::fs::read_to_string(dir.path().join("other/trust.json")).unwrap(), BAD);
    assert_eq!(std::fs::read_to_string(dir.path().join("checked/excluded.json")).unwrap(), BAD);
}

#[test]
fn diff_prints_a_unified_diff_writes_nothing_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "trust.json", BAD);
    let out = run_in(dir.path(), &["check", "--diff", "trust.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(diff.starts_with("--- trust.json\n+++ trust.json\n@@ "), "{diff}");
    assert!(diff.contains("\n-  // Pinecone's trust\n+  \"Version\": \"2012-10-17\",\n"), "{diff}");
    assert!(diff.contains("\n+      \"Condition\": {\"StringEquals\""), "{diff}");
    assert_eq!(std::fs::read_to_string(dir.path().join("trust.json")).unwrap(), BAD);
    write(dir.path(), "trust.json", FIXED);
    let clean = run_in(dir.path(), &["check", "--diff", "trust.json"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert_eq!(stdout(&clean), "");
}

#[test]
fn the_diff_shows_control_characters_visibly() {
    let dir = tempfile::tempdir().unwrap();
    let text = BAD.replace("// Pinecone's trust", "// Pinecone's \u{1b}[31mtrust");
    write(dir.path(), "trust.json", &text);
    let out = run_in(dir.path(), &["check", "--diff", "trust.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stdout(&out).contains('\u{1b}'), "{}", stdout(&out));
}

#[test]
fn standard_input_with_fix_prints_the_fixed_text() {
    use std::io::Write as _;
    let mut child = bin()
        .args(["check", "--fix", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(BAD.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), FIXED);
}

#[test]
fn unsafe_fixes_alone_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "trust.json", BAD);
    let out = run_in(dir.path(), &["check", "--unsafe-fixes", "trust.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--unsafe-fixes"), "{}", stderr(&out));
}

/// A policy held in a JSON string (a `get-key-policy` export) is fixed inside the string, the
/// replacements re-escaped: the export stays JSON and its policy becomes strict JSON.
#[test]
fn fixes_inside_a_json_string_are_re_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let export = serde_json::json!({ "Policy": BAD, "PolicyName": "default" });
    write(dir.path(), "key-policy.json", &serde_json::to_string_pretty(&export).unwrap());
    let out = run_in(dir.path(), &["check", "--fix", "--kind", "trust", "key-policy.json"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let fixed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("key-policy.json")).unwrap()).unwrap();
    assert_eq!(fixed["Policy"], FIXED);
    assert_eq!(fixed["PolicyName"], "default");
}

/// A Terraform heredoc's JSON body is a slice of the file: fixed in place, the HCL around it
/// kept, interpolations untouched.
#[test]
fn fixes_inside_a_terraform_heredoc_are_applied() {
    let dir = tempfile::tempdir().unwrap();
    let policy = BAD.replace("3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94", "${var.external_id}");
    let tf = format!(
        "resource \"aws_iam_role\" \"pinecone_cmek\" {{\n  name = \"pinecone-cmek\"\n  assume_role_policy = <<EOT\n{policy}EOT\n}}\n\nvariable \"external_id\" {{\n  type = string\n}}\n"
    );
    write(dir.path(), "main.tf", &tf);
    let out = run_in(dir.path(), &["check", "--fix", "main.tf"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let fixed = FIXED.replace("3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94", "${var.external_id}");
    assert_eq!(std::fs::read_to_string(dir.path().join("main.tf")).unwrap(), tf.replace(&policy, &fixed));
}

/// A policy in YAML (CloudFormation) gets its fixes written in YAML: `Version` as a new key
/// of the block mapping, at its indentation, everything else as it was.
#[test]
fn fixes_in_yaml_are_written_in_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let template = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal:\n              AWS: arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1\n            Action: sts:AssumeRole\n            Condition:\n              StringEquals:\n                sts:ExternalId: 3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94\n";
    write(dir.path(), "template.yaml", template);
    let json = run_in(dir.path(), &["check", "--format", "json", "template.yaml"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let version = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "CMK101").expect("CMK101");
    assert_eq!(version["fix"]["applicability"], "safe");
    let out = run_in(dir.path(), &["check", "--fix", "template.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let fixed = std::fs::read_to_string(dir.path().join("template.yaml")).unwrap();
    let expected = template.replace(
        "      AssumeRolePolicyDocument:\n",
        "      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n",
    );
    assert_eq!(fixed, expected);
}

#[test]
fn json_and_sarif_outputs_carry_the_fixes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "trust.json", BAD);
    let json = run_in(dir.path(), &["check", "--format", "json", "trust.json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let comma = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "CMK003").unwrap();
    assert_eq!(comma["fix"]["applicability"], "safe");
    let at = BAD.rfind("},").unwrap() + 1;
    assert_eq!(comma["fix"]["edits"], serde_json::json!([{ "offset": at, "length": 1, "replacement": "" }]));

    let sarif = run_in(dir.path(), &["check", "--format", "sarif", "trust.json"]);
    let doc: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let comma = results.iter().find(|r| r["ruleId"] == "CMK003").unwrap();
    let replacement = &comma["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["deletedRegion"], serde_json::json!({ "byteOffset": at, "byteLength": 1 }));
    assert_eq!(replacement["insertedContent"]["text"], "");
    assert_eq!(comma["fixes"][0]["properties"]["applicability"], "safe");
}

/// Pinecone's guide snippets, with the account and external ID configured, become clean with
/// `--fix --unsafe-fixes`: nothing at warning or above remains. The guide's explicit-regions
/// trust without an external ID gets the configured one from CMK208's fix.
#[test]
fn the_guide_snippets_become_clean_with_unsafe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seed");
    for e in std::fs::read_dir(&seed).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    write(dir.path(), "cmek-lint.toml", CONFIG);
    let out = run_in(dir.path(), &["check", "--fix", "--unsafe-fixes", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let left: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] != "info")
        .map(|d| (d["file"].as_str().unwrap().to_string(), d["code"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(left, Vec::<(String, String)>::new(), "{}", stderr(&out));
    let explicit = std::fs::read_to_string(dir.path().join("trust-explicit-regions.json")).unwrap();
    assert!(
        explicit.contains(
            "\"Action\": \"sts:AssumeRole\",\n            \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94\"}}\n"
        ),
        "{explicit}"
    );
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let text = std::fs::read_to_string(&p).unwrap();
            serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        }
    }
}

/// A file read through Terraform `file()` from outside the paths given (or excluded) is
/// checked in its reader's context but never rewritten, nor put in a diff; one that is also
/// an input of the run is fixed.
#[test]
fn fix_leaves_a_file_read_through_terraform_file_outside_the_paths() {
    let dir = tempfile::tempdir().unwrap();
    let tf = "resource \"aws_iam_role\" \"pinecone\" {\n  name               = \"pinecone-cmek\"\n  assume_role_policy = file(\"${path.module}/../shared/trust.json\")\n}\n";
    write(dir.path(), "mod/main.tf", tf);
    write(dir.path(), "shared/trust.json", BAD);
    let out = run_in(dir.path(), &["check", "--fix", "mod"]);
    assert_ne!(out.status.code(), Some(2), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("shared/trust.json")).unwrap(), BAD);
    let out = run_in(dir.path(), &["check", "--diff", "mod"]);
    assert!(!stdout(&out).contains("shared/trust.json"), "{}", stdout(&out));
    let out = run_in(dir.path(), &["check", "--fix", "--exclude", "shared", "."]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("shared/trust.json")).unwrap(), BAD);
    // Given as a path too: an input, fixed, once, under the path given (not also as the
    // file `mod/main.tf` reads).
    let out = run_in(dir.path(), &["check", "--diff", "mod", "shared/trust.json"]);
    let diff = stdout(&out);
    assert_eq!(diff.matches("--- ").count(), 1, "{diff}");
    assert!(diff.starts_with("--- shared/trust.json\n"), "{diff}");
    let out = run_in(dir.path(), &["check", "--fix", "mod", "shared"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("shared/trust.json")).unwrap(), FIXED);
}

/// CMK202's unsafe fix renames an `…IfExists` block only when it tests `sts:ExternalId` alone:
/// renaming a block that also holds `aws:SourceVpce` would start to require that key too and
/// lock Pinecone out.
#[test]
fn an_operator_is_not_renamed_under_other_keys() {
    let dir = tempfile::tempdir().unwrap();
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::731429856012:role/pinecone_cmek_access_us-east-1"}, "Action": "sts:AssumeRole",
 "Condition": {"StringEqualsIfExists": {"sts:ExternalId": "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94", "aws:SourceVpce": "vpce-1a2b3c4d"}}}]}
"#;
    write(dir.path(), "trust.json", trust);
    write(dir.path(), "cmek-lint.toml", CONFIG);
    let out = run_in(dir.path(), &["check", "--fix", "--unsafe-fixes", "trust.json"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("trust.json")).unwrap(), trust);
    let out = run_in(dir.path(), &["check", "trust.json"]);
    assert!(stdout(&out).contains("fix (display-only): use `StringEquals`"), "{}", stdout(&out));
}

/// The `Version` CMK101 adds keeps a CRLF file CRLF; in a Terraform heredoc holding a
/// deploy-time value (`$${aws:username}` is a policy variable once Terraform renders it) it is
/// display-only, as in JSON holding a policy variable.
#[test]
fn the_version_fix_keeps_crlf_and_leaves_deploy_time_values_alone() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = "{\r\n  \"Statement\": [\r\n    {\"Effect\": \"Allow\", \"Action\": \"kms:Decrypt\", \"Resource\": \"*\"}\r\n  ]\r\n}\r\n";
    write(dir.path(), "crlf.json", crlf);
    let out = run_in(dir.path(), &["check", "--fix", "crlf.json"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let fixed = std::fs::read_to_string(dir.path().join("crlf.json")).unwrap();
    assert_eq!(fixed, crlf.replacen("{\r\n  ", "{\r\n  \"Version\": \"2012-10-17\",\r\n  ", 1), "{fixed:?}");
    let tf = "resource \"aws_iam_role_policy\" \"p\" {\n  role   = \"pinecone-cmek\"\n  policy = <<EOT\n{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"kms:Decrypt\", \"Resource\": \"*\",\n    \"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/team\": \"$${aws:username}\"}}}]\n}\nEOT\n}\n";
    write(dir.path(), "tf/main.tf", tf);
    let out = run_in(dir.path(), &["check", "--fix", "tf"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("tf/main.tf")).unwrap(), tf);
}

/// The settings of a run with `CONFIG` (or without its external ID).
fn configured(registry: &Registry, external_id: bool) -> Settings {
    let mut settings = registry.default_settings();
    config::apply(Path::new("cmek-lint.toml"), CONFIG, registry, &mut settings).unwrap();
    if !external_id {
        settings.console.external_id = None;
    }
    settings
}

const ID: &str = "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94";
const ROLE: &str = "arn:aws:iam::731429856012:role/pinecone_cmek_access_us-east-1";

/// `text` fixed with `--fix --unsafe-fixes`; fixing the result again changes nothing, and
/// CMK208 is silent on it.
fn fix_208(settings: &Settings, text: &str) -> String {
    let registry = Registry::builtin();
    let options = FixOptions { registry: &registry, settings, unsafe_ok: true, baseline: None };
    let fixed = fix_text("trust.json", text, options).text;
    assert_eq!(fix_text("trust.json", &fixed, options).text, fixed, "a second --fix changed it");
    let report = check(&registry, settings, &fixed);
    assert!(!report.diagnostics.iter().any(|d| d.diagnostic.code == "CMK208"), "CMK208 still reported:\n{fixed}");
    serde_json::from_str::<serde_json::Value>(&fixed).unwrap_or_else(|e| panic!("not strict JSON ({e}):\n{fixed}"));
    fixed
}

/// CMK208's fix: (applicability, edits) of its finding on `text`.
fn fix_of_208(settings: &Settings, text: &str) -> (Applicability, usize, String) {
    let registry = Registry::builtin();
    let report = check(&registry, settings, text);
    let d = report.diagnostics.iter().find(|d| d.diagnostic.code == "CMK208").expect("CMK208");
    let f = d.diagnostic.fix.as_ref().expect("a fix");
    (f.applicability, f.edits.len(), f.message.clone())
}

/// Without a `Condition`, CMK208's fix adds one after the last member: on its own line,
/// indented like it, with the file's line ending, in a multi-line statement; inline in a
/// one-line statement.
#[test]
fn the_external_id_fix_adds_a_condition() {
    let registry = Registry::builtin();
    let settings = configured(&registry, true);
    let multi = format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": {{\"AWS\": \"{ROLE}\"}},\n      \"Action\": \"sts:AssumeRole\"\n    }}\n  ]\n}}\n"
    );
    assert_eq!(fix_of_208(&settings, &multi).0, Applicability::Unsafe);
    let condition = format!("\"Condition\": {{\"StringEquals\": {{\"sts:ExternalId\": \"{ID}\"}}}}");
    let want = multi
        .replace("\"Action\": \"sts:AssumeRole\"\n", &format!("\"Action\": \"sts:AssumeRole\",\n      {condition}\n"));
    assert_eq!(fix_208(&settings, &multi), want);
    let crlf = multi.replace('\n', "\r\n");
    assert_eq!(fix_208(&settings, &crlf), want.replace('\n', "\r\n"));
    let one_line = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"{ROLE}\"}}, \"Action\": \"sts:AssumeRole\"}}]}}\n"
    );
    let want = one_line.replace("\"sts:AssumeRole\"}", &format!("\"sts:AssumeRole\", {condition}}}"));
    assert_eq!(fix_208(&settings, &one_line), want);
    // Not applied without `--unsafe-fixes`.
    let options = FixOptions { registry: &registry, settings: &settings, unsafe_ok: false, baseline: None };
    assert_eq!(fix_text("trust.json", &multi, options).text, multi);
}

/// With a `Condition`, the fix adds the entry to its `StringEquals` block, or a `StringEquals`
/// block after its other operator blocks.
#[test]
fn the_external_id_fix_joins_an_existing_condition() {
    let registry = Registry::builtin();
    let settings = configured(&registry, true);
    let pattern = "arn:aws:iam::731429856012:role/pinecone_cmek_access_*";
    let trust = |condition: &str| {
        format!(
            "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": {{\"AWS\": \"{ROLE}\"}},\n      \"Action\": \"sts:AssumeRole\",\n      \"Condition\": {condition}\n    }}\n  ]\n}}\n"
        )
    };
    // An existing `StringEquals` block, one line.
    let equals = trust(&format!("{{\"StringEquals\": {{\"aws:PrincipalArn\": \"{ROLE}\"}}}}"));
    assert_eq!(fix_of_208(&settings, &equals).0, Applicability::Unsafe);
    assert_eq!(
        fix_208(&settings, &equals),
        equals.replace(&format!("\"{ROLE}\"}}}}"), &format!("\"{ROLE}\", \"sts:ExternalId\": \"{ID}\"}}}}"))
    );
    // An existing `StringEquals` block, an entry a line.
    let equals = trust(&format!(
        "{{\n        \"StringEquals\": {{\n          \"aws:PrincipalArn\": \"{ROLE}\"\n        }}\n      }}"
    ));
    assert_eq!(
        fix_208(&settings, &equals),
        equals.replace(
            &format!("\"{ROLE}\"\n        }}"),
            &format!("\"{ROLE}\",\n          \"sts:ExternalId\": \"{ID}\"\n        }}")
        )
    );
    // Another operator's block: a `StringEquals` block is added after it.
    let like = trust(&format!("{{\n        \"StringLike\": {{\"aws:PrincipalArn\": \"{pattern}\"}}\n      }}"));
    assert_eq!(fix_of_208(&settings, &like).0, Applicability::Unsafe);
    assert_eq!(
        fix_208(&settings, &like),
        like.replace(
            &format!("\"{pattern}\"}}\n"),
            &format!("\"{pattern}\"}},\n        \"StringEquals\": {{\"sts:ExternalId\": \"{ID}\"}}\n")
        )
    );
    // An empty `Condition`.
    let empty = trust("{}");
    assert_eq!(
        fix_208(&settings, &empty),
        empty.replace(
            "\"Condition\": {}",
            &format!("\"Condition\": {{\"StringEquals\": {{\"sts:ExternalId\": \"{ID}\"}}}}")
        )
    );
}

/// Without a configured external ID, or with a `Condition` that is not an object, the fix is
/// a suggestion naming the ID to add; nothing is written.
#[test]
fn the_external_id_fix_is_display_only_without_an_id_or_an_exact_place() {
    let registry = Registry::builtin();
    let multi = format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": {{\"AWS\": \"{ROLE}\"}},\n      \"Action\": \"sts:AssumeRole\"\n    }}\n  ]\n}}\n"
    );
    let without = configured(&registry, false);
    let (applicability, edits, message) = fix_of_208(&without, &multi);
    assert_eq!((applicability, edits), (Applicability::DisplayOnly, 0));
    assert!(message.contains("<uuid-v4>"), "{message}");
    let options = FixOptions { registry: &registry, settings: &without, unsafe_ok: true, baseline: None };
    assert_eq!(fix_text("trust.json", &multi, options).text, multi);

    let with = configured(&registry, true);
    let not_object = multi.replace("\"sts:AssumeRole\"\n", "\"sts:AssumeRole\",\n      \"Condition\": []\n");
    let (applicability, edits, message) = fix_of_208(&with, &not_object);
    assert_eq!((applicability, edits), (Applicability::DisplayOnly, 0));
    assert!(message.contains(ID), "{message}");
}

/// The configured value is written as a JSON string, escaped.
#[test]
fn the_external_id_fix_escapes_the_value() {
    let registry = Registry::builtin();
    let mut settings = configured(&registry, true);
    settings.console.external_id = Some("a\"b\\c".to_string());
    let one_line = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"{ROLE}\"}}, \"Action\": \"sts:AssumeRole\"}}]}}\n"
    );
    let options = FixOptions { registry: &registry, settings: &settings, unsafe_ok: true, baseline: None };
    let fixed = fix_text("trust.json", &one_line, options).text;
    let v: serde_json::Value = serde_json::from_str(&fixed).unwrap_or_else(|e| panic!("{e}:\n{fixed}"));
    assert_eq!(v["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"], "a\"b\\c");
}

/// A file of `tests/data/fix/`: a Pinecone CMEK setup written as a CloudFormation template
/// (YAML, JSON) or as Terraform with `jsonencode`.
fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fix").join(name)).unwrap()
}

/// The settings the fixtures are checked with (their `cmek-lint.toml`).
fn fixture_settings(registry: &Registry) -> Settings {
    let mut settings = registry.default_settings();
    config::apply(Path::new("cmek-lint.toml"), &fixture("cmek-lint.toml"), registry, &mut settings).unwrap();
    settings
}

/// The rules whose fixes the fixtures get.
const TEMPLATE_FIXES: [&str; 6] = ["CMK115", "CMK208", "CMK202", "CMK101", "CMK301", "CMK114"];

/// `text` with each `(before, after)` replaced; each `before` occurs once.
fn replaced(text: &str, changes: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (before, after) in changes {
        assert_eq!(out.matches(before).count(), 1, "{before}");
        out = out.replacen(before, after, 1);
    }
    out
}

/// Fix fixture `name` with `--unsafe-fixes` (and with safe fixes only) and check what came out:
/// the exact text expected (every byte not fixed kept), which the rules of the fixes no
/// longer report, which still parses as the same documents, and which a second run leaves
/// alone.
fn assert_fixed(name: &str, changes: &[(&str, &str)], safe_changes: &[(&str, &str)]) {
    let registry = Registry::builtin();
    let settings = fixture_settings(&registry);
    let original = fixture(name);
    let check = |text: &str| check_input(Input::Text { name, text: text.to_string() }, &registry, &settings);
    let before = check(&original);
    for code in TEMPLATE_FIXES {
        let d = before.diagnostics.iter().find(|d| d.diagnostic.code == code).unwrap_or_else(|| panic!("{code}"));
        let fix = d.diagnostic.fix.as_ref().unwrap();
        assert!(fix.applicability > Applicability::DisplayOnly && !fix.edits.is_empty(), "{code}: {fix:?}");
    }
    let options = FixOptions { registry: &registry, settings: &settings, unsafe_ok: true, baseline: None };
    let fixed = fix_text(name, &original, options);
    assert_eq!(fixed.text, replaced(&original, changes));
    assert_eq!(fixed.applied, TEMPLATE_FIXES.len());
    let after = check(&fixed.text);
    let left: Vec<&str> = after.diagnostics.iter().map(|d| d.diagnostic.code).collect();
    for code in TEMPLATE_FIXES.iter().chain(&["CMK001", "CMK011", "CMK012"]) {
        assert!(!left.contains(code), "{code} after fixing {name}: {left:?}");
    }
    assert_eq!(after.policies, before.policies);
    assert_eq!(
        cmek_lint::engine::outline(name, &fixed.text).unwrap(),
        cmek_lint::engine::outline(name, &original).unwrap()
    );
    let again = fix_text(name, &fixed.text, options);
    assert_eq!((again.text.as_str(), again.applied), (fixed.text.as_str(), 0));
    let safe = fix_text(name, &original, FixOptions { unsafe_ok: false, ..options });
    assert_eq!(safe.text, replaced(&original, safe_changes));
    if name.ends_with(".tf") {
        assert_terraform_fmt_accepts(name, &fixed.text);
    } else {
        assert_cfn_lint_accepts(name, &fixed.text);
    }
}

/// `terraform fmt -check` accepts a fixed Terraform file (its members added in Terraform's own
/// layout), where a terraform binary is on PATH (or `TERRAFORM` names it): it cannot be
/// installed offline, so elsewhere this check is skipped.
fn assert_terraform_fmt_accepts(name: &str, text: &str) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), name, text);
    if let Some(out) = common::terraform_fmt_check(&dir.path().join(name)) {
        assert!(out.status.success(), "terraform fmt -check on the fixed {name}:\n{}{}", stdout(&out), stderr(&out));
    }
}

/// AWS's template linter, cfn-lint (`CFN_LINT`, or on PATH), finds nothing in a fixed
/// CloudFormation template (it reports the placeholders of the fixtures as errors before). `.ci/run`
/// installs it and sets `CFN_LINT`; under CI a missing cfn-lint fails the test instead of
/// skipping this check.
fn assert_cfn_lint_accepts(name: &str, text: &str) {
    let Some(lint) = common::cfn_lint() else { return };
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), name, text);
    let out = std::process::Command::new(lint).arg(dir.path().join(name)).output().unwrap();
    assert!(out.status.success(), "cfn-lint on the fixed {name}:\n{}{}\n{text}", stdout(&out), stderr(&out));
}

/// CloudFormation YAML: each fix written in YAML, in the style around it (a plain scalar
/// filled in place, a key renamed, a block mapping and a block sequence grown by lines at
/// their indentation), comments and quoting kept.
#[test]
fn cloudformation_yaml_gets_its_fixes_written_in_yaml() {
    let version = ("          PolicyDocument:\n", "          PolicyDocument:\n            Version: \"2012-10-17\"\n");
    assert_fixed(
        "template.yaml",
        &[
            ("AWS: arn:aws:iam::XXXXXXXXXXXX:role", "AWS: arn:aws:iam::731429856012:role"),
            (
                "            Action: sts:AssumeRole  # the region of the index\n",
                "            Action: sts:AssumeRole  # the region of the index\n            Condition:\n              StringEquals:\n                sts:ExternalId: 3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94\n",
            ),
            ("              StringEqualsIfExists:\n", "              StringEquals:\n"),
            version,
            ("              - kms:Decrypt\n", "              - kms:Decrypt\n              - kms:Encrypt\n"),
            (
                "              StringEquals:\n                aws:PrincipalTag",
                "              StringLike:\n                aws:PrincipalTag",
            ),
        ],
        &[version],
    );
}

/// CloudFormation JSON: the template's own JSON edited, as a bare policy file's is.
#[test]
fn cloudformation_json_gets_its_fixes_in_the_template() {
    let version = (
        "            \"PolicyDocument\": {\n",
        "            \"PolicyDocument\": {\n              \"Version\": \"2012-10-17\",\n",
    );
    assert_fixed(
        "template.json",
        &[
            ("arn:aws:iam::XXXXXXXXXXXX:role", "arn:aws:iam::731429856012:role"),
            (
                "              \"Action\": \"sts:AssumeRole\"\n",
                "              \"Action\": \"sts:AssumeRole\",\n              \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94\"}}\n",
            ),
            ("{\"StringEqualsIfExists\": {", "{\"StringEquals\": {"),
            version,
            ("\"Action\": \"kms:Decrypt\"", "\"Action\": [\"kms:Decrypt\", \"kms:Encrypt\"]"),
            ("{\"StringEquals\": {\"aws:PrincipalTag", "{\"StringLike\": {\"aws:PrincipalTag"),
        ],
        &[version],
    );
}

/// Terraform `jsonencode`: each fix written in HCL (bare identifiers for keys that are ones,
/// quoted strings otherwise, `key = value` members), after a comment ending the line it
/// follows.
#[test]
fn terraform_jsonencode_gets_its_fixes_written_in_hcl() {
    let version = (
        "  policy = jsonencode({\n    Statement = [{\n",
        "  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n",
    );
    assert_fixed(
        "main.tf",
        &[
            ("arn:aws:iam::XXXXXXXXXXXX:role", "arn:aws:iam::731429856012:role"),
            (
                "        Action    = \"sts:AssumeRole\" # the region of the index\n",
                "        Action    = \"sts:AssumeRole\" # the region of the index\n        Condition = { StringEquals = { \"sts:ExternalId\" = \"3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94\" } }\n",
            ),
            ("          StringEqualsIfExists = {", "          StringEquals = {"),
            version,
            ("Action    = [\"kms:Decrypt\"]", "Action    = [\"kms:Decrypt\", \"kms:Encrypt\"]"),
            ("{ StringEquals = { \"aws:PrincipalTag", "{ StringLike = { \"aws:PrincipalTag"),
        ],
        &[version],
    );
}

/// Values the file does not write as they are checked keep display-only fixes: a `!Sub`
/// (whose text CloudFormation computes), a YAML alias (its anchor's node is used twice), a
/// branch of `Fn::If`, a Terraform string with an interpolation; so does a YAML mapping
/// ending in a multi-line scalar. `--fix --unsafe-fixes`
/// leaves such files as they are.
#[test]
fn fixes_in_computed_values_aliases_and_interpolations_stay_display_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "cmek-lint.toml", &fixture("cmek-lint.toml"));
    let cases: [(&str, &str, &[&str]); 6] = [
        // A `Condition` anchored and used again: a block added after its last line changes both.
        (
            "anchor.yaml",
            r#"Resources:
  CmekRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::731429856012:role/pinecone_cmek_access_us-east-1
            Action: sts:AssumeRole
            Condition: &cond
              StringLike:
                aws:PrincipalArn: arn:aws:iam::731429856012:role/pinecone_cmek_access_*
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::731429856012:role/pinecone_cmek_access_us-west-2
            Action: sts:AssumeRole
            Condition: *cond
"#,
            &["CMK208"],
        ),
        // A statement that is an alias of another: adding to it would change both.
        (
            "alias.yaml",
            r#"Resources:
  CmekRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - &pinecone
            Effect: Allow
            Principal:
              AWS: arn:aws:iam::731429856012:role/pinecone_cmek_access_us-east-1
            Action: sts:AssumeRole
          - *pinecone
"#,
            &["CMK208"],
        ),
        // A statement ending in a folded scalar: no line of its own to add after.
        (
            "folded.yaml",
            r#"Resources:
  CmekRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::731429856012:role/pinecone_cmek_access_us-east-1
            Action: sts:AssumeRole
            Sid: >-
              Pinecone's role
              in us-east-1
"#,
            &["CMK208"],
        ),
        (
            "sub.yaml",
            "Resources:\n  CmekRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Principal:\n              AWS: !Sub arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1\n            Action: sts:AssumeRole\n            Condition: &exact\n              StringEqualsIfExists:\n                sts:ExternalId: 3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94\n          - Effect: Allow\n            Principal:\n              AWS: arn:aws:iam::731429856012:role/pinecone_cmek_access_us-west-2\n            Action: sts:AssumeRole\n            Condition: *exact\n",
            &["CMK115", "CMK202"],
        ),
        (
            "if.json",
            r#"{
  "Conditions": {"Strict": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}},
  "Resources": {
    "CmekRole": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "AssumeRolePolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::731429856012:role/pinecone_cmek_access_us-east-1"},
            "Action": "sts:AssumeRole",
            "Condition": {"Fn::If": ["Strict",
              {"StringEqualsIfExists": {"sts:ExternalId": "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"}},
              {"StringEqualsIfExists": {"sts:ExternalId": "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"}}]}
          }]
        }
      }
    }
  }
}
"#,
            &["CMK202"],
        ),
        (
            "main.tf",
            "locals {\n  pinecone_account = \"XXXXXXXXXXXX\"\n}\n\nresource \"aws_iam_role\" \"cmek\" {\n  name = \"pinecone-cmek\"\n  assume_role_policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect    = \"Allow\"\n      Principal = { AWS = \"arn:aws:iam::${local.pinecone_account}:role/pinecone_cmek_access_us-east-1\" }\n      Action    = \"sts:AssumeRole\"\n      Condition = { StringEquals = { \"sts:ExternalId\" = \"3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94\" } }\n    }]\n  })\n}\n",
            &["CMK115"],
        ),
    ];
    for (name, text, codes) in cases {
        let folder = dir.path().join(name.replace('.', "_"));
        write(&folder, name, text);
        std::fs::copy(dir.path().join("cmek-lint.toml"), folder.join("cmek-lint.toml")).unwrap();
        let json = run_in(&folder, &["check", "--format", "json", name]);
        let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        let diagnostics = v["diagnostics"].as_array().unwrap();
        for code in codes {
            let found: Vec<&serde_json::Value> = diagnostics.iter().filter(|d| d["code"] == *code).collect();
            assert!(!found.is_empty(), "{name}: no {code} in {diagnostics:#?}");
            for d in found {
                assert_eq!(d["fix"]["applicability"], "display-only", "{name} {code}: {d:#?}");
                assert_eq!(d["fix"]["edits"], serde_json::json!([]), "{name} {code}");
            }
        }
        let out = run_in(&folder, &["check", "--fix", "--unsafe-fixes", name]);
        assert!(stderr(&out).contains("No fixes applied"), "{name}: {}", stderr(&out));
        assert_eq!(std::fs::read_to_string(folder.join(name)).unwrap(), text, "{name}");
    }
}

/// `patch` (`.ci/run` installs it where it is missing); under CI a missing `patch` fails the
/// test instead of skipping it.
fn patch_tool() -> Option<std::path::PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join("patch")).find(|p| p.is_file())
}

/// The `--diff` of the fixtures' fixes applies with `patch`, and gives what `--fix` writes.
#[test]
fn the_diff_of_template_fixes_applies_with_patch() {
    let Some(patch) = patch_tool() else {
        assert!(std::env::var_os("CI").is_none(), "CI must run `patch`: `.ci/run` installs it");
        eprintln!("skipped: no `patch` on PATH");
        return;
    };
    let (fixed, patched) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let names = ["template.yaml", "template.json", "main.tf"];
    for dir in [fixed.path(), patched.path()] {
        for name in names {
            let folder = dir.join(name.replace('.', "_"));
            write(&folder, name, &fixture(name));
            write(&folder, "cmek-lint.toml", &fixture("cmek-lint.toml"));
        }
    }
    let diff = run_in(patched.path(), &["check", "--diff", "--unsafe-fixes", "."]);
    assert_eq!(diff.status.code(), Some(1), "{}", stderr(&diff));
    let mut child = std::process::Command::new(patch)
        .args(["-p0", "--quiet"])
        .current_dir(patched.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(&diff.stdout).unwrap();
    assert!(child.wait().unwrap().success(), "{}", stdout(&diff));
    let out = run_in(fixed.path(), &["check", "--fix", "--unsafe-fixes", "."]);
    assert!(stderr(&out).contains("in 3 files"), "{}", stderr(&out));
    for name in names {
        let path = Path::new(&name.replace('.', "_")).join(name);
        let by_fix = std::fs::read_to_string(fixed.path().join(&path)).unwrap();
        assert_ne!(by_fix, fixture(name), "{name}");
        assert_eq!(std::fs::read_to_string(patched.path().join(&path)).unwrap(), by_fix, "{name}");
    }
}

/// Findings the baseline records are left as they are by `--fix`, as ruff leaves them: only
/// the new finding is fixed. So is a finding suppressed by an inline comment.
#[test]
fn fix_leaves_the_findings_the_baseline_records_and_suppressed_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "trust.json", BAD);
    let out = run_in(dir.path(), &["check", "--write-baseline", "baseline.json", "trust.json"]);
    assert!(stderr(&out).contains("Wrote 3 findings to baseline"), "{}", stderr(&out));
    let out = run_in(dir.path(), &["check", "--fix", "--baseline", "baseline.json", "trust.json"]);
    assert!(stderr(&out).contains("No fixes applied"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("trust.json")).unwrap(), BAD);
    // A finding the baseline does not record is fixed; the recorded ones stay.
    let with_new = BAD.replace("  \"Statement\": [\n", "  \"Statement\": [\n    // reviewed in 2024\n");
    write(dir.path(), "trust.json", &with_new);
    let out = run_in(dir.path(), &["check", "--fix", "--baseline", "baseline.json", "trust.json"]);
    assert!(stderr(&out).contains("Fixed 1 finding in trust.json"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("trust.json")).unwrap(), BAD);
    // `--diff` follows the baseline too.
    let out = run_in(dir.path(), &["check", "--diff", "--baseline", "baseline.json", "trust.json"]);
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), ""), "{}", stderr(&out));

    let template = fixture("template.yaml").replace(
        "            Principal:\n              AWS: arn:aws:iam::XXXXXXXXXXXX",
        "            Principal:  # cmek-lint: ignore[CMK208] the pipeline adds the external ID\n              AWS: arn:aws:iam::XXXXXXXXXXXX",
    );
    write(dir.path(), "template.yaml", &template);
    write(dir.path(), "cmek-lint.toml", &fixture("cmek-lint.toml"));
    let out = run_in(dir.path(), &["check", "--fix", "--unsafe-fixes", "template.yaml"]);
    assert!(stderr(&out).contains("Fixed 5 findings in template.yaml"), "{}", stderr(&out));
    let fixed = std::fs::read_to_string(dir.path().join("template.yaml")).unwrap();
    assert!(!fixed.contains("XXXXXXXXXXXX") && fixed.contains("kms:Encrypt"), "{fixed}");
    assert_eq!(fixed.matches("sts:ExternalId").count(), 1, "{fixed}");
}

/// A YAML flow mapping grows in flow style (plain scalars where they read back as written);
/// Terraform written JSON-style (`"Key" : value,`) gets quoted keys, `:` and commas, and bare
/// `Key = value` where the object is written so.
#[test]
fn fixes_follow_the_style_around_them() {
    let registry = Registry::builtin();
    let settings = fixture_settings(&registry);
    let options = FixOptions { registry: &registry, settings: &settings, unsafe_ok: true, baseline: None };
    let flow = FLOW_YAML;
    let expected = replaced(
        flow,
        &[
            (
                "{AWS: 'arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1'}, Action: sts:AssumeRole},",
                "{AWS: 'arn:aws:iam::731429856012:role/pinecone_cmek_access_us-east-1'}, Action: sts:AssumeRole, Condition: {StringEquals: {\"sts:ExternalId\": 3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94}}},",
            ),
            ("{\"StringEqualsIfExists\": {", "{\"StringEquals\": {"),
            ("      KeyPolicy:\n", "      KeyPolicy:\n        Version: \"2012-10-17\"\n"),
            ("Action: [kms:Decrypt]", "Action: [kms:Decrypt, \"kms:Encrypt\"]"),
        ],
    );
    assert_eq!(fix_text("flow.yaml", flow, options).text, expected);
    assert_cfn_lint_accepts("flow.yaml", &expected);
    let tf = STYLES_TF;
    let expected = replaced(
        tf,
        &[
            ("arn:aws:iam::XXXXXXXXXXXX:role", "arn:aws:iam::731429856012:role"),
            (
                "        \"Action\" : \"sts:AssumeRole\"\n",
                "        \"Action\" : \"sts:AssumeRole\",\n        \"Condition\" : { \"StringEquals\" : { \"sts:ExternalId\" : \"3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94\" } }\n",
            ),
            ("{ \"StringEqualsIfExists\" : {", "{ \"StringEquals\" : {"),
            ("  policy = jsonencode({\n", "  policy = jsonencode({\n    Version = \"2012-10-17\"\n"),
            ("Action    = \"kms:Decrypt\"", "Action    = [\"kms:Decrypt\", \"kms:Encrypt\"]"),
        ],
    );
    assert_eq!(fix_text("styles.tf", tf, options).text, expected);
}

const FLOW_YAML: &str = r#"Resources:
  CmekRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: pinecone-cmek
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [
        {Effect: Allow, Principal: {AWS: 'arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1'}, Action: sts:AssumeRole},
        {Effect: Allow, Principal: {AWS: "arn:aws:iam::731429856012:role/pinecone_cmek_access_us-west-2"}, Action: sts:AssumeRole,
         Condition: {"StringEqualsIfExists": {"sts:ExternalId": "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"}}}]}
  CmekKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Sid: Key administrators
            Effect: Allow
            Principal: {AWS: arn:aws:iam::222233334444:role/KeyAdmin}
            Action: kms:*
            Resource: "*"
          - Sid: Allow use of the key
            Effect: Allow
            Principal: {AWS: arn:aws:iam::222233334444:role/pinecone-cmek}
            Action: [kms:Decrypt]
            Resource: "*"
"#;

const STYLES_TF: &str = r#"resource "aws_iam_role" "cmek" {
  name = "pinecone-cmek"
  assume_role_policy = jsonencode({
    "Version" : "2012-10-17",
    "Statement" : [
      {
        "Effect" : "Allow",
        "Principal" : { "AWS" : "arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1" },
        "Action" : "sts:AssumeRole"
      },
      {
        "Effect" : "Allow",
        "Principal" : { "AWS" : "arn:aws:iam::731429856012:role/pinecone_cmek_access_us-west-2" },
        "Action" : "sts:AssumeRole",
        "Condition" : { "StringEqualsIfExists" : { "sts:ExternalId" : "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94" } }
      }
    ]
  })
}

resource "aws_kms_key" "cmek" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [
      {
        Sid = "Key administrators", Effect = "Allow", Action = "kms:*", Resource = "*"
        Principal = { AWS = "arn:aws:iam::222233334444:role/KeyAdmin" }
      },
      {
        Sid       = "Allow use of the key"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::222233334444:role/pinecone-cmek" }
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
    ]
  })
}
"#;

/// Every CloudFormation template and Terraform file of the corpora, fixed with every fix:
/// still parses, holds the same documents, and a second run changes nothing.
#[test]
fn fixing_the_corpus_templates_keeps_them_sound() {
    let registry = Registry::builtin();
    let settings = fixture_settings(&registry);
    let options = FixOptions { registry: &registry, settings: &settings, unsafe_ok: true, baseline: None };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("corpus"), root.join("../shared/corpus")];
    let (mut files, mut fixed_files) = (0, 0);
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let name = p.to_string_lossy().into_owned();
        let template = [".yaml", ".yml", ".tf", ".template.json"].iter().any(|e| name.ends_with(e))
            || (name.ends_with(".json") && name.contains("cloudformation"));
        let Ok(text) = std::fs::read_to_string(&p) else { continue };
        if !template {
            continue;
        }
        files += 1;
        let invalid = |text: &str| {
            let report = check_input(Input::Text { name: &name, text: text.to_string() }, &registry, &settings);
            report.diagnostics.iter().filter(|d| ["CMK001", "CMK011", "CMK012"].contains(&d.diagnostic.code)).count()
        };
        let fixed = fix_text(&name, &text, options);
        if fixed.text == text {
            continue;
        }
        fixed_files += 1;
        assert!(invalid(&fixed.text) <= invalid(&text), "{name}:\n{}", fixed.text);
        assert_eq!(cmek_lint::engine::outline(&name, &fixed.text), cmek_lint::engine::outline(&name, &text), "{name}");
        let again = fix_text(&name, &fixed.text, options);
        assert_eq!(again.text, fixed.text, "{name}: a second run changed it");
    }
    assert!(files > 20 && fixed_files >= 2, "{files} templates, {fixed_files} fixed");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

    /// The fixtures, damaged at a random place (bytes cut, YAML/HCL/JSON punctuation put in):
    /// fixing never panics, never leaves more of the text unparsable or other documents, and a
    /// second run changes nothing.
    #[test]
    fn fixing_a_damaged_template_is_sound(
        which in 0usize..3,
        at in 0.0f64..1.0,
        cut in 0usize..40,
        put in "[-:&*!#'\"{}\\[\\], \n|>$%a-z]{0,4}",
    ) {
        let name = ["template.yaml", "template.json", "main.tf"][which];
        let original = fixture(name);
        let mut i = ((original.len() as f64) * at) as usize;
        while !original.is_char_boundary(i) {
            i -= 1;
        }
        let mut j = (i + cut).min(original.len());
        while !original.is_char_boundary(j) {
            j -= 1;
        }
        let text = format!("{}{put}{}", &original[..i], &original[j..]);
        let registry = Registry::builtin();
        let settings = fixture_settings(&registry);
        let options = FixOptions { registry: &registry, settings: &settings, unsafe_ok: true, baseline: None };
        let invalid = |text: &str| {
            let report = check_input(Input::Text { name, text: text.to_string() }, &registry, &settings);
            report.diagnostics.iter().filter(|d| ["CMK001", "CMK011", "CMK012"].contains(&d.diagnostic.code)).count()
        };
        let fixed = fix_text(name, &text, options);
        proptest::prop_assert!(invalid(&fixed.text) <= invalid(&text), "{}", fixed.text);
        let shape = cmek_lint::engine::outline(name, &text).filter(|d| !d.is_empty());
        if shape.is_some() {
            proptest::prop_assert_eq!(cmek_lint::engine::outline(name, &fixed.text), shape);
        }
        let again = fix_text(name, &fixed.text, options);
        proptest::prop_assert_eq!(again.text, fixed.text);
    }
}

/// Two fixes in one `Condition` wait for each other (their fixes are isolated to the
/// statement): renaming `StringEqualsIfExists` and `ForAnyValue:StringEquals` in one round
/// wrote `StringEquals` twice, and a parser keeps one of the two, silently dropping the
/// external-ID check. One rename is applied; the other, checked again, stays a suggestion.
#[test]
fn two_renames_never_write_one_operator_twice() {
    let id = "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94";
    let arn = "arn:aws:iam::731429856012:role/pinecone_cmek_access_us-east-1";
    let cases = [
        (
            "trust.json",
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::731429856012:root"}}, "Action": "sts:AssumeRole",
 "Condition": {{"StringEqualsIfExists": {{"sts:ExternalId": "{id}"}}, "ForAnyValue:StringEquals": {{"aws:PrincipalArn": "{arn}"}}}}}}]}}
"#
            ),
            "\"StringEquals\"",
        ),
        (
            "template.yaml",
            format!(
                "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Principal: {{AWS: \"arn:aws:iam::731429856012:root\"}}\n            Action: sts:AssumeRole\n            Condition:\n              StringEqualsIfExists:\n                sts:ExternalId: {id}\n              ForAnyValue:StringEquals:\n                aws:PrincipalArn: {arn}\n"
            ),
            "\n              StringEquals:",
        ),
        (
            "main.tf",
            format!(
                "resource \"aws_iam_role\" \"r\" {{\n  name = \"r\"\n  assume_role_policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [{{\n      Effect    = \"Allow\"\n      Principal = {{ AWS = \"arn:aws:iam::731429856012:root\" }}\n      Action    = \"sts:AssumeRole\"\n      Condition = {{\n        StringEqualsIfExists = {{ \"sts:ExternalId\" = \"{id}\" }}\n        \"ForAnyValue:StringEquals\" = {{ \"aws:PrincipalArn\" = \"{arn}\" }}\n      }}\n    }}]\n  }})\n}}\n"
            ),
            "StringEquals ",
        ),
    ];
    for (name, text, written) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), name, &text);
        write(dir.path(), "cmek-lint.toml", CONFIG);
        let out = run_in(dir.path(), &["check", "--fix", "--unsafe-fixes", name]);
        assert_ne!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        let fixed = std::fs::read_to_string(dir.path().join(name)).unwrap();
        // `StringEquals` written once, as a key (bare, quoted or YAML), holding the external ID.
        let keys = fixed.matches(written).count() + fixed.matches("\"StringEquals\" =").count();
        assert_eq!(keys, 1, "{name}:\n{fixed}");
        assert!(fixed.contains(id), "{name}:\n{fixed}");
        assert_ne!(fixed, text, "{name}: one of the renames applies");
        let again = run_in(dir.path(), &["check", "--fix", "--unsafe-fixes", name]);
        assert_eq!(std::fs::read_to_string(dir.path().join(name)).unwrap(), fixed, "{name}: {}", stderr(&again));
    }
}

/// A fix is not applied for a finding the baseline records, in any round: renaming
/// `StringEqualsIfExists` (CMK202, new) changes the message of the recorded CMK114 finding on
/// the same block, which must not then count as new and get its `StringLike` rename; and an
/// operator a recorded finding would rename is not renamed for another finding either.
#[test]
fn fix_never_reaches_a_baselined_finding_through_a_later_round() {
    let dir = tempfile::tempdir().unwrap();
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::731429856012:role/pinecone_cmek_access_us-east-1"}, "Action": "sts:AssumeRole",
 "Condition": {"StringEqualsIfExists": {"sts:ExternalId": "3f1c9a5*"}}}]}
"#;
    write(dir.path(), "t.json", trust);
    write(dir.path(), "cmek-lint.toml", CONFIG);
    let out = run_in(dir.path(), &["check", "--select", "CMK114", "--write-baseline", "b.json", "t.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run_in(dir.path(), &["check", "--fix", "--unsafe-fixes", "--baseline", "b.json", "t.json"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let fixed = std::fs::read_to_string(dir.path().join("t.json")).unwrap();
    assert!(!fixed.contains("StringLike"), "the recorded CMK114 was fixed:\n{fixed}");

    // Two wildcard values under one operator, one of them recorded: the shared rename waits.
    let two = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
 "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["data-*", "ml-?"]}}}]}
"#;
    write(dir.path(), "k.json", two);
    let out = run_in(dir.path(), &["check", "--select", "CMK114", "--write-baseline", "b2.json", "k.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("b2.json")).unwrap()).unwrap();
    let findings = baseline["findings"].as_array_mut().unwrap();
    assert_eq!(findings.len(), 2, "{findings:?}");
    findings.retain(|f| f["message"].as_str().unwrap().contains("data-*"));
    write(dir.path(), "b2.json", &baseline.to_string());
    let out = run_in(dir.path(), &["check", "--fix", "--unsafe-fixes", "--baseline", "b2.json", "k.json"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("k.json")).unwrap(), two);
}

/// An operator written twice in one `Condition` (CMK004) is not renamed: which of the two a
/// parser keeps is unknown, and renaming one would bring the other back into force.
#[test]
fn a_duplicated_operator_is_not_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
 "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data-*"}, "StringEquals": {"aws:PrincipalTag/dept": "eng"}}}]}
"#;
    write(dir.path(), "k.json", text);
    let out = run_in(dir.path(), &["check", "--isolated", "--fix", "--unsafe-fixes", "k.json"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("k.json")).unwrap(), text);
    assert!(stdout(&out).contains("CMK004"), "{}", stdout(&out));
}

/// CMK101's safe fix is not applied when a policy variable is written inside an intrinsic
/// that does not substitute it (`Fn::Join`, a branch of `Fn::If`): with a version, IAM would
/// start substituting it.
#[test]
fn version_is_not_added_over_a_policy_variable_in_an_intrinsic() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "join.yaml",
            "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: !Join [\"\", [\"arn:aws:s3:::bucket/\", \"${aws:username}\", \"/*\"]]\n",
        ),
        (
            "if.json",
            r#"{"Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::If": ["C", "arn:aws:s3:::bucket/${aws:username}/*", "x"]}}]}}}}}
"#,
        ),
    ] {
        write(dir.path(), name, text);
        let out = run_in(dir.path(), &["check", "--isolated", "--fix", name]);
        assert_ne!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert_eq!(std::fs::read_to_string(dir.path().join(name)).unwrap(), text, "{name}");
    }
}

/// Terraform plan and state JSON are tool output: their findings keep display-only fixes (the
/// fix belongs in the `.tf` files; a state edited by hand no longer says what is deployed).
#[test]
fn terraform_state_and_plan_files_are_never_edited() {
    let dir = tempfile::tempdir().unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_us-east-1"},"Action":"sts:AssumeRole","Condition":{"StringEqualsIfExists":{"sts:ExternalId":"3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94"}}}]}"#;
    let state = serde_json::json!({
        "version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "x", "outputs": {},
        "resources": [{"mode": "managed", "type": "aws_iam_role", "name": "r", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
            "instances": [{"schema_version": 0, "attributes": {"name": "r", "arn": "arn:aws:iam::731429856013:role/r", "assume_role_policy": policy}}]}]
    })
    .to_string();
    write(dir.path(), "terraform.tfstate", &state);
    write(dir.path(), "cmek-lint.toml", CONFIG);
    let out = run_in(dir.path(), &["check", "--format", "json", "terraform.tfstate"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"CMK115") && codes.contains(&"CMK202"), "{codes:?}");
    let out = run_in(dir.path(), &["check", "--fix", "--unsafe-fixes", "terraform.tfstate"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("terraform.tfstate")).unwrap(), state);
}

/// A key written twice in a CloudFormation YAML mapping or a Terraform object (bare and
/// quoted) is CMK004, as in JSON: YAML and `jsonencode` keep one of the two, so an external-ID
/// check written beside a second `StringEquals` silently disappears.
#[test]
fn duplicate_keys_in_yaml_and_hcl_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let arn = "arn:aws:iam::731429856012:role/pinecone_cmek_access_us-east-1";
    let id = "3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94";
    write(
        dir.path(),
        "t.yaml",
        &format!(
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Principal: {{AWS: \"{arn}\"}}\n            Action: sts:AssumeRole\n            Condition:\n              StringEquals:\n                sts:ExternalId: {id}\n              StringEquals:\n                aws:PrincipalArn: {arn}\n"
        ),
    );
    write(
        dir.path(),
        "main.tf",
        &format!(
            "resource \"aws_iam_role\" \"r\" {{\n  name = \"r\"\n  assume_role_policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [{{\n      Effect    = \"Allow\"\n      Principal = {{ AWS = \"{arn}\" }}\n      Action    = \"sts:AssumeRole\"\n      Condition = {{\n        StringEquals   = {{ \"sts:ExternalId\" = \"{id}\" }}\n        \"StringEquals\" = {{ \"aws:PrincipalArn\" = \"{arn}\" }}\n      }}\n    }}]\n  }})\n}}\n"
        ),
    );
    let out = run_in(dir.path(), &["check", "--isolated", "--select", "CMK004", "--format", "concise", "."]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("main.tf:11:9: error[CMK004]"), "{text}");
    assert!(text.contains("t.yaml:14:15: error[CMK004]"), "{text}");
}
