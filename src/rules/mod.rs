//! The rule framework: records (metadata + docs, from `rules/*.toml`), implementations (a
//! native check in `src/rules/<family>/<name>.rs`, a declarative JSONPath check in the record,
//! a finding the engine reports itself, or a cross-document check of `src/rules/cross`), the
//! registry joining them, and the context a check runs in.
//!
//! Records and implementations are tied by type, not by name: `build.rs` generates a
//! [`RuleId`] variant per record (the CamelCase of its name, in code order), and
//! [`implementation`] maps every variant to its implementation in one exhaustive `match`.
//!
//! Adding a rule: write `rules/<CODE>-<name>.toml`, then add its arm to [`implementation`] (the
//! build fails until you do: the `match` is no longer exhaustive). With a `[check]` table the
//! arm is `Declarative`; otherwise add `src/rules/<family>/<name_in_snake_case>.rs` with
//! `pub(crate) fn check(ctx: &RuleContext, out: &mut Reporter)` (declared `pub(super) mod` in
//! the family's `mod.rs`) and make the arm `Native(<family>::<name>::check)` (a cross-document
//! rule: `Setup(cross::<name>::check)`, a rule the engine reports: `Engine`, reported with
//! its `RuleId`). An arm naming a rule without record does not compile (no such variant).
//! `cargo test` proves the bad example fires and the good one does not.

mod context;
pub mod cross;
mod declarative;
pub mod evaluated;
mod fixes;
pub mod record;
pub mod record_file;
pub mod user;

mod grammar;
mod key_metadata;
mod key_policy;
mod permissions;
mod syntax;
mod trust;

pub use crate::diagnostic::RuleId;
pub use context::{Cache, Finding, Reporter, RuleContext};
pub use declarative::{CompileError, Compiled, SpecField};
pub use record::{DeclarativeSpec, RECORDS, RuleRecord, Scope};

