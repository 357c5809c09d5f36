//! Behaviour of the trust rules on realistic policies, including the paths that depend on
//! `cmek-lint.toml` (which the corpus snapshots, run with `--isolated`, cannot reach).

use crate::diagnostic::Severity;
use crate::engine::{Input, check_input};
use crate::rules::Registry;
use crate::settings::Settings;

const ACCT: &str = "905418236187";
const EID: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

/// `(code, severity, the text the span covers)` of every CMK2xx finding.
fn run_with(text: &str, configure: impl FnOnce(&mut Settings)) -> Vec<(String, Severity, String)> {
    run_family(text, "CMK2", configure)
}

/// `(code, severity, the text the span covers)` of every finding whose code starts with `family`.
fn run_family(text: &str, family: &str, configure: impl FnOnce(&mut Settings)) -> Vec<(String, Severity, String)> {
    let registry = Registry::builtin();
    let mut settings = registry.default_settings();
    configure(&mut settings);
    let report = check_input(Input::Text { name: "trust.json", text: text.to_string() }, &registry, &settings);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
        .diagnostics
        .iter()
        .map(|d| &d.diagnostic)
        .filter(|d| d.code.starts_with(family))
        .map(|d| (d.code.to_string(), d.severity, text[d.span.start as usize..d.span.end as usize].to_string()))
        .collect()
}

fn run(text: &str) -> Vec<(String, Severity, String)> {
    run_with(text, |_| {})
}

fn codes(found: &[(String, Severity, String)]) -> Vec<&str> {
    found.iter().map(|(c, _, _)| c.as_str()).collect()
}

fn role(region: &str) -> String {
    format!("arn:aws:iam::{ACCT}:role/pinecone_cmek_access_{region}")
}

