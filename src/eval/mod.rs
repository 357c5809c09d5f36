//! An IAM/KMS request evaluator: given the policies that govern a request and the request
//! itself, decide **Allowed**, **Denied** or **Unknown** with AWS's documented logic, naming
//! the statements (and the condition entries) that decided it.
//!
//! Floor: right above [`crate::policy`]; no Pinecone knowledge (see `crate::scenarios` for
//! Pinecone's requests).
//!
//! Logic (IAM User Guide, "Policy evaluation logic"; KMS Developer Guide, "Key policies"):
//! 1. An explicit `Deny` that applies for sure decides **Denied**.
//! 2. Otherwise an `Allow` is needed. Same account: a resource-policy `Allow` naming the caller
//!    itself suffices, as does an identity-policy `Allow` — except for a role trust policy or a
//!    KMS key policy, where identity policies count only if the resource policy delegates to
//!    the account (an `Allow` naming the account root, e.g. the key policy's "Enable IAM User
//!    Permissions" statement; [`key_policy_enables_iam`]). Cross account: the resource policy
//!    (naming the caller or its account) **and** the caller's identity policies must allow.
//! 3. Nothing allows: implicit deny, **Denied**.
//!
//! Everything is three-valued ([`Tri`]): a statement whose principal, action, resource or
//! condition depends on something cmek-lint cannot know (a deploy-time template, a context key
//! marked unknown, an unresolved policy variable) *may* apply. An uncertain `Allow` gives
//! **Unknown** unless another `Allow` applies for sure; an uncertain `Deny` caps the decision
//! at **Unknown**. The evaluator never guesses.

pub mod condition;
pub mod principal;
pub mod request;
#[cfg(test)]
mod tests;

pub use crate::policy::access::Tri;
pub use condition::CondResult;
pub use request::{Caller, Context, KeyValue, Lookup, Request};

use crate::json::Node;
use crate::policy::{Policy, Statement, ValueList, wildcard_match, wildcard_match_ci};
use crate::source::Span;

/// Three-valued connectives over [`Tri`] (Kleene logic).
pub struct Tri3;

impl Tri3 {
    pub fn not(t: Tri) -> Tri {
        match t {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
    pub fn and(a: Tri, b: Tri) -> Tri {
        Tri::all([a, b])
    }
    pub fn or(a: Tri, b: Tri) -> Tri {
        Self::any([a, b])
    }
    /// OR over several values: `True` wins, then `Unknown`.
    pub fn any(items: impl IntoIterator<Item = Tri>) -> Tri {
        let mut out = Tri::False;
        for t in items {
            match t {
                Tri::True => return Tri::True,
                Tri::Unknown => out = Tri::Unknown,
                Tri::False => {}
            }
        }
        out
    }
}

/// The decision for a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decision {
    Allowed,
    Denied,
    Unknown,
}

/// What kind of resource policy a policy is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// A role trust policy: `sts:AssumeRole` needs it to allow.
    Trust,
    /// A KMS key policy: every access needs it (IAM policies only through it).
    KeyPolicy,
    /// Any other resource policy (S3 bucket, SQS queue ...): same-account identity policies
    /// suffice on their own.
    Other,
}

/// How a policy takes part in the evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyRole {
    /// An identity (permissions) policy of the caller.
    Identity,
    /// The resource's policy, with the resource's account (`None` when unknown).
    Resource { kind: ResourceKind, account: Option<String> },
}

/// One policy with its role.
pub struct Tagged<'p, 'a> {
    pub policy: &'p Policy<'a>,
    pub role: PolicyRole,
}

/// What the identity-tagged policies say about the caller's identity side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityScope {
    /// The identity policies given are all the caller has (none given: none attached).
    Complete,
    /// The caller may have identity policies not given: a missing identity `Allow` is unknown.
    /// (Unseen policies are assumed not to deny.)
    Partial,
    /// The caller controls its own account and grants itself whatever it needs (an attacker, or
    /// a vendor calling into a customer's account): the identity side allows.
    CallerControlled,
}

/// Everything the evaluator needs besides the request.
pub struct PolicySet<'p, 'a> {
    pub policies: Vec<Tagged<'p, 'a>>,
    pub identity: IdentityScope,
    /// The kind and account of the resource when no resource policy is given (a trust or key
    /// policy that is missing makes resource-side answers unknown).
    pub resource_kind: Option<ResourceKind>,
}

