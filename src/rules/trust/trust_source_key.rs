//! CMK203 trust-source-key: `aws:SourceAccount`/`aws:SourceArn` (and the `aws:SourceOrg*`
//! keys) used to restrict an IAM-role principal. AWS sets them only when a service acts on
//! behalf of a resource, never when a role such as Pinecone's calls `AssumeRole`.

use super::model::{grants_trust_action, key_is};
use crate::diagnostic::Severity;
use crate::policy::SetQualifier;
use crate::rules::{Reporter, RuleContext};

const SOURCE_KEYS: &[&str] = &["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"];

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in ctx.policy().statements.iter().filter(|s| s.is_allow() && grants_trust_action(s)) {
        let Some(p) = &s.principal else { continue };
        // Only statements whose principals are all IAM principals: with a service principal
        // (or `"*"`, which includes services) the source keys can apply. `{"AWS": "*"}` is every
        // IAM principal: a source key there blocks every caller (the evaluator agrees: nobody
        // can assume), while a vacuous one leaves CMK201 to judge the `*`.
        if p.star || p.entries.is_empty() || p.entries.iter().any(|e| &*e.member.key != "AWS") {
            continue;
        }
        let aws_star = p.is_everyone();
        for block in &s.conditions {
            let op = &block.operator;
            for e in &block.entries {
                if !SOURCE_KEYS.iter().any(|k| key_is(e.key, k)) {
                    continue;
                }
                let vacuous = op.is_negated() || op.if_exists || op.qualifier == Some(SetQualifier::ForAllValues);
                if vacuous && aws_star {
                    continue;
                }
                let f = if vacuous {
                    out.report(
                        e.member.key_span,
                        format!("`{}` is never present when an IAM role calls `AssumeRole`, so `{}` is always true here: this condition restricts nothing", e.key, op.text),
                    )
                    .severity(Severity::Warning)
                } else {
                    out.report(
                        e.member.key_span,
                        format!("`{}` is set only when an AWS service acts on behalf of a resource, never when an IAM role such as Pinecone's calls `AssumeRole`: this condition never matches and the role cannot be assumed", e.key),
                    )
                };
                f.help("remove it; to protect a role trusted by a third party against the confused deputy, require `sts:ExternalId` (and pin `aws:PrincipalArn` when the principal is `*`)");
            }
        }
    }
}
