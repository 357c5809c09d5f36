//! `CMK3xx`: the KMS key policy of the key Pinecone uses.
//!
//! The role-based rules (CMK301, CMK302, CMK306) need to know which principal is the customer's
//! CMEK role: see [`role`]. The others look at the policy alone.

pub(super) mod blocking_condition;
pub(super) mod lockout_risk;
pub(super) mod other_account_use;
pub(super) mod pinecone_principal;
pub(super) mod public_principal;
pub(super) mod resource_not_star;
pub(crate) mod role;
pub(super) mod role_can_administer;
pub(super) mod role_missing_access;
pub(super) mod role_overprivileged;
pub(super) mod role_use_blocked;
pub(super) mod unsupported_condition_key;

use crate::data::placeholders::has_expression;
use crate::policy::access::{self, Caller, Fact, PrincipalHit, Tri};
use crate::policy::{Arn, Statement};

/// Whether a key-policy statement can apply to the key it is attached to: `Resource` `"*"` (or
/// something that may be this key's ARN), or a `NotResource` that does not exclude everything.
/// A statement with neither has no effect (KMS API reference, PutKeyPolicy).
pub(crate) fn applies_to_key(s: &Statement<'_>) -> bool {
    if let Some(list) = &s.resource {
        return list.strings().any(|(v, _)| resource_may_be_key(v));
    }
    if let Some(list) = &s.not_resource {
        return !list.strings().any(|(v, _)| v.trim() == "*");
    }
    false
}

/// `"*"`, a KMS key ARN or key ARN pattern, or a deploy-time value.
fn resource_may_be_key(v: &str) -> bool {
    let v = v.trim();
    if v == "*" || has_expression(v) {
        return true;
    }
    Arn::parse(v).is_some_and(|a| a.service == "kms" && (a.resource_type == "key" || a.resource.starts_with('*')))
}

/// How a statement relates to the CMEK role once its principal and its conditions on the
/// caller's identity are taken into account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Relation {
    /// Names the role (or `*` narrowed to the role by `aws:PrincipalArn`).
    Direct,
    /// May name the role (a deploy-time principal value).
    Maybe,
    /// Names the role's account: access then depends on the role's IAM policies.
    Account,
    /// `*`, narrowed at most to the role's account or organization.
    Everyone,
    /// Does not apply to the role.
    None,
}

/// The relation of statement `s` to `role`, and the evaluation of its conditions on the role's
/// identity.
pub(crate) fn relation(s: &Statement<'_>, role: &Caller<'_>) -> (Relation, Tri) {
    let Some(principal) = &s.principal else {
        return (Relation::None, Tri::Unknown);
    };
    let hit: PrincipalHit = access::principal_hit(principal, role);
    if !hit.any() {
        return (Relation::None, Tri::Unknown);
    }
    let facts = access::identity_facts(role);
    let results = access::eval_conditions(s, &facts);
    let identity = Tri::all(results.iter().map(|r| r.result));
    if identity.is_false() {
        return (Relation::None, identity);
    }
    let pinned = results.iter().any(|r| {
        r.result == Tri::True && r.entry.key.eq_ignore_ascii_case("aws:PrincipalArn") && !r.block.operator.is_negated()
    });
    let rel = if hit.direct || (hit.everyone && pinned) {
        Relation::Direct
    } else if hit.maybe {
        Relation::Maybe
    } else if hit.everyone {
        Relation::Everyone
    } else {
        Relation::Account
    };
    (rel, identity)
}

/// Whether the policy visibly concerns the role: it names the role (in a principal or a literal
/// `aws:PrincipalArn` condition), names the role's account (as a principal, a principal of that
/// account, or in
/// `kms:CallerAccount` / `aws:PrincipalAccount`), or its `Id` or a `Sid` mentions Pinecone or
/// CMEK. A configured role checked against an unrelated key policy (a repository holds many
/// keys) is none of these, and findings about it are then only informational.
pub(crate) fn role_mentioned(policy: &crate::policy::Policy<'_>, role: &Caller<'_>) -> bool {
    use access::ValueHit;
    let mentions = |t: &str| {
        let t = t.to_ascii_lowercase();
        t.contains("pinecone") || t.contains("cmek")
    };
    if policy.id.and_then(|m| m.value.as_str()).is_some_and(mentions)
        || policy.statements.iter().filter_map(|s| s.sid_str()).any(mentions)
    {
        return true;
    }
    // The account as a principal, or any IAM principal of that account.
    let account_named = |t: &str| {
        matches!(access::account_principal(t), Some(access::AccountRef::Literal(a)) if Some(a) == role.account)
            || Arn::parse(t)
                .is_some_and(|a| (a.service == "iam" || a.service == "sts") && Some(a.account) == role.account)
    };
    policy.statements.iter().any(|s| {
        let in_principal = [&s.principal, &s.not_principal].into_iter().flatten().any(|p| {
            p.values_of("AWS").any(|n| {
                n.as_text()
                    .is_some_and(|(t, _)| access::principal_value_hit(t, role) == ValueHit::Direct || account_named(t))
            })
        });
        let in_condition = s.conditions.iter().flat_map(|b| &b.entries).any(|e| {
            let key = e.key.to_ascii_lowercase();
            e.values.iter().filter_map(|v| v.as_str()).any(|v| match key.as_str() {
                "aws:principalarn" => v.eq_ignore_ascii_case(role.arn),
                "kms:calleraccount" | "aws:principalaccount" => Some(v.trim()) == role.account,
                _ => false,
            })
        });
        in_principal || in_condition
    })
}

/// Like [`relation`], but also honouring `NotPrincipal` (meaningful only with `Deny`: the
/// statement applies to everyone not listed).
pub(crate) fn deny_relation(s: &Statement<'_>, role: &Caller<'_>) -> (Relation, Tri) {
    if s.principal.is_none()
        && let Some(np) = &s.not_principal
    {
        let hit = access::principal_hit(np, role);
        if hit.direct || hit.maybe || hit.account {
            return (Relation::None, Tri::Unknown);
        }
        let facts = access::identity_facts(role);
        return (Relation::Everyone, access::conditions_hold(s, &facts));
    }
    relation(s, role)
}

/// Facts about a request Pinecone makes with the role: the role's identity, plus the keys
/// [`crate::data::kms::pinecone_key`] describes.
pub(crate) fn pinecone_facts<'c>(role: &'c Caller<'c>) -> impl Fn(&str) -> Fact<'c> + 'c {
    use crate::data::kms::{PineconeKey, pinecone_key};
    let identity = access::identity_facts(role);
    move |key: &str| match identity(key) {
        Fact::Unknown => match pinecone_key(key) {
            Some(PineconeKey::Absent(_)) => Fact::Absent,
            Some(PineconeKey::Foreign(_)) => Fact::Foreign,
            Some(PineconeKey::Bool(b, _)) => Fact::Bool(b),
            Some(PineconeKey::RoleDependent(_)) | None => Fact::Unknown,
        },
        known => known,
    }
}

/// "`a`, `b` and `c`".
pub(crate) fn list_code(items: &[impl AsRef<str>]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{}`", i.as_ref())).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests;
