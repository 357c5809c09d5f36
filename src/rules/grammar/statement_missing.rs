//! CMK104 statement-missing: no `Statement`, an empty one, or one of the wrong type.

use crate::json::Value;
use crate::rules::{Reporter, RuleContext};
use crate::source::Span;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let Some(m) = policy.statement else {
        out.report(
            Span::new(policy.root.span.start as usize, policy.root.span.start as usize + 1),
            "policy has no `Statement` element",
        )
        .help("add `\"Statement\": [ ... ]` with at least one statement");
        return;
    };
    match &m.value.value {
        Value::Array(items) if items.is_empty() => {
            out.report(m.value.span, "`Statement` is empty: the policy grants and denies nothing")
                .help("add at least one statement");
        }
        Value::Array(items) => {
            for item in items.iter().filter(|n| n.as_object().is_none()) {
                out.report(item.span, format!("a statement must be an object, found {}", item.type_name()));
            }
        }
        Value::Object(_) => {}
        _ => {
            out.report(
                m.value.span,
                format!(
                    "`Statement` must be an array of statements (or one statement object), found {}",
                    m.value.type_name()
                ),
            );
        }
    }
}
