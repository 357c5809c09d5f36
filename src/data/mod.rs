//! Embedded reference data: action names, principal prefixes, placeholder patterns, id shapes.

pub mod actions;
pub mod kms;
pub mod placeholders;
pub mod regions;
pub mod wildcard;

/// Whether `text` holds `needle`, ASCII case aside.
pub fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else { return true };
    let Some(last_start) = text.len().checked_sub(needle.len()) else { return false };
    // Compare the rest only where the first byte matches (most positions fail there).
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    text[..=last_start]
        .iter()
        .enumerate()
        .any(|(i, &b)| (b == lower || b == upper) && text[i + 1..i + needle.len()].eq_ignore_ascii_case(rest))
}

/// A UUID, and whether it is version 4 (RFC 9562: version nibble 4, variant bits 10xx).
pub fn uuid_version(text: &str) -> Option<(bool, char)> {
    let b = text.as_bytes();
    if b.len() != 36 {
        return None;
    }
    for (i, &c) in b.iter().enumerate() {
        let dash = matches!(i, 8 | 13 | 18 | 23);
        if dash != (c == b'-') || (!dash && !c.is_ascii_hexdigit()) {
            return None;
        }
    }
    let version = b[14] as char;
    let variant_ok = matches!(b[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B');
    Some((version == '4' && variant_ok, version))
}

#[cfg(test)]
mod tests {
    #[test]
    fn contains_ignore_ascii_case_finds_a_needle_anywhere_case_aside() {
        use super::contains_ignore_ascii_case as has;
        assert!(has("Bool aws:MultiFactorAuthPresent", "aws:multifactorauthpresent"));
        assert!(has("AWS:MULTIFACTORAUTHPRESENT", "aws:MultiFactorAuthPresent"));
        assert!(has("abc", "") && has("", ""));
        assert!(has("abc", "ABC") && has("xabc", "bC") && has("abcx", "a"));
        assert!(!has("ab", "abc") && !has("", "a") && !has("aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent"));
        assert!(has("aaab", "aab"));
    }
}
