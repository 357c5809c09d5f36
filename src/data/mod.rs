//! Embedded reference data: action names, principal prefixes, placeholder patterns, id shapes.

pub mod actions;
pub mod kms;
pub mod placeholders;
pub mod regions;
pub mod wildcard;

/// Whether `text` holds `needle`, ASCII case aside.
pub fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    needle.is_empty() || text.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
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
