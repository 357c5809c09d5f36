//! CMK305 key-lockout-risk: no principal may call `kms:PutKeyPolicy` on the key, so nobody can
//! ever change the key policy again.
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
