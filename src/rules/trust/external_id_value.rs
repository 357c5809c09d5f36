//! CMK210 external-id-value: the external ID itself: outside IAM's syntax (error), not random
//! (error), or not the UUID v4 Pinecone asks for (warning; info for a UUID of another version).
//!
//! A value other than `[customer] external_id` of cmek-lint.toml is CMK603's (it points at both
//! the trust policy and the config file).
//!
//! Placeholders such as `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` are CMK115's, patterns CMK209's
//! and wildcards under `StringEquals` CMK114's; values known only at deploy time are skipped.

use super::model::{
    EXTERNAL_ID, Pinecone, external_id_syntax_ok, grants_trust_action, has_wildcard, is_unknown, uuid_version,
    value_text,
};
use crate::data::placeholders::placeholder_kind;
use crate::diagnostic::Severity;
use crate::rules::util::sub_span;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let pc = Pinecone::cached(ctx);
    for (i, s) in policy.statements.iter().enumerate() {
        if !s.is_allow() || !grants_trust_action(s) {
            continue;
        }
        for (block, e) in s.condition_entries(EXTERNAL_ID) {
            let op = &block.operator;
            if op.is_negated() || !op.is_positive_match() {
                continue;
            }
            for v in &e.values {
                let Some(text) = value_text(v) else { continue };
                if is_unknown(text) || has_wildcard(text) || placeholder_kind(text).is_some() {
                    continue;
                }
                if !external_id_syntax_ok(text) {
                    let bad =
                        text.char_indices().find(|(_, c)| !(c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(*c)));
                    let (span, why) = match bad {
                        Some((at, c)) => (
                            sub_span(v, at, at + c.len_utf8()),
                            if c.is_whitespace() {
                                "whitespace is not allowed in an external ID".to_string()
                            } else {
                                format!("`{}` is not allowed in an external ID", c.escape_debug())
                            },
                        ),
                        None if text.len() < 2 => (v.span, "an external ID has at least 2 characters".to_string()),
                        None => {
                            (v.span, format!("an external ID has at most 1,224 characters, this one {}", text.len()))
                        }
                    };
                    out.report(span, format!("{why}: STS accepts only 2–1,224 letters, digits and `_+=,.@:/-`, so Pinecone can never pass this ID and cannot assume the role"))
                        .help("use a UUID v4 (e.g. from `uuidgen`)");
                    continue;
                }
                if text.len() >= 8 && one_character_repeated(text) {
                    out.report(v.span, format!("`{text}` is not random: anyone can guess it, so it does not tell your project apart from another Pinecone customer's"))
                        .help("use a freshly generated UUID v4 (e.g. from `uuidgen`)");
                    continue;
                }
                if !pc.names_pinecone[i] {
                    continue;
                }
                match uuid_version(text) {
                    Some((true, _)) => {}
                    Some((false, version)) => {
                        out.report(v.span, format!("`{text}` is a UUID but not version 4 (version `{version}` or a non-RFC variant): Pinecone asks for a random UUID v4"))
                            .severity(Severity::Info)
                            .help("generate one with `uuidgen` (or `python3 -c 'import uuid; print(uuid.uuid4())'`)");
                    }
                    None => {
                        out.report(v.span, format!("`{text}` is not the UUID v4 Pinecone asks for: a short or meaningful external ID can be guessed or reused, which defeats its purpose of telling your project apart"))
                            .severity(Severity::Warning)
                            .help("generate one with `uuidgen`, put it here and enter it as External ID in the Pinecone console");
                    }
                }
            }
        }
    }
}

/// At most one distinct character, case aside, besides `-` (`XXXXXXXX-XXXX-…`, `00000000-…`).
fn one_character_repeated(text: &str) -> bool {
    let mut chars = text.chars().filter(|c| *c != '-').map(|c| c.to_ascii_lowercase());
    let first = chars.next();
    chars.all(|c| Some(c) == first)
}
