//! CMK209 external-id-operator: an `sts:ExternalId` condition whose operator does not demand the
//! one agreed value: negated (`StringNotEquals`), `Null`, a `StringLike` pattern, a
//! case-insensitive comparison, or several accepted values in a Pinecone trust.

use super::model::{EXTERNAL_ID, Pinecone, grants_trust_action, has_wildcard, is_unknown, value_text};
use crate::diagnostic::Severity;
use crate::json::Value;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let pc = Pinecone::cached(ctx);
    for (i, s) in policy.statements.iter().enumerate() {
        // In a Deny, `StringNotEquals` on the external ID is the right way round.
        if !s.is_allow() || !grants_trust_action(s) {
            continue;
        }
        let positive =
            s.condition_entries(EXTERNAL_ID).any(|(b, _)| b.operator.is_positive_match() && !b.operator.is_negated());
        for (block, e) in s.condition_entries(EXTERNAL_ID) {
            let op = &block.operator;
            if op.base == "Null" {
                if positive {
                    continue;
                }
                let absent =
                    e.values.iter().any(|v| matches!(&v.value, Value::Bool(true)) || v.as_str() == Some("true"));
                let message = if absent {
                    "`Null: true` on `sts:ExternalId` admits only callers that pass no external ID at all"
                } else {
                    "`Null: false` on `sts:ExternalId` only requires that some external ID is passed: any value is accepted"
                };
                out.report(block.member.key_span, message)
                    .help("compare the value: `\"StringEquals\": {\"sts:ExternalId\": \"<the external ID entered in the Pinecone console>\"}`");
                continue;
            }
            if op.is_negated() {
                out.report(
                    block.member.key_span,
                    format!("`{}` on `sts:ExternalId` accepts every other external ID, and callers that pass none (a negated operator is true when the key is absent)", op.text),
                )
                .help("use `StringEquals` with the external ID entered in the Pinecone console");
                continue;
            }
            if op.honours_wildcards() {
                for v in &e.values {
                    let Some(text) = value_text(v).filter(|t| has_wildcard(t) && !is_unknown(t)) else { continue };
                    let what = if text.chars().all(|c| c == '*') {
                        "any external ID at all is accepted".to_string()
                    } else {
                        format!("any external ID matching `{text}` is accepted")
                    };
                    out.report(v.span, format!("`{}` makes the external ID a pattern: {what}", op.text))
                        .label(block.member.key_span, "pattern operator")
                        .help("use `StringEquals` with the exact external ID");
                }
            }
            if op.base == "StringEqualsIgnoreCase" {
                out.report(
                    block.member.key_span,
                    "`StringEqualsIgnoreCase` compares the external ID without regard to case; AWS documents `StringEquals` for it",
                )
                .severity(Severity::Info)
                .help("use `StringEquals`");
            }
            if pc.names_pinecone[i] && e.values.len() > 1 {
                out.report(
                    e.member.key_span,
                    format!("{} external IDs are accepted: Pinecone passes the one entered in its console, and each other value is a further ID under which the role can be registered", e.values.len()),
                )
                .severity(Severity::Warning)
                .help("keep only the external ID entered in the Pinecone console");
            }
        }
    }
}
