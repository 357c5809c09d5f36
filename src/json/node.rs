//! The spanned value tree every input format lowers to.

use crate::source::Span;

/// A value with the byte span of its source text (for strings: including the quotes).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number as written.
    Number(Box<str>),
    String(Box<str>),
    /// A string whose parts are only known at deploy time (CloudFormation `!Sub`, Terraform
    /// interpolations). Unknown parts are written `${...}`; rules must treat them as unknowns,
    /// never as placeholders or malformed values.
    Template(Box<str>),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// One `"key": value` entry of an object, in source order (duplicates are kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The name; IAM's own element names (`Effect`, `Principal`, `AWS`, ...) are borrowed from
    /// a table rather than allocated for every statement (see `parse::known_key`).
    pub key: std::borrow::Cow<'static, str>,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn new(span: Span, value: Value) -> Self {
        Self { span, value }
    }

    /// The string value of a plain string (not of a template).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a string or a template, with `true` when it is a template.
    pub fn as_text(&self) -> Option<(&str, bool)> {
        match &self.value {
            Value::String(s) => Some((s, false)),
            Value::Template(s) => Some((s, true)),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The member named `key` (the last one when the key is duplicated, as AWS's parser and
    /// serde_json keep the last).
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().rev().find(|m| &*m.key == key)
    }

    /// A one-or-many view: the elements of an array, or the node itself.
    pub fn one_or_many(&self) -> &[Node] {
        match &self.value {
            Value::Array(a) => a,
            _ => std::slice::from_ref(self),
        }
    }

    /// A short description of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) | Value::Template(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// RFC 6901 JSON pointer of the node or member key whose span is `target` (or the deepest
    /// node containing it).
    pub fn pointer_to(&self, target: Span) -> String {
        self.pointer_near(target, &mut 0)
    }

    /// [`Node::pointer_to`], trying first the item `hint` of the first array on the way (and
    /// the one after it), and leaving in `hint` the item it went through: the findings of a
    /// rule come in source order, mostly in one statement or the next, so a run of them finds
    /// its statement without a search through a large policy's `Statement` array.
    pub fn pointer_near(&self, target: Span, hint: &mut usize) -> String {
        // Room for most pointers (`/Statement/12345/Condition/StringEquals/sts:ExternalId`).
        let mut out = String::with_capacity(48);
        let mut node = self;
        let mut first_array = true;
        'descend: loop {
            match &node.value {
                Value::Object(members) => {
                    // Members are in source order: look at the one starting last before the
                    // target first (logarithmic), then at all of them (synthetic members).
                    let near = members.partition_point(|m| m.key_span.start <= target.start);
                    let guess = near.checked_sub(1).map(|i| &members[i]);
                    for m in guess.into_iter().chain(members.iter().rev()) {
                        if m.key_span == target || m.value.span.contains(target) {
                            out.push('/');
                            push_escaped(&mut out, &m.key);
                            if m.key_span == target {
                                return out;
                            }
                            node = &m.value;
                            continue 'descend;
                        }
                    }
                }
                Value::Array(items) => {
                    // Items are in source order: the hinted ones, else the one starting last
                    // before the target (logarithmic), then all of them.
                    let holds = |i: usize| items.get(i).is_some_and(|item| item.span.contains(target));
                    let hinted = if first_array { [*hint, *hint + 1].into_iter().find(|&i| holds(i)) } else { None };
                    let guess =
                        hinted.or_else(|| items.partition_point(|item| item.span.start <= target.start).checked_sub(1));
                    let mut candidates = guess.map(|i| (i, &items[i])).into_iter().chain(items.iter().enumerate());
                    if let Some((i, item)) = candidates.find(|(_, item)| item.span.contains(target)) {
                        out.push('/');
                        push_index(&mut out, i);
                        if first_array {
                            *hint = i;
                            first_array = false;
                        }
                        node = item;
                        continue 'descend;
                    }
                }
                _ => {}
            }
            return out;
        }
    }

    /// Resolve an RFC 9535 normalized path (`$['Statement'][0]['Sid']`) to the node it names.
    pub fn at_normalized_path(&self, path: &str) -> Option<&Node> {
        let mut rest = path.strip_prefix('$')?;
        let mut node = self;
        while !rest.is_empty() {
            rest = rest.strip_prefix('[')?;
            if let Some(after) = rest.strip_prefix('\'') {
                let (name, consumed) = unescape_normalized_name(after)?;
                rest = after[consumed..].strip_prefix(']')?;
                node = &node.get(&name)?.value;
            } else {
                let end = rest.find(']')?;
                let index: usize = rest[..end].parse().ok()?;
                rest = &rest[end + 1..];
                node = node.as_array()?.get(index)?;
            }
        }
        Some(node)
    }

    /// Whether `f` holds for any text of the tree: a member's name, a string, a deploy-time
    /// value's text.
    pub fn any_text(&self, f: &impl Fn(&str) -> bool) -> bool {
        match &self.value {
            Value::String(s) | Value::Template(s) => f(s),
            Value::Array(items) => items.iter().any(|i| i.any_text(f)),
            Value::Object(members) => members.iter().any(|m| f(&m.key) || m.value.any_text(f)),
            _ => false,
        }
    }

    /// Convert to a `serde_json::Value` (templates become strings; the last duplicate key
    /// wins, matching [`Node::get`]).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => serde_json::from_str(n).unwrap_or_else(|_| J::String(n.to_string())),
            Value::String(s) | Value::Template(s) => J::String(s.to_string()),
            Value::Array(a) => J::Array(a.iter().map(Node::to_json).collect()),
            Value::Object(m) => {
                let mut map = serde_json::Map::with_capacity(m.len());
                for member in m {
                    map.shift_remove(&*member.key);
                    map.insert(member.key.to_string(), member.value.to_json());
                }
                J::Object(map)
            }
        }
    }
}

