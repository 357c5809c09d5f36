//! Facts about Pinecone's side of a CMEK setup, shared by the rules.

use crate::policy::Arn;
use crate::rules::util::edit_distance;

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
/// is `pinecone_cmek_access_...` up to typos, case and separators; see [`name_looks_pinecone`]).
/// A customer's own role that merely mentions Pinecone (`pinecone-cmek`) is not. Returns `None`
/// for anything else.
pub fn pinecone_role(text: &str) -> Option<PineconeRole<'_>> {
    let arn = Arn::parse(text)?;
    if arn.service != "iam" || arn.resource_type != "role" {
        return None;
    }
    let name = arn.name();
    let region = name.strip_prefix(ROLE_PREFIX);
    if region.is_none() && !name_looks_pinecone(name) {
        return None;
    }
    Some(PineconeRole { arn, account: arn.account, name, region })
}

/// Whether a role name (or name pattern) is, or is clearly meant to be, one of Pinecone's CMEK
/// roles: ignoring case and separators it starts with `pinecone_cmek_access` or a near miss of
/// it (`pinecone-cmek-access-...`, `pinecone_cmek_acess_...`, `pincone_cmek_access_...`), or it
/// is a pattern whose literal start is a prefix of that (`pinecone_cmek_*`, `pinecone*`). A
/// name that merely mentions Pinecone (a customer's own `pinecone-cmek` or `pinecone-ingest`
/// role) is not Pinecone's.
pub fn name_looks_pinecone(name: &str) -> bool {
    const STEM: &str = "pineconecmekaccess";
    let (literal, pattern) = match name.find(['*', '?']) {
        Some(i) => (&name[..i], true),
        None => (name, false),
    };
    let squashed: String =
        literal.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    if pattern && squashed.len() >= 4 && STEM.starts_with(&squashed) {
        return true;
    }
    (STEM.len() - 1..=STEM.len() + 1)
        .filter(|n| squashed.len() >= *n)
        .map(|n| edit_distance(&squashed[..n], STEM))
        .min()
        .is_some_and(|d| d <= 3)
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
        // the customer's own role that merely mentions Pinecone is not one of Pinecone's
        assert!(pinecone_role("arn:aws:iam::222233334444:role/pinecone-cmek").is_none());
        assert!(pinecone_role("arn:aws:iam::905418236187:root").is_none());
    }
}
