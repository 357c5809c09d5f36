//! Placing a fix's edits, made in the coordinates of the document a rule checked, on the bytes
//! of the file. A fix keeps its edits only where they land exactly: in the file's own text
//! (JSON, a CloudFormation template in JSON or YAML, Terraform's `jsonencode`: the rules wrote
//! them in its syntax), outside the parts of it whose bytes are not the document's values as
//! written (an intrinsic function, a YAML anchor or alias: see [`Unwritten`]); or inside one
//! JSON string of it that holds the document (an `aws kms get-key-policy` export, a Terraform
//! plan attribute), with the replacements re-escaped for that string; or in a Terraform
//! heredoc's JSON body. Anywhere else (a URL-encoded string, a string whose decoding does not
//! match the document's map) the fix becomes display-only: never an edit that may be wrong.

use crate::extract::{SpanMap, Unwritten};
use crate::fix::{Edit, Fix, Syntax};

/// Where a document's spans come from, for placing its fixes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Placement {
    /// The spans are bytes of the file's own text, of this syntax.
    Exact(Syntax),
    /// The document was decoded from a JSON string of the file's JSON text (a table map).
    InJsonString,
    /// The document is a verbatim slice of the file starting at this offset: the JSON body of
    /// a Terraform heredoc.
    Heredoc(usize),
    /// Nowhere an edit can be placed exactly.
    Nowhere,
}

impl Placement {
    /// The syntax the rules write their edits in: the file's, or JSON (a document held in a
    /// JSON string or a heredoc is JSON).
    pub(super) fn syntax(self) -> Syntax {
        match self {
            Placement::Exact(syntax) => syntax,
            _ => Syntax::Json,
        }
    }
}

/// `fix` with its edits in file coordinates, or display-only.
pub(super) fn place(fix: Fix, placement: Placement, map: &SpanMap, file: &str, unwritten: &[Unwritten]) -> Fix {
    if fix.edits.is_empty() {
        return fix;
    }
    let placed = match placement {
        Placement::Exact(_) => {
            let written = fix.edits.iter().all(|e| !unwritten.iter().any(|u| u.touched_by(e.range)));
            (written && fix.checked_in(file)).then_some(fix.clone())
        }
        Placement::InJsonString => in_json_string(&fix, map, file),
        Placement::Heredoc(_) => in_heredoc(&fix, map, file),
        Placement::Nowhere => None,
    };
    match placed {
        Some(mut placed) => {
            placed.isolation = fix.isolation.map(|part| map.map(part));
            placed
        }
        None => fix.downgraded(),
    }
}

/// The text of a document decoded from a JSON string of `file` (its spans' text, which the
/// rules' fixes read), when the string decodes to offsets that agree with the map.
pub(super) fn document_text(map: &SpanMap, file: &str) -> Option<String> {
    let start = map.map(crate::source::Span::empty(0)).start;
    let literal = Literal::around(file, start as usize + 1)?;
    let len = literal.offsets.len() as u32 - 1;
    let agrees = |d: u32| literal.file_offset(d) == Some(map.map(crate::source::Span::empty(d as usize)).start);
    if !(agrees(0) && agrees(len) && agrees(len / 2)) {
        return None;
    }
    let first = *literal.offsets.first()? as usize;
    let close = *literal.offsets.last()? as usize;
    serde_json::from_str::<String>(file.get(first - 1..close + 1)?).ok()
}

/// The offset a heredoc's JSON body starts at, when `map` shifts a document by it and it is
/// one: the body starts a line, and the line before opens the heredoc (`<<EOT`, `<<-EOT`).
pub(super) fn heredoc_body(map: &SpanMap, file: &str) -> Option<usize> {
    let SpanMap::Table(table) = map else { return None };
    let [(0, base)] = table.as_slice() else { return None };
    let base = *base as usize;
    let before = file.get(..base)?.strip_suffix('\n')?;
    let opener = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    opener.contains("<<").then_some(base)
}

/// Edits in a heredoc's body: the same bytes, shifted; a replacement must not start a
/// Terraform template sequence.
fn in_heredoc(fix: &Fix, map: &SpanMap, file: &str) -> Option<Fix> {
    let mut edits = Vec::with_capacity(fix.edits.len());
    for e in &fix.edits {
        if e.replacement.contains("${") || e.replacement.contains("%{") {
            return None;
        }
        edits.push(Edit::replace(map.map(e.range), e.replacement.clone()));
    }
    let placed = Fix { applicability: fix.applicability, message: fix.message.clone(), edits, isolation: None };
    placed.checked_in(file).then_some(placed)
}

