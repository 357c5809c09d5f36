//! CMK110 unknown-element: a key the policy grammar does not have (often a typo or wrong case).

use crate::json::Member;
use crate::rules::util::did_you_mean;
use crate::rules::{Reporter, RuleContext};

const TOP: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT: &[&str] =
    &["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];
const PRINCIPAL: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

fn report(out: &mut Reporter, m: &Member, allowed: &[&str], what: &str) {
    if allowed.contains(&&*m.key) {
        return;
    }
    let f = out.report(m.key_span, format!("unknown {what} `{}`: IAM rejects the policy", m.key));
    match did_you_mean(&m.key, allowed.iter().copied()) {
        Some(s) => f.help(format!("did you mean `{s}`? (element names are case-sensitive)")),
        None => f.help(format!("allowed here: {}", allowed.join(", "))),
    };
}

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    for m in policy.root.as_object().unwrap_or_default() {
        report(out, m, TOP, "top-level element");
    }
    for s in &policy.statements {
        for m in s.node.as_object().unwrap_or_default() {
            report(out, m, STATEMENT, "statement element");
        }
        for p in [&s.principal, &s.not_principal].into_iter().flatten() {
            for e in &p.entries {
                report(out, e.member, PRINCIPAL, "principal type");
            }
            if !p.star && p.entries.is_empty() {
                let found = match p.member.value.as_str() {
                    Some(s) => format!("the string `{s}`"),
                    None => p.member.value.type_name().to_string(),
                };
                out.report(
                    p.member.value.span,
                    format!(
                        "`{}` must be `\"*\"` or an object such as `{{\"AWS\": \"arn:...\"}}`, found {found}",
                        p.member.key
                    ),
                )
                .help("wrap the value: `{\"AWS\": \"arn:aws:iam::123456789012:role/name\"}`");
            }
        }
    }
}
