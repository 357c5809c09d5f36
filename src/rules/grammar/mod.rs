//! `CMK1xx`: the policy grammar as IAM and KMS validate it.

mod action_element;
mod effect_invalid;
mod identity_policy_principal;
mod malformed_arn;
mod placeholder_value;
mod policy_too_large;
mod principal_element_conflict;
mod resource_element;
mod sid_duplicate;
mod sid_invalid;
mod statement_missing;
mod trust_policy_missing_principal;
mod trust_policy_not_principal;
mod trust_policy_resource;
mod unknown_action;
mod unknown_condition_operator;
mod unknown_element;
mod version;
mod wildcard_without_like;

use super::CheckFn;

pub(crate) const CHECKS: &[(&str, CheckFn)] = &[
    ("version-missing", version::missing),
    ("version-invalid", version::invalid),
    ("statement-missing", statement_missing::check),
    ("sid-invalid", sid_invalid::check),
    ("sid-duplicate", sid_duplicate::check),
    ("effect-invalid", effect_invalid::check),
    ("action-element-invalid", action_element::check),
    ("resource-element-invalid", resource_element::check),
    ("principal-element-conflict", principal_element_conflict::check),
    ("unknown-element", unknown_element::check),
    ("unknown-action", unknown_action::check),
    ("malformed-arn", malformed_arn::check),
    ("unknown-condition-operator", unknown_condition_operator::check),
    ("wildcard-without-like", wildcard_without_like::check),
    ("placeholder-value", placeholder_value::check),
    ("trust-policy-resource", trust_policy_resource::check),
    ("trust-policy-missing-principal", trust_policy_missing_principal::check),
    ("trust-policy-not-principal", trust_policy_not_principal::check),
    ("identity-policy-principal", identity_policy_principal::check),
    ("policy-too-large", policy_too_large::check),
];
