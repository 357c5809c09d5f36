//! CMK007 byte-order-mark: the file starts with a UTF-8 BOM.

use crate::fix::{Edit, Fix};
use crate::json::LenienceKind;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for l in ctx.lenience.iter().filter(|l| l.kind == LenienceKind::ByteOrderMark) {
        out.report(l.span, "the file starts with a UTF-8 byte-order mark, which JSON forbids and which tools that pass the file through verbatim (`file://`) may send on to IAM")
            .help("save the file as UTF-8 without BOM")
            .fix(Fix::safe("delete the byte-order mark", vec![Edit::delete(l.span)]));
    }
}