/// Append `i` in decimal (a pointer's array index, without the formatting machinery: this
/// runs for every finding).
fn push_index(out: &mut String, i: usize) {
    if i >= 10 {
        push_index(out, i / 10);
    }
    out.push(char::from(b'0' + (i % 10) as u8));
}

fn push_escaped(out: &mut String, key: &str) {
    if !key.contains(['~', '/']) {
        out.push_str(key);
        return;
    }
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Parse the body of a `'...'` normalized-path name (after the opening quote); returns the
/// name and the bytes consumed including the closing quote.
fn unescape_normalized_name(s: &str) -> Option<(String, usize)> {
    let mut name = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => return Some((name, i + 1)),
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'b' => name.push('\u{8}'),
                    'f' => name.push('\u{c}'),
                    'n' => name.push('\n'),
                    'r' => name.push('\r'),
                    't' => name.push('\t'),
                    'u' => {
                        let hex: String = (0..4).filter_map(|_| chars.next().map(|(_, h)| h)).collect();
                        name.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    other => name.push(other),
                }
            }
            c => name.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_indices_are_written_in_decimal() {
        for (i, text) in [(0, "0"), (7, "7"), (10, "10"), (99_999, "99999"), (usize::MAX, &usize::MAX.to_string()[..])]
        {
            let mut out = String::from("/Statement/");
            super::push_index(&mut out, i);
            assert_eq!(out, format!("/Statement/{text}"));
        }
    }

    /// Every node's and key's span, in source order.
    fn spans(node: &Node, out: &mut Vec<Span>) {
        out.push(node.span);
        match &node.value {
            Value::Array(items) => items.iter().for_each(|i| spans(i, out)),
            Value::Object(members) => members.iter().for_each(|m| {
                out.push(m.key_span);
                spans(&m.value, out);
            }),
            _ => {}
        }
    }

    #[test]
    fn a_pointer_found_near_a_hint_is_the_pointer_found_without() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"},
            {"Sid": "B", "Effect": "Deny", "Action": "kms:*", "Resource": ["a", ["b", "c"]]},
            {"Sid": "C", "Effect": "Allow", "Principal": {"AWS": ["x", "y"]}, "Action": "sts:AssumeRole"}]}"#;
        let root = crate::json::parse(text).root.unwrap();
        let mut all = Vec::new();
        spans(&root, &mut all);
        // In source order, backwards, and in a scrambled order: any hint, stale or not.
        let mut orders = vec![all.clone(), all.iter().rev().copied().collect::<Vec<_>>()];
        orders.push(all.iter().enumerate().map(|(i, _)| all[(i * 7) % all.len()]).collect());
        for order in orders {
            let mut hint = 0;
            for &span in &order {
                assert_eq!(root.pointer_near(span, &mut hint), root.pointer_to(span), "{:?}", &text[span.range()]);
            }
        }
        let mut hint = 5;
        assert_eq!(root.pointer_near(all[all.len() - 1], &mut hint), "/Statement/2/Action");
        assert_eq!(hint, 2, "the hint is the Statement item gone through");
    }
}
