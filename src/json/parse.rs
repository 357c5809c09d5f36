//! A lenient, span-preserving JSON parser.
//!
//! Strict JSON is what IAM and KMS accept, but people paste documentation snippets with `//`
//! comments, trailing commas, word-processor quotes and non-breaking spaces. The parser accepts
//! each of these, records it as a [`Lenience`] with its exact span, and goes on, so one run
//! reports every such problem. Anything else that is not JSON stops the parse with one
//! [`ParseError`] at the failing position.

use super::node::{Member, Node, Value};
use crate::source::Span;
use std::borrow::Cow;

/// Nesting deeper than this is rejected (IAM policies nest about 6 levels).
pub const MAX_DEPTH: usize = 128;

/// A deviation from strict JSON that the parser accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Lenience {
    pub kind: LenienceKind,
    pub span: Span,
    /// For duplicate keys: the span of the first occurrence.
    pub related: Option<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LenienceKind {
    LineComment,
    BlockComment,
    TrailingComma,
    /// A duplicate object key (the span is the later occurrence; `related` the first).
    DuplicateKey(Box<str>),
    ByteOrderMark,
    /// A typographic quote used as a string delimiter.
    SmartQuote(char),
    /// A non-breaking, zero-width or other non-ASCII space used as whitespace.
    InvisibleSpace(char),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

#[derive(Debug)]
pub struct Parsed {
    /// `None` when the text is not JSON (then `error` is set).
    pub root: Option<Node>,
    pub lenience: Vec<Lenience>,
    pub error: Option<ParseError>,
}

pub fn parse(text: &str) -> Parsed {
    let mut p =
        Parser { text, bytes: text.as_bytes(), pos: 0, lenience: Vec::new(), members: Vec::new(), items: Vec::new() };
    let result = p.document();
    let (root, error) = match result {
        Ok(node) => (Some(node), None),
        Err(e) => (None, Some(e)),
    };
    Parsed { root, lenience: p.lenience, error }
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    lenience: Vec<Lenience>,
    /// The members of the objects being parsed, innermost last: an object's members are moved
    /// into a `Vec` of exactly their number when it closes (growing each object's own `Vec`
    /// left it up to twice its size: a third of a large policy's tree was spare capacity).
    members: Vec<Member>,
    /// The same for the items of the arrays being parsed.
    items: Vec<Node>,
}

type PResult<T> = Result<T, ParseError>;

const LEFT_DOUBLE: char = '\u{201C}';
const RIGHT_DOUBLE: char = '\u{201D}';

/// Eight bytes at a time (SWAR) for the parser's two hot loops: `lanes(x, b)` has the high bit
/// of each byte of `x` equal to `b` set, `below(x, n)` of each byte below `n` (n <= 0x80) —
/// exact as "any" tests, which is all they are used for.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

fn lanes(x: u64, b: u8) -> u64 {
    let y = x ^ (ONES * u64::from(b));
    y.wrapping_sub(ONES) & !y & HIGHS
}

fn below(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS
}

fn word(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
}

/// The end of the run of ordinary string bytes (printable ASCII other than `"` and `\`)
/// starting at `pos`.
fn ordinary_run(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(x) = word(bytes, pos)
        && lanes(x, b'"') | lanes(x, b'\\') | below(x, 0x20) | (x & HIGHS) == 0
    {
        pos += 8;
    }
    while let Some(&b) = bytes.get(pos)
        && b != b'"'
        && b != b'\\'
        && (0x20..0x80).contains(&b)
    {
        pos += 1;
    }
    pos
}

/// The end of the run of JSON whitespace starting at `pos` (eight spaces of indentation at a
/// time).
fn whitespace_run(bytes: &[u8], mut pos: usize) -> usize {
    loop {
        while word(bytes, pos) == Some(u64::from_le_bytes(*b"        ")) {
            pos += 8;
        }
        match bytes.get(pos) {
            Some(b' ' | b'\t' | b'\n' | b'\r') => pos += 1,
            _ => return pos,
        }
    }
}

fn is_invisible_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200B}' | '\u{202F}' | '\u{205F}' | '\u{2060}' | '\u{3000}' | '\u{FEFF}'
    )
}

