//! CMK215 pinecone-assume-blocked: evaluated, Pinecone's `pinecone-assume` requests (see
//! [`crate::scenarios`]) are denied by an explicit `Deny` of this trust policy (error), or may
//! be (warning): a conditional Deny that holds for a role session, e.g. `BoolIfExists
//! aws:MultiFactorAuthPresent: false` (a role session has no MFA).
//!
//! Implicit denies: an Allow naming Pinecone with a condition Pinecone's requests never meet
//! (private `aws:SourceIp` ranges, `aws:MultiFactorAuthPresent: true`, a VPC endpoint) is an
//! error at that condition; other causes are left to the rules that name them (CMK204, CMK205,
//! CMK208, CMK210, CMK211, CMK203); unconditional Denies and "Pinecone named only in Denies" to
//! CMK213. Scenario inputs: see [`crate::rules::evaluated`].

use super::model::Pinecone;
use crate::rules::evaluated;
use crate::rules::{Reporter, RuleContext};
use crate::scenarios::{self, Builder, Inputs, Outcome};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let pc = Pinecone::cached(ctx);
    if !pc.is_pinecone_trust() {
        return;
    }
    // No Allow for Pinecone at all: CMK213 ("named only in Denies").
    let any_allow = pc.allow_statements().next().is_some()
        || policy.statements.iter().any(|s| s.is_allow() && s.principal.as_ref().is_some_and(|p| p.is_everyone()));
    if !any_allow {
        return;
    }
    let outcomes = trust_outcomes(ctx, &["pinecone-assume"]);
    let blocks: Vec<_> = evaluated::deny_blocks(&outcomes, 0)
        .into_iter()
        .filter(|b| {
            // Unconditional Denies covering `*` or Pinecone: CMK213.
            let Some((at, s)) = policy.statement_by_index(b.hit.statement) else { return false };
            let conditional = s.conditions.iter().any(|c| !c.entries.is_empty());
            let cmk213 = !conditional && s.principal.as_ref().is_some_and(|p| p.is_everyone() || pc.names_pinecone[at]);
            !cmk213
        })
        .collect();
    evaluated::report_blocks(
        out,
        policy,
        &blocks,
        "Pinecone's `sts:AssumeRole`: an explicit Deny overrides every Allow, so Pinecone cannot use your key",
        "exempt Pinecone's requests from this `Deny` (a role session carries no MFA, no source VPC and no source account), or remove it",
    );
    if blocks.is_empty() {
        report_unmet_conditions(ctx, pc, &outcomes, out);
    }
}

/// Condition keys whose misses other rules name (the external ID: CMK208/CMK210/CMK603; keys
/// absent when a principal calls AssumeRole: CMK203; the caller's identity: the name rules).
const NAMED_ELSEWHERE: &[&str] = &[
    "sts:ExternalId",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
];

/// The implicit deny of an Allow naming Pinecone whose condition Pinecone's requests never meet
/// (private source addresses, MFA, a VPC endpoint, a principal type): certain by evaluation,
/// when every `pinecone-assume` request is denied and no Deny did it.
fn report_unmet_conditions(ctx: &RuleContext<'_>, pc: &Pinecone<'_>, outcomes: &[Outcome], out: &mut Reporter) {
    let policy = ctx.policy();
    let Some(outcome) = outcomes.first().filter(|o| o.decision == crate::eval::Decision::Denied) else { return };
    if outcome.evaluations.iter().any(|(_, ev)| ev.decision != crate::eval::Decision::Denied) {
        return;
    }
    let mut reported: Vec<crate::source::Span> = Vec::new();
    for (req, ev) in &outcome.evaluations {
        for hit in &ev.statements {
            if hit.effect != crate::eval::Effect::Allow
                || hit.applies != crate::eval::Tri::False
                || hit.miss != Some(crate::eval::Element::Condition)
            {
                continue;
            }
            let Some((at, stmt)) = policy.statement_by_index(hit.statement) else { continue };
            if !pc.names_pinecone[at] {
                continue;
            }
            let Some((block, entry)) = stmt
                .conditions
                .iter()
                .flat_map(|b| b.entries.iter().map(move |e| (b, e)))
                .find(|(_, e)| hit.at.is_some_and(|a| e.member.key_span.start == a.start))
            else {
                continue;
            };
            if NAMED_ELSEWHERE.iter().any(|k| entry.key.eq_ignore_ascii_case(k))
                || reported.contains(&entry.member.key_span)
            {
                continue;
            }
            reported.push(entry.member.key_span);
            let value = match req.context.lookup(entry.key) {
                crate::eval::Lookup::Values(v) => format!("`{}`", v.join("`, `")),
                crate::eval::Lookup::Absent => "absent".to_string(),
                crate::eval::Lookup::Unknown => continue,
            };
            out.report(
                entry.member.key_span,
                format!(
                    "Pinecone's `sts:AssumeRole` never meets `{}` on `{}`: in its request the key is {value}, so this Allow never applies and Pinecone cannot use your key",
                    block.operator.text, entry.key
                ),
            )
            .label(hit.head, "the Allow naming Pinecone")
            .help("remove the condition for Pinecone's roles: Pinecone calls from its own AWS account over the public endpoint, as a role session without MFA");
        }
    }
}

