//! CMK101 version-missing and CMK103 version-invalid (CMK102 version-outdated is declarative).

use crate::rules::{Reporter, RuleContext};

pub(crate) fn missing(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    if policy.version.is_none() {
        let at = policy.statement.map_or(policy.root.span, |m| m.key_span);
        out.report(
            crate::source::Span::new(policy.root.span.start as usize, policy.root.span.start as usize + 1),
            "policy has no `Version`: IAM then evaluates it with the 2008-10-17 language, where policy variables are not substituted",
        )
        .label(at, "add `\"Version\": \"2012-10-17\"` before this")
        .help("add `\"Version\": \"2012-10-17\"` as the first element");
    }
}

pub(crate) fn invalid(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let Some(v) = ctx.policy().version else {
        return;
    };
    match v.value.as_text() {
        Some(("2012-10-17" | "2008-10-17", _)) => {}
        Some((_, true)) => {}
        Some((s, false)) => {
            out.report(v.value.span, format!("`{s}` is not a policy language version: IAM rejects the policy"))
                .help("use `\"Version\": \"2012-10-17\"` (the only other valid value is the outdated `2008-10-17`)");
        }
        None => {
            out.report(
                v.value.span,
                format!("`Version` must be the string \"2012-10-17\", found {}", v.value.type_name()),
            )
            .help("quote the date: in YAML an unquoted 2012-10-17 is read as a date");
        }
    }
}
