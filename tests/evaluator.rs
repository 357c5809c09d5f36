//! The evaluator and Pinecone's scenarios through the public API: the Pinecone guide's
//! snippets (`corpus/seed/`, filled in with a configured account and external ID), the cases
//! of issue 14, and property tests.

use cmek_lint::eval::{self, Caller, Decision, IdentityScope, PolicySet, Request, ResourceKind};
use cmek_lint::json::{Node, parse};
use cmek_lint::policy::Policy;
use cmek_lint::scenarios::{self, Outcome, Scenario};
use cmek_lint::settings::Settings;
use proptest::prelude::*;
use std::path::Path;

const PINECONE: &str = "210987654321";
const CUSTOMER: &str = "111122223333";
const EXTERNAL_ID: &str = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const ROLE: &str = "arn:aws:iam::111122223333:role/PineconeCMEK";
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn settings(external_id: Option<&str>) -> Settings {
    let mut s = Settings::defaults(Vec::new());
    s.pinecone_account = Some(PINECONE.into());
    s.regions = ["us-east-1", "us-west-2", "eu-west-1"].iter().map(|r| r.to_string()).collect();
    s.console.role_arn = Some(ROLE.into());
    s.console.key_arn = Some(KEY.into());
    s.console.external_id = external_id.map(str::to_string);
    s
}

/// A seed snippet with its placeholders filled in.
fn seed(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seed").join(name);
    std::fs::read_to_string(path)
        .expect("seed file")
        .replace("XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX", EXTERNAL_ID)
        .replace("XXXXXXXXXXXX", PINECONE)
        .replace("XXXXXX", CUSTOMER)
}

fn node(text: &str) -> Node {
    parse(text).root.unwrap_or_else(|| panic!("parses: {text}"))
}

/// The customer's documents, as text.
#[derive(Default)]
struct Docs {
    trust: Option<String>,
    key: Option<String>,
    permissions: Option<String>,
}

/// Run every scenario of `settings` on `docs`; `(name, decision)` pairs.
fn outcomes(settings: &Settings, docs: &Docs) -> Vec<Outcome> {
    let (t, k, p) =
        (docs.trust.as_deref().map(node), docs.key.as_deref().map(node), docs.permissions.as_deref().map(node));
    let (t, k, p) = (t.as_ref().map(Policy::new), k.as_ref().map(Policy::new), p.as_ref().map(Policy::new));
    scenarios::scenarios(settings)
        .iter()
        .map(|s: &Scenario| scenarios::run(s, t.as_ref(), k.as_ref(), p.as_ref()))
        .collect()
}

fn decision(outcomes: &[Outcome], name: &str) -> Decision {
    outcomes.iter().find(|o| o.scenario == name).unwrap_or_else(|| panic!("scenario {name}")).decision
}

const KEY_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
    {"Sid": "AllowPineconeRole", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:role/PineconeCMEK"},
     "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}
  ]
}"#;

const NO_PERMISSIONS: &str = r#"{"Version":"2012-10-17","Statement":[]}"#;

fn key_policy_with(extra: &str) -> String {
    KEY_POLICY.replacen("  ]\n}", &format!("    ,{extra}\n  ]\n}}"), 1)
}

#[test]
fn scenario_names_are_the_contract() {
    let names: Vec<&str> = scenarios::scenarios(&settings(Some(EXTERNAL_ID))).iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        [
            "pinecone-assume",
            "pinecone-assume-without-external-id",
            "other-account-assume",
            "pinecone-other-role-assume",
            "anonymous-assume",
            "role-encrypt",
            "role-decrypt",
            "role-key-admin",
            "other-account-key-use"
        ]
    );
    // Without an external ID the without-external-id scenario has nothing to say.
    assert!(!scenarios::scenarios(&settings(None)).iter().any(|s| s.name == "pinecone-assume-without-external-id"));
    // Without Pinecone's account or the console values there is nothing to simulate.
    assert!(scenarios::scenarios(&Settings::defaults(Vec::new())).is_empty());
    let assume = &scenarios::scenarios(&settings(Some(EXTERNAL_ID)))[0];
    assert_eq!(assume.requests.len(), 3);
    let c = &assume.requests[0].context;
    assert!(
        matches!(c.lookup("aws:principalarn"), eval::Lookup::Values([v]) if v == "arn:aws:iam::210987654321:role/pinecone_cmek_access_us-east-1")
    );
    assert!(matches!(c.lookup("sts:ExternalId"), eval::Lookup::Values([v]) if v == EXTERNAL_ID));
    assert_eq!(c.lookup("aws:SourceVpce"), eval::Lookup::Absent);
    assert_eq!(c.lookup("aws:MultiFactorAuthPresent"), eval::Lookup::Absent);
    assert_eq!(c.lookup("kms:EncryptionContext:tenant"), eval::Lookup::Unknown);
    let d = assume.requests[0].describe();
    assert!(d.starts_with("arn:aws:sts::210987654321:assumed-role/pinecone_cmek_access_us-east-1/pinecone-cmek calls sts:AssumeRole on arn:aws:iam::111122223333:role/PineconeCMEK with "), "{d}");
    assert!(d.contains("sts:externalid=6f1b2c3d") && d.contains("kms:encryptioncontext*=?"), "{d}");
}

