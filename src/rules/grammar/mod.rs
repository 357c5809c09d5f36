//! `CMK1xx`: the policy grammar as IAM and KMS validate it.

pub(super) mod action_element;
pub(super) mod effect_invalid;
pub(super) mod identity_policy_principal;
pub(super) mod malformed_arn;
pub(super) mod placeholder_value;
pub(super) mod policy_too_large;
pub(super) mod principal_element_conflict;
pub(super) mod resource_element;
pub(super) mod sid_duplicate;
pub(super) mod sid_invalid;
pub(super) mod statement_missing;
pub(super) mod trust_policy_missing_principal;
pub(super) mod trust_policy_not_principal;
pub(super) mod trust_policy_resource;
pub(super) mod unknown_action;
pub(super) mod unknown_condition_operator;
pub(super) mod unknown_element;
pub(super) mod version;
pub(super) mod wildcard_without_like;
