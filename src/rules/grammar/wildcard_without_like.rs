//! CMK114 wildcard-without-like: `*` or `?` in a value of an operator that compares literally.

use crate::diagnostic::Severity;
use crate::fix::Fix;
use crate::policy::PolicyKind;
use crate::rules::{Reporter, RuleContext};

/// Keys whose literal mismatch locks Pinecone out of a trust policy.
const TRUST_KEYS: &[&str] = &["aws:PrincipalArn", "sts:ExternalId", "aws:PrincipalAccount", "aws:PrincipalOrgID"];

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        for block in &s.conditions {
            let op = &block.operator;
            // `ArnEquals`/`ArnNotEquals` honour wildcards in each ARN field just like `ArnLike`
            // (IAM User Guide, ARN condition operators); only the String operators are literal.
            let literal = matches!(
                op.base,
                "StringEquals" | "StringNotEquals" | "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase"
            );
            if !literal {
                continue;
            }
            for e in &block.entries {
                for v in &e.values {
                    let Some(text) = v.as_str() else { continue };
                    if !text.contains(['*', '?']) || text.contains("${") {
                        continue;
                    }
                    let like = if op.base.contains("Not") { "StringNotLike" } else { "StringLike" };
                    let f = out.report(
                        v.span,
                        format!("`{text}` contains a wildcard, but `{}` compares literally: the condition matches only the exact text with `*`", op.text),
                    );
                    f.label(block.member.key_span, "literal operator").help(format!("use `{like}` to match a pattern"));
                    // `StringLike` has no case-insensitive form: only the exact operators are renamed.
                    let renamed = op.text.replacen(op.base, like, 1);
                    let edit = (!op.base.contains("IgnoreCase"))
                        .then(|| crate::rules::fixes::rename_operator(ctx, s, block, &renamed))
                        .flatten();
                    f.fix(match edit {
                        Some(edit) => Fix::unsafe_edits(format!("use `{renamed}`"), vec![edit])
                            .isolated(crate::rules::fixes::condition_part(s)),
                        None => Fix::display_only(format!("use `{like}` to match a pattern")),
                    });
                    if ctx.kind == PolicyKind::Trust
                        && TRUST_KEYS.iter().any(|k| k.eq_ignore_ascii_case(e.key))
                        && !op.is_negated()
                    {
                        f.severity(Severity::Error);
                    }
                }
            }
        }
    }
}
