//! CMK213 pinecone-assume-denied: Pinecone named only in `Deny` statements, or an unconditional
//! `Deny` of `sts:AssumeRole` that covers Pinecone's roles (an explicit Deny always wins).
//! Conditional Denies (e.g. "deny unless the external ID matches") are a hardening pattern and
//! are left alone.

use super::model::{ASSUME_ROLE, Pinecone};
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let pc = Pinecone::cached(ctx);
    if !pc.is_pinecone_trust() {
        return;
    }
    // An Allow of `*` may admit Pinecone too (CMK201 judges whether it is bound).
    let first_allow = pc.allow_statements().next().map(|(_, s)| s).or_else(|| {
        policy.statements.iter().find(|s| s.is_allow() && s.principal.as_ref().is_some_and(|p| p.is_everyone()))
    });
    let Some(allow) = first_allow else {
        if let Some(s) =
            policy.statements.iter().enumerate().find(|(i, s)| pc.names_pinecone[*i] && s.is_deny()).map(|(_, s)| s)
            && let Some(effect) = s.effect
        {
            out.report(
                effect.value.span,
                "the only statements naming Pinecone are `Deny`: nothing allows Pinecone to assume this role",
            )
            .help("Pinecone's statement needs `\"Effect\": \"Allow\"`");
        }
        return;
    };
    for (i, s) in policy.statements.iter().enumerate() {
        if !s.is_deny() || s.conditions.iter().any(|b| !b.entries.is_empty()) || !s.covers_action(ASSUME_ROLE) {
            continue;
        }
        let Some(p) = &s.principal else { continue };
        if !(p.is_everyone() || pc.names_pinecone[i]) {
            continue;
        }
        let Some(effect) = s.effect else { continue };
        out.report(
            effect.value.span,
            "this unconditional `Deny` of `sts:AssumeRole` covers Pinecone's roles: an explicit Deny overrides any Allow, so Pinecone can never assume the role",
        )
        .label(allow.head_span(), "Pinecone is allowed here")
        .help("remove the Deny, or give it a condition that excludes Pinecone's legitimate calls (e.g. `StringNotEquals` on `sts:ExternalId`)");
    }
}
