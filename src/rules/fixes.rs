//! Building blocks of the rules' fixes (see `crate::fix`).

use crate::fix::Edit;
use crate::json::{Member, Node};
use crate::policy::{ConditionBlock, Statement};

/// An edit renaming a condition block's operator to `to` (`StringEquals` → `StringLike`), or
/// `None` when that cannot be done exactly: the key is not written as plain `"text"` in `text`,
/// the statement's `Condition` already has a `to` block (the rename would make a duplicate), or
/// the block tests other keys too (the rename would change their test as well: `…IfExists` on
/// `aws:SourceVpce` next to `sts:ExternalId` would start to require it).
pub(crate) fn rename_operator(text: &str, s: &Statement<'_>, block: &ConditionBlock<'_>, to: &str) -> Option<Edit> {
    if block.entries.len() != 1 {
        return None;
    }
    let key: &Member = block.member;
    let written = text.get(key.key_span.start as usize..key.key_span.end as usize)?;
    if written.len() != key.key.len() + 2 || written[1..written.len() - 1] != *key.key || !written.starts_with('"') {
        return None;
    }
    let siblings = s.condition?.value.as_object()?;
    if siblings.iter().any(|m| &*m.key == to) {
        return None;
    }
    Some(Edit::replace(key.key_span, format!("\"{to}\"")))
}

/// An edit adding `member` (`"Key": value`, written) as the last member of the object `obj`,
/// or `None` when `obj` is not written as `{...}` at its span in `text`. After the last member
/// it goes on a line of its own, indented as that member and with the file's line ending, when
/// that member starts its line; else inline (`, "Key": value`). In an empty object it goes
/// right after the `{`.
pub(crate) fn append_member(text: &str, obj: &Node, member: &str) -> Option<Edit> {
    let (start, end) = (obj.span.start as usize, obj.span.end as usize);
    let written = text.get(start..end)?;
    if !(written.starts_with('{') && written.ends_with('}')) {
        return None;
    }
    let members = obj.as_object()?;
    let Some(last) = members.last() else {
        return Some(Edit::insert(start + 1, member));
    };
    let (key, at) = (last.key_span.start as usize, last.value.span.end as usize);
    // The last member must lie inside the object, on character boundaries.
    if !(start < key && key < at && at < end) || text.get(key..at).is_none() {
        return None;
    }
    let line_start = text[..key].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..key];
    let separator = if line_start > start && indent.chars().all(|c| c == ' ' || c == '\t') {
        let newline = if text[..line_start].ends_with("\r\n") { "\r\n" } else { "\n" };
        format!("{newline}{indent}")
    } else {
        " ".to_string()
    };
    Some(Edit::insert(at, format!(",{separator}{member}")))
}
