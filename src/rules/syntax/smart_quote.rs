//! CMK006 smart-quote: typographic quotes used as string delimiters.

use crate::fix::{Edit, Fix};
use crate::json::LenienceKind;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for l in ctx.lenience {
        let LenienceKind::SmartQuote(c) = l.kind else {
            continue;
        };
        out.report(l.span, format!("typographic quote `{c}` used as a string delimiter: IAM accepts only `\"`"))
            .help("replace it with a straight double quote `\"` (word processors and some chat tools convert quotes)")
            .fix(Fix::safe(format!("replace `{c}` with `\"`"), vec![Edit::replace(l.span, "\"")]));
    }
}
