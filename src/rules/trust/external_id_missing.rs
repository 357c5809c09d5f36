//! CMK208 external-id-missing: a statement trusting Pinecone without an `sts:ExternalId`
//! condition (a warning; an error when the principal is `*`, where the trust rests entirely on
//! conditions).

use super::model::{EXTERNAL_ID, Pinecone, deny_requires_external_id};
use crate::diagnostic::Severity;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let pc = Pinecone::cached(ctx);
    // "Deny unless the external ID matches", for everyone or for Pinecone's roles.
    let everyone_or_pinecone =
        |i: usize| pc.names_pinecone[i] || policy.statements[i].principal.as_ref().is_some_and(|p| p.is_everyone());
    if deny_requires_external_id(policy, everyone_or_pinecone) {
        return;
    }
    let id = ctx.settings.console.external_id.as_deref().unwrap_or("<uuid-v4>");
    for (_, s) in pc.allow_statements() {
        if s.condition_entries(EXTERNAL_ID).next().is_some() {
            continue;
        }
        let Some(p) = &s.principal else { continue };
        let everyone = p.is_everyone();
        let mut message = "Pinecone's trust has no `sts:ExternalId` condition: any Pinecone project given this role's ARN can make Pinecone assume it and use your key (the confused-deputy problem the external ID prevents)".to_string();
        if everyone {
            message.push_str("; with `Principal: *` the trust rests entirely on its conditions, and Pinecone's all-regions form always includes the external ID");
        }
        let f = out.report(p.member.key_span, message);
        f.help(format!(
            "add `\"StringEquals\": {{\"sts:ExternalId\": \"{id}\"}}` to the statement's `Condition` (a fresh UUID v4, e.g. from `uuidgen`), and enter the same value as External ID when adding the key in the Pinecone console"
        ));
        if everyone {
            f.severity(Severity::Error);
        }
    }
}