impl<'p, 'a> PolicySet<'p, 'a> {
    pub fn new(identity: IdentityScope) -> Self {
        PolicySet { policies: Vec::new(), identity, resource_kind: None }
    }
    pub fn identity(mut self, policy: &'p Policy<'a>) -> Self {
        self.policies.push(Tagged { policy, role: PolicyRole::Identity });
        self
    }
    pub fn resource(mut self, kind: ResourceKind, account: Option<&str>, policy: &'p Policy<'a>) -> Self {
        self.resource_kind = Some(kind);
        self.policies
            .push(Tagged { policy, role: PolicyRole::Resource { kind, account: account.map(str::to_string) } });
        self
    }
    /// Declare the resource kind without giving its policy (the resource side becomes unknown
    /// for trust and key policies).
    pub fn resource_kind(mut self, kind: ResourceKind) -> Self {
        self.resource_kind = Some(kind);
        self
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// Through what a statement grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Identity,
    /// A resource-policy statement naming the caller (or everyone).
    ResourceDirect,
    /// A resource-policy statement naming the caller's account: delegation to IAM policies.
    ResourceAccount,
}

/// The element of a statement that kept it from applying for sure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Element {
    Action,
    Resource,
    Principal,
    Condition,
}

/// One statement's verdict on the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementHit {
    /// Index into [`PolicySet::policies`].
    pub policy: usize,
    /// Index of the statement in its policy's `Statement` array.
    pub statement: usize,
    /// The statement's `Sid`, for a deciding statement only (filled after the verdict: one
    /// copy per decision, not per statement evaluated).
    pub sid: Option<String>,
    pub effect: Effect,
    pub via: Via,
    /// Whether the statement applies to the request.
    pub applies: Tri,
    /// The whole statement.
    pub span: Span,
    /// The statement's Sid or opening brace.
    pub head: Span,
    /// The element that made it not apply or uncertain (a principal, action, resource or
    /// condition entry), or for an applying statement its `Condition`.
    pub at: Option<Span>,
    /// Why it does not apply / is uncertain.
    pub detail: Option<std::borrow::Cow<'static, str>>,
    /// Which element that was (`None` when the statement applies).
    pub miss: Option<Element>,
}

/// The decision with its grounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// A sentence saying why.
    pub reason: String,
    /// Every statement that could bear on the request (action and principal not excluded for
    /// sure), in policy order.
    pub statements: Vec<StatementHit>,
    /// Indices into `statements` of those that decided.
    pub deciding: Vec<usize>,
}

impl Evaluation {
    pub fn deciding(&self) -> impl Iterator<Item = &StatementHit> {
        self.deciding.iter().map(|&i| &self.statements[i])
    }
}

/// Whether a statement applies, through what, and what decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applies {
    pub value: Tri,
    pub via: Via,
    pub at: Option<Span>,
    pub detail: Option<std::borrow::Cow<'static, str>>,
    pub miss: Option<Element>,
}

