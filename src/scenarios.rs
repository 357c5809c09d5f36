//! The requests Pinecone (and an attacker) make against a customer's CMEK setup, as
//! [`crate::eval`] requests with an expected decision.
//!
//! Floor: above [`crate::settings`] and [`crate::pinecone`] (it reads the configured Pinecone
//! account, regions and console values), below the rules.
//!
//! Scenario names are a public contract (rules and reports cite them):
//!
//! | name | caller → action on resource | expected |
//! |---|---|---|
//! | `pinecone-assume` | each configured region's `pinecone_cmek_access_<region>` role, with the external ID → `sts:AssumeRole` on the CMEK role | allowed |
//! | `pinecone-assume-without-external-id` | the same, sending no external ID (only when one is configured) | denied |
//! | `other-account-assume` | a role of the same name in another account, with the external ID | denied |
//! | `pinecone-other-role-assume` | another role in Pinecone's account, with the external ID | denied |
//! | `anonymous-assume` | an unauthenticated caller | denied |
//! | `role-encrypt`, `role-decrypt` | a session of the CMEK role → `kms:Encrypt`/`kms:Decrypt` on the key | allowed |
//! | `role-key-admin` | the CMEK role's session → `kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`, `kms:DisableKey`, `kms:CreateGrant` | denied |
//! | `other-account-key-use` | a role of the CMEK role's name in another account → `kms:Encrypt`/`kms:Decrypt` | denied |
//!
//! The request context, key by key:
//! - `aws:PrincipalArn` (the calling role's ARN), `aws:PrincipalAccount`, `aws:PrincipalType`
//!   (`AssumedRole`), `aws:PrincipalIsAWSService` (`false`): set from the caller.
//! - `sts:ExternalId`: the configured external ID (`pinecone-assume`, the attacker scenarios —
//!   an external ID is not a secret); absent in `pinecone-assume-without-external-id` and when
//!   none is configured.
//! - `aws:SourceIp`: [`PUBLIC_SOURCE_IP`], a public address outside the customer's networks.
//! - `aws:SecureTransport`: `true`; `aws:ViaAWSService`: `false`.
//! - `kms:CallerAccount`: the calling role's account (KMS requests).
//! - Absent: `aws:SourceVpce`, `aws:SourceVpc`, `aws:MultiFactorAuthPresent`,
//!   `aws:SourceAccount`, `aws:SourceArn`, `kms:ViaService`, `aws:CalledVia`, `aws:username`,
//!   and every key not listed here.
//! - The callers' session names are unknown (whoever assumes a role names its session): a
//!   principal naming another session of the caller's role may or may not be the caller.
//! - Unknown ([`UNKNOWN_PREFIXES`]): the encryption context, principal and resource tags,
//!   organization ids and paths (the caller's and the resource's), the resource's account
//!   (a role or key not created yet is evaluated under a stand-in ARN), `aws:userid`, the session name, times, the requested region,
//!   the encryption algorithm and the key's own attributes.

use crate::eval::{self, Caller, Decision, Evaluation, IdentityScope, PolicySet, Request, ResourceKind};
use crate::pinecone::ROLE_PREFIX;
use crate::policy::arn::is_account_id;
use crate::policy::{Arn, Policy};
use crate::settings::Settings;
use std::borrow::Cow;
use std::sync::Arc;

/// The source address of the simulated requests (TEST-NET-2: public, in no customer network).
pub const PUBLIC_SOURCE_IP: &str = "198.51.100.23";
/// The session name of the simulated role sessions.
pub const SESSION_NAME: &str = "pinecone-cmek";
/// Context keys (by lower-cased prefix) whose values cmek-lint cannot know.
pub const UNKNOWN_PREFIXES: &[&str] = &[
    "kms:encryptioncontext",
    "aws:principaltag/",
    "aws:principalorg",
    "aws:resourcetag/",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:resourceorgpaths",
    "aws:requesttag/",
    "aws:tagkeys",
    "aws:userid",
    "sts:rolesessionname",
    "aws:currenttime",
    "aws:epochtime",
    "aws:tokenissuetime",
    "aws:requestedregion",
    "kms:encryptionalgorithm",
    "kms:keyorigin",
    "kms:keyspec",
    "kms:keyusage",
    "kms:multiregion",
];
/// The KMS administration actions the CMEK role must not be able to perform.
pub const KEY_ADMIN_ACTIONS: &[&str] =
    &["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:CreateGrant"];

/// Which of the customer's documents a scenario is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `sts:AssumeRole` on the CMEK role: its trust policy.
    Trust,
    /// KMS calls on the key: the key policy and the CMEK role's permissions policy.
    Key,
}

