//! CMK206 pinecone-region-missing: an explicit list of Pinecone roles that leaves out a region
//! configured in `[pinecone] regions` (or `--regions`).
//!
//! Without configuration the rule is silent: a trust that names only the roles of the regions a
//! project uses is correct, and cmek-lint cannot know which those are. (`Settings` does not
//! record whether the region list came from the user, so a list equal to the built-in default,
//! all five Pinecone regions, also counts as "not configured".) eu-central-1 and ap-southeast-1
//! host Pinecone serverless indexes, but Pinecone's guide documents no CMEK role for them; when
//! configured they are expected, with a hint to confirm the role with Pinecone.

use super::model::{NameVerdict, PRINCIPAL_ARN, Pinecone, is_unknown, judge_name};
use crate::pinecone::DOCUMENTED_CMEK_REGIONS;
use crate::pinecone::ROLE_PREFIX;
use crate::rules::{Reporter, RuleContext};
use std::collections::BTreeSet;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    if !ctx.settings.regions_configured() {
        return;
    }
    let pc = Pinecone::cached(ctx);
    if !pc.is_pinecone_trust() {
        return;
    }
    // `Principal: *` pinned by account only (no `aws:PrincipalArn`) covers every region.
    for (_, s) in pc.allow_statements() {
        if s.principal.as_ref().is_some_and(|p| p.is_everyone()) && s.condition_entries(PRINCIPAL_ARN).next().is_none()
        {
            return;
        }
    }
    let mut covered: BTreeSet<String> = BTreeSet::new();
    let mut anchor = None;
    for r in pc.allow_refs() {
        if is_unknown(r.arn.resource) || r.literal_wildcard() {
            return;
        }
        if r.arn.resource_type != "role" {
            if r.arn.resource == "root" || r.is_pattern() {
                return; // the whole account or a broad pattern: every region (CMK207 warns)
            }
            continue;
        }
        let mut verdict = judge_name(r.arn.name(), r.is_pattern(), &pc.served);
        if let Some(meant) = verdict.intended_name() {
            // Judge what CMK205 suggests, so a typo is not also a missing region.
            verdict = judge_name(&meant, r.is_pattern(), &pc.served);
        }
        match verdict {
            NameVerdict::Broader => return,
            NameVerdict::Pattern(hits) => covered.extend(hits),
            NameVerdict::Ok(region) => {
                covered.insert(region);
            }
            _ => return, // a name CMK205 reports without a clear intent
        }
        anchor.get_or_insert(r.node.span);
    }
    let Some(anchor) = anchor else { return };
    let missing: Vec<&str> =
        ctx.settings.regions.iter().map(String::as_str).filter(|r| !covered.contains(*r)).collect();
    if missing.is_empty() {
        return;
    }
    let list = |v: &[&str]| v.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ");
    let covered: Vec<&str> = covered.iter().map(String::as_str).collect();
    let covered = if covered.is_empty() { "no region".to_string() } else { list(&covered) };
    let account = super::account_hint(pc);
    let mut help = format!(
        "add `arn:aws:iam::{account}:role/{ROLE_PREFIX}<region>` for each, or use the all-regions form (`\"Principal\": {{\"AWS\": \"*\"}}` with `\"ArnLike\": {{\"aws:PrincipalArn\": \"arn:aws:iam::{account}:role/{ROLE_PREFIX}*\"}}`); if the project has no indexes there, remove the region from `[pinecone] regions` (or `--regions`)"
    );
    let undocumented: Vec<&str> = missing.iter().copied().filter(|r| !DOCUMENTED_CMEK_REGIONS.contains(r)).collect();
    if !undocumented.is_empty() {
        help.push_str(&format!(
            ". Pinecone's guide names roles only for {}; confirm the role for {} with Pinecone",
            list(DOCUMENTED_CMEK_REGIONS),
            list(&undocumented)
        ));
    }
    out.report(
        anchor,
        format!(
            "Pinecone can assume this role only from {covered}: the trust names no Pinecone role for {}, which the configuration lists as a region of this project's indexes",
            list(&missing)
        ),
    )
    .help(help);
}
