//! CMK404 permissions-alias-arn: a permissions policy allows KMS key operations on an alias
//! ARN (`arn:aws:kms:<region>:<account>:alias/<name>`) only.
//!
//! IAM authorizes key operations against the key's ARN: "To specify a KMS key in an IAM policy
//! statement, you must use its key ARN. You cannot use a key id, alias name, or alias ARN"
//! (AWS KMS Developer Guide). Alias ARNs belong only in statements about alias operations, and
//! aliases do not work across accounts at all.

use super::relevance::{is_kms_action, may_be_key};
use crate::data::kms::kms_actions_matching;
use crate::policy::Arn;
use crate::rules::{Reporter, RuleContext};

const ALIAS_OPS: &[&str] = &["CreateAlias", "UpdateAlias", "DeleteAlias", "ListAliases"];

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let key_arn = ctx.settings.console.key_arn.as_deref();
    for s in ctx.policy().statements.iter().filter(|s| s.is_allow()) {
        let Some(actions) = &s.action else { continue };
        let key_ops: Vec<&str> = actions
            .strings()
            .filter(|(a, _)| is_kms_action(a))
            .flat_map(|(a, _)| kms_actions_matching(a))
            .filter(|a| !ALIAS_OPS.contains(a))
            .collect();
        if key_ops.is_empty() {
            continue;
        }
        let Some(resources) = &s.resource else { continue };
        if resources.strings().any(|(v, _)| may_be_key(v)) {
            continue;
        }
        for (value, node) in resources.strings() {
            let Some(arn) = Arn::parse(value.trim()) else { continue };
            if arn.service != "kms" || arn.resource_type != "alias" {
                continue;
            }
            let shown: Vec<String> = key_ops.iter().take(3).map(|a| format!("`kms:{a}`")).collect();
            out.report(
                node.span,
                format!(
                    "`{}` is an alias ARN: IAM checks {} against the key's ARN, so this statement never applies to the key (and aliases cannot be used across accounts)",
                    value.trim(),
                    shown.join(", ")
                ),
            )
            .help(match key_arn {
                Some(k) => format!("use the key ARN: `{k}`"),
                None => format!(
                    "use the key ARN, `arn:aws:kms:{}:{}:key/<key-id>` (`aws kms describe-key --key-id {}` shows it)",
                    arn.region, arn.account, arn.resource
                ),
            });
        }
    }
}
