//! Cross-check of cmek-lint's evaluator (`cmek_lint::eval`) against an independent one, the
//! `iam-rs` crate (dev-dependency only), on generated identity policies (issue 14, item 6).
//!
//! What is compared: one identity policy (1–3 `Allow`/`Deny` statements) of an IAM user, and a
//! same-account request (action, resource ARN, context). Grammar: `Action`/`NotAction` with
//! `*`/`?` wildcards in mixed case; `Resource`/`NotResource` with `*`/`?` in six-field ARNs (and
//! `"*"`); `Condition` with `StringEquals`, `StringLike`, `StringNotEquals`, `NumericLessThan`,
//! `NumericGreaterThan`, `Bool`, `IpAddress`, `NotIpAddress` and their `…IfExists` forms, one or
//! two values, on string, numeric, boolean and IP context keys each present or absent. Every
//! context key is known, so cmek-lint never answers `Unknown` (asserted). cmek-lint's
//! `Allowed`/`Denied` is compared with iam-rs's `Allow` / `Deny` or `NotApplicable` (implicit
//! deny; both mean "not allowed"). A fixed-seed run of [`CASES`] cases; see
//! `docs/evaluator-crosscheck.md`.
//!
//! # Disagreements
//!
//! On the generated grammar (512 fixed-seed cases) the two evaluators agree on every case. One
//! disagreement class was found while building the generator, and is excluded from it and
//! asserted instead ([`iam_rs_rejects_a_list_of_json_booleans`]):
//!
//! 1. **A condition value list of JSON booleans** (`"Bool": {"aws:SecureTransport": [true,
//!    false]}`): iam-rs 0.8.0 fails to parse the policy (its `ConditionValue` takes a list of
//!    strings only); cmek-lint evaluates it. AWS's policy grammar ("Grammar of the IAM JSON policy
//!    language") allows a list of condition values, each a string, number or Boolean, so
//!    cmek-lint is right; an iam-rs parser limitation, not a semantic difference. A single JSON
//!    boolean and lists of strings still are generated.
//!
//! Adaptations, not disagreements: iam-rs types its request context, so boolean keys are given to
//! it as booleans (cmek-lint's context is text); `Bool` is generated only on the boolean key.
//! Resource patterns with fewer than six ARN fields (`arn:aws:sqs:*`) are not generated: iam-rs
//! reports an evaluation error for them, and AWS does not document how such a pattern matches.

use cmek_lint::eval::{self, Caller, Decision, IdentityScope, PolicySet, Request};
use cmek_lint::json::parse;
use cmek_lint::policy::Policy;
use iam_rs::{Arn, Context as IamContext, ContextValue, IAMPolicy, IAMRequest, Principal, PrincipalId};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value as J, json};

/// Generated cases per run.
const CASES: usize = 512;

const ACCOUNT: &str = "111122223333";
const USER: &str = "arn:aws:iam::111122223333:user/alice";

/// The request's context keys, by type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Str,
    Num,
    Bool,
    Ip,
}

const KEYS: &[(&str, Kind)] = &[
    ("aws:PrincipalTag/team", Kind::Str),
    ("kms:ViaService", Kind::Str),
    ("s3:max-keys", Kind::Num),
    ("aws:SecureTransport", Kind::Bool),
    ("aws:SourceIp", Kind::Ip),
];

fn request_value(kind: Kind) -> BoxedStrategy<String> {
    let v: &[&str] = match kind {
        Kind::Str => &["red", "Red", "blue", "s3.us-east-1.amazonaws.com", "ec2.eu-west-1.amazonaws.com", ""],
        Kind::Num => &["5", "10", "10.5", "-1", "0"],
        Kind::Bool => &["true", "false"],
        Kind::Ip => &["10.1.2.3", "192.168.0.1", "203.0.113.7", "2001:db8::1"],
    };
    prop::sample::select(v).prop_map(str::to_string).boxed()
}

fn operator(kind: Kind) -> BoxedStrategy<String> {
    let ops: &[&str] = match kind {
        Kind::Str => &["StringEquals", "StringLike", "StringNotEquals"],
        Kind::Num => &["NumericLessThan", "NumericGreaterThan"],
        Kind::Bool => &["Bool"],
        Kind::Ip => &["IpAddress", "NotIpAddress"],
    };
    (prop::sample::select(ops), any::<bool>())
        .prop_map(|(op, if_exists)| if if_exists { format!("{op}IfExists") } else { op.to_string() })
        .boxed()
}

fn policy_value(kind: Kind) -> BoxedStrategy<J> {
    match kind {
        Kind::Str => {
            prop::sample::select(&["red", "Red", "r?d", "re*", "*", "blue", "s3.*.amazonaws.com", "ec2.*"][..])
                .prop_map(|s| json!(s))
                .boxed()
        }
        Kind::Num => prop::sample::select(&["5", "10", "7.5", "0"][..]).prop_map(|s| json!(s)).boxed(),
        Kind::Bool => prop::sample::select(&["true", "false"][..]).prop_map(|s| json!(s)).boxed(),
        Kind::Ip => prop::sample::select(&["10.0.0.0/8", "192.168.0.1", "203.0.113.0/24", "2001:db8::/32"][..])
            .prop_map(|s| json!(s))
            .boxed(),
    }
}

