//! End-to-end checks of the key-policy and permissions rules on realistic documents: which
//! codes fire, at which severity, and which stay quiet.

use crate::config;
use crate::diagnostic::Severity;
use crate::engine::{Input, check_input};
use crate::rules::Registry;
use std::path::Path;

const ROLE_CONFIG: &str = r#"
[pinecone]
account_id = "905418236187"
[customer]
role_arn = "arn:aws:iam::222233334444:role/pinecone-cmek"
"#;

/// `(code, severity)` of every CMK3xx/CMK4xx finding.
fn findings(text: &str, config_text: Option<&str>) -> Vec<(&'static str, Severity)> {
    let registry = Registry::builtin();
    let mut settings = registry.default_settings();
    if let Some(c) = config_text {
        config::apply(Path::new("cmek-lint.toml"), c, &registry, &mut settings).unwrap();
    }
    let report = check_input(Input::Text { name: "p.json", text: text.to_string() }, &registry, &settings);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
        .diagnostics
        .iter()
        .map(|d| (d.diagnostic.code, d.diagnostic.severity))
        .filter(|(c, _)| c.starts_with("CMK3") || c.starts_with("CMK4"))
        .collect()
}

fn key_policy(statements: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
}

const ROOT: &str = r#"{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:root"}, "Action": "kms:*", "Resource": "*"}"#;

fn role_statement(actions: &str) -> String {
    format!(
        r#"{{"Sid": "Allow use of the key", "Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::222233334444:role/pinecone-cmek"}}, "Action": {actions}, "Resource": "*"}}"#
    )
}

#[test]
fn console_default_is_clean_with_and_without_configuration() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/key-policy/console-default-with-cmek-role.json"),
    )
    .unwrap();
    assert_eq!(findings(&text, None), vec![]);
    assert_eq!(findings(&text, Some(ROLE_CONFIG)), vec![]);
}