/// A native check.
pub type CheckFn = fn(&RuleContext<'_>, &mut Reporter);

/// How a rule is implemented.
pub enum Implementation {
    /// Runs on every file, policy document or key of its scope.
    Native(CheckFn),
    /// The record's `[check]` table (built-in rules), or a user rule.
    Declarative(Compiled),
    /// Reported by the engine itself, before or instead of parsing (file too large, invalid
    /// YAML, ...): never dispatched.
    Engine,
    /// A cross-document rule, run by the setup pass on every setup of a run.
    Setup(cross::SetupCheck),
}

/// A built-in rule's implementation, as [`implementation`] names it (a declarative check is
/// compiled from its record).
#[derive(Clone, Copy)]
pub(crate) enum Builtin {
    Native(CheckFn),
    Declarative,
    Engine,
    Setup(cross::SetupCheck),
}

/// Every built-in rule's implementation: the one place a record meets its code. Exhaustive, so
/// a record without implementation does not compile, nor does an arm without record.
pub(crate) const fn implementation(id: RuleId) -> Builtin {
    use Builtin::{Declarative, Engine, Native, Setup};
    use RuleId as R;
    match id {
        R::InvalidJson => Native(syntax::invalid_json::check),
        R::JsonComment => Native(syntax::json_comment::check),
        R::TrailingComma => Native(syntax::trailing_comma::check),
        R::DuplicateKey => Native(syntax::duplicate_key::check),
        R::InvisibleCharacter => Native(syntax::invisible_character::check),
        R::SmartQuote => Native(syntax::smart_quote::check),
        R::ByteOrderMark => Native(syntax::byte_order_mark::check),
        R::FileTooLarge => Engine,
        R::NoPolicyFound => Engine,
        R::StatementWithoutPolicy => Engine,
        R::InvalidYaml => Engine,
        R::InvalidHcl => Engine,
        R::UnknownAtPlanTime => Engine,
        R::PolicyKeyCase => Engine,
        R::VersionMissing => Native(grammar::version::missing),
        R::VersionOutdated => Declarative,
        R::VersionInvalid => Native(grammar::version::invalid),
        R::StatementMissing => Native(grammar::statement_missing::check),
        R::SidInvalid => Native(grammar::sid_invalid::check),
        R::SidDuplicate => Native(grammar::sid_duplicate::check),
        R::EffectInvalid => Native(grammar::effect_invalid::check),
        R::ActionElementInvalid => Native(grammar::action_element::check),
        R::PrincipalElementConflict => Native(grammar::principal_element_conflict::check),
        R::UnknownElement => Native(grammar::unknown_element::check),
        R::UnknownAction => Native(grammar::unknown_action::check),
        R::MalformedArn => Native(grammar::malformed_arn::check),
        R::UnknownConditionOperator => Native(grammar::unknown_condition_operator::check),
        R::WildcardWithoutLike => Native(grammar::wildcard_without_like::check),
        R::PlaceholderValue => Native(grammar::placeholder_value::check),
        R::TrustPolicyResource => Native(grammar::trust_policy_resource::check),
        R::TrustPolicyMissingPrincipal => Native(grammar::trust_policy_missing_principal::check),
        R::TrustPolicyNotPrincipal => Native(grammar::trust_policy_not_principal::check),
        R::IdentityPolicyPrincipal => Native(grammar::identity_policy_principal::check),
        R::PolicyTooLarge => Native(grammar::policy_too_large::check),
        R::ResourceElementInvalid => Native(grammar::resource_element::check),
        R::PrincipalUniqueId => Declarative,
        R::TrustPrincipalEveryone => Native(trust::trust_principal_everyone::check),
        R::TrustConditionOptional => Native(trust::trust_condition_optional::check),
        R::TrustSourceKey => Native(trust::trust_source_key::check),
        R::PineconeAccountMismatch => Native(trust::pinecone_account_mismatch::check),
        R::PineconeRoleName => Native(trust::pinecone_role_name::check),
        R::PineconeRegionMissing => Native(trust::pinecone_region_missing::check),
        R::PineconePrincipalTooBroad => Native(trust::pinecone_principal_too_broad::check),
        R::ExternalIdMissing => Native(trust::external_id_missing::check),
        R::ExternalIdOperator => Native(trust::external_id_operator::check),
        R::ExternalIdValue => Native(trust::external_id_value::check),
        R::AssumeRoleMissing => Native(trust::assume_role_missing::check),
        R::TrustActionTooBroad => Native(trust::trust_action_too_broad::check),
        R::PineconeAssumeDenied => Native(trust::pinecone_assume_denied::check),
        R::PineconeAssumeBlocked => Native(trust::pinecone_assume_blocked::check),
        R::TrustExtraPrincipal => Native(trust::trust_extra_principal::check),
        R::TrustOthersCanAssume => Native(trust::trust_others_can_assume::check),
        R::KeyRoleMissingAccess => Native(key_policy::role_missing_access::check),
        R::KeyRoleOverprivileged => Native(key_policy::role_overprivileged::check),
        R::KeyPublicPrincipal => Native(key_policy::public_principal::check),
        R::KeyPineconePrincipal => Native(key_policy::pinecone_principal::check),
        R::KeyLockoutRisk => Native(key_policy::lockout_risk::check),
        R::KeyRoleBlockingCondition => Native(key_policy::blocking_condition::check),
        R::KeyRoleUseBlocked => Native(key_policy::role_use_blocked::check),
        R::KeyRoleCanAdminister => Native(key_policy::role_can_administer::check),
        R::KeyOtherAccountUse => Native(key_policy::other_account_use::check),
        R::KeyResourceNotStar => Native(key_policy::resource_not_star::check),
        R::KeyUnsupportedConditionKey => Native(key_policy::unsupported_condition_key::check),
        R::PermissionsMissingKeyActions => Native(permissions::missing_key_actions::check),
        R::PermissionsKeyWildcard => Native(permissions::key_wildcard::check),
        R::PermissionsMultiRegionKey => Native(permissions::multi_region_key::check),
        R::PermissionsAliasArn => Native(permissions::alias_arn::check),
        R::PermissionsKmsOverprivileged => Native(permissions::kms_overprivileged::check),
        R::PermissionsDenyBlocksKey => Native(permissions::deny_blocks_key::check),
        R::PermissionsAssumesPineconeRole => Native(permissions::assumes_pinecone_role::check),
        R::KeySpecNotSymmetric => Native(key_metadata::key_spec_not_symmetric::check),
        R::KeyUsageNotEncryptDecrypt => Native(key_metadata::key_usage_not_encrypt_decrypt::check),
        R::KeyOriginNotAwsKms => Native(key_metadata::key_origin_not_aws_kms::check),
        R::MultiRegionKey => Native(key_metadata::multi_region_key::check),
        R::KeyNotEnabled => Native(key_metadata::key_not_enabled::check),
        R::AwsManagedKey => Native(key_metadata::aws_managed_key::check),
        R::KeyRegionUnsupported => Native(key_metadata::key_region_unsupported::check),
        R::KeyRotationDisabled => Native(key_metadata::key_rotation_disabled::check),
        R::LockoutSafetyCheckBypassed => Native(key_metadata::lockout_safety_check_bypassed::check),
        R::KeyPolicyOtherRole => Setup(cross::key_policy_other_role::check),
        R::RoleMissingKeyAccess => Setup(cross::role_missing_key_access::check),
        R::ExternalIdMismatch => Setup(cross::external_id_mismatch::check),
        R::KeyArnMismatch => Setup(cross::key_arn_mismatch::check),
        R::TrustRegionsMissKeyRegion => Setup(cross::trust_regions_miss_key_region::check),
        R::KeyRolePartitionMismatch => Setup(cross::key_role_partition_mismatch::check),
        R::KeyPolicyRoleCreatedTogether => Setup(cross::key_policy_role_created_together::check),
    }
}

// An arm says `Declarative` exactly when the record has a `[check]` table.
const _: () = {
    let mut i = 0;
    while i < RuleId::ALL.len() {
        let id = RuleId::ALL[i];
        let declarative = matches!(implementation(id), Builtin::Declarative);
        assert!(
            declarative == id.has_check(),
            "a rule's arm must be `Declarative` exactly when its record has `[check]`"
        );
        i += 1;
    }
};

pub struct Rule {
    pub record: &'static RuleRecord,
    pub imp: Implementation,
}

/// The rules of a run, in code order.
pub struct Registry {
    pub rules: Vec<Rule>,
    /// Index of the first built-in rule: user rules (whose codes never start with `CMK`) that
    /// sort before them come first, and the built-ins stay together in [`RuleId`] order.
    builtin_start: usize,
}

impl Registry {
    /// The built-in rules; declarative checks compile when they first run.
    pub fn builtin() -> Self {
        let rules = RuleId::ALL
            .iter()
            .map(|&id| {
                let record = id.record();
                let imp = match implementation(id) {
                    Builtin::Native(f) => Implementation::Native(f),
                    // Compiled when first run: see `Compiled::lazy` (the test suite compiles them all).
                    Builtin::Declarative => Implementation::Declarative(Compiled::lazy(
                        record.check.as_ref().expect("a declarative rule's record has `[check]`"),
                    )),
                    Builtin::Engine => Implementation::Engine,
                    Builtin::Setup(f) => Implementation::Setup(f),
                };
                Rule { record, imp }
            })
            .collect();
        Self { rules, builtin_start: 0 }
    }

    /// The built-in rules plus the user rules of `dirs` (see [`user`]), in code order.
    pub fn with_user_rules(dirs: &[std::path::PathBuf]) -> Result<Self, user::LoadError> {
        let mut registry = Self::builtin();
        if dirs.is_empty() {
            return Ok(registry);
        }
        let taken: Vec<&'static RuleRecord> = registry.rules.iter().map(|r| r.record).collect();
        for u in user::load(dirs, &taken)? {
            registry.rules.push(Rule { record: u.record, imp: Implementation::Declarative(u.compiled) });
        }
        registry.rules.sort_by_key(|r| r.record.code);
        registry.builtin_start = registry.rules.iter().take_while(|r| r.record.code < RuleId::ALL[0].code()).count();
        debug_assert!(RuleId::ALL.iter().all(|&id| registry.rules[registry.index(id)].record.code == id.code()));
        Ok(registry)
    }

    /// The index of a built-in rule (in `rules`, and in the per-rule vectors of a run's
    /// settings).
    pub fn index(&self, id: RuleId) -> usize {
        self.builtin_start + id as usize
    }

    /// The settings of a run of these rules before any config or flag: every rule enabled at
    /// its record's severity.
    pub fn default_settings(&self) -> crate::settings::Settings {
        crate::settings::Settings::defaults(self.rules.iter().map(|r| (r.record.code, r.record.name)).collect())
    }

    /// The rule with this code or name (case-insensitive for codes).
    pub fn find(&self, code_or_name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.record.code.eq_ignore_ascii_case(code_or_name) || r.record.name == code_or_name)
    }

    /// Indices of the rules a selector names: `ALL`, a code, a code prefix, or a name.
    pub fn select(&self, selector: &str) -> Vec<usize> {
        let upper = selector.to_ascii_uppercase();
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| upper == "ALL" || r.record.code.starts_with(&upper) || r.record.name == selector)
            .map(|(i, _)| i)
            .collect()
    }
}

