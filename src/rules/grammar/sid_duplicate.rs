//! CMK106 sid-duplicate: two statements share a `Sid`.

use crate::diagnostic::Severity;
use crate::policy::PolicyKind;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let statements = &ctx.policy().statements;
    for (i, s) in statements.iter().enumerate() {
        let Some(sid) = s.sid_str().filter(|s| !s.is_empty()) else {
            continue;
        };
        if let Some(first) = statements[..i].iter().find(|p| p.sid_str() == Some(sid)) {
            let f = out.report(
                s.sid.expect("has sid").value.span,
                format!("duplicate `Sid` \"{sid}\": statement ids must be unique within a policy"),
            );
            f.label(first.sid.expect("has sid").value.span, "first used here").help("give each statement its own Sid");
            if ctx.kind == PolicyKind::Key {
                // KMS accepts duplicate Sids; they only make the policy harder to read.
                f.severity(Severity::Info);
            }
        }
    }
}
