//! `CMK4xx`: the CMEK role's permissions (identity) policy, needed when the key lives in
//! another account (Pinecone's "Grant access to keys outside your account" tab).
//!
//! Most rules here apply only to policies that are clearly the CMEK role's KMS permissions
//! ([`relevance`]); CMK404 (alias ARN as the resource of key operations) is wrong in any
//! identity policy and applies to all of them.

pub(super) mod alias_arn;
pub(super) mod assumes_pinecone_role;
pub(super) mod deny_blocks_key;
pub(super) mod key_wildcard;
pub(super) mod kms_overprivileged;
pub(super) mod missing_key_actions;
pub(super) mod multi_region_key;
pub(crate) mod relevance;
