//! CMK116 trust-policy-resource: `Resource`/`NotResource` in a trust policy. IAM answers "Has
//! prohibited field Resource"; usually a permissions policy was pasted where the trust policy
//! belongs (as the CMEK guide's "keys outside your account" tab shows).

use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let looks_like_permissions = !policy.has_principal();
    for s in &policy.statements {
        for list in [&s.resource, &s.not_resource].into_iter().flatten() {
            let f = out.report(
                list.member.key_span,
                format!(
                    "`{}` is not allowed in a trust policy: IAM rejects it (\"Has prohibited field Resource\")",
                    list.member.key
                ),
            );
            if looks_like_permissions {
                f.help("this is a permissions (identity) policy, not a trust policy: attach it to the role as a permissions policy, and use one of Pinecone's trust policies (Principal `pinecone_cmek_access_<region>` roles, Action `sts:AssumeRole`) as the role's trust policy");
            } else {
                f.help("delete `Resource`: a trust policy's resource is the role itself");
            }
            // Which policy was meant to go where is the user's call: a suggestion only.
            f.fix(crate::fix::Fix::display_only(if looks_like_permissions {
                "use this policy as the role's permissions policy, and a Pinecone trust policy as its trust policy"
            } else {
                "delete `Resource`"
            }));
        }
    }
}
