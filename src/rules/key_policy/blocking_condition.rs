//! CMK306 key-role-blocking-condition: the only statements that give the CMEK role a needed
//! action carry a condition Pinecone's requests cannot meet (`kms:ViaService`,
//! `aws:SourceVpce`, `aws:SourceIp`, `kms:EncryptionContext:*`, `aws:SourceAccount`, ...), or
//! may not meet (`aws:PrincipalTag/*`); or a conditional `Deny` applies to Pinecone's requests.
//!
//! How Pinecone's requests look is modelled in [`crate::data::kms::pinecone_key`]: Pinecone
//! assumes the customer's role and calls KMS directly, from its own network.

use super::role::cmek_roles;
use super::{Relation, applies_to_key, deny_relation, list_code, pinecone_facts, relation, role_mentioned};
use crate::data::kms::{PineconeKey, pinecone_key};
use crate::policy::Statement;
use crate::policy::access::{Tri, eval_conditions};
use crate::rules::{Reporter, RuleContext};
use crate::source::Span;

/// A blocking condition entry: (entry key span, statement head, key, reason, whether it
/// certainly blocks, the actions it blocks).
type Blocking<'a> = (Span, Span, &'a str, &'static str, bool, Vec<&'a str>);

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let needed: Vec<&str> = ctx.settings.key_actions.iter().map(String::as_str).collect();
    for role in cmek_roles(policy, ctx.settings) {
        if !role_mentioned(policy, &role.caller) {
            continue;
        }
        let facts = pinecone_facts(&role.caller);
        // Blocking entries of `Allow` statements.
        let mut blocking: Vec<Blocking<'_>> = Vec::new();
        for &action in &needed {
            let related: Vec<(&Statement<'_>, Relation)> = policy
                .statements
                .iter()
                .filter(|s| s.is_allow() && s.covers_action(action) && applies_to_key(s))
                .map(|s| (s, relation(s, &role.caller).0))
                .collect();
            // The statements meant for the role; `*` statements only when nothing names the role
            // or its account (with an account statement, the role may be served by IAM policies).
            let named: Vec<&Statement<'_>> = related
                .iter()
                .filter(|(_, r)| matches!(r, Relation::Direct | Relation::Maybe))
                .map(|(s, _)| *s)
                .collect();
            let grants: Vec<&Statement<'_>> = if !named.is_empty() {
                named
            } else if related.iter().any(|(_, r)| *r == Relation::Account) {
                Vec::new()
            } else {
                related.iter().filter(|(_, r)| *r == Relation::Everyone).map(|(s, _)| *s).collect()
            };
            let mut found: Vec<(Span, Span, &str, &'static str, bool)> = Vec::new();
            let mut clean = false;
            for s in &grants {
                let mut blocked = false;
                for r in eval_conditions(s, &facts) {
                    let Some(model) = pinecone_key(r.entry.key) else { continue };
                    let (reason, certain) = match model {
                        PineconeKey::RoleDependent(why) => {
                            if r.block.operator.is_negated() || r.block.operator.if_exists {
                                continue;
                            }
                            (why, false)
                        }
                        PineconeKey::Absent(why) | PineconeKey::Foreign(why) | PineconeKey::Bool(_, why) => {
                            if r.result != Tri::False {
                                continue;
                            }
                            (why, true)
                        }
                    };
                    blocked = true;
                    found.push((r.entry.member.key_span, s.head_span(), r.entry.key, reason, certain));
                }
                clean |= !blocked;
            }
            if clean {
                continue;
            }
            for (span, head, key, reason, certain) in found {
                match blocking.iter_mut().find(|b| b.0 == span) {
                    Some(b) => b.5.push(action),
                    None => blocking.push((span, head, key, reason, certain, vec![action])),
                }
            }
        }
        let who = role.describe();
        for (span, head, key, reason, certain, actions) in blocking {
            let verb = if certain { "blocks Pinecone" } else { "may block Pinecone" };
            out.report(
                span,
                format!(
                    "`{key}` {verb}: {reason}, and this condition is on the only statement giving {who} {}",
                    list_code(&actions)
                ),
            )
            .label(head, "the statement with the condition")
            .help(format!(
                "remove this condition from the CMEK role's statement (or grant the role these actions in a statement without it){}",
                role.guess_note()
            ));
        }

        // A conditional `Deny` whose conditions all hold for Pinecone's requests, unless the
        // evaluator already reports it (CMK309 key-role-use-blocked).
        let evaluated = super::role_use_blocked::blocking_statements(policy, ctx.settings);
        for s in policy
            .statements
            .iter()
            .filter(|s| s.is_deny() && !s.conditions.is_empty() && applies_to_key(s))
            .filter(|s| !evaluated.contains(&s.index))
        {
            let actions: Vec<&str> = needed.iter().copied().filter(|a| s.covers_action(a)).collect();
            if actions.is_empty() {
                continue;
            }
            let (rel, identity) = deny_relation(s, &role.caller);
            // Decided by the role's identity alone: CMK301 reports it.
            if identity == Tri::True || !matches!(rel, Relation::Direct | Relation::Account | Relation::Everyone) {
                continue;
            }
            let results = eval_conditions(s, &facts);
            if Tri::all(results.iter().map(|r| r.result)) != Tri::True {
                continue;
            }
            let Some((r, reason)) = results.iter().find_map(|r| {
                pinecone_key(r.entry.key).map(|m| {
                    let why = match m {
                        PineconeKey::Absent(w)
                        | PineconeKey::Foreign(w)
                        | PineconeKey::Bool(_, w)
                        | PineconeKey::RoleDependent(w) => w,
                    };
                    (r, why)
                })
            }) else {
                continue;
            };
            let key = r.entry.key;
            out.report(
                r.entry.member.key_span,
                format!("this `Deny` applies to Pinecone's requests and takes {} away from {who} (`{key}`: {reason})", list_code(&actions)),
            )
            .label(s.head_span(), "the `Deny` statement")
            .help(format!(
                "exempt the CMEK role from this `Deny`, e.g. with `\"ArnNotEquals\": {{\"aws:PrincipalArn\": \"{}\"}}` in its condition{}",
                role.caller.arn,
                role.guess_note()
            ));
        }
    }
}
