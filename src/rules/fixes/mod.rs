//! Building blocks of the rules' fixes (see `crate::fix`), written in the syntax of the text
//! the rule checked (`RuleContext::syntax`: JSON, a CloudFormation template's YAML, Terraform's
//! HCL). Each reads what is written where it edits and returns `None` when that is not what
//! the tree says or not a shape it edits exactly (the fix is then display-only): the engine
//! further refuses edits in parts of the file whose bytes are not the document's values as
//! written (an intrinsic function, a YAML anchor or alias).

mod layout;
pub(crate) mod scalar;
pub(crate) mod write;

use crate::fix::{Edit, Syntax};
use crate::json::{Member, Node, Value};
use crate::policy::{ConditionBlock, Statement};
use crate::rules::RuleContext;
use crate::source::Span;
use layout::{newline_at, yaml_block_line};
use write::HclMembers;
pub(crate) use write::Val;

/// The part of a statement a fix adding or renaming a condition block or entry is isolated to
/// (see `Fix::isolation`): the whole statement, which holds its `Condition` or gets one.
pub(crate) fn condition_part(s: &Statement<'_>) -> Span {
    s.node.span
}

/// An edit renaming a condition block's operator to `to` (`StringEquals` → `StringLike`), in
/// the style its key is written in, or `None` when that cannot be done exactly: the key as
/// written is not the operator, the statement's `Condition` already has a `to` block (the
/// rename would make a duplicate), or the block tests other keys too (the rename would change
/// their test as well: `…IfExists` on `aws:SourceVpce` next to `sts:ExternalId` would start to
/// require it).
pub(crate) fn rename_operator(
    ctx: &RuleContext<'_>,
    s: &Statement<'_>,
    block: &ConditionBlock<'_>,
    to: &str,
) -> Option<Edit> {
    if block.entries.len() != 1 {
        return None;
    }
    let key: &Member = block.member;
    let written = scalar::read_key(ctx.text, ctx.syntax, key.key_span)?;
    if written.value != *key.key {
        return None;
    }
    let siblings = s.condition?.value.as_object()?;
    // A key written twice (CMK004): which of the two a parser keeps is unknown, so renaming one
    // may bring the other back into force.
    if siblings.iter().any(|m| &*m.key == to) || siblings.iter().filter(|m| m.key == key.key).count() > 1 {
        return None;
    }
    Some(Edit::replace(key.key_span, write::key(ctx.syntax, to, Some(written.style), false)))
}

/// An edit writing `value` for the string `node`, in the style it is written in when that can
/// hold it; `None` unless `node` is a string written as one scalar.
pub(crate) fn set_string(ctx: &RuleContext<'_>, node: &Node, value: &str) -> Option<Edit> {
    let written = scalar::read(ctx.text, ctx.syntax, node.span)?;
    if Some(written.value.as_str()) != node.as_str() {
        return None;
    }
    Some(Edit::replace(node.span, write::string(ctx.syntax, value, Some(written.style), false)))
}

/// An edit replacing bytes `start..end` of the string `node`'s value with `value`: only when
/// the string is written without escapes (its bytes are its value's), and stays so with
/// `value` in it (the new scalar reads back as the new string).
pub(crate) fn set_in_string(ctx: &RuleContext<'_>, node: &Node, start: usize, end: usize, value: &str) -> Option<Edit> {
    let written = scalar::read(ctx.text, ctx.syntax, node.span)?;
    let base = written.verbatim?;
    let old = node.as_str()?;
    if written.value != old || !old.is_char_boundary(start) || !old.is_char_boundary(end) || end > old.len() {
        return None;
    }
    let new = format!("{}{value}{}", &old[..start], &old[end..]);
    // The scalar with the edit, as it would be written: it must read back as `new`, verbatim.
    let range = Span::new(base + start, base + end);
    let before = ctx.text.get(node.span.start as usize..range.start as usize)?;
    let after = ctx.text.get(range.end as usize..node.span.end as usize)?;
    let text = format!("{before}{value}{after}");
    let reread = scalar::read(&text, ctx.syntax, Span::new(0, text.len()))?;
    let plain_ok = written.style != scalar::Style::YamlPlain || write::yaml_plain(&new);
    (reread.value == new && reread.verbatim.is_some() && plain_ok).then(|| Edit::replace(range, value))
}

