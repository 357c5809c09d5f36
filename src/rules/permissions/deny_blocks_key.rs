//! CMK406 permissions-deny-blocks-key: evaluated, an explicit `Deny` of the CMEK role's
//! permissions policy denies `kms:Encrypt`/`kms:Decrypt` on the key (`role-encrypt`,
//! `role-decrypt` of [`crate::scenarios`]), e.g. `Deny kms:*` with `NotResource` = an alias
//! ARN: IAM authorizes key operations against the key ARN, which is not the alias, so the Deny
//! covers the key itself. Error when certain, warning when it may apply.
//!
//! The key: `[customer] key_arn`, else the first literal `arn:aws:kms:…:key/…` an `Allow` of the
//! policy names (with none, silent). The role: `[customer] role_arn`, else a placeholder role in
//! the key's account. The key policy is not seen here: only explicit Denies are reported.

use crate::policy::Arn;
use crate::rules::evaluated;
use crate::rules::{Reporter, RuleContext};
use crate::scenarios::Inputs;
use crate::scenarios::Outcome;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    if !policy.statements.iter().any(|s| s.is_deny()) {
        return;
    }
    let key = ctx.settings.console.key_arn.clone().or_else(|| {
        policy.statements.iter().filter(|s| s.is_allow()).find_map(|s| {
            s.resource.as_ref()?.strings().find_map(|(v, _)| {
                let a = Arn::parse(v.trim())?;
                (a.service == "kms" && a.resource_type == "key" && !v.contains(['*', '?', '$']))
                    .then(|| v.trim().to_string())
            })
        })
    });
    let Some(key) = key else { return };
    let Some(account) = Arn::parse(&key).map(|a| a.account.to_string()) else { return };
    let role = ctx.settings.console.role_arn.clone().unwrap_or_else(|| evaluated::placeholder_role(&account));
    let scenarios = Inputs { pinecone_account: None, role_arn: Some(role), key_arn: Some(key), external_id: None }
        .builder(ctx.settings);
    let outcomes: Vec<Outcome> = ["role-encrypt", "role-decrypt"]
        .iter()
        .filter_map(|n| evaluated::outcome(&scenarios, n, None, None, Some(policy)))
        .collect();
    // The permissions policy is the run's only identity policy: index 0 (no key policy given).
    // Unconditional Denies with a `Resource` covering the key: CMK401 reports them.
    let cmk401 = super::relevance::relevance(ctx).is_some();
    let blocks: Vec<_> = evaluated::deny_blocks(&outcomes, 0)
        .into_iter()
        .filter(|b| {
            let Some((_, s)) = policy.statement_by_index(b.hit.statement) else { return false };
            !(cmk401 && s.conditions.is_empty() && s.resource.is_some())
        })
        .collect();
    evaluated::report_blocks(
        out,
        policy,
        &blocks,
        "the CMEK role's `kms:Encrypt`/`kms:Decrypt` on the key: an explicit Deny in an identity policy overrides the key policy's Allow",
        "name the key by its key ARN (`arn:aws:kms:<region>:<account>:key/<key-id>`) in `NotResource`, not an alias ARN, or narrow the Deny so it does not cover the CMEK key",
    );
}
