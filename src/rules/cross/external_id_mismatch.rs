//! CMK603 external-id-mismatch: the trust policy's external id differs from the one configured
//! for Pinecone (`[customer] external_id`, `preflight --external-id`), or two roles trusting
//! Pinecone share one.

use super::{SetupContext, SetupFindings};
use crate::rules::RuleId;
use std::collections::hash_map::Entry;

pub(crate) fn check(cx: &SetupContext<'_>, out: &mut SetupFindings) {
    if !cx.first_time {
        return;
    }
    let role = cx.role;
    // The configured id must be one the trust policy accepts (another one besides it is not
    // this rule's concern).
    if let Some(want) = cx.values.external_id.as_deref().filter(|w| !role.external_ids.iter().any(|e| e.matches(w))) {
        for e in role.external_ids.iter().filter(|e| !e.value.contains("${")) {
            out.push(
                RuleId::ExternalIdMismatch,
                &e.at,
                format!(
                    "the trust policy's external id `{}` differs from the one configured for Pinecone `{want}`",
                    e.value
                ),
                "use the external id shown in the Pinecone console (and `[customer] external_id`) in the trust policy"
                    .into(),
                cx.values.external_id_at.as_ref().map(|l| (l, "the external id configured for Pinecone".to_string())),
            );
        }
    }
    // Reuse: roles of one folder with a known identity (not loose sample policies), once.
    if role.ids.is_empty() {
        return;
    }
    let mut reported = false;
    // Facts are per role, external ids per statement: a role with one statement per region,
    // all with the same id, uses it once (the first statement stands for the role).
    let mut seen: Vec<&str> = Vec::new();
    for e in role.external_ids.iter().filter(|e| !e.value.contains("${") && !e.value.contains("XXXX")) {
        if seen.contains(&e.value.as_str()) {
            continue;
        }
        seen.push(&e.value);
        match out.first_use.entry((cx.setup.scope.to_string(), e.value.clone())) {
            Entry::Occupied(o) => {
                if !reported && (o.get().file != e.at.file || o.get().start.line != e.at.start.line) {
                    reported = true;
                    let first = o.get().clone();
                    out.push(
                        RuleId::ExternalIdMismatch,
                        &e.at,
                        format!("two roles trusting Pinecone use the same external id `{}`", e.value),
                        "give every role its own external id (a fresh UUID v4 per setup)".into(),
                        Some((&first, "also used here".into())),
                    );
                }
            }
            Entry::Vacant(v) => {
                v.insert(e.at.clone());
            }
        }
    }
}
