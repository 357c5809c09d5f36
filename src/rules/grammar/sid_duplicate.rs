//! CMK106 sid-duplicate: two statements share a `Sid`.

use crate::diagnostic::Severity;
use crate::policy::{PolicyKind, Statement};
use crate::rules::{Reporter, RuleContext};
use std::collections::HashMap;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let statements = &ctx.policy().statements;
    // The first statement of each Sid: one pass, linear in the number of statements.
    let mut first_of: HashMap<&str, &Statement<'_>> = HashMap::new();
    for s in statements {
        let Some(sid) = s.sid_str().filter(|s| !s.is_empty()) else {
            continue;
        };
        let first = *first_of.entry(sid).or_insert(s);
        if !std::ptr::eq(first, s) {
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
