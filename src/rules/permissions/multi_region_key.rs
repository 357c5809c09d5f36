//! CMK403 permissions-multi-region-key: the CMEK role's permissions policy names a
//! multi-Region key (`key/mrk-...`).

use super::relevance::relevance;
use crate::policy::Arn;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    if relevance(ctx).is_none() {
        return;
    }
    for s in policy.statements.iter().filter(|s| s.is_allow()) {
        let Some(list) = &s.resource else { continue };
        for (value, node) in list.strings() {
            let Some(arn) = Arn::parse(value.trim()) else { continue };
            if arn.service == "kms" && arn.resource_type == "key" && arn.resource_name.starts_with("mrk-") {
                out.report(
                    node.span,
                    format!("`{}` is a multi-Region key: Pinecone accepts one Key ARN per project and cannot switch to a replica's ARN later without Pinecone Support", arn.resource_name),
                )
                .help("a single-Region key is what the Pinecone guide asks for; if you keep the multi-Region key, enter the ARN of the copy in your index's region in the Pinecone console");
            }
        }
    }
}