#[test]
fn guide_snippet_explicit_regions_with_external_id() {
    let docs = Docs {
        trust: Some(seed("trust-explicit-regions-external-id.json")),
        key: Some(KEY_POLICY.into()),
        permissions: Some(NO_PERMISSIONS.into()),
    };
    let o = outcomes(&settings(Some(EXTERNAL_ID)), &docs);
    for out in &o {
        assert!(out.as_expected(), "{}: {:?} (expected {:?})", out.scenario, out.decision, out.expected);
    }
}

#[test]
fn guide_snippet_without_external_id_lets_pinecone_in_without_one() {
    let docs = Docs { trust: Some(seed("trust-explicit-regions.json")), ..Docs::default() };
    let o = outcomes(&settings(Some(EXTERNAL_ID)), &docs);
    assert_eq!(decision(&o, "pinecone-assume"), Decision::Allowed);
    assert_eq!(decision(&o, "pinecone-assume-without-external-id"), Decision::Allowed);
    assert_eq!(decision(&o, "other-account-assume"), Decision::Denied);
    assert_eq!(decision(&o, "pinecone-other-role-assume"), Decision::Denied);
    // No key policy given: the key scenarios are unknown, never guessed.
    assert_eq!(decision(&o, "role-encrypt"), Decision::Unknown);
}

#[test]
fn guide_snippet_all_regions() {
    let docs = Docs { trust: Some(seed("trust-all-regions-external-id.json")), ..Docs::default() };
    let o = outcomes(&settings(Some(EXTERNAL_ID)), &docs);
    for (name, want) in [
        ("pinecone-assume", Decision::Allowed),
        ("pinecone-assume-without-external-id", Decision::Denied),
        ("other-account-assume", Decision::Denied),
        ("pinecone-other-role-assume", Decision::Denied),
        ("anonymous-assume", Decision::Denied),
    ] {
        assert_eq!(decision(&o, name), want, "{name}");
    }
}

#[test]
fn guide_permissions_policy_with_root_delegating_key_policy() {
    let key = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}"#;
    let docs = Docs {
        trust: Some(seed("trust-explicit-regions-external-id.json")),
        key: Some(key.into()),
        permissions: Some(seed("keys-outside-account-permissions.json")),
    };
    let o = outcomes(&settings(Some(EXTERNAL_ID)), &docs);
    for out in &o {
        assert!(out.as_expected(), "{}: {:?}", out.scenario, out.decision);
    }
    // The same key policy without a permissions policy: the role cannot use the key.
    let docs = Docs { key: Some(key.into()), permissions: Some(NO_PERMISSIONS.into()), ..Docs::default() };
    let o = outcomes(&settings(Some(EXTERNAL_ID)), &docs);
    assert_eq!(decision(&o, "role-encrypt"), Decision::Denied);
    // ... and with the permissions policy unknown, it may.
    let docs = Docs { key: Some(key.into()), ..Docs::default() };
    let o = outcomes(&settings(Some(EXTERNAL_ID)), &docs);
    assert_eq!(decision(&o, "role-encrypt"), Decision::Unknown);
    assert_eq!(decision(&o, "role-key-admin"), Decision::Unknown);
}

#[test]
fn issue_mfa_deny_blocks_pinecone() {
    let trust = seed("trust-explicit-regions-external-id.json").replacen(
        "    ]\n}",
        r#"    ,{"Sid":"RequireMFA","Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}
    ]
}"#,
        1,
    );
    let docs = Docs { trust: Some(trust.clone()), ..Docs::default() };
    let o = outcomes(&settings(Some(EXTERNAL_ID)), &docs);
    let out = o.iter().find(|o| o.scenario == "pinecone-assume").unwrap();
    assert_eq!(out.decision, Decision::Denied);
    let (_, e) = &out.evaluations[out.witness.unwrap()];
    let d = e.deciding().next().unwrap();
    assert_eq!(d.sid.as_deref(), Some("RequireMFA"));
    assert!(trust[d.at.unwrap().range()].contains("BoolIfExists"));
}

