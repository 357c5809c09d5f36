//! What kind of policy a document is.

use super::Policy;
use serde::{Deserialize, Serialize};

/// The kinds of policy cmek-lint distinguishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    /// A role trust policy (`AssumeRolePolicyDocument`).
    Trust,
    /// A KMS key policy.
    Key,
    /// An identity (permissions) policy attached to a user, group or role.
    Identity,
    /// Another resource-based policy (S3 bucket, SQS queue, ...): only generic rules apply.
    Resource,
}

impl PolicyKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Trust => "trust",
            PolicyKind::Key => "key",
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "trust" => PolicyKind::Trust,
            "key" => PolicyKind::Key,
            "identity" => PolicyKind::Identity,
            "resource" => PolicyKind::Resource,
            _ => return None,
        })
    }
    /// A phrase for messages: "trust policy", "key policy", ...
    pub const fn noun(self) -> &'static str {
        match self {
            PolicyKind::Trust => "trust policy",
            PolicyKind::Key => "KMS key policy",
            PolicyKind::Identity => "permissions policy",
            PolicyKind::Resource => "resource policy",
        }
    }
}

/// Classify a policy from its content.
///
/// - statements with `Principal` and STS assume-role actions → trust;
/// - statements with `Principal` and `kms:` actions (or a KMS-style `Id`) → key;
/// - statements with `Principal` and other actions → resource;
/// - no `Principal` anywhere → identity.
pub fn classify(policy: &Policy<'_>) -> PolicyKind {
    if !policy.has_principal() {
        return PolicyKind::Identity;
    }
    let mut sts = false;
    let mut kms = false;
    for s in &policy.statements {
        for list in [&s.action, &s.not_action].into_iter().flatten() {
            for (a, _) in list.strings() {
                let a = a.to_ascii_lowercase();
                if a.starts_with("sts:assume") || a == "sts:*" || a == "sts:tagsession" || a == "sts:setsourceidentity"
                {
                    sts = true;
                } else if a.starts_with("kms:") {
                    kms = true;
                }
            }
        }
    }
    let kms_id = policy.id.and_then(|m| m.value.as_str()).is_some_and(|id| id.starts_with("key-"));
    if sts && !kms {
        PolicyKind::Trust
    } else if kms || kms_id {
        PolicyKind::Key
    } else if sts {
        PolicyKind::Trust
    } else if policy.statements.iter().all(|s| s.resource.is_none() && s.not_resource.is_none()) {
        // Principals but no `Resource` anywhere: only a trust policy has that shape (resource
        // policies name their resource). Catches trust policies whose action is misspelled
        // (`sts:AsumeRole`), so the trust rules still see them.
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> PolicyKind {
        let root = crate::json::parse(text).root.unwrap();
        classify(&Policy::new(&root))
    }

    #[test]
    fn classifies_by_content() {
        assert_eq!(
            kind(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#),
            PolicyKind::Trust
        );
        assert_eq!(
            kind(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}"#),
            PolicyKind::Key
        );
        assert_eq!(
            kind(r#"{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}"#),
            PolicyKind::Identity
        );
        assert_eq!(
            kind(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#),
            PolicyKind::Resource
        );
        assert_eq!(
            kind(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1"},"Action":"sts:AsumeRole"}]}"#
            ),
            PolicyKind::Trust
        );
    }
}
