//! CMK407 permissions-assumes-pinecone-role: an identity policy allows `sts:AssumeRole` on
//! Pinecone's `pinecone_cmek_access_*` roles as a `Resource`. That lets *your* principals
//! assume Pinecone's roles (which Pinecone's trust refuses anyway) and lets Pinecone into
//! nothing: the document is a permissions policy sitting where the CMEK role's trust policy
//! belongs, which names Pinecone's roles in `Principal`.

use crate::pinecone::{ROLE_PREFIX, name_looks_pinecone};
use crate::policy::Arn;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    for s in policy.statements.iter().filter(|s| s.is_allow() && s.covers_action("sts:AssumeRole")) {
        let Some(list) = &s.resource else { continue };
        for (value, node) in list.strings() {
            let Some(arn) = Arn::parse(value.trim()) else { continue };
            if arn.service != "iam" || arn.resource_type != "role" || !name_looks_pinecone(arn.name()) {
                continue;
            }
            out.report(
                node.span,
                format!(
                    "this permissions policy lets your own principals assume Pinecone's role `{}`; it lets Pinecone into nothing. Pinecone needs a trust policy on your CMEK role that names its roles in `Principal`",
                    value.trim()
                ),
            )
            .help(format!(
                "use this as the CMEK role's trust policy instead: `{{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"arn:aws:iam::{}:role/{ROLE_PREFIX}<region>\"}}, \"Action\": \"sts:AssumeRole\", \"Condition\": {{\"StringEquals\": {{\"sts:ExternalId\": \"<external id>\"}}}}}}` (no `Resource`), and give the role no other permissions than its key use",
                if arn.account.is_empty() { "<pinecone-account>" } else { arn.account }
            ));
        }
    }
}