impl<'t> Parser<'t> {
    fn err<T>(&self, span: Span, message: impl Into<String>) -> PResult<T> {
        Err(ParseError { message: message.into(), span })
    }

    fn note(&mut self, kind: LenienceKind, span: Span) {
        self.lenience.push(Lenience { kind, span, related: None });
    }

    fn peek_char(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    /// Span of the character (or end of input) at the current position.
    fn here(&self) -> Span {
        let len = self.peek_char().map_or(0, char::len_utf8);
        Span::new(self.pos, self.pos + len)
    }

    fn describe_here(&self) -> String {
        match self.peek_char() {
            None => "end of input".to_string(),
            Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
            Some(c) => format!("`{c}`"),
        }
    }

    fn document(&mut self) -> PResult<Node> {
        if self.text.starts_with('\u{FEFF}') {
            self.note(LenienceKind::ByteOrderMark, Span::new(0, 3));
            self.pos = 3;
        }
        self.skip_trivia()?;
        if self.pos >= self.bytes.len() {
            return self.err(self.here(), "expected a JSON value, found end of input (the file is empty)");
        }
        let node = self.value(0)?;
        self.skip_trivia()?;
        if self.pos < self.bytes.len() {
            let end = self.text[self.pos..].find('\n').map_or(self.bytes.len(), |i| self.pos + i);
            return self.err(
                Span::new(self.pos, end.max(self.pos + 1).min(self.bytes.len())),
                format!("unexpected {} after the end of the JSON document", self.describe_here()),
            );
        }
        Ok(node)
    }

    /// Skip whitespace and comments, recording comments and unusual spaces.
    fn skip_trivia(&mut self) -> PResult<()> {
        loop {
            self.pos = whitespace_run(self.bytes, self.pos);
            let Some(&b) = self.bytes.get(self.pos) else {
                return Ok(());
            };
            match b {
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    let start = self.pos;
                    let end = self.text[start..].find('\n').map_or(self.bytes.len(), |i| start + i);
                    let end = if end > start && self.bytes[end - 1] == b'\r' { end - 1 } else { end };
                    self.note(LenienceKind::LineComment, Span::new(start, end));
                    self.pos = end;
                }
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    let start = self.pos;
                    match self.text[start + 2..].find("*/") {
                        Some(i) => {
                            let end = start + 2 + i + 2;
                            self.note(LenienceKind::BlockComment, Span::new(start, end));
                            self.pos = end;
                        }
                        None => {
                            return self.err(Span::new(start, start + 2), "unterminated `/* */` comment");
                        }
                    }
                }
                b if b >= 0x80 => {
                    let c = self.peek_char().unwrap_or('\0');
                    if is_invisible_space(c) {
                        let span = self.here();
                        self.note(LenienceKind::InvisibleSpace(c), span);
                        self.pos += c.len_utf8();
                    } else {
                        return Ok(());
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self, depth: usize) -> PResult<Node> {
        if depth >= MAX_DEPTH {
            return self.err(self.here(), format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        let start = self.pos;
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node::new(Span::new(start, self.pos), Value::String(s)))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(_) if self.peek_char() == Some(LEFT_DOUBLE) || self.peek_char() == Some(RIGHT_DOUBLE) => {
                let s = self.string()?;
                Ok(Node::new(Span::new(start, self.pos), Value::String(s)))
            }
            Some(b'\'') => self.err(self.here(), "strings must use double quotes `\"`, not single quotes"),
            Some(b']' | b'}') => self.err(self.here(), format!("expected a value, found {}", self.describe_here())),
            _ => self.err(self.bareword_span(), format!("expected a JSON value, found {}", self.describe_bareword())),
        }
    }

    fn bareword_span(&self) -> Span {
        let rest = &self.text[self.pos..];
        let len = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '$' | '#' | '{' | '.' | ':' | '-')))
            .map_or(rest.len(), |(i, _)| i);
        let len = if len == 0 { self.peek_char().map_or(0, char::len_utf8) } else { len };
        Span::new(self.pos, self.pos + len)
    }

    fn describe_bareword(&self) -> String {
        let span = self.bareword_span();
        if span.is_empty() {
            return "end of input".into();
        }
        let word = &self.text[span.range()];
        if word.chars().count() == 1 { self.describe_here() } else { format!("`{word}` (strings must be quoted)") }
    }

