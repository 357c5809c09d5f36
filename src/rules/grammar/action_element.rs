//! CMK108 action-element-invalid: a statement needs exactly one of `Action` / `NotAction`,
//! holding strings.

use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        match (&s.action, &s.not_action) {
            (None, None) => {
                out.report(s.head_span(), "statement has neither `Action` nor `NotAction`: IAM rejects the policy")
                    .help("add the actions the statement allows, e.g. `\"Action\": \"sts:AssumeRole\"`");
            }
            (Some(a), Some(n)) => {
                out.report(
                    n.member.key_span,
                    "statement has both `Action` and `NotAction`: IAM rejects this combination",
                )
                .label(a.member.key_span, "`Action` is here")
                .help("keep only `Action`");
            }
            (Some(list), None) | (None, Some(list)) => {
                if list.values.is_empty() {
                    out.report(
                        list.member.value.span,
                        format!("`{}` is empty: the statement matches no action", list.member.key),
                    );
                }
                for v in &list.values {
                    if v.as_text().is_none() {
                        out.report(v.span, format!("an action must be a string, found {}", v.type_name()));
                    }
                }
            }
        }
    }
}
