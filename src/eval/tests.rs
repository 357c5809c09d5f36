//! Table-driven tests written from AWS's documented semantics (IAM User Guide: condition
//! operators, multivalued keys, policy variables, NotPrincipal, evaluation logic; KMS
//! Developer Guide: key policies).

use super::*;
use crate::json::parse;
use Tri::{False as F, True as T, Unknown as U};

const A: &str = "111111111111";
const B: &str = "222222222222";
const ROLE: &str = "arn:aws:iam::111111111111:role/app/cmek";
const KEY: &str = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// A context from `(key, value)` pairs; a value `?` marks the key unknown, a value with `|`
/// is multivalued (`|` alone: empty set).
fn ctx(pairs: &[(&str, &str)]) -> Context {
    let mut c = Context::new();
    for (k, v) in pairs {
        if *v == "?" {
            c.unknown(k.to_string());
        } else if v.contains('|') {
            c.set_many(k.to_string(), v.split('|').filter(|s| !s.is_empty()).map(str::to_string));
        } else {
            c.set(k.to_string(), v.to_string());
        }
    }
    c
}

/// Evaluate a `Condition` object against a context.
fn cond(condition: &str, c: &Context) -> Tri {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{condition}}}}}"#
    );
    let root = parse(&text).root.expect("test policy parses");
    let p = Policy::new(&root);
    condition::eval_statement(&p.statements[0], c, true).value
}

/// `(Condition object, context pairs, expected truth)`.
type CondCase<'a> = (&'a str, &'a [(&'a str, &'a str)], Tri);

