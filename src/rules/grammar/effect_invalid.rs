//! CMK107 effect-invalid: `Effect` missing or not exactly `Allow`/`Deny`.

use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        match s.effect {
            None => {
                out.report(s.head_span(), "statement has no `Effect`: IAM rejects the policy")
                    .help("add `\"Effect\": \"Allow\"` (or `\"Deny\"`)");
            }
            Some(m) => match m.value.as_text() {
                Some(("Allow" | "Deny", _)) | Some((_, true)) => {}
                Some((e, false)) => {
                    let fix = if e.eq_ignore_ascii_case("allow") {
                        "Allow"
                    } else if e.eq_ignore_ascii_case("deny") {
                        "Deny"
                    } else {
                        "Allow` or `Deny"
                    };
                    out.report(
                        m.value.span,
                        format!("`Effect` must be `Allow` or `Deny` (case-sensitive), found `{e}`"),
                    )
                    .help(format!("write `{fix}`"));
                }
                None => {
                    out.report(
                        m.value.span,
                        format!("`Effect` must be the string `Allow` or `Deny`, found {}", m.value.type_name()),
                    );
                }
            },
        }
    }
}
