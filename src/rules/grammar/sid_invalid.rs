//! CMK105 sid-invalid: IAM accepts only ASCII letters and digits in a `Sid`.

use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        let Some(m) = s.sid else { continue };
        let Some((sid, false)) = m.value.as_text() else {
            if m.value.as_text().is_none() {
                out.report(m.value.span, format!("`Sid` must be a string, found {}", m.value.type_name()));
            }
            continue;
        };
        if let Some(bad) = sid.chars().find(|c| !c.is_ascii_alphanumeric()) {
            let fixed: String = sid.chars().filter(char::is_ascii_alphanumeric).collect();
            let shown = if bad == ' ' { "space".to_string() } else { format!("`{bad}`") };
            out.report(m.value.span, format!("`Sid` contains a {shown}: IAM accepts only letters A-Z, a-z and digits 0-9 here ({} policies allow more)", "KMS key"))
                .help(if fixed.is_empty() {
                    // Nothing is left to suggest: an empty `Sid` is no name.
                    "rename it with letters and digits only, e.g. `\"Sid\": \"AllowPinecone\"`, or remove the `Sid` (it is optional)"
                        .to_string()
                } else {
                    format!("rename it, e.g. `\"Sid\": \"{fixed}\"`")
                });
        }
    }
}
