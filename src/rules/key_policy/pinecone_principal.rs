//! CMK304 key-pinecone-principal: the key policy grants Pinecone's own account or its
//! `pinecone_cmek_access_<region>` roles directly, instead of the customer's CMEK role.
//!
//! Pinecone's documented model: Pinecone's roles assume the customer's role (checked by the
//! role's trust policy and external ID), and the key policy names that customer role. A grant
//! to Pinecone's principals bypasses the role, its trust policy and its external ID.

use crate::data::placeholders::has_expression;
use crate::pinecone::ROLE_PREFIX;
use crate::policy::Arn;
use crate::policy::access::{AccountRef, account_principal};
use crate::rules::{Reporter, RuleContext};

const WHY: &str = "Pinecone is meant to reach the key only through your CMEK role (the Role ARN you enter in the Pinecone console), which it assumes under your trust policy and external ID; a direct grant bypasses that role and its external ID";

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let pinecone = ctx.settings.pinecone_account.as_deref();
    let own_role = ctx.settings.console.role_arn.as_deref();
    let help = "remove Pinecone's principal from the key policy and name your CMEK role instead (in the KMS console: select the role under \"Key users\")";
    for s in ctx.policy().statements.iter().filter(|s| s.is_allow()) {
        if let Some(p) = &s.principal {
            for node in p.values_of("AWS") {
                let Some((text, _)) = node.as_text() else { continue };
                if own_role.is_some_and(|r| r.eq_ignore_ascii_case(text.trim())) {
                    continue;
                }
                if let Some(what) = pinecone_principal(text, pinecone) {
                    out.report(node.span, format!("{what} is granted this key directly: {WHY}")).help(help);
                }
            }
        }
        for block in s.conditions.iter().filter(|b| b.operator.is_positive_match()) {
            for e in &block.entries {
                let key = e.key.to_ascii_lowercase();
                for v in &e.values {
                    let Some(text) = v.as_str() else { continue };
                    let what = match key.as_str() {
                        "aws:principalarn" if !own_role.is_some_and(|r| r.eq_ignore_ascii_case(text)) => {
                            pinecone_principal(text, pinecone)
                        }
                        "aws:principalaccount" | "kms:calleraccount" if pinecone == Some(text.trim()) => {
                            Some(format!("Pinecone's account `{}`", text.trim()))
                        }
                        _ => None,
                    };
                    if let Some(what) = what {
                        out.report(v.span, format!("{what} is allowed to use this key through `{}`: {WHY}", e.key))
                            .help(help);
                    }
                }
            }
        }
    }
}

/// Describe `text` if it names Pinecone's CMEK roles or Pinecone's account.
fn pinecone_principal(text: &str, pinecone_account: Option<&str>) -> Option<String> {
    let text = text.trim();
    if let Some(AccountRef::Literal(acct)) = account_principal(text) {
        return (pinecone_account == Some(acct)).then(|| format!("Pinecone's account `{acct}`"));
    }
    let arn = Arn::parse(text)?;
    if arn.service != "iam" && arn.service != "sts" {
        return None;
    }
    let name = if arn.service == "sts" { arn.resource_name.split('/').next().unwrap_or("") } else { arn.name() };
    if name.to_ascii_lowercase().starts_with(ROLE_PREFIX) {
        return Some(format!("Pinecone's role `{name}`"));
    }
    if !has_expression(arn.account) && pinecone_account == Some(arn.account) {
        return Some(format!("`{text}` in Pinecone's account"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_pinecone_principals() {
        let p = Some("905418236187");
        assert!(pinecone_principal("arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1", None).is_some());
        assert!(pinecone_principal("arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_*", None).is_some());
        assert!(pinecone_principal("arn:aws:iam::905418236187:root", p).is_some());
        assert!(pinecone_principal("905418236187", p).is_some());
        assert!(pinecone_principal("arn:aws:iam::905418236187:role/other", p).is_some());
        assert!(pinecone_principal("arn:aws:iam::222233334444:role/pinecone-cmek", p).is_none());
        assert!(pinecone_principal("arn:aws:iam::905418236187:root", None).is_none());
    }
}
