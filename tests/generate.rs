//! `cmek-lint generate`: what it writes is clean under cmek-lint itself (`check`, and every
//! `access` scenario decides as expected), for every target ×
//! trust variant × key setup; it refuses what it cannot generate correctly (exit 2); `--out`
//! never overwrites without `--force`.

mod common;
use common::{bin, stderr, stdout};
use std::path::Path;

const PINECONE: &str = "[pinecone]\naccount_id = \"905418236187\"\n";

/// The key setups: a config's `[customer]` section (and extra `[pinecone]` lines), and whether
/// the JSON target can be generated from it.
const SETUPS: &[(&str, &str, &str, bool)] = &[
    // A new key; the role's ARN is known.
    ("new-key-role-arn", "", "role_arn = \"arn:aws:iam::493820715560:role/pinecone-cmek\"\n", true),
    // A new key; the template creates the role under a name (its account is the deployer's).
    ("new-key-role-name", "", "", false),
    // An existing key in the role's account, outside the guide's three regions; role with a path.
    (
        "same-account-key",
        "",
        "role_arn = \"arn:aws:iam::493820715560:role/cmek/pinecone-cmek\"\n\
         key_arn = \"arn:aws:kms:eu-central-1:493820715560:key/3e9b1c52-6d4f-4a8e-9f10-7b2c5d8e1a34\"\n",
        true,
    ),
    // An existing key in another account (the guide's "keys outside your account"), with the
    // external id and the regions configured.
    (
        "cross-account-key",
        "regions = [\"us-east-1\", \"eu-west-1\"]\n",
        "role_arn = \"arn:aws:iam::493820715560:role/pinecone-cmek\"\n\
         key_arn = \"arn:aws:kms:us-east-1:270513964815:key/3e9b1c52-6d4f-4a8e-9f10-7b2c5d8e1a34\"\n\
         external_id = \"8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03\"\n",
        true,
    ),
];

const TARGETS: &[&str] = &["json", "terraform", "cloudformation"];

/// The guide's trust variants (all regions without an external id is refused, see below).
const VARIANTS: &[(&str, &[&str])] = &[
    ("explicit-regions-external-id", &[]),
    ("explicit-regions-no-external-id", &["--no-external-id"]),
    ("all-regions-external-id", &["--all-regions"]),
];

fn config(dir: &Path, name: &str, pinecone: &str, customer: &str) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, format!("{PINECONE}{pinecone}\n[customer]\n{customer}")).unwrap();
    path
}

/// The external id printed as generated, if any.
fn generated_external_id(out: &str) -> Option<String> {
    let line = out.lines().find(|l| l.trim_start().starts_with("External ID:") && l.contains("generated now"))?;
    Some(line.split_whitespace().nth(2)?.to_string())
}

