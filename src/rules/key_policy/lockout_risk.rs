//! CMK305 key-lockout-risk: no principal may call `kms:PutKeyPolicy` on the key, so nobody can
//! ever change the key policy again; or, with no account statement, a single principal may
//! (deleting it makes the key unmanageable).
//!
//! KMS refuses such a policy (the lockout safety check) unless `BypassPolicyLockoutSafetyCheck`
//! is set; that flag lives in the key's metadata and is checked by the key-metadata rules.

use super::applies_to_key;
use crate::policy::Statement;
use crate::rules::{Reporter, RuleContext};
use crate::source::Span;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let relevant = |s: &&Statement<'_>| s.covers_action("kms:PutKeyPolicy") && applies_to_key(s);
    let allowed = policy.statements.iter().filter(|s| s.is_allow() && s.principal.is_some()).any(|s| relevant(&s));
    // `Deny` to everyone, without conditions, takes `PutKeyPolicy` away from every principal.
    let blanket_deny = policy
        .statements
        .iter()
        .filter(|s| s.is_deny() && s.conditions.is_empty())
        .filter(relevant)
        .find(|s| s.principal.as_ref().is_some_and(|p| p.is_everyone()));
    let has_root = policy.statements.iter().any(|s| {
        s.is_allow()
            && s.principal.as_ref().is_some_and(|p| {
                p.values_of("AWS")
                    .any(|n| n.as_text().is_some_and(|(t, _)| crate::policy::access::account_principal(t).is_some()))
            })
    });
    if allowed && blanket_deny.is_none() && !has_root {
        single_administrator(policy, out);
        return;
    }
    let span = match (allowed, blanket_deny) {
        (true, None) => return,
        (_, Some(deny)) => deny.effect.map_or_else(|| deny.head_span(), |m| m.value.span),
        (false, None) => policy
            .statement
            .map(|m| m.key_span)
            .unwrap_or_else(|| Span::new(policy.root.span.start as usize, policy.root.span.start as usize + 1)),
    };
    let why = if blanket_deny.is_some() {
        "this `Deny` takes `kms:PutKeyPolicy` away from every principal"
    } else if has_root {
        "the account statement of this key policy does not include `kms:PutKeyPolicy`, and no other principal is allowed it"
    } else {
        "no statement allows `kms:PutKeyPolicy`, and there is no account statement (`arn:aws:iam::<account>:root`) that would let IAM policies allow it"
    };
    out.report(
        span,
        format!("nobody can change this key policy: {why}; KMS accepts such a policy only when its lockout safety check is bypassed, and the key then becomes unmanageable"),
    )
    .help("keep the console's first statement, `{\"Sid\": \"Enable IAM User Permissions\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::<your account id>:root\"}, \"Action\": \"kms:*\", \"Resource\": \"*\"}`, or allow `kms:PutKeyPolicy` to your key administrators");
}

/// No account statement and one principal alone allowed `kms:PutKeyPolicy`: IAM policies cannot
/// grant anything on the key, and deleting (or recreating) that principal leaves nobody who can
/// manage it. A warning at that principal.
fn single_administrator(policy: &crate::policy::Policy<'_>, out: &mut Reporter) {
    let mut admins: Vec<(&str, Span)> = Vec::new();
    for s in
        policy.statements.iter().filter(|s| s.is_allow() && s.covers_action("kms:PutKeyPolicy") && applies_to_key(s))
    {
        let Some(p) = &s.principal else { continue };
        if p.is_everyone() || p.entries.iter().any(|e| &*e.member.key != "AWS") {
            return;
        }
        for node in p.values_of("AWS") {
            let Some((text, template)) = node.as_text() else { return };
            if template || crate::data::placeholders::has_expression(text) {
                return;
            }
            if !admins.iter().any(|(t, _)| *t == text) {
                admins.push((text, node.span));
            }
        }
    }
    let [(admin, span)] = admins.as_slice() else { return };
    out.report(
        *span,
        format!("`{admin}` is the only principal that can change this key policy, and there is no account statement: IAM policies cannot grant anything on this key, and if this principal is deleted (or recreated, which gives it a new identity) nobody can manage the key"),
    )
    .help("add the console's account statement (`\"Principal\": {\"AWS\": \"arn:aws:iam::<your account id>:root\"}`, `\"Action\": \"kms:*\"`), or name a second key administrator");
}
