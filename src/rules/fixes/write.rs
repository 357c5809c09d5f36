//! Writing what a fix adds in the syntax of the text it goes into: strings and keys (JSON
//! strings; YAML plain scalars when that reads back as the same string, else double-quoted;
//! HCL quoted strings with HCL's escapes, keys bare when they are identifiers), and small
//! values ([`Val`]: strings and mappings) inline (JSON; the same text as a YAML flow value; HCL `{ k = v }`) or as
//! YAML block lines.

use super::scalar::{Style, is_identifier};
use crate::fix::Syntax;

/// A value a fix writes: a string, or a mapping.
#[derive(Clone, Debug)]
pub(crate) enum Val {
    Str(String),
    Map(Vec<(String, Val)>),
}

impl Val {
    pub fn str(s: &str) -> Val {
        Val::Str(s.to_string())
    }
    pub fn map(key: &str, value: Val) -> Val {
        Val::Map(vec![(key.to_string(), value)])
    }
}

/// How the members of an HCL object are written, as the members around them are: keys quoted
/// (`"Effect" : "Allow"`, as `terraform fmt` keeps JSON-style objects) or bare when they are
/// identifiers, with `=` or `:`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HclMembers {
    pub quoted: bool,
    pub separator: &'static str,
}

impl Default for HclMembers {
    fn default() -> Self {
        HclMembers { quoted: false, separator: " = " }
    }
}

/// A string value, in `like`'s style when it can be (a rewritten scalar keeps its quoting),
/// else in the syntax's usual one. `flow`: inside a YAML flow collection (a plain scalar there
/// holds no `:`, which YAML 1.1 parsers read differently).
pub(crate) fn string(syntax: Syntax, value: &str, like: Option<Style>, flow: bool) -> String {
    match syntax {
        Syntax::Json => crate::json::quote(value),
        Syntax::Hcl => hcl(value),
        Syntax::Yaml => match like {
            Some(Style::YamlSingle) if !value.chars().any(char::is_control) => {
                format!("'{}'", value.replace('\'', "''"))
            }
            Some(Style::YamlDouble) => crate::json::quote(value),
            _ if yaml_plain(value) && !(flow && value.contains(':')) => value.to_string(),
            _ => crate::json::quote(value),
        },
    }
}

/// A key: as [`string`], and in HCL bare when it is an identifier (unless `like` is quoted).
pub(crate) fn key(syntax: Syntax, name: &str, like: Option<Style>, flow: bool) -> String {
    match (syntax, like) {
        (Syntax::Hcl, Some(Style::HclQuoted)) => hcl(name),
        (Syntax::Hcl, _) if is_identifier(name) => name.to_string(),
        _ => string(syntax, name, like, flow),
    }
}

/// A value written inline: `{"k": "v"}` (JSON), `{k: v}` (YAML flow: plain scalars where they
/// read back as written), `{ k = "v" }` (HCL, its members as `hcl` says).
pub(crate) fn inline(syntax: Syntax, value: &Val, hcl: HclMembers) -> String {
    match value {
        Val::Str(s) => string(syntax, s, None, true),
        Val::Map(members) => {
            let members: Vec<String> = members.iter().map(|(k, v)| member(syntax, k, v, hcl)).collect();
            match syntax {
                Syntax::Hcl => format!("{{ {} }}", members.join(", ")),
                _ => format!("{{{}}}", members.join(", ")),
            }
        }
    }
}

/// `key: value` (JSON, YAML flow) or `key = value` (HCL, as `hcl` says), the value inline.
pub(crate) fn member(syntax: Syntax, name: &str, value: &Val, hcl: HclMembers) -> String {
    let like = (syntax == Syntax::Hcl && hcl.quoted).then_some(Style::HclQuoted);
    let k = key(syntax, name, like, true);
    let v = inline(syntax, value, hcl);
    match syntax {
        Syntax::Hcl => format!("{k}{}{v}", hcl.separator),
        _ => format!("{k}: {v}"),
    }
}