    fn literal(&mut self, word: &str, value: Value) -> PResult<Node> {
        let start = self.pos;
        if self.text[start..].starts_with(word) {
            let end = start + word.len();
            let next = self.bytes.get(end);
            if !next.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') {
                self.pos = end;
                return Ok(Node::new(Span::new(start, end), value));
            }
        }
        self.err(self.bareword_span(), format!("expected a JSON value, found {}", self.describe_bareword()))
    }

    fn number(&mut self) -> PResult<Node> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let int_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == int_start {
            return self.err(Span::new(start, i.max(start + 1)), "invalid number");
        }
        if b[int_start] == b'0' && i - int_start > 1 {
            return self.err(Span::new(start, i), "numbers must not have leading zeros");
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            let f = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == f {
                return self.err(Span::new(start, i), "invalid number: expected digits after `.`");
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let e = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == e {
                return self.err(Span::new(start, i), "invalid number: expected digits in the exponent");
            }
        }
        self.pos = i;
        Ok(Node::new(Span::new(start, i), Value::Number(self.text[start..i].into())))
    }

    /// A member's name: one of IAM's own written plainly is borrowed from [`KNOWN_KEYS`],
    /// any other decoded as a string.
    fn key(&mut self) -> PResult<Cow<'static, str>> {
        self.decoded(true)
    }

    /// A string value's decoded text.
    fn string(&mut self) -> PResult<Box<str>> {
        Ok(self.decoded(false)?.into_owned().into_boxed_str())
    }

    /// Parse a string starting at `"` or a typographic quote; returns the decoded text. Most
    /// strings have no escape: their text is a slice of the input, copied once into an
    /// allocation of its exact size, or with `known`, borrowed when it is one of
    /// [`KNOWN_KEYS`].
    fn decoded(&mut self, known: bool) -> PResult<Cow<'static, str>> {
        let start = self.pos;
        let open = self.peek_char().unwrap_or('"');
        if open != '"' {
            self.note(LenienceKind::SmartQuote(open), Span::new(start, start + open.len_utf8()));
        }
        self.pos += open.len_utf8();
        let mut out = String::new();
        loop {
            // Fast path: copy a run of ordinary ASCII bytes.
            let run_start = self.pos;
            self.pos = ordinary_run(self.bytes, self.pos);
            if out.is_empty() && self.bytes.get(self.pos) == Some(&b'"') {
                let raw = &self.text[run_start..self.pos];
                self.pos += 1;
                return Ok(match known.then(|| known_key(raw.as_bytes())).flatten() {
                    Some(name) => Cow::Borrowed(name),
                    None => Cow::Owned(raw.to_string()),
                });
            }
            out.push_str(&self.text[run_start..self.pos]);
            let Some(c) = self.peek_char() else {
                return self.err(Span::new(start, self.pos), "unterminated string");
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                RIGHT_DOUBLE | LEFT_DOUBLE if open != '"' => {
                    self.note(LenienceKind::SmartQuote(c), Span::new(self.pos, self.pos + c.len_utf8()));
                    self.pos += c.len_utf8();
                    return Ok(Cow::Owned(out));
                }
                '\\' => {
                    let esc_start = self.pos;
                    self.pos += 1;
                    let Some(e) = self.peek_char() else {
                        return self.err(Span::new(start, self.pos), "unterminated string");
                    };
                    self.pos += e.len_utf8();
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let hi = self.hex4(esc_start)?;
                            if (0xD800..0xDC00).contains(&hi) && self.text[self.pos..].starts_with("\\u") {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4(esc_start)?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                    out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                                } else {
                                    out.push('\u{FFFD}');
                                    self.pos = save;
                                }
                            } else {
                                out.push(char::from_u32(hi).unwrap_or('\u{FFFD}'));
                            }
                        }
                        other => {
                            return self
                                .err(Span::new(esc_start, self.pos), format!("invalid escape `\\{other}` in string"));
                        }
                    }
                }
                '\n' | '\r' => {
                    return self.err(
                        Span::new(start, self.pos),
                        "unterminated string: a line break inside a string must be written `\\n`",
                    );
                }
                c if (c as u32) < 0x20 => {
                    return self.err(
                        self.here(),
                        format!("control character U+{:04X} inside a string must be escaped", c as u32),
                    );
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self, esc_start: usize) -> PResult<u32> {
        let digits = self.text.get(self.pos..self.pos + 4).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        match digits {
            Some(d) => {
                self.pos += 4;
                Ok(u32::from_str_radix(d, 16).unwrap_or(0xFFFD))
            }
            None => self.err(Span::new(esc_start, self.pos), "invalid `\\u` escape: expected 4 hex digits"),
        }
    }

    fn at_string_start(&self) -> bool {
        matches!(self.peek_char(), Some('"' | LEFT_DOUBLE | RIGHT_DOUBLE))
    }

    fn object(&mut self, depth: usize) -> PResult<Node> {
        let start = self.pos;
        self.pos += 1;
        let base = self.members.len();
        self.skip_trivia()?;
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Node::new(Span::new(start, self.pos), Value::Object(Vec::new())));
        }
        loop {
            if !self.at_string_start() {
                let what = self.describe_bareword();
                return self.err(self.bareword_span(), format!("expected a quoted property name, found {what}"));
            }
            let key_start = self.pos;
            let key = self.key()?;
            let key_span = Span::new(key_start, self.pos);
            self.skip_trivia()?;
            if self.bytes.get(self.pos) != Some(&b':') {
                return self
                    .err(self.here(), format!("expected `:` after property name, found {}", self.describe_here()));
            }
            self.pos += 1;
            self.skip_trivia()?;
            let value = self.value(depth + 1)?;
            self.members.push(Member { key, key_span, value });
            self.skip_trivia()?;
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_trivia()?;
                    if self.bytes.get(self.pos) == Some(&b'}') {
                        self.note(LenienceKind::TrailingComma, Span::new(comma, comma + 1));
                        self.pos += 1;
                        break;
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ if self.at_string_start() => {
                    return self.err(Span::empty(self.pos), "expected `,` between object members");
                }
                _ => {
                    return self.err(self.here(), format!("expected `,` or `}}`, found {}", self.describe_here()));
                }
            }
        }
        let members: Vec<Member> = self.members.drain(base..).collect();
        record_duplicates(&members, &mut self.lenience);
        Ok(Node::new(Span::new(start, self.pos), Value::Object(members)))
    }

    fn array(&mut self, depth: usize) -> PResult<Node> {
        let start = self.pos;
        self.pos += 1;
        let base = self.items.len();
        self.skip_trivia()?;
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Node::new(Span::new(start, self.pos), Value::Array(Vec::new())));
        }
        loop {
            let item = self.value(depth + 1)?;
            self.items.push(item);
            self.skip_trivia()?;
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_trivia()?;
                    if self.bytes.get(self.pos) == Some(&b']') {
                        self.note(LenienceKind::TrailingComma, Span::new(comma, comma + 1));
                        self.pos += 1;
                        break;
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                None => {
                    return self.err(self.here(), "unterminated array: expected `,` or `]`, found end of input");
                }
                _ => {
                    return self.err(
                        Span::empty(self.pos),
                        format!("expected `,` or `]` between array elements, found {}", self.describe_here()),
                    );
                }
            }
        }
        let items: Vec<Node> = self.items.drain(base..).collect();
        Ok(Node::new(Span::new(start, self.pos), Value::Array(items)))
    }
}

