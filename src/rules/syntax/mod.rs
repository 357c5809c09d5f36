//! `CMK0xx`: the text is not the strict JSON IAM and KMS accept.

mod byte_order_mark;
mod duplicate_key;
mod invalid_json;
mod invisible_character;
mod json_comment;
mod smart_quote;
mod trailing_comma;

use super::{CheckFn, Reporter, RuleContext};

/// Rules the engine reports itself (before or instead of parsing).
fn engine_reported(_: &RuleContext<'_>, _: &mut Reporter) {}

pub(crate) const CHECKS: &[(&str, CheckFn)] = &[
    ("invalid-json", invalid_json::check),
    ("json-comment", json_comment::check),
    ("trailing-comma", trailing_comma::check),
    ("duplicate-key", duplicate_key::check),
    ("invisible-character", invisible_character::check),
    ("smart-quote", smart_quote::check),
    ("byte-order-mark", byte_order_mark::check),
    ("file-too-large", engine_reported),
    ("no-policy-found", engine_reported),
    ("statement-without-policy", engine_reported),
    ("invalid-yaml", engine_reported),
    ("invalid-hcl", engine_reported),
    ("unknown-at-plan-time", engine_reported),
];
