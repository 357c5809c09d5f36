//! CMK301 key-role-missing-access: the key policy does not let the CMEK role use the key for
//! the actions Pinecone needs (`[pinecone] key_actions`, default `kms:Encrypt` + `kms:Decrypt`).
//!
//! A statement naming the role (or `*` narrowed to it) grants directly. A statement naming the
//! role's account only delegates to the role's IAM policies: reported as info, since the key
//! policy alone cannot tell whether such a policy exists. An unconditional `Deny` that applies
//! to the role removes the action whatever grants it.

use super::role::{CmekRole, cmek_roles};
use super::{Relation, applies_to_key, deny_relation, list_code, pinecone_facts, relation, role_mentioned};
use crate::diagnostic::Severity;
use crate::fix::Fix;
use crate::policy::access::{AccountRef, Tri, ValueHit, account_principal, conditions_hold, principal_value_hit};
use crate::policy::{Policy, Statement};
use crate::rules::{Reporter, RuleContext};
use crate::source::Span;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let needed: Vec<&str> = ctx.settings.key_actions.iter().map(String::as_str).collect();
    for role in cmek_roles(policy, ctx.settings) {
        let mut missing: Vec<&str> = Vec::new();
        let mut via_account: Vec<(&str, &Statement<'_>)> = Vec::new();
        let mut denied: Vec<(&str, &Statement<'_>)> = Vec::new();
        for &action in &needed {
            let relevant = |s: &&Statement<'_>| s.covers_action(action) && applies_to_key(s);
            if let Some(deny) = policy.statements.iter().filter(|s| s.is_deny()).filter(relevant).find(|s| {
                let (rel, identity) = deny_relation(s, &role.caller);
                matches!(rel, Relation::Direct | Relation::Account | Relation::Everyone) && identity == Tri::True
            }) {
                denied.push((action, deny));
                continue;
            }
            let allows: Vec<(&Statement<'_>, Relation)> = policy
                .statements
                .iter()
                .filter(|s| s.is_allow())
                .filter(relevant)
                .map(|s| (s, relation(s, &role.caller).0))
                .collect();
            // `*` narrowed by conditions Pinecone's requests never meet (the usual
            // `kms:ViaService` statements of AWS-managed-style keys) grants the role nothing
            // when an account statement offers the IAM path; without one, CMK306 reports the
            // blocking condition.
            let facts = pinecone_facts(&role.caller);
            let account_path = allows.iter().any(|(_, r)| *r == Relation::Account);
            let grants = |(s, r): &&(&Statement<'_>, Relation)| match r {
                Relation::Direct | Relation::Maybe => true,
                Relation::Everyone => !account_path || !conditions_hold(s, &facts).is_false(),
                _ => false,
            };
            if allows.iter().any(|a| grants(&a)) {
                continue;
            }
            match allows.iter().find(|(_, r)| *r == Relation::Account) {
                Some((s, _)) => via_account.push((action, s)),
                None => missing.push(action),
            }
        }
        let anchor = role_anchor(policy, &role);
        if !role_mentioned(policy, &role.caller) {
            // Most likely another key of the repository: say so once, as information.
            if !missing.is_empty() || !denied.is_empty() {
                let span = policy
                    .statement
                    .map(|m| m.key_span)
                    .unwrap_or_else(|| Span::new(policy.root.span.start as usize, policy.root.span.start as usize + 1));
                out.report(
                    span,
                    format!(
                        "this key policy does not mention {} (nor its account): if this is the key Pinecone uses, the role cannot use it for {}",
                        role.describe(),
                        list_code(&needed)
                    ),
                )
                .severity(Severity::Info)
                .help("for the key you enter in the Pinecone console, select the CMEK role under \"Key users\" (or add a statement naming it with `kms:Encrypt` and `kms:Decrypt`); ignore this for other keys");
            }
            continue;
        }
        let mut by_statement: Vec<(&Statement<'_>, Vec<&str>)> = Vec::new();
        for (action, deny) in &denied {
            match by_statement.iter_mut().find(|(s, _)| s.index == deny.index) {
                Some((_, actions)) => actions.push(action),
                None => by_statement.push((deny, vec![action])),
            }
        }
        for (deny, actions) in by_statement {
            let f = out.report(
                deny.effect.map_or_else(|| deny.head_span(), |m| m.value.span),
                format!(
                    "this `Deny` takes {} away from {}: Pinecone cannot use the key while it applies",
                    list_code(&actions),
                    role.describe()
                ),
            );
            f.help(format!(
                "exempt the CMEK role from this statement (e.g. add `\"ArnNotEquals\": {{\"aws:PrincipalArn\": \"{}\"}}` to its condition){}",
                role.caller.arn,
                role.guess_note()
            ));
            if let Some(span) = anchor {
                f.label(span, "the CMEK role");
            }
        }
        if !missing.is_empty() {
            report_missing(ctx, out, &role, &missing, &needed, anchor);
        }
        if !via_account.is_empty() {
            let actions: Vec<&str> = via_account.iter().map(|(a, _)| *a).collect();
            let stmt = via_account[0].1;
            let span = account_value_span(stmt, &role).unwrap_or_else(|| stmt.head_span());
            let f = out.report(
                span,
                format!(
                    "this key policy does not name {} for {}: this account statement lets the account's IAM policies grant them instead, so the role needs a permissions policy allowing them on this key",
                    role.describe(),
                    list_code(&actions),
                ),
            );
            f.severity(Severity::Info).help(format!(
                "the Pinecone console flow gives the role no permissions policy: name the role in the key policy (select it under \"Key users\"), or attach a policy allowing {} on the key ARN to the role{}",
                list_code(&actions),
                role.guess_note()
            ));
            if let Some((span, why)) = inert_mention(policy, &role, &actions) {
                f.label(span, why);
            } else if let Some(a) = anchor {
                f.label(a, "the CMEK role is named here without these actions");
            }
        }
    }
}

fn report_missing(
    ctx: &RuleContext<'_>,
    out: &mut Reporter,
    role: &CmekRole<'_>,
    missing: &[&str],
    needed: &[&str],
    anchor: Option<Span>,
) {
    let policy = ctx.policy();
    let example = format!(
        "{{\"Sid\": \"Allow use of the key\", \"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"{}\"}}, \"Action\": [{}], \"Resource\": \"*\"}}",
        role.caller.arn,
        needed.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ")
    );
    let (span, message, help) = match anchor {
        Some(span) => (
            span,
            format!(
                "{} is not allowed {} by this key policy: Pinecone needs {} on the key",
                role.describe(),
                list_code(missing),
                list_code(needed)
            ),
            format!("add {} to a statement that names the role{}", list_code(missing), role.guess_note()),
        ),
        None => (
            policy
                .statement
                .map(|m| m.key_span)
                .unwrap_or_else(|| Span::new(policy.root.span.start as usize, policy.root.span.start as usize + 1)),
            format!(
                "this key policy gives {} no access to the key: no statement names the role (or its account's root) for {}",
                role.describe(),
                list_code(missing)
            ),
            format!(
                "select the role under \"Key users\" in the KMS console, or add a statement such as {example}{}",
                role.guess_note()
            ),
        ),
    };
    let fix = anchor.and_then(|_| add_actions(ctx, policy, role, missing));
    out.report(span, message).help(help).fix(
        fix.unwrap_or_else(|| Fix::display_only(format!("add {} to a statement naming the role", list_code(missing)))),
    );
}

/// CMK301's fix (unsafe: it grants the role more): the missing actions added to the `Action` of
/// the unconditional `Allow` statement on the key that names the role, when there is one, in
/// the text's syntax (see `crate::rules::fixes`).
fn add_actions(ctx: &RuleContext<'_>, policy: &Policy<'_>, role: &CmekRole<'_>, missing: &[&str]) -> Option<Fix> {
    let s = policy
        .statements
        .iter()
        .find(|s| s.is_allow() && s.condition.is_none() && applies_to_key(s) && role_anchor_in(s, role).is_some())?;
    let action = &s.action.as_ref()?.member.value;
    let edit = crate::rules::fixes::append_items(ctx, action, missing)?;
    Some(Fix::unsafe_edits(format!("add {} to the statement naming the role", list_code(missing)), vec![edit]))
}

/// Where the role is named in an `Allow` statement: its principal value, or a literal
/// `aws:PrincipalArn` condition value.
pub(crate) fn role_anchor(policy: &Policy<'_>, role: &CmekRole<'_>) -> Option<Span> {
    policy.statements.iter().filter(|s| s.is_allow()).find_map(|s| role_anchor_in(s, role))
}

/// Where statement `s` names the role: its principal value, or a literal `aws:PrincipalArn`
/// condition value.
pub(crate) fn role_anchor_in(s: &Statement<'_>, role: &CmekRole<'_>) -> Option<Span> {
    if let Some(p) = &s.principal
        && let Some(n) = p
            .values_of("AWS")
            .find(|n| n.as_text().is_some_and(|(t, _)| principal_value_hit(t, &role.caller) == ValueHit::Direct))
    {
        return Some(n.span);
    }
    s.condition_entries("aws:PrincipalArn").find_map(|(_, e)| {
        e.values.iter().find(|n| n.as_str().is_some_and(|t| t.eq_ignore_ascii_case(role.caller.arn))).map(|n| n.span)
    })
}

/// A statement naming the role for `actions` that has no effect on the key (its `Resource` is
/// not the key).
fn inert_mention(policy: &Policy<'_>, role: &CmekRole<'_>, actions: &[&str]) -> Option<(Span, &'static str)> {
    policy
        .statements
        .iter()
        .filter(|s| s.is_allow() && !applies_to_key(s) && actions.iter().any(|a| s.covers_action(a)))
        .find_map(|s| role_anchor_in(s, role))
        .map(|span| (span, "this statement names the role, but its `Resource` is not this key, so it has no effect"))
}

/// The account principal value of `s` that names the role's account.
fn account_value_span(s: &Statement<'_>, role: &CmekRole<'_>) -> Option<Span> {
    let p = s.principal.as_ref()?;
    p.values_of("AWS")
        .find(|n| {
            n.as_text().and_then(|(t, _)| account_principal(t)).is_some_and(|a| match (a, role.caller.account) {
                (AccountRef::Literal(x), Some(y)) => x == y,
                _ => true,
            })
        })
        .map(|n| n.span)
}