#[test]
fn issue_star_pinned_by_source_account_lets_nobody_in() {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole",
        "Condition":{"StringEquals":{"aws:SourceAccount":"210987654321","sts:ExternalId":"6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}}}]}"#;
    let o = outcomes(&settings(Some(EXTERNAL_ID)), &Docs { trust: Some(trust.into()), ..Docs::default() });
    assert_eq!(decision(&o, "pinecone-assume"), Decision::Denied);
    assert_eq!(decision(&o, "anonymous-assume"), Decision::Denied);
    assert_eq!(decision(&o, "other-account-assume"), Decision::Denied);
}

#[test]
fn issue_not_principal_role_arn_denies_the_role_session() {
    let key = key_policy_with(
        r#"{"Sid":"OnlyPinecone","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/PineconeCMEK","arn:aws:iam::111122223333:root"]},"Action":"kms:*","Resource":"*"}"#,
    );
    let o = outcomes(
        &settings(Some(EXTERNAL_ID)),
        &Docs { key: Some(key), permissions: Some(NO_PERMISSIONS.into()), ..Docs::default() },
    );
    assert_eq!(decision(&o, "role-encrypt"), Decision::Denied);
    assert_eq!(decision(&o, "role-decrypt"), Decision::Denied);
}

#[test]
fn issue_not_resource_alias_denies_the_key() {
    let permissions = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"},
        {"Sid":"OnlyViaAlias","Effect":"Deny","Action":"kms:*","NotResource":"arn:aws:kms:us-east-1:111122223333:alias/pinecone"}]}"#;
    let o = outcomes(
        &settings(Some(EXTERNAL_ID)),
        &Docs { key: Some(KEY_POLICY.into()), permissions: Some(permissions.into()), ..Docs::default() },
    );
    assert_eq!(decision(&o, "role-encrypt"), Decision::Denied);
    let out = o.iter().find(|o| o.scenario == "role-encrypt").unwrap();
    let (_, e) = &out.evaluations[out.witness.unwrap()];
    assert_eq!(e.deciding().next().unwrap().sid.as_deref(), Some("OnlyViaAlias"));
}

#[test]
fn issue_source_vpce_deny_is_certain() {
    let key = key_policy_with(
        r#"{"Sid":"OnlyFromVpce","Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0123456789abcdef0"}}}"#,
    );
    let o = outcomes(
        &settings(Some(EXTERNAL_ID)),
        &Docs { key: Some(key), permissions: Some(NO_PERMISSIONS.into()), ..Docs::default() },
    );
    assert_eq!(decision(&o, "role-encrypt"), Decision::Denied);
    assert_eq!(decision(&o, "role-decrypt"), Decision::Denied);
}

#[test]
fn encryption_context_conditions_are_unknown() {
    let key = KEY_POLICY.replace(
        r#""Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}"#,
        r#""Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*", "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "acme"}}}"#,
    );
    assert_ne!(key, KEY_POLICY);
    let o = outcomes(
        &settings(Some(EXTERNAL_ID)),
        &Docs { key: Some(key), permissions: Some(NO_PERMISSIONS.into()), ..Docs::default() },
    );
    assert_eq!(decision(&o, "role-encrypt"), Decision::Unknown);
    // A ViaService condition Pinecone's direct calls never meet: denied for sure.
    let key = KEY_POLICY.replace(
        r#""Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}"#,
        r#""Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}"#,
    );
    let o = outcomes(
        &settings(Some(EXTERNAL_ID)),
        &Docs { key: Some(key), permissions: Some(NO_PERMISSIONS.into()), ..Docs::default() },
    );
    assert_eq!(decision(&o, "role-encrypt"), Decision::Denied);
}

