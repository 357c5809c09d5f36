//! CMK308 key-unsupported-condition-key: a condition key that KMS does not support in key
//! policies (`aws:ResourceTag/*`, `kms:ResourceAliases`) or that does not exist
//! (`kms:ResourceTag/*`).

use crate::data::kms::unsupported_in_key_policy;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        for block in &s.conditions {
            for e in &block.entries {
                if let Some(why) = unsupported_in_key_policy(e.key) {
                    out.report(e.member.key_span, format!("`{}` cannot be used in a key policy: {why}", e.key)).help(
                        "remove the condition; to control access by tags or aliases, put it in the IAM policies of the principals instead, or name the principals in the key policy",
                    );
                }
            }
        }
    }
}
