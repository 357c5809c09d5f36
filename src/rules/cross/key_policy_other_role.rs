//! CMK601 key-policy-other-role: the key policy grants key use to a role other than the one
//! trusting Pinecone, or to the right name in another account or path.

use super::{SetupContext, SetupFindings, role_desc};
use crate::rules::RuleId;

pub(crate) fn check(cx: &SetupContext<'_>, out: &mut SetupFindings) {
    let Some(kp) = cx.setup.key_policy else { return };
    if !cx.mine().is_empty() {
        return;
    }
    let near = cx.near_misses();
    if let Some(ra) = cx.role_arn() {
        for (g, ga) in near.iter().filter(|(_, ga)| ga.partition == ra.partition) {
            let what = if ga.account != ra.account {
                format!("account `{}` instead of `{}`", ga.account, ra.account)
            } else {
                "another path".to_string()
            };
            out.push(
                RuleId::KeyPolicyOtherRole,
                &g.at,
                format!(
                    "the key policy grants key use to `{}`, not to the role trusting Pinecone `{}` ({what})",
                    g.principal,
                    role_desc(cx.role)
                ),
                "copy the role's ARN exactly (account, path and name) from `aws iam get-role` into the key policy"
                    .into(),
                Some(cx.trust_label()),
            );
        }
    }
    if near.is_empty()
        && let Some(g) = kp.grants.first()
    {
        out.push(
                RuleId::KeyPolicyOtherRole,
                &g.at,
                format!(
                    "the key policy grants key use to `{}`, but the role Pinecone assumes is `{}`",
                    g.principal,
                    role_desc(cx.role)
                ),
                "name the role whose trust policy trusts Pinecone in the key policy's Principal (or make that role trust Pinecone)".into(),
                Some(cx.trust_label()),
            );
    }
}
