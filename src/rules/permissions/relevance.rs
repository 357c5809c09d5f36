//! Is this identity policy the CMEK role's KMS permissions policy?
//!
//! Thousands of identity policies mention KMS (1,388 AWS managed policies alone, many with
//! `kms:Decrypt` on `*`), and a generic one must not be judged by what Pinecone needs. A policy
//! counts as the CMEK role's when it has a `kms:` action and:
//! - `[customer] key_arn` is configured and an `Allow` names that key's account explicitly in a
//!   `Resource` covering the key (not `*`, not an any-account pattern); or
//! - its `Id` or a `Sid` mentions `pinecone` or `cmek`; or
//! - it has the shape of the guide's "keys outside your account" snippet: only `kms:` actions,
//!   and `kms:Encrypt` or `kms:Decrypt` allowed on `arn:aws:kms:*:<account>:key/*`.

use crate::data::placeholders::{has_expression, placeholder_kind};
use crate::policy::access::{arn_like, expression_as_wildcard};
use crate::policy::{Arn, Policy, Statement, wildcard_match_ci};
use crate::rules::RuleContext;
use crate::settings::Settings;

/// Why the policy counts as the CMEK role's permissions policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Why {
    /// It names the configured key.
    KeyArn,
    /// Its `Id` or a `Sid` mentions Pinecone or CMEK.
    Named,
    /// It has the shape of the guide's snippet.
    GuideShape,
}

impl Why {
    /// Why cmek-lint took the policy for the CMEK role's, for help texts.
    pub fn describe(self) -> &'static str {
        match self {
            Why::KeyArn => "it names the key in `[customer] key_arn`",
            Why::Named => "its `Id` or a `Sid` mentions Pinecone or CMEK",
            Why::GuideShape => "it has the shape of the Pinecone guide's \"keys outside your account\" policy",
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Relevance<'a> {
    /// `[customer] key_arn`, when configured.
    pub key_arn: Option<&'a str>,
    pub why: Why,
}

/// Whether an action pattern is a `kms:` action (or pattern).
pub(crate) fn is_kms_action(pattern: &str) -> bool {
    pattern.trim().get(..4).is_some_and(|p| p.eq_ignore_ascii_case("kms:"))
}

/// Whether a statement lists any `kms:` action.
pub(crate) fn has_kms_action(s: &Statement<'_>) -> bool {
    s.actions().any(|(a, _)| is_kms_action(a))
}

/// [`compute`] for the policy of `ctx`, decided once per policy and shared by the rules that
/// ask.
pub(crate) fn relevance<'a>(ctx: &RuleContext<'a>) -> Option<Relevance<'a>> {
    ctx.relevance()
}

/// Whether `policy` is the CMEK role's permissions policy, and why.
pub(crate) fn compute<'a>(policy: &Policy<'_>, settings: &'a Settings) -> Option<Relevance<'a>> {
    if !policy.statements.iter().any(has_kms_action) {
        return None;
    }
    let key_arn = settings.console.key_arn.as_deref().map(str::trim).filter(|k| !k.is_empty());
    if let Some(key) = key_arn
        && policy
            .statements
            .iter()
            .filter(|s| s.is_allow() && has_kms_action(s))
            .any(|s| s.resource.as_ref().is_some_and(|r| r.strings().any(|(v, _)| names_key_account(v, key))))
    {
        return Some(Relevance { key_arn, why: Why::KeyArn });
    }
    let mentions = |t: &str| {
        let t = t.to_ascii_lowercase();
        t.contains("pinecone") || t.contains("cmek")
    };
    let id = policy.id.and_then(|m| m.value.as_str());
    if id.is_some_and(mentions) || policy.statements.iter().filter_map(|s| s.sid_str()).any(mentions) {
        return Some(Relevance { key_arn, why: Why::Named });
    }
    let kms_only = policy.statements.iter().filter(|s| s.is_allow()).all(|s| {
        s.not_action.is_none() && s.action.as_ref().is_some_and(|l| l.strings().all(|(a, _)| is_kms_action(a)))
    });
    let guide = policy.statements.iter().filter(|s| s.is_allow()).any(|s| {
        settings.key_actions.iter().any(|a| s.covers_action(a))
            && s.resource.as_ref().is_some_and(|r| r.strings().any(|(v, _)| is_guide_pattern(v)))
    });
    (kms_only && guide).then_some(Relevance { key_arn, why: Why::GuideShape })
}

