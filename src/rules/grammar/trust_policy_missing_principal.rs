//! CMK117 trust-policy-missing-principal: a trust statement without `Principal`.

use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let permissions = !policy.has_principal() && policy.statements.iter().any(|s| s.resource.is_some());
    for s in &policy.statements {
        if s.principal.is_some() || s.not_principal.is_some() {
            continue;
        }
        let f = out.report(
            s.head_span(),
            "trust policy statement has no `Principal`: IAM rejects it (\"Missing required field Principal\")",
        );
        if permissions {
            f.help("this document is a permissions policy; the role's trust policy must name who may assume it, e.g. `\"Principal\": {\"AWS\": [\"arn:aws:iam::<pinecone-account>:role/pinecone_cmek_access_us-east-1\"]}`");
        } else {
            f.help("add `\"Principal\": {\"AWS\": [\"arn:aws:iam::<pinecone-account>:role/pinecone_cmek_access_<region>\", ...]}`");
        }
    }
}