fn in_json_string(fix: &Fix, map: &SpanMap, file: &str) -> Option<Fix> {
    let first = map.map(fix.edits.first()?.range);
    let literal = Literal::around(file, first.start as usize)?;
    let mut edits = Vec::with_capacity(fix.edits.len());
    for e in &fix.edits {
        let r = map.map(e.range);
        // The map and this decoding must agree on both ends, or the edit is not exact.
        if literal.file_offset(e.range.start)? != r.start || literal.file_offset(e.range.end)? != r.end {
            return None;
        }
        let escaped = crate::json::quote(&e.replacement);
        edits.push(Edit::replace(r, &escaped[1..escaped.len() - 1]));
    }
    let placed = Fix { applicability: fix.applicability, message: fix.message.clone(), edits, isolation: None };
    placed.checked_in(file).then_some(placed)
}

/// A JSON string literal of the file, decoded: the file offset of each decoded byte.
struct Literal {
    /// `offsets[i]`: where decoded byte `i` starts in the file; the last is the closing quote.
    offsets: Vec<u32>,
}

impl Literal {
    /// The string literal around file offset `at` (inside it, after its opening quote), unless
    /// it is URL-encoded (its escapes would be `%22`, not `\"`).
    fn around(file: &str, at: usize) -> Option<Literal> {
        let bytes = file.as_bytes();
        let mut open = at.min(bytes.len());
        // The opening quote: the nearest `"` before `at` not escaped by a backslash.
        loop {
            open = open.checked_sub(1)?;
            if bytes[open] == b'"' && bytes[..open].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0 {
                break;
            }
        }
        let mut offsets = Vec::new();
        let mut i = open + 1;
        loop {
            match *bytes.get(i)? {
                b'"' => {
                    offsets.push(i as u32);
                    break;
                }
                b'\\' => {
                    let (c, len) = crate::json::escape_at(file.get(i..)?)?;
                    offsets.extend(std::iter::repeat_n(i as u32, c.len_utf8()));
                    i += len;
                }
                _ => {
                    let c = file.get(i..)?.chars().next()?;
                    offsets.extend((0..c.len_utf8()).map(|k| (i + k) as u32));
                    i += c.len_utf8();
                }
            }
        }
        let raw = file.get(open + 1..open + 4).unwrap_or("");
        if raw.eq_ignore_ascii_case("%7B") || raw.eq_ignore_ascii_case("%5B") {
            return None;
        }
        Some(Literal { offsets })
    }

    fn file_offset(&self, decoded: u32) -> Option<u32> {
        self.offsets.get(decoded as usize).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    /// `{"Policy": "{\n// c\n\"a\": 1}"}`: the document is the decoded string.
    fn export() -> (String, SpanMap, String) {
        let doc = "{\n// c\n\"a\": 1}".to_string();
        let file = serde_json::json!({ "Policy": doc }).to_string();
        let node = crate::json::parse(&file).root.unwrap();
        let value = &node.get("Policy").unwrap().value;
        let decoded = crate::extract::embedded::decode_string(&file, value).unwrap();
        assert_eq!(decoded.text, doc);
        (file, decoded.map, doc)
    }

    #[test]
    fn edits_inside_a_json_string_are_re_escaped() {
        let (file, map, doc) = export();
        let at = doc.find("// c").unwrap();
        let fix =
            Fix::safe("x", vec![Edit::delete(Span::new(at, at + 5)), Edit::replace(Span::new(at + 6, at + 7), "b\"c")]);
        let placed = place(fix, Placement::InJsonString, &map, &file, &[]);
        assert_eq!(placed.applicability, crate::fix::Applicability::Safe);
        let out = crate::fix::apply(&file, &[&placed]).text;
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["Policy"], "{\n\"b\"c\": 1}");
    }

    #[test]
    fn nowhere_and_url_encoded_strings_give_display_only() {
        let fix = Fix::safe("x", vec![Edit::delete(Span::new(1, 2))]);
        assert!(place(fix.clone(), Placement::Nowhere, &SpanMap::Identity, "{} ", &[]).edits.is_empty());
        let file = r#"{"P": "%7B%22a%22%3A1%7D"}"#;
        let node = crate::json::parse(file).root.unwrap();
        let decoded = crate::extract::embedded::decode_string(file, &node.get("P").unwrap().value).unwrap();
        assert!(place(fix.clone(), Placement::InJsonString, &decoded.map, file, &[]).edits.is_empty());
        // An edit inside an intrinsic function's call, or at the end of a YAML anchor's node.
        let call = Unwritten { span: crate::source::Span::new(0, 3), ends: false };
        assert!(place(fix.clone(), Placement::Exact(Syntax::Json), &SpanMap::Identity, file, &[call]).edits.is_empty());
        let at_end = Fix::safe("x", vec![Edit::insert(3, "y")]);
        let placed = place(at_end.clone(), Placement::Exact(Syntax::Yaml), &SpanMap::Identity, file, &[call]);
        assert_eq!(placed.edits.len(), 1);
        let anchor = Unwritten { span: crate::source::Span::new(0, 3), ends: true };
        let placed = place(at_end, Placement::Exact(Syntax::Yaml), &SpanMap::Identity, file, &[anchor]);
        assert!(placed.edits.is_empty());
    }
}