/// Evaluate a statement against the request. `resource_policy` selects Principal handling.
pub fn statement_applies(stmt: &Statement<'_>, req: &Request, resource_policy: bool, variables: bool) -> Applies {
    let mut via = if resource_policy { Via::ResourceDirect } else { Via::Identity };
    // At most three parts (action, resource, principal), on the stack: this runs for every
    // statement of every evaluated request.
    let mut parts: [(Tri, Option<Span>, Element, &str); 3] = [(Tri::True, None, Element::Action, ""); 3];
    let mut n = 0;
    let mut push = |part: (Tri, Option<Span>, Element, &'static str)| {
        parts[n] = part;
        n += 1;
    };
    // Action.
    push(match (&stmt.action, &stmt.not_action) {
        (Some(l), _) => (
            list_match(l, |p| wildcard_match_ci(p, &req.action), None),
            Some(l.member.value.span),
            Element::Action,
            "Action",
        ),
        (None, Some(l)) => (
            Tri3::not(list_match(l, |p| wildcard_match_ci(p, &req.action), None)),
            Some(l.member.value.span),
            Element::Action,
            "NotAction",
        ),
        (None, None) => (Tri::False, None, Element::Action, "no Action"),
    });
    // Resource (absent in trust policies: the resource is the policy's owner).
    let res = |p: &str| wildcard_match(p.as_bytes(), req.resource.as_bytes());
    let ctx = variables.then_some(&req.context);
    match (&stmt.resource, &stmt.not_resource) {
        (Some(l), _) => push((list_match(l, res, ctx), Some(l.member.value.span), Element::Resource, "Resource")),
        (None, Some(l)) => {
            push((Tri3::not(list_match(l, res, ctx)), Some(l.member.value.span), Element::Resource, "NotResource"))
        }
        (None, None) if !resource_policy => push((Tri::False, None, Element::Resource, "no Resource")),
        (None, None) => {}
    }
    // Principal.
    if resource_policy {
        match (&stmt.principal, &stmt.not_principal) {
            (Some(p), _) => {
                let m = principal::principal_match(p, &req.caller);
                // A Deny naming the account applies to everyone in it; an Allow naming the
                // account only delegates to its IAM policies.
                let t = if stmt.is_deny() {
                    Tri3::or(m.direct, m.account)
                } else {
                    match (m.direct, m.account) {
                        (Tri::True, _) => Tri::True,
                        (_, Tri::True) => {
                            via = Via::ResourceAccount;
                            Tri::True
                        }
                        (Tri::Unknown, _) => Tri::Unknown,
                        (Tri::False, a) => {
                            via = Via::ResourceAccount;
                            a
                        }
                    }
                };
                push((t, Some(p.member.value.span), Element::Principal, "Principal"));
            }
            (None, Some(p)) => {
                let t = Tri3::not(principal::not_principal_exempts(p, &req.caller));
                push((t, Some(p.member.value.span), Element::Principal, "NotPrincipal"));
            }
            (None, None) => push((Tri::False, None, Element::Principal, "no Principal")),
        }
    }
    let mut unknown: Option<(Option<Span>, Element, String)> = None;
    for &(t, at, element, what) in &parts[..n] {
        match t {
            Tri::False => {
                let detail = Some(std::borrow::Cow::Borrowed(no_match(what)));
                return Applies { value: Tri::False, via, at, detail, miss: Some(element) };
            }
            Tri::Unknown => {
                unknown.get_or_insert((at, element, format!("{what} may or may not match the request")));
            }
            Tri::True => {}
        }
    }
    let cond = condition::eval_statement(stmt, &req.context, variables);
    let (value, at, detail, miss) = match (cond.value, unknown) {
        (Tri::False, _) => (Tri::False, cond.entry, cond.detail.map(Into::into), Some(Element::Condition)),
        (_, Some((at, element, why))) => (Tri::Unknown, at, Some(why.into()), Some(element)),
        (Tri::Unknown, None) => (Tri::Unknown, cond.entry, cond.detail.map(Into::into), Some(Element::Condition)),
        (Tri::True, None) => (Tri::True, stmt.condition.map(|c| c.key_span.cover(c.value.span)), None, None),
    };
    Applies { value, via, at, detail, miss }
}

/// Why a statement does not apply, by the element that missed (no allocation per statement).
fn no_match(what: &str) -> &'static str {
    match what {
        "Action" => "Action does not match the request",
        "NotAction" => "NotAction does not match the request",
        "Resource" => "Resource does not match the request",
        "NotResource" => "NotResource does not match the request",
        "Principal" => "Principal does not match the request",
        "NotPrincipal" => "NotPrincipal does not match the request",
        "no Action" => "no Action does not match the request",
        "no Resource" => "no Resource does not match the request",
        "no Principal" => "no Principal does not match the request",
        _ => "the statement does not match the request",
    }
}

/// Whether any value of a list matches (`Unknown` for deploy-time values or unresolved
/// variables that might).
fn list_match(list: &ValueList<'_>, matches: impl Fn(&str) -> bool, variables: Option<&Context>) -> Tri {
    Tri3::any(list.values.iter().map(|n: &&Node| match n.as_text() {
        Some((s, false)) => match variables {
            Some(ctx) if s.contains("${") => match condition::resolve_variables(s, ctx, false) {
                condition::PVal::Known(s) => condition::tri(matches(&s)),
                condition::PVal::Unknown(_) => Tri::Unknown,
            },
            _ => condition::tri(matches(s)),
        },
        Some((_, true)) => Tri::Unknown,
        None => Tri::False,
    }))
}

/// Whether the key policy's account-delegation statements (an `Allow` naming the key's account
/// root, e.g. "Enable IAM User Permissions") let IAM policies of that account grant `req`.
/// A key policy without such a statement makes IAM policies irrelevant.
pub fn key_policy_enables_iam(policy: &Policy<'_>, req: &Request) -> Tri {
    let variables = policy.version_str() == Some("2012-10-17");
    Tri3::any(policy.statements.iter().filter(|s| s.is_allow()).map(|s| {
        let a = statement_applies(s, req, true, variables);
        if a.via == Via::ResourceAccount { a.value } else { Tri::False }
    }))
}

