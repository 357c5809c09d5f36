//! CMK115 placeholder-value: documentation placeholders left in (`XXXXXXXXXXXX`, `<account_id>`,
//! `YYYYYY`, AWS example accounts such as 123456789012).

use crate::data::placeholders::find_placeholder;
use crate::rules::util::{for_each_string, sub_span};
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let Some(statement) = policy.statement else {
        return;
    };
    for_each_string(&statement.value, &mut |node, text| {
        if text == "*" {
            return;
        }
        let Some((start, end, kind)) = find_placeholder(text) else { return };
        if (start, end) == (0, text.len()) {
            out.report(node.span, format!("`{text}` is {kind}, left in from an example")).help(help_for(text));
        } else {
            // A field of an ARN or path.
            let token = &text[start..end];
            out.report(sub_span(node, start, end), format!("`{token}` in `{text}` is {kind}, left in from an example"))
                .help(help_for(token));
        }
    });
}

fn help_for(token: &str) -> &'static str {
    if token.len() == 12 && token.chars().all(|c| c.is_ascii_digit() || c == 'X' || c == 'x') {
        "replace it with the real 12-digit account id (Pinecone's account is shown in the Pinecone console under Manage > CMEK > Add CMEK)"
    } else if token.contains('-') && token.len() == 36 {
        "replace it with a freshly generated UUID v4 (e.g. from `uuidgen`), and enter the same value in the Pinecone console"
    } else {
        "replace it with the real value"
    }
}
