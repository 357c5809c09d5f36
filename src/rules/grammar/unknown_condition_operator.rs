//! CMK113 unknown-condition-operator: a condition operator IAM does not know.

use crate::policy::condition::BASE_OPERATORS;
use crate::rules::util::did_you_mean;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        if let Some(c) = s.condition
            && c.value.as_object().is_none()
        {
            out.report(
                c.value.span,
                format!("`Condition` must be an object of operators, found {}", c.value.type_name()),
            );
            continue;
        }
        for block in &s.conditions {
            let op = &block.operator;
            if op.is_known() {
                if block.member.value.as_object().is_none() {
                    out.report(
                        block.member.value.span,
                        format!(
                            "`{}` must map condition keys to values, found {}",
                            op.text,
                            block.member.value.type_name()
                        ),
                    );
                }
                continue;
            }
            let f = if op.base == "Null" && op.if_exists {
                out.report(
                    block.member.key_span,
                    "`NullIfExists` is not valid: `Null` cannot take the `IfExists` suffix",
                )
            } else {
                out.report(
                    block.member.key_span,
                    format!("unknown condition operator `{}`: IAM rejects the policy", op.text),
                )
            };
            if let Some(s) = did_you_mean(op.base, BASE_OPERATORS.iter().copied()) {
                let q = block.member.key.strip_suffix(op.base).unwrap_or("");
                let q = if op.if_exists {
                    block.member.key.trim_end_matches("IfExists").strip_suffix(op.base).unwrap_or(q)
                } else {
                    q
                };
                let suffix = if op.if_exists { "IfExists" } else { "" };
                f.help(format!("did you mean `{q}{s}{suffix}`?"));
            }
        }
    }
}