fn one_or_many(values: Vec<J>) -> J {
    if values.len() == 1 { values.into_iter().next().unwrap_or(J::Null) } else { J::Array(values) }
}

/// One condition entry: `(operator, key, value)`.
fn entry() -> impl Strategy<Value = (String, String, J)> {
    prop::sample::select(KEYS).prop_flat_map(|(key, kind)| {
        (operator(kind), prop::collection::vec(policy_value(kind), 1..=2), any::<bool>()).prop_map(
            move |(op, mut values, json_bools)| {
                // `Bool` values as strings, or a single one as a JSON boolean (iam-rs rejects
                // an array of JSON booleans: see the module doc).
                if kind == Kind::Bool && json_bools && values.len() == 1 {
                    values = values.iter().map(|v| json!(v == "true")).collect();
                }
                (op, key.to_string(), one_or_many(values))
            },
        )
    })
}

const ACTION_PATTERNS: &[&str] = &[
    "*",
    "kms:*",
    "KMS:decrypt",
    "kms:Gen*",
    "kms:?ncrypt",
    "s3:Get*",
    "kms:De*t",
    "Kms:ReEncrypt*",
    "iam:PassRole",
    "sqs:*Message",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:kms:*:111122223333:key/*",
    "arn:aws:kms:us-east-1:111122223333:key/abcd-????",
    "arn:aws:kms:*:*:*",
    "arn:aws:kms:us-east-1:111122223333:*",
    "arn:aws:sqs:us-*:111122223333:queue?",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:kms:eu-west-1:111122223333:alias/app",
];
const ACTIONS: &[&str] = &[
    "kms:Decrypt",
    "KMS:decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:ReEncryptFrom",
    "s3:GetObject",
    "iam:PassRole",
    "sqs:SendMessage",
];
const RESOURCES: &[&str] = &[
    "arn:aws:kms:us-east-1:111122223333:key/abcd-1234",
    "arn:aws:kms:eu-west-1:111122223333:alias/app",
    "arn:aws:sqs:us-east-1:111122223333:queue1",
    "arn:aws:iam::111122223333:role/Admin",
];

fn list(pool: &'static [&'static str]) -> impl Strategy<Value = J> {
    prop::collection::vec(prop::sample::select(pool).prop_map(|s| json!(s)), 1..=2).prop_map(one_or_many)
}

fn statement() -> impl Strategy<Value = J> {
    (
        prop::bool::weighted(0.7),
        any::<bool>(),
        list(ACTION_PATTERNS),
        prop::bool::weighted(0.25),
        list(RESOURCE_PATTERNS),
        prop::collection::vec(entry(), 0..=2),
    )
        .prop_map(|(allow, not_action, actions, not_resource, resources, entries)| {
            let mut s = Map::new();
            s.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
            s.insert(if not_action { "NotAction" } else { "Action" }.into(), actions);
            s.insert(if not_resource { "NotResource" } else { "Resource" }.into(), resources);
            if !entries.is_empty() {
                let mut cond = Map::new();
                for (op, key, value) in entries {
                    let block = cond.entry(op).or_insert_with(|| json!({}));
                    block.as_object_mut().map(|b| b.insert(key, value));
                }
                s.insert("Condition".into(), J::Object(cond));
            }
            J::Object(s)
        })
}

/// A generated case: the policy, the action, the resource, and the context (key, value) pairs.
#[derive(Clone, Debug)]
struct Case {
    policy: J,
    action: String,
    resource: String,
    context: Vec<(&'static str, Kind, String)>,
}

fn case() -> impl Strategy<Value = Case> {
    let context = KEYS
        .iter()
        .map(|&(key, kind)| prop::option::of(request_value(kind)).prop_map(move |v| v.map(|v| (key, kind, v))))
        .collect::<Vec<_>>();
    (prop::collection::vec(statement(), 1..=3), prop::sample::select(ACTIONS), prop::sample::select(RESOURCES), context)
        .prop_map(|(statements, action, resource, context)| Case {
            policy: json!({"Version": "2012-10-17", "Statement": statements}),
            action: action.to_string(),
            resource: resource.to_string(),
            context: context.into_iter().flatten().collect(),
        })
}

/// cmek-lint's answer: `Some(true)` allowed, `Some(false)` denied, `None` unknown.
fn ours(case: &Case) -> Option<bool> {
    let text = case.policy.to_string();
    let root = parse(&text).root.expect("generated policy parses");
    let policy = Policy::new(&root);
    let set = PolicySet::new(IdentityScope::Complete).identity(&policy);
    let caller = Caller::User { account: ACCOUNT.into(), arn: USER.into() };
    let mut req = Request::new(caller, &case.action, &case.resource);
    for (key, _, value) in &case.context {
        req.context.set(key.to_string(), value.clone());
    }
    match eval::evaluate(&set, &req).decision {
        Decision::Allowed => Some(true),
        Decision::Denied => Some(false),
        Decision::Unknown => None,
    }
}

/// iam-rs's answer: `Ok(true)` for `Allow`, `Ok(false)` for `Deny` or `NotApplicable`.
fn theirs(case: &Case) -> Result<bool, String> {
    let policy = IAMPolicy::from_json(&case.policy.to_string()).map_err(|e| format!("iam-rs parse: {e}"))?;
    let mut ctx = IamContext::new();
    // The keys cmek-lint's `Request::new` derives from the caller.
    ctx.insert("aws:PrincipalArn".into(), ContextValue::String(USER.into()));
    ctx.insert("aws:PrincipalAccount".into(), ContextValue::String(ACCOUNT.into()));
    ctx.insert("aws:PrincipalType".into(), ContextValue::String("User".into()));
    ctx.insert("aws:PrincipalIsAWSService".into(), ContextValue::Boolean(false));
    for (key, kind, value) in &case.context {
        let v = match kind {
            // iam-rs types its context: `Bool` compares only boolean values.
            Kind::Bool => ContextValue::Boolean(value == "true"),
            _ => ContextValue::String(value.clone()),
        };
        ctx.insert((*key).to_string(), v);
    }
    let resource = Arn::parse(&case.resource).map_err(|e| format!("iam-rs ARN: {e}"))?;
    let req =
        IAMRequest::new_with_context(Principal::Aws(PrincipalId::String(USER.into())), &case.action, resource, ctx);
    match iam_rs::evaluate_policy(&policy, &req).map_err(|e| format!("iam-rs evaluate: {e}"))? {
        iam_rs::Decision::Allow => Ok(true),
        iam_rs::Decision::Deny | iam_rs::Decision::NotApplicable => Ok(false),
    }
}

fn show(case: &Case, ours: Option<bool>, theirs: &Result<bool, String>) -> String {
    format!(
        "cmek-lint {ours:?} iam-rs {theirs:?}: {} on {} with {:?}\n{}",
        case.action,
        case.resource,
        case.context.iter().map(|(k, _, v)| format!("{k}={v}")).collect::<Vec<_>>(),
        serde_json::to_string_pretty(&case.policy).unwrap_or_default()
    )
}

#[test]
fn cmek_lint_and_iam_rs_agree_on_generated_identity_policies() {
    let config = Config { failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let strategy = case();
    let mut disagreements = Vec::new();
    let (mut allowed, mut denied, mut condition_decided) = (0, 0, 0);
    for _ in 0..CASES {
        let case = strategy.new_tree(&mut runner).expect("generates").current();
        let ours = ours(&case);
        assert!(
            ours.is_some(),
            "cmek-lint answered Unknown with every context key known:\n{}",
            show(&case, ours, &Ok(false))
        );
        let theirs = theirs(&case);
        if ours == Some(true) {
            allowed += 1;
        } else {
            denied += 1;
        }
        // How often the conditions decide (the policy without its conditions answers otherwise).
        let mut bare = case.clone();
        for s in bare.policy["Statement"].as_array_mut().into_iter().flatten() {
            s.as_object_mut().map(|s| s.remove("Condition"));
        }
        if self::ours(&bare) != ours {
            condition_decided += 1;
        }
        if theirs.as_ref().ok().copied() != ours {
            disagreements.push(show(&case, ours, &theirs));
        }
    }
    eprintln!(
        "{CASES} cases: {allowed} allowed, {denied} denied by cmek-lint, {condition_decided} decided by a Condition; {} disagreements",
        disagreements.len()
    );
    assert!(allowed > CASES / 10 && denied > CASES / 10, "the generator should exercise both outcomes");
    assert!(condition_decided > CASES / 20, "the conditions should decide some cases ({condition_decided})");
    assert!(
        disagreements.is_empty(),
        "{} disagreements, first:\n{}",
        disagreements.len(),
        disagreements.iter().take(5).cloned().collect::<Vec<_>>().join("\n\n")
    );
}

/// Known difference 1 (iam-rs by design of its parser): a condition value list of JSON booleans
/// is rejected by iam-rs (`ConditionValue` takes a list of strings only); cmek-lint evaluates it.
/// The AWS policy grammar allows a list of condition values, each a string, number or Boolean.
#[test]
fn iam_rs_rejects_a_list_of_json_booleans() {
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
        "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": [true, false]}}}]});
    let case = Case {
        policy,
        action: "kms:Decrypt".into(),
        resource: RESOURCES[0].into(),
        context: vec![("aws:SecureTransport", Kind::Bool, "true".into())],
    };
    assert_eq!(ours(&case), Some(true));
    let theirs = theirs(&case);
    assert!(matches!(&theirs, Err(e) if e.starts_with("iam-rs parse")), "{theirs:?}");
    // The same values as strings: both allow.
    let strings = Case {
        policy: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
            "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": ["true", "false"]}}}]}),
        ..case
    };
    assert_eq!((ours(&strings), theirs_ok(&strings)), (Some(true), true));
}

fn theirs_ok(case: &Case) -> bool {
    theirs(case).unwrap_or_else(|e| panic!("{e}"))
}
