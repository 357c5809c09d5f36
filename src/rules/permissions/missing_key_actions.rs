//! CMK401 permissions-missing-key-actions: the CMEK role's permissions policy does not allow
//! both `kms:Encrypt` and `kms:Decrypt` (`[pinecone] key_actions`) on the key.
//!
//! For a key in another account, KMS requires both the key policy and the role's permissions
//! policy to allow each action. Only policies that are clearly the CMEK role's are checked
//! (see [`super::relevance`]); the key is `[customer] key_arn` when configured, else any KMS key
//! the policy names.

use super::relevance::{has_kms_action, may_be_key, relevance, resource_covers_key};
use crate::policy::Statement;
use crate::rules::key_policy::list_code;
use crate::rules::{Reporter, RuleContext};
use crate::source::Span;

fn is_alias_arn(v: &str) -> bool {
    crate::policy::Arn::parse(v.trim()).is_some_and(|a| a.service == "kms" && a.resource_type == "alias")
}

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let Some(rel) = relevance(ctx) else { return };
    // Alias ARNs count as naming the key here: CMK404 reports them.
    let on_key = |s: &Statement<'_>| {
        s.resource.as_ref().is_some_and(|r| {
            r.strings().any(|(v, _)| {
                is_alias_arn(v)
                    || match rel.key_arn {
                        Some(key) => resource_covers_key(v, key),
                        None => may_be_key(v),
                    }
            })
        })
    };
    let needed: Vec<&str> = ctx.settings.key_actions.iter().map(String::as_str).collect();
    let mut missing: Vec<&str> = Vec::new();
    let mut denied: Vec<(&str, &Statement<'_>)> = Vec::new();
    for &action in &needed {
        if let Some(d) = policy
            .statements
            .iter()
            .find(|s| s.is_deny() && s.conditions.is_empty() && s.covers_action(action) && on_key(s))
        {
            denied.push((action, d));
        } else if !policy.statements.iter().any(|s| s.is_allow() && s.covers_action(action) && on_key(s)) {
            missing.push(action);
        }
    }
    let target = match rel.key_arn {
        Some(k) => format!("the key `{k}` (`[customer] key_arn`)"),
        None => "the key".to_string(),
    };
    if !missing.is_empty() {
        // Point at the KMS statement Pinecone would rely on.
        let anchor = policy
            .statements
            .iter()
            .filter(|s| s.is_allow() && has_kms_action(s) && on_key(s))
            .chain(policy.statements.iter().filter(|s| s.is_allow() && has_kms_action(s)))
            .find_map(|s| s.action.as_ref().map(|a| a.member.key_span))
            .or_else(|| policy.statement.map(|m| m.key_span))
            .unwrap_or_else(|| Span::new(policy.root.span.start as usize, policy.root.span.start as usize + 1));
        out.report(
            anchor,
            format!(
                "this permissions policy does not allow {} on {target}: Pinecone needs {} there, and for a key in another account the role's own policy must allow them as well as the key policy",
                list_code(&missing),
                list_code(&needed)
            ),
        )
        .help(format!(
            "add {} to the statement that names the key, e.g. `\"Action\": [{}]` (cmek-lint checks this policy as the CMEK role's because {})",
            list_code(&missing),
            needed.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", "),
            rel.why.describe()
        ));
    }
    for (action, deny) in denied {
        out.report(
            deny.effect.map_or_else(|| deny.head_span(), |m| m.value.span),
            format!("this `Deny` takes `{action}` away from the CMEK role on {target}: Pinecone needs it"),
        )
        .help(format!("remove `{action}` from this `Deny`, or narrow its `Resource` so that it excludes the key"));
    }
}