/// Helpers shared by checks.
pub mod util {
    use crate::json::{Node, Value};
    use crate::source::Span;

    /// The span of bytes `start..end` of a string node's *value*, when the source writes the
    /// value verbatim (no escapes); otherwise the whole node.
    pub fn sub_span(node: &Node, start: usize, end: usize) -> Span {
        let Some((value, _)) = node.as_text() else {
            return node.span;
        };
        let len = node.span.len();
        let base = if len == value.len() + 2 {
            node.span.start as usize + 1
        } else if len == value.len() {
            node.span.start as usize
        } else {
            return node.span;
        };
        Span::new(base + start, base + end.min(value.len()))
    }

    /// Visit every string value (not keys) of a tree.
    pub fn for_each_string<'a>(node: &'a Node, f: &mut impl FnMut(&'a Node, &'a str)) {
        match &node.value {
            Value::String(s) => f(node, s),
            Value::Array(items) => items.iter().for_each(|n| for_each_string(n, f)),
            Value::Object(members) => members.iter().for_each(|m| for_each_string(&m.value, f)),
            _ => {}
        }
    }

    /// Levenshtein distance, for "did you mean" suggestions.
    pub fn edit_distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        let mut cur = vec![0; b.len() + 1];
        for (i, ca) in a.chars().enumerate() {
            cur[0] = i + 1;
            for (j, &cb) in b.iter().enumerate() {
                let cost = usize::from(ca != cb);
                cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        prev[b.len()]
    }

    /// The closest candidate within a distance proportional to the word's length
    /// (case-insensitive).
    pub fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
        let lower = word.to_ascii_lowercase();
        let max = (word.chars().count() / 3).clamp(1, 4);
        candidates
            .into_iter()
            .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
            .filter(|(d, _)| *d <= max)
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| c)
    }
}
