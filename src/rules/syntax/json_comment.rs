//! CMK002 json-comment: `//` or `/* */` comments, which IAM and KMS reject.

use crate::fix::{Edit, Fix};
use crate::json::LenienceKind;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for l in ctx.lenience {
        let what = match l.kind {
            LenienceKind::LineComment => "`//` comment",
            LenienceKind::BlockComment => "`/* */` comment",
            _ => continue,
        };
        out.report(l.span, format!("{what} in policy JSON: IAM and KMS reject documents with comments"))
            .help("delete the comment; keep notes in the `Sid` or next to the file instead")
            .fix(Fix::safe("delete the comment", vec![Edit::delete(super::with_its_line(ctx.text, l.span))]));
    }
}
