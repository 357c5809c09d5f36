//! KMS facts the key-policy and permissions rules share: which actions a key *user* needs,
//! which ones administer the key, and the condition keys a vendor's direct KMS calls never
//! satisfy.
//!
//! Sources: AWS KMS Developer Guide, "Default key policy" (the console's key-administrator and
//! key-user statements), "AWS KMS permissions" (kms-api-permissions-reference) and "AWS KMS
//! condition keys" (conditions-kms); AWS CDK `aws-kms/lib/private/perms.ts`.

use super::actions::KMS_ACTIONS;
use crate::data::wildcard::wildcard_match_ci;

/// Cryptographic operations on a key (what a "key user" is for).
pub const CRYPTO_ACTIONS: &[&str] = &[
    "Encrypt",
    "Decrypt",
    "ReEncryptFrom",
    "ReEncryptTo",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "VerifyMac",
    "Sign",
    "Verify",
    "DeriveSharedSecret",
];

/// Administrative actions that can destroy the key, lock its owner out, or widen who may use
/// it: a role a vendor assumes must never hold them.
pub const ADMIN_DANGEROUS: &[&str] = &[
    "PutKeyPolicy",
    "ScheduleKeyDeletion",
    "DisableKey",
    "DisableKeyRotation",
    "DeleteImportedKeyMaterial",
    "ImportKeyMaterial",
    "CreateGrant",
    "ReplicateKey",
    "UpdatePrimaryRegion",
    "CreateAlias",
    "UpdateAlias",
    "DeleteAlias",
    "TagResource",
    "UntagResource",
];

/// Administrative actions that change the key without destroying it or widening access.
pub const ADMIN_MILD: &[&str] = &[
    "CancelKeyDeletion",
    "EnableKey",
    "EnableKeyRotation",
    "RotateKeyOnDemand",
    "UpdateKeyDescription",
    "GetParametersForImport",
    "SynchronizeMultiRegionKey",
];

/// How bad granting an action to the CMEK role is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AdminClass {
    Mild,
    Dangerous,
}

/// The class of a KMS action name (without `kms:`), `None` for actions a key user may hold.
/// `CreateGrant` counts as dangerous only when `grant_for_aws_resource` is false: the console's
/// key-user statement allows it with `kms:GrantIsForAWSResource` = true.
pub fn admin_class(name: &str, grant_for_aws_resource: bool) -> Option<AdminClass> {
    if name.eq_ignore_ascii_case("CreateGrant") {
        return (!grant_for_aws_resource).then_some(AdminClass::Dangerous);
    }
    if ADMIN_DANGEROUS.iter().any(|a| a.eq_ignore_ascii_case(name)) {
        Some(AdminClass::Dangerous)
    } else if ADMIN_MILD.iter().any(|a| a.eq_ignore_ascii_case(name)) {
        Some(AdminClass::Mild)
    } else {
        None
    }
}

/// The KMS actions (bare names) an action pattern such as `kms:Disable*`, `*` or `kms:*`
/// matches. Patterns of other services match nothing.
pub fn kms_actions_matching(pattern: &str) -> Vec<&'static str> {
    let pattern = pattern.trim();
    let name = if pattern == "*" {
        "*"
    } else {
        match pattern.split_once(':') {
            Some((service, name)) if service.eq_ignore_ascii_case("kms") => name,
            _ => return Vec::new(),
        }
    };
    KMS_ACTIONS.iter().copied().filter(|a| wildcard_match_ci(name, a)).collect()
}

/// Whether a KMS action name is a cryptographic operation.
pub fn is_crypto(name: &str) -> bool {
    CRYPTO_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(name))
}

