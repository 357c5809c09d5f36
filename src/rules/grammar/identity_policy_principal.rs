//! CMK119 identity-policy-principal: a permissions policy names a `Principal`.

use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        for p in [&s.principal, &s.not_principal].into_iter().flatten() {
            out.report(p.member.key_span, format!("`{}` is not allowed in a permissions (identity) policy: the principal is whoever the policy is attached to", p.member.key))
                .help("delete it, or check the file is meant as a permissions policy (a trust or key policy needs `Principal`)");
        }
    }
}