/// Evaluate `req` against `set`.
pub fn evaluate(set: &PolicySet<'_, '_>, req: &Request) -> Evaluation {
    let count = set.policies.iter().map(|t| t.policy.statements.len()).sum();
    let mut statements = Vec::with_capacity(count);
    // Where each hit's statement is in its policy's `statements`: a deciding one's Sid is
    // looked up there (a search by statement index per hit was half of this function's time
    // when an implicit deny cites every statement of a large policy).
    let mut positions: Vec<usize> = Vec::with_capacity(count);
    for (pi, tagged) in set.policies.iter().enumerate() {
        let resource = matches!(tagged.role, PolicyRole::Resource { .. });
        let variables = tagged.policy.version_str() == Some("2012-10-17");
        for (position, stmt) in tagged.policy.statements.iter().enumerate() {
            let effect = match stmt.effect_str() {
                Some("Allow") => Effect::Allow,
                Some("Deny") => Effect::Deny,
                _ => continue,
            };
            let Applies { value: applies, via, at, detail, miss } = statement_applies(stmt, req, resource, variables);
            positions.push(position);
            statements.push(StatementHit {
                policy: pi,
                statement: stmt.index,
                sid: None,
                effect,
                via,
                applies,
                span: stmt.node.span,
                head: stmt.head_span(),
                at,
                detail,
                miss,
            });
        }
    }
    let mut evaluation = decide(set, req, statements);
    for &i in &evaluation.deciding {
        let hit = &mut evaluation.statements[i];
        let stmt = &set.policies[hit.policy].policy.statements[positions[i]];
        hit.sid = stmt.sid_str().map(str::to_string);
    }
    evaluation
}

fn indices(statements: &[StatementHit], f: impl Fn(&StatementHit) -> bool) -> Vec<usize> {
    statements.iter().enumerate().filter(|(_, s)| f(s)).map(|(i, _)| i).collect()
}

fn decide(set: &PolicySet<'_, '_>, req: &Request, statements: Vec<StatementHit>) -> Evaluation {
    let (decision, reason, deciding) = verdict(set, req, &statements);
    Evaluation { decision, reason, statements, deciding }
}

