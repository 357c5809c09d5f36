//! Reading a scalar as it is written in the text a rule checked: its value, its style, and
//! whether its bytes are its value's (no escapes), so that a fix can rewrite it in the same
//! style or edit a part of it. Anything this does not read exactly (a multi-line or block
//! scalar, a tagged or anchored one, a Terraform template with interpolations, escapes it
//! does not know) is `None`: the fix is then display-only.

use crate::fix::Syntax;
use crate::source::Span;

/// How a scalar is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// A JSON string `"..."`.
    Json,
    /// A plain YAML scalar (`kms:Decrypt`).
    YamlPlain,
    /// A single-quoted YAML scalar (`'...'`, `''` for a quote).
    YamlSingle,
    /// A double-quoted YAML scalar (escapes as JSON's, which YAML's include).
    YamlDouble,
    /// An HCL quoted string without interpolation (`"..."`, `$${` for a literal `${`).
    HclQuoted,
    /// A bare HCL identifier (an object key).
    HclIdent,
}

/// A scalar as written.
#[derive(Debug)]
pub(crate) struct Scalar {
    pub value: String,
    pub style: Style,
    /// The value's bytes are the text's from this offset on, one for one (no escapes).
    pub verbatim: Option<usize>,
}

/// The string value written at `span` (not a key: a bare HCL identifier is a reference there).
pub(crate) fn read(text: &str, syntax: Syntax, span: Span) -> Option<Scalar> {
    let written = text.get(span.range())?;
    let at = span.start as usize;
    match syntax {
        Syntax::Json => json(written, at, Style::Json),
        Syntax::Yaml => yaml(written, at),
        Syntax::Hcl => hcl(written, at),
    }
}

/// The key written at `span`: as [`read`], and a bare HCL identifier.
pub(crate) fn read_key(text: &str, syntax: Syntax, span: Span) -> Option<Scalar> {
    let written = text.get(span.range())?;
    if syntax == Syntax::Hcl && is_identifier(written) {
        return Some(Scalar {
            value: written.to_string(),
            style: Style::HclIdent,
            verbatim: Some(span.start as usize),
        });
    }
    read(text, syntax, span)
}

/// A valid HCL identifier: a key written bare.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn json(written: &str, at: usize, style: Style) -> Option<Scalar> {
    if written.len() < 2 || !written.starts_with('"') || !written.ends_with('"') {
        return None;
    }
    let value: String = serde_json::from_str(written).ok()?;
    let verbatim = (!written.contains('\\')).then_some(at + 1);
    Some(Scalar { value, style, verbatim })
}

fn yaml(written: &str, at: usize) -> Option<Scalar> {
    if written.contains(['\n', '\r']) {
        return None;
    }
    if written.starts_with('"') {
        return json(written, at, Style::YamlDouble);
    }
    if let Some(inner) = written.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'')?;
        // Every quote inside is doubled.
        if inner.replace("''", "").contains('\'') {
            return None;
        }
        let verbatim = (!inner.contains('\'')).then_some(at + 1);
        return Some(Scalar { value: inner.replace("''", "'"), style: Style::YamlSingle, verbatim });
    }
    let first = written.chars().next()?;
    if written.trim() != written || "!&*|>%@`#'\"{[,".contains(first) || written.contains(" #") {
        return None;
    }
    Some(Scalar { value: written.to_string(), style: Style::YamlPlain, verbatim: Some(at) })
}

fn hcl(written: &str, at: usize) -> Option<Scalar> {
    let inner = written.strip_prefix('"')?.strip_suffix('"')?;
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.char_indices().peekable();
    let mut escaped = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                escaped = true;
                let (_, e) = chars.next()?;
                match e {
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    '"' => value.push('"'),
                    '\\' => value.push('\\'),
                    'u' | 'U' => {
                        let len = if e == 'u' { 4 } else { 8 };
                        let hex = inner.get(i + 2..i + 2 + len)?;
                        value.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                        for _ in 0..len {
                            chars.next();
                        }
                    }
                    _ => return None,
                }
            }
            '$' | '%' if inner[i + 1..].starts_with(c) && inner[i + 2..].starts_with('{') => {
                escaped = true;
                value.push(c);
                chars.next();
            }
            // An interpolation or a directive: a template, not a literal.
            '$' | '%' if inner[i + 1..].starts_with('{') => return None,
            '\n' => return None,
            c => value.push(c),
        }
    }
    Some(Scalar { value, style: Style::HclQuoted, verbatim: (!escaped).then_some(at + 1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, syntax: Syntax) -> Option<Scalar> {
        read(text, syntax, Span::new(0, text.len()))
    }

    #[test]
    fn reads_each_style_and_refuses_what_it_cannot_read_exactly() {
        let s = at("'it''s'", Syntax::Yaml).unwrap();
        assert_eq!((s.value.as_str(), s.style, s.verbatim), ("it's", Style::YamlSingle, None));
        let s = at("kms:Decrypt", Syntax::Yaml).unwrap();
        assert_eq!((s.value.as_str(), s.style, s.verbatim), ("kms:Decrypt", Style::YamlPlain, Some(0)));
        assert_eq!(at("\"a\\/b\"", Syntax::Yaml).unwrap().value, "a/b");
        for refused in ["!Sub x", "*alias", "&a x", "|", "a\n  b", "'a' 'b'"] {
            assert!(at(refused, Syntax::Yaml).is_none(), "{refused}");
        }
        let s = at("\"a$${b}\\n\"", Syntax::Hcl).unwrap();
        assert_eq!((s.value.as_str(), s.verbatim), ("a${b}\n", None));
        assert_eq!(at("\"x\"", Syntax::Hcl).unwrap().verbatim, Some(1));
        for refused in ["\"${var.a}\"", "\"%{if x}\"", "var.a", "\"a\\q\""] {
            assert!(at(refused, Syntax::Hcl).is_none(), "{refused}");
        }
        assert_eq!(read_key("StringEquals", Syntax::Hcl, Span::new(0, 12)).unwrap().style, Style::HclIdent);
        assert!(at("\u{201c}a\u{201d}", Syntax::Json).is_none());
    }
}