/// The duplicate keys of every object of a tree another parser built (a YAML mapping, a
/// Terraform object), as the JSON parser records them: the later occurrence, with the first.
pub fn duplicate_keys(root: &Node) -> Vec<Lenience> {
    fn walk(node: &Node, out: &mut Vec<Lenience>) {
        match &node.value {
            Value::Object(members) => {
                record_duplicates(members, out);
                members.iter().for_each(|m| walk(&m.value, out));
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out
}

/// The member names IAM policies are made of, and the condition operators and keys of a
/// Pinecone setup: a large policy repeats them in every statement.
const KNOWN_KEYS: &[&str] = &[
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Bool",
    "BoolIfExists",
    "Null",
    "IpAddress",
    "NotIpAddress",
    "ForAnyValue:StringEquals",
    "ForAnyValue:StringLike",
    "ForAllValues:StringEquals",
    "ForAllValues:StringLike",
    "StringEqualsIfExists",
    "StringLikeIfExists",
    "ArnLikeIfExists",
    "sts:ExternalId",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:MultiFactorAuthPresent",
    "aws:SecureTransport",
    "aws:SourceIp",
    "aws:SourceVpce",
    "aws:PrincipalOrgID",
    "kms:CallerAccount",
    "kms:ViaService",
    "kms:EncryptionContext:aws:pinecone:cmek",
];

/// `name` as one of [`KNOWN_KEYS`], if it is one.
fn known_key(name: &[u8]) -> Option<&'static str> {
    KNOWN_KEYS.iter().copied().find(|k| k.as_bytes() == name)
}

fn record_duplicates(members: &[Member], lenience: &mut Vec<Lenience>) {
    if members.len() < 2 {
        return;
    }
    if members.len() <= 16 {
        for (i, m) in members.iter().enumerate() {
            if let Some(first) = members[..i].iter().find(|f| f.key == m.key) {
                lenience.push(Lenience {
                    kind: LenienceKind::DuplicateKey(m.key.as_ref().into()),
                    span: m.key_span,
                    related: Some(first.key_span),
                });
            }
        }
    } else {
        let mut seen: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
        for m in members {
            if let Some(&first) = seen.get(&*m.key) {
                lenience.push(Lenience {
                    kind: LenienceKind::DuplicateKey(m.key.as_ref().into()),
                    span: m.key_span,
                    related: Some(first),
                });
            } else {
                seen.insert(&m.key, m.key_span);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time definitions of the two runs, against the eight-at-a-time ones on
    /// every placement of every byte that ends a run, in texts of every length up to 40.
    #[test]
    fn runs_end_where_byte_by_byte_scans_end() {
        let ordinary = |b: &[u8], mut p: usize| {
            while p < b.len() && b[p] != b'"' && b[p] != b'\\' && (0x20..0x80).contains(&b[p]) {
                p += 1;
            }
            p
        };
        let white = |b: &[u8], mut p: usize| {
            while p < b.len() && matches!(b[p], b' ' | b'\t' | b'\n' | b'\r') {
                p += 1;
            }
            p
        };
        let stops: Vec<u8> = (0u8..=0x20).chain([b'"', b'\\', b'a', 0x7f, 0x80, 0xc3, 0xff]).collect();
        for len in 0..40 {
            for fill in [b'a', b' '] {
                let base = vec![fill; len];
                for at in 0..=len {
                    for &stop in &stops {
                        let mut text = base.clone();
                        if at < len {
                            text[at] = stop;
                        }
                        for start in [0, 1, 7, 8, 9].into_iter().filter(|&s| s <= len) {
                            assert_eq!(super::ordinary_run(&text, start), ordinary(&text, start), "{text:?} {start}");
                            assert_eq!(super::whitespace_run(&text, start), white(&text, start), "{text:?} {start}");
                        }
                    }
                }
            }
        }
        // Mixed texts: a fixed pseudo-random sequence over ordinary, space and stop bytes.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let palette: Vec<u8> = [b'a', b'Z', b' ', b' ', b' ', b'\n'].into_iter().chain(stops.iter().copied()).collect();
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 48) as usize;
            let text: Vec<u8> =
                (0..len).map(|i| palette[((seed >> (i % 50)) as usize + i * 7) % palette.len()]).collect();
            for start in 0..=len.min(9) {
                assert_eq!(super::ordinary_run(&text, start), ordinary(&text, start), "{text:?} {start}");
                assert_eq!(super::whitespace_run(&text, start), white(&text, start), "{text:?} {start}");
            }
        }
    }

    fn kinds(text: &str) -> Vec<LenienceKind> {
        parse(text).lenience.into_iter().map(|l| l.kind).collect()
    }

    #[test]
    fn iam_element_names_are_borrowed_and_read_as_written() {
        use std::borrow::Cow;
        let text = "{\"Effect\": 1, \"Eff\\u0065ct\": 2, \u{201C}Sid\u{201D}: 3, \"Custom\": 4, \"Effect \": 5, \"Sid\\\"\": 6}";
        let p = parse(text);
        assert!(p.error.is_none(), "{:?}", p.error);
        let members = p.root.unwrap();
        let members = members.as_object().unwrap();
        let keys: Vec<&str> = members.iter().map(|m| &*m.key).collect();
        assert_eq!(keys, ["Effect", "Effect", "Sid", "Custom", "Effect ", "Sid\""]);
        assert!(matches!(members[0].key, Cow::Borrowed(_)), "a plain IAM name is not allocated");
        assert!(members[1..].iter().all(|m| matches!(m.key, Cow::Owned(_))));
        // The escaped spelling is the same name: a duplicate, as AWS reads it.
        assert_eq!(&text[members[1].key_span.range()], "\"Eff\\u0065ct\"");
        assert!(kinds(text).contains(&LenienceKind::DuplicateKey("Effect".into())));
    }

    #[test]
    fn strict_json_parses_with_spans() {
        let text = r#"{"a": [1, "x\u00e9", true, null], "b": {"c": -1.5e3}}"#;
        let p = parse(text);
        assert!(p.error.is_none() && p.lenience.is_empty());
        let root = p.root.unwrap();
        let a = root.get("a").unwrap();
        assert_eq!(&text[a.key_span.range()], "\"a\"");
        assert_eq!(a.value.as_array().unwrap()[1].as_str(), Some("xé"));
        assert_eq!(root.to_json(), serde_json::from_str::<serde_json::Value>(text).unwrap());
    }

    #[test]
    fn lenient_constructs_are_recorded_with_spans() {
        let text = "\u{FEFF}{\n  // c\n  \"a\": [1, 2,],\u{00A0}/* b */\n  \"a\": 3,\n}";
        let p = parse(text);
        assert!(p.error.is_none());
        let ks: Vec<_> = p.lenience.iter().map(|l| (&l.kind, &text[l.span.range()])).collect();
        assert!(ks.contains(&(&LenienceKind::ByteOrderMark, "\u{FEFF}")));
        assert!(ks.contains(&(&LenienceKind::LineComment, "// c")));
        assert!(ks.contains(&(&LenienceKind::BlockComment, "/* b */")));
        assert!(ks.contains(&(&LenienceKind::InvisibleSpace('\u{00A0}'), "\u{00A0}")));
        assert_eq!(ks.iter().filter(|k| *k.0 == LenienceKind::TrailingComma).count(), 2);
        let dup = p.lenience.iter().find(|l| matches!(l.kind, LenienceKind::DuplicateKey(_))).unwrap();
        assert_eq!(&text[dup.span.range()], "\"a\"");
        assert!(dup.related.unwrap().start < dup.span.start);
        // the last duplicate wins
        assert_eq!(p.root.unwrap().get("a").unwrap().value.value, Value::Number("3".into()));
    }

    #[test]
    fn smart_quotes_are_accepted_and_reported() {
        let text = "{\u{201C}Effect\u{201D}: \u{201C}Allow\u{201D}}";
        let p = parse(text);
        assert!(p.error.is_none());
        assert_eq!(p.root.unwrap().get("Effect").unwrap().value.as_str(), Some("Allow"));
        assert_eq!(kinds(text).len(), 4);
    }

    #[test]
    fn errors_point_at_the_failing_position() {
        let cases = [
            ("{\"a\": 1 \"b\": 2}", 8, "expected `,`"),
            ("{\"a\": }", 6, "expected a value"),
            ("{\"a\": 1}\tdefault", 9, "after the end"),
            ("", 0, "empty"),
            ("{\"a\": XXXX}", 6, "strings must be quoted"),
            ("[1, 2", 5, "unterminated array"),
            ("{\"a\": \"x\ny\"}", 6, "line break"),
        ];
        for (text, at, msg) in cases {
            let e = parse(text).error.unwrap_or_else(|| panic!("no error for {text:?}"));
            assert_eq!(e.span.start as usize, at, "{text:?}: {e:?}");
            assert!(e.message.contains(msg), "{text:?}: {}", e.message);
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(1_000_000);
        let e = parse(&text).error.unwrap();
        assert!(e.message.contains("nesting"));
    }
}
