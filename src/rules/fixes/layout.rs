//! Where a fix's new lines go: the file's line ending, and the line after a YAML block
//! mapping's last member or a block sequence's last item, at their indentation.

use crate::json::{Node, Value};
use crate::source::Span;

/// The line ending of the line at `at` (else the text's first, else `\n`): CRLF files stay CRLF.
pub(super) fn newline_at(text: &str, at: usize) -> &'static str {
    let from = text.get(at..).and_then(|t| t.find('\n').map(|i| at + i)).or_else(|| text.find('\n'));
    match from {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The end of the line `at` is on (before its line ending) when nothing but a comma and an
/// HCL comment follow `at` there, else `at`.
pub(super) fn line_end(text: &str, at: usize) -> usize {
    let Some(tail) = text.get(at..) else { return at };
    let line_end = tail.find('\n').map_or(text.len(), |i| at + i);
    let rest = text[at..line_end].trim();
    let rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    if rest.is_empty() || rest.starts_with('#') || rest.starts_with("//") {
        text[..line_end].strip_suffix('\r').map_or(line_end, str::len)
    } else {
        at
    }
}

/// For a YAML block mapping's last member (its key at `key`, its value `value`): the
/// indentation of a new key (the key's column, as spaces) and where its line goes (after the
/// line the value ends on). `None` when the key does not start its line (after `- ` marks),
/// or the value does not end a line of its own (a multi-line or block scalar, something other
/// than a comment after it).
pub(super) fn yaml_block_line(text: &str, key: Span, value: &Node) -> Option<(String, usize)> {
    let line_start = text.get(..key.start as usize)?.rfind('\n').map_or(0, |i| i + 1);
    let prefix = text.get(line_start..key.start as usize)?;
    if !prefix.chars().all(|c| c == ' ' || c == '-') {
        return None;
    }
    Some((" ".repeat(prefix.len()), after_line(text, value)?))
}

/// For a YAML block sequence's last item: the indentation of its `-` and where a new item's
/// line goes (as [`yaml_block_line`]).
pub(super) fn yaml_item_line(text: &str, item: &Node) -> Option<(String, usize)> {
    let start = item.span.start as usize;
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let prefix = text.get(line_start..start)?.trim_end_matches(' ');
    let dash = prefix.strip_suffix('-')?;
    if !dash.chars().all(|c| c == ' ' || c == '-') {
        return None;
    }
    Some((" ".repeat(dash.len()), after_line(text, item)?))
}

/// The start of the line after the one `node` ends on, when it ends a line: nothing but
/// spaces and a comment after it (the text's end when it has no line after).
fn after_line(text: &str, node: &Node) -> Option<usize> {
    let last = last_leaf(text, node)?;
    let end = last.span.end as usize;
    let line_end = text.get(end..)?.find('\n').map_or(text.len(), |i| end + i);
    let rest = text[end..line_end].trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    Some(if line_end == text.len() { line_end } else { line_end + 1 })
}

/// The node a block collection ends with (a flow collection or a one-line scalar); `None` for
/// a scalar on several lines (a block scalar, a folded plain one) or an empty value.
fn last_leaf<'n>(text: &str, node: &'n Node) -> Option<&'n Node> {
    let written = text.get(node.span.range())?;
    if written.is_empty() {
        return None;
    }
    if written.starts_with(['{', '[']) {
        return Some(node);
    }
    match &node.value {
        Value::Object(members) => last_leaf(text, &members.last()?.value),
        Value::Array(items) => last_leaf(text, items.last()?),
        _ => (!written.contains('\n') && !written.starts_with(['|', '>'])).then_some(node),
    }
}
