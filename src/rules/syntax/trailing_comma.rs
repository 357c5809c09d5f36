//! CMK003 trailing-comma: a comma before `]` or `}`.

use crate::fix::{Edit, Fix};
use crate::json::LenienceKind;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for l in ctx.lenience.iter().filter(|l| l.kind == LenienceKind::TrailingComma) {
        out.report(l.span, "trailing comma: IAM and KMS reject it as invalid JSON")
            .help("delete this comma")
            .fix(Fix::safe("delete the trailing comma", vec![Edit::delete(l.span)]));
    }
}
