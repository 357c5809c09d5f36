//! CMK121 resource-element-invalid: identity and key policies need exactly one of `Resource` /
//! `NotResource`.

use crate::policy::PolicyKind;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        match (&s.resource, &s.not_resource) {
            (None, None) => {
                let help = if ctx.kind == PolicyKind::Key {
                    "add `\"Resource\": \"*\"` (in a key policy, `*` means this key)"
                } else {
                    "add the resources the statement applies to, e.g. the key ARN"
                };
                out.report(
                    s.head_span(),
                    format!("statement has neither `Resource` nor `NotResource`: a {} needs one", ctx.kind.noun()),
                )
                .help(help);
            }
            (Some(r), Some(n)) => {
                out.report(
                    n.member.key_span,
                    "statement has both `Resource` and `NotResource`: IAM rejects this combination",
                )
                .label(r.member.key_span, "`Resource` is here");
            }
            (Some(list), None) | (None, Some(list)) => {
                for v in &list.values {
                    if v.as_text().is_none() {
                        out.report(v.span, format!("a resource must be a string, found {}", v.type_name()));
                    }
                }
            }
        }
    }
}
