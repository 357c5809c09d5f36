//! CMK405 permissions-kms-overprivileged: the CMEK role's permissions policy allows `kms:*`,
//! `*`, `NotAction`, or administrative KMS actions.

use super::relevance::relevance;
use crate::data::kms::{admin_class, kms_actions_matching};
use crate::rules::key_policy::list_code;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    if relevance(ctx).is_none() {
        return;
    }
    let needed = list_code(&ctx.settings.key_actions);
    let help = format!("allow only what Pinecone needs, {needed}, on the key ARN");
    for s in policy.statements.iter().filter(|s| s.is_allow()) {
        if let Some(list) = &s.action {
            for (pattern, node) in list.strings() {
                let p = pattern.trim();
                if p == "*" || p.eq_ignore_ascii_case("kms:*") {
                    out.report(
                        node.span,
                        format!("`{p}` lets the CMEK role administer the key (`kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`, ...) wherever the key policy allows it; Pinecone needs only {needed}"),
                    )
                    .help(help.clone());
                    continue;
                }
                let admin: Vec<String> = kms_actions_matching(p)
                    .into_iter()
                    .filter(|a| admin_class(a, false).is_some())
                    .map(|a| format!("kms:{a}"))
                    .collect();
                if !admin.is_empty() {
                    let message = if admin.len() == 1 && admin[0].eq_ignore_ascii_case(p) {
                        format!(
                            "`{p}` is an administrative KMS action, and the CMEK role should not have it; Pinecone needs only {needed}"
                        )
                    } else {
                        format!(
                            "`{p}` gives the CMEK role administrative KMS actions ({}); Pinecone needs only {needed}",
                            list_code(&admin)
                        )
                    };
                    out.report(node.span, message).help(help.clone());
                }
            }
        }
        if let Some(list) = &s.not_action {
            out.report(
                list.member.key_span,
                format!("`Allow` with `NotAction` gives the CMEK role every action it does not list, KMS administration included; Pinecone needs only {needed}"),
            )
            .help(help.clone());
        }
    }
}
