//! Facts about Pinecone's side of a CMEK setup, shared by the rules.

use crate::policy::Arn;

/// Pinecone's per-region roles are named `pinecone_cmek_access_<region>`.
pub const ROLE_PREFIX: &str = "pinecone_cmek_access_";

/// A principal ARN naming (or meant to name) one of Pinecone's CMEK roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PineconeRole<'a> {
    pub arn: Arn<'a>,
    /// The account field as written (may be a placeholder or malformed).
    pub account: &'a str,
    /// The role name (last path segment).
    pub name: &'a str,
    /// The region suffix after `pinecone_cmek_access_`, if the name has the prefix.
    pub region: Option<&'a str>,
}

/// Recognise an IAM role ARN that names a Pinecone CMEK role, or is clearly meant to (its name
/// mentions `pinecone`). Returns `None` for anything else.
pub fn pinecone_role(text: &str) -> Option<PineconeRole<'_>> {
    let arn = Arn::parse(text)?;
    if arn.service != "iam" || arn.resource_type != "role" {
        return None;
    }
    let name = arn.name();
    let region = name.strip_prefix(ROLE_PREFIX);
    if region.is_none() && !name.to_ascii_lowercase().contains("pinecone") {
        return None;
    }
    Some(PineconeRole { arn, account: arn.account, name, region })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_pinecone_roles() {
        let r = pinecone_role("arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1").unwrap();
        assert_eq!((r.account, r.region), ("905418236187", Some("us-east-1")));
        let typo = pinecone_role("arn:aws:iam::905418236187:role/pinecone-cmek-access-us-east-1").unwrap();
        assert_eq!(typo.region, None);
        assert!(pinecone_role("arn:aws:iam::905418236187:role/other").is_none());
        assert!(pinecone_role("arn:aws:iam::905418236187:root").is_none());
    }
}