/// What a condition key looks like in a request Pinecone makes: Pinecone's service assumes the
/// customer's role and calls KMS directly, over the internet, from its own AWS account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PineconeKey {
    /// Never in Pinecone's request context (the key is set only for calls made through an AWS
    /// service, a VPC endpoint, by a service principal, or with an encryption context).
    Absent(&'static str),
    /// Present, with a value of Pinecone's (its IP addresses), never the customer's.
    Foreign(&'static str),
    /// A boolean key with a known value.
    Bool(bool, &'static str),
    /// Depends on how the customer's role is set up (its tags).
    RoleDependent(&'static str),
}

/// How a condition key appears in Pinecone's KMS requests, if cmek-lint knows.
pub fn pinecone_key(key: &str) -> Option<PineconeKey> {
    let k = key.to_ascii_lowercase();
    const VIA: &str = "Pinecone calls KMS directly, not through another AWS service";
    const VPC: &str = "Pinecone's requests come from Pinecone's network, not through your VPC or VPC endpoint";
    const SOURCE: &str = "this key is set only when an AWS service calls on behalf of one of its resources, never for a role assumed by Pinecone";
    const CONTEXT: &str = "Pinecone does not document sending an encryption context";
    Some(match k.as_str() {
        "kms:viaservice" | "aws:calledvia" | "aws:calledviafirst" | "aws:calledvialast" => PineconeKey::Absent(VIA),
        "aws:sourcevpce" | "aws:sourcevpc" | "aws:vpcsourceip" | "aws:sourcevpcarn" => PineconeKey::Absent(VPC),
        "aws:sourceaccount"
        | "aws:sourcearn"
        | "aws:sourceorgid"
        | "aws:sourceorgpaths"
        | "aws:principalservicename" => PineconeKey::Absent(SOURCE),
        "kms:encryptioncontextkeys" => PineconeKey::Absent(CONTEXT),
        "kms:grantisforawsresource" => PineconeKey::Absent(
            "this key is set only in grant requests (CreateGrant, ListGrants, RevokeGrant), never in Encrypt or Decrypt requests",
        ),
        "aws:sourceip" => {
            PineconeKey::Foreign("Pinecone calls KMS from Pinecone's IP addresses, which are not published")
        }
        "aws:viaawsservice" => PineconeKey::Bool(false, VIA),
        "aws:principalisawsservice" => {
            PineconeKey::Bool(false, "Pinecone uses an IAM role, not an AWS service principal")
        }
        "aws:multifactorauthpresent" => {
            PineconeKey::Bool(false, "a role session Pinecone assumes carries no multi-factor authentication")
        }
        _ if k.starts_with("kms:encryptioncontext:") => PineconeKey::Absent(CONTEXT),
        _ if k.starts_with("aws:principaltag/") => PineconeKey::RoleDependent(
            "the session Pinecone assumes carries the tags of your role (and none of its own): the role must have this tag",
        ),
        _ => return None,
    })
}

/// Condition keys that KMS does not support in key policies, with the reason.
pub fn unsupported_in_key_policy(key: &str) -> Option<&'static str> {
    let k = key.to_ascii_lowercase();
    if k.starts_with("aws:resourcetag/") || k == "aws:resourcetag" {
        Some(
            "KMS supports `aws:ResourceTag` only in IAM policies, not in key policies (AWS KMS Developer Guide, \"Using tags to control access to KMS keys\")",
        )
    } else if k == "kms:resourcealiases" {
        Some(
            "`kms:ResourceAliases` is valid only in IAM policies, not in key policies (AWS KMS condition keys reference)",
        )
    } else if k.starts_with("kms:resourcetag") {
        Some(
            "KMS has no `kms:ResourceTag` condition key; tag-based access to a key is written with `aws:ResourceTag` in IAM policies, never in the key policy",
        )
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_patterns_against_kms_actions() {
        assert!(kms_actions_matching("kms:Disable*").contains(&"DisableKey"));
        assert!(kms_actions_matching("kms:Disable*").contains(&"DisableKeyRotation"));
        assert_eq!(kms_actions_matching("kms:*").len(), KMS_ACTIONS.len());
        assert_eq!(kms_actions_matching("*").len(), KMS_ACTIONS.len());
        assert!(kms_actions_matching("s3:*").is_empty());
        assert_eq!(kms_actions_matching("KMS:decrypt"), vec!["Decrypt"]);
        assert_eq!(kms_actions_matching("kms:*crypt"), vec!["Decrypt", "Encrypt"]);
    }

    #[test]
    fn classifies_admin_actions() {
        assert_eq!(admin_class("PutKeyPolicy", false), Some(AdminClass::Dangerous));
        assert_eq!(admin_class("CreateGrant", false), Some(AdminClass::Dangerous));
        assert_eq!(admin_class("CreateGrant", true), None);
        assert_eq!(admin_class("EnableKeyRotation", false), Some(AdminClass::Mild));
        assert_eq!(admin_class("Decrypt", false), None);
        assert_eq!(admin_class("RevokeGrant", false), None);
        assert_eq!(admin_class("DescribeKey", false), None);
    }

    #[test]
    fn knows_how_pinecone_requests_look() {
        assert!(matches!(pinecone_key("kms:ViaService"), Some(PineconeKey::Absent(_))));
        assert!(matches!(pinecone_key("kms:EncryptionContext:tenant"), Some(PineconeKey::Absent(_))));
        assert!(matches!(pinecone_key("aws:SourceIp"), Some(PineconeKey::Foreign(_))));
        assert!(matches!(pinecone_key("aws:PrincipalTag/team"), Some(PineconeKey::RoleDependent(_))));
        assert!(pinecone_key("aws:SecureTransport").is_none());
        assert!(unsupported_in_key_policy("aws:ResourceTag/env").is_some());
        assert!(unsupported_in_key_policy("kms:ResourceAliases").is_some());
        assert!(unsupported_in_key_policy("kms:CallerAccount").is_none());
    }
}
