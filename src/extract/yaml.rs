//! YAML → the spanned [`Node`] tree, for CloudFormation templates.
//!
//! Built on `saphyr-parser`'s event stream, which reports positions in characters: they are
//! converted to byte offsets here. CloudFormation short-form tags (`!Sub`, `!Ref`, `!GetAtt`,
//! ...) become their long form (`{"Fn::Sub": ...}`, `{"Ref": ...}`) so one lowering in
//! [`super::cfn`] handles JSON and YAML templates alike. Plain scalars are typed with the YAML
//! 1.2 core schema, except that dates stay strings (`Version: 2012-10-17` is the string IAM
//! wants).

use crate::json::{Member, Node, ParseError, Value};
use crate::source::Span;
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use std::collections::HashMap;

/// Nesting deeper than this is rejected, as in the JSON parser.
const MAX_DEPTH: usize = 128;
/// Nodes an alias may copy in all (guards against "billion laughs" documents).
const MAX_ALIAS_NODES: usize = 100_000;

/// Character index → byte offset, for non-ASCII texts.
struct Offsets {
    table: Option<Vec<u32>>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            let mut t: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
            t.push(text.len() as u32);
            t
        });
        Self { table, len: text.len() }
    }
    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(t) => t.get(char_index).map_or(self.len, |&b| b as usize),
        }
    }
}

enum Frame {
    Seq {
        start: usize,
        flow: bool,
        items: Vec<Node>,
        tag: Option<Tag>,
        anchor: usize,
    },
    Map {
        start: usize,
        flow: bool,
        members: Vec<Member>,
        key: Option<(Box<str>, Span)>,
        tag: Option<Tag>,
        anchor: usize,
    },
}

/// Parse the first document of a YAML text.
pub fn parse(text: &str) -> Result<Option<Node>, ParseError> {
    parse_marked(text).map(|(root, _)| root)
}

/// [`parse`], with the parts of the text an edit may not touch: each anchor's node (copied
/// wherever an alias names it, so its spans are in more than one place of the tree) and each
/// alias.
pub fn parse_marked(text: &str) -> Result<(Option<Node>, Vec<super::Unwritten>), ParseError> {
    let mut shared = Vec::new();
    let offsets = Offsets::new(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut copied = 0usize;
    let mut root: Option<Node> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| ParseError {
            message: e.info().to_string(),
            span: Span::empty(offsets.byte(e.marker().index())),
        })?;
        let (start, end) = (offsets.byte(span.start.index()), offsets.byte(span.end.index()));
        let done = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => None,
            Event::DocumentEnd | Event::StreamEnd => break,
            Event::SequenceStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(depth_error(start));
                }
                stack.push(Frame::Seq {
                    start,
                    flow: end > start,
                    items: Vec::new(),
                    tag: tag.map(|t| t.into_owned()),
                    anchor,
                });
                None
            }
            Event::MappingStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(depth_error(start));
                }
                stack.push(Frame::Map {
                    start,
                    flow: end > start,
                    members: Vec::new(),
                    key: None,
                    tag: tag.map(|t| t.into_owned()),
                    anchor,
                });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq { start, flow, items, tag, anchor }) => {
                    let end = if flow { end } else { items.last().map_or(start, |n| n.span.end as usize) };
                    let node = Node::new(Span::new(start, end.max(start)), Value::Array(items));
                    Some((node, tag, anchor))
                }
                _ => return Err(structure_error(start)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map { start, flow, members, tag, anchor, .. }) => {
                    let end = if flow { end } else { members.last().map_or(start, |m| m.value.span.end as usize) };
                    let node = Node::new(Span::new(start, end.max(start)), Value::Object(members));
                    Some((node, tag, anchor))
                }
                _ => return Err(structure_error(start)),
            },
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| t.into_owned());
                let node = scalar(&value, style, tag.as_ref(), Span::new(start, end.max(start)));
                Some((node, tag, anchor))
            }
            Event::Alias(id) => {
                let node = anchors.get(&id).cloned().ok_or_else(|| ParseError {
                    message: "alias to an unknown anchor".into(),
                    span: Span::new(start, end.max(start)),
                })?;
                shared.push(shared_part(text, Span::new(start, end.max(start))));
                copied += count(&node);
                if copied > MAX_ALIAS_NODES {
                    return Err(ParseError {
                        message: "aliases expand to too many nodes".into(),
                        span: Span::new(start, end.max(start)),
                    });
                }
                Some((node, None, 0))
            }
        };
        let Some((node, tag, anchor)) = done else { continue };
        let node = apply_tag(node, tag.as_ref());
        if anchor != 0 {
            shared.push(shared_part(text, node.span));
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => {
                root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { members, key, .. }) => match key.take() {
                None => {
                    let k: Box<str> = match &node.value {
                        Value::String(s) | Value::Template(s) | Value::Number(s) => s.clone(),
                        Value::Bool(b) => b.to_string().into(),
                        Value::Null => "".into(),
                        _ => "?".into(),
                    };
                    *key = Some((k, node.span));
                }
                Some((k, key_span)) => members.push(Member { key: k.into_string().into(), key_span, value: node }),
            },
        }
        if root.is_some() && stack.is_empty() {
            break;
        }
    }
    Ok((root, shared))
}

