//! `cmek-lint access`: the scenarios of `crate::scenarios` evaluated on the shipped setups
//! (`corpus/setups/`) and on small folders, through the binary: JSON shape, decisions, deciding
//! statements and exit codes.

mod common;

use common::{bin, stdout, write};
use serde_json::Value;
use std::path::Path;

const PINECONE: &str = "905418236187";
const ROLE: &str = "arn:aws:iam::493820715560:role/pinecone-cmek";
const KEY: &str = "arn:aws:kms:us-east-1:493820715560:key/8c2f41d0-7a9e-4b35-b1e6-f0c3d4a5b6c7";
const EXTERNAL_ID: &str = "8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03";

fn setup(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/setups").join(name).display().to_string()
}

/// Run `access` (isolated, with Pinecone's account and, unless given, the regions most shipped
/// trust policies name).
fn access(extra: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["access", "--isolated", "--pinecone-account", PINECONE];
    if !extra.contains(&"--regions") {
        args.extend_from_slice(&["--regions", "us-east-1,us-west-2"]);
    }
    args.extend_from_slice(extra);
    let o = bin().args(&args).output().unwrap();
    (o.status.code(), stdout(&o), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn access_json(extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = extra.to_vec();
    args.extend_from_slice(&["--format", "json"]);
    let (code, out, err) = access(&args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("JSON ({e}): {out}\nstderr: {err}"));
    (code, v)
}

fn check<'a>(setup: &'a Value, scenario: &str) -> &'a Value {
    setup["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["scenario"] == scenario)
        .unwrap_or_else(|| panic!("no {scenario} in {setup}"))
}

fn decision<'a>(setup: &'a Value, scenario: &str) -> &'a str {
    check(setup, scenario)["decision"].as_str().unwrap()
}

/// Keys of a JSON object, in order.
fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn ok_cli_exports_json_shape_and_decisions() {
    let (code, v) = access_json(&[&setup("ok-cli-exports")]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(keys(&v), ["version", "setups"]);
    assert_eq!(v["version"], 1);
    let setups = v["setups"].as_array().unwrap();
    assert_eq!(setups.len(), 1);
    let s = &setups[0];
    assert_eq!(keys(s), ["role_arn", "key_arn", "checks"]);
    // Taken from the `get-role` and `describe-key` exports.
    assert_eq!(s["role_arn"], ROLE);
    assert_eq!(s["key_arn"], KEY);
    for c in s["checks"].as_array().unwrap() {
        assert_eq!(keys(c), ["scenario", "principal", "action", "resource", "expected", "decision", "deciding"]);
        for d in c["deciding"].as_array().unwrap() {
            assert_eq!(keys(d), ["file", "line", "column"]);
        }
    }
    let assume = check(s, "pinecone-assume");
    assert_eq!(assume["expected"], "allowed");
    assert_eq!(assume["decision"], "allowed");
    assert_eq!(assume["action"], "sts:AssumeRole");
    assert_eq!(assume["resource"], ROLE);
    assert_eq!(assume["principal"], format!("arn:aws:iam::{PINECONE}:role/pinecone_cmek_access_us-east-1"));
    let d = &assume["deciding"][0];
    assert!(d["file"].as_str().unwrap().ends_with("get-role.json"), "{d}");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(11), Some(17)));
    // The external ID the trust policy requires is taken from it: the scenario without it runs.
    assert_eq!(decision(s, "pinecone-assume-without-external-id"), "denied");
    for (scenario, want) in [
        ("other-account-assume", "denied"),
        ("pinecone-other-role-assume", "denied"),
        ("anonymous-assume", "denied"),
        ("role-encrypt", "allowed"),
        ("role-decrypt", "allowed"),
        // The key policy delegates to IAM and the role's permissions policies are not given.
        ("role-key-admin", "unknown"),
        ("other-account-key-use", "denied"),
    ] {
        assert_eq!(decision(s, scenario), want, "{scenario}");
    }
    let encrypt = check(s, "role-encrypt");
    assert_eq!(encrypt["resource"], KEY);
    let d = &encrypt["deciding"][0];
    assert!(d["file"].as_str().unwrap().ends_with("kms-get-key-policy.json"), "{d}");
    assert_eq!(d["line"], 2);
}

