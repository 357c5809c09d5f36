//! `CMK5xx`: KMS key metadata (describe-key, CloudFormation, Terraform).
//!
//! These rules run once per key (scope `key`). Their `root` is an object with the member names
//! of `aws kms describe-key`'s `KeyMetadata` (`KeySpec`, `KeyUsage`, `Origin`, `MultiRegion`,
//! `Enabled`, `KeyState`, `KeyManager`, `Arn`, `EnableKeyRotation`,
//! `BypassPolicyLockoutSafetyCheck`), whose values keep the spans of the user's file, plus a
//! `$format` member naming the source (`describe-key`, `cloudformation`, `terraform`,
//! `terraform-plan`, `terraform-state`) whose span is the resource's name.

pub(super) mod aws_managed_key;
pub(super) mod key_not_enabled;
pub(super) mod key_origin_not_aws_kms;
pub(super) mod key_region_unsupported;
pub(super) mod key_rotation_disabled;
pub(super) mod key_spec_not_symmetric;
pub(super) mod key_usage_not_encrypt_decrypt;
pub(super) mod lockout_safety_check_bypassed;
pub(super) mod multi_region_key;

use super::RuleContext;
use crate::extract::FORMAT_KEY;
use crate::json::{Node, Value};
use crate::source::Span;

/// A key's metadata as the rules read it.
pub(crate) struct KeyView<'a> {
    root: &'a Node,
    pub format: &'a str,
    /// The resource's name, for findings about a property left at its default.
    pub anchor: Span,
}

impl<'a> KeyView<'a> {
    pub fn new(ctx: &RuleContext<'a>) -> Option<Self> {
        let root = ctx.root?;
        let format = root.get(FORMAT_KEY)?;
        Some(Self { root, format: format.value.as_str().unwrap_or(""), anchor: format.value.span })
    }

    /// A property's value (not `null`).
    pub fn get(&self, name: &str) -> Option<&'a Node> {
        self.root.get(name).map(|m| &m.value).filter(|n| n.value != Value::Null)
    }

    /// A property written as a plain string (values known only at deploy time are skipped).
    pub fn text(&self, name: &str) -> Option<(&'a str, &'a Node)> {
        let n = self.get(name)?;
        n.as_str().map(|s| (s, n))
    }

    /// A boolean property (`true`, or the strings `"true"`/`"false"` CloudFormation accepts).
    pub fn flag(&self, name: &str) -> Option<(bool, &'a Node)> {
        let n = self.get(name)?;
        match &n.value {
            Value::Bool(b) => Some((*b, n)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some((true, n)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some((false, n)),
            _ => None,
        }
    }

    /// Whether an absent property means its documented default (configuration, not output).
    pub fn absent_means_default(&self) -> bool {
        matches!(self.format, "cloudformation" | "terraform")
    }

    /// The property's name as the user wrote it (`customer_master_key_spec` in Terraform).
    pub fn property(&self, name: &str) -> &'static str {
        let terraform = self.format.starts_with("terraform");
        KEY_NAMES.iter().find(|(n, _)| *n == name).map_or("property", |(n, tf)| if terraform { tf } else { n })
    }
}

/// `describe-key` names and their Terraform arguments.
const KEY_NAMES: &[(&str, &str)] = &[
    ("KeySpec", "customer_master_key_spec"),
    ("CustomerMasterKeySpec", "customer_master_key_spec"),
    ("KeyUsage", "key_usage"),
    ("Origin", "resource type"),
    ("MultiRegion", "multi_region"),
    ("Enabled", "is_enabled"),
    ("KeyState", "KeyState"),
    ("KeyManager", "KeyManager"),
    ("Arn", "arn"),
    ("EnableKeyRotation", "enable_key_rotation"),
    ("BypassPolicyLockoutSafetyCheck", "bypass_policy_lockout_safety_check"),
];

#[cfg(test)]
mod tests {
    #[test]
    fn terraform_names_match_the_extractor() {
        for (tf, name) in crate::extract::tfjson::KEY_ATTRIBUTES {
            let found = super::KEY_NAMES.iter().find(|(n, _)| n == name).expect("every mapped attribute has a name");
            assert_eq!(found.1, *tf);
        }
    }
}
