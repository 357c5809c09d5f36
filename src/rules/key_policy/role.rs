//! Which principal of a key policy is the customer's CMEK role: the role Pinecone assumes, whose
//! ARN is entered as "Role ARN" in the Pinecone console.
//!
//! Sources, strongest first:
//! 1. roles the caller already knows: `[customer] role_arn` in `cmek-lint.toml` today; later
//!    also roles found elsewhere (e.g. "the role whose trust policy trusts Pinecone", from
//!    another file). [`identify`] takes them as a list, so a cross-file pass only has to feed
//!    it more entries. When any is known, the heuristic below is not used.
//! 2. otherwise, a heuristic over this policy: every IAM role named in a `Principal` (or pinned
//!    by a literal `aws:PrincipalArn` condition) of an `Allow` statement that grants a KMS
//!    cryptographic action, whose name mentions `pinecone` or `cmek` but not `admin`, except
//!    Pinecone's own `pinecone_cmek_access_<region>` roles and roles in Pinecone's account. Deploy-time expressions such as `${PineconeCmekRole.Arn}` count when their text
//!    mentions either word.
//!
//! When neither finds a role, the role-based rules stay silent: guessing would turn every
//! unrelated key policy into a finding.

use crate::data::kms::CRYPTO_ACTIONS;
use crate::data::placeholders::has_expression;
use crate::pinecone::ROLE_PREFIX;
use crate::policy::access::Caller;
use crate::policy::{Arn, Policy};
use crate::settings::Settings;

/// Where a role's identity as the CMEK role comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RoleSource {
    /// `[customer] role_arn` in `cmek-lint.toml`.
    Config,
    /// Recognised in this policy by its name.
    Name,
}

/// A role the rules treat as the CMEK role.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CmekRole<'a> {
    pub caller: Caller<'a>,
    pub source: RoleSource,
}

impl CmekRole<'_> {
    /// "the CMEK role `arn`" with a note on how it was recognised.
    pub fn describe(&self) -> String {
        match self.source {
            RoleSource::Config => format!("the CMEK role `{}` (`[customer] role_arn`)", self.caller.arn),
            RoleSource::Name => format!("the CMEK role `{}`", self.caller.arn),
        }
    }

    /// A sentence to append to help texts when the role was only guessed.
    pub fn guess_note(&self) -> &'static str {
        match self.source {
            RoleSource::Config => "",
            RoleSource::Name => {
                " (cmek-lint took this role for the CMEK role because of its name; set `[customer] role_arn` in cmek-lint.toml to name it explicitly)"
            }
        }
    }
}

/// The CMEK roles to check a key policy against, from the configuration or, failing that, the
/// policy itself.
pub(crate) fn cmek_roles<'a>(policy: &Policy<'a>, settings: &'a Settings) -> Vec<CmekRole<'a>> {
    let known = settings.console.role_arn.as_deref().map(|arn| (arn, RoleSource::Config));
    identify(policy, known, settings.pinecone_account.as_deref())
}

/// Known roles if any, else the roles of `policy` whose names say they are for Pinecone CMEK.
pub(crate) fn identify<'a>(
    policy: &Policy<'a>,
    known: impl IntoIterator<Item = (&'a str, RoleSource)>,
    pinecone_account: Option<&str>,
) -> Vec<CmekRole<'a>> {
    fn push<'a>(out: &mut Vec<CmekRole<'a>>, arn: &'a str, source: RoleSource) {
        let arn = arn.trim();
        if !arn.is_empty() && !out.iter().any(|r| r.caller.arn.eq_ignore_ascii_case(arn)) {
            out.push(CmekRole { caller: Caller::new(arn), source });
        }
    }
    let mut out: Vec<CmekRole<'a>> = Vec::new();
    for (arn, source) in known {
        push(&mut out, arn, source);
    }
    if !out.is_empty() {
        return out;
    }
    // Only statements that let a principal use the key: a role seen only in an administrator
    // or a `Deny` statement is not taken for the key user Pinecone acts as.
    let uses_key = |s: &crate::policy::Statement<'_>| {
        s.is_allow() && CRYPTO_ACTIONS.iter().any(|a| s.covers_action(&format!("kms:{a}")))
    };
    for s in policy.statements.iter().filter(|s| uses_key(s)) {
        if let Some(p) = &s.principal {
            for node in p.values_of("AWS") {
                if let Some((text, _)) = node.as_text()
                    && looks_like_cmek_role(text, pinecone_account)
                {
                    push(&mut out, text, RoleSource::Name);
                }
            }
        }
        {
            for (block, entry) in s.condition_entries("aws:PrincipalArn") {
                if !block.operator.is_positive_match() {
                    continue;
                }
                for v in &entry.values {
                    if let Some(text) = v.as_str()
                        && !text.contains(['*', '?'])
                        && looks_like_cmek_role(text, pinecone_account)
                    {
                        push(&mut out, text, RoleSource::Name);
                    }
                }
            }
        }
    }
    out
}

