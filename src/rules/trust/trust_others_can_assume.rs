//! CMK216 trust-others-can-assume: evaluated, someone other than Pinecone's CMEK roles can
//! (or may) assume the role: the `other-account-assume` and `pinecone-other-role-assume`
//! requests of [`crate::scenarios`] (also sent with MFA, which an attacker's own session can
//! carry) are allowed or unknown against this trust policy.
//!
//! Severity by who and how sure: a role in any other account, allowed → critical; another
//! principal of Pinecone's account, allowed → error; unknown (a condition on a value cmek-lint
//! cannot know, such as `aws:PrincipalOrgID` or a principal tag) → warning. `anonymous-assume`
//! is evaluated too, though STS never lets an unauthenticated caller assume a role.
//!
//! No double reports: a statement CMK201 trust-principal-everyone reports (an unpinned
//! `Principal: *`) is left to it, and so is one CMK207 pinecone-principal-too-broad reports for
//! the other principals of Pinecone's account; both explain the cause better. CMK214
//! trust-extra-principal defers to this rule for a `Principal: *` pinned to others. Scenario
//! inputs: see [`crate::rules::evaluated`].

use super::model::Pinecone;
use crate::diagnostic::Severity;
use crate::eval::{Decision, Effect, Evaluation, Request, Tri};
use crate::rules::{Reporter, RuleContext};
use crate::scenarios;

/// The attacker scenarios, and what their caller is.
const SCENARIOS: &[(&str, &str)] = &[
    ("other-account-assume", "a role in another AWS account (named like Pinecone's, sending the external ID)"),
    ("pinecone-other-role-assume", "another role in Pinecone's account (not a `pinecone_cmek_access_*` role)"),
    ("anonymous-assume", "an unauthenticated caller"),
];

/// One statement that lets someone else in.
pub(crate) struct Opening {
    /// The statement's `Statement::index`.
    pub stmt: usize,
    pub scenario: &'static str,
    pub who: &'static str,
    pub certain: bool,
    pub request: std::sync::Arc<Request>,
    pub evaluation: Evaluation,
}

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    for o in openings(ctx) {
        let Some(s) = policy.statements.iter().find(|s| s.index == o.stmt) else { continue };
        let sid = s.sid_str().map(|s| format!(" `{s}`")).unwrap_or_default();
        let (verb, result) = if o.certain { ("lets", "allowed") } else { ("may let", "unknown") };
        let unknown: Vec<_> = o.evaluation.deciding().filter(|h| h.applies == Tri::Unknown).collect();
        let why = if o.certain {
            o.evaluation.reason.clone()
        } else {
            let details: Vec<String> = unknown.iter().filter_map(|h| h.detail.as_deref().map(str::to_string)).collect();
            if details.is_empty() {
                o.evaluation.reason.clone()
            } else {
                format!("it depends on a value cmek-lint cannot know: {}", details.join("; "))
            }
        };
        let f = out.report(
            o.evaluation
                .deciding()
                .find(|h| h.statement == o.stmt && h.effect == Effect::Allow)
                .map_or_else(|| s.head_span(), |h| h.head),
            format!(
                "the `Allow` statement{sid} {verb} {} assume this role and use your key as Pinecone does (scenario `{}`: {result}, {why}). Counterexample: {}",
                o.who,
                o.scenario,
                crate::rules::evaluated::counterexample(&o.request, policy)
            ),
        );
        if let Some(p) = &s.principal {
            f.label(p.member.key_span, "the principal this statement trusts");
        }
        for h in &unknown {
            if let Some(at) = h.at {
                f.label(at, "cmek-lint cannot know this value for that request");
            }
        }
        if o.certain {
            for (_, e) in s.conditions.iter().flat_map(|b| b.entries.iter().map(move |e| (b, e))).take(4) {
                f.label(e.member.key_span, format!("`{}` holds for that request", e.key));
            }
        }
        f.help(format!(
            "pin the caller to Pinecone's CMEK roles: name `arn:aws:iam::{}:role/pinecone_cmek_access_<region>` in `Principal`, or add `\"ArnLike\": {{\"aws:PrincipalArn\": \"arn:aws:iam::{0}:role/pinecone_cmek_access_*\"}}`",
            super::account_hint(Pinecone::cached(ctx))
        ));
        let severity = match (o.certain, o.scenario) {
            (false, _) => Severity::Warning,
            (true, "other-account-assume" | "anonymous-assume") => Severity::Critical,
            (true, _) => Severity::Error,
        };
        f.severity(severity);
    }
}