/// `key: value` as YAML block lines at `indent`, nested ones two spaces deeper, each line
/// ended by `newline`.
pub(crate) fn yaml_block(name: &str, value: &Val, indent: &str, newline: &str) -> String {
    let k = key(Syntax::Yaml, name, None, false);
    match value {
        Val::Str(s) => format!("{indent}{k}: {}{newline}", string(Syntax::Yaml, s, None, false)),
        Val::Map(members) => {
            let mut out = format!("{indent}{k}:{newline}");
            for (n, v) in members {
                out.push_str(&yaml_block(n, v, &format!("{indent}  "), newline));
            }
            out
        }
    }
}

/// `- item` as a YAML block sequence line at `indent`.
pub(crate) fn yaml_item(item: &str, indent: &str, newline: &str) -> String {
    format!("{indent}- {}{newline}", string(Syntax::Yaml, item, None, false))
}

/// An HCL quoted string: `\\`, `\"` and control characters escaped, and `${`/`%{` doubled so
/// that they stay literal (not an interpolation or a directive).
fn hcl(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` can be a plain YAML scalar that every YAML parser (1.1 and 1.2) reads back as
/// this string: letters, digits and `_./:@*+-` starting with a letter, digit or `/`, not a
/// number, boolean or null of either schema.
pub(crate) fn yaml_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    let charset = s.chars().all(|c| c.is_ascii_alphanumeric() || "_./:@*+-".contains(c));
    let numeric = s.chars().all(|c| c.is_ascii_digit() || "._:+-eE".contains(c));
    let lower = s.to_ascii_lowercase();
    let word = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"].contains(&lower.as_str());
    let radix = ["0x", "0o", "0b"].iter().any(|p| lower.starts_with(p));
    (first.is_ascii_alphanumeric() || first == '/')
        && charset
        && !numeric
        && !word
        && !radix
        && !s.ends_with(':')
        && !lower.starts_with(".inf")
        && !lower.starts_with(".nan")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_written_in_each_syntax() {
        assert_eq!(string(Syntax::Hcl, "a${b}%{c}\"\\", None, false), r#""a$${b}%%{c}\"\\""#);
        assert_eq!(string(Syntax::Hcl, "a/b", None, false), "\"a/b\"");
        assert_eq!(string(Syntax::Yaml, "kms:Encrypt", None, false), "kms:Encrypt");
        assert_eq!(string(Syntax::Yaml, "kms:Encrypt", None, true), "\"kms:Encrypt\"");
        assert_eq!(string(Syntax::Yaml, "Allow", None, true), "Allow");
        assert_eq!(string(Syntax::Yaml, "731429856012", None, false), "\"731429856012\"");
        assert_eq!(string(Syntax::Yaml, "yes", None, false), "\"yes\"");
        assert_eq!(string(Syntax::Yaml, "it's", Some(Style::YamlSingle), false), "'it''s'");
        assert_eq!(key(Syntax::Hcl, "StringEquals", None, false), "StringEquals");
        assert_eq!(key(Syntax::Hcl, "sts:ExternalId", None, false), "\"sts:ExternalId\"");
        assert_eq!(key(Syntax::Hcl, "StringLike", Some(Style::HclQuoted), false), "\"StringLike\"");
    }

    #[test]
    fn values_are_written_inline_and_as_yaml_blocks() {
        let v = Val::map("StringEquals", Val::map("sts:ExternalId", Val::str("x")));
        let bare = HclMembers::default();
        assert_eq!(inline(Syntax::Json, &v, bare), r#"{"StringEquals": {"sts:ExternalId": "x"}}"#);
        assert_eq!(inline(Syntax::Yaml, &v, bare), r#"{StringEquals: {"sts:ExternalId": x}}"#);
        assert_eq!(inline(Syntax::Hcl, &v, bare), r#"{ StringEquals = { "sts:ExternalId" = "x" } }"#);
        let quoted = HclMembers { quoted: true, separator: " : " };
        assert_eq!(inline(Syntax::Hcl, &v, quoted), r#"{ "StringEquals" : { "sts:ExternalId" : "x" } }"#);
        assert_eq!(
            yaml_block("Condition", &v, "  ", "\n"),
            "  Condition:\n    StringEquals:\n      sts:ExternalId: x\n"
        );
    }
}