/// The scenario builder for this trust policy (inputs: see [`crate::rules::evaluated`]).
pub(crate) fn trust_scenarios<'a>(ctx: &RuleContext<'a>, pc: &Pinecone<'a>) -> Builder<'a> {
    Inputs {
        pinecone_account: pc.accounts.first().copied().or(Some(evaluated::PLACEHOLDER_PINECONE_ACCOUNT)),
        role_arn: Some(
            ctx.settings
                .console
                .role_arn
                .clone()
                .unwrap_or_else(|| evaluated::placeholder_role(evaluated::PLACEHOLDER_ACCOUNT)),
        ),
        key_arn: None,
        external_id: evaluated::external_id(ctx.policy(), ctx.settings),
    }
    .builder(ctx.settings)
}

/// Run the named trust scenarios against this trust policy alone.
pub(crate) fn trust_outcomes(ctx: &RuleContext<'_>, names: &[&str]) -> Vec<Outcome> {
    let policy = ctx.policy();
    names.iter().filter_map(|n| ctx.trust_scenario(n).map(|s| scenarios::run(s, Some(policy), None, None))).collect()
}

/// Condition keys no caller of AssumeRole can give a matching value.
const UNSETTABLE: &[&str] =
    &["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpce", "aws:SourceVpc"];

/// The statements (by `Statement::index`) the evaluator closes to every other account for a reason cmek-lint can
/// trust from one request: in each `other-account-assume` request (also sent by an IAM principal
/// signed in with MFA) the statement misses on a condition entry whose key no caller of
/// AssumeRole can set to a matching value ([`UNSETTABLE`]: `aws:SourceAccount` is absent when a
/// principal calls AssumeRole, a VPC endpoint is the customer's). Identity pins
/// (`aws:PrincipalArn` patterns and the like) and source addresses are left to the pattern
/// rules: one attacker request cannot show that no crafted role path or address matches them.
pub(crate) fn closed_to_others(ctx: &RuleContext<'_>) -> Vec<usize> {
    let policy = ctx.policy();
    let Some(mut scenario) = ctx.trust_scenario("other-account-assume").cloned() else {
        return Vec::new();
    };
    crate::rules::evaluated::add_mfa_sessions(&mut scenario, ctx.names_mfa());
    let outcome = crate::scenarios::run(&scenario, Some(policy), None, None);
    let closed = |stmt: &crate::policy::Statement<'_>| {
        outcome.evaluations.iter().all(|(_, ev)| {
            ev.statements.iter().filter(|h| h.statement == stmt.index).all(|h| {
                h.applies == crate::eval::Tri::False
                    && h.miss == Some(crate::eval::Element::Condition)
                    && h.at.is_some_and(|at| {
                        stmt.conditions.iter().flat_map(|b| b.entries.iter()).any(|e| {
                            e.member.key_span.start == at.start
                                && UNSETTABLE.iter().any(|k| e.key.eq_ignore_ascii_case(k))
                        })
                    })
            })
        })
    };
    policy.statements.iter().filter(|s| s.is_allow() && closed(s)).map(|s| s.index).collect()
}

/// Whether the evaluator says no other principal of Pinecone's account can assume the role
/// (`pinecone-other-role-assume` denied for sure).
pub(crate) fn pinecone_other_roles_denied(ctx: &RuleContext<'_>) -> bool {
    evaluated::denied(trust_outcomes(ctx, &["pinecone-other-role-assume"]).first())
}