/// Whether a principal value looks like the customer's CMEK role (not one of Pinecone's).
pub(crate) fn looks_like_cmek_role(text: &str, pinecone_account: Option<&str>) -> bool {
    let lower = text.to_ascii_lowercase();
    if lower.contains(ROLE_PREFIX) || text.contains(['*', '?']) {
        return false;
    }
    // "cmek-key-admin" names an administrator, not the role Pinecone assumes.
    let mentions = |s: &str| (s.contains("pinecone") || s.contains("cmek")) && !s.contains("admin");
    match Arn::parse(text) {
        Some(arn) => {
            arn.service == "iam"
                && arn.resource_type == "role"
                && mentions(&arn.resource_name.to_ascii_lowercase())
                && pinecone_account.is_none_or(|p| arn.account != p)
        }
        None => has_expression(text) && mentions(&lower),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str, known: Option<&str>) -> Vec<String> {
        let root = crate::json::parse(text).root.unwrap();
        let p = Policy::new(&root);
        identify(&p, known.map(|k| (k, RoleSource::Config)), Some("905418236187"))
            .iter()
            .map(|r| r.caller.arn.to_string())
            .collect()
    }

    #[test]
    fn only_key_users_are_candidates() {
        let text = r#"{"Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222233334444:role/cmek-operator"},"Action":["kms:Describe*","kms:Put*"],"Resource":"*"},
            {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::222233334444:role/pinecone-old"},"Action":"kms:*","Resource":"*"},
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222233334444:role/pinecone-cmek"},"Action":"kms:*","Resource":"*"}]}"#;
        assert_eq!(roles(text, None), vec!["arn:aws:iam::222233334444:role/pinecone-cmek"]);
    }

    #[test]
    fn config_wins_over_names() {
        let text = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222233334444:role/pinecone-cmek"},"Action":"kms:Decrypt","Resource":"*"}]}"#;
        assert_eq!(roles(text, Some("arn:aws:iam::222233334444:role/x")), vec!["arn:aws:iam::222233334444:role/x"]);
        assert_eq!(roles(text, None), vec!["arn:aws:iam::222233334444:role/pinecone-cmek"]);
    }

    #[test]
    fn recognises_names_but_not_pinecone_roles() {
        assert!(looks_like_cmek_role("arn:aws:iam::222233334444:role/PineconeCMEK", None));
        assert!(looks_like_cmek_role("arn:aws:iam::222233334444:role/team/cmek-access", None));
        assert!(looks_like_cmek_role("${PineconeCmekRole.Arn}", None));
        assert!(looks_like_cmek_role("arn:aws:iam::${AWS::AccountId}:role/pinecone-cmek", None));
        assert!(!looks_like_cmek_role("arn:aws:iam::${AWS::AccountId}:role/app", None));
        assert!(!looks_like_cmek_role("arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1", None));
        assert!(!looks_like_cmek_role("arn:aws:iam::905418236187:role/pinecone-ops", Some("905418236187")));
        assert!(!looks_like_cmek_role("arn:aws:iam::222233334444:role/app", None));
        assert!(!looks_like_cmek_role("arn:aws:iam::222233334444:user/pinecone", None));
        assert!(!looks_like_cmek_role("arn:aws:iam::222233334444:role/pinecone-*", None));
        assert!(!looks_like_cmek_role("arn:aws:iam::222233334444:role/CmekKeyAdmin", None));
    }

    #[test]
    fn finds_roles_in_principal_arn_conditions() {
        let text = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*",
            "Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::222233334444:role/pinecone-cmek"}}}]}"#;
        assert_eq!(roles(text, None), vec!["arn:aws:iam::222233334444:role/pinecone-cmek"]);
    }
}