#[test]
fn every_target_and_variant_passes_cmek_lint_check_with_the_same_config() {
    let t = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut runs = 0;
    for (setup, pinecone, customer, json_ok) in SETUPS {
        for target in TARGETS {
            if *target == "json" && !json_ok {
                continue; // refused: see `refuses_what_it_cannot_generate_correctly`
            }
            for (variant, flags) in VARIANTS {
                if customer.contains("external_id") && flags.contains(&"--no-external-id") {
                    continue; // refused: an external id is configured
                }
                let name = format!("{setup}-{target}-{variant}");
                let cfg = config(t.path(), &name, pinecone, customer);
                let out_dir = t.path().join(&name);
                let o = bin()
                    .current_dir(t.path())
                    .args(["generate", "--target", target, "--config"])
                    .arg(&cfg)
                    .arg("--out")
                    .arg(&out_dir)
                    .args(*flags)
                    .output()
                    .unwrap();
                if o.status.code() != Some(0) {
                    failures.push(format!("{name}: generate exits {:?}: {}", o.status.code(), stderr(&o)));
                    continue;
                }
                let printed = stdout(&o);
                assert!(printed.contains("Enter these values in the Pinecone console"), "{name}: {printed}");
                // A generated external id goes into the config, as the output tells the user to
                // do, so that CMK603 compares the trust policy with it.
                if let Some(id) = generated_external_id(&printed) {
                    assert_eq!(cmek_lint::data::uuid_version(&id), Some((true, '4')), "{name}: {id}");
                    let text = std::fs::read_to_string(&cfg).unwrap();
                    std::fs::write(&cfg, format!("{text}external_id = \"{id}\"\n")).unwrap();
                } else {
                    assert!(flags.contains(&"--no-external-id") || customer.contains("external_id"), "{name}");
                }
                let o = bin()
                    .current_dir(t.path())
                    .args(["check", "--format", "json", "--config"])
                    .arg(&cfg)
                    .arg(&out_dir)
                    .output()
                    .unwrap();
                runs += 1;
                let Ok(v) = serde_json::from_slice::<serde_json::Value>(&o.stdout) else {
                    failures.push(format!("{name}: check printed no JSON: {}", stderr(&o)));
                    continue;
                };
                if o.status.code() != Some(0) {
                    failures.push(format!("{name}: check exits {:?}", o.status.code()));
                }
                let mut remaining = Vec::new();
                for d in v["diagnostics"].as_array().unwrap() {
                    let (code, severity) = (d["code"].as_str().unwrap(), d["severity"].as_str().unwrap());
                    if matches!(severity, "error" | "critical") {
                        failures.push(format!("{name}: {severity} {code}: {}", d["message"]));
                    }
                    remaining.push(code.to_string());
                }
                // The only finding allowed to remain: CMK208 (warning), the trust has no
                // external id, which is exactly what --no-external-id asks for (the guide's
                // "Explicit regions + no external ID"); generate prints the same caveat.
                let expected: Vec<String> =
                    if flags.contains(&"--no-external-id") { vec!["CMK208".to_string()] } else { Vec::new() };
                if remaining != expected {
                    failures.push(format!("{name}: findings {remaining:?}, expected {expected:?}"));
                }
                // The check linked the documents into one setup: clean because it is right, not
                // because nothing was compared.
                let setups = v["setups"].as_array().cloned().unwrap_or_default();
                if setups.len() != 1 || setups[0]["role"].is_null() || setups[0]["key_policy"].is_null() {
                    failures.push(format!("{name}: not one setup with a role and a key policy: {setups:?}"));
                }
                // `cmek-lint access` on the same files: every scenario decides as expected
                // (Pinecone can assume and use the key; nobody else can; the role cannot
                // administer the key), for the all-regions trust too. What generate writes is
                // the whole setup: the role has no permissions policy but the one written.
                let o = bin()
                    .current_dir(t.path())
                    .args(["access", "--role-policies-complete", "--format", "json", "--config"])
                    .arg(&cfg)
                    .arg(&out_dir)
                    .output()
                    .unwrap();
                match serde_json::from_slice::<serde_json::Value>(&o.stdout) {
                    Err(_) => failures.push(format!("{name}: access printed no JSON: {}", stderr(&o))),
                    Ok(access) => {
                        if o.status.code() != Some(0) {
                            failures.push(format!("{name}: access exits {:?}", o.status.code()));
                        }
                        let setups = access["setups"].as_array().cloned().unwrap_or_default();
                        if setups.is_empty() {
                            failures.push(format!("{name}: access found no setup"));
                        }
                        for check in setups.iter().flat_map(|s| s["checks"].as_array().cloned().unwrap_or_default()) {
                            if check["decision"] != check["expected"] {
                                failures.push(format!(
                                    "{name}: access {}: expected {}, decided {}",
                                    check["scenario"], check["expected"], check["decision"]
                                ));
                            }
                        }
                    }
                }
                let files: Vec<String> = std::fs::read_dir(&out_dir)
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect();
                let cross = setup.starts_with("cross");
                let has = |f: &str| files.iter().any(|x| x == f);
                match *target {
                    "json" => {
                        assert!(has("trust-policy.json") && has("key-policy.json"), "{name}: {files:?}");
                        assert_eq!(has("permissions-policy.json"), cross, "{name}: {files:?}");
                    }
                    "terraform" => assert!(has("cmek.tf"), "{name}: {files:?}"),
                    _ => assert!(has("cmek.yaml"), "{name}: {files:?}"),
                }
                assert!(!files.iter().any(|f| f.starts_with('.')), "{name}: temporary file left: {files:?}");
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 3 targets × 3 variants, less JSON without a role ARN and --no-external-id with one configured.
    assert_eq!(runs, 9 + 2 * 3 + 9 + 3 * 2, "every combination ran");
}

#[test]
fn terraform_and_cloudformation_have_the_required_shapes() {
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), "c", "", "");
    let run = |target: &str| {
        let o = bin()
            .args(["generate", "--target", target, "--config"])
            .arg(&cfg)
            .args(["--external-id", "8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    let tf = run("terraform");
    for want in [
        "==> cmek.tf <==",
        "resource \"aws_iam_role\" \"pinecone_cmek\"",
        "assume_role_policy = jsonencode({",
        "resource \"aws_kms_key\" \"pinecone_cmek\"",
        "customer_master_key_spec = \"SYMMETRIC_DEFAULT\"",
        "key_usage                = \"ENCRYPT_DECRYPT\"",
        "multi_region             = false",
        "enable_key_rotation      = true",
        "AWS = aws_iam_role.pinecone_cmek.arn",
        "variable \"pinecone_account_id\"",
        "variable \"role_name\"",
        "name        = var.role_name",
        "\"arn:aws:iam::${var.pinecone_account_id}:role/pinecone_cmek_access_us-east-1\"",
        "\"sts:ExternalId\" = var.external_id",
        "Action   = [\"kms:Encrypt\", \"kms:Decrypt\"]",
        "output \"role_arn\"",
        "output \"key_arn\"",
        "Role ARN:     after `terraform apply`: `terraform output -raw role_arn`",
        "External ID:  8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03\n",
    ] {
        assert!(tf.contains(want), "terraform output lacks {want:?}:\n{tf}");
    }
    let cfn = run("cloudformation");
    for want in [
        "==> cmek.yaml <==",
        "Type: \"AWS::IAM::Role\"",
        "Type: \"AWS::KMS::Key\"",
        "KeySpec: \"SYMMETRIC_DEFAULT\"",
        "KeyUsage: \"ENCRYPT_DECRYPT\"",
        "Origin: \"AWS_KMS\"",
        "MultiRegion: false",
        "EnableKeyRotation: true",
        "AWS: !GetAtt PineconeCmekRole.Arn",
        "Value: !GetAtt PineconeCmekRole.Arn",
        "Value: !GetAtt PineconeCmekKey.Arn",
        // Parameters for the values, with patterns and the configured values as defaults.
        "Parameters:\n  PineconeAccountId:\n    Type: String\n",
        "AllowedPattern: \"^[0-9]{12}$\"",
        "  ExternalId:\n    Type: String\n",
        "Default: \"8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03\"",
        "RoleName: !Ref RoleName",
        "- !Sub \"arn:aws:iam::${PineconeAccountId}:role/pinecone_cmek_access_us-east-1\"",
        "\"sts:ExternalId\": !Ref ExternalId",
        "Value: !Ref ExternalId",
    ] {
        assert!(cfn.contains(want), "cloudformation output lacks {want:?}:\n{cfn}");
    }
    // All regions: `Principal: *` pinned to Pinecone's roles by `aws:PrincipalArn`.
    let o = bin()
        .args(["generate", "--target", "json", "--all-regions", "--config"])
        .arg(&cfg)
        .args(["--role-arn", "arn:aws:iam::493820715560:role/pinecone-cmek"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.contains("\"AWS\": \"*\""), "{out}");
    assert!(out.contains("\"ArnLike\": {\n"), "{out}");
    assert!(out.contains("\"aws:PrincipalArn\": \"arn:aws:iam::905418236187:role/pinecone_cmek_access_*\""), "{out}");
    assert!(out.contains("key-policy.json is for a key you create"), "{out}");
}

#[test]
fn a_fresh_external_id_is_a_random_uuid_v4() {
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), "c", "", "");
    let ids: Vec<String> = (0..2)
        .map(|_| {
            let o = bin().args(["generate", "--target", "terraform", "--config"]).arg(&cfg).output().unwrap();
            let id = generated_external_id(&stdout(&o)).expect("printed");
            // The trust requires `var.external_id`, whose default is the id printed.
            let out = stdout(&o);
            assert!(out.contains("\"sts:ExternalId\" = var.external_id"), "{out}");
            assert!(out.contains(&format!("variable \"external_id\" {{\n  description = \"External ID Pinecone sends (a UUID v4; enter it in the Pinecone console)\"\n  type        = string\n  default     = \"{id}\"\n}}")), "{out}");
            id
        })
        .collect();
    for id in &ids {
        assert_eq!(cmek_lint::data::uuid_version(id), Some((true, '4')), "{id}");
    }
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn refuses_what_it_cannot_generate_correctly() {
    let t = tempfile::tempdir().unwrap();
    let empty = t.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let cfg = config(t.path(), "c", "", "");
    let role = ["--role-arn", "arn:aws:iam::493820715560:role/pinecone-cmek"];
    let cases: &[(&[&str], &Path, &str)] = &[
        (&["--target", "terraform"], &empty, "Pinecone's AWS account is not configured"),
        (&["--target", "terraform", "--isolated"], Path::new(""), "Pinecone's AWS account is not configured"),
        (&["--target", "terraform", "--pinecone-account", "90541823618"], &empty, "must be 12 digits"),
        (&["--target", "terraform", "--pinecone-account", "123456789012"], &empty, "placeholder"),
        (&["--target", "terraform", "--regions", "us-east-9"], &cfg, "not an AWS region"),
        (&["--target", "json"], &cfg, "need the role's ARN"),
        (&["--target", "terraform", "--all-regions", "--no-external-id"], &cfg, "needs an external id"),
        (&["--target", "terraform", "--external-id", "a b"], &cfg, "not an external id STS accepts"),
        (
            &["--target", "terraform", "--no-external-id", "--external-id", "8d1f3c6e-2b7a-4f90-9c5d-1e4a7b2c9f03"],
            &cfg,
            "an external id is configured",
        ),
        (&["--target", "terraform", "--role-arn", "arn:aws:iam::493820715560:user/x"], &cfg, "not an IAM role ARN"),
        (&["--target", "terraform", "--role-name", "pinecone_cmek_access_x"], &cfg, "Pinecone's own role"),
        (&["--target", "terraform", "--role-name", "bad name"], &cfg, "not an IAM role name"),
        (
            &[
                "--target",
                "terraform",
                "--key-arn",
                "arn:aws:kms:us-east-1:493820715560:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ],
            &cfg,
            "the role's ARN is needed",
        ),
        (
            &[
                "--target",
                "json",
                role[0],
                role[1],
                "--key-arn",
                "arn:aws:kms:us-east-1:493820715560:key/mrk-1234abcd12ab34cd56ef1234567890ab",
            ],
            &cfg,
            "multi-Region",
        ),
        (
            &["--target", "json", role[0], role[1], "--key-arn", "arn:aws:kms:us-east-1:493820715560:alias/pinecone"],
            &cfg,
            "not a KMS key ARN",
        ),
        (
            &[
                "--target",
                "json",
                role[0],
                role[1],
                "--key-arn",
                "arn:aws:kms:eu-west-3:493820715560:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ],
            &cfg,
            "not one of the Pinecone regions",
        ),
    ];
    for (args, config, message) in cases {
        let mut cmd = bin();
        cmd.current_dir(t.path()).arg("generate").args(*args);
        if !config.as_os_str().is_empty() {
            cmd.arg("--config").arg(config);
        }
        let o = cmd.output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: expected {message:?} in {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}: printed {}", stdout(&o));
    }
}

#[test]
fn out_never_overwrites_without_force() {
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), "c", "", "role_arn = \"arn:aws:iam::493820715560:role/pinecone-cmek\"\n");
    let out = t.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("key-policy.json"), "mine").unwrap();
    let run = |force: bool| {
        let mut cmd = bin();
        cmd.args(["generate", "--target", "json", "--config"]).arg(&cfg).arg("--out").arg(&out);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let o = run(false);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not overwriting") && stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join("key-policy.json")).unwrap(), "mine");
    assert!(!out.join("trust-policy.json").exists(), "nothing is written when one file exists");
    let o = run(true);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(out.join("key-policy.json")).unwrap().contains("kms:Encrypt"));
    assert!(stdout(&o).contains("Wrote "), "{}", stdout(&o));
    // --force only with --out
    let o = bin().args(["generate", "--target", "json", "--force", "--config"]).arg(&cfg).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// `generate --target target` for every key setup and trust variant (less `--no-external-id`
/// where an external id is configured), into folders of `dir`: each one's name and the path of
/// its `file`.
fn generate_every_setup(dir: &Path, target: &str, file: &str) -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    for (setup, pinecone, customer, _) in SETUPS {
        for (variant, flags) in VARIANTS {
            if customer.contains("external_id") && flags.contains(&"--no-external-id") {
                continue;
            }
            let name = format!("{setup}-{variant}");
            let cfg = config(dir, &name, pinecone, customer);
            let out_dir = dir.join(&name);
            let o = bin()
                .current_dir(dir)
                .args(["generate", "--target", target, "--config"])
                .arg(&cfg)
                .arg("--out")
                .arg(&out_dir)
                .args(*flags)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
            out.push((name, out_dir.join(file)));
        }
    }
    // 4 key setups × 3 variants, less --no-external-id where an external id is configured.
    assert_eq!(out.len(), 4 * 3 - 1, "every setup and variant");
    out
}

/// The CloudFormation templates `generate` writes pass AWS's own template linter, cfn-lint
/// (resource types, property names and types, intrinsic functions, parameter patterns), for
/// every key setup and trust variant. (Terraform's output: see
/// `generated_terraform_is_terraform_fmt_clean`.)
#[test]
fn generated_cloudformation_passes_cfn_lint() {
    let Some(cfn_lint) = common::cfn_lint() else { return };
    let t = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, template) in generate_every_setup(t.path(), "cloudformation", "cmek.yaml") {
        let o = std::process::Command::new(&cfn_lint).arg(&template).output().unwrap();
        if !o.status.success() {
            failures.push(format!("{name}: cfn-lint exits {:?}:\n{}{}", o.status.code(), stdout(&o), stderr(&o)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The Terraform `generate` writes is formatted as `terraform fmt` formats it (aligned `=` of
/// one-line attributes only, a multi-line value ending the run), for every key setup and trust
/// variant: `terraform fmt -check` exits 0 where a terraform binary exists (it cannot be
/// installed offline: skipped elsewhere, CI included). (`terraform validate` needs `terraform
/// init`, which downloads the AWS provider: not run.)
#[test]
fn generated_terraform_is_terraform_fmt_clean() {
    let t = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, module) in generate_every_setup(t.path(), "terraform", "cmek.tf") {
        let Some(o) = common::terraform_fmt_check(&module) else { return };
        if !o.status.success() {
            failures.push(format!("{name}: terraform fmt -check exits {:?}:\n{}", o.status.code(), stdout(&o)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// With an existing key, `key-policy.json` names the role by its ARN: the role's name is no
/// input then (changing it would leave the key policy naming another role).
#[test]
fn the_role_name_is_an_input_only_when_no_key_policy_names_the_role() {
    let t = tempfile::tempdir().unwrap();
    let cfg = config(t.path(), "c", "", "");
    let key = "arn:aws:kms:us-east-1:480917263510:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let role = "arn:aws:iam::493820715560:role/pinecone-cmek";
    for (target, input, literal) in [
        ("cloudformation", "  RoleName:\n    Type: String", "RoleName: \"pinecone-cmek\""),
        ("terraform", "variable \"role_name\"", "name        = \"pinecone-cmek\""),
    ] {
        let o = bin()
            .args(["generate", "--target", target, "--config"])
            .arg(&cfg)
            .args(["--key-arn", key, "--role-arn", role])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(!out.contains(input) && out.contains(literal), "{target}:\n{out}");
        assert!(out.contains("key-policy.json"), "{target}:\n{out}");
    }
}