/// An edit adding `name: value` as the last member of the object `obj`, or `None` when `obj`
/// is not written as an object at its span (`{...}`, or a YAML block mapping whose members are
/// where the tree says, its last value one line). Inline (`, "Key": value`) unless the last
/// member starts its line: then on a line of its own, indented as that member, with the
/// file's line ending (YAML: block lines after the last member's line). In an empty object it
/// goes right after the `{`.
pub(crate) fn append_member(ctx: &RuleContext<'_>, obj: &Node, name: &str, value: &Val) -> Option<Edit> {
    let (text, syntax) = (ctx.text, ctx.syntax);
    let (start, end) = (obj.span.start as usize, obj.span.end as usize);
    let written = text.get(start..end)?;
    let members = obj.as_object()?;
    if !in_order(obj, members) {
        return None;
    }
    if syntax == Syntax::Yaml && !written.starts_with('{') {
        let last = members.last()?;
        let (indent, at) = yaml_block_line(text, last.key_span, &last.value)?;
        let newline = newline_at(text, at);
        let lines = write::yaml_block(name, value, &indent, newline);
        return Some(insert_line(text, at, lines, newline));
    }
    if !(written.starts_with('{') && written.ends_with('}')) {
        return None;
    }
    let Some(last) = members.last() else {
        return Some(Edit::insert(start + 1, write::member(syntax, name, value, HclMembers::default())));
    };
    let (key, at) = (last.key_span.start as usize, last.value.span.end as usize);
    let member = write::member(syntax, name, value, hcl_members(text, last));
    let line_start = text.get(..key)?.rfind('\n').map_or(0, |i| i + 1);
    let indent = text.get(line_start..key)?;
    let own_line = line_start > start && indent.chars().all(|c| c == ' ' || c == '\t');
    let newline = newline_at(text, line_start);
    Some(match syntax {
        // HCL needs no comma between members on their own lines: one is written when the
        // members have them and nothing follows the last one on its line; else the new member
        // goes after what ends that line (a comma, a comment).
        Syntax::Hcl if own_line => {
            let commas = members.len() > 1 && {
                let before = &members[members.len() - 2];
                text.get(before.value.span.end as usize..key).is_some_and(|t| t.contains(','))
            };
            let after = layout::line_end(text, at);
            let rest = text.get(at..).unwrap_or("").split('\n').next().unwrap_or("").trim();
            if commas && rest.is_empty() {
                Edit::insert(at, format!(",{newline}{indent}{member}"))
            } else {
                Edit::insert(after, format!("{newline}{indent}{member}"))
            }
        }
        Syntax::Hcl => Edit::insert(at, format!(", {member}")),
        _ if own_line => Edit::insert(at, format!(",{newline}{indent}{member}")),
        _ => Edit::insert(at, format!(", {member}")),
    })
}

/// An edit adding `name: value` as the first member of the object `obj` (`None` as for
/// [`append_member`]): before the first member, on a line of its own indented as it when it
/// starts its line (YAML block mapping: always, at its column).
pub(crate) fn prepend_member(ctx: &RuleContext<'_>, obj: &Node, name: &str, value: &Val) -> Option<Edit> {
    let (text, syntax) = (ctx.text, ctx.syntax);
    let (start, end) = (obj.span.start as usize, obj.span.end as usize);
    let written = text.get(start..end)?;
    let members = obj.as_object()?;
    if !in_order(obj, members) {
        return None;
    }
    let block = syntax == Syntax::Yaml && !written.starts_with('{');
    let braced = written.starts_with('{') && written.ends_with('}');
    if !(block || braced) {
        return None;
    }
    let Some(first) = members.first() else {
        return (!block).then(|| Edit::insert(start + 1, write::member(syntax, name, value, HclMembers::default())));
    };
    let at = first.key_span.start as usize;
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let newline = newline_at(text, line_start);
    if block {
        // At the first key's column: after `- ` when the mapping is a sequence item.
        let prefix = text.get(line_start..at)?;
        if !prefix.chars().all(|c| c == ' ' || c == '-') {
            return None;
        }
        let indent = " ".repeat(prefix.len());
        let lines = write::yaml_block(name, value, "", newline);
        return Some(Edit::insert(at, format!("{lines}{indent}")));
    }
    let before = text.get(start + 1..at)?;
    let separator = match before.rfind('\n') {
        Some(i) if before[i + 1..].chars().all(|c| c == ' ' || c == '\t') => format!("{newline}{}", &before[i + 1..]),
        _ => " ".to_string(),
    };
    let member = write::member(syntax, name, value, hcl_members(text, first));
    Some(match syntax {
        Syntax::Hcl if separator != " " => Edit::insert(at, format!("{member}{separator}")),
        _ => Edit::insert(at, format!("{member},{separator}")),
    })
}

