//! `Condition` blocks: operator → key → value(s), with parsed operator names.

use crate::json::{Member, Node};

/// One `"StringEquals": {...}` block.
pub struct ConditionBlock<'a> {
    pub member: &'a Member,
    pub operator: Operator<'a>,
    pub entries: Vec<ConditionEntry<'a>>,
}

/// One `"sts:ExternalId": "..."` entry inside a block.
pub struct ConditionEntry<'a> {
    pub member: &'a Member,
    pub key: &'a str,
    pub values: Vec<&'a Node>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

/// A condition operator split into its parts: `ForAllValues:StringLikeIfExists` →
/// qualifier `ForAllValues`, base `StringLike`, `if_exists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator<'a> {
    pub text: &'a str,
    pub qualifier: Option<SetQualifier>,
    pub base: &'a str,
    pub if_exists: bool,
}

/// Every base condition operator IAM knows (IAM User Guide, condition operators).
pub const BASE_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

impl<'a> Operator<'a> {
    pub fn parse(text: &'a str) -> Self {
        let (qualifier, rest) = if let Some(r) = text.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = text.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, text)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) if !b.is_empty() => (b, true),
            _ => (rest, false),
        };
        Operator { text, qualifier, base, if_exists }
    }

    /// Whether the base operator is one IAM knows (and `IfExists` is not on `Null`).
    pub fn is_known(&self) -> bool {
        BASE_OPERATORS.contains(&self.base) && !(self.if_exists && self.base == "Null")
    }

    /// `StringLike`, `StringNotLike`, `ArnLike`, `ArnNotLike`: the operators that honour `*`/`?`.
    pub fn honours_wildcards(&self) -> bool {
        matches!(self.base, "StringLike" | "StringNotLike" | "ArnLike" | "ArnNotLike")
    }

    /// Negated operators (true when the key is absent from the request).
    pub fn is_negated(&self) -> bool {
        self.base.contains("Not") || self.base == "Null"
    }

    /// Positive string/ARN comparisons that can pin a value.
    pub fn is_positive_match(&self) -> bool {
        matches!(self.base, "StringEquals" | "StringLike" | "ArnEquals" | "ArnLike" | "StringEqualsIgnoreCase")
    }
}

pub(super) fn blocks(condition: &Member) -> Vec<ConditionBlock<'_>> {
    let Some(ops) = condition.value.as_object() else {
        return Vec::new();
    };
    ops.iter()
        .map(|m| ConditionBlock {
            member: m,
            operator: Operator::parse(&m.key),
            entries: m
                .value
                .as_object()
                .map(|es| {
                    es.iter()
                        .map(|e| ConditionEntry {
                            member: e,
                            key: &e.key,
                            values: e.value.one_or_many().iter().collect(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_parts() {
        let o = Operator::parse("ForAllValues:StringLikeIfExists");
        assert_eq!((o.qualifier, o.base, o.if_exists), (Some(SetQualifier::ForAllValues), "StringLike", true));
        assert!(o.is_known() && o.honours_wildcards());
        assert!(!Operator::parse("NullIfExists").is_known());
        assert!(!Operator::parse("StringEqual").is_known());
        assert!(Operator::parse("StringNotEquals").is_negated());
    }
}
