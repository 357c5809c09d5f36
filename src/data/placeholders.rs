//! Recognising values that were never filled in.

/// Account ids AWS uses in its documentation; a real policy never names them.
pub const DOC_ACCOUNTS: &[&str] =
    &["123456789012", "111122223333", "444455556666", "777788889999", "210987654321", "123412341234"];

/// Whether a token (an ARN field, an id, a whole value) is a placeholder: runs of `X`/`Y`/`Z`
/// (`XXXXXXXXXXXX`, `YYYYYY`), `<...>` markers, `ACCOUNT_ID`-style words, or a documentation
/// account id. Returns a description of what was recognised.
pub fn placeholder_kind(token: &str) -> Option<&'static str> {
    if token.is_empty() {
        return None;
    }
    if DOC_ACCOUNTS.contains(&token) {
        return Some("an AWS documentation example account");
    }
    if token.starts_with("{{") && token.ends_with("}}") {
        return Some("a `{{...}}` template placeholder");
    }
    if token.starts_with('<') && token.ends_with('>') && token.len() > 2 {
        return Some("a `<...>` placeholder");
    }
    // Runs of one placeholder letter, ignoring separators: XXXXXXXXXXXX, XXXXXXXX-XXXX-..., YYYYYY.
    let mut letters = token.bytes().filter(|b| *b != b'-' && *b != b'_');
    if let Some(first) = letters.next() {
        let first_up = first.to_ascii_uppercase();
        if matches!(first_up, b'X' | b'Y' | b'Z') {
            let mut n = 1;
            let same = letters.all(|b| {
                n += 1;
                if first_up == b'X' { b.eq_ignore_ascii_case(&b'X') } else { b == first }
            });
            if same && n >= 4 && (first_up == b'X' || first.is_ascii_uppercase()) {
                return Some(if first_up == b'X' { "an `XXXX` placeholder" } else { "a `YYYY` placeholder" });
            }
        }
    }
    // Upper-case placeholder words (compared exactly: `region` in a path is not a placeholder).
    if token.bytes().all(|b| b.is_ascii_uppercase() || b == b'_' || b == b'-')
        && matches!(
            token,
            "ACCOUNT_ID"
                | "ACCOUNT-ID"
                | "ACCOUNTID"
                | "AWS_ACCOUNT_ID"
                | "YOUR_ACCOUNT_ID"
                | "YOUR-ACCOUNT-ID"
                | "ACCOUNT_NUMBER"
                | "REGION"
                | "KEY_ID"
                | "KEY-ID"
                | "ROLE_NAME"
                | "ROLE-NAME"
                | "EXTERNAL_ID"
                | "EXTERNAL-ID"
        )
    {
        return Some("a placeholder word");
    }
    None
}

/// Whether a string holds a deploy-time expression (`${...}` from CloudFormation, Terraform or
/// IAM policy variables, `#{...}` from the Serverless framework): its value is unknown, and
/// fields around it must not be judged.
/// The first placeholder in a value: the whole value, else the first field of an ARN or path
/// (split at `:` and `/`). Returns its byte range in `text` and what it is.
pub fn find_placeholder(text: &str) -> Option<(usize, usize, &'static str)> {
    if let Some(kind) = placeholder_kind(text) {
        return Some((0, text.len(), kind));
    }
    let mut start = 0;
    for token in text.split([':', '/']) {
        if let Some(kind) = placeholder_kind(token) {
            return Some((start, start + token.len(), kind));
        }
        start += token.len() + 1;
    }
    None
}

pub fn has_expression(s: &str) -> bool {
    s.contains("${") || s.contains("#{")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_placeholders() {
        assert!(placeholder_kind("XXXXXXXXXXXX").is_some());
        assert!(placeholder_kind("XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX").is_some());
        assert!(placeholder_kind("YYYYYY").is_some());
        assert!(placeholder_kind("<account_id>").is_some());
        assert!(placeholder_kind("{{account-id}}").is_some());
        assert!(placeholder_kind("123456789012").is_some());
        assert!(placeholder_kind("713131977538").is_none());
        assert!(placeholder_kind("Xylophone").is_none());
        assert!(placeholder_kind("xxx").is_none());
        assert!(placeholder_kind("xxxx").is_some());
        assert!(placeholder_kind("YOUR_ACCOUNT_ID").is_some());
        assert!(placeholder_kind("region").is_none());
        assert!(placeholder_kind("Yyyy").is_none());
        assert!(placeholder_kind("XXXX-xxxx").is_some());
    }
}
