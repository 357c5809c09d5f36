//! CMK302 key-role-overprivileged: the key policy gives the CMEK role full control of the key
//! (`kms:*`, `*`, `NotAction`) or administrative actions.
//!
//! The console's "Key users" statements (`kms:Encrypt`, `kms:Decrypt`, `kms:ReEncrypt*`,
//! `kms:GenerateDataKey*`, `kms:DescribeKey`, and `kms:CreateGrant`/`ListGrants`/`RevokeGrant`
//! with `kms:GrantIsForAWSResource` = true) are clean. One finding per statement: at the
//! offending action when there is one, else at the role's principal value (the usual fix is to
//! take the role out of a key-administrator statement).

use super::role::{CmekRole, cmek_roles};
use super::role_missing_access::role_anchor_in;
use super::{Relation, applies_to_key, list_code, relation};
use crate::data::kms::{AdminClass, admin_class, kms_actions_matching};
use crate::diagnostic::Severity;
use crate::policy::Statement;
use crate::rules::{Reporter, RuleContext};
use crate::source::Span;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let roles = cmek_roles(policy, ctx.settings);
    for s in policy.statements.iter().filter(|s| s.is_allow() && applies_to_key(s)) {
        let Some(role) = roles.iter().find(|r| relation(s, &r.caller).0 == Relation::Direct) else {
            continue;
        };
        check_statement(ctx, out, s, role);
    }
}

/// The statement indices (`Statement::index`) CMK302 reports for `role`: statements naming the
/// role that grant administrative actions. CMK310 key-role-can-administer leaves them to this
/// rule.
pub(crate) fn reported(policy: &crate::policy::Policy<'_>, role: &crate::policy::access::Caller<'_>) -> Vec<usize> {
    policy
        .statements
        .iter()
        .filter(|s| s.is_allow() && applies_to_key(s) && relation(s, role).0 == Relation::Direct)
        .filter(|s| !admin_actions(s).0.is_empty())
        .map(|s| s.index)
        .collect()
}

