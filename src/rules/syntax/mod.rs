//! `CMK0xx`: the text is not the strict JSON IAM and KMS accept. CMK008..CMK014 are reported
//! by the engine itself, before or instead of parsing (see `crate::rules::implementation`).

pub(super) mod byte_order_mark;
pub(super) mod duplicate_key;
pub(super) mod invalid_json;
pub(super) mod invisible_character;
pub(super) mod json_comment;
pub(super) mod smart_quote;
pub(super) mod trailing_comma;