/// One named scenario: requests and the decision they should all get.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub description: Cow<'static, str>,
    pub expected: Decision,
    pub target: Target,
    /// Shared with the outcomes that evaluate them (no copy per run).
    pub requests: Vec<Arc<Request>>,
    /// Whether the caller is the customer's CMEK role (its permissions policy applies);
    /// otherwise the caller controls its own identity policies.
    pub customer_role: bool,
    /// The scenario holds when any one request gets the expected decision: `pinecone-assume`
    /// when the project's regions are not configured (`[pinecone] regions`), since trusting
    /// only the regions a project uses is right (CMK206 is silent then too).
    pub any_request: bool,
}

/// The outcome of a scenario: the decision that counts against the expectation, and every
/// request's evaluation.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub scenario: &'static str,
    pub expected: Decision,
    /// For an expected `Allowed`: `Denied` if any request is denied, else `Unknown` if any is
    /// unknown (with `any_request`: `Allowed` if any request is allowed, else `Unknown` if any
    /// is unknown, else `Denied`). For an expected `Denied`: `Allowed` if any request is allowed, else `Unknown`
    /// if any is unknown.
    pub decision: Decision,
    pub evaluations: Vec<(Arc<Request>, Evaluation)>,
    /// Index into `evaluations` of the request that gave `decision` (the counterexample).
    pub witness: Option<usize>,
}

impl Outcome {
    pub fn as_expected(&self) -> bool {
        self.decision == self.expected
    }
}

fn base_context(req: &mut Request) {
    let c = &mut req.context;
    c.set("aws:SourceIp", PUBLIC_SOURCE_IP);
    c.set("aws:SecureTransport", "true");
    c.set("aws:ViaAWSService", "false");
    c.unknown_static_prefixes(UNKNOWN_PREFIXES);
}

fn assume(caller: Caller, role_arn: &str, external_id: Option<&str>) -> Arc<Request> {
    let mut req = Request::new(caller, "sts:AssumeRole", role_arn);
    base_context(&mut req);
    if let Some(id) = external_id {
        req.context.set("sts:ExternalId", id.to_string());
    }
    Arc::new(req)
}

fn key_call(caller: Caller, action: &str, key_arn: &str) -> Arc<Request> {
    let account = caller.account().map(str::to_string);
    let mut req = Request::new(caller, action, key_arn);
    base_context(&mut req);
    if let Some(a) = account {
        req.context.set("kms:CallerAccount", a);
    }
    Arc::new(req)
}

/// An account id differing from all of `taken`.
fn other_account(taken: &[&str]) -> String {
    ["999999999999", "888888888888", "777777777777"]
        .into_iter()
        .find(|a| !taken.contains(a))
        .unwrap_or("666666666666")
        .to_string()
}

/// The names of the scenarios about the trust policy ([`Target::Trust`]), in the order
/// [`scenarios`] gives them (see the table above).
pub const TRUST_NAMES: [&str; 5] = [
    "pinecone-assume",
    "pinecone-assume-without-external-id",
    "other-account-assume",
    "pinecone-other-role-assume",
    "anonymous-assume",
];
/// The names of the scenarios about the key ([`Target::Key`]), after the trust ones.
pub const KEY_NAMES: [&str; 4] = ["role-encrypt", "role-decrypt", "role-key-admin", "other-account-key-use"];

/// The scenarios the settings allow: assume scenarios need Pinecone's account and the CMEK
/// role ARN; key scenarios need the role and key ARNs (literal 12-digit accounts).
pub fn scenarios(settings: &Settings) -> Vec<Scenario> {
    Builder::from_settings(settings).all()
}

/// The values scenarios are built from: Pinecone's account, the CMEK role and key ARNs, the
/// external ID (the run's settings, or what a rule read from the one document it sees).
#[derive(Clone, Debug, Default)]
pub struct Inputs<'a> {
    pub pinecone_account: Option<&'a str>,
    pub role_arn: Option<String>,
    pub key_arn: Option<String>,
    pub external_id: Option<String>,
}

impl<'a> Inputs<'a> {
    /// The builder of these inputs' scenarios, with the regions of `settings`.
    pub fn builder<'s>(self, settings: &'s Settings) -> Builder<'s>
    where
        'a: 's,
    {
        Builder::new(self, &settings.regions)
    }
}

/// What the scenarios are built from, checked once; [`Builder::scenario`] builds one scenario
/// when it is asked for (a rule runs a few of them: the others' requests are never made).
#[derive(Clone, Debug)]
pub struct Builder<'a> {
    /// Pinecone's account, a literal 12-digit id.
    pinecone: Option<&'a str>,
    /// The CMEK role: a role ARN with a literal account.
    role: Option<String>,
    /// The key: an ARN with a literal account.
    key: Option<String>,
    external_id: Option<String>,
    regions: &'a [String],
    regions_configured: bool,
    /// An account that is none of the above (the attacker's).
    other: String,
}

