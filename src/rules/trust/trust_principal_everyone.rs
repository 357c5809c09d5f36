//! CMK201 trust-principal-everyone: an Allow with `Principal: *` (or `{"AWS": "*"}`) whose
//! conditions do not pin the caller to an account: anyone can assume the role.

use super::model::{EXTERNAL_ID, Pinecone, deny_pins_caller, everyone_binding, grants_trust_action, is_principal_key};
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let pc = Pinecone::cached(ctx);
    let help = format!(
        "pin the caller's account: for Pinecone, `\"ArnLike\": {{\"aws:PrincipalArn\": \"arn:aws:iam::{}:role/pinecone_cmek_access_*\"}}` next to the `sts:ExternalId` condition, or list Pinecone's `pinecone_cmek_access_<region>` roles in `Principal` instead of `*`",
        super::account_hint(pc)
    );
    for i in reported(ctx) {
        let Some(s) = policy.statements.iter().find(|s| s.index == i) else { continue };
        let Some(p) = s.principal.as_ref() else { continue };
        let b = everyone_binding(s);
        if let Some((span, text, key, why)) = b.open {
            out.report(
                span,
                format!("`{key}` value `{text}` does not pin the caller: {why}. With `Principal: *`, anyone who creates a matching role in their own AWS account can assume this role"),
            )
            .label(p.everyone_span(), "trusts every AWS principal")
            .help(help.clone());
            continue;
        }
        let external_id = s.condition_entries(EXTERNAL_ID).next();
        let others = s
            .conditions
            .iter()
            .flat_map(|b| b.entries.iter())
            .any(|e| !e.key.eq_ignore_ascii_case(EXTERNAL_ID) && !is_principal_key(e.key));
        let message = if s.conditions.iter().all(|b| b.entries.is_empty()) {
            "`Principal: *` with no condition: any AWS principal in any account can assume this role".to_string()
        } else if external_id.is_some() && !others && b.negated.is_empty() && b.optional.is_empty() {
            "`Principal: *` is restricted only by `sts:ExternalId`, which is not a secret (anyone who can read this role's trust policy sees it): any AWS account can assume this role by passing it".to_string()
        } else {
            "`Principal: *` and no condition pins the caller to an account (a positive `aws:PrincipalArn`, `aws:PrincipalAccount` or `aws:PrincipalOrgID` condition): any AWS principal can assume this role".to_string()
        };
        let f = out.report(p.everyone_span(), message);
        if let Some((_, e)) = external_id
            && (others || !b.negated.is_empty() || !b.optional.is_empty())
        {
            f.label(e.member.key_span, "the external ID is not a secret");
        }
        for span in &b.negated {
            f.label(*span, "a negated operator only excludes: every other account passes");
        }
        for span in &b.optional {
            f.label(*span, "true when the key is absent (principals outside any organization)");
        }
        f.help(help.clone());
    }
}

/// The statements (by `Statement::index`) CMK201 reports: `Allow`s of an STS trust action to `*` whose conditions do
/// not pin the caller, unless a `Deny` pins it or the evaluator closes the statement to every
/// other account. CMK216 trust-others-can-assume leaves these statements to this rule.
pub(crate) fn reported(ctx: &RuleContext<'_>) -> Vec<usize> {
    let policy = ctx.policy();
    // "Allow `*`, deny everyone whose ARN is not Pinecone's": the Deny does the pinning.
    if deny_pins_caller(policy) {
        return Vec::new();
    }
    // Only a grant of an STS trust action lets the caller in (a KMS statement in a policy
    // forced to `--kind trust` is no trust grant).
    let open: Vec<usize> = policy
        .statements
        .iter()
        .filter(|s| s.is_allow() && s.principal.as_ref().is_some_and(|p| p.is_everyone()) && grants_trust_action(s))
        .filter(|s| !everyone_binding(s).pinned)
        .map(|s| s.index)
        .collect();
    if open.is_empty() {
        return open;
    }
    // Statements the evaluator closes to other accounts (e.g. `aws:SourceAccount`, absent when
    // a principal calls AssumeRole: nobody can assume) are no "anyone can assume" finding.
    let closed = super::pinecone_assume_blocked::closed_to_others(ctx);
    open.into_iter().filter(|i| !closed.contains(i)).collect()
}
