//! CMK307 key-resource-not-star: a key-policy statement whose `Resource` is not `"*"`.
//!
//! In a key policy `"Resource": "*"` means "this KMS key" (AWS KMS Developer Guide, "Elements in
//! a key policy"). The key's own ARN works but is unusual; any other value (another key, an
//! alias ARN, a non-KMS ARN) never matches the key, so the statement has no effect: an inert
//! account statement then fails the lockout safety check, an inert key-user statement locks
//! Pinecone out.

use crate::data::placeholders::has_expression;
use crate::diagnostic::Severity;
use crate::policy::Arn;
use crate::rules::permissions::relevance::resource_covers_key;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let key_arn = ctx.settings.console.key_arn.as_deref();
    for s in &ctx.policy().statements {
        if let Some(list) = &s.resource {
            for (value, node) in list.strings() {
                let v = value.trim();
                if v == "*" {
                    continue;
                }
                let arn = Arn::parse(v);
                let key_like = arn.is_some_and(|a| a.service == "kms" && a.resource_type == "key");
                let all_keys = arn.is_some_and(|a| a.service == "kms" && (a.resource == "key/*" || a.resource == "*"));
                let template = has_expression(v);
                let (message, severity) = if all_keys {
                    // `arn:aws:kms:<region>:<account>:key/*` matches this key when the key lives
                    // there (always, with CloudFormation's `${AWS::Region}`/`${AWS::AccountId}`).
                    match key_arn.filter(|k| !template && !resource_covers_key(v, k)) {
                        Some(k) => (
                            format!(
                                "`{v}` does not match the key in `[customer] key_arn` (`{k}`): if this policy is that key's, this statement never applies to it"
                            ),
                            Severity::Warning,
                        ),
                        None => (
                            format!(
                                "`Resource` in a key policy is documented as `\"*\"` (\"this key\"); the pattern `{v}` also matches this key when the key is in that account and region"
                            ),
                            Severity::Info,
                        ),
                    }
                } else if key_like || (template && arn.is_none()) {
                    match key_arn {
                        Some(k) if !template && !k.eq_ignore_ascii_case(v) && !resource_covers_key(v, k) => (
                            format!(
                                "`{v}` is not the key in `[customer] key_arn` (`{k}`): if this policy is that key's, this statement never applies to it"
                            ),
                            Severity::Warning,
                        ),
                        Some(k) if k.eq_ignore_ascii_case(v) => (
                            format!(
                                "`Resource` in a key policy should be `\"*\"` (\"this key\"); `{v}` is the key in `[customer] key_arn`, so the statement works, but only as long as the policy stays on that key"
                            ),
                            Severity::Warning,
                        ),
                        _ => (
                            format!(
                                "`Resource` in a key policy should be `\"*\"` (\"this key\"); `{v}` works only if it is this key's own ARN"
                            ),
                            Severity::Warning,
                        ),
                    }
                } else {
                    let what = match arn {
                        Some(a) if a.service == "kms" && a.resource_type == "alias" => "an alias ARN",
                        Some(a) if a.service != "kms" => "not a KMS key",
                        _ => "not a KMS key ARN",
                    };
                    (
                        format!(
                            "`{v}` is {what}: in a key policy `Resource` must be `\"*\"` (\"this key\"), and this statement never applies to the key"
                        ),
                        Severity::Error,
                    )
                };
                out.report(node.span, message)
                    .help("write `\"Resource\": \"*\"`: a key policy is attached to one key, and `*` means that key")
                    .severity(severity);
            }
        }
        if let Some(list) = &s.not_resource {
            out.report(
                list.member.key_span,
                "`NotResource` in a key policy: a key policy is attached to one key, so write `\"Resource\": \"*\"` instead",
            )
            .severity(Severity::Warning);
        }
    }
}
