//! CMK202 trust-condition-optional: `...IfExists`, `ForAllValues:` or `ForAnyValue:` on the
//! keys that bind a trust policy to its caller (`sts:ExternalId`, `aws:PrincipalArn`,
//! `aws:PrincipalAccount`, `aws:PrincipalOrgID`).

use super::model::{EXTERNAL_ID, PRINCIPAL_ORG_ID, always_present, grants_trust_action, key_is};
use crate::diagnostic::Severity;
use crate::fix::Fix;
use crate::policy::SetQualifier;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in ctx.policy().statements.iter().filter(|s| s.is_allow() && grants_trust_action(s)) {
        for block in &s.conditions {
            let op = &block.operator;
            // Negated operators are judged by CMK201 (principal keys) and CMK209 (external ID).
            if op.is_negated() || (!op.if_exists && op.qualifier.is_none()) {
                continue;
            }
            let plain = op.base;
            for e in &block.entries {
                let key = e.key;
                let external_id = key_is(key, EXTERNAL_ID);
                let org = key_is(key, PRINCIPAL_ORG_ID);
                if !(external_id || org || always_present(key)) {
                    continue;
                }
                let optional = op.if_exists || op.qualifier == Some(SetQualifier::ForAllValues);
                let form = if op.if_exists { "`IfExists`" } else { "`ForAllValues:`" };
                let (severity, message) = if optional && external_id {
                    (
                        Severity::Error,
                        format!(
                            "`{}` makes the external-ID check optional: {form} is true when the key is absent, so a caller that passes no external ID satisfies it",
                            op.text
                        ),
                    )
                } else if optional && org {
                    (
                        Severity::Error,
                        format!(
                            "`{}` lets in callers from accounts outside any AWS Organization: {form} is true when `aws:PrincipalOrgID` is absent, which it is for them",
                            op.text
                        ),
                    )
                } else if optional {
                    (
                        Severity::Warning,
                        format!(
                            "`{}` declares the `{key}` check optional ({form} is true when the key is absent). `{key}` is present on every signed `AssumeRole` call, so it still binds, but the policy now reads (to reviewers and to IAM Access Analyzer) as if the check could be skipped",
                            op.text
                        ),
                    )
                } else {
                    (
                        Severity::Info,
                        format!(
                            "`ForAnyValue:` is meant for multivalued keys; `{key}` has a single value, so `{}` works like plain `{plain}`",
                            op.text
                        ),
                    )
                };
                let f = out
                    .report(e.member.key_span, message)
                    .label(block.member.key_span, "operator")
                    .severity(severity)
                    .help(format!("use `{plain}`"));
                f.fix(match crate::rules::fixes::rename_operator(ctx, s, block, plain) {
                    Some(edit) => Fix::unsafe_edits(format!("use `{plain}`"), vec![edit])
                        .isolated(crate::rules::fixes::condition_part(s)),
                    None => Fix::display_only(format!("use `{plain}`")),
                });
            }
        }
    }
}
