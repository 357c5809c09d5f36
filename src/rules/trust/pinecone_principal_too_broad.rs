//! CMK207 pinecone-principal-too-broad: a Pinecone trust that admits more of Pinecone's account
//! than its `pinecone_cmek_access_*` roles: an `aws:PrincipalArn` pattern such as `role/*` or
//! `*`, the account itself as principal, or `Principal: *` pinned only by `aws:PrincipalAccount`.

use super::model::{PRINCIPAL_ACCOUNT, PRINCIPAL_ARN, Pinecone, account_principal, value_text};
use crate::pinecone::ROLE_PREFIX;
use crate::rules::util::sub_span;
use crate::rules::{Reporter, RuleContext};
use crate::source::Span;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for f in findings(ctx) {
        out.report(f.span, f.message).help(f.help);
    }
}

/// One CMK207 finding, in statement `stmt` (its `Statement::index`).
pub(crate) struct Finding {
    pub stmt: usize,
    pub span: Span,
    pub message: String,
    pub help: String,
}

/// What CMK207 reports. CMK216 trust-others-can-assume leaves these statements to this rule
/// for other principals of Pinecone's account.
pub(crate) fn findings(ctx: &RuleContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let pc = Pinecone::cached(ctx);
    if !pc.is_pinecone_trust() {
        return out;
    }
    let want = format!("role/{ROLE_PREFIX}");
    // Computed once, when an account principal of Pinecone's needs it.
    let mut others_denied: Option<bool> = None;
    let account = super::account_hint(pc);
    let narrow = format!("arn:aws:iam::{account}:role/{ROLE_PREFIX}*");
    for (i, s) in pc.allow_statements() {
        for r in pc.refs_of(i).iter().filter(|r| r.op.is_some() && r.is_pattern()) {
            let Some(a) = r.real_account().filter(|a| pc.is_pinecone_account(a)) else { continue };
            let resource = r.arn.resource;
            let literal = &resource[..resource.find(['*', '?']).unwrap_or(resource.len())];
            if want.starts_with(literal) && literal.len() < want.len() {
                let what =
                    if literal.starts_with("role/") { "role" } else { "principal (roles, users and role sessions)" };
                out.push(Finding {
                    stmt: s.index,
                    span: sub_span(r.node, r.arn.offsets[4], r.arn.offsets[4] + resource.len()),
                    message: format!(
                        "`{}` admits every {what} in Pinecone's account `{a}`, not only its `{ROLE_PREFIX}*` roles",
                        r.text
                    ),
                    help: format!("narrow it to `arn:aws:iam::{a}:role/{ROLE_PREFIX}*`"),
                });
            }
        }
        let Some(p) = &s.principal else { continue };
        for node in p.values_of("AWS") {
            let Some(text) = node.as_str() else { continue };
            if let Some(a) = account_principal(text).filter(|a| pc.is_pinecone_account(a)) {
                // Pinned (e.g. `ArnLike aws:PrincipalArn …:role/pinecone_cmek_access_*`): the
                // evaluator says no other principal of Pinecone's account gets in.
                if *others_denied
                    .get_or_insert_with(|| super::pinecone_assume_blocked::pinecone_other_roles_denied(ctx))
                {
                    continue;
                }
                out.push(Finding {
                    stmt: s.index,
                    span: node.span,
                    message: format!("`{text}` trusts all of Pinecone's account `{a}`: any principal there that Pinecone's own IAM policies allow could assume this role, not only its CMEK roles"),
                    help: format!("list Pinecone's roles instead: `arn:aws:iam::{a}:role/{ROLE_PREFIX}<region>`"),
                });
            }
        }
        if p.is_everyone() && s.condition_entries(PRINCIPAL_ARN).next().is_none() {
            for (_, e) in s.condition_entries(PRINCIPAL_ACCOUNT) {
                for v in &e.values {
                    if let Some(a) = value_text(v).filter(|a| pc.is_pinecone_account(a)) {
                        out.push(Finding {
                            stmt: s.index,
                            span: v.span,
                            message: format!("`Principal: *` pinned only by `aws:PrincipalAccount` = `{a}` admits every principal in Pinecone's account, not only its `{ROLE_PREFIX}*` roles"),
                            help: format!("add `\"ArnLike\": {{\"aws:PrincipalArn\": \"{narrow}\"}}`"),
                        });
                    }
                }
            }
        }
    }
    out
}
