//! CMK604 key-arn-mismatch: a permissions policy, or the key ARN configured for Pinecone, names
//! another key than the one found; or the configured key ARN, standing for a key whose metadata
//! was not found, is in a region Pinecone does not serve or is multi-Region.

use super::{SetupContext, SetupFindings};
use crate::policy::Arn;
use crate::rules::RuleId;

pub(crate) fn check(cx: &SetupContext<'_>, out: &mut SetupFindings) {
    configured_key_unusable(cx, out);
    let Some(key) = cx.setup.key else { return };
    let found_arn = key.arn.as_deref();
    let Some(key_arn) = found_arn.or(cx.values.key_arn.as_deref()) else { return };
    let what = if found_arn.is_some() { "the key found" } else { "the key ARN configured for Pinecone" };
    for p in cx.setup.permissions() {
        for r in &p.resources {
            let Some(ra) = Arn::parse(&r.principal) else { continue };
            if ra.service != "kms" || ra.resource_type != "key" || r.principal.contains('*') {
                continue;
            }
            if !r.principal.eq_ignore_ascii_case(key_arn) {
                out.push(
                    RuleId::KeyArnMismatch,
                    &r.at,
                    format!("the permissions policy names key `{}`, but {what} is `{key_arn}`", r.principal),
                    "use the key's ARN from `aws kms describe-key` in the permissions policy".into(),
                    Some((&key.at, format!("{what}: `{key_arn}`"))),
                );
            }
        }
    }
    if let Some(want) = cx.values.key_arn.as_deref().filter(|w| found_arn.is_some() && !w.eq_ignore_ascii_case(key_arn))
    {
        out.push(
            RuleId::KeyArnMismatch,
            &key.at,
            format!("the key ARN configured for Pinecone is `{want}`, but this key is `{key_arn}`"),
            "enter this key's ARN in the Pinecone console (and `[customer] key_arn`), or point to the right key".into(),
            cx.values.key_arn_at.as_ref().map(|l| (l, "the key ARN configured for Pinecone".to_string())),
        );
    }
}

/// The configured key ARN is all that is known of the setup's key (no `describe-key` export, a
/// key created elsewhere): it must be usable by Pinecone. Reported at the key or key policy of
/// the setup, pointing at the config line.
fn configured_key_unusable(cx: &SetupContext<'_>, out: &mut SetupFindings) {
    if !cx.first_time || cx.setup.key.is_some_and(|k| k.arn.is_some()) {
        return; // the key's metadata is checked by the key-metadata rules
    }
    let (Some(text), Some(config)) = (cx.values.key_arn.as_deref(), cx.values.key_arn_at.as_ref()) else { return };
    let Some(arn) = Arn::parse(text.trim()).filter(|a| a.service == "kms" && a.resource_type == "key") else { return };
    let Some(at) = cx.setup.key.map(|k| &k.at).or(cx.setup.key_policy.map(|p| &p.at)) else { return };
    let problem = if arn.resource_name.starts_with("mrk-") {
        "is a multi-Region key (`mrk-`), which Pinecone CMEK does not support".to_string()
    } else if !arn.region.is_empty() && !cx.settings.regions.iter().any(|r| r == arn.region) {
        format!("is in `{}`, a region Pinecone does not run in ({})", arn.region, cx.settings.regions.join(", "))
    } else {
        return;
    };
    out.push(
        RuleId::KeyArnMismatch,
        at,
        format!("the key ARN configured for Pinecone `{text}` {problem}"),
        "create a single-Region symmetric key in the region of your Pinecone project and use its ARN everywhere".into(),
        Some((config, "the key ARN configured for Pinecone".into())),
    );
}