impl<'a> Builder<'a> {
    /// From `inputs`, with the project's `regions`; a value that does not qualify (see the
    /// fields) counts as not given.
    pub fn new(inputs: Inputs<'a>, regions: &'a [String]) -> Self {
        let Inputs { pinecone_account, role_arn, key_arn, external_id } = inputs;
        let pinecone = pinecone_account.filter(|a| is_account_id(a));
        let role = role_arn.filter(|r| Caller::role_session(r, SESSION_NAME).is_some());
        let key = key_arn.filter(|k| Arn::parse(k).is_some_and(|a| is_account_id(a.account)));
        fn account(arn: &Option<String>) -> Option<&str> {
            arn.as_deref().and_then(Arn::parse).map(|a| a.account)
        }
        let taken: Vec<&str> = [pinecone, account(&role), account(&key)].into_iter().flatten().collect();
        let other = other_account(&taken);
        Builder {
            pinecone,
            role,
            key,
            external_id,
            regions,
            regions_configured: Settings::regions_are_configured(regions),
            other,
        }
    }

    /// From the run's settings: the configured Pinecone account, console values and regions.
    pub fn from_settings(settings: &'a Settings) -> Self {
        let console = &settings.console;
        let inputs = Inputs {
            pinecone_account: settings.pinecone_account.as_deref(),
            role_arn: console.role_arn.clone(),
            key_arn: console.key_arn.clone(),
            external_id: console.external_id.clone(),
        };
        Self::new(inputs, &settings.regions)
    }

    /// Every scenario the inputs allow: the trust ones, then the key ones.
    pub fn all(&self) -> Vec<Scenario> {
        TRUST_NAMES.iter().chain(&KEY_NAMES).filter_map(|n| self.scenario(n)).collect()
    }

    /// The scenario `name` (one of [`TRUST_NAMES`] and [`KEY_NAMES`]), when the inputs allow it.
    pub fn scenario(&self, name: &str) -> Option<Scenario> {
        let role = self.role.as_deref()?;
        let external_id = self.external_id.as_deref();
        let other = &self.other;
        let trust = |name: &'static str, description: Cow<'static, str>, expected, requests| Scenario {
            name,
            description,
            expected,
            target: Target::Trust,
            requests,
            customer_role: false,
            any_request: false,
        };
        // Session names are chosen by whoever assumes the role: unknown to cmek-lint.
        let session =
            |arn: &str| Caller::role_session(arn, SESSION_NAME).expect("a literal role ARN").with_unknown_session();
        let per_region = |account: &str, external_id: Option<&str>| -> Vec<Arc<Request>> {
            self.regions
                .iter()
                .map(|r| {
                    assume(session(&["arn:aws:iam::", account, ":role/", ROLE_PREFIX, r].concat()), role, external_id)
                })
                .collect()
        };
        let key_scenario = |name: &'static str, description: Cow<'static, str>, expected, requests, customer_role| {
            Scenario { name, description, expected, target: Target::Key, requests, customer_role, any_request: false }
        };
        let me = || Caller::role_session(role, SESSION_NAME).expect("checked in new").with_unknown_session();
        let scenario = match name {
            "pinecone-assume" => Scenario {
                any_request: !self.regions_configured,
                ..trust(
                    "pinecone-assume",
                    "Pinecone's per-region CMEK roles assume the CMEK role with the external ID".into(),
                    Decision::Allowed,
                    per_region(self.pinecone?, external_id),
                )
            },
            "pinecone-assume-without-external-id" => {
                external_id?;
                trust(
                    "pinecone-assume-without-external-id",
                    "Pinecone's roles assume the CMEK role without sending the external ID".into(),
                    Decision::Denied,
                    per_region(self.pinecone?, None),
                )
            }
            "other-account-assume" => {
                self.pinecone?;
                trust(
                    "other-account-assume",
                    format!("a role named like Pinecone's in another account ({other}) assumes the CMEK role").into(),
                    Decision::Denied,
                    per_region(other, external_id),
                )
            }
            "pinecone-other-role-assume" => {
                let p = self.pinecone?;
                trust(
                    "pinecone-other-role-assume",
                    "another role in Pinecone's account assumes the CMEK role".into(),
                    Decision::Denied,
                    vec![assume(session(&format!("arn:aws:iam::{p}:role/some-other-role")), role, external_id)],
                )
            }
            "anonymous-assume" => {
                self.pinecone?;
                trust(
                    "anonymous-assume",
                    "an unauthenticated caller assumes the CMEK role".into(),
                    Decision::Denied,
                    vec![assume(Caller::Anonymous, role, external_id)],
                )
            }
            "role-encrypt" | "role-decrypt" => {
                let key = self.key.as_deref()?;
                let (name, action) = if name == "role-encrypt" {
                    ("role-encrypt", "kms:Encrypt")
                } else {
                    ("role-decrypt", "kms:Decrypt")
                };
                key_scenario(
                    name,
                    format!("a session of the CMEK role calls {action} on the key").into(),
                    Decision::Allowed,
                    vec![key_call(me(), action, key)],
                    true,
                )
            }
            "role-key-admin" => {
                let key = self.key.as_deref()?;
                key_scenario(
                    "role-key-admin",
                    "a session of the CMEK role administers the key".into(),
                    Decision::Denied,
                    KEY_ADMIN_ACTIONS.iter().map(|a| key_call(me(), a, key)).collect(),
                    true,
                )
            }
            "other-account-key-use" => {
                let key = self.key.as_deref()?;
                let role_name = Arn::parse(role).map(|a| a.resource_name).unwrap_or_default();
                let stranger = Caller::role_session(&format!("arn:aws:iam::{other}:role/{role_name}"), SESSION_NAME)
                    .expect("a literal role ARN")
                    .with_unknown_session();
                key_scenario(
                    "other-account-key-use",
                    format!("a role of the CMEK role's name in another account ({other}) uses the key").into(),
                    Decision::Denied,
                    ["kms:Encrypt", "kms:Decrypt"].iter().map(|a| key_call(stranger.clone(), a, key)).collect(),
                    false,
                )
            }
            _ => return None,
        };
        Some(scenario)
    }
}

