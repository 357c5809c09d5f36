//! `CMK2xx`: the role trust policy Pinecone assumes.
//!
//! Generic security rules (an unbound `Principal: *`, optional or vacuous conditions) apply to
//! every trust policy; the Pinecone rules apply once a policy names Pinecone (see [`model`]).

pub(super) mod assume_role_missing;
pub(super) mod external_id_missing;
pub(super) mod external_id_operator;
pub(super) mod external_id_value;
pub(crate) mod model;
pub(super) mod pinecone_account_mismatch;
pub(super) mod pinecone_assume_blocked;
pub(super) mod pinecone_assume_denied;
pub(super) mod pinecone_principal_too_broad;
pub(super) mod pinecone_region_missing;
pub(super) mod pinecone_role_name;
#[cfg(test)]
mod tests;
pub(super) mod trust_action_too_broad;
pub(super) mod trust_condition_optional;
pub(super) mod trust_extra_principal;
pub(super) mod trust_others_can_assume;
pub(super) mod trust_principal_everyone;
pub(super) mod trust_source_key;

/// The Pinecone account for help texts: configured, found in the policy, or a marker.
fn account_hint(pc: &model::Pinecone<'_>) -> String {
    pc.accounts.first().map_or_else(|| "<pinecone-account>".to_string(), |a| a.to_string())
}
