//! Whole-setup audit (cross-document rules, CMK6xx) and `cmek-lint preflight`.
//!
//! Every `corpus/setups/<name>/` folder is checked on its own: `ok-*` folders are correct
//! setups and must produce no CMK6xx finding; `bad-CMK6nn-*` folders must produce CMK6nn, with
//! a secondary label (in the other file, for setups spread over several files). The human
//! output of each folder is snapshotted.

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cmek-lint"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn folders() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/setups");
    let mut dirs: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    dirs
}

fn json(dir: &str) -> serde_json::Value {
    let out =
        bin().args(["check", "--isolated", "--format", "json"]).arg(format!("corpus/setups/{dir}")).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_setup_folder_fires_exactly_what_its_name_says() {
    let mut failures = Vec::new();
    let dirs = folders();
    assert!(dirs.iter().any(|d| d.starts_with("ok-")) && dirs.iter().any(|d| d.starts_with("bad-")));
    for dir in &dirs {
        let v = json(dir);
        let cross: Vec<&serde_json::Value> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"].as_str().unwrap().starts_with("CMK6"))
            .collect();
        let codes: Vec<&str> = cross.iter().map(|d| d["code"].as_str().unwrap()).collect();
        if dir.starts_with("ok-") {
            if !codes.is_empty() {
                failures.push(format!("{dir}: correct setup fires {codes:?}"));
            }
            if v["setups"].as_array().is_none_or(|s| s.is_empty()) {
                failures.push(format!("{dir}: no setup found"));
            }
            continue;
        }
        let want = &dir[4..10];
        if !codes.contains(&want) {
            failures.push(format!("{dir}: {want} does not fire (got {codes:?})"));
        }
        for d in &cross {
            let labels = d["labels"].as_array().unwrap();
            if labels.is_empty() {
                failures.push(format!("{dir}: {} has no secondary label", d["code"]));
            }
            let files =
                std::fs::read_dir(format!("{}/corpus/setups/{dir}", env!("CARGO_MANIFEST_DIR"))).unwrap().count();
            if files > 1 && labels.iter().all(|l| l["file"].as_str().is_none_or(|f| f == d["file"].as_str().unwrap())) {
                failures.push(format!("{dir}: {} does not name the other file", d["code"]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn setup_snapshots() {
    for dir in folders() {
        let out =
            bin().args(["check", "--isolated", "--no-color"]).arg(format!("corpus/setups/{dir}")).output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        insta::assert_snapshot!(format!("setup__{dir}"), format!("exit code: {:?}\n\n{stdout}", out.status.code()));
    }
}

#[test]
fn json_lists_the_setups() {
    let v = json("ok-cli-exports");
    let setups = v["setups"].as_array().unwrap();
    assert_eq!(setups.len(), 1);
    let s = &setups[0];
    assert_eq!(s["role"]["arn"], "arn:aws:iam::493820715560:role/pinecone-cmek");
    assert_eq!(s["key"]["arn"], "arn:aws:kms:us-east-1:493820715560:key/8c2f41d0-7a9e-4b35-b1e6-f0c3d4a5b6c7");
    assert!(s["key_policy"]["file"].as_str().unwrap().ends_with("kms-get-key-policy.json"));
    assert!(s["role"]["trust_policy"]["file"].as_str().unwrap().ends_with("get-role.json"));
    assert!(s["values"].is_object());
}

#[test]
fn human_output_shows_the_other_file() {
    let out =
        bin().args(["check", "--isolated", "--no-color", "corpus/setups/bad-CMK601-other-role"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--> corpus/setups/bad-CMK601-other-role/kms-get-key-policy.json:"), "{text}");
    assert!(text.contains("--> corpus/setups/bad-CMK601-other-role/get-role.json:16:29"), "{text}");
}

fn preflight(args: &[&str]) -> (String, Option<i32>) {
    let out = bin().arg("preflight").args(args).output().unwrap();
    (String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap(), out.status.code())
}

const ROLE: &str = "arn:aws:iam::493820715560:role/pinecone-cmek";
const KEY: &str = "arn:aws:kms:us-east-1:493820715560:key/8c2f41d0-7a9e-4b35-b1e6-f0c3d4a5b6c7";
const EXT: &str = "8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03";

#[test]
fn preflight_passes_a_correct_setup() {
    let (out, code) =
        preflight(&["--role-arn", ROLE, "--key-arn", KEY, "--external-id", EXT, "corpus/setups/ok-cli-exports"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("✓ Role ARN matches the role"), "{out}");
    assert!(!out.contains('✗'), "{out}");
}

#[test]
fn preflight_fails_on_bad_values_and_mismatches() {
    let mrk = "arn:aws:kms:eu-north-1:493820715560:key/mrk-8c2f41d07a9e4b35b1e6f0c3d4a5b6c7";
    let (out, code) =
        preflight(&["--role-arn", "arn:aws:iam::XXXXXXXXXXXX:role/x", "--key-arn", mrk, "--external-id", "abc"]);
    assert_eq!(code, Some(1), "{out}");
    for want in ["✗ Role ARN", "✗ Key region", "✗ Single-Region key", "✗ External ID"] {
        assert!(out.contains(want), "{want}: {out}");
    }
    let (out, code) = preflight(&[
        "--role-arn",
        ROLE,
        "--key-arn",
        KEY,
        "--external-id",
        "6f1c2b3a-1111-4222-8333-444455556666",
        "corpus/setups/bad-CMK601-other-role",
    ]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("✗ External ID matches the trust policy"), "{out}");
    assert!(out.contains("✗ Role, key and policies fit together") && out.contains("CMK601"), "{out}");
}

#[test]
fn preflight_usage_errors_exit_2() {
    let (_, code) = preflight(&["--role-arn", ROLE]);
    assert_eq!(code, Some(2));
}

#[test]
fn preflight_takes_the_values_from_cmek_lint_toml() {
    let t = tempfile::tempdir().unwrap();
    let setup = t.path().join("cmek-setup");
    std::fs::create_dir(&setup).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/setups/ok-cli-exports");
    for f in ["get-role.json", "kms-get-key-policy.json", "kms-describe-key.json"] {
        std::fs::copy(src.join(f), setup.join(f)).unwrap();
    }
    let config = |external_id: &str| {
        format!("[customer]\nrole_arn = \"{ROLE}\"\nkey_arn = \"{KEY}\"\nexternal_id = \"{external_id}\"\n")
    };
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_cmek-lint"))
            .current_dir(t.path())
            .arg("preflight")
            .args(args)
            .output()
            .unwrap();
        (String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap(), out.status.code())
    };

    std::fs::write(t.path().join("cmek-lint.toml"), config(EXT)).unwrap();
    let (out, code) = run(&["cmek-setup"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("✓ Role ARN: `{ROLE}`")) && out.contains("✓ External ID matches"), "{out}");

    // The config's external id is checked against the trust policy; a flag overrides it.
    std::fs::write(t.path().join("cmek-lint.toml"), config("6f1c2b3a-1111-4222-8333-444455556666")).unwrap();
    let (out, code) = run(&["cmek-setup"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("✗ External ID matches the trust policy") && out.contains(EXT), "{out}");
    let (out, code) = run(&["--external-id", EXT, "cmek-setup"]);
    assert_eq!(code, Some(0), "{out}");

    // Without a config, the values are required.
    let (out, code) = run(&["--isolated", "cmek-setup"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("--role-arn"), "{out}");
}

#[test]
fn findings_against_the_config_point_into_cmek_lint_toml() {
    let t = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/setups/ok-cli-exports");
    for f in ["get-role.json", "kms-get-key-policy.json", "kms-describe-key.json"] {
        std::fs::copy(src.join(f), t.path().join(f)).unwrap();
    }
    let other_key = "arn:aws:kms:us-east-1:493820715560:key/00000000-7a9e-4b35-b1e6-f0c3d4a5b6c7";
    let other_id = "6f1c2b3a-1111-4222-8333-444455556666";
    std::fs::write(
        t.path().join("cmek-lint.toml"),
        format!("[customer]\nkey_arn = \"{other_key}\"\nexternal_id = \"{other_id}\"\n"),
    )
    .unwrap();
    let out =
        Command::new(env!("CARGO_BIN_EXE_cmek-lint")).current_dir(t.path()).args(["--no-color", "."]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    // One finding per problem, each pointing at the policy and at the config line.
    assert_eq!(text.matches("error[CMK603]").count(), 1, "{text}");
    assert!(!text.contains("CMK210"), "{text}");
    assert!(
        text.contains("--> cmek-lint.toml:3:15") && text.contains("the external id configured for Pinecone"),
        "{text}"
    );
    assert_eq!(text.matches("error[CMK604]").count(), 1, "{text}");
    assert!(text.contains("--> cmek-lint.toml:2:11") && text.contains("the key ARN configured for Pinecone"), "{text}");
}

#[test]
fn a_configured_multi_region_key_is_reported_when_its_metadata_is_not_exported() {
    let t = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/setups/ok-cli-exports");
    for f in ["get-role.json", "kms-get-key-policy.json"] {
        std::fs::copy(src.join(f), t.path().join(f)).unwrap();
    }
    let run = |key_arn: &str| {
        std::fs::write(t.path().join("cmek-lint.toml"), format!("[customer]\nkey_arn = \"{key_arn}\"\n")).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_cmek-lint"))
            .current_dir(t.path())
            .args(["--no-color", "--format", "concise", "."])
            .output()
            .unwrap();
        (String::from_utf8(out.stdout).unwrap(), out.status.code())
    };
    let (text, code) = run("arn:aws:kms:us-east-1:493820715560:key/mrk-8c2f41d07a9e4b35b1e6f0c3d4a5b6c7");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("kms-get-key-policy.json:2:16: error[CMK604]")
            && text.contains("multi-Region")
            && text.contains("[cmek-lint.toml:2:11: the key ARN configured for Pinecone]"),
        "{text}"
    );
    let (text, code) = run("arn:aws:kms:sa-east-1:493820715560:key/8c2f41d0-7a9e-4b35-b1e6-f0c3d4a5b6c7");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("error[CMK604]") && text.contains("`sa-east-1`, a region Pinecone does not run in"),
        "{text}"
    );
    let (text, code) = run(KEY);
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn console_values_can_be_given_as_flags() {
    let run = |args: &[&str]| {
        let out = bin()
            .args(["--isolated", "--format", "concise"])
            .args(args)
            .arg("corpus/setups/ok-cli-exports")
            .output()
            .unwrap();
        (String::from_utf8(out.stdout).unwrap(), out.status.code())
    };
    let (text, code) = run(&["--role-arn", ROLE, "--key-arn", KEY, "--external-id", EXT]);
    assert_eq!((text.as_str(), code), ("", Some(0)));
    let (text, code) = run(&["--external-id", "6f1c2b3a-1111-4222-8333-444455556666"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("get-role.json:23:47: error[CMK603]"), "{text}");
    let (text, code) =
        run(&["--key-arn", "arn:aws:kms:us-east-1:493820715560:key/00000000-7a9e-4b35-b1e6-f0c3d4a5b6c7"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("kms-describe-key.json:2:5: error[CMK604]"), "{text}");
}

/// A trust policy file that Terraform reads with `file()` is the role's trust policy, whether
/// the walk meets it before or after the `.tf` file: one setup, whose role has the Terraform
/// address and name, not a second, nameless role of the folder.
#[test]
fn a_file_read_by_terraform_belongs_to_the_resource_reading_it() {
    let v = json("ok-terraform-trust-policy-file");
    let setups = v["setups"].as_array().unwrap();
    assert_eq!(setups.len(), 1, "{setups:?}");
    let role = &setups[0]["role"];
    assert_eq!(role["ids"], serde_json::json!(["aws_iam_role.pinecone_cmek", "pinecone-cmek"]));
    assert!(role["trust_policy"]["file"].as_str().unwrap().ends_with("a-trust-policy.json"), "{role}");
    assert_eq!(v["summary"]["files_checked"], 2);

    let v = json("ok-terraform-key-policy-file");
    let setups = v["setups"].as_array().unwrap();
    assert_eq!(setups.len(), 1, "{setups:?}");
    assert_eq!(setups[0]["folder"], "corpus/setups/ok-terraform-key-policy-file");
    assert_eq!(setups[0]["key"]["ids"], serde_json::json!(["aws_kms_key.pinecone_cmek"]));
    assert!(setups[0]["key_policy"]["file"].as_str().unwrap().ends_with("policies/key-policy.json"));
}

/// A trust policy given on standard input is a setup of its own, listed first in `setups`.
#[test]
fn standard_input_is_a_setup_of_its_own() {
    use std::io::Write;
    let trust = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/trust/guide-a-explicit-regions-external-id.json"),
    )
    .unwrap();
    let mut child = bin()
        .args(["check", "--isolated", "--format", "json", "-", "corpus/setups/ok-cli-exports"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(trust.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let setups = v["setups"].as_array().unwrap();
    assert_eq!(setups.len(), 2, "{setups:?}");
    assert_eq!(setups[0]["role"]["trust_policy"]["file"], "<stdin>");
    assert_eq!(setups[1]["folder"], "corpus/setups/ok-cli-exports");
}

/// `cmek-lint access --format json` on a corpus folder, with the CMEK role and key.
fn access_checks(dir: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let out = bin()
        .args(["access", "--isolated", "--format", "json", "--pinecone-account", "905418236187"])
        .args(["--regions", "us-east-1,us-west-2", "--role-arn", "arn:aws:iam::493820715560:role/pinecone-cmek"])
        .args(["--key-arn", "arn:aws:kms:us-east-1:493820715560:key/8c2f41d0-7a9e-4b35-b1e6-f0c3d4a5b6c7"])
        .args(extra)
        .arg(dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["setups"].as_array().unwrap().len(), 1, "{v}");
    v["setups"][0]["checks"].as_array().unwrap().clone()
}

fn decision_of<'a>(checks: &'a [serde_json::Value], scenario: &str) -> &'a serde_json::Value {
    checks.iter().find(|c| c["scenario"] == scenario).unwrap_or_else(|| panic!("no {scenario}"))
}

#[test]
fn a_cloudformation_key_policy_granting_kms_star_to_getatt_role_arn_lets_the_cmek_role_administer_the_key() {
    let dir = "corpus/cloudformation-refs";
    // Setup facts: the role (its name resolved from the `RoleName` parameter's default) and the
    // key policy are one setup; the key policy's `!GetAtt PineconeCMEKRole.Arn` grant is the
    // role's (no CMK601 "other role", no CMK602 "role has no key access").
    let v = bin().args(["check", "--isolated", "--format", "json", dir]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let setups = v["setups"].as_array().unwrap();
    assert_eq!(setups.len(), 1, "{v}");
    assert_eq!(setups[0]["role"]["name"], "pinecone-cmek");
    assert!(setups[0]["role"]["ids"].as_array().unwrap().iter().any(|i| i == "PineconeCMEKRole"));
    assert!(setups[0]["key_policy"]["origin"].as_str().unwrap().ends_with("PineconeCmek.KeyPolicy"));
    let codes: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(!codes.contains(&"CMK601") && !codes.contains(&"CMK602"), "{codes:?}");
    // Evaluated: the role's sessions may encrypt, decrypt and administer the key, through the
    // `AllowPineconeUseOfTheKey` statement (line 50); before references were resolved, the
    // principal `${PineconeCMEKRole.Arn}` made every key scenario unknown.
    let checks = access_checks(dir, &[]);
    for scenario in ["role-encrypt", "role-decrypt", "role-key-admin"] {
        let c = decision_of(&checks, scenario);
        assert_eq!(c["decision"], "allowed", "{scenario}: {c}");
        assert_eq!(c["deciding"][0]["line"], 50, "{scenario}: {c}");
    }
    assert_eq!(decision_of(&checks, "role-key-admin")["expected"], "denied");
    assert_eq!(decision_of(&checks, "other-account-key-use")["decision"], "denied");
    // The placeholder `Default` of `ExternalId` is not taken for a value: with an external ID
    // sent, whether the trust policy's condition holds is unknown.
    let checks = access_checks(dir, &["--external-id", "8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03"]);
    assert_eq!(decision_of(&checks, "pinecone-assume")["decision"], "unknown");
}

#[test]
fn a_terraform_key_policy_naming_the_role_s_arn_attribute_grants_the_cmek_role() {
    let checks = access_checks("corpus/terraform-refs", &[]);
    for scenario in ["role-encrypt", "role-decrypt"] {
        assert_eq!(decision_of(&checks, scenario)["decision"], "allowed", "{scenario}");
    }
    // Only `kms:Encrypt` and `kms:Decrypt` for the role; the account statement delegates to IAM
    // policies, and the role has none in view: unknown, not allowed.
    assert_ne!(decision_of(&checks, "role-key-admin")["decision"], "allowed");
    // The trust policy's principals come from a local over a variable's default; its external ID
    // from another variable's default.
    assert_eq!(decision_of(&checks, "pinecone-assume")["decision"], "allowed");
}

/// A CloudFormation template creating the CMEK role and the key, whose key policy names the role
/// by `!GetAtt` in a `Deny` with `NotPrincipal` (which does not exempt the role's sessions).
const NOT_PRINCIPAL_TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  PineconeCMEKRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: pinecone-cmek
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: 8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03
  PineconeCmek:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: Root
            Effect: Allow
            Principal:
              AWS: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root
            Action: kms:*
            Resource: "*"
          - Sid: Role
            Effect: Allow
            Principal:
              AWS: !GetAtt PineconeCMEKRole.Arn
            Action: [kms:Encrypt, kms:Decrypt]
            Resource: "*"
          - Sid: OnlyTheRole
            Effect: Deny
            NotPrincipal:
              AWS:
                - !GetAtt PineconeCMEKRole.Arn
                - !Sub arn:aws:iam::${AWS::AccountId}:root
            Action: kms:*
            Resource: "*"
"#;

#[test]
fn with_the_role_configured_a_template_s_getatt_role_arn_is_evaluated_as_that_role() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pinecone-cmek.yaml"), NOT_PRINCIPAL_TEMPLATE).unwrap();
    let run = |extra: &[&str]| {
        let out = bin()
            .args(["check", "--isolated", "--format", "json", "--pinecone-account", "905418236187"])
            .args(extra)
            .arg(dir.path())
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["diagnostics"].as_array().unwrap().clone()
    };
    // Unconfigured: the role's ARN is unknown, so is the Deny's effect on it: no certain finding.
    assert!(!run(&[]).iter().any(|d| d["code"] == "CMK309"));
    // Configured: `!GetAtt PineconeCMEKRole.Arn` is that role, `${AWS::AccountId}` its account;
    // the Deny certainly denies the role's sessions.
    let role = "arn:aws:iam::493820715560:role/pinecone-cmek";
    let found = run(&["--role-arn", role]);
    let d = found.iter().find(|d| d["code"] == "CMK309").unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(d["severity"], "error", "{d}");
    assert!(d["message"].as_str().unwrap().contains(role), "{d}");
    // A role of another name is not the template's role: nothing is bound.
    let other = run(&["--role-arn", "arn:aws:iam::493820715560:role/other"]);
    assert!(!other.iter().any(|d| d["code"] == "CMK309" && d["severity"] == "error"), "{other:?}");
}

#[test]
fn a_placeholder_default_in_another_file_of_the_module_is_reported_where_a_policy_uses_it() {
    let dir = tempfile::tempdir().unwrap();
    let vars = "variable \"pinecone_account_id\" {\n  default = \"XXXXXXXXXXXX\"\n}\n";
    std::fs::write(dir.path().join("variables.tf"), vars).unwrap();
    let main = r#"resource "aws_iam_role" "pinecone" {
  name = "pinecone-cmek"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.pinecone_account_id}:role/pinecone_cmek_access_us-east-1" }
      Action    = "sts:AssumeRole"
    }]
  })
}
"#;
    std::fs::write(dir.path().join("main.tf"), main).unwrap();
    let out = bin().args(["check", "--isolated", "--format", "json"]).arg(dir.path()).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<&serde_json::Value> =
        v["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "CMK115").collect();
    assert_eq!(found.len(), 1, "{v}");
    let d = found[0];
    assert!(d["file"].as_str().unwrap().ends_with("main.tf"), "{d}");
    assert_eq!(d["line"], 7, "{d}");
    assert!(d["message"].as_str().unwrap().contains("variables.tf:2"), "{d}");
}

/// `StringEqualsIgnoreCase` on `sts:ExternalId`: the configured id in another case is the one
/// the trust policy accepts (the evaluator says Pinecone can assume), so CMK603 stays silent and
/// preflight agrees; another id is still a mismatch.
#[test]
fn an_ignore_case_external_id_matches_the_configured_one_in_any_case() {
    let t = tempfile::tempdir().unwrap();
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"}, "Action": "sts:AssumeRole", "Condition": {"StringEqualsIgnoreCase": {"sts:ExternalId": "3F1C9A52-7D4E-4B8A-9C61-2E5F0D7A8B94"}}}]}"#;
    std::fs::write(t.path().join("trust-policy.json"), trust).unwrap();
    let run = |id: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_cmek-lint"))
            .current_dir(t.path())
            .args(["check", "--isolated", "--no-color", "--pinecone-account", "905418236187", "--external-id", id, "."])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let out = run("3f1c9a52-7d4e-4b8a-9c61-2e5f0d7a8b94");
    assert!(!out.contains("CMK603"), "{out}");
    let out = run("6f1c2b3a-1111-4222-8333-444455556666");
    assert!(out.contains("error[CMK603]"), "{out}");
}