#[test]
fn action_wildcards_count() {
    let both = key_policy(&format!("{ROOT}, {}", role_statement(r#"["kms:*crypt"]"#)));
    assert_eq!(findings(&both, Some(ROLE_CONFIG)), vec![]);
    // Same account, account statement present: only the IAM path is left (info).
    let reencrypt = key_policy(&format!("{ROOT}, {}", role_statement(r#""kms:ReEncrypt*""#)));
    assert_eq!(findings(&reencrypt, Some(ROLE_CONFIG)), vec![("CMK301", Severity::Info)]);
    // No account statement, an administrator instead: an error (and CMK305: the single
    // administrator is the only one who can manage the key).
    let admin = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:role/KeyAdmin"}, "Action": "kms:*", "Resource": "*"}"#;
    let reencrypt = key_policy(&format!("{admin}, {}", role_statement(r#""kms:ReEncrypt*""#)));
    assert_eq!(
        findings(&reencrypt, Some(ROLE_CONFIG)),
        vec![("CMK305", Severity::Warning), ("CMK301", Severity::Error)]
    );
}

#[test]
fn not_action_on_the_role_is_overprivileged() {
    let text = key_policy(&format!(
        r#"{ROOT}, {{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::222233334444:role/pinecone-cmek"}}, "NotAction": "kms:ScheduleKeyDeletion", "Resource": "*"}}"#
    ));
    assert_eq!(findings(&text, None), vec![("CMK302", Severity::Error)]);
}

#[test]
fn aws_managed_style_via_service_statement_leaves_the_iam_path() {
    // `*` + kms:CallerAccount + kms:ViaService (EBS style) and an account statement: the role is
    // not named, so it depends on its IAM policy (info); the ViaService statement is not its path.
    let ebs = r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
        "Condition": {"StringEquals": {"kms:CallerAccount": "222233334444", "kms:ViaService": "ec2.us-east-1.amazonaws.com"}}}"#;
    let text = key_policy(&format!("{ROOT}, {ebs}"));
    assert_eq!(findings(&text, Some(ROLE_CONFIG)), vec![("CMK301", Severity::Info)]);
    // Without an account statement, the ViaService condition is what blocks Pinecone (and
    // CMK305: the single administrator is the only one who can manage the key).
    let admin = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:role/KeyAdmin"}, "Action": "kms:*", "Resource": "*"}"#;
    let text = key_policy(&format!("{admin}, {ebs}"));
    assert_eq!(findings(&text, Some(ROLE_CONFIG)), vec![("CMK305", Severity::Warning), ("CMK306", Severity::Warning)]);
}

#[test]
fn deny_with_not_principal_listing_the_role_denies_its_sessions() {
    // Issue 14: `NotPrincipal` with the role's ARN does not exempt the role's sessions
    // (`arn:aws:sts::…:assumed-role/pinecone-cmek/…`): the evaluator denies, CMK309 says so.
    let deny = r#"{"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::222233334444:role/pinecone-cmek", "arn:aws:iam::222233334444:root"]}, "Action": "kms:*", "Resource": "*"}"#;
    let text = key_policy(&format!("{ROOT}, {}, {deny}", role_statement(r#"["kms:Encrypt", "kms:Decrypt"]"#)));
    assert_eq!(findings(&text, Some(ROLE_CONFIG)), vec![("CMK309", Severity::Error)]);
    let deny_all = r#"{"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}"#;
    let text = key_policy(&format!("{ROOT}, {}, {deny_all}", role_statement(r#"["kms:Encrypt", "kms:Decrypt"]"#)));
    assert_eq!(findings(&text, Some(ROLE_CONFIG)), vec![("CMK301", Severity::Error)]);
}

#[test]
fn deploy_time_values_are_not_judged() {
    let text = key_policy(
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, "Action": "kms:*", "Resource": "*"},
           {"Effect": "Allow", "Principal": {"AWS": "${PineconeCmekRole.Arn}"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}"#,
    );
    assert_eq!(findings(&text, None), vec![]);
    let text = key_policy(
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, "Action": "kms:*", "Resource": "*"},
           {"Effect": "Allow", "Principal": {"AWS": "${PineconeCmekRole.Arn}"}, "Action": "kms:*", "Resource": "*"}"#,
    );
    assert_eq!(findings(&text, None), vec![("CMK302", Severity::Error)]);
}

#[test]
fn public_principal_needs_a_pinning_condition() {
    let star = |cond: &str| {
        key_policy(&format!(
            r#"{ROOT}, {{"Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*", "Condition": {cond}}}"#
        ))
    };
    let critical = vec![("CMK303", Severity::Critical)];
    assert_eq!(
        findings(&star(r#"{"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/pinecone-cmek"}}"#), None),
        critical
    );
    assert_eq!(findings(&star(r#"{"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}"#), None), critical);
    assert_eq!(findings(&star(r#"{"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123def4"}}"#), None), critical);
    assert_eq!(findings(&star(r#"{"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}"#), None), vec![]);
    assert_eq!(
        findings(&star(r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::222233334444:role/*"}}"#), None),
        vec![]
    );
    assert_eq!(findings(&star(r#"{"StringEquals": {"kms:CallerAccount": "${AWS::AccountId}"}}"#), None), vec![]);
}

#[test]
fn lockout_by_blanket_deny() {
    let deny = r#"{"Effect": "Deny", "Principal": "*", "Action": "kms:PutKeyPolicy", "Resource": "*"}"#;
    let text = key_policy(&format!("{ROOT}, {deny}"));
    assert_eq!(findings(&text, None), vec![("CMK305", Severity::Warning)]);
}

#[test]
fn permissions_rules_ignore_generic_kms_policies() {
    // AWS managed-policy style: kms:Decrypt on `*` through a service, and `kms:*` for key admins.
    let managed = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*", "Condition": {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}}},
        {"Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:kms:*:*:key/*"}]}"#;
    assert_eq!(findings(managed, None), vec![]);
    assert_eq!(findings(managed, Some(ROLE_CONFIG)), vec![]);
}

#[test]
fn permissions_deny_and_templates() {
    let text = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "PineconeCmek", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "arn:aws:kms:${AWS::Region}:${KeyAccount}:key/${KeyId}"}]}"#;
    assert_eq!(findings(text, None), vec![]);
    let text = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "PineconeCmek", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "arn:aws:kms:us-east-1:333344445555:key/0f3c2b7e-5a91-4d2e-8c6b-9e1f4a7d3b25"},
        {"Sid": "NoEncryptAnywhere", "Effect": "Deny", "Action": "kms:Encrypt", "Resource": "*"}]}"#;
    assert_eq!(findings(text, None), vec![("CMK401", Severity::Error)]);
}

#[test]
fn resource_patterns_in_key_policies() {
    let with = |resource: &str| {
        key_policy(&format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::222233334444:root"}}, "Action": "kms:*", "Resource": "{resource}"}}"#
        ))
    };
    // CloudFormation's "every key of this stack's account and region": works, documented form is `*`.
    assert_eq!(
        findings(&with("arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/*"), None),
        vec![("CMK307", Severity::Info)]
    );
    assert_eq!(
        findings(&with("arn:aws:kms:us-east-1:222233334444:key/0f3c2b7e-5a91-4d2e-8c6b-9e1f4a7d3b25"), None),
        vec![("CMK307", Severity::Warning)]
    );
    // An S3 ARN never matches the key: the account statement is inert, so nobody can manage it.
    assert_eq!(
        findings(&with("arn:aws:s3:::my-bucket"), None),
        vec![("CMK305", Severity::Warning), ("CMK307", Severity::Error)]
    );
}

/// Issue 14 item 3: CMK310/CMK311 report what only evaluation shows, and leave to CMK302/CMK303
/// the statements those explain (no double report); an unknown (account delegation without the
/// permissions policy) is no finding.
#[test]
fn evaluated_admin_and_other_account_findings_do_not_double_report() {
    let codes = |text: &str| {
        let mut c: Vec<&str> = findings(text, Some(ROLE_CONFIG)).into_iter().map(|(c, _)| c).collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    // The role named with `kms:*`: CMK302 only.
    let named = key_policy(&format!("{ROOT}, {}", role_statement(r#""kms:*""#)));
    assert_eq!(codes(&named), ["CMK302"]);
    // An unpinned `Principal: *` with `kms:*`: CMK303 only.
    let public = key_policy(&format!(
        r#"{ROOT}, {}, {{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}}"#,
        role_statement(r#"["kms:Encrypt", "kms:Decrypt"]"#)
    ));
    assert_eq!(codes(&public), ["CMK303"]);
    // `Principal: *` limited to the account by `kms:CallerAccount`: the role can administer
    // (CMK310, error), no other account can use the key.
    let account = key_policy(&format!(
        r#"{ROOT}, {}, {{"Sid": "Admins", "Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": "kms:*", "Resource": "*", "Condition": {{"StringEquals": {{"kms:CallerAccount": "222233334444"}}}}}}"#,
        role_statement(r#"["kms:Encrypt", "kms:Decrypt"]"#)
    ));
    let found = findings(&account, Some(ROLE_CONFIG));
    assert_eq!(found, [("CMK310", Severity::Error)]);
    // The tautology `kms:CallerAccount` = `${aws:PrincipalAccount}`: any account (CMK311,
    // critical) and the role too (CMK310).
    let tautology = account.replace("\"222233334444\"}}", "\"${aws:PrincipalAccount}\"}}");
    assert_ne!(tautology, account);
    let found = findings(&tautology, Some(ROLE_CONFIG));
    assert!(found.contains(&("CMK311", Severity::Critical)), "{found:?}");
    assert!(found.contains(&("CMK310", Severity::Error)), "{found:?}");
    // The console default (account statement + key user): role-key-admin is unknown, no finding.
    let default = key_policy(&format!("{ROOT}, {}", role_statement(r#"["kms:Encrypt", "kms:Decrypt"]"#)));
    assert!(codes(&default).is_empty(), "{:?}", codes(&default));
}
