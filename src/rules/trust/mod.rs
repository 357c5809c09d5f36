//! `CMK2xx`: the role trust policy Pinecone assumes.
//!
//! Generic security rules (an unbound `Principal: *`, optional or vacuous conditions) apply to
//! every trust policy; the Pinecone rules apply once a policy names Pinecone (see [`model`]).

mod assume_role_missing;
mod external_id_missing;
mod external_id_operator;
mod external_id_value;
pub(crate) mod model;
mod pinecone_account_mismatch;
mod pinecone_assume_denied;
mod pinecone_principal_too_broad;
mod pinecone_region_missing;
mod pinecone_role_name;
#[cfg(test)]
mod tests;
mod trust_action_too_broad;
mod trust_condition_optional;
mod trust_extra_principal;
mod trust_principal_everyone;
mod trust_source_key;

use super::CheckFn;

pub(crate) const CHECKS: &[(&str, CheckFn)] = &[
    ("trust-principal-everyone", trust_principal_everyone::check),
    ("trust-condition-optional", trust_condition_optional::check),
    ("trust-source-key", trust_source_key::check),
    ("pinecone-account-mismatch", pinecone_account_mismatch::check),
    ("pinecone-role-name", pinecone_role_name::check),
    ("pinecone-region-missing", pinecone_region_missing::check),
    ("pinecone-principal-too-broad", pinecone_principal_too_broad::check),
    ("external-id-missing", external_id_missing::check),
    ("external-id-operator", external_id_operator::check),
    ("external-id-value", external_id_value::check),
    ("assume-role-missing", assume_role_missing::check),
    ("trust-action-too-broad", trust_action_too_broad::check),
    ("pinecone-assume-denied", pinecone_assume_denied::check),
    ("trust-extra-principal", trust_extra_principal::check),
];

/// The Pinecone account for help texts: configured, found in the policy, or a marker.
fn account_hint(pc: &model::Pinecone<'_>) -> String {
    pc.accounts.first().map_or_else(|| "<pinecone-account>".to_string(), |a| a.to_string())
}