#[test]
fn permissions_policy_of_the_export_decides_key_admin() {
    let (code, v) = access_json(&[&setup("ok-cli-exports-root-and-permissions")]);
    assert_eq!(code, Some(0), "{v}");
    let s = &v["setups"][0];
    assert_eq!(decision(s, "role-encrypt"), "allowed");
    assert_eq!(decision(s, "role-key-admin"), "denied");
    let files: Vec<&str> =
        check(s, "role-encrypt")["deciding"].as_array().unwrap().iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert!(files.iter().any(|f| f.ends_with("get-role-policy.json")), "{files:?}");
}

#[test]
fn key_policy_naming_another_role_denies_the_role_and_exits_1() {
    let (code, v) = access_json(&[&setup("bad-CMK604-other-key")]);
    assert_eq!(code, Some(1), "{v}");
    let s = &v["setups"][0];
    assert_eq!(decision(s, "role-encrypt"), "denied");
    assert_eq!(decision(s, "role-decrypt"), "denied");
    assert_eq!(decision(s, "pinecone-assume"), "allowed");
    // Human output: ✗ on the row, and the counterexample request.
    let (code, out, _) = access(&["--color", "never", &setup("bad-CMK604-other-key")]);
    assert_eq!(code, Some(1));
    let row = out.lines().find(|l| l.contains("role-encrypt")).unwrap();
    assert!(row.trim_start().starts_with('✗'), "{out}");
    assert!(out.contains("counterexample: arn:aws:sts::493820715560:assumed-role/pinecone-cmek/"), "{out}");
    assert!(!out.contains("\x1b["), "no colour with --color never: {out}");
}

#[test]
fn region_not_trusted_denies_pinecone_assume() {
    let (code, v) = access_json(&[&setup("bad-CMK605-region-not-trusted")]);
    assert_eq!(code, Some(1), "{v}");
    let assume = check(&v["setups"][0], "pinecone-assume");
    assert_eq!(assume["decision"], "denied");
    // The trust policy names us-west-2 and eu-west-1: Pinecone's us-east-1 role is the witness.
    assert_eq!(assume["principal"], format!("arn:aws:iam::{PINECONE}:role/pinecone_cmek_access_us-east-1"));
    // With only the regions it trusts, Pinecone gets in.
    let (code, v) = access_json(&["--regions", "us-west-2,eu-west-1", &setup("bad-CMK605-region-not-trusted")]);
    assert_eq!(decision(&v["setups"][0], "pinecone-assume"), "allowed", "{v}");
    assert_eq!(code, Some(0), "{v}");
}

#[test]
fn human_output_is_an_aligned_table() {
    let (code, out, _) = access(&["--color", "never", &setup("ok-cli-exports")]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("role {ROLE}")), "{out}");
    let header = out.lines().find(|l| l.contains("scenario") && l.contains("deciding")).unwrap();
    let col = header.find("decision").unwrap();
    let row = out.lines().find(|l| l.contains("role-encrypt")).unwrap();
    assert!(row.trim_start().starts_with('✓'), "{out}");
    // Columns line up (the mark is one character of several bytes).
    let chars_before = |s: &str, at: usize| s[..at].chars().count();
    let row_col = row.find("allowed   allowed").map(|i| i + "allowed   ".len()).unwrap();
    assert_eq!(chars_before(row, row_col), chars_before(header, col), "{out}");
    assert!(row.contains("kms-get-key-policy.json:2"), "{row}");
    assert!(out.contains("? role-key-admin"), "{out}");
    assert!(out.contains("1 setup, 9 scenarios: 0 unexpected, 1 unknown"), "{out}");
}

const MFA_TRUST: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowPinecone",
      "Effect": "Allow",
      "Principal": {"AWS": ["arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"]},
      "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": "8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03"}}
    },
    {
      "Sid": "RequireMFA",
      "Effect": "Deny",
      "Principal": {"AWS": "*"},
      "Action": "sts:AssumeRole",
      "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    }
  ]
}
"#;

