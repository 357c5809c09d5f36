//! CMK309 key-role-use-blocked: evaluated, the CMEK role's `kms:Encrypt`/`kms:Decrypt`
//! requests (`role-encrypt`, `role-decrypt` of [`crate::scenarios`]) are denied by an explicit
//! `Deny` of this key policy (error), or may be (warning). E.g. a `Deny` with `NotPrincipal`
//! listing the role's ARN (the role's *sessions* are not exempt), or a data-perimeter Deny
//! unless `aws:SourceVpce` is the customer's endpoint (Pinecone calls from its own network).
//!
//! The role: `[customer] role_arn`, else the CMEK roles the policy names
//! ([`super::role::cmek_roles`]); with none, the rule is silent. The key: `[customer] key_arn`,
//! else a placeholder key in the role's account (key policies say `"Resource": "*"`).
//! Implicit denies (no Allow for the role) are CMK301's.

use super::role::cmek_roles;
use super::{Relation, applies_to_key, deny_relation};
use crate::policy::access::{Caller, Tri};
use crate::policy::{Arn, Policy};
use crate::rules::evaluated;
use crate::rules::{Reporter, RuleContext};
use crate::scenarios::Inputs;
use crate::scenarios::Outcome;
use crate::settings::Settings;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    for (role, outcomes) in role_outcomes(policy, ctx.settings) {
        let blocks: Vec<_> = evaluated::deny_blocks(&outcomes, 0)
            .into_iter()
            .filter(|b| !cmk301_reports(policy, ctx.settings, &role, b.hit.statement))
            .collect();
        evaluated::report_blocks(
            out,
            policy,
            &blocks,
            &format!(
                "the CMEK role `{role}` its key use: an explicit Deny overrides every Allow, so Pinecone cannot encrypt or decrypt with this key"
            ),
            &format!(
                "exempt the CMEK role's sessions from this `Deny` (e.g. `\"ArnNotEquals\": {{\"aws:PrincipalArn\": \"{role}\"}}` in its condition; `NotPrincipal` with the role ARN does not exempt its sessions), or remove it"
            ),
        );
    }
}

/// Per CMEK role: the outcomes of `role-encrypt` and `role-decrypt` against this key policy.
pub(crate) fn role_outcomes(policy: &Policy<'_>, settings: &Settings) -> Vec<(String, Vec<Outcome>)> {
    let mut out = Vec::new();
    for role in cmek_roles(policy, settings) {
        let arn = role.caller.arn.to_string();
        let Some(account) = Arn::parse(&arn).map(|a| a.account.to_string()) else { continue };
        let key = settings.console.key_arn.clone().unwrap_or_else(|| evaluated::placeholder_key(&account));
        let scenarios =
            Inputs { pinecone_account: None, role_arn: Some(arn.clone()), key_arn: Some(key), external_id: None }
                .builder(settings);
        let outcomes: Vec<Outcome> = ["role-encrypt", "role-decrypt"]
            .iter()
            .filter_map(|n| evaluated::outcome(&scenarios, n, None, Some(policy), None))
            .collect();
        out.push((arn, outcomes));
    }
    out
}

/// The statement indices of the `Deny` statements CMK309 reports.
pub(crate) fn blocking_statements(policy: &Policy<'_>, settings: &Settings) -> Vec<usize> {
    let mut out = Vec::new();
    for (role, outcomes) in role_outcomes(policy, settings) {
        out.extend(
            evaluated::deny_blocks(&outcomes, 0)
                .iter()
                .map(|b| b.hit.statement)
                .filter(|&i| !cmk301_reports(policy, settings, &role, i)),
        );
    }
    out
}

/// Whether CMK301 key-role-missing-access already reports Deny statement `index` for `role`
/// (a Deny decided by the role's identity alone, e.g. `Principal: *` without a condition).
fn cmk301_reports(policy: &Policy<'_>, settings: &Settings, role: &str, index: usize) -> bool {
    let Some((_, s)) = policy.statement_by_index(index) else { return false };
    let caller = Caller::new(role);
    let (rel, identity) = deny_relation(s, &caller);
    applies_to_key(s)
        && settings.key_actions.iter().any(|a| s.covers_action(a))
        && matches!(rel, Relation::Direct | Relation::Account | Relation::Everyone)
        && identity == Tri::True
}
