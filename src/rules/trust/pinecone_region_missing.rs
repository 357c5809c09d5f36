//! CMK206 pinecone-region-missing: an explicit list of Pinecone roles that leaves out a region
//! Pinecone may need to assume the role from.
//!
//! With `[pinecone] regions` configured, every configured region must be covered (warning).
//! Without it, the expected regions are the three whose roles Pinecone's guide names
//! (us-east-1, us-west-2, eu-west-1), and a gap is only an info: a project whose indexes live
//! in one region may rightly trust only that region's role. eu-central-1 and ap-southeast-1
//! host Pinecone serverless indexes too, but the guide documents no CMEK role for them, so
//! they are expected only when configured.

use super::model::{NameVerdict, PRINCIPAL_ARN, Pinecone, expected_regions, is_unknown, judge_name};
use crate::config::DOCUMENTED_CMEK_REGIONS;
use crate::diagnostic::Severity;
use crate::pinecone::ROLE_PREFIX;
use crate::rules::{Ctx, Reporter};
use std::collections::BTreeSet;

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let pc = Pinecone::new(policy, ctx.settings);
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
    let (expected, configured) = expected_regions(ctx.settings);
    let missing: Vec<&str> = expected.iter().copied().filter(|r| !covered.contains(*r)).collect();
    if missing.is_empty() {
        return;
    }
    let list = |v: &[&str]| v.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ");
    let covered: Vec<&str> = covered.iter().map(String::as_str).collect();
    let why =
        if configured { "listed in `[pinecone] regions` of cmek-lint.toml" } else { "named by Pinecone's CMEK guide" };
    let account = super::account_hint(&pc);
    let mut help = format!(
        "if this project's indexes are (or will be) there, add `arn:aws:iam::{account}:role/{ROLE_PREFIX}<region>` for each, or use the all-regions form (`\"Principal\": {{\"AWS\": \"*\"}}` with `\"ArnLike\": {{\"aws:PrincipalArn\": \"arn:aws:iam::{account}:role/{ROLE_PREFIX}*\"}}`); otherwise set `[pinecone] regions` in cmek-lint.toml to the regions you use"
    );
    let undocumented: Vec<&str> = missing.iter().copied().filter(|r| !DOCUMENTED_CMEK_REGIONS.contains(r)).collect();
    if !undocumented.is_empty() {
        help.push_str(&format!(
            ". Pinecone's guide names roles only for {}; confirm the role for {} with Pinecone",
            list(DOCUMENTED_CMEK_REGIONS),
            list(&undocumented)
        ));
    }
    let f = out.report(
        anchor,
        format!(
            "Pinecone can assume this role only from {}: the trust names no Pinecone role for {} ({why})",
            list(&covered),
            list(&missing)
        ),
    );
    f.help(help);
    if !configured {
        f.severity(Severity::Info);
    }
}
