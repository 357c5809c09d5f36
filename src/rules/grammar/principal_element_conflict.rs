//! CMK109 principal-element-conflict: `Principal` and `NotPrincipal` in one statement, or
//! `NotPrincipal` with `Allow`.

use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        if let (Some(p), Some(n)) = (&s.principal, &s.not_principal) {
            out.report(
                n.member.key_span,
                "statement has both `Principal` and `NotPrincipal`: IAM rejects this combination",
            )
            .label(p.member.key_span, "`Principal` is here")
            .help("keep only `Principal`");
        } else if let (Some(n), true) = (&s.not_principal, s.is_allow()) {
            out.report(
                n.member.key_span,
                "`Allow` with `NotPrincipal` grants access to every principal not listed, including anonymous users",
            )
            .help("list the principals to allow in `Principal` instead");
        }
    }
}