/// The decision on `statements`' verdicts, its reason and the deciding statements' indices.
fn verdict(set: &PolicySet<'_, '_>, req: &Request, statements: &[StatementHit]) -> (Decision, String, Vec<usize>) {
    let done = |decision, reason: String, deciding| (decision, reason, deciding);
    // 1. Explicit deny.
    let denies = indices(statements, |s| s.effect == Effect::Deny && s.applies == Tri::True);
    if !denies.is_empty() {
        return done(Decision::Denied, "an explicit Deny applies".into(), denies);
    }
    let maybe_denies = indices(statements, |s| s.effect == Effect::Deny && s.applies == Tri::Unknown);
    if matches!(req.caller, Caller::Anonymous) && req.action.to_ascii_lowercase().starts_with("sts:assumerole") {
        return done(Decision::Denied, "STS refuses unauthenticated AssumeRole calls".into(), Vec::new());
    }

    // 2. Allows, per side.
    let allows = |via: Via| -> (Tri, Vec<usize>) {
        let sure = indices(statements, |s| s.effect == Effect::Allow && s.via == via && s.applies == Tri::True);
        if !sure.is_empty() {
            return (Tri::True, sure);
        }
        let maybe = indices(statements, |s| s.effect == Effect::Allow && s.via == via && s.applies == Tri::Unknown);
        (if maybe.is_empty() { Tri::False } else { Tri::Unknown }, maybe)
    };
    let has_resource_policy = set.policies.iter().any(|t| matches!(t.role, PolicyRole::Resource { .. }));
    let kind = set.resource_kind;
    let resource_account = set.policies.iter().find_map(|t| match &t.role {
        PolicyRole::Resource { account, .. } => account.clone(),
        PolicyRole::Identity => None,
    });
    let resource_account = resource_account.or_else(|| {
        crate::policy::Arn::parse(&req.resource)
            .map(|a| a.account.to_string())
            .filter(|a| crate::policy::arn::is_account_id(a))
    });
    let (mut direct, mut direct_at) = allows(Via::ResourceDirect);
    let (mut account, mut account_at) = allows(Via::ResourceAccount);
    if !has_resource_policy && matches!(kind, Some(ResourceKind::Trust | ResourceKind::KeyPolicy)) {
        (direct, account) = (Tri::Unknown, Tri::Unknown);
        (direct_at, account_at) = (Vec::new(), Vec::new());
    }
    let (identity, identity_at) = match (set.identity, &req.caller) {
        (_, Caller::Anonymous | Caller::Service { .. } | Caller::Federated { .. }) => (Tri::False, Vec::new()),
        (IdentityScope::CallerControlled, _) => (Tri::True, Vec::new()),
        (IdentityScope::Complete, _) => allows(Via::Identity),
        (IdentityScope::Partial, _) => match allows(Via::Identity) {
            (Tri::False, at) => (Tri::Unknown, at),
            other => other,
        },
    };
    let same_account = match (req.caller.account(), resource_account.as_deref()) {
        (Some(a), Some(b)) => condition::tri(a == b),
        (None, _) => Tri::False,
        (Some(_), None) => Tri::Unknown,
    };
    let strict = matches!(kind, Some(ResourceKind::Trust | ResourceKind::KeyPolicy));
    // Same account: direct OR identity (for trust/key policies: identity only via delegation).
    let same = if strict {
        Tri3::or(direct, Tri3::and(account, identity))
    } else if has_resource_policy || kind.is_some() {
        Tri3::or(direct, identity)
    } else {
        identity
    };
    // Cross account: the resource policy (caller or its account) AND the identity side.
    let cross = if req.caller.account().is_none() { direct } else { Tri3::and(Tri3::or(direct, account), identity) };
    let allowed = match same_account {
        Tri::True => same,
        Tri::False => cross,
        Tri::Unknown => {
            if same == cross {
                same
            } else {
                Tri::Unknown
            }
        }
    };
    let mut at: Vec<usize> = Vec::new();
    let collect = |at: &mut Vec<usize>, v: &[usize]| at.extend_from_slice(v);
    match allowed {
        Tri::True => {
            if direct == Tri::True {
                collect(&mut at, &direct_at);
            } else {
                collect(&mut at, &account_at);
            }
            if identity == Tri::True && (direct != Tri::True || same_account != Tri::True) {
                collect(&mut at, &identity_at);
            }
            at.sort_unstable();
            at.dedup();
            if !maybe_denies.is_empty() {
                return done(
                    Decision::Unknown,
                    "an Allow applies, but a Deny may apply depending on values cmek-lint cannot know".into(),
                    maybe_denies,
                );
            }
            done(Decision::Allowed, allow_reason(same_account, direct, identity, strict), at)
        }
        Tri::False => {
            let reason = deny_reason(same_account, direct, account, identity, strict, has_resource_policy);
            // Cite the statements that came closest: the side-specific allows, else the allows
            // whose action matched but whose condition (or principal, resource) did not.
            let mut at = [direct_at, account_at, identity_at].concat();
            if at.is_empty() {
                for element in [Element::Condition, Element::Principal, Element::Resource] {
                    at = indices(statements, |s| s.effect == Effect::Allow && s.miss == Some(element));
                    if !at.is_empty() {
                        break;
                    }
                }
            }
            done(Decision::Denied, reason, at)
        }
        Tri::Unknown => {
            let at = [direct_at, account_at, identity_at, maybe_denies].concat();
            done(Decision::Unknown, "whether an Allow applies depends on values cmek-lint cannot know".into(), at)
        }
    }
}

fn allow_reason(same: Tri, direct: Tri, identity: Tri, strict: bool) -> String {
    match (same, direct, identity) {
        (Tri::True, Tri::True, _) => "the resource policy allows the caller".into(),
        (Tri::True, _, _) if strict => {
            "the resource policy delegates to the account and an identity policy allows".into()
        }
        (Tri::True, _, _) => "an identity policy allows".into(),
        _ => "cross-account: the resource policy and the caller's identity policy both allow".into(),
    }
}

fn deny_reason(same: Tri, direct: Tri, account: Tri, identity: Tri, strict: bool, has_rp: bool) -> String {
    if same == Tri::True {
        if strict && direct == Tri::False && account == Tri::False {
            return "implicit deny: the resource policy neither names the caller nor delegates to its account".into();
        }
        if strict && direct == Tri::False && identity == Tri::True {
            return "implicit deny: the resource policy does not delegate to IAM policies".into();
        }
        if strict && direct == Tri::False && account == Tri::True {
            return "implicit deny: the resource policy delegates to IAM policies, but no identity policy allows"
                .into();
        }
        return "implicit deny: no Allow applies".into();
    }
    if has_rp && direct == Tri::False && account == Tri::False {
        return "implicit deny: cross-account, the resource policy does not allow the caller".into();
    }
    if identity == Tri::False {
        return "implicit deny: cross-account, the caller's identity policy does not allow".into();
    }
    "implicit deny: no Allow applies".into()
}
