//! CMK303 key-public-principal: an `Allow` to `Principal` `*` (or `{"AWS": "*"}`) with no
//! condition pinning the caller to an account, organization or ARN.
//!
//! Pinning conditions: `kms:CallerAccount`, `aws:PrincipalAccount`, `aws:PrincipalArn`,
//! `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:userid`, and the service-to-service keys
//! `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`, `aws:SourceOrgPaths` (present only
//! when an AWS service calls on behalf of a resource), each under a positive operator with
//! values that name an account (no wildcard in the account part).

use crate::data::kms::kms_actions_matching;
use crate::diagnostic::Severity;
use crate::policy::condition::SetQualifier;
use crate::policy::{Arn, ConditionBlock, ConditionEntry, Statement};
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in ctx.policy().statements.iter().filter(|s| reports(s)) {
        let Some(p) = &s.principal else { continue };
        let unconditional = s.conditions.is_empty();
        let f = out.report(
            p.everyone_span(),
            if unconditional {
                "`Principal` `*` lets every AWS account use this key: anyone whose own IAM policy allows it can call these KMS actions on your key".to_string()
            } else {
                "`Principal` `*` with no condition pinning the caller's account: every AWS account that meets the other conditions can use this key".to_string()
            },
        );
        f.help("name the principals instead (your CMEK role ARN), or add a condition such as `\"StringEquals\": {\"kms:CallerAccount\": \"<your account id>\"}` or `\"aws:PrincipalOrgID\"`");
        if let Some(c) = s.condition {
            f.label(c.key_span, "these conditions do not restrict who the caller is");
        }
        if read_only(s) {
            f.severity(Severity::Warning);
        }
    }
}

/// Whether CMK303 reports statement `s`: an `Allow` to `*` without a pinning condition.
/// CMK310 key-role-can-administer and CMK311 key-other-account-use leave these to this rule.
pub(crate) fn reports(s: &Statement<'_>) -> bool {
    s.is_allow()
        && s.principal.as_ref().is_some_and(|p| p.is_everyone())
        && !s.conditions.iter().any(|b| b.entries.iter().any(|e| pins(b, e)))
}

/// Whether the statement grants nothing beyond reading key metadata (`Describe*`, `Get*`,
/// `List*`).
fn read_only(s: &Statement<'_>) -> bool {
    let Some(list) = &s.action else { return false };
    let mut any = false;
    for (pattern, _) in list.strings() {
        let actions = kms_actions_matching(pattern);
        if actions.is_empty() && !pattern.trim().to_ascii_lowercase().starts_with("kms:") {
            return false;
        }
        for a in actions {
            any = true;
            if !(a.starts_with("Describe") || a.starts_with("Get") || a.starts_with("List")) {
                return false;
            }
        }
    }
    any
}

/// Whether a condition entry pins the caller to an account, organization or principal.
fn pins(block: &ConditionBlock<'_>, entry: &ConditionEntry<'_>) -> bool {
    let op = &block.operator;
    if !op.is_known()
        || op.is_negated()
        || op.qualifier == Some(SetQualifier::ForAllValues)
        || !matches!(op.base, "StringEquals" | "StringLike" | "StringEqualsIgnoreCase" | "ArnEquals" | "ArnLike")
    {
        return false;
    }
    let key = entry.key.to_ascii_lowercase();
    let wildcards = op.honours_wildcards() || op.base == "ArnEquals";
    let kind = match key.as_str() {
        "kms:calleraccount" | "aws:principalaccount" | "aws:sourceaccount" => Pin::Account,
        "aws:principalarn" | "aws:sourcearn" => Pin::Arn,
        "aws:principalorgid" | "aws:sourceorgid" => Pin::Org,
        "aws:principalorgpaths" | "aws:sourceorgpaths" => Pin::OrgPath,
        "aws:userid" => Pin::UserId,
        _ => return false,
    };
    // Keys an unrelated caller may lack: `IfExists` would let such callers through.
    if op.if_exists && matches!(kind, Pin::Org | Pin::OrgPath) {
        return false;
    }
    !entry.values.is_empty()
        && entry.values.iter().all(|v| {
            let Some((text, template)) = v.as_text() else { return false };
            let text = text.trim();
            if template || crate::data::placeholders::has_expression(text) {
                return !text.is_empty() && text != "*";
            }
            let wild = |t: &str| wildcards && t.contains(['*', '?']);
            match kind {
                Pin::Account | Pin::Org => !text.is_empty() && !wild(text),
                Pin::Arn => Arn::parse(text).is_some_and(|a| !a.account.is_empty() && !wild(a.account)),
                Pin::OrgPath => text.split('/').next().is_some_and(|o| o.starts_with("o-") && !wild(o)),
                Pin::UserId => !(text.is_empty() || wildcards && text.starts_with(['*', '?'])),
            }
        })
}

enum Pin {
    Account,
    Arn,
    Org,
    OrgPath,
    UserId,
}
