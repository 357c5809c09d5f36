//! Facts about Pinecone's side of a CMEK setup, shared by the rules.

use crate::policy::Arn;

/// AWS regions where Pinecone serverless runs (Pinecone API docs, 2026-04).
pub const PINECONE_REGIONS: &[&str] = &["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"];
/// The regions whose `pinecone_cmek_access_<region>` roles the CMEK guide names.
pub const DOCUMENTED_CMEK_REGIONS: &[&str] = &["us-east-1", "us-west-2", "eu-west-1"];
/// What the CMEK guide says the role needs on the key.
pub const DEFAULT_KEY_ACTIONS: &[&str] = &["kms:Encrypt", "kms:Decrypt"];

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
    const STEM: &[u8; 18] = b"pineconecmekaccess";
    let (literal, pattern) = match name.find(['*', '?']) {
        Some(i) => (&name[..i], true),
        None => (name, false),
    };
    // The squashed name (lowercase ASCII letters and digits only): only its first
    // `STEM.len() + 1` bytes matter below, plus whether it is longer than the stem.
    let mut squashed = [0u8; STEM.len() + 1];
    let mut len = 0;
    for b in literal.bytes().filter(u8::is_ascii_alphanumeric) {
        if len == squashed.len() {
            len += 1;
            break;
        }
        squashed[len] = b.to_ascii_lowercase();
        len += 1;
    }
    let kept = &squashed[..len.min(squashed.len())];
    if pattern && len >= 4 && len <= STEM.len() && STEM.starts_with(kept) {
        return true;
    }
    if kept.starts_with(STEM) {
        return true; // the common case: distance 0
    }
    // Edit distance of each prefix of `kept` to the stem, row by row (Levenshtein); the
    // prefixes of STEM.len() - 1 ..= STEM.len() + 1 bytes are compared, as long as the name is.
    let mut prev = [0usize; STEM.len() + 1];
    let mut cur = [0usize; STEM.len() + 1];
    for (j, p) in prev.iter_mut().enumerate() {
        *p = j;
    }
    let mut best = usize::MAX;
    for (i, &a) in kept.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &b) in STEM.iter().enumerate() {
            let cost = usize::from(a != b);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
        if i + 1 >= STEM.len() - 1 {
            best = best.min(prev[STEM.len()]);
        }
    }
    best <= 3
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

    /// The allocation-free version gives what the definition (edit distance of the squashed
    /// name's 17-, 18- and 19-character prefixes to the stem, at most 3) gives.
    #[test]
    fn name_test_matches_its_definition() {
        fn reference(name: &str) -> bool {
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
                .map(|n| crate::rules::util::edit_distance(&squashed[..n], STEM))
                .min()
                .is_some_and(|d| d <= 3)
        }
        let mut names: Vec<String> = [
            "pinecone_cmek_access_us-east-1",
            "pincone_cmek_access_us-east-1",
            "pinecone-cmek-access",
            "pinecone_cmek_acess",
            "pinecone_cmek_acces",
            "pinecone_cmek_acc",
            "PINECONE_CMEK_ACCESS_EU",
            "pinecone-cmek",
            "pinecone-ingest",
            "pinecone*",
            "pine*",
            "pin*",
            "pinecone_cmek_*",
            "pinecone_cmek_access_extra_long_name*",
            "xpinecone_cmek_access",
            "xxxxpinecone_cmek_access",
            "émoji_pinecone_cmek_access_ü",
            "",
            "*",
            "my-role",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // every single-byte deletion, substitution and insertion near the stem
        let base = "pinecone_cmek_access_x";
        for i in 0..base.len() {
            names.push(format!("{}{}", &base[..i], &base[i + 1..]));
            names.push(format!("{}q{}", &base[..i], &base[i + 1..]));
            names.push(format!("{}qq{}", &base[..i], &base[i..]));
            names.push(format!("{}*", &base[..i]));
        }
        for n in &names {
            assert_eq!(name_looks_pinecone(n), reference(n), "{n:?}");
        }
    }
}