/// An edit adding the strings `items` at the end of `node`, a list (`[...]`, a YAML block
/// sequence of one-line items) or one string (which becomes a list of it and them).
pub(crate) fn append_items(ctx: &RuleContext<'_>, node: &Node, items: &[&str]) -> Option<Edit> {
    let (text, syntax) = (ctx.text, ctx.syntax);
    let written = text.get(node.span.range())?;
    match &node.value {
        Value::String(s) => {
            let scalar = scalar::read(text, syntax, node.span)?;
            if scalar.value != **s {
                return None;
            }
            // The string as written, unless it is a plain YAML scalar (not written in a flow list).
            let first = match scalar.style {
                scalar::Style::YamlPlain => write::string(syntax, s, None, true),
                _ => written.to_string(),
            };
            let rest: Vec<String> = items.iter().map(|i| write::string(syntax, i, None, true)).collect();
            Some(Edit::replace(node.span, format!("[{first}, {}]", rest.join(", "))))
        }
        Value::Array(list) => {
            if syntax == Syntax::Yaml && !written.starts_with('[') {
                let last = list.last()?;
                if !list.windows(2).all(|w| w[0].span.end <= w[1].span.start) || last.span.end > node.span.end {
                    return None;
                }
                let (indent, at) = layout::yaml_item_line(text, last)?;
                let newline = newline_at(text, at);
                let lines: String = items.iter().map(|i| write::yaml_item(i, &indent, newline)).collect();
                return Some(insert_line(text, at, lines, newline));
            }
            if !(written.starts_with('[') && written.ends_with(']')) {
                return None;
            }
            let quoted: Vec<String> = items.iter().map(|i| write::string(syntax, i, None, true)).collect();
            Some(match list.last() {
                Some(last) if node.span.start < last.span.start && last.span.end < node.span.end => {
                    Edit::insert(last.span.end as usize, format!(", {}", quoted.join(", ")))
                }
                Some(_) => return None,
                None => Edit::insert(node.span.start as usize + 1, quoted.join(", ")),
            })
        }
        _ => None,
    }
}

/// Lines inserted at `at`, the start of a line (or the end of a text without a final line
/// ending, which then gets one first).
fn insert_line(text: &str, at: usize, lines: String, newline: &str) -> Edit {
    if at == text.len() && !text.ends_with('\n') {
        let lines = lines.strip_suffix(newline).unwrap_or(&lines);
        return Edit::insert(at, format!("{newline}{lines}"));
    }
    Edit::insert(at, lines)
}

/// The members of `obj` lie inside it, in order (a YAML alias's copy lies where its anchor
/// is: an object holding one is not edited).
fn in_order(obj: &Node, members: &[Member]) -> bool {
    let mut at = obj.span.start;
    members.iter().all(|m| {
        let ok = at <= m.key_span.start && m.key_span.end <= m.value.span.start && m.value.span.end <= obj.span.end;
        at = m.value.span.end;
        ok
    })
}

/// How the HCL object holding `member` writes its members, as `member` is: its key quoted or
/// bare, `:` or `=` (spaced as it is, without alignment padding).
fn hcl_members(text: &str, member: &Member) -> HclMembers {
    let between = text.get(member.key_span.end as usize..member.value.span.start as usize).unwrap_or("");
    let separator = match between.trim() {
        ":" if between.starts_with(':') => ": ",
        ":" => " : ",
        _ => " = ",
    };
    let quoted = text.get(member.key_span.range()).is_some_and(|k| k.starts_with('"'));
    HclMembers { quoted, separator }
}
