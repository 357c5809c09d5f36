//! CMK214 trust-extra-principal: the role Pinecone assumes also trusts principals that are not
//! Pinecone. Whoever else can assume it gets the same use of your KMS key as Pinecone.
//!
//! A `Principal: *` pinned to others that the evaluator finds letting an attacker's request in
//! (or maybe, e.g. pinned by `aws:PrincipalOrgID`) is CMK216 trust-others-can-assume's.

use super::model::{Pinecone, account_principal, deny_pins_caller, everyone_binding};
use crate::pinecone::name_looks_pinecone;
use crate::policy::Arn;
use crate::rules::{Reporter, RuleContext};

const HELP: &str = "give Pinecone a role of its own that trusts only Pinecone's `pinecone_cmek_access_<region>` roles, and keep other principals on other roles";

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let pc = Pinecone::cached(ctx);
    if !pc.is_pinecone_trust() {
        return;
    }
    let mut cmk216: Option<Vec<usize>> = None;
    for (i, s) in policy.statements.iter().enumerate() {
        let Some(p) = s.principal.as_ref().filter(|_| s.is_allow()) else { continue };
        if p.is_everyone() {
            // Unbound: CMK201. Bound to Pinecone: fine. Bound to someone else: an extra trust,
            // unless the evaluator finds it lets others in (CMK216 reports it, by severity).
            if !pc.names_pinecone[i]
                && everyone_binding(s).pinned
                && !deny_pins_caller(policy)
                && !cmk216
                    .get_or_insert_with(|| {
                        super::trust_others_can_assume::openings(ctx).iter().map(|o| o.stmt).collect()
                    })
                    .contains(&s.index)
            {
                out.report(p.everyone_span(), "the role Pinecone assumes also trusts `*` restricted to principals that are not Pinecone's: they get the same use of your key")
                    .help(HELP);
            }
            continue;
        }
        for entry in &p.entries {
            for node in &entry.values {
                let Some(text) = node.as_str() else { continue };
                if text.contains("${") || is_unique_id(text) {
                    continue; // unknown until deploy, or CMK122's
                }
                if &*entry.member.key == "AWS" {
                    // A mangled ARN still meant for Pinecone (CMK112 and friends report it).
                    if name_looks_pinecone(text.rsplit('/').next().unwrap_or(text)) {
                        continue;
                    }
                    if let Some(arn) = Arn::parse(text)
                        && (name_looks_pinecone(arn.name()) || pc.is_pinecone_account(arn.account))
                    {
                        continue;
                    }
                    if account_principal(text).is_some_and(|a| pc.is_pinecone_account(a)) {
                        continue; // CMK207
                    }
                }
                out.report(
                    node.span,
                    format!("the role Pinecone assumes also trusts `{text}`: whoever can act as it gets the same use of your KMS key as Pinecone"),
                )
                .help(HELP);
            }
        }
    }
}

fn is_unique_id(text: &str) -> bool {
    (text.starts_with("AROA") || text.starts_with("AIDA"))
        && text.len() >= 16
        && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}
