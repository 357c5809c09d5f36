//! CMK204 pinecone-account-mismatch: Pinecone's roles named in more than one account, or in an
//! account other than the one configured as Pinecone's.
//!
//! Placeholders (`XXXXXXXXXXXX`, documentation accounts) are CMK115's and malformed accounts
//! CMK112's; only real 12-digit accounts are compared here.

use super::model::{PRINCIPAL_ACCOUNT, Pinecone, value_text};
use crate::data::placeholders::placeholder_kind;
use crate::pinecone::name_looks_pinecone;
use crate::policy::arn::is_account_id;
use crate::rules::util::sub_span;
use crate::rules::{Reporter, RuleContext};
use crate::source::Span;
use std::collections::HashMap;

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let pc = Pinecone::cached(ctx);
    if !pc.is_pinecone_trust() {
        return;
    }
    // (span, account, named in a role ARN rather than an `aws:PrincipalAccount` value)
    let mut items: Vec<(Span, &str, bool)> = Vec::new();
    for r in &pc.refs {
        if !name_looks_pinecone(r.role_name()) {
            continue;
        }
        if let Some(a) = r.real_account() {
            items.push((sub_span(r.node, r.arn.offsets[3], r.arn.offsets[3] + a.len()), a, true));
        }
    }
    for (i, s) in policy.statements.iter().enumerate() {
        if !pc.names_pinecone[i] {
            continue;
        }
        for (_, e) in s.condition_entries(PRINCIPAL_ACCOUNT) {
            for v in &e.values {
                if let Some(a) = value_text(v).filter(|a| is_account_id(a) && placeholder_kind(a).is_none()) {
                    items.push((v.span, a, false));
                }
            }
        }
    }
    items.sort_by_key(|(span, _, _)| span.start);

    if let Some(configured) = ctx.settings.pinecone_account.as_deref() {
        for (span, a, _) in items.iter().filter(|(_, a, _)| *a != configured) {
            out.report(*span, format!("`{a}` is not Pinecone's CMEK account: the configured Pinecone account is `{configured}`"))
                .help(format!("Pinecone's `pinecone_cmek_access_<region>` roles are in account {configured}; use it here, or fix `[pinecone] account_id` (or `--pinecone-account`) if the Pinecone console (Manage > CMEK > Add CMEK) shows another"));
        }
        return;
    }
    // Per account: occurrences, occurrences in role ARNs, first span.
    // In order of first appearance (ties go to the first seen), indexed by account.
    let mut counts: Vec<(&str, usize, usize, Span)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (span, a, in_arn) in &items {
        let i = *index.entry(a).or_insert_with(|| {
            counts.push((a, 0, 0, *span));
            counts.len() - 1
        });
        counts[i].1 += 1;
        counts[i].2 += usize::from(*in_arn);
    }
    if counts.len() < 2 {
        return;
    }
    // Pinecone's account: the most frequent one; on a tie the one named in role ARNs, then
    // the first seen.
    let (majority, n, _, first) =
        counts.iter().fold(counts[0], |best, c| if (c.1, c.2) > (best.1, best.2) { *c } else { best });
    for (span, a, _) in items.iter().filter(|(_, a, _)| *a != majority) {
        let elsewhere = if n == 1 { "once elsewhere".to_string() } else { format!("{n} times elsewhere") };
        out.report(
            *span,
            format!("Pinecone's roles are named in more than one account: `{a}` here, `{majority}` {elsewhere}; all of Pinecone's `pinecone_cmek_access_*` roles live in its one CMEK account"),
        )
        .label(first, format!("`{majority}` here"))
        .help("use the account id the Pinecone console shows under Manage > CMEK > Add CMEK everywhere, and set `[pinecone] account_id` in cmek-lint.toml so cmek-lint can check it");
    }
}