#[test]
fn issue_mfa_deny_trust_policy_denies_pinecone_assume() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "setup/trust-policy.json", MFA_TRUST);
    let folder = dir.path().join("setup").display().to_string();
    let (code, v) = access_json(&["--role-arn", ROLE, "--external-id", EXTERNAL_ID, "--regions", "us-east-1", &folder]);
    assert_eq!(code, Some(1), "{v}");
    let s = &v["setups"][0];
    assert_eq!(s["role_arn"], ROLE);
    assert_eq!(s["key_arn"], Value::Null);
    let assume = check(s, "pinecone-assume");
    assert_eq!(assume["decision"], "denied");
    let d = &assume["deciding"][0];
    assert!(d["file"].as_str().unwrap().ends_with("trust-policy.json"), "{d}");
    assert_eq!(d["line"], 11, "the RequireMFA statement: {d}");
    // No key policy and no key ARN: the key scenarios are unknown, not failures.
    assert_eq!(decision(s, "role-encrypt"), "unknown");
    assert_eq!(check(s, "role-encrypt")["deciding"], Value::Array(vec![]));
}

/// A trust policy alone (the role not created yet): the role's ARN is not invented in the
/// report (`role_arn` stays null, the table says `(unknown)`), but the trust is evaluated
/// under a stand-in ARN the note names, since who may assume a role does not depend on its
/// ARN (context keys about the resource's account are unknown to the evaluator anyway). So
/// the MFA `Deny` is shown to lock Pinecone out before the role exists.
#[test]
fn missing_role_arn_is_a_named_stand_in_not_a_reported_value() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "trust-policy.json", MFA_TRUST);
    let folder = dir.path().display().to_string();
    let (code, v) = access_json(&[&folder]);
    assert_eq!(code, Some(1), "the Deny blocks Pinecone: {v}");
    let s = &v["setups"][0];
    assert_eq!(s["role_arn"], Value::Null);
    let assume = check(s, "pinecone-assume");
    assert_eq!(assume["decision"], "denied");
    assert_eq!(assume["deciding"][0]["line"], 11, "the MFA Deny: {assume}");
    assert_eq!(assume["resource"], "arn:aws:iam::111122223333:role/cmek-role");
    let (_, out, _) = access(&["--color", "never", &folder]);
    assert!(out.contains("role (unknown)"), "{out}");
    assert!(out.contains("role ARN not known: evaluated as `arn:aws:iam::111122223333:role/cmek-role`"), "{out}");
    // Without Pinecone's account there is nothing to evaluate: reported, not guessed.
    let o = bin().args(["access", "--isolated", "--format", "json", &folder]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "unknown is not a difference");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(check(&v["setups"][0], "pinecone-assume")["decision"], "unknown");
}

