//! CMK120 policy-too-large: the document exceeds the size quota IAM or KMS enforces.

use crate::json::{Node, Value};
use crate::policy::PolicyKind;
use crate::rules::{Reporter, RuleContext};
use crate::source::Span;

/// Characters of the compact JSON serialisation that are not whitespace (how IAM counts):
/// bytes of UTF-8 text, as KMS counts its key-policy limit.
fn non_whitespace_len(node: &Node) -> usize {
    match &node.value {
        Value::Null => 4,
        Value::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        Value::Number(n) => n.len(),
        Value::String(s) | Value::Template(s) => json_string_len(s),
        Value::Array(items) => 2 + items.len().saturating_sub(1) + items.iter().map(non_whitespace_len).sum::<usize>(),
        Value::Object(ms) => {
            2 + ms.len().saturating_sub(1)
                + ms.iter().map(|m| json_string_len(&m.key) + 1 + non_whitespace_len(&m.value)).sum::<usize>()
        }
    }
}

/// A string's length as compact JSON, quotes and escapes included, without the whitespace it
/// keeps (a space; `\n` and `\t` are written as escapes, which are not whitespace). One pass,
/// byte by byte when the string is ASCII (nearly always).
fn json_string_len(s: &str) -> usize {
    let ascii = |b: u8| match b {
        b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
        0..=0x1f => 6,
        b' ' => 0,
        _ => 1,
    };
    if s.is_ascii() {
        // Most strings need no escape: their length less their spaces.
        if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
            return 2 + s.len() - s.bytes().filter(|&b| b == b' ').count();
        }
        return 2 + s.bytes().map(ascii).sum::<usize>();
    }
    2 + s
        .chars()
        .map(|c| match c {
            c if c.is_ascii() => ascii(c as u8),
            c if c.is_whitespace() => 0,
            c => c.len_utf8(),
        })
        .sum::<usize>()
}

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let root = ctx.policy().root;
    let head = Span::new(root.span.start as usize, root.span.start as usize + 1);
    match ctx.kind {
        PolicyKind::Trust => {
            let size = non_whitespace_len(root);
            let limit = ctx.settings.trust_policy_size;
            if size > limit {
                out.report(head, format!("trust policy is {size} characters (without whitespace), over the {limit}-character quota: IAM rejects it (\"Cannot exceed quota for ACLSizePerRole\")"))
                    .help("shorten it (one statement listing all principals), or raise the role trust policy quota in Service Quotas and set `[limits] trust_policy_size`");
            }
        }
        PolicyKind::Key => {
            let size = non_whitespace_len(root);
            if size > 32_768 {
                out.report(
                    head,
                    format!("key policy is at least {size} bytes, over KMS's 32,768-byte limit: KMS rejects it"),
                );
            }
        }
        // Permissions policies: the quota depends on how the policy is attached (6,144 for a
        // customer managed policy, 10,240 for all inline policies of a role together, none for
        // AWS managed policies), which one file does not tell.
        PolicyKind::Identity | PolicyKind::Resource => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_like_compact_json() {
        for text in [
            "{ \"Version\" : \"2012-10-17\",\n \"Statement\": [ {\"Sid\": \"a b\"} ] }",
            r#"{"Sid": "a\nb\tc\r\"q\"\\ \u0001\u000b\f\b", "k": [1, true, false, null, -25]}"#,
            "{\"Id\": \"caf\u{e9} \u{a0}nb\u{2028}sp \u{65e5}\u{672c}\", \"\u{e9}\": {}}",
        ] {
            let root = crate::json::parse(text).root.unwrap();
            let compact = serde_json::to_string(&root.to_json()).unwrap();
            // Bytes of the compact text that are not in whitespace characters.
            let expected: usize = compact.chars().filter(|c| !c.is_whitespace()).map(char::len_utf8).sum();
            assert_eq!(super::non_whitespace_len(&root), expected, "{text}");
        }
    }
}
