//! CMK115 placeholder-value: documentation placeholders left in (`XXXXXXXXXXXX`, `<account_id>`,
//! `YYYYYY`, AWS example accounts such as 123456789012).

use crate::data::placeholders::find_placeholder;
use crate::fix::Fix;
use crate::json::Node;
use crate::policy::PolicyKind;
use crate::rules::util::{for_each_string, sub_span};
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let Some(statement) = policy.statement else {
        return;
    };
    for_each_string(&statement.value, &mut |node, text| {
        if text == "*" || !may_hold_placeholder(text) {
            return;
        }
        let Some((start, end, kind)) = find_placeholder(text) else { return };
        let fix = fill(ctx, node, text, start, end);
        if (start, end) == (0, text.len()) {
            out.report(node.span, format!("`{text}` is {kind}, left in from an example")).help(help_for(text)).fix(fix);
        } else {
            // A field of an ARN or path.
            let token = &text[start..end];
            out.report(sub_span(node, start, end), format!("`{token}` in `{text}` is {kind}, left in from an example"))
                .help(help_for(token))
                .fix(fix);
        }
    });
}

/// CMK115's fix: the placeholder replaced by the configured value it stands for — Pinecone's
/// account in a `pinecone_cmek_access_*` role ARN (`[pinecone] account_id`), the external ID
/// under `sts:ExternalId` and the key ARN for a KMS key ARN (`[customer]`). Unsafe: the value is
/// the configuration's, not one the user has seen in this file. Written in the text's syntax
/// (see `crate::rules::fixes`). Display-only when nothing is configured for it, or the string
/// is not written as one scalar (a deploy-time value) or, for a field of it, is written with
/// escapes (no exact byte range).
fn fill(ctx: &RuleContext<'_>, node: &Node, text: &str, start: usize, end: usize) -> Fix {
    let whole = (start, end) == (0, text.len());
    let pointer = ctx.root.map(|r| r.pointer_to(node.span)).unwrap_or_default();
    let under = |key: &str| {
        let mut parts = pointer.rsplit('/');
        let last = parts.next().unwrap_or("");
        last.eq_ignore_ascii_case(key)
            || (last.bytes().all(|b| b.is_ascii_digit()) && parts.next().is_some_and(|k| k.eq_ignore_ascii_case(key)))
    };
    let console = &ctx.settings.console;
    let account_field = text.starts_with("arn:") && text[..start].matches(':').count() == 4;
    let (what, value, whole) = if whole && under("sts:ExternalId") {
        ("the external ID (`[customer] external_id`)", console.external_id.clone(), true)
    } else if account_field && text[end..].starts_with(":role/pinecone_cmek_access") {
        ("Pinecone's account (`[pinecone] account_id`)", ctx.settings.pinecone_account.clone(), false)
    } else if text.starts_with("arn:aws:kms:") || (whole && under("Resource") && ctx.kind == PolicyKind::Identity) {
        ("the key ARN (`[customer] key_arn`)", console.key_arn.clone(), true)
    } else {
        return Fix::display_only("replace it with the real value");
    };
    let Some(value) = value else {
        return Fix::display_only(format!(
            "replace it with {what}; with it configured, `--fix --unsafe-fixes` fills it in"
        ));
    };
    let edit = if whole {
        crate::rules::fixes::set_string(ctx, node, &value)
    } else {
        crate::rules::fixes::set_in_string(ctx, node, start, end, &value)
    };
    match edit {
        Some(edit) => Fix::unsafe_edits(format!("fill in {what}: `{value}`"), vec![edit]),
        None => Fix::display_only(format!("replace it with {what}: `{value}`")),
    }
}