#[test]
fn usage_and_io_errors_exit_2() {
    let (code, _, err) = access(&["/nonexistent/cmek-setup"]);
    assert_eq!(code, Some(2), "{err}");
    let (code, _, err) = access(&["--regions", "mars-east-1", &setup("ok-cli-exports")]);
    assert_eq!(code, Some(2), "{err}");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "trust-policy.json", "{\"Version\": \"2012-10-17\", \"Statement\": [");
    let (code, _, err) = access(&[&dir.path().display().to_string()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("trust-policy.json"), "{err}");
    // Nothing evaluated is not a clean run.
    let empty = tempfile::tempdir().unwrap();
    write(empty.path(), "notes.json", "{\"hello\": 1}");
    let (code, out, err) = access(&[&empty.path().display().to_string()]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(err.contains("nothing checked"), "{err}");
}

#[test]
fn terraform_file_reference_is_one_setup() {
    // The trust policy in `a-trust-policy.json` is read by `main.tf`'s role: one setup, not two.
    let (code, v) = access_json(&["--role-arn", ROLE, &setup("ok-terraform-trust-policy-file")]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["setups"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(decision(&v["setups"][0], "pinecone-assume"), "allowed");
}

#[test]
fn file_read_from_a_subfolder_belongs_to_the_module_reading_it() {
    // `files/` sorts before `main.tf`: the trust policy is walked alone first, then read by the
    // role of `main.tf`; it is that role's.
    let (code, v) = access_json(&["--role-arn", ROLE, &setup("ok-terraform-trust-policy-in-files-folder")]);
    assert_eq!(code, Some(0), "{v}");
    let with_trust: Vec<&Value> =
        v["setups"].as_array().unwrap().iter().filter(|s| decision(s, "pinecone-assume") == "allowed").collect();
    assert_eq!(with_trust.len(), 1, "{v}");
    // The key policy export of `files/` is a setup of its own, without a trust policy: its
    // assume scenarios say so.
    let (_, out, _) =
        access(&["--color", "never", "--role-arn", ROLE, &setup("ok-terraform-trust-policy-in-files-folder")]);
    assert!(out.contains("no trust policy found for the role"), "{out}");
}

#[test]
fn cloudformation_references_name_the_setup_s_role_and_key() {
    // `corpus/cloudformation-refs`: the key policy grants `kms:*` to `!GetAtt
    // PineconeCMEKRole.Arn`; evaluated as the configured CMEK role, whose sessions can then
    // administer the key: `role-key-admin` is allowed, a difference (exit 1).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/cloudformation-refs").display().to_string();
    let (code, v) = access_json(&["--role-arn", ROLE, "--key-arn", KEY, &dir]);
    assert_eq!(code, Some(1), "{v}");
    let s = &v["setups"][0];
    assert_eq!(decision(s, "role-key-admin"), "allowed");
    assert_eq!(decision(s, "role-encrypt"), "allowed");
    let c = check(s, "role-key-admin");
    assert_eq!(c["principal"], ROLE);
    assert_eq!(c["deciding"][0]["line"], 50, "{c}");
    // A role ARN of another name is not the template's `PineconeCMEKRole` (`RoleName`
    // defaults to `pinecone-cmek`): its grant is not taken for that role, the key scenarios
    // stay undecided by it.
    let other = "arn:aws:iam::493820715560:role/someone-else";
    let (_, v) = access_json(&["--role-arn", other, "--key-arn", KEY, &dir]);
    assert_ne!(decision(&v["setups"][0], "role-encrypt"), "allowed", "{v}");
}

#[test]
fn terraform_variable_defaults_resolve_unless_a_tfvars_file_sets_them() {
    // The module's `variables.tf` gives the external ID a default; `main.tf` uses it.
    let dir = tempfile::tempdir().unwrap();
    let vars = "variable \"external_id\" {\n  default = \"8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03\"\n}\n";
    write(dir.path(), "variables.tf", vars);
    let main = r#"resource "aws_iam_role" "pinecone" {
  name = "pinecone-cmek"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}
"#;
    write(dir.path(), "main.tf", main);
    let path = dir.path().display().to_string();
    let args = ["--role-arn", ROLE, "--regions", "us-east-1", &path];
    let (code, v) = access_json(&args);
    assert_eq!(code, Some(0), "{v}");
    // The external ID is taken from the trust policy, resolved from the default.
    assert_eq!(decision(&v["setups"][0], "pinecone-assume"), "allowed", "{v}");
    assert_eq!(decision(&v["setups"][0], "pinecone-assume-without-external-id"), "denied", "{v}");
    // A `.tfvars` file setting it: the default is not what is deployed, the value is unknown.
    write(dir.path(), "terraform.tfvars", "external_id = \"another\"\n");
    let (_, v) = access_json(&["--external-id", EXTERNAL_ID, "--role-arn", ROLE, "--regions", "us-east-1", &path]);
    assert_eq!(decision(&v["setups"][0], "pinecone-assume"), "unknown", "{v}");
}

/// A role's identity policies are unioned: with two inline policies exported, one granting
/// `kms:Encrypt` and the other `kms:Decrypt`, both scenarios are allowed (each decided by its
/// own file), and a `Deny` in a third decides `role-decrypt` from that file.
#[test]
fn several_permissions_policies_of_the_role_are_evaluated_together() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/setups/ok-cli-exports-root-and-permissions");
    let t = tempfile::tempdir().unwrap();
    for f in ["get-role.json", "kms-describe-key.json", "kms-get-key-policy.json"] {
        std::fs::copy(src.join(f), t.path().join(f)).unwrap();
    }
    let inline = |name: &str, effect: &str, action: &str| {
        format!(
            r#"{{"RoleName": "pinecone-cmek", "PolicyName": "{name}", "PolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}", "Action": "{action}", "Resource": "{KEY}"}}]}}}}"#
        )
    };
    write(t.path(), "get-role-policy-encrypt.json", &inline("encrypt", "Allow", "kms:Encrypt"));
    write(t.path(), "get-role-policy-decrypt.json", &inline("decrypt", "Allow", "kms:Decrypt"));
    let dir = t.path().display().to_string();
    let (code, v) = access_json(&[&dir]);
    assert_eq!(code, Some(0), "{v}");
    let s = &v["setups"][0];
    let files = |scenario: &str| -> Vec<String> {
        check(s, scenario)["deciding"].as_array().unwrap().iter().map(|d| d["file"].as_str().unwrap().into()).collect()
    };
    assert_eq!(decision(s, "role-encrypt"), "allowed");
    assert!(files("role-encrypt").iter().any(|f| f.ends_with("get-role-policy-encrypt.json")), "{v}");
    assert_eq!(decision(s, "role-decrypt"), "allowed");
    assert!(files("role-decrypt").iter().any(|f| f.ends_with("get-role-policy-decrypt.json")), "{v}");
    // Every identity policy is in view, none allows administration.
    assert_eq!(decision(s, "role-key-admin"), "denied");

    write(t.path(), "get-role-policy-no-decrypt.json", &inline("no-decrypt", "Deny", "kms:Decrypt"));
    let (code, v) = access_json(&[&dir]);
    assert_eq!(code, Some(1), "{v}");
    let s = &v["setups"][0];
    assert_eq!(decision(s, "role-encrypt"), "allowed");
    assert_eq!(decision(s, "role-decrypt"), "denied");
    let files: Vec<&str> =
        check(s, "role-decrypt")["deciding"].as_array().unwrap().iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert!(files.iter().any(|f| f.ends_with("get-role-policy-no-decrypt.json")), "{files:?}");
}

/// A trust policy whose external ID is a deploy-time value (a CloudFormation parameter without
/// a default): Pinecone sends what the customer enters, which cmek-lint cannot know, so
/// `pinecone-assume` is unknown (exit 0), not "denied" for want of an external ID; with
/// `--external-id` too (the parameter's value is still unknown).
#[test]
fn a_deploy_time_external_id_makes_the_assume_requests_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let stack = "Parameters:\n  ExternalId: {Type: String, AllowedPattern: \"[0-9a-f-]{36}\"}\nResources:\n  PineconeCMEKRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1}\n            Action: sts:AssumeRole\n            Condition: {StringEquals: {sts:ExternalId: !Ref ExternalId}}\n";
    write(dir.path(), "stack.yaml", stack);
    let folder = dir.path().display().to_string();
    let (code, v) = access_json(&["--regions", "us-east-1", &folder]);
    assert_eq!(code, Some(0), "{v}");
    let s = &v["setups"][0];
    assert_eq!(decision(s, "pinecone-assume"), "unknown", "{v}");
    assert_eq!(decision(s, "other-account-assume"), "denied", "{v}");
    let (_, out, _) = access(&["--color", "never", "--regions", "us-east-1", &folder]);
    assert!(out.contains("external ID not known (a deploy-time value in the trust policy)"), "{out}");
    let (code, v) = access_json(&["--regions", "us-east-1", "--external-id", EXTERNAL_ID, &folder]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(decision(&v["setups"][0], "pinecone-assume"), "unknown", "the parameter's value is still unknown: {v}");
}

/// A trust naming one *session* of Pinecone's role (`assumed-role/pinecone_cmek_access_…/x`):
/// Pinecone picks its session names, which cmek-lint cannot know, so whether its request is
/// that session is unknown, not "denied" because of the session name the simulation uses.
/// Another account's session of a role of that name is still denied.
#[test]
fn a_principal_naming_a_session_of_pinecone_s_role_is_unknown_not_denied() {
    let dir = tempfile::tempdir().unwrap();
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::905418236187:assumed-role/pinecone_cmek_access_us-east-1/indexer"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03"}}}]}"#;
    write(dir.path(), "trust-policy.json", trust);
    let folder = dir.path().display().to_string();
    let (code, v) = access_json(&["--regions", "us-east-1", "--role-arn", ROLE, &folder]);
    assert_eq!(code, Some(0), "{v}");
    let s = &v["setups"][0];
    assert_eq!(decision(s, "pinecone-assume"), "unknown", "{v}");
    assert_eq!(decision(s, "other-account-assume"), "denied", "{v}");
}