/// `arn:aws:kms:*:<account>:key/*`: every key of one account, in every region.
pub(crate) fn is_guide_pattern(v: &str) -> bool {
    Arn::parse(v.trim()).is_some_and(|a| {
        a.service == "kms" && a.region == "*" && a.resource == "key/*" && !a.account.is_empty() && a.account != "*"
    })
}

/// Whether a `Resource` value names the account of `key` and covers `key`.
fn names_key_account(v: &str, key: &str) -> bool {
    let (Some(value), Some(k)) = (Arn::parse(v.trim()), Arn::parse(key)) else {
        return false;
    };
    let account_ok = value.account == k.account || has_expression(value.account);
    account_ok && value.service == "kms" && resource_covers_key(v, key)
}

/// Whether a `Resource` value may cover `key`: `*`, a matching pattern, or a deploy-time value
/// that could resolve to it.
pub(crate) fn resource_covers_key(v: &str, key: &str) -> bool {
    let v = v.trim();
    if v == "*" {
        return true;
    }
    let mut pattern = if has_expression(v) { expression_as_wildcard(v) } else { v.to_string() };
    // A placeholder account (`XXXXXX`) is CMK115's finding; do not also call the key uncovered.
    if let Some(arn) = Arn::parse(&pattern)
        && placeholder_kind(arn.account).is_some()
    {
        let at = arn.offsets[3];
        pattern.replace_range(at..at + arn.account.len(), "*");
    }
    arn_like(&pattern, key) || wildcard_match_ci(&pattern, key)
}

/// Whether a `Resource` value may be a KMS key: `*`, a key ARN or pattern, a KMS ARN whose
/// resource is a wildcard, or a deploy-time value.
pub(crate) fn may_be_key(v: &str) -> bool {
    let v = v.trim();
    v == "*"
        || has_expression(v)
        || Arn::parse(v).is_some_and(|a| {
            (a.service == "kms" || a.service.contains('*')) && (a.resource_type == "key" || a.resource.starts_with('*'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_pattern_and_key_coverage() {
        assert!(is_guide_pattern("arn:aws:kms:*:222233334444:key/*"));
        assert!(is_guide_pattern("arn:aws:kms:*:XXXXXX:key/*"));
        assert!(!is_guide_pattern("arn:aws:kms:*:*:key/*"));
        assert!(!is_guide_pattern("arn:aws:kms:us-east-1:222233334444:key/*"));
        let key = "arn:aws:kms:us-east-1:222233334444:key/0f3c2b7e-5a91-4d2e-8c6b-9e1f4a7d3b25";
        assert!(resource_covers_key("arn:aws:kms:*:222233334444:key/*", key));
        assert!(resource_covers_key("*", key));
        assert!(resource_covers_key("arn:aws:kms:${AWS::Region}:222233334444:key/${KeyId}", key));
        assert!(!resource_covers_key("arn:aws:kms:*:333344445555:key/*", key));
        assert!(resource_covers_key("arn:aws:kms:*:XXXXXX:key/*", key));
        assert!(names_key_account("arn:aws:kms:*:222233334444:key/*", key));
        assert!(!names_key_account("arn:aws:kms:*:*:key/*", key));
        assert!(!names_key_account("*", key));
        assert!(names_key_account("arn:aws:kms:${AWS::Region}:${KeyAccount}:key/*", key));
        assert!(may_be_key("arn:aws:kms:*::*"));
        assert!(!may_be_key("arn:aws:kms:us-east-1:222233334444:alias/x"));
    }
}
