//! CMK208 external-id-missing: a statement trusting Pinecone without an `sts:ExternalId`
//! condition (a warning; an error when the principal is `*`, where the trust rests entirely on
//! conditions).

use super::model::{EXTERNAL_ID, Pinecone, deny_requires_external_id};
use crate::data::placeholders::{find_placeholder, has_expression};
use crate::diagnostic::Severity;
use crate::fix::Fix;
use crate::json::Member;
use crate::policy::Statement;
use crate::rules::fixes::{Val, append_member};
use crate::rules::{Reporter, RuleContext};

/// The condition key the fix writes, as IAM spells it.
const EXTERNAL_ID_KEY: &str = "sts:ExternalId";

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let pc = Pinecone::cached(ctx);
    // "Deny unless the external ID matches", for everyone or for Pinecone's roles.
    let everyone_or_pinecone =
        |i: usize| pc.names_pinecone[i] || policy.statements[i].principal.as_ref().is_some_and(|p| p.is_everyone());
    if deny_requires_external_id(policy, everyone_or_pinecone) {
        return;
    }
    let configured = ctx.settings.console.external_id.as_deref();
    let id = configured.unwrap_or("<uuid-v4>");
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
        f.fix(add_external_id(ctx, s, configured));
    }
}

/// CMK208's fix: `"StringEquals": {"sts:ExternalId": "<id>"}` with the configured external ID
/// (`[customer] external_id`, `--external-id`), written in the text's syntax (JSON, YAML, HCL;
/// see `crate::rules::fixes`): a new `Condition` member after the
/// statement's last member, a new entry of its `StringEquals` block, or a new `StringEquals`
/// block of its `Condition`. Unsafe: callers without that external ID are no longer let in.
/// Display-only when no usable ID is configured (none, a placeholder, a deploy-time
/// expression), when `Condition` is not an object, when the keys it would join are written more
/// than once (in any case), or when the objects are not written as objects at their spans.
fn add_external_id(ctx: &RuleContext<'_>, s: &Statement<'_>, configured: Option<&str>) -> Fix {
    let suggestion =
        |id: &str| format!("add `\"StringEquals\": {{\"sts:ExternalId\": \"{id}\"}}` to the statement's `Condition`");
    let Some(id) = configured else {
        return Fix::display_only(format!(
            "{} with a fresh UUID v4; with `[customer] external_id` (or `--external-id`) set, `--fix --unsafe-fixes` adds it",
            suggestion("<uuid-v4>")
        ));
    };
    if has_expression(id) || find_placeholder(id.trim()).is_some() {
        return Fix::display_only(suggestion(id));
    }
    let quoted = crate::json::quote(id);
    let entry = || Val::str(id);
    let named = |members: &[Member], key: &str| members.iter().filter(|m| m.key.eq_ignore_ascii_case(key)).count();
    let edit = s.node.as_object().and_then(|members| match s.condition {
        None if named(members, "Condition") == 0 => {
            append_member(ctx, s.node, "Condition", &Val::map("StringEquals", Val::map(EXTERNAL_ID_KEY, entry())))
        }
        Some(c) if named(members, "Condition") == 1 => {
            let blocks = c.value.as_object()?;
            match (named(blocks, "StringEquals"), blocks.iter().find(|m| &*m.key == "StringEquals")) {
                (0, _) => append_member(ctx, &c.value, "StringEquals", &Val::map(EXTERNAL_ID_KEY, entry())),
                (1, Some(block)) => append_member(ctx, &block.value, EXTERNAL_ID_KEY, &entry()),
                _ => None,
            }
        }
        _ => None,
    });
    match edit {
        Some(edit) => Fix::unsafe_edits(
            format!(
                "add `\"StringEquals\": {{\"sts:ExternalId\": {quoted}}}` (the configured external ID) to the statement's `Condition`"
            ),
            vec![edit],
        )
        .isolated(crate::rules::fixes::condition_part(s)),
        None => Fix::display_only(suggestion(id)),
    }
}
