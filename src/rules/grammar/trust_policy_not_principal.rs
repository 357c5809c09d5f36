//! CMK118 trust-policy-not-principal: `NotPrincipal` is not supported in role trust policies.

use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        if let Some(n) = &s.not_principal {
            out.report(n.member.key_span, "role trust policies do not support `NotPrincipal`")
                .help("use `Principal` with the principals to trust (and an `aws:PrincipalArn` condition to narrow it)")
                // The principals to trust are the user's to name: a suggestion only.
                .fix(crate::fix::Fix::display_only("replace `NotPrincipal` with a `Principal` naming whom to trust"));
        }
    }
}
