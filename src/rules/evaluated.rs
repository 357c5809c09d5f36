//! Findings from evaluation: the policy-scope rules that run [`crate::scenarios`] against the
//! one document they see (CMK215, CMK216, CMK309, CMK310, CMK311, CMK406) and the pattern rules
//! that defer to them (CMK201, CMK207, CMK214, CMK306) or they defer to (CMK201, CMK207 for
//! CMK216; CMK302, CMK303 for CMK310 and CMK311).
//!
//! A policy-scope rule sees one document, so the values a scenario needs come from the settings
//! when configured, else from the document itself, else a placeholder:
//! - Pinecone's account: `pinecone_account`, else the account of the Pinecone roles the policy
//!   names, else [`PLACEHOLDER_PINECONE_ACCOUNT`] (attacker scenarios only).
//! - The CMEK role: `[customer] role_arn`; for a trust policy, else a placeholder role in
//!   [`PLACEHOLDER_ACCOUNT`] (a trust policy has no `Resource`, so the role's name does not
//!   matter); for a key policy, else the CMEK role the policy names (see
//!   [`super::key_policy::role`]) — with none, key-policy scenarios are skipped; for a
//!   permissions policy, else a placeholder role in the key's account.
//! - The key: `[customer] key_arn`; else for a key policy a placeholder key in the role's
//!   account (key policies say `"Resource": "*"`); for a permissions policy the first literal
//!   `…:key/…` ARN an `Allow` names — with none, skipped.
//! - The external ID: `[customer] external_id`, else the first literal `sts:ExternalId` value an
//!   `Allow` conditions on (an external ID is no secret: an attacker sends it too).

use crate::diagnostic::Severity;
use crate::eval::{Decision, Effect, Evaluation, StatementHit, Tri};
use crate::policy::Policy;
use crate::rules::Reporter;
use crate::scenarios::{self, Builder, Outcome, Scenario};
use crate::settings::Settings;

/// The account of a placeholder CMEK role (AWS's documentation example account).
pub(crate) const PLACEHOLDER_ACCOUNT: &str = "111122223333";
/// Pinecone's account when neither configured nor named by the policy.
pub(crate) const PLACEHOLDER_PINECONE_ACCOUNT: &str = "444455556666";
/// A placeholder key id.
const PLACEHOLDER_KEY_ID: &str = "00000000-0000-4000-8000-000000000000";

/// A placeholder CMEK role ARN in `account`.
pub(crate) fn placeholder_role(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/cmek-lint-placeholder-role")
}

/// A placeholder key ARN in `account`.
pub fn placeholder_key(account: &str) -> String {
    format!("arn:aws:kms:us-east-1:{account}:key/{PLACEHOLDER_KEY_ID}")
}

/// The external ID: configured, else the first literal `sts:ExternalId` value the policy
/// conditions on (an `Allow`'s `StringEquals` or a hardening `Deny`'s `StringNotEquals`).
pub(crate) fn external_id(policy: &Policy<'_>, settings: &Settings) -> Option<String> {
    if let Some(id) = settings.console.external_id.as_deref() {
        return Some(id.to_string());
    }
    policy.statements.iter().find_map(|s| {
        s.condition_entries("sts:ExternalId")
            .flat_map(|(_, e)| e.values.iter())
            .find_map(|v| v.as_str().filter(|t| !t.contains(['$', '*', '?'])).map(str::to_string))
    })
}

/// Build and run scenario `name`, if the inputs allow it.
pub(crate) fn outcome(
    builder: &Builder<'_>,
    name: &str,
    trust: Option<&Policy<'_>>,
    key: Option<&Policy<'_>>,
    permissions: Option<&Policy<'_>>,
) -> Option<Outcome> {
    builder.scenario(name).map(|s| scenarios::run(&s, trust, key, permissions))
}

/// A `Deny` statement that blocks an expected-allowed request, with the counterexample.
pub(crate) struct Block<'o> {
    pub scenario: &'static str,
    pub hit: &'o StatementHit,
    pub evaluation: &'o Evaluation,
    /// The counterexample request.
    pub request: &'o crate::eval::Request,
    /// The Deny applies for sure (the request is Denied); otherwise it may apply (Unknown).
    pub certain: bool,
}

/// The `Deny` statements of policy `policy` (index into the evaluation's policy set) that deny
/// (for sure, or maybe) a request of an expected-allowed outcome: one entry per statement,
/// certain ones first-class. Implicit denies are not blocks.
pub(crate) fn deny_blocks<'o>(outcomes: &'o [Outcome], policy: usize) -> Vec<Block<'o>> {
    let mut out: Vec<Block<'o>> = Vec::new();
    for o in outcomes.iter().filter(|o| o.expected == Decision::Allowed) {
        for (req, ev) in &o.evaluations {
            if ev.decision == Decision::Allowed {
                continue;
            }
            for hit in ev.deciding().filter(|h| h.effect == Effect::Deny && h.policy == policy) {
                let certain = ev.decision == Decision::Denied && hit.applies == Tri::True;
                if !certain && hit.applies != Tri::Unknown {
                    continue;
                }
                match out.iter_mut().find(|b| b.hit.statement == hit.statement) {
                    Some(b) if certain && !b.certain => {
                        *b = Block { scenario: o.scenario, hit, evaluation: ev, request: req, certain };
                    }
                    Some(_) => {}
                    None => out.push(Block { scenario: o.scenario, hit, evaluation: ev, request: req, certain }),
                }
            }
        }
    }
    out
}

