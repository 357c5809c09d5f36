//! CMK606 key-role-partition-mismatch: the key and the role trusting Pinecone are in different
//! partitions (`aws`, `aws-cn`, `aws-us-gov`), or the key policy names the role in another one.

use super::{SetupContext, SetupFindings};
use crate::policy::Arn;
use crate::rules::RuleId;

pub(crate) fn check(cx: &SetupContext<'_>, out: &mut SetupFindings) {
    let Some(ra) = cx.role_arn() else { return };
    for (g, ga) in cx.near_misses().iter().filter(|(_, ga)| ga.partition != ra.partition) {
        out.push(
            RuleId::KeyRolePartitionMismatch,
            &g.at,
            format!(
                "the key policy names the role in partition `{}`, but the role is in `{}`",
                ga.partition, ra.partition
            ),
            "key and role must be in the same partition; write the role's ARN exactly as IAM shows it".into(),
            Some(cx.trust_label()),
        );
    }
    let Some(key) = cx.setup.key else { return };
    let Some(ka) = key.arn.as_deref().or(cx.values.key_arn.as_deref()).and_then(Arn::parse) else { return };
    if ka.partition != ra.partition {
        out.push(
            RuleId::KeyRolePartitionMismatch,
            &key.at,
            format!("the key is in partition `{}` but the role is in `{}`", ka.partition, ra.partition),
            "create the key and the role in the same partition (Pinecone runs in `aws`)".into(),
            Some(cx.trust_label()),
        );
    }
}
