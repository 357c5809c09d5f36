//! `CMK0xx`: the text is not the strict JSON IAM and KMS accept. CMK008..CMK014 are reported
//! by the engine itself, before or instead of parsing (see `crate::rules::implementation`).

pub(super) mod byte_order_mark;
pub(super) mod duplicate_key;
pub(super) mod invalid_json;
pub(super) mod invisible_character;
pub(super) mod json_comment;
pub(super) mod smart_quote;
pub(super) mod trailing_comma;

use crate::source::Span;

/// What deleting `span` (a comment) should delete: its whole line when nothing else is on it,
/// else the comment with the spaces before it. `span` unchanged when it does not fit `text`.
pub(super) fn with_its_line(text: &str, span: Span) -> Span {
    let (start, end) = (span.start as usize, span.end as usize);
    let (Some(before), Some(after)) = (text.get(..start), text.get(end..)) else {
        return span;
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let lead = &before[line_start..];
    let blank_before = lead.chars().all(|c| c == ' ' || c == '\t');
    let rest = after.find('\n').map_or(after, |i| &after[..i]);
    let blank_after = rest.trim_end_matches('\r').chars().all(|c| c == ' ' || c == '\t');
    if blank_before && blank_after && after.contains('\n') {
        let line_end = end + after.find('\n').map_or(after.len(), |i| i + 1);
        return Span::new(line_start, line_end);
    }
    let spaces = lead.len() - lead.trim_end_matches([' ', '\t']).len();
    if blank_after && !blank_before { Span::new(start - spaces, end) } else { span }
}
