//! CMK005 invisible-character: non-breaking, zero-width or other non-ASCII spaces between
//! tokens (pasted from web pages and chat tools).

use crate::fix::{Edit, Fix};
use crate::json::LenienceKind;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for l in ctx.lenience {
        let LenienceKind::InvisibleSpace(c) = l.kind else {
            continue;
        };
        let name = match c {
            '\u{00A0}' => "non-breaking space",
            '\u{200B}' => "zero-width space",
            '\u{2060}' => "word joiner",
            '\u{FEFF}' => "zero-width no-break space",
            '\u{202F}' => "narrow no-break space",
            _ => "Unicode space",
        };
        out.report(
            l.span,
            format!(
                "invisible character: {name} (U+{:04X}) where JSON allows only spaces, tabs and line breaks",
                c as u32
            ),
        )
        .help("replace it with a plain space; it usually comes from copying the policy out of a web page or chat")
        .fix(Fix::safe(format!("replace the {name} with a plain space"), vec![Edit::replace(l.span, " ")]));
    }
}