/// Offending action elements of a statement (span, text, whether full control) and the
/// administrative actions they grant.
type Offending = (Vec<(Span, String, bool)>, Vec<(&'static str, AdminClass)>);

fn admin_actions(s: &Statement<'_>) -> Offending {
    let grant_ok = grant_for_aws_resource(s);
    // Offending action elements: (span, text, whether it is full control).
    let mut offending: Vec<(Span, String, bool)> = Vec::new();
    let mut admin: Vec<(&'static str, AdminClass)> = Vec::new();
    let add = |actions: Vec<&'static str>, admin: &mut Vec<(&'static str, AdminClass)>| -> bool {
        let mut hit = false;
        for a in actions {
            if let Some(c) = admin_class(a, grant_ok) {
                hit = true;
                if !admin.iter().any(|(x, _)| *x == a) {
                    admin.push((a, c));
                }
            }
        }
        hit
    };
    if let Some(list) = &s.action {
        for (pattern, node) in list.strings() {
            let p = pattern.trim();
            let full = p == "*" || p.eq_ignore_ascii_case("kms:*");
            if add(kms_actions_matching(p), &mut admin) {
                offending.push((node.span, format!("`{p}`"), full));
            }
        }
    }
    if let Some(list) = &s.not_action {
        let excluded: Vec<&str> = list.strings().map(|(a, _)| a).collect();
        let granted: Vec<&'static str> = crate::data::actions::KMS_ACTIONS
            .iter()
            .copied()
            .filter(|a| !excluded.iter().any(|e| crate::policy::wildcard_match_ci(e, &format!("kms:{a}"))))
            .collect();
        if add(granted, &mut admin) {
            offending.push((list.member.key_span, "`NotAction`".into(), true));
        }
    }
    (offending, admin)
}

fn check_statement(ctx: &RuleContext<'_>, out: &mut Reporter, s: &Statement<'_>, role: &CmekRole<'_>) {
    let who = role.describe();
    let needed = list_code(&ctx.settings.key_actions);
    let (offending, mut admin) = admin_actions(s);
    if offending.is_empty() {
        return;
    }
    // Most dangerous first, in the order of the data lists (PutKeyPolicy, ScheduleKeyDeletion, ...).
    admin.sort_by_key(|(a, c)| (std::cmp::Reverse(*c), rank(a)));
    let worst = admin[0].1;
    let full = offending.iter().any(|o| o.2);
    let names: Vec<String> = admin.iter().map(|(a, _)| format!("kms:{a}")).collect();
    let shown = if names.len() > 6 {
        format!(
            "{}, and {} more",
            names[..5].iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
            names.len() - 5
        )
    } else {
        list_code(&names)
    };
    let (span, message) = if offending.len() == 1 {
        let (span, what, _) = &offending[0];
        let single = admin.len() == 1 && what.trim_matches('`').eq_ignore_ascii_case(&format!("kms:{}", admin[0].0));
        let message = if single && admin[0].0 == "CreateGrant" {
            format!(
                "{what} without the condition `kms:GrantIsForAWSResource` = true lets {who} create grants that hand the key to any principal; Pinecone needs only {needed}"
            )
        } else if single {
            format!(
                "{what} is an administrative action on the key, and {who} should not have it; Pinecone needs only {needed}"
            )
        } else if full {
            format!(
                "{what} gives {who} full control of the key, including `kms:PutKeyPolicy` and `kms:ScheduleKeyDeletion`: Pinecone, or anyone who can assume the role, could lock you out of the key or delete it; Pinecone needs only {needed}"
            )
        } else {
            format!("{what} gives {who} administrative actions on the key: {shown}; Pinecone needs only {needed}")
        };
        (*span, message)
    } else {
        let span = role_anchor_in(s, role).unwrap_or_else(|| s.head_span());
        (
            span,
            format!(
                "this statement gives {who} administrative actions on the key: {shown}; Pinecone needs only {needed}"
            ),
        )
    };
    let f = out.report(span, message);
    if offending.len() > 1 {
        for (span, what, _) in &offending {
            f.label(*span, format!("{what} grants administrative actions"));
        }
    }
    let note = role.guess_note();
    f.help(if offending.len() > 1 {
        format!("take the CMEK role out of this statement: it is for key administrators; the role needs only a key-user statement with {needed}{note}")
    } else if admin.iter().any(|(a, _)| *a == "CreateGrant") && !full {
        format!("remove the administrative actions; if the role needs grants, allow `kms:CreateGrant` only with the condition `\"Bool\": {{\"kms:GrantIsForAWSResource\": \"true\"}}`, as the console's key-user statement does{note}")
    } else {
        format!("grant the role only what Pinecone needs ({needed}, or the console's key-user actions); keep key administration with your key administrators{note}")
    });
    if worst == AdminClass::Mild {
        f.severity(Severity::Warning);
    }
}

/// Position of an action in the admin lists, most dangerous first.
fn rank(action: &str) -> usize {
    use crate::data::kms::{ADMIN_DANGEROUS, ADMIN_MILD};
    ADMIN_DANGEROUS.iter().chain(ADMIN_MILD).position(|a| *a == action).unwrap_or(usize::MAX)
}

/// Whether the statement requires `kms:GrantIsForAWSResource` to be true.
fn grant_for_aws_resource(s: &Statement<'_>) -> bool {
    s.condition_entries("kms:GrantIsForAWSResource").any(|(b, e)| {
        b.operator.base == "Bool"
            && !b.operator.if_exists
            && !e.values.is_empty()
            && e.values.iter().all(|v| match &v.value {
                crate::json::Value::Bool(b) => *b,
                crate::json::Value::String(s) => s.eq_ignore_ascii_case("true"),
                _ => false,
            })
    })
}
