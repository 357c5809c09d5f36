//! Building blocks of the rules' fixes (see `crate::fix`).

use crate::fix::Edit;
use crate::json::Member;
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
