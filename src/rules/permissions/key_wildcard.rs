//! CMK402 permissions-key-wildcard: the CMEK role's permissions policy allows KMS crypto
//! actions on a wildcard resource (`*`, `arn:aws:kms:*:<account>:key/*`, ...) instead of the
//! one key Pinecone uses, as the guide's "keys outside your account" snippet does.

use super::relevance::relevance;
use crate::data::kms::{CRYPTO_ACTIONS, kms_actions_matching};
use crate::data::placeholders::{has_expression, placeholder_kind};
use crate::policy::{Arn, Statement};
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    let Some(rel) = relevance(ctx) else { return };
    for s in policy.statements.iter().filter(|s| s.is_allow() && grants_crypto(s)) {
        let Some(list) = &s.resource else { continue };
        for (value, node) in list.strings() {
            let v = value.trim();
            if has_expression(v) {
                continue;
            }
            let Some(scope) = wildcard_scope(v) else { continue };
            let help = match rel.key_arn {
                Some(k) => format!("name the key: `\"Resource\": \"{k}\"` (the Key ARN you enter in the Pinecone console)"),
                None => "name the key: its Key ARN, `arn:aws:kms:<region>:<account>:key/<key-id>`, as entered in the Pinecone console (one ARN per key); keep a wildcard only if the role must reach keys you do not know yet".to_string(),
            };
            out.report(node.span, format!("`{v}` lets the role use {scope}, not only the key Pinecone uses"))
                .help(help);
        }
    }
}

/// Whether the statement allows a KMS cryptographic operation.
fn grants_crypto(s: &Statement<'_>) -> bool {
    match (&s.action, &s.not_action) {
        (Some(list), _) => {
            list.strings().any(|(p, _)| kms_actions_matching(p).iter().any(|a| CRYPTO_ACTIONS.contains(a)))
        }
        (None, Some(_)) => CRYPTO_ACTIONS.iter().any(|a| s.covers_action(&format!("kms:{a}"))),
        _ => false,
    }
}

/// What a wildcard resource covers, in words; `None` for a single key.
fn wildcard_scope(v: &str) -> Option<String> {
    if v == "*" {
        return Some("every KMS key whose key policy lets it in".into());
    }
    let arn = Arn::parse(v)?;
    if arn.service != "kms" || !(arn.resource_type == "key" || arn.resource.starts_with('*')) {
        return None;
    }
    let wild = |t: &str| t.contains(['*', '?']);
    let key_wild = wild(arn.resource);
    if !key_wild && !wild(arn.region) && !wild(arn.account) {
        return None;
    }
    let account = if wild(arn.account) || arn.account.is_empty() {
        "any account".to_string()
    } else if placeholder_kind(arn.account).is_some() {
        "that account".to_string()
    } else {
        format!("account {}", arn.account)
    };
    let region = if wild(arn.region) { "every region".to_string() } else { arn.region.to_string() };
    Some(if key_wild {
        format!("every KMS key of {account} in {region}")
    } else {
        format!("the key `{}` of {account} in {region}", arn.resource_name)
    })
}