/// An anchor's node or an alias, as a part of the text no fix edits: through the end of its
/// last line, so that a line added after it (a new last member of an anchored mapping) counts
/// as an edit of it.
fn shared_part(text: &str, span: Span) -> super::Unwritten {
    let end = span.end as usize;
    let line_end = text.get(end..).and_then(|t| t.find('\n')).map_or(text.len(), |i| end + i + 1);
    super::Unwritten { span: Span::new(span.start as usize, line_end), ends: true }
}

fn depth_error(at: usize) -> ParseError {
    ParseError { message: format!("nesting deeper than {MAX_DEPTH} levels"), span: Span::empty(at) }
}

fn structure_error(at: usize) -> ParseError {
    ParseError { message: "unbalanced YAML structure".into(), span: Span::empty(at) }
}

fn count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(ms) => ms.iter().map(|m| count(&m.value)).sum(),
        _ => 0,
    }
}

/// Type a scalar: quoted scalars and block scalars are strings; plain scalars follow the core
/// schema (null, booleans, numbers), dates and everything else stay strings.
fn scalar(value: &str, style: ScalarStyle, tag: Option<&Tag>, span: Span) -> Node {
    if let Some(t) = tag.filter(|t| t.handle == "tag:yaml.org,2002:" || t.handle == "!!")
        && t.suffix == "str"
    {
        return Node::new(span, Value::String(value.into()));
    }
    if style != ScalarStyle::Plain {
        return Node::new(span, Value::String(value.into()));
    }
    let v = match value {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        s if is_number(s) => Value::Number(s.into()),
        s => Value::String(s.into()),
    };
    Node::new(span, v)
}

fn is_number(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    !t.is_empty()
        && t.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && t.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'E' || b == b'-' || b == b'+')
        && t.parse::<f64>().is_ok()
}

/// CloudFormation short-form tags and their long-form function names.
const CFN_TAGS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("Sub", "Fn::Sub"),
    ("GetAtt", "Fn::GetAtt"),
    ("Join", "Fn::Join"),
    ("If", "Fn::If"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("ImportValue", "Fn::ImportValue"),
    ("FindInMap", "Fn::FindInMap"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("GetAZs", "Fn::GetAZs"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
];

/// Wrap a node tagged `!Sub` (etc.) in its long form `{"Fn::Sub": node}`.
fn apply_tag(node: Node, tag: Option<&Tag>) -> Node {
    let Some(tag) = tag.filter(|t| t.handle == "!") else {
        return node;
    };
    let Some(&(_, long)) = CFN_TAGS.iter().find(|(short, _)| *short == tag.suffix) else {
        return node;
    };
    let span = node.span;
    // `!GetAtt Role.Arn` keeps its dotted string; the lowering splits it.
    Node::new(span, Value::Object(vec![Member { key: long.into(), key_span: span, value: node }]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_nodes_with_byte_spans_and_long_form_tags() {
        let text = "a: 'é'\nb: !Sub arn:${A}\nc:\n  - 1\n  - true\nd: {k: v}\nVersion: 2012-10-17\n";
        let root = parse(text).unwrap().unwrap();
        let a = &root.get("a").unwrap().value;
        assert_eq!(&text[a.span.range()], "'é'");
        let b = &root.get("b").unwrap().value;
        assert_eq!(b.get("Fn::Sub").unwrap().value.as_str(), Some("arn:${A}"));
        assert_eq!(&text[b.span.range()], "!Sub arn:${A}");
        let c = &root.get("c").unwrap().value;
        assert_eq!(&text[c.span.range()], "- 1\n  - true");
        assert_eq!(c.as_array().unwrap()[1].value, Value::Bool(true));
        let d = &root.get("d").unwrap().value;
        assert_eq!(&text[d.span.range()], "{k: v}");
        assert_eq!(root.get("Version").unwrap().value.as_str(), Some("2012-10-17"));
        let key = root.get("d").unwrap().key_span;
        assert_eq!(&text[key.range()], "d");
    }

    #[test]
    fn reports_errors_at_byte_offsets() {
        let text = "é: x\nb: [1, 2\n";
        let err = parse(text).unwrap_err();
        assert!(err.span.start as usize <= text.len());
        assert!(text.is_char_boundary(err.span.start as usize));
    }

    #[test]
    fn aliases_are_copied_and_bounded() {
        let text = "a: &x {k: v}\nb: *x\n";
        let (root, shared) = parse_marked(text).unwrap();
        let root = root.unwrap();
        assert_eq!(root.get("b").unwrap().value.get("k").unwrap().value.as_str(), Some("v"));
        let shared: Vec<&str> = shared.iter().map(|u| &text[u.span.range()]).collect();
        assert_eq!(shared, ["&x {k: v}\n", "*x\n"]);
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 { "a".to_string() } else { format!("l{}", i - 1) };
            bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse(&bomb).is_err());
    }
}
