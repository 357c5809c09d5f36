//! CMK604 key-arn-mismatch: a permissions policy, or the key ARN configured for Pinecone, names
//! another key than the one found.

use super::{Out, SetupCtx};
use crate::policy::Arn;

pub(super) fn check(cx: &SetupCtx<'_>, out: &mut Out<'_>) {
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
                    "key-arn-mismatch",
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
            "key-arn-mismatch",
            &key.at,
            format!("the key ARN configured for Pinecone is `{want}`, but this key is `{key_arn}`"),
            "enter this key's ARN in the Pinecone console (and `[customer] key_arn`), or point to the right key".into(),
            cx.values.key_arn_at.as_ref().map(|l| (l, "the key ARN configured for Pinecone".to_string())),
        );
    }
}
