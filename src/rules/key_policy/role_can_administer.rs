//! CMK310 key-role-can-administer: evaluated, a session of the CMEK role can administer the key
//! (`role-key-admin` of [`crate::scenarios`]: `kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`,
//! `kms:DisableKey`, `kms:CreateGrant`) by this key policy alone.
//!
//! Only a certain `allowed` is reported: through the account statement the role's permissions
//! decide, which a key policy cannot show (the decision is unknown, no finding; CMK405 judges the
//! permissions policy). A statement that names the role with administrative actions is CMK302's,
//! a `Principal: *` without a pinning condition CMK303's: this rule reports what only
//! evaluation shows, e.g. a `Principal: *` "pinned" by a condition that holds for every caller.
//! The role: `[customer] role_arn`, else the CMEK roles the policy names; the key:
//! `[customer] key_arn`, else a placeholder key in the role's account.

use super::role::cmek_roles;
use crate::eval::{Decision, Effect};
use crate::policy::Arn;
use crate::rules::evaluated;
use crate::rules::{Reporter, RuleContext};
use crate::scenarios::Inputs;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    for role in cmek_roles(policy, ctx.settings) {
        let arn = role.caller.arn.to_string();
        let Some(account) = Arn::parse(&arn).map(|a| a.account.to_string()) else { continue };
        let key = ctx.settings.console.key_arn.clone().unwrap_or_else(|| evaluated::placeholder_key(&account));
        let scenarios =
            Inputs { pinecone_account: None, role_arn: Some(arn.clone()), key_arn: Some(key), external_id: None }
                .builder(ctx.settings);
        let Some(outcome) = evaluated::outcome(&scenarios, "role-key-admin", None, Some(policy), None) else {
            continue;
        };
        let mut skip = super::role_overprivileged::reported(policy, &role.caller);
        skip.extend(policy.statements.iter().filter(|s| super::public_principal::reports(s)).map(|s| s.index));
        // Per granting statement: the administrative actions it allows, and the first request.
        let mut grants: Vec<(usize, Vec<&str>, usize)> = Vec::new();
        for (i, (req, ev)) in outcome.evaluations.iter().enumerate() {
            if ev.decision != Decision::Allowed {
                continue;
            }
            for hit in ev.deciding().filter(|h| h.effect == Effect::Allow && h.policy == 0) {
                if skip.contains(&hit.statement) {
                    continue;
                }
                match grants.iter_mut().find(|g| g.0 == hit.statement) {
                    Some(g) => g.1.push(&req.action),
                    None => grants.push((hit.statement, vec![&req.action], i)),
                }
            }
        }
        for (stmt, actions, first) in grants {
            let Some(s) = policy.statements.iter().find(|s| s.index == stmt) else { continue };
            let (req, ev) = &outcome.evaluations[first];
            let sid = s.sid_str().map(|s| format!(" `{s}`")).unwrap_or_default();
            let shown: Vec<String> = actions.iter().map(|a| format!("`{a}`")).collect();
            let f = out.report(
                s.head_span(),
                format!(
                    "the `Allow` statement{sid} lets the CMEK role `{arn}` administer the key ({}): Pinecone, or anyone who can assume the role, could rewrite the key policy, disable the key or schedule its deletion (scenario `role-key-admin`: allowed, {}). Counterexample: {}",
                    shown.join(", "),
                    ev.reason,
                    evaluated::counterexample(req, policy)
                ),
            );
            if let Some(p) = &s.principal {
                f.label(p.member.key_span, "this principal matches the role's sessions");
            }
            for e in s.conditions.iter().flat_map(|b| b.entries.iter()).take(4) {
                f.label(e.member.key_span, format!("`{}` holds for the role's request", e.key));
            }
            f.help(format!(
                "keep key administration with your key administrators: narrow this statement so it does not match `{arn}` (e.g. name your administrators in `Principal`), and grant the role only `kms:Encrypt` and `kms:Decrypt`{}",
                role.guess_note()
            ));
        }
    }
}
