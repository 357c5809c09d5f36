//! JSON string escapes, decoded one at a time.

/// The character of the JSON escape at the start of `s` (`\n`, `\u00e9`, a surrogate pair)
/// and the escape's length in bytes; `None` for an invalid escape. One decoder for every reader
/// of JSON strings outside the parser (embedded policies, fix placement).
pub fn escape_at(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    Some(match *b.get(1)? {
        b'"' => ('"', 2),
        b'\\' => ('\\', 2),
        b'/' => ('/', 2),
        b'b' => ('\u{8}', 2),
        b'f' => ('\u{c}', 2),
        b'n' => ('\n', 2),
        b'r' => ('\r', 2),
        b't' => ('\t', 2),
        b'u' => {
            let hi = u32::from_str_radix(s.get(2..6)?, 16).ok()?;
            if (0xD800..0xDC00).contains(&hi) && s.get(6..8) == Some("\\u") {
                let lo = u32::from_str_radix(s.get(8..12)?, 16).ok()?;
                (char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)? & 0x3FF))?, 12)
            } else {
                (char::from_u32(hi).unwrap_or('\u{FFFD}'), 6)
            }
        }
        _ => return None,
    })
}

/// `s` as a JSON string literal, quotes included (`"a\"b"`).
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}