/// The `Allow` statements that let an attacker scenario in (or may), one per statement, the
/// surest and widest first; statements CMK201 or CMK207 report are left to them.
pub(crate) fn openings(ctx: &RuleContext<'_>) -> Vec<Opening> {
    let pc = Pinecone::cached(ctx);
    if !pc.is_pinecone_trust() {
        return Vec::new();
    }
    let policy = ctx.policy();
    let mut found: Vec<Opening> = Vec::new();
    let mut cmk201: Option<Vec<usize>> = None;
    let mut cmk207: Option<Vec<usize>> = None;
    let names_mfa = ctx.names_mfa();
    for &(name, who) in SCENARIOS {
        let Some(mut scenario) = ctx.trust_scenario(name).cloned() else { continue };
        crate::rules::evaluated::add_mfa_sessions(&mut scenario, names_mfa);
        let outcome = scenarios::run(&scenario, Some(policy), None, None);
        for (req, ev) in &outcome.evaluations {
            if ev.decision == Decision::Denied {
                continue;
            }
            let certain = ev.decision == Decision::Allowed;
            // Unknown only because of a request value cmek-lint cannot know (an organization, a
            // principal tag), not a deploy-time value in the policy: that is no finding.
            if !certain && !ev.deciding().filter(|h| h.applies == Tri::Unknown).all(|h| context_unknown(policy, h, req))
            {
                continue;
            }
            let allows: Vec<usize> = if certain {
                ev.deciding().filter(|h| h.effect == Effect::Allow && h.policy == 0).map(|h| h.statement).collect()
            } else {
                // Unknown: the Allows that may apply (or apply, with a Deny that may).
                ev.statements
                    .iter()
                    .filter(|h| h.effect == Effect::Allow && h.policy == 0 && h.applies != Tri::False)
                    .map(|h| h.statement)
                    .collect()
            };
            for stmt in allows {
                let deferred =
                    cmk201.get_or_insert_with(|| super::trust_principal_everyone::reported(ctx)).contains(&stmt)
                        || name == "pinecone-other-role-assume"
                            && cmk207
                                .get_or_insert_with(|| {
                                    super::pinecone_principal_too_broad::findings(ctx).iter().map(|f| f.stmt).collect()
                                })
                                .contains(&stmt);
                if deferred {
                    continue;
                }
                match found.iter_mut().find(|o| o.stmt == stmt) {
                    Some(o) if certain && !o.certain => {
                        *o = Opening {
                            stmt,
                            scenario: name,
                            who,
                            certain,
                            request: req.clone(),
                            evaluation: ev.clone(),
                        };
                    }
                    Some(_) => {}
                    None => found.push(Opening {
                        stmt,
                        scenario: name,
                        who,
                        certain,
                        request: req.clone(),
                        evaluation: ev.clone(),
                    }),
                }
            }
        }
    }
    found.sort_by_key(|o| o.stmt);
    found
}

/// Whether an uncertain statement is uncertain because of a condition entry whose key the
/// request cannot tell (the entry at `hit.at`).
fn context_unknown(policy: &crate::policy::Policy<'_>, hit: &crate::eval::StatementHit, req: &Request) -> bool {
    let Some(at) = hit.at.filter(|_| hit.miss == Some(crate::eval::Element::Condition)) else { return false };
    policy
        .statements
        .iter()
        .filter(|s| s.index == hit.statement)
        .flat_map(|s| s.conditions.iter().flat_map(|b| b.entries.iter()))
        .filter(|e| e.member.key_span.start == at.start)
        .any(|e| {
            req.context.lookup(e.key) == crate::eval::Lookup::Unknown
                && e.values.iter().all(|v| matches!(v.value, crate::json::Value::String(_)))
        })
}
