//! A rule's record: its metadata and documentation, written in `rules/<CODE>-<name>.toml` and
//! embedded in the binary at build time.

use crate::diagnostic::Severity;
use crate::fix::Applicability;
use crate::policy::PolicyKind;

/// Where a rule looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Once per parsed text: syntax-level findings (comments, invalid JSON, ...).
    File,
    /// Once per policy document of a matching kind.
    Policy,
    /// Once per KMS key's metadata (`describe-key`, CloudFormation `AWS::KMS::Key`, Terraform
    /// `aws_kms_key`); the check's `root` is an object with `describe-key` member names.
    Key,
    /// Once per CMEK setup (role + key + Pinecone-side values) grouped from every file of a run:
    /// the cross-document rules (`src/rules/cross`), run by the setup pass, not per document.
    Setup,
}

/// A declarative check: a JSONPath selector and a regex test on every selected value.
#[derive(Clone, Debug)]
pub struct DeclarativeSpec {
    /// JSONPath (RFC 9535) evaluated on the policy document.
    pub select: &'static str,
    /// Report selected string values that match this regex.
    pub matches: Option<&'static str>,
    /// Report selected string values that do *not* match this regex.
    pub not_matches: Option<&'static str>,
    /// Message; `{value}` is replaced by the selected value.
    pub message: &'static str,
}

#[derive(Clone, Debug)]
pub struct RuleRecord {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// Policy kinds the rule applies to; empty means every kind.
    pub kinds: &'static [PolicyKind],
    pub scope: Scope,
    pub summary: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    /// Whether `check --fix` can fix a finding, and how safely (`autofix` in the record): a
    /// finding's fix is never more applicable than this.
    pub autofix: Option<Applicability>,
    pub bad: &'static str,
    pub good: &'static str,
    /// More policies the rule does not report (edge cases beyond `good`).
    pub valid: &'static [&'static str],
    /// More policies the rule reports (variants beyond `bad`).
    pub invalid: &'static [&'static str],
    /// Kind forced when the examples are checked (for rules that depend on context, such as a
    /// permissions policy pasted where a trust policy belongs).
    pub example_kind: Option<PolicyKind>,
    /// `cmek-lint.toml` text applied when the examples are checked.
    pub example_config: Option<&'static str>,
    pub check: Option<DeclarativeSpec>,
}

impl RuleRecord {
    pub fn applies_to(&self, kind: PolicyKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
    /// The family a code belongs to, from its hundreds digit; `custom` for user rules.
    pub fn family(&self) -> &'static str {
        if !self.code.starts_with("CMK") {
            return "custom";
        }
        match self.code.as_bytes().get(3) {
            Some(b'0') => "syntax",
            Some(b'1') => "grammar",
            Some(b'2') => "trust",
            Some(b'3') => "key-policy",
            Some(b'4') => "permissions",
            Some(b'5') => "key-metadata",
            Some(b'6') => "cross-document",
            _ => "other",
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/records.rs"));

impl crate::diagnostic::RuleId {
    /// The rule's record (`RECORDS` is in [`RuleId`](crate::diagnostic::RuleId) order).
    pub fn record(self) -> &'static RuleRecord {
        &RECORDS[self as usize]
    }
}