#[test]
fn key_admin_and_other_account_through_kms_star() {
    let key = KEY_POLICY.replace(r#"["kms:Encrypt", "kms:Decrypt"]"#, r#""kms:*""#);
    let o = outcomes(
        &settings(Some(EXTERNAL_ID)),
        &Docs { key: Some(key), permissions: Some(NO_PERMISSIONS.into()), ..Docs::default() },
    );
    assert_eq!(decision(&o, "role-key-admin"), Decision::Allowed);
    let everyone = KEY_POLICY.replace(r#"{"AWS": "arn:aws:iam::111122223333:role/PineconeCMEK"}"#, r#""*""#);
    let o = outcomes(
        &settings(Some(EXTERNAL_ID)),
        &Docs { key: Some(everyone), permissions: Some(NO_PERMISSIONS.into()), ..Docs::default() },
    );
    assert_eq!(decision(&o, "other-account-key-use"), Decision::Allowed);
}

// ---------------------------------------------------------------------------------------
// Properties.

const PRINCIPALS: &[&str] = &[
    r#""Principal":"*""#,
    r#""Principal":{"AWS":"arn:aws:iam::111122223333:root"}"#,
    r#""Principal":{"AWS":"arn:aws:iam::111122223333:role/PineconeCMEK"}"#,
    r#""Principal":{"AWS":"999999999999"}"#,
    r#""NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/PineconeCMEK"}"#,
];
const ACTIONS: &[&str] = &[
    r#""Action":"kms:*""#,
    r#""Action":"kms:Encrypt""#,
    r#""Action":["kms:Decrypt","kms:Put*"]"#,
    r#""NotAction":"kms:Encrypt""#,
];
const RESOURCES: &[&str] = &[
    r#""Resource":"*""#,
    r#""Resource":"arn:aws:kms:*:111122223333:key/*""#,
    r#""NotResource":"arn:aws:kms:us-east-1:111122223333:alias/x""#,
    r#""Resource":"arn:aws:kms:us-east-1:111122223333:alias/x""#,
];
const CONDITIONS: &[&str] = &[
    "",
    r#","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}"#,
    r#","Condition":{"Bool":{"aws:SecureTransport":"false"}}"#,
    r#","Condition":{"StringEquals":{"kms:EncryptionContext:t":"x"}}"#,
    r#","Condition":{"Null":{"aws:SourceVpce":"true"}}"#,
    r#","Condition":{"ForAnyValue:StringLike":{"kms:EncryptionContextKeys":"t*"}}"#,
    r#","Condition":{"StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}"#,
    r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
];

#[derive(Clone, Debug)]
struct Stmt {
    allow: bool,
    principal: usize,
    action: usize,
    resource: usize,
    condition: usize,
}

fn stmt() -> impl Strategy<Value = Stmt> {
    (any::<bool>(), 0..PRINCIPALS.len(), 0..ACTIONS.len(), 0..RESOURCES.len(), 0..CONDITIONS.len()).prop_map(
        |(allow, principal, action, resource, condition)| Stmt { allow, principal, action, resource, condition },
    )
}

fn render(stmts: &[Stmt], with_principal: bool) -> String {
    let body: Vec<String> = stmts
        .iter()
        .map(|s| {
            let principal = if with_principal { format!("{},", PRINCIPALS[s.principal]) } else { String::new() };
            format!(
                r#"{{"Effect":"{}",{principal}{},{}{}}}"#,
                if s.allow { "Allow" } else { "Deny" },
                ACTIONS[s.action],
                RESOURCES[s.resource],
                CONDITIONS[s.condition]
            )
        })
        .collect();
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, body.join(","))
}

fn requests() -> Vec<Request> {
    requests_with(None)
}

/// The property requests; `context` = `Some((value of kms:EncryptionContext:t, keys))` makes
/// the encryption context known (`None` value: the key is absent), `None` leaves it unknown.
fn requests_with(context: Option<(Option<&str>, &[&str])>) -> Vec<Request> {
    let mut out = Vec::new();
    for role in [ROLE, "arn:aws:iam::999999999999:role/PineconeCMEK"] {
        for action in ["kms:Encrypt", "kms:Decrypt", "kms:PutKeyPolicy"] {
            let caller = Caller::role_session(role, "s").unwrap();
            let account = caller.account().unwrap().to_string();
            let mut r = Request::new(caller, action, KEY);
            r.context
                .set("kms:CallerAccount", account)
                .set("aws:SecureTransport", "true")
                .set("aws:SourceIp", "198.51.100.1");
            match context {
                None => {
                    r.context.unknown_prefix("kms:EncryptionContext");
                }
                Some((value, keys)) => {
                    if let Some(v) = value {
                        r.context.set("kms:EncryptionContext:t", v.to_string());
                    }
                    r.context.set_many("kms:EncryptionContextKeys", keys.iter().map(|k| k.to_string()));
                }
            }
            out.push(r);
        }
    }
    out
}

fn decide(key: &[Stmt], identity: &[Stmt], scope: IdentityScope, req: &Request) -> eval::Evaluation {
    let k = node(&render(key, true));
    let i = node(&render(identity, false));
    let (k, i) = (Policy::new(&k), Policy::new(&i));
    let set = PolicySet::new(scope).resource(ResourceKind::KeyPolicy, Some(CUSTOMER), &k).identity(&i);
    eval::evaluate(&set, req)
}

fn scope() -> impl Strategy<Value = IdentityScope> {
    prop_oneof![Just(IdentityScope::Complete), Just(IdentityScope::Partial), Just(IdentityScope::CallerControlled)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn adding_a_deny_never_allows(
        key in prop::collection::vec(stmt(), 0..5),
        identity in prop::collection::vec(stmt(), 0..4),
        extra in stmt(),
        to_key in any::<bool>(),
        scope in scope(),
    ) {
        let deny = Stmt { allow: false, ..extra };
        for req in requests() {
            let before = decide(&key, &identity, scope, &req).decision;
            let (mut k2, mut i2) = (key.clone(), identity.clone());
            if to_key { k2.push(deny.clone()) } else { i2.push(deny.clone()) }
            let after = decide(&k2, &i2, scope, &req).decision;
            if before != Decision::Allowed {
                prop_assert_ne!(after, Decision::Allowed, "{:?} became allowed for {}", before, req.action);
            }
            if before == Decision::Denied {
                prop_assert_eq!(after, Decision::Denied);
            }
        }
    }

    #[test]
    fn removing_an_allow_never_allows(
        key in prop::collection::vec(stmt(), 1..5),
        identity in prop::collection::vec(stmt(), 0..4),
        pick in any::<prop::sample::Index>(),
        scope in scope(),
    ) {
        let allows: Vec<usize> = key.iter().enumerate().filter(|(_, s)| s.allow).map(|(i, _)| i).collect();
        prop_assume!(!allows.is_empty());
        let mut k2 = key.clone();
        k2.remove(allows[pick.index(allows.len())]);
        for req in requests() {
            let before = decide(&key, &identity, scope, &req).decision;
            let after = decide(&k2, &identity, scope, &req).decision;
            if before == Decision::Denied {
                prop_assert_eq!(after, Decision::Denied, "denied became {:?} for {}", after, req.action);
            }
            if before == Decision::Unknown {
                prop_assert_ne!(after, Decision::Allowed);
            }
        }
    }

    /// Soundness of Unknown: a decision reached with the encryption context unknown holds for
    /// every concrete encryption context.
    #[test]
    fn known_decisions_survive_any_resolution_of_unknowns(
        key in prop::collection::vec(stmt(), 0..5),
        identity in prop::collection::vec(stmt(), 0..4),
        scope in scope(),
    ) {
        let unknown = requests();
        let resolutions: [(Option<&str>, &[&str]); 4] =
            [(Some("x"), &["t"]), (Some("y"), &["t", "u"]), (None, &[]), (None, &["u"])];
        for (value, keys) in resolutions {
            let known = requests_with(Some((value, keys)));
            for (u, k) in unknown.iter().zip(&known) {
                let before = decide(&key, &identity, scope, u).decision;
                if before != Decision::Unknown {
                    prop_assert_eq!(decide(&key, &identity, scope, k).decision, before, "{} with {:?}", u.action, (value, keys));
                }
            }
        }
    }

    #[test]
    fn evaluation_is_deterministic(
        key in prop::collection::vec(stmt(), 0..5),
        identity in prop::collection::vec(stmt(), 0..4),
        scope in scope(),
    ) {
        for req in requests() {
            prop_assert_eq!(decide(&key, &identity, scope, &req), decide(&key, &identity, scope, &req));
        }
    }
}

#[test]
fn implicit_deny_points_at_the_near_miss() {
    let trust = seed("trust-explicit-regions-external-id.json");
    let o = outcomes(&settings(Some(EXTERNAL_ID)), &Docs { trust: Some(trust.clone()), ..Docs::default() });
    let out = o.iter().find(|o| o.scenario == "pinecone-assume-without-external-id").unwrap();
    assert_eq!(out.decision, Decision::Denied);
    let (req, e) = &out.evaluations[out.witness.unwrap()];
    assert!(req.context.lookup("sts:ExternalId") == eval::Lookup::Absent);
    let d = e.deciding().next().expect("a near miss is cited");
    assert_eq!(d.miss, Some(eval::Element::Condition));
    assert!(trust[d.at.unwrap().range()].starts_with("\"sts:ExternalId\""));
    assert!(d.detail.as_deref().unwrap().contains("absent"));
    // The other role: the principal is the miss.
    let out = o.iter().find(|o| o.scenario == "pinecone-other-role-assume").unwrap();
    let d = out.evaluations[0].1.deciding().next().unwrap();
    assert_eq!(d.miss, Some(eval::Element::Principal));
}