/// Report each block: at the deciding statement's head, the element that made it apply as a
/// label, the counterexample in the message; an uncertain block is a warning.
pub(crate) fn report_blocks(out: &mut Reporter, policy: &Policy<'_>, blocks: &[Block<'_>], what: &str, help: &str) {
    for b in blocks {
        let sid = b.hit.sid.as_deref().map(|s| format!(" `{s}`")).unwrap_or_default();
        let (verb, result) = if b.certain { ("denies", "denied") } else { ("may deny", "unknown") };
        let f = out.report(
            b.hit.head,
            format!(
                "the `Deny` statement{sid} {verb} {what} (scenario `{}`: {result}, {}). Counterexample: {}",
                b.scenario,
                b.evaluation.reason,
                counterexample(b.request, policy)
            ),
        );
        let stmt = policy.statement_by_index(b.hit.statement).map(|(_, s)| s);
        let entries: Vec<_> = stmt
            .iter()
            .flat_map(|s| s.conditions.iter())
            .flat_map(|c| c.entries.iter().map(move |e| (c.operator.text, e)))
            .collect();
        match (b.hit.miss, b.hit.at) {
            // Applies: every condition entry holds for the request.
            (None, _) if !entries.is_empty() => {
                for (op, e) in entries {
                    f.label(e.member.key_span, format!("`{op}` on `{}` is true for that request", e.key));
                }
            }
            (None, _) => {
                f.label(b.hit.span, "no condition limits this `Deny`");
            }
            (Some(_), Some(at)) => {
                let label = b.hit.detail.as_deref().unwrap_or("this may hold for that request").to_string();
                f.label(at, label);
            }
            (Some(_), None) => {}
        }
        f.help(help.to_string());
        if !b.certain {
            f.severity(Severity::Warning);
        }
    }
}

/// Whether the scenario ran and denied every request for sure.
pub(crate) fn denied(o: Option<&Outcome>) -> bool {
    o.is_some_and(|o| o.decision == Decision::Denied)
}

/// A short counterexample: who calls which action on what, with the value of each context key
/// the policy's conditions read (`absent`, `?` when cmek-lint cannot know it), in policy order.
pub(crate) fn counterexample(req: &crate::eval::Request, policy: &Policy<'_>) -> String {
    use crate::eval::{Caller, Lookup};
    let who = match &req.caller {
        Caller::Anonymous => "an anonymous caller".to_string(),
        Caller::RoleSession { session_arn, .. } => format!("a session `{session_arn}`"),
        c => format!("`{}`", c.principal_arn().unwrap_or_else(|| "a caller".into())),
    };
    let mut keys: Vec<String> = Vec::new();
    for s in &policy.statements {
        for e in s.conditions.iter().flat_map(|b| b.entries.iter()) {
            let key = e.key.to_string();
            if keys.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
                continue;
            }
            keys.push(key);
        }
    }
    let shown: Vec<String> = keys
        .iter()
        .map(|k| match req.context.lookup(k) {
            Lookup::Values([one]) => format!("{k}={one}"),
            Lookup::Values(many) => format!("{k}=[{}]", many.join(",")),
            Lookup::Absent => format!("{k} absent"),
            Lookup::Unknown => format!("{k}=?"),
        })
        .collect();
    let context = if shown.is_empty() { String::new() } else { format!(" with {}", shown.join(", ")) };
    format!("{who} calls `{}` on `{}`{context}", req.action, req.resource)
}

/// The key an attacker's own session may carry and a trust may test ([`add_mfa_sessions`]).
const MFA_KEY: &str = "aws:MultiFactorAuthPresent";

/// Whether `policy` tests MFA anywhere ([`add_mfa_sessions`]' `names_mfa`).
pub(crate) fn names_mfa(policy: &Policy<'_>) -> bool {
    names_key(policy.root, MFA_KEY)
}

/// Add to an attacker scenario the same requests from sessions with MFA (a Deny on missing MFA
/// does not stop an attacker's own session), for callers with an account; only when the policy
/// names the key (`names_mfa`), since elsewhere both forms decide alike.
pub(crate) fn add_mfa_sessions(scenario: &mut Scenario, names_mfa: bool) {
    if !names_mfa {
        return;
    }
    let with_mfa: Vec<_> = scenario
        .requests
        .iter()
        .filter(|r| r.caller.account().is_some())
        .cloned()
        .map(|mut r| {
            std::sync::Arc::make_mut(&mut r).context.set(MFA_KEY, "true");
            r
        })
        .collect();
    scenario.requests.extend(with_mfa);
}

/// Whether the policy's tree names condition key `key` anywhere (a member's name or a string,
/// case aside): a request setting a key the policy never names gets the decisions it would get
/// without it, so a scenario need not be run both ways (an attacker's session with MFA).
pub(crate) fn names_key(root: &crate::json::Node, key: &str) -> bool {
    root.any_text(&|s| crate::data::contains_ignore_ascii_case(s, key))
}

#[cfg(test)]
mod tests {
    use super::names_key;

    #[test]
    fn a_key_is_named_as_a_member_or_in_a_string_case_aside() {
        let tree = |t: &str| crate::json::parse(t).root.unwrap();
        let key = "aws:MultiFactorAuthPresent";
        assert!(names_key(&tree(r#"{"Condition": {"Bool": {"AWS:multifactorauthpresent": "true"}}}"#), key));
        assert!(names_key(
            &tree(r#"{"Condition": {"StringEquals": {"aws:PrincipalTag/x": ["${aws:MultiFactorAuthPresent}"]}}}"#),
            key
        ));
        assert!(!names_key(
            &tree(r#"{"Condition": {"Bool": {"aws:MultiFactorAuthAge": "true"}}, "Sid": "aws:MultiFactor"}"#),
            key
        ));
    }
}