/// Run a scenario against the customer's documents. A document not given is unknown: a
/// missing trust or key policy makes the resource side unknown, a missing permissions policy
/// makes the CMEK role's identity side unknown (give `Some` of an empty-statement policy to say
/// "no permissions policy attached", as the Pinecone guide sets the role up).
pub fn run(
    scenario: &Scenario,
    trust: Option<&Policy<'_>>,
    key_policy: Option<&Policy<'_>>,
    permissions: Option<&Policy<'_>>,
) -> Outcome {
    let one: Option<[&Policy<'_>; 1]> = permissions.map(|p| [p]);
    run_with(scenario, trust, key_policy, one.as_ref().map(|a| a.as_slice()))
}

/// [`run`] with every identity policy of the CMEK role in view (`Some` of all of them: the
/// role's identity side is complete; `None`: unknown). In the evaluator's policy indices the
/// resource policy comes first (when given), then the identity policies in the order given.
pub fn run_with(
    scenario: &Scenario,
    trust: Option<&Policy<'_>>,
    key_policy: Option<&Policy<'_>>,
    permissions: Option<&[&Policy<'_>]>,
) -> Outcome {
    let evaluations: Vec<(Arc<Request>, Evaluation)> = scenario
        .requests
        .iter()
        .map(|req| {
            let account = Arn::parse(&req.resource).map(|a| a.account).filter(|a| is_account_id(a));
            let scope = match (scenario.customer_role, permissions) {
                (false, _) => IdentityScope::CallerControlled,
                (true, Some(_)) => IdentityScope::Complete,
                (true, None) => IdentityScope::Partial,
            };
            let mut set = PolicySet::new(scope);
            let (kind, resource_policy) = match scenario.target {
                Target::Trust => (ResourceKind::Trust, trust),
                Target::Key => (ResourceKind::KeyPolicy, key_policy),
            };
            set = match resource_policy {
                Some(p) => set.resource(kind, account, p),
                None => set.resource_kind(kind),
            };
            if scenario.customer_role
                && let Some(list) = permissions
            {
                for p in list {
                    set = set.identity(p);
                }
            }
            (Arc::clone(req), eval::evaluate(&set, req))
        })
        .collect();
    let find = |d: Decision| evaluations.iter().position(|(_, e)| e.decision == d);
    let (decision, witness) = match scenario.expected {
        Decision::Allowed if scenario.any_request => match (find(Decision::Allowed), find(Decision::Unknown)) {
            (Some(i), _) => (Decision::Allowed, Some(i)),
            (None, Some(i)) => (Decision::Unknown, Some(i)),
            (None, None) => (Decision::Denied, evaluations.first().map(|_| 0)),
        },
        Decision::Allowed => match (find(Decision::Denied), find(Decision::Unknown)) {
            (Some(i), _) => (Decision::Denied, Some(i)),
            (None, Some(i)) => (Decision::Unknown, Some(i)),
            (None, None) => (Decision::Allowed, evaluations.first().map(|_| 0)),
        },
        _ => match (find(Decision::Allowed), find(Decision::Unknown)) {
            (Some(i), _) => (Decision::Allowed, Some(i)),
            (None, Some(i)) => (Decision::Unknown, Some(i)),
            (None, None) => (Decision::Denied, evaluations.first().map(|_| 0)),
        },
    };
    Outcome { scenario: scenario.name, expected: scenario.expected, decision, evaluations, witness }
}
