//! `CMK4xx`: the CMEK role's permissions (identity) policy, needed when the key lives in
//! another account (Pinecone's "Grant access to keys outside your account" tab).
//!
//! Most rules here apply only to policies that are clearly the CMEK role's KMS permissions
//! ([`relevance`]); CMK404 (alias ARN as the resource of key operations) is wrong in any
//! identity policy and applies to all of them.

mod alias_arn;
mod key_wildcard;
mod kms_overprivileged;
mod missing_key_actions;
mod multi_region_key;
pub(crate) mod relevance;

use super::CheckFn;

pub(crate) const CHECKS: &[(&str, CheckFn)] = &[
    ("permissions-missing-key-actions", missing_key_actions::check),
    ("permissions-key-wildcard", key_wildcard::check),
    ("permissions-multi-region-key", multi_region_key::check),
    ("permissions-alias-arn", alias_arn::check),
    ("permissions-kms-overprivileged", kms_overprivileged::check),
];
