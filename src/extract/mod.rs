//! Extraction: find the policy documents inside a parsed file.
//!
//! A bare policy file is one document. Other shapes (AWS CLI exports, CloudFormation,
//! Terraform) hold several, each tagged with the kind its context implies and with a map from
//! the document's coordinates back to the file.

use crate::json::Node;
use crate::policy::PolicyKind;
use crate::source::Span;

/// How spans of a document map to byte offsets of the file.
#[derive(Debug, Clone, Default)]
pub enum SpanMap {
    /// The document's spans are file offsets.
    #[default]
    Identity,
    /// The document was parsed from a decoded string: `(doc_offset, file_offset)` pairs, one
    /// per decoded character run start, sorted by `doc_offset`.
    Table(Vec<(u32, u32)>),
}

impl SpanMap {
    pub fn map(&self, span: Span) -> Span {
        match self {
            SpanMap::Identity => span,
            SpanMap::Table(t) => Span { start: map_offset(t, span.start), end: map_offset(t, span.end) },
        }
    }
}

fn map_offset(table: &[(u32, u32)], off: u32) -> u32 {
    match table.binary_search_by_key(&off, |&(d, _)| d) {
        Ok(i) => table[i].1,
        Err(0) => off,
        Err(i) => {
            let (d, f) = table[i - 1];
            f + (off - d)
        }
    }
}

/// A policy document found in a file.
pub struct Document<'a> {
    pub root: &'a Node,
    /// The kind the document's context implies (e.g. `AssumeRolePolicyDocument` → trust).
    pub kind: Option<PolicyKind>,
    /// Where in the file it lives, for files with several documents.
    pub origin: Option<String>,
    pub map: SpanMap,
}

/// Whether a node looks like a policy document: an object with a `Statement` member.
pub fn is_policy(node: &Node) -> bool {
    node.get("Statement").is_some()
}

/// Find the policy documents of a parsed JSON file.
pub fn documents(root: &Node) -> Vec<Document<'_>> {
    if is_policy(root) {
        return vec![Document { root, kind: None, origin: None, map: SpanMap::Identity }];
    }
    Vec::new()
}

/// Cheap test on raw text: could this file hold a policy? Used to skip unrelated JSON found
/// while walking a directory without parsing it.
pub fn may_hold_policy(text: &str) -> bool {
    memfind(text.as_bytes(), b"Statement") || memfind(text.as_bytes(), b"\"Effect\"")
}

/// Whether a node is a lone statement (or an array of statements) rather than a policy: an
/// object with `Effect` and `Action`/`NotAction` but no `Statement`.
pub fn is_statement_fragment(node: &Node) -> bool {
    let one = |n: &Node| n.get("Effect").is_some() && (n.get("Action").is_some() || n.get("NotAction").is_some());
    match node.as_array() {
        Some(items) => !items.is_empty() && items.iter().all(one),
        None => one(node) && node.get("Statement").is_none(),
    }
}

fn memfind(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_maps_offsets_piecewise() {
        let m = SpanMap::Table(vec![(0, 10), (5, 20)]);
        assert_eq!(m.map(Span::new(1, 3)), Span::new(11, 13));
        assert_eq!(m.map(Span::new(5, 7)), Span::new(20, 22));
    }
}