/// One Allow statement: principal JSON, action JSON, condition JSON (or empty).
fn policy(principal: &str, action: &str, condition: &str) -> String {
    let condition = if condition.is_empty() { String::new() } else { format!(r#", "Condition": {condition}"#) };
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": {action}{condition}}}]}}"#
    )
}

fn three_roles() -> String {
    format!(r#"{{"AWS": ["{}", "{}", "{}"]}}"#, role("us-east-1"), role("us-west-2"), role("eu-west-1"))
}

fn ext() -> String {
    format!(r#"{{"StringEquals": {{"sts:ExternalId": "{EID}"}}}}"#)
}

fn snippet_c(account: &str, external_id: &str) -> String {
    policy(
        r#"{"AWS": "*"}"#,
        r#""sts:AssumeRole""#,
        &format!(
            r#"{{"StringEquals": {{"sts:ExternalId": "{external_id}"}}, "StringLike": {{"aws:PrincipalArn": "arn:aws:iam::{account}:role/pinecone_cmek_access_*"}}}}"#
        ),
    )
}

#[test]
fn filled_in_guide_snippets_are_clean_with_and_without_config() {
    let a = policy(&three_roles(), r#""sts:AssumeRole""#, &ext());
    let c = snippet_c(ACCT, EID);
    for text in [&a, &c] {
        assert_eq!(run(text), vec![], "{text}");
        let configured = run_with(text, |s| {
            s.pinecone_account = Some(ACCT.into());
            s.console.external_id = Some(EID.into());
        });
        assert_eq!(configured, vec![], "{text}");
    }
    let b = policy(&three_roles(), r#""sts:AssumeRole""#, "");
    assert_eq!(codes(&run(&b)), ["CMK208"]);
}

#[test]
fn verbatim_snippet_c_placeholder_pin_fails_closed() {
    // The placeholder account matches no caller: the role is unusable, not open. CMK115
    // reports both placeholders; no trust rule adds a second finding for them.
    let found = run(&snippet_c("XXXXXXXXXXXX", "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX"));
    assert_eq!(found, vec![]);
}

#[test]
fn principal_everyone_variants() {
    let star = r#"{"AWS": "*"}"#;
    let a = r#""sts:AssumeRole""#;
    let found = run(&policy(r#""*""#, a, ""));
    assert_eq!(found, vec![("CMK201".into(), Severity::Critical, r#""*""#.into())]);
    // `*` before the account field under StringLike can swallow colons.
    let found = run(&policy(
        star,
        a,
        &format!(
            r#"{{"StringEquals": {{"sts:ExternalId": "{EID}"}}, "StringLike": {{"aws:PrincipalArn": "arn:aws:*::{ACCT}:role/pinecone_cmek_access_*"}}}}"#
        ),
    ));
    assert_eq!(found.iter().filter(|f| f.0 == "CMK201").map(|f| f.2.as_str()).collect::<Vec<_>>(), ["*"]);
    // ArnLike compares ARN fields separately: the same value pins.
    let found = run(&policy(
        star,
        a,
        &format!(
            r#"{{"StringEquals": {{"sts:ExternalId": "{EID}"}}, "ArnLike": {{"aws:PrincipalArn": "arn:aws:*::{ACCT}:role/pinecone_cmek_access_*"}}}}"#
        ),
    ));
    assert!(!codes(&found).contains(&"CMK201"), "{found:?}");
    // An organization pin that principals outside any organization skip.
    let found = run(&policy(star, a, r#"{"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#));
    assert_eq!(codes(&found), ["CMK201", "CMK202"]);
    assert_eq!(found[1].1, Severity::Error);
    // A real organization pin is a pin.
    let found = run(&policy(star, a, r#"{"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#));
    assert_eq!(found, vec![]);
    // Principal * in a service-style policy bound by nothing relevant.
    let found = run(&policy(star, a, r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#));
    assert_eq!(codes(&found), ["CMK201"]);
}

#[test]
fn optional_operator_severities() {
    let pinned = |op: &str| {
        run(&policy(
            r#"{"AWS": "*"}"#,
            r#""sts:AssumeRole""#,
            &format!(
                r#"{{"StringEquals": {{"sts:ExternalId": "{EID}"}}, "{op}": {{"aws:PrincipalArn": "arn:aws:iam::{ACCT}:role/pinecone_cmek_access_*"}}}}"#
            ),
        ))
    };
    assert_eq!(pinned("ArnLikeIfExists"), vec![("CMK202".into(), Severity::Warning, r#""aws:PrincipalArn""#.into())]);
    assert_eq!(pinned("ForAnyValue:ArnLike"), vec![("CMK202".into(), Severity::Info, r#""aws:PrincipalArn""#.into())]);
    let found = run(&policy(
        &three_roles(),
        r#""sts:AssumeRole""#,
        &format!(r#"{{"ForAllValues:StringEquals": {{"sts:ExternalId": "{EID}"}}}}"#),
    ));
    assert_eq!(found, vec![("CMK202".into(), Severity::Error, r#""sts:ExternalId""#.into())]);
}

#[test]
fn source_keys() {
    let negated = run(&policy(
        &three_roles(),
        r#""sts:AssumeRole""#,
        &format!(
            r#"{{"StringEquals": {{"sts:ExternalId": "{EID}"}}, "StringNotEquals": {{"aws:SourceAccount": "513826297540"}}}}"#
        ),
    ));
    assert_eq!(negated, vec![("CMK203".into(), Severity::Warning, r#""aws:SourceAccount""#.into())]);
    // A service principal is what the source keys are for.
    let service = policy(
        r#"{"Service": "logs.amazonaws.com"}"#,
        r#""sts:AssumeRole""#,
        r#"{"StringEquals": {"aws:SourceAccount": "513826297540"}}"#,
    );
    assert_eq!(run(&service), vec![]);
}

#[test]
fn account_majority_without_config_and_config_mismatch() {
    let principal = format!(
        r#"{{"AWS": ["{}", "arn:aws:iam::905418236178:role/pinecone_cmek_access_us-west-2", "{}"]}}"#,
        role("us-east-1"),
        role("eu-west-1")
    );
    let text = policy(&principal, r#""sts:AssumeRole""#, &ext());
    assert_eq!(run(&text), vec![("CMK204".into(), Severity::Error, "905418236178".into())]);
    let found = run_with(&text, |s| s.pinecone_account = Some("905418236178".into()));
    assert_eq!(found.iter().map(|f| f.2.as_str()).collect::<Vec<_>>(), [ACCT, ACCT]);
    // PrincipalAccount that contradicts the pinned role ARNs.
    let found = run(&policy(
        r#"{"AWS": "*"}"#,
        r#""sts:AssumeRole""#,
        &format!(
            r#"{{"StringEquals": {{"sts:ExternalId": "{EID}", "aws:PrincipalAccount": "513826297540"}}, "ArnLike": {{"aws:PrincipalArn": "arn:aws:iam::{ACCT}:role/pinecone_cmek_access_*"}}}}"#
        ),
    ));
    assert_eq!(found, vec![("CMK204".into(), Severity::Error, r#""513826297540""#.into())]);
}

#[test]
fn role_names() {
    // One role per policy: drop the single-region coverage info (CMK206) to look at names.
    let one = |arn: &str| {
        let found = run(&policy(&format!(r#"{{"AWS": "{arn}"}}"#), r#""sts:AssumeRole""#, &ext()));
        found.into_iter().filter(|f| f.0 != "CMK206").collect::<Vec<_>>()
    };
    let session = one(&format!("arn:aws:sts::{ACCT}:assumed-role/pinecone_cmek_access_us-east-1/cmek"));
    assert_eq!(session[0].0, "CMK205");
    assert_eq!(session[0].2, "assumed-role/pinecone_cmek_access_us-east-1/cmek");
    let case = one(&format!("arn:aws:iam::{ACCT}:role/Pinecone_CMEK_Access_us-east-1"));
    assert_eq!(case[0], ("CMK205".into(), Severity::Warning, "Pinecone_CMEK_Access_us-east-1".into()));
    let in_condition = run(&policy(
        r#"{"AWS": "*"}"#,
        r#""sts:AssumeRole""#,
        &format!(
            r#"{{"StringEquals": {{"sts:ExternalId": "{EID}"}}, "ArnLike": {{"aws:PrincipalArn": "arn:aws:iam::{ACCT}:role/Pinecone_CMEK_Access_*"}}}}"#
        ),
    ));
    assert_eq!(codes(&in_condition), ["CMK205"]);
    let in_condition = run(&policy(
        r#"{"AWS": "*"}"#,
        r#""sts:AssumeRole""#,
        &format!(
            r#"{{"StringEquals": {{"sts:ExternalId": "{EID}", "aws:PrincipalArn": "arn:aws:iam::{ACCT}:role/pinecone_cmek_access_us-east-1"}}}}"#
        ),
    ));
    // A literal role ARN in a condition is a valid (single-region) pin.
    assert_eq!(in_condition, vec![]);
    // A near-miss of the name is still recognised as meant for Pinecone.
    let typo = one(&format!("arn:aws:iam::{ACCT}:role/pincone_cmek_access_eu-west-1"));
    assert_eq!(typo[0].2, "pincone_cmek_access_eu-west-1");
    // The wildcard under StringEquals is CMK114's; no name finding for it.
    let literal = run(&policy(
        r#"{"AWS": "*"}"#,
        r#""sts:AssumeRole""#,
        &format!(
            r#"{{"StringEquals": {{"sts:ExternalId": "{EID}", "aws:PrincipalArn": "arn:aws:iam::{ACCT}:role/pinecone_cmek_access_*"}}}}"#
        ),
    ));
    assert_eq!(literal, vec![]);
}

#[test]
fn region_coverage_only_when_configured() {
    let two = format!(r#"{{"AWS": ["{}", "{}"]}}"#, role("us-east-1"), role("eu-west-1"));
    let text = policy(&two, r#""sts:AssumeRole""#, &ext());
    assert_eq!(run(&text), vec![], "a trust of the regions a project uses is correct");
    let regions = |r: &[&str]| -> Vec<String> { r.iter().map(|s| s.to_string()).collect() };
    assert_eq!(run_with(&text, |s| s.regions = regions(&["us-east-1", "eu-west-1"])), vec![]);
    let found = run_with(&text, |s| s.regions = regions(&["us-east-1", "eu-central-1"]));
    assert_eq!(found, vec![("CMK206".into(), Severity::Warning, format!(r#""{}""#, role("us-east-1")))]);
    // A typo is CMK205's, not also a missing region.
    let typo = format!(r#"{{"AWS": ["{}", "{}"]}}"#, role("us-east-1"), role("eu-west1"));
    let found =
        run_with(&policy(&typo, r#""sts:AssumeRole""#, &ext()), |s| s.regions = regions(&["us-east-1", "eu-west-1"]));
    assert_eq!(codes(&found), ["CMK205"]);
    // The all-regions form covers everything.
    assert_eq!(run_with(&snippet_c(ACCT, EID), |s| s.regions = regions(&["ap-southeast-1"])), vec![]);
}

#[test]
fn too_broad_principals_with_config() {
    let found = run_with(
        &policy(
            r#"{"AWS": "*"}"#,
            r#""sts:AssumeRole""#,
            &format!(r#"{{"StringEquals": {{"sts:ExternalId": "{EID}", "aws:PrincipalAccount": "{ACCT}"}}}}"#),
        ),
        |s| s.pinecone_account = Some(ACCT.into()),
    );
    assert_eq!(found, vec![("CMK207".into(), Severity::Warning, format!(r#""{ACCT}""#))]);
    // Without configuration nothing says that account is Pinecone's.
    let found = run(&policy(
        r#"{"AWS": "*"}"#,
        r#""sts:AssumeRole""#,
        &format!(r#"{{"StringEquals": {{"sts:ExternalId": "{EID}", "aws:PrincipalAccount": "{ACCT}"}}}}"#),
    ));
    assert_eq!(found, vec![]);
}

#[test]
fn external_id_values_and_operators() {
    let with = |cond: &str| run(&policy(&three_roles(), r#""sts:AssumeRole""#, cond));
    let nil = with(r#"{"StringEquals": {"sts:ExternalId": "00000000-0000-0000-0000-000000000000"}}"#);
    assert_eq!(nil[0].0, "CMK210");
    assert_eq!(nil[0].1, Severity::Error);
    let v1 = with(r#"{"StringEquals": {"sts:ExternalId": "6fa459ea-ee8a-11ec-8ea0-0242ac120002"}}"#);
    assert_eq!(v1[0].1, Severity::Info);
    let short = with(r#"{"StringEquals": {"sts:ExternalId": "x"}}"#);
    assert_eq!(short[0].1, Severity::Error);
    let null = with(r#"{"Null": {"sts:ExternalId": "false"}}"#);
    assert_eq!(codes(&null), ["CMK209"]);
    let ignore_case = with(&format!(r#"{{"StringEqualsIgnoreCase": {{"sts:ExternalId": "{EID}"}}}}"#));
    assert_eq!(ignore_case[0].1, Severity::Info);
    // A value other than `[customer] external_id`: one finding, CMK603's (the setup pass, which
    // also points at the config file), none of CMK210's.
    let configure = |s: &mut Settings| s.console.external_id = Some("0b1d7a3e-6c2f-4e59-8a41-9f3c2d5e7b10".into());
    let configured = run_family(&policy(&three_roles(), r#""sts:AssumeRole""#, &ext()), "CMK", configure);
    assert_eq!(configured, vec![("CMK603".into(), Severity::Error, format!(r#""{EID}""#))]);
    // Not Pinecone's trust: only syntax is judged, not the UUID shape.
    let other = policy(
        r#"{"AWS": "arn:aws:iam::322736531566:root"}"#,
        r#""sts:AssumeRole""#,
        r#"{"StringEquals": {"sts:ExternalId": "CrossAcctS3Demo"}}"#,
    );
    assert_eq!(run(&other), vec![]);
}

#[test]
fn actions() {
    let with = |action: &str| run(&policy(&three_roles(), action, &ext()));
    let assume_star = with(r#""sts:Assume*""#);
    assert_eq!(assume_star[0].0, "CMK212");
    assert_eq!(assume_star[0].1, Severity::Warning);
    assert_eq!(codes(&with(r#""*""#)), ["CMK212"]);
    assert_eq!(codes(&with(r#""sts:AssumeRoleWithWebIdentity""#)), ["CMK211", "CMK212"]);
    assert_eq!(codes(&with(r#"["sts:assumerole"]"#)), Vec::<&str>::new(), "actions are case-insensitive");
    let not_action = run(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {}, "NotAction": "sts:TagSession", "Condition": {}}}]}}"#,
        three_roles(),
        ext()
    ));
    assert_eq!(codes(&not_action), ["CMK212"]);
}

#[test]
fn extra_principals_and_unrelated_trusts() {
    let principal =
        format!(r#"{{"AWS": ["{}", "AROA4EXAMPLEID1234567"], "Service": "ec2.amazonaws.com"}}"#, role("us-east-1"));
    let found = run_with(&policy(&principal, r#""sts:AssumeRole""#, &ext()), |s| {
        s.regions = vec!["us-east-1".into()];
    });
    assert_eq!(found, vec![("CMK214".into(), Severity::Info, r#""ec2.amazonaws.com""#.into())]);
    for unrelated in [
        policy(r#"{"Service": "ec2.amazonaws.com"}"#, r#""sts:AssumeRole""#, ""),
        policy(r#"{"AWS": "arn:aws:iam::322736531566:root"}"#, r#""sts:AssumeRole""#, ""),
        policy(
            r#"{"Federated": "arn:aws:iam::513826297540:oidc-provider/token.actions.githubusercontent.com"}"#,
            r#""sts:AssumeRoleWithWebIdentity""#,
            r#"{"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}"#,
        ),
    ] {
        assert_eq!(run(&unrelated), vec![], "{unrelated}");
    }
}

#[test]
fn templates_are_unknowns() {
    let principal = r#"{"AWS": ["arn:${AWS::Partition}:iam::${PineconeAccountId}:role/pinecone_cmek_access_us-east-1", "arn:${AWS::Partition}:iam::${PineconeAccountId}:role/pinecone_cmek_access_us-west-2", "arn:${AWS::Partition}:iam::${PineconeAccountId}:role/pinecone_cmek_access_eu-west-1"]}"#;
    let text = policy(principal, r#""sts:AssumeRole""#, r#"{"StringEquals": {"sts:ExternalId": "${ExternalId}"}}"#);
    assert_eq!(run(&text), vec![]);
    let text = policy(principal, r#""sts:AssumeRole""#, "");
    assert_eq!(codes(&run(&text)), ["CMK208"]);
}

#[test]
fn denies() {
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Principal": {}, "Action": "sts:AssumeRole", "Condition": {}}},
            {{"Effect": "Deny", "Principal": {{"AWS": "{}"}}, "Action": "sts:*"}}]}}"#,
        three_roles(),
        ext(),
        role("us-west-2")
    );
    assert_eq!(run(&text), vec![("CMK213".into(), Severity::Error, r#""Deny""#.into())]);
}

#[test]
fn hardening_denies_pin_and_require_the_external_id() {
    // Allow `*` with the external ID, and deny every caller whose ARN is not Pinecone's.
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole", "Condition": {}}},
            {{"Effect": "Deny", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole",
              "Condition": {{"ArnNotLike": {{"aws:PrincipalArn": "arn:aws:iam::{ACCT}:role/pinecone_cmek_access_*"}}}}}}]}}"#,
        ext()
    );
    assert_eq!(run(&text), vec![]);
    // The same Deny with a wildcard account pins nothing.
    let open = text.replace(
        &format!("iam::{ACCT}:role/pinecone_cmek_access_*\"}}}}}}]"),
        "iam::*:role/pinecone_cmek_access_*\"}}}]",
    );
    assert_ne!(open, text);
    assert_eq!(codes(&run(&open)), ["CMK201"], "the Allow of `*` is not a Deny-only trust either");
    // Allow Pinecone's roles without a condition, deny any call without the external ID.
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Principal": {}, "Action": "sts:AssumeRole"}},
            {{"Effect": "Deny", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole",
              "Condition": {{"StringNotEquals": {{"sts:ExternalId": "{EID}"}}}}}}]}}"#,
        three_roles()
    );
    assert_eq!(run(&text), vec![]);
}

#[test]
fn roles_that_merely_mention_pinecone_are_not_pinecone_s() {
    // A customer's own role chain: its roles are named after the project, not Pinecone's roles.
    let text = policy(r#"{"AWS": "arn:aws:iam::513826297540:role/pinecone-ingest-lambda"}"#, r#""sts:AssumeRole""#, "");
    assert_eq!(run(&text), vec![]);
}

#[test]
fn statements_of_other_services_grant_no_trust() {
    // A key-policy statement checked as a trust policy (`--kind trust`): `kms:CallerAccount`
    // binds it, and it lets nobody assume anything.
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
        "Condition": {"StringEquals": {"kms:CallerAccount": "513826297540", "kms:ViaService": "ec2.us-west-2.amazonaws.com"}}}]}"#;
    let found = run_with(text, |s| s.forced_kind = Some(crate::policy::PolicyKind::Trust));
    assert_eq!(found, vec![]);
}

/// Issue 14: findings from evaluation, consistent with it and not doubled.
#[test]
fn evaluated_trust_findings() {
    let allow = format!(
        r#"{{"Sid": "AllowPinecone", "Effect": "Allow", "Principal": {{"AWS": "{}"}}, "Action": "sts:AssumeRole", "Condition": {}}}"#,
        role("us-east-1"),
        ext()
    );
    let with = |deny: &str| format!(r#"{{"Version": "2012-10-17", "Statement": [{allow}, {deny}]}}"#);
    // A role session has no MFA: `BoolIfExists ... false` holds, the Deny applies for sure.
    let mfa = with(
        r#"{"Sid": "RequireMfa", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}"#,
    );
    assert_eq!(run(&mfa), vec![("CMK215".into(), Severity::Error, r#""RequireMfa""#.into())]);
    // A principal tag cmek-lint cannot know: the Deny may apply, a warning.
    let tag = with(
        r#"{"Sid": "Tagged", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "db"}}}"#,
    );
    assert_eq!(run(&tag), vec![("CMK215".into(), Severity::Warning, r#""Tagged""#.into())]);
    // An unconditional Deny stays CMK213's alone.
    let unconditional = with(r#"{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}"#);
    assert_eq!(codes(&run(&unconditional)), ["CMK213"]);
    // `Principal: *` "pinned" by `aws:SourceAccount`: nobody can assume. Not "anyone can
    // assume" (CMK201); CMK203 says why nobody can.
    let source = policy(
        r#"{"AWS": "*"}"#,
        r#""sts:AssumeRole""#,
        &format!(r#"{{"StringEquals": {{"sts:ExternalId": "{EID}", "aws:SourceAccount": "{ACCT}"}}}}"#),
    );
    assert_eq!(codes(&run(&source)), ["CMK203"]);
    // Pinecone's account root pinned to its CMEK roles by `aws:PrincipalArn`: not too broad.
    let root = policy(
        &format!(r#"{{"AWS": "arn:aws:iam::{ACCT}:root"}}"#),
        r#""sts:AssumeRole""#,
        &format!(
            r#"{{"StringEquals": {{"sts:ExternalId": "{EID}"}}, "ArnLike": {{"aws:PrincipalArn": "arn:aws:iam::{ACCT}:role/pinecone_cmek_access_*"}}}}"#
        ),
    );
    assert_eq!(run(&root), vec![]);
}

/// Issue 14 item 3: CMK216 reports what only evaluation shows and leaves an unpinned
/// `Principal: *` to CMK201 and a whole-account trust to CMK207; severity by who and how sure.
#[test]
fn others_can_assume_by_evaluation_without_double_reports() {
    let allow_pinecone = format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{ACCT}:role/pinecone_cmek_access_us-east-1"}}, "Action": "sts:AssumeRole", "Condition": {{"StringEquals": {{"sts:ExternalId": "{EID}"}}}}}}"#
    );
    let policy = |extra: &str| format!(r#"{{"Version": "2012-10-17", "Statement": [{allow_pinecone}, {extra}]}}"#);
    let cmk216 = |found: &[(String, Severity, String)]| -> Vec<Severity> {
        found.iter().filter(|(c, _, _)| c == "CMK216").map(|(_, s, _)| *s).collect()
    };
    // Unpinned `*`: CMK201, not CMK216.
    let found = run(&policy(r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}"#));
    assert!(codes(&found).contains(&"CMK201") && cmk216(&found).is_empty(), "{found:?}");
    // Pinecone's whole account: CMK207, not CMK216.
    let found = run(&policy(&format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{ACCT}:root"}}, "Action": "sts:AssumeRole", "Condition": {{"StringEquals": {{"sts:ExternalId": "{EID}"}}}}}}"#
    )));
    assert!(codes(&found).contains(&"CMK207") && cmk216(&found).is_empty(), "{found:?}");
    // Pinned to an organization: unknown, a warning (and no CMK214 info on the same statement).
    let found = run(&policy(
        r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}"#,
    ));
    assert_eq!(cmk216(&found), [Severity::Warning], "{found:?}");
    assert!(!codes(&found).contains(&"CMK214"), "{found:?}");
    // A policy variable in the account field of the pin: any account, critical.
    let found = run(&policy(&format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole", "Condition": {{"StringEquals": {{"sts:ExternalId": "{EID}"}}, "ArnLike": {{"aws:PrincipalArn": "arn:aws:iam::${{aws:PrincipalAccount}}:role/pinecone_cmek_access_*"}}}}}}"#
    )));
    assert_eq!(cmk216(&found), [Severity::Critical], "{found:?}");
    assert!(!codes(&found).contains(&"CMK201"), "{found:?}");
    // Pinecone's roles only: nothing.
    let found = run(&format!(r#"{{"Version": "2012-10-17", "Statement": [{allow_pinecone}]}}"#));
    assert!(cmk216(&found).is_empty(), "{found:?}");
}

/// The evaluator names statements by their position in the `Statement` array, which a
/// non-object item shifts against the model's list: the evaluated rules must look statements up
/// by that index (an out-of-bounds panic once, with the MFA Deny last).
#[test]
fn evaluated_rules_find_statements_after_a_non_object_item() {
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [1,
 {{"Sid": "AllowPinecone", "Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{ACCT}:role/pinecone_cmek_access_us-east-1"}}, "Action": "sts:AssumeRole", "Condition": {{"StringEquals": {{"sts:ExternalId": "{EID}"}}}}}},
 {{"Sid": "RequireMfa", "Effect": "Deny", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole", "Condition": {{"BoolIfExists": {{"aws:MultiFactorAuthPresent": "false"}}}}}}]}}"#
    );
    let found = run(&text);
    assert!(found.iter().any(|(c, _, at)| c == "CMK215" && at == "\"RequireMfa\""), "{found:?}");
    let key = r#"{"Version": "2012-10-17", "Statement": ["x",
 {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
 {"Sid": "AllowPineconeCmekRole", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/PineconeCMEKRole"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"},
 {"Sid": "OnlyFromOurEndpoint", "Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60718"}}}]}"#;
    let found = run_family(key, "CMK3", |_| {});
    assert!(found.iter().any(|(c, _, at)| c == "CMK309" && at == "\"OnlyFromOurEndpoint\""), "{found:?}");
}
