//! CMK605 trust-regions-miss-key-region: the trust policy lists Pinecone's roles region by
//! region, and the key's region is not among them.

use super::{SetupContext, SetupFindings};
use crate::policy::Arn;
use crate::rules::RuleId;

pub(crate) fn check(cx: &SetupContext<'_>, out: &mut SetupFindings) {
    let Some(key) = cx.setup.key else { return };
    let role = cx.role;
    let region = key.region.clone().or_else(|| {
        cx.values.key_arn.as_deref().and_then(Arn::parse).map(|a| a.region.to_string()).filter(|r| !r.is_empty())
    });
    let Some(region) = region.as_deref() else { return };
    // A region Pinecone does not serve is CMK507's finding, not this one's.
    let served = cx.settings.regions.iter().any(|r| r == region);
    if served && !role.regions.is_empty() && !role.regions.iter().any(|r| r == region) {
        out.push(
            RuleId::TrustRegionsMissKeyRegion,
            &role.at,
            format!(
                "the trust policy lets Pinecone in from {} only, but the key is in `{region}`",
                role.regions.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
            ),
            format!(
                "add `arn:aws:iam::<pinecone account>:role/pinecone_cmek_access_{region}` to the trust policy's principals"
            ),
            Some((&key.at, format!("key in `{region}`"))),
        );
    }
}