/// A cheap pre-filter for [`find_placeholder`]: `false` only when no field of `text` (the whole
/// value, or a part between `:` and `/`) can be a placeholder. Every placeholder
/// `placeholder_kind` knows starts, after leading `-`/`_`, with a digit (documentation accounts),
/// `{`, `<`, a placeholder letter (`X`, `Y`, `Z`) or the first letter of a placeholder word
/// (`A`CCOUNT_ID, `R`EGION, `K`EY_ID, `E`XTERNAL_ID, `Y`OUR_ACCOUNT_ID, ...); the test below
/// holds it to that on every string of the corpora and rule examples.
fn may_hold_placeholder(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        // A field starts at `at`: its first byte after leading `-`/`_` decides.
        while at < bytes.len() && (bytes[at] == b'-' || bytes[at] == b'_') {
            at += 1;
        }
        if at < bytes.len() && may_start_placeholder(bytes[at]) {
            return true;
        }
        // The next field starts after the next `:` or `/` (a vectorised search: this runs on
        // every string of every policy, most of them long lists of actions).
        match memchr::memchr2(b':', b'/', &bytes[at..]) {
            Some(k) => at += k + 1,
            None => return false,
        }
    }
}

/// Whether a field starting with `c` may be a placeholder (see [`may_hold_placeholder`]).
fn may_start_placeholder(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'{' | b'<' | b'X' | b'x' | b'Y' | b'y' | b'Z' | b'z' | b'A' | b'R' | b'K' | b'E')
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

#[cfg(test)]
mod tests {
    use super::{may_hold_placeholder, may_start_placeholder};
    use crate::data::placeholders::{DOC_ACCOUNTS, find_placeholder};

    /// The pre-filter's definition: some field (the whole text split at `:` and `/`) starts,
    /// after leading `-`/`_`, with a byte a placeholder may start with.
    fn by_definition(text: &str) -> bool {
        text.split([':', '/'])
            .any(|field| field.trim_start_matches(['-', '_']).bytes().next().is_some_and(may_start_placeholder))
    }

    #[test]
    fn prefilter_follows_its_definition() {
        let alphabet = ["", "-", "_", ":", "/", "a", "X", "7", "kms", "Decrypt", "--", "é"];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            texts = texts.iter().flat_map(|t| alphabet.iter().map(move |a| format!("{t}{a}"))).collect();
            for t in &texts {
                assert_eq!(may_hold_placeholder(t), by_definition(t), "{t:?}");
            }
        }
    }

    /// The pre-filter never hides a placeholder `find_placeholder` finds.
    #[test]
    fn prefilter_keeps_every_placeholder() {
        let mut texts: Vec<String> = DOC_ACCOUNTS.iter().map(|s| s.to_string()).collect();
        for w in ["ACCOUNT_ID", "ACCOUNT-ID", "ACCOUNTID", "AWS_ACCOUNT_ID", "YOUR_ACCOUNT_ID", "YOUR-ACCOUNT-ID"] {
            texts.push(w.into());
        }
        for w in
            ["ACCOUNT_NUMBER", "REGION", "KEY_ID", "KEY-ID", "ROLE_NAME", "ROLE-NAME", "EXTERNAL_ID", "EXTERNAL-ID"]
        {
            texts.push(format!("arn:aws:iam::{w}:role/x"));
            texts.push(format!("x/{w}"));
        }
        for t in ["XXXX", "xxxx", "-_XXXX", "YYYYYY", "ZZZZ", "<id>", "{{account}}", "a:b/--xxxx-XXXX", "::/:"] {
            texts.push(t.into());
        }
        let mut stack = vec![std::path::PathBuf::from("corpus"), std::path::PathBuf::from("../shared/corpus")];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).into_iter().flatten().flatten().map(|e| e.path()));
            } else if let Ok(text) = std::fs::read_to_string(&p)
                && let Some(root) = crate::json::parse(&text).root
            {
                crate::rules::util::for_each_string(&root, &mut |_, s| texts.push(s.to_string()));
            }
        }
        for r in crate::rules::RECORDS {
            for text in [r.bad, r.good].iter().chain(r.valid.iter()).chain(r.invalid.iter()) {
                if let Some(root) = crate::json::parse(text).root {
                    crate::rules::util::for_each_string(&root, &mut |_, s| texts.push(s.to_string()));
                }
            }
        }
        let mut found = 0;
        for t in &texts {
            if find_placeholder(t).is_some() {
                found += 1;
                assert!(may_hold_placeholder(t), "pre-filter hides the placeholder in {t:?}");
            }
        }
        assert!(found > 20);
    }
}
