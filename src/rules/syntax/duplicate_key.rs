//! CMK004 duplicate-key: the same key twice in one object; only the last one takes effect.

use crate::fix::Fix;
use crate::json::LenienceKind;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for l in ctx.lenience {
        let LenienceKind::DuplicateKey(key) = &l.kind else {
            continue;
        };
        let f = out.report(
            l.span,
            format!("duplicate key `{key}`: only one of them takes effect, the other is silently dropped"),
        );
        if let Some(first) = l.related {
            f.label(first, "first defined here");
        }
        let help = match &**key {
            "Statement" => "put every statement in one `Statement` array",
            "Condition" => "merge both blocks into one `Condition` object",
            _ => "merge the two entries into one (use an array for several values)",
        };
        // Which entry the user meant, or how to merge them, only they know: never applied.
        f.help(help).fix(Fix::display_only(help));
    }
}
