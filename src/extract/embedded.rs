//! Policies held as strings: a JSON string whose value is itself a policy (`aws kms
//! get-key-policy`, Terraform plan/state attributes), possibly URL-encoded (IAM's API returns
//! `AssumeRolePolicyDocument` URL-encoded). The string is decoded with a byte-exact map from the
//! decoded text back to the file, so a finding on `\"Principal\"` points at the real column.

use super::SpanMap;
use crate::json::Node;

/// A decoded string and the map from its offsets to the file's.
pub struct Decoded {
    pub text: String,
    pub map: SpanMap,
    /// The text was URL-encoded in the file.
    pub url_encoded: bool,
}

/// Decode the JSON string `node` of `file` (its raw source between the quotes), then
/// URL-decode it when it is URL-encoded. `None` when the node is not a string.
pub fn decode_string(file: &str, node: &Node) -> Option<Decoded> {
    let value = node.as_str()?;
    let (start, end) = (node.span.start as usize, node.span.end as usize);
    let raw = file.get(start..end).filter(|r| r.len() >= 2 && r.starts_with('"') && r.ends_with('"'));
    let (text, positions) = match raw.and_then(|r| decode_json_escapes(&r[1..r.len() - 1], start + 1)) {
        Some((t, p)) if t == value => (t, p),
        // Written some other way (smart quotes, YAML): map every offset to the string's start.
        _ => (value.to_string(), vec![start as u32; value.len() + 1]),
    };
    if looks_url_encoded(&text)
        && let Some((decoded, inner)) = percent_decode(&text)
    {
        let composed: Vec<u32> = inner.iter().map(|&i| positions[i as usize]).collect();
        return Some(Decoded { text: decoded, map: compact(&composed), url_encoded: true });
    }
    Some(Decoded { map: compact(&positions), text, url_encoded: false })
}

/// Whether a decoded string is a URL-encoded JSON document (`%7B%22Version%22...`).
pub fn looks_url_encoded(s: &str) -> bool {
    let t = s.trim_start();
    t.len() > 3 && (t[..3].eq_ignore_ascii_case("%7B") || t[..3].eq_ignore_ascii_case("%5B"))
}

/// Decode JSON string escapes of `raw` (the text between the quotes, at file offset `base`).
/// Returns the decoded text and, for each decoded byte plus the end, its file offset.
fn decode_json_escapes(raw: &str, base: usize) -> Option<(String, Vec<u32>)> {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut pos: Vec<u32> = Vec::with_capacity(raw.len() + 1);
    let mut i = 0;
    while i < bytes.len() {
        let at = (base + i) as u32;
        if bytes[i] != b'\\' {
            let ch_len = raw[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&raw[i..i + ch_len]);
            for k in 0..ch_len {
                pos.push(at + k as u32);
            }
            i += ch_len;
            continue;
        }
        let (ch, len) = crate::json::escape_at(&raw[i..])?;
        out.push(ch);
        for _ in 0..ch.len_utf8() {
            pos.push(at);
        }
        i += len;
    }
    pos.push((base + bytes.len()) as u32);
    Some((out, pos))
}

/// Percent-decode `s`. Returns the text and, for each decoded byte plus the end, its offset in
/// `s`. `None` when the result is not UTF-8.
fn percent_decode(s: &str) -> Option<(String, Vec<u32>)> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut pos = Vec::with_capacity(b.len() + 1);
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len() + 1
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            pos.push(i as u32);
            i += 3;
            continue;
        }
        out.push(b[i]);
        pos.push(i as u32);
        i += 1;
    }
    pos.push(b.len() as u32);
    // A multi-byte character spelled `%C3%A9` maps each byte to its own escape; keep offsets of
    // continuation bytes on the character's first escape so mapped spans stay on boundaries.
    let text = String::from_utf8(out).ok()?;
    let mut fixed = pos.clone();
    for (i, _) in text.as_bytes().iter().enumerate() {
        if !text.is_char_boundary(i) {
            fixed[i] = fixed[i - 1];
        }
    }
    Some((text, fixed))
}

/// Turn a per-byte offset list into a [`SpanMap::Table`] with one entry per break.
fn compact(positions: &[u32]) -> SpanMap {
    let mut table: Vec<(u32, u32)> = Vec::new();
    for (d, &f) in positions.iter().enumerate() {
        let d = d as u32;
        match table.last() {
            Some(&(pd, pf)) if pf + (d - pd) == f => {}
            _ => table.push((d, f)),
        }
    }
    SpanMap::Table(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn string_node(file: &str) -> Node {
        let parsed = crate::json::parse(file);
        parsed.root.unwrap().get("Policy").unwrap().value.clone()
    }

    #[test]
    fn maps_positions_through_escapes() {
        let file = r#"{"Policy": "{\n  \"Version\" : \"2012-10-17\",\n  \"Principal\" : \"é\"}"}"#;
        let node = string_node(file);
        let d = decode_string(file, &node).unwrap();
        assert!(d.text.starts_with("{\n  \"Version\""));
        let at = d.text.find("\"Principal\"").unwrap();
        let span = d.map.map(Span::new(at, at + "\"Principal\"".len()));
        assert_eq!(&file[span.range()], r#"\"Principal\""#);
        let e = d.text.find('é').unwrap();
        let span = d.map.map(Span::new(e, e + 'é'.len_utf8()));
        assert_eq!(&file[span.range()], "é");
        let end = d.map.map(Span::empty(d.text.len()));
        assert_eq!(end.start as usize, file.len() - 2);
    }

    #[test]
    fn maps_positions_through_url_encoding() {
        let file = r#"{"Policy": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"}"#;
        let node = string_node(file);
        let d = decode_string(file, &node).unwrap();
        assert!(d.url_encoded);
        assert_eq!(d.text, r#"{"Version":"2012-10-17","Statement":[]}"#);
        let at = d.text.find("\"Statement\"").unwrap();
        let span = d.map.map(Span::new(at, at + "\"Statement\"".len()));
        assert_eq!(&file[span.range()], "%22Statement%22");
    }
}
