//! CMK311 key-other-account-use: evaluated, a role in another AWS account can encrypt or decrypt
//! with the key (`other-account-key-use` of [`crate::scenarios`]) by this key policy: the
//! other account's own IAM policies grant it the rest, so any account can use the key.
//!
//! Only a certain `allowed` is reported (critical). A `Principal: *` without a pinning
//! condition is CMK303's, and this rule leaves it to that rule; it reports what only evaluation
//! shows, e.g. `kms:CallerAccount` compared with the policy variable
//! `${aws:PrincipalAccount}`, which every caller matches. An account principal you name on
//! purpose (a second account of yours) is not "another account": the request comes from an
//! account the policy does not name. The role: `[customer] role_arn`, else a CMEK role the
//! policy names, else a placeholder; the key: `[customer] key_arn`, else a placeholder key.

use super::role::cmek_roles;
use crate::eval::{Decision, Effect};
use crate::policy::Arn;
use crate::rules::evaluated;
use crate::rules::{Reporter, RuleContext};
use crate::scenarios::Inputs;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let role = cmek_roles(policy, ctx.settings)
        .first()
        .map(|r| r.caller.arn.to_string())
        .unwrap_or_else(|| evaluated::placeholder_role(evaluated::PLACEHOLDER_ACCOUNT));
    let Some(account) = Arn::parse(&role).map(|a| a.account.to_string()) else { return };
    let key = ctx.settings.console.key_arn.clone().unwrap_or_else(|| evaluated::placeholder_key(&account));
    let scenarios = Inputs { pinecone_account: None, role_arn: Some(role), key_arn: Some(key), external_id: None }
        .builder(ctx.settings);
    let Some(outcome) = evaluated::outcome(&scenarios, "other-account-key-use", None, Some(policy), None) else {
        return;
    };
    let mut reported: Vec<usize> = Vec::new();
    for (req, ev) in &outcome.evaluations {
        if ev.decision != Decision::Allowed {
            continue;
        }
        for hit in ev.deciding().filter(|h| h.effect == Effect::Allow && h.policy == 0) {
            if reported.contains(&hit.statement) {
                continue;
            }
            reported.push(hit.statement);
            let Some(s) = policy.statements.iter().find(|s| s.index == hit.statement) else { continue };
            if super::public_principal::reports(s) {
                continue;
            }
            let sid = s.sid_str().map(|s| format!(" `{s}`")).unwrap_or_default();
            let f = out.report(
                s.head_span(),
                format!(
                    "the `Allow` statement{sid} lets a role in any other AWS account call `{}` with your key: whoever its own IAM policies allow can then read the data Pinecone encrypts with it (scenario `other-account-key-use`: allowed, {}). Counterexample: {}",
                    req.action,
                    ev.reason,
                    evaluated::counterexample(req, policy)
                ),
            );
            if let Some(p) = &s.principal {
                f.label(p.member.key_span, "this principal matches callers of other accounts");
            }
            for e in s.conditions.iter().flat_map(|b| b.entries.iter()).take(4) {
                f.label(e.member.key_span, format!("`{}` holds for that request", e.key));
            }
            f.help("name the principals instead (your CMEK role's ARN), or pin the caller's account with a literal value, e.g. `\"StringEquals\": {\"kms:CallerAccount\": \"<your account id>\"}` (a policy variable such as `${aws:PrincipalAccount}` matches every caller)");
        }
    }
}