#[test]
fn condition_operators() {
    #[rustfmt::skip]
    let cases: &[CondCase<'_>] = &[
        // String operators: case-sensitive, values OR, negated NOR, absent key.
        (r#"{"StringEquals":{"sts:ExternalId":"abc"}}"#, &[("sts:ExternalId", "abc")], T),
        (r#"{"StringEquals":{"sts:ExternalId":"abc"}}"#, &[("sts:ExternalId", "ABC")], F),
        (r#"{"StringEquals":{"sts:ExternalId":["x","abc"]}}"#, &[("sts:ExternalId", "abc")], T),
        (r#"{"StringEquals":{"sts:ExternalId":"abc"}}"#, &[], F),
        (r#"{"StringEquals":{"sts:ExternalId":"abc*"}}"#, &[("sts:ExternalId", "abcd")], F),
        (r#"{"StringEqualsIfExists":{"sts:ExternalId":"abc"}}"#, &[], T),
        (r#"{"StringEqualsIfExists":{"sts:ExternalId":"abc"}}"#, &[("sts:ExternalId", "x")], F),
        (r#"{"StringNotEquals":{"aws:PrincipalAccount":["1","2"]}}"#, &[("aws:PrincipalAccount", "3")], T),
        (r#"{"StringNotEquals":{"aws:PrincipalAccount":["1","2"]}}"#, &[("aws:PrincipalAccount", "2")], F),
        (r#"{"StringNotEquals":{"aws:PrincipalAccount":"1"}}"#, &[], T),
        (r#"{"StringEqualsIgnoreCase":{"aws:PrincipalType":"assumedrole"}}"#, &[("aws:PrincipalType", "AssumedRole")], T),
        (r#"{"StringNotEqualsIgnoreCase":{"aws:PrincipalType":"assumedrole"}}"#, &[("aws:PrincipalType", "AssumedRole")], F),
        (r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::1:role/p_*"}}"#, &[("aws:PrincipalArn", "arn:aws:iam::1:role/p_x/y")], T),
        (r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::1:role/p_?"}}"#, &[("aws:PrincipalArn", "arn:aws:iam::1:role/p_xy")], F),
        (r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::1:role/P_*"}}"#, &[("aws:PrincipalArn", "arn:aws:iam::1:role/p_x")], F),
        (r#"{"StringNotLike":{"aws:PrincipalArn":"*admin*"}}"#, &[("aws:PrincipalArn", "arn:aws:iam::1:role/x")], T),
        // Key names are case-insensitive.
        (r#"{"StringEquals":{"STS:externalid":"abc"}}"#, &[("sts:ExternalId", "abc")], T),
        // Numeric.
        (r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#, &[("s3:max-keys", "9")], T),
        (r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#, &[("s3:max-keys", "10")], F),
        (r#"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#, &[("s3:max-keys", "10")], T),
        (r#"{"NumericGreaterThan":{"s3:max-keys":10}}"#, &[("s3:max-keys", "11")], T),
        (r#"{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}"#, &[("s3:max-keys", "9.5")], F),
        (r#"{"NumericEquals":{"s3:max-keys":"10"}}"#, &[("s3:max-keys", "10.0")], T),
        (r#"{"NumericNotEquals":{"s3:max-keys":"10"}}"#, &[("s3:max-keys", "10")], F),
        (r#"{"NumericEquals":{"s3:max-keys":"10"}}"#, &[("s3:max-keys", "ten")], F),
        // Dates: ISO 8601 with offsets, epoch seconds.
        (r#"{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#, &[("aws:CurrentTime", "2025-12-31T23:59:59Z")], T),
        (r#"{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01"}}"#, &[("aws:CurrentTime", "2026-01-01T00:00:01Z")], T),
        (r#"{"DateEquals":{"aws:CurrentTime":"2026-01-01T02:00:00+02:00"}}"#, &[("aws:CurrentTime", "2026-01-01T00:00:00Z")], T),
        (r#"{"DateLessThanEquals":{"aws:EpochTime":"1767225600"}}"#, &[("aws:EpochTime", "2026-01-01T00:00:00Z")], T),
        (r#"{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-02"}}"#, &[("aws:CurrentTime", "2026-01-01")], F),
        (r#"{"DateNotEquals":{"aws:CurrentTime":"2026-01-01"}}"#, &[("aws:CurrentTime", "2026-01-01")], F),
        // Bool: JSON or string, case-insensitive.
        (r#"{"Bool":{"aws:SecureTransport":"true"}}"#, &[("aws:SecureTransport", "true")], T),
        (r#"{"Bool":{"aws:SecureTransport":false}}"#, &[("aws:SecureTransport", "true")], F),
        (r#"{"Bool":{"aws:SecureTransport":"TRUE"}}"#, &[("aws:SecureTransport", "true")], T),
        (r#"{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#, &[], F),
        (r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#, &[], T),
        (r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#, &[("aws:MultiFactorAuthPresent", "true")], F),
        // Binary.
        (r#"{"BinaryEquals":{"k:b":"QmluYXJ5"}}"#, &[("k:b", "QmluYXJ5")], T),
        (r#"{"BinaryEquals":{"k:b":"QmluYXJ5"}}"#, &[("k:b", "QmluYXJ6")], F),
        // IP: CIDR v4/v6, bare address.
        (r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, &[("aws:SourceIp", "203.0.113.77")], T),
        (r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","203.0.113.0/24"]}}"#, &[("aws:SourceIp", "198.51.100.1")], F),
        (r#"{"IpAddress":{"aws:SourceIp":"198.51.100.1"}}"#, &[("aws:SourceIp", "198.51.100.1")], T),
        (r#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#, &[("aws:SourceIp", "2001:db8:1::5")], T),
        (r#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#, &[("aws:SourceIp", "203.0.113.1")], F),
        (r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, &[("aws:SourceIp", "198.51.100.1")], T),
        (r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, &[("aws:SourceIp", "10.1.2.3")], F),
        (r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, &[("aws:SourceIp", "1.2.3.4")], T),
        // ARN: six parts compared separately.
        (r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"}}"#, &[("aws:PrincipalArn", "arn:aws:iam::1:role/x")], T),
        (r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::1:role/*"}}"#, &[("aws:PrincipalArn", "arn:aws:iam::2:role/x")], F),
        (r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:s3:::b"}}"#, &[("aws:SourceArn", "arn:aws:s3:::b")], T),
        (r#"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::b"}}"#, &[("aws:SourceArn", "arn:aws:s3:::c")], T),
        (r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::1:*"}}"#, &[], T),
        (r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::1:*"}}"#, &[], F),
        // Null.
        (r#"{"Null":{"aws:SourceVpce":"true"}}"#, &[], T),
        (r#"{"Null":{"aws:SourceVpce":"true"}}"#, &[("aws:SourceVpce", "vpce-1")], F),
        (r#"{"Null":{"aws:SourceVpce":false}}"#, &[("aws:SourceVpce", "vpce-1")], T),
        (r#"{"Null":{"aws:SourceVpce":"false"}}"#, &[], F),
        (r#"{"Null":{"aws:TagKeys":"true"}}"#, &[("aws:TagKeys", "|")], T),
        // Set operators on multivalued keys, empty and absent sets.
        (r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#, &[("aws:TagKeys", "a|b")], T),
        (r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#, &[("aws:TagKeys", "a|c")], F),
        (r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#, &[("aws:TagKeys", "|")], T),
        (r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#, &[], T),
        (r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}"#, &[("aws:TagKeys", "c|a")], T),
        (r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}"#, &[("aws:TagKeys", "|")], F),
        (r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}"#, &[], F),
        (r#"{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["a"]}}"#, &[], T),
        (r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-1/r-1/ou-1/*"}}"#, &[("aws:PrincipalOrgPaths", "o-1/r-1/ou-2/|o-1/r-1/ou-1/ou-9/")], T),
        (r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["x"]}}"#, &[("aws:TagKeys", "a|b")], T),
        (r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["x"]}}"#, &[("aws:TagKeys", "a|x")], F),
        (r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["x"]}}"#, &[("aws:TagKeys", "a|x")], T),
        // AND across keys and operators.
        (r#"{"StringEquals":{"sts:ExternalId":"e","aws:PrincipalAccount":"1"}}"#, &[("sts:ExternalId", "e"), ("aws:PrincipalAccount", "2")], F),
        (r#"{"StringEquals":{"sts:ExternalId":"e"},"Bool":{"aws:SecureTransport":"true"}}"#, &[("sts:ExternalId", "e"), ("aws:SecureTransport", "true")], T),
        // Unknowns: a key marked unknown, a deploy-time value, an unknown operator.
        (r#"{"StringEquals":{"kms:EncryptionContext:tenant":"x"}}"#, &[("kms:EncryptionContext:tenant", "?")], U),
        (r#"{"StringEquals":{"sts:ExternalId":"e"}}"#, &[("sts:ExternalId", "?")], U),
        (r#"{"Null":{"sts:ExternalId":"true"}}"#, &[("sts:ExternalId", "?")], U),
        (r#"{"StringEqual":{"sts:ExternalId":"e"}}"#, &[("sts:ExternalId", "e")], U),
        // A false entry decides even next to an unknown one.
        (r#"{"StringEquals":{"sts:ExternalId":"e","aws:PrincipalTag/x":"y"}}"#, &[("sts:ExternalId", "f"), ("aws:PrincipalTag/x", "?")], F),
        // Policy variables: resolved from the context, else unknown.
        (r#"{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}"#, &[("aws:PrincipalTag/owner", "bob"), ("aws:username", "bob")], T),
        (r#"{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}"#, &[("aws:PrincipalTag/owner", "bob"), ("aws:username", "eve")], F),
        (r#"{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}"#, &[("aws:PrincipalTag/owner", "bob")], U),
        (r#"{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username, 'bob'}"}}"#, &[("aws:PrincipalTag/owner", "bob")], T),
        (r#"{"StringEquals":{"s3:prefix":"a${*}b"}}"#, &[("s3:prefix", "a*b")], T),
        (r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}}"#, &[("aws:PrincipalArn", "arn:aws:iam::1:role/x"), ("aws:PrincipalAccount", "1")], T),
    ];
    for (i, (condition, pairs, want)) in cases.iter().enumerate() {
        let got = cond(condition, &ctx(pairs));
        assert_eq!(got, *want, "case {i}: {condition} with {pairs:?}");
    }
}

#[test]
fn template_values_are_unknown() {
    let mut root = parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}}"#).root.unwrap();
    // Turn the value into a deploy-time template, as the CloudFormation/Terraform front ends do.
    fn make_template(n: &mut crate::json::Node) {
        match &mut n.value {
            crate::json::Value::String(s) if &**s == "x" => n.value = crate::json::Value::Template("${Param}".into()),
            crate::json::Value::Object(ms) => ms.iter_mut().for_each(|m| make_template(&mut m.value)),
            crate::json::Value::Array(ns) => ns.iter_mut().for_each(make_template),
            _ => {}
        }
    }
    make_template(&mut root);
    let p = Policy::new(&root);
    let r = condition::eval_statement(&p.statements[0], &ctx(&[("sts:ExternalId", "e")]), true);
    assert_eq!(r.value, U);
    assert!(r.entry.is_some() && r.detail.unwrap().contains("deploy-time"));
}

#[test]
fn variables_need_version_2012() {
    let text = r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k:k":"${aws:username}"}}}}"#;
    let root = parse(text).root.unwrap();
    let p = Policy::new(&root);
    let req = {
        let mut r = Request::new(Caller::AccountRoot { account: A.into() }, "s3:GetObject", KEY);
        r.context.set("k:k", "${aws:username}").set("aws:username", "bob");
        r
    };
    let set = PolicySet::new(IdentityScope::Complete).identity(&p);
    assert_eq!(evaluate(&set, &req).decision, Decision::Allowed);
}

// ---------------------------------------------------------------------------------------
// Whole-request evaluation.

fn session(role: &str) -> Caller {
    Caller::role_session(role, "s").unwrap()
}

struct Case<'t> {
    resource: Option<(&'t str, ResourceKind, &'t str)>,
    identity: Option<&'t str>,
    scope: IdentityScope,
}

fn run(case: Case<'_>, req: &Request) -> Evaluation {
    let rp = case.resource.map(|(t, _, _)| parse(t).root.expect("resource policy parses"));
    let ip = case.identity.map(|t| parse(t).root.expect("identity policy parses"));
    let rp_model = rp.as_ref().map(Policy::new);
    let ip_model = ip.as_ref().map(Policy::new);
    let mut set = PolicySet::new(case.scope);
    if let (Some(p), Some((_, kind, account))) = (&rp_model, case.resource) {
        set = set.resource(kind, Some(account), p);
    }
    if let Some(p) = &ip_model {
        set = set.identity(p);
    }
    evaluate(&set, req)
}

fn key_req(caller: Caller, action: &str) -> Request {
    let mut r = Request::new(caller, action, KEY);
    r.context.set("kms:CallerAccount", A);
    r
}

const ROOT_STMT: &str = r#"{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}"#;
const ROLE_USE: &str = r#"{"Sid":"RoleUse","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/app/cmek"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}"#;
const IAM_KMS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt"],"Resource":"arn:aws:kms:*:111111111111:key/*"}]}"#;

fn key_policy(stmts: &[&str]) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, stmts.join(","))
}

#[test]
fn key_policy_direct_grant_suffices_same_account() {
    let kp = key_policy(&[ROLE_USE]);
    let e = run(
        Case { resource: Some((&kp, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Complete },
        &key_req(session(ROLE), "kms:Encrypt"),
    );
    assert_eq!(e.decision, Decision::Allowed, "{e:?}");
    assert_eq!(e.deciding().next().unwrap().sid.as_deref(), Some("RoleUse"));
    let admin = run(
        Case { resource: Some((&kp, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Complete },
        &key_req(session(ROLE), "kms:PutKeyPolicy"),
    );
    assert_eq!(admin.decision, Decision::Denied);
}

#[test]
fn key_policy_without_root_statement_makes_iam_irrelevant() {
    // IAM policy allows, key policy neither names the role nor delegates: denied.
    let kp = key_policy(&[
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/admin"},"Action":"kms:*","Resource":"*"}"#,
    ]);
    let case = || Case {
        resource: Some((&kp, ResourceKind::KeyPolicy, A)),
        identity: Some(IAM_KMS),
        scope: IdentityScope::Complete,
    };
    let e = run(case(), &key_req(session(ROLE), "kms:Encrypt"));
    assert_eq!(e.decision, Decision::Denied);
    assert!(e.reason.contains("neither names the caller"), "{}", e.reason);
    // With the root statement the IAM policy counts.
    let kp2 = key_policy(&[ROOT_STMT]);
    let e = run(
        Case {
            resource: Some((&kp2, ResourceKind::KeyPolicy, A)),
            identity: Some(IAM_KMS),
            scope: IdentityScope::Complete,
        },
        &key_req(session(ROLE), "kms:Encrypt"),
    );
    assert_eq!(e.decision, Decision::Allowed, "{e:?}");
    // Root statement but no IAM policy: denied; IAM policy unknown: unknown.
    let e = run(
        Case { resource: Some((&kp2, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Complete },
        &key_req(session(ROLE), "kms:Encrypt"),
    );
    assert_eq!(e.decision, Decision::Denied);
    let e = run(
        Case { resource: Some((&kp2, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Partial },
        &key_req(session(ROLE), "kms:Encrypt"),
    );
    assert_eq!(e.decision, Decision::Unknown);
    // The helper.
    let root = parse(&kp2).root.unwrap();
    assert_eq!(key_policy_enables_iam(&Policy::new(&root), &key_req(session(ROLE), "kms:Decrypt")), T);
    let root = parse(&kp).root.unwrap();
    assert_eq!(key_policy_enables_iam(&Policy::new(&root), &key_req(session(ROLE), "kms:Decrypt")), F);
}

#[test]
fn cross_account_needs_both_sides() {
    let kp = key_policy(&[
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}"#,
    ]);
    let b_role = "arn:aws:iam::222222222222:role/cmek";
    let b_iam = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:Encrypt","Resource":"arn:aws:kms:*:111111111111:key/*"}}"#;
    let req = || {
        let mut r = Request::new(session(b_role), "kms:Encrypt", KEY);
        r.context.set("kms:CallerAccount", B);
        r
    };
    let e = run(
        Case {
            resource: Some((&kp, ResourceKind::KeyPolicy, A)),
            identity: Some(b_iam),
            scope: IdentityScope::Complete,
        },
        &req(),
    );
    assert_eq!(e.decision, Decision::Allowed, "{e:?}");
    assert!(e.reason.contains("cross-account"));
    let e = run(
        Case { resource: Some((&kp, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Complete },
        &req(),
    );
    assert_eq!(e.decision, Decision::Denied);
    let e = run(
        Case { resource: Some((&kp, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Partial },
        &req(),
    );
    assert_eq!(e.decision, Decision::Unknown);
    // Identity allows but the key policy names another account.
    let kp_other = key_policy(&[ROOT_STMT]);
    let e = run(
        Case {
            resource: Some((&kp_other, ResourceKind::KeyPolicy, A)),
            identity: Some(b_iam),
            scope: IdentityScope::Complete,
        },
        &req(),
    );
    assert_eq!(e.decision, Decision::Denied);
}

#[test]
fn explicit_deny_wins() {
    let kp = key_policy(&[
        ROLE_USE,
        r#"{"Sid":"NoEncrypt","Effect":"Deny","Principal":"*","Action":"kms:Encrypt","Resource":"*"}"#,
    ]);
    let e = run(
        Case { resource: Some((&kp, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Complete },
        &key_req(session(ROLE), "kms:Encrypt"),
    );
    assert_eq!(e.decision, Decision::Denied);
    let d = e.deciding().next().unwrap();
    assert_eq!((d.sid.as_deref(), d.effect), (Some("NoEncrypt"), Effect::Deny));
    // A Deny in the identity policy also wins over a key-policy Allow.
    let ip = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"kms:*","Resource":"*"}}"#;
    let kp = key_policy(&[ROLE_USE]);
    let e = run(
        Case { resource: Some((&kp, ResourceKind::KeyPolicy, A)), identity: Some(ip), scope: IdentityScope::Complete },
        &key_req(session(ROLE), "kms:Decrypt"),
    );
    assert_eq!(e.decision, Decision::Denied);
    // A Deny whose condition is unknown caps the decision at Unknown.
    let kp = key_policy(&[
        ROLE_USE,
        r#"{"Sid":"Ctx","Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"kms:EncryptionContext:tenant":"t1"}}}"#,
    ]);
    let mut req = key_req(session(ROLE), "kms:Encrypt");
    req.context.unknown_prefix("kms:EncryptionContext:");
    let e = run(
        Case { resource: Some((&kp, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Complete },
        &req,
    );
    assert_eq!(e.decision, Decision::Unknown);
    let d = e.deciding().next().unwrap();
    assert_eq!(d.sid.as_deref(), Some("Ctx"));
    let text = &kp[d.at.unwrap().range()];
    assert!(text.starts_with("\"kms:EncryptionContext:tenant\""), "{text}");
}

#[test]
fn unknown_allow_is_unknown_unless_another_allow_is_sure() {
    let maybe = r#"{"Sid":"Maybe","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/app/cmek"},"Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}}"#;
    let kp = key_policy(&[maybe]);
    let mut req = key_req(session(ROLE), "kms:Encrypt");
    req.context.unknown_prefix("aws:PrincipalTag/");
    let e = run(
        Case { resource: Some((&kp, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Complete },
        &req,
    );
    assert_eq!(e.decision, Decision::Unknown);
    let kp = key_policy(&[maybe, ROLE_USE]);
    let e = run(
        Case { resource: Some((&kp, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Complete },
        &req,
    );
    assert_eq!(e.decision, Decision::Allowed);
    assert_eq!(e.deciding().next().unwrap().sid.as_deref(), Some("RoleUse"));
}

#[test]
fn not_principal_exempts_sessions_only_by_session_arn() {
    let deny = |listed: &str| {
        key_policy(&[
            ROLE_USE,
            &format!(
                r#"{{"Sid":"OnlyRole","Effect":"Deny","NotPrincipal":{{"AWS":[{listed}]}},"Action":"kms:*","Resource":"*"}}"#
            ),
        ])
    };
    let req = key_req(session(ROLE), "kms:Encrypt");
    let go = |kp: &str| {
        run(
            Case { resource: Some((kp, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Complete },
            &req,
        )
        .decision
    };
    // The role ARN does not exempt its sessions.
    assert_eq!(go(&deny(r#""arn:aws:iam::111111111111:role/app/cmek""#)), Decision::Denied);
    assert_eq!(
        go(&deny(r#""arn:aws:iam::111111111111:role/app/cmek","arn:aws:iam::111111111111:root""#)),
        Decision::Denied
    );
    // The session ARN, its role and its account do.
    assert_eq!(
        go(&deny(
            r#""arn:aws:sts::111111111111:assumed-role/cmek/s","arn:aws:iam::111111111111:role/app/cmek","arn:aws:iam::111111111111:root""#
        )),
        Decision::Allowed
    );
    // The session ARN without its role or account: AWS "might" deny through the parent.
    assert_eq!(
        go(&deny(r#""arn:aws:sts::111111111111:assumed-role/cmek/s","arn:aws:iam::111111111111:root""#)),
        Decision::Unknown
    );
    assert_eq!(go(&deny(r#""arn:aws:sts::111111111111:assumed-role/cmek/s""#)), Decision::Unknown);
    // Another session of the role is not exempt.
    assert_eq!(
        go(&deny(
            r#""arn:aws:sts::111111111111:assumed-role/cmek/other","arn:aws:iam::111111111111:role/app/cmek","arn:aws:iam::111111111111:root""#
        )),
        Decision::Denied
    );
}

#[test]
fn not_resource_with_alias_does_not_cover_the_key() {
    let ip = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"kms:*","Resource":"*"},
        {"Sid":"OnlyAlias","Effect":"Deny","Action":"kms:*","NotResource":"arn:aws:kms:us-east-1:111111111111:alias/cmek"}]}"#;
    let kp = key_policy(&[ROOT_STMT, ROLE_USE]);
    let e = run(
        Case { resource: Some((&kp, ResourceKind::KeyPolicy, A)), identity: Some(ip), scope: IdentityScope::Complete },
        &key_req(session(ROLE), "kms:Encrypt"),
    );
    assert_eq!(e.decision, Decision::Denied);
    assert_eq!(e.deciding().next().unwrap().sid.as_deref(), Some("OnlyAlias"));
}

#[test]
fn principal_forms() {
    let trust = |principal: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}}}"#
        )
    };
    let caller_role = "arn:aws:iam::222222222222:role/vendor/pinecone";
    let go = |principal: &str, caller: Caller, scope: IdentityScope| {
        let t = trust(principal);
        let req = Request::new(caller, "sts:AssumeRole", ROLE);
        run(Case { resource: Some((&t, ResourceKind::Trust, A)), identity: None, scope }, &req).decision
    };
    use Decision::*;
    use IdentityScope::*;
    let cases: Vec<(&str, Caller, IdentityScope, Decision)> = vec![
        (r#""*""#, session(caller_role), CallerControlled, Allowed),
        (r#"{"AWS":"*"}"#, session(caller_role), CallerControlled, Allowed),
        (r#"{"AWS":"222222222222"}"#, session(caller_role), CallerControlled, Allowed),
        (r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, session(caller_role), CallerControlled, Allowed),
        (r#"{"AWS":"arn:aws:iam::222222222222:root"}"#, session(caller_role), Partial, Unknown),
        (r#"{"AWS":"arn:aws:iam::333333333333:root"}"#, session(caller_role), CallerControlled, Denied),
        (
            r#"{"AWS":"arn:aws:iam::222222222222:role/vendor/pinecone"}"#,
            session(caller_role),
            CallerControlled,
            Allowed,
        ),
        // Cross-account: the caller's identity policy must allow too.
        (r#"{"AWS":"arn:aws:iam::222222222222:role/vendor/pinecone"}"#, session(caller_role), Complete, Denied),
        (r#"{"AWS":"arn:aws:iam::222222222222:role/vendor/pinecone"}"#, session(caller_role), Partial, Unknown),
        (r#"{"AWS":"arn:aws:iam::222222222222:role/pinecone"}"#, session(caller_role), CallerControlled, Denied),
        (
            r#"{"AWS":"arn:aws:sts::222222222222:assumed-role/pinecone/s"}"#,
            session(caller_role),
            CallerControlled,
            Allowed,
        ),
        (
            r#"{"AWS":"arn:aws:sts::222222222222:assumed-role/pinecone/other"}"#,
            session(caller_role),
            CallerControlled,
            Denied,
        ),
        (
            r#"{"AWS":"arn:aws:iam::222222222222:role/vendor/pinecone*"}"#,
            session(caller_role),
            CallerControlled,
            Denied,
        ),
        (r#"{"AWS":"AROAEXAMPLEID1234567"}"#, session(caller_role), CallerControlled, Denied),
        (r#"{"Service":"ec2.amazonaws.com"}"#, Caller::Service { name: "ec2.amazonaws.com".into() }, Complete, Allowed),
        (r#"{"Service":"ec2.amazonaws.com"}"#, session(caller_role), CallerControlled, Denied),
        (
            r#"{"Federated":"cognito-identity.amazonaws.com"}"#,
            Caller::Federated { provider: "cognito-identity.amazonaws.com".into() },
            Complete,
            Allowed,
        ),
        (
            r#"{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#,
            session(caller_role),
            CallerControlled,
            Denied,
        ),
        (r#""*""#, Caller::Anonymous, Complete, Denied),
        // Same account: a trust policy naming the role's account delegates to IAM policies.
        (
            r#"{"AWS":"arn:aws:iam::111111111111:root"}"#,
            session("arn:aws:iam::111111111111:role/ops"),
            Complete,
            Denied,
        ),
        (
            r#"{"AWS":"arn:aws:iam::111111111111:root"}"#,
            session("arn:aws:iam::111111111111:role/ops"),
            Partial,
            Unknown,
        ),
        (r#"{"AWS":"arn:aws:iam::111111111111:root"}"#, Caller::AccountRoot { account: A.into() }, Complete, Allowed),
        (
            r#"{"AWS":"arn:aws:iam::111111111111:role/ops"}"#,
            session("arn:aws:iam::111111111111:role/ops"),
            Complete,
            Allowed,
        ),
    ];
    for (i, (p, caller, scope, want)) in cases.into_iter().enumerate() {
        assert_eq!(go(p, caller.clone(), scope), want, "case {i}: {p} for {caller:?} ({scope:?})");
    }
}

#[test]
fn actions_and_resources() {
    let ip = |stmt: &str| format!(r#"{{"Version":"2012-10-17","Statement":{stmt}}}"#);
    let go = |stmt: &str, action: &str| {
        let kp = key_policy(&[ROOT_STMT]);
        let i = ip(stmt);
        run(
            Case {
                resource: Some((&kp, ResourceKind::KeyPolicy, A)),
                identity: Some(&i),
                scope: IdentityScope::Complete,
            },
            &key_req(session(ROLE), action),
        )
        .decision
    };
    use Decision::*;
    let cases: &[(&str, &str, Decision)] = &[
        (r#"{"Effect":"Allow","Action":"KMS:ENCRYPT","Resource":"*"}"#, "kms:Encrypt", Allowed),
        (r#"{"Effect":"Allow","Action":"kms:*crypt","Resource":"*"}"#, "kms:Decrypt", Allowed),
        (r#"{"Effect":"Allow","Action":"kms:?ncrypt","Resource":"*"}"#, "kms:Encrypt", Allowed),
        (r#"{"Effect":"Allow","Action":"kms:Enc*","Resource":"*"}"#, "kms:Decrypt", Denied),
        (r#"{"Effect":"Allow","NotAction":"kms:Put*","Resource":"*"}"#, "kms:Decrypt", Allowed),
        (r#"{"Effect":"Allow","NotAction":"kms:Put*","Resource":"*"}"#, "kms:PutKeyPolicy", Denied),
        (
            r#"{"Effect":"Allow","Action":"kms:*","Resource":"arn:aws:kms:*:111111111111:key/*"}"#,
            "kms:Encrypt",
            Allowed,
        ),
        (r#"{"Effect":"Allow","Action":"kms:*","Resource":"arn:aws:kms:*:222222222222:key/*"}"#, "kms:Encrypt", Denied),
        (
            r#"{"Effect":"Allow","Action":"kms:*","Resource":"arn:aws:kms:us-east-1:111111111111:alias/cmek"}"#,
            "kms:Encrypt",
            Denied,
        ),
        (
            r#"{"Effect":"Allow","Action":"kms:*","NotResource":"arn:aws:kms:us-east-1:111111111111:alias/cmek"}"#,
            "kms:Encrypt",
            Allowed,
        ),
        (r#"{"Effect":"Allow","Action":"kms:*"}"#, "kms:Encrypt", Denied),
        (r#"{"Effect":"allow","Action":"kms:*","Resource":"*"}"#, "kms:Encrypt", Denied),
    ];
    for (i, (stmt, action, want)) in cases.iter().enumerate() {
        assert_eq!(go(stmt, action), *want, "case {i}: {stmt} for {action}");
    }
}

#[test]
fn missing_resource_policy_is_unknown_for_keys_and_trusts() {
    let set = PolicySet::new(IdentityScope::Complete).resource_kind(ResourceKind::KeyPolicy);
    assert_eq!(evaluate(&set, &key_req(session(ROLE), "kms:Encrypt")).decision, Decision::Unknown);
}

#[test]
fn statement_spans_point_into_the_source() {
    let kp = key_policy(&[ROLE_USE]);
    let e = run(
        Case { resource: Some((&kp, ResourceKind::KeyPolicy, A)), identity: None, scope: IdentityScope::Complete },
        &key_req(session(ROLE), "kms:Encrypt"),
    );
    let d = e.deciding().next().unwrap();
    assert_eq!(&kp[d.span.range()], ROLE_USE);
    assert_eq!(&kp[d.head.range()], "\"RoleUse\"");
}

/// Replace every string value equal to `from` by a deploy-time template.
fn templatize(n: &mut crate::json::Node, from: &str) {
    match &mut n.value {
        crate::json::Value::String(s) if &**s == from => {
            n.value = crate::json::Value::Template(format!("${{{from}}}").into())
        }
        crate::json::Value::Object(ms) => ms.iter_mut().for_each(|m| templatize(&mut m.value, from)),
        crate::json::Value::Array(ns) => ns.iter_mut().for_each(|n| templatize(n, from)),
        _ => {}
    }
}

#[test]
fn deploy_time_principals_actions_and_resources_are_unknown() {
    let req = key_req(session(ROLE), "kms:Encrypt");
    let go = |text: &str, from: &str| {
        let mut root = parse(text).root.unwrap();
        templatize(&mut root, from);
        let p = Policy::new(&root);
        let set = PolicySet::new(IdentityScope::Complete).resource(ResourceKind::KeyPolicy, Some(A), &p);
        evaluate(&set, &req)
    };
    let kp = key_policy(&[ROLE_USE]);
    // `${RoleArn}` in Principal: may be the role.
    let e = go(&kp, ROLE);
    assert_eq!(e.decision, Decision::Unknown);
    assert_eq!(e.deciding().next().unwrap().miss, Some(Element::Principal));
    // A deploy-time action or resource.
    assert_eq!(go(&kp, "kms:Encrypt").decision, Decision::Unknown);
    let kp_res = kp.replace(r#""Resource":"*""#, r#""Resource":"KEYARN""#);
    assert_eq!(go(&kp_res, "KEYARN").decision, Decision::Unknown);
    // A Deny with a deploy-time condition value caps an Allow at Unknown.
    let deny = r#"{"Sid":"D","Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"VPCE"}}}"#;
    let mut req2 = req.clone();
    req2.context.set("aws:SourceVpce", "vpce-1");
    let mut root = parse(&key_policy(&[ROLE_USE, deny])).root.unwrap();
    templatize(&mut root, "VPCE");
    let p = Policy::new(&root);
    let set = PolicySet::new(IdentityScope::Complete).resource(ResourceKind::KeyPolicy, Some(A), &p);
    let e = evaluate(&set, &req2);
    assert_eq!(e.decision, Decision::Unknown);
    assert_eq!(e.deciding().next().unwrap().sid.as_deref(), Some("D"));
    // ... but when the key is absent the negated operator holds whatever the value: denied.
    assert_eq!(evaluate(&set, &req).decision, Decision::Denied);
}

/// Keys are matched case-insensitively, listed lower-cased in order, and replaced when set again
/// in another case.
#[test]
fn context_keys_are_case_insensitive_and_ordered() {
    let mut c = Context::new();
    c.set("aws:SourceIp", "198.51.100.23").set("AWS:PrincipalArn", "arn:aws:iam::1:role/r").unknown("sts:ExternalId");
    c.set("aws:sourceip", "203.0.113.9").unknown_static_prefixes(&["aws:principaltag/"]);
    let keys: Vec<String> = c.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["aws:principalarn", "aws:sourceip", "sts:externalid"]);
    assert_eq!(c.lookup("AWS:SOURCEIP"), Lookup::Values(&["203.0.113.9".into()]));
    assert_eq!(c.lookup("sts:externalid"), Lookup::Unknown);
    assert_eq!(c.lookup("aws:PrincipalTag/team"), Lookup::Unknown);
    assert_eq!(c.lookup("aws:PrincipalTa"), Lookup::Absent);
    c.remove("Aws:SourceIP");
    assert!(!c.has("aws:sourceip") && c.has("STS:EXTERNALID"));
}
