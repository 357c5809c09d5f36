//! The IAM/KMS policy model: a typed, borrowed view over a spanned [`Node`] tree.
//!
//! Nothing here judges the policy; it only exposes the elements (with their spans) in the
//! one-or-many normal form rules want. Elements of an unexpected type are kept as raw nodes so
//! grammar rules can report them.

pub mod access;
pub mod arn;
mod classify;
pub mod condition;

pub use crate::data::wildcard::{wildcard_match, wildcard_match_ci};
pub use arn::Arn;
pub use classify::{PolicyKind, classify};
pub use condition::{ConditionBlock, ConditionEntry, Operator, SetQualifier};

use crate::json::{Member, Node, Value};
use crate::source::Span;

/// A policy document.
pub struct Policy<'a> {
    pub root: &'a Node,
    pub version: Option<&'a Member>,
    pub id: Option<&'a Member>,
    /// The `Statement` member (object or array).
    pub statement: Option<&'a Member>,
    pub statements: Vec<Statement<'a>>,
}

/// One statement with its elements.
pub struct Statement<'a> {
    pub index: usize,
    pub node: &'a Node,
    pub sid: Option<&'a Member>,
    pub effect: Option<&'a Member>,
    pub principal: Option<Principal<'a>>,
    pub not_principal: Option<Principal<'a>>,
    pub action: Option<ValueList<'a>>,
    pub not_action: Option<ValueList<'a>>,
    pub resource: Option<ValueList<'a>>,
    pub not_resource: Option<ValueList<'a>>,
    pub condition: Option<&'a Member>,
    pub conditions: Vec<ConditionBlock<'a>>,
}

/// `Principal` / `NotPrincipal`: either `"*"` or a map of principal type → values.
pub struct Principal<'a> {
    pub member: &'a Member,
    /// Set when the element is the string `"*"` (everyone).
    pub star: bool,
    pub entries: Vec<PrincipalEntry<'a>>,
}

/// One `"AWS": [...]`, `"Service": ...` entry.
pub struct PrincipalEntry<'a> {
    pub member: &'a Member,
    pub values: Vec<&'a Node>,
}

/// `Action`, `Resource` and friends: a string or an array of strings.
pub struct ValueList<'a> {
    pub member: &'a Member,
    pub values: Vec<&'a Node>,
}

impl<'a> ValueList<'a> {
    fn new(member: &'a Member) -> Self {
        Self { member, values: member.value.one_or_many().iter().collect() }
    }

    /// The string (or template) values with their nodes.
    pub fn strings(&self) -> impl Iterator<Item = (&'a str, &'a Node)> + '_ {
        self.values.iter().filter_map(|n| n.as_text().map(|(s, _)| (s, *n)))
    }
}

impl<'a> Principal<'a> {
    fn new(member: &'a Member) -> Self {
        let star = member.value.as_str() == Some("*");
        let entries = member
            .value
            .as_object()
            .map(|ms| {
                ms.iter()
                    .map(|m| PrincipalEntry { member: m, values: m.value.one_or_many().iter().collect() })
                    .collect()
            })
            .unwrap_or_default();
        Self { member, star, entries }
    }

    /// Values of the entries named `kind` (`AWS`, `Service`, ...).
    pub fn values_of<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'a Node> + 's {
        self.entries.iter().filter(move |e| &*e.member.key == kind).flat_map(|e| e.values.iter().copied())
    }

    /// Whether this principal means "everyone": `"*"` or `{"AWS": "*"}`.
    pub fn is_everyone(&self) -> bool {
        self.star || self.values_of("AWS").any(|n| n.as_str() == Some("*"))
    }

    /// Span of the `"*"` that makes the principal everyone.
    pub fn everyone_span(&self) -> Span {
        if self.star {
            return self.member.value.span;
        }
        self.values_of("AWS").find(|n| n.as_str() == Some("*")).map_or(self.member.value.span, |n| n.span)
    }
}

impl<'a> Statement<'a> {
    pub fn effect_str(&self) -> Option<&'a str> {
        self.effect.and_then(|m| m.value.as_str())
    }
    pub fn is_allow(&self) -> bool {
        self.effect_str() == Some("Allow")
    }
    pub fn is_deny(&self) -> bool {
        self.effect_str() == Some("Deny")
    }
    pub fn sid_str(&self) -> Option<&'a str> {
        self.sid.and_then(|m| m.value.as_str())
    }
    /// All action strings (from `Action`), lower-cased comparison is up to the caller.
    pub fn actions(&self) -> impl Iterator<Item = (&'a str, &'a Node)> + '_ {
        self.action.iter().flat_map(ValueList::strings)
    }
    /// The span to point at when the statement as a whole is meant: its Sid if any, else the
    /// opening of the statement.
    pub fn head_span(&self) -> Span {
        match self.sid {
            Some(m) => m.value.span,
            None => Span::new(self.node.span.start as usize, self.node.span.start as usize + 1),
        }
    }
    /// Whether the statement grants (or denies) an action matching `action` (case-insensitive,
    /// honouring `*` and `?` wildcards in the policy's action patterns). `NotAction` counts as
    /// matching every action it does not list.
    pub fn covers_action(&self, action: &str) -> bool {
        if let Some(list) = &self.action {
            return list.strings().any(|(pattern, _)| wildcard_match_ci(pattern, action));
        }
        if let Some(list) = &self.not_action {
            return !list.strings().any(|(pattern, _)| wildcard_match_ci(pattern, action));
        }
        false
    }
    /// Condition entries whose key equals `key` (case-insensitive, as IAM compares keys).
    pub fn condition_entries(
        &self,
        key: &str,
    ) -> impl Iterator<Item = (&ConditionBlock<'a>, &ConditionEntry<'a>)> + '_ {
        let key = key.to_string();
        self.conditions
            .iter()
            .flat_map(|b| b.entries.iter().map(move |e| (b, e)))
            .filter(move |(_, e)| e.key.eq_ignore_ascii_case(&key))
    }
}

impl<'a> Policy<'a> {
    /// The statement called `index` (its `Statement::index`, the position in the `Statement`
    /// array), with its position in `statements` (which skips non-object items, so the two
    /// differ after one). Statements are in index order: a binary search.
    pub fn statement_by_index(&self, index: usize) -> Option<(usize, &Statement<'a>)> {
        let at = self.statements.binary_search_by_key(&index, |s| s.index).ok()?;
        Some((at, &self.statements[at]))
    }

    /// Build the view. Never fails: missing or mistyped elements are `None`/empty.
    pub fn new(root: &'a Node) -> Self {
        let version = root.get("Version");
        let id = root.get("Id");
        let statement = root.get("Statement");
        let statements = statement
            .map(|m| match &m.value.value {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.as_object().is_some())
                    .map(|(i, n)| Statement::new(i, n))
                    .collect(),
                Value::Object(_) => vec![Statement::new(0, &m.value)],
                _ => Vec::new(),
            })
            .unwrap_or_default();
        Self { root, version, id, statement, statements }
    }

    pub fn version_str(&self) -> Option<&'a str> {
        self.version.and_then(|m| m.value.as_str())
    }

    /// Whether any statement has a `Principal` or `NotPrincipal` element.
    pub fn has_principal(&self) -> bool {
        self.statements.iter().any(|s| s.principal.is_some() || s.not_principal.is_some())
    }
}

impl<'a> Statement<'a> {
    fn new(index: usize, node: &'a Node) -> Self {
        let get = |k: &str| node.get(k);
        let condition = get("Condition");
        Statement {
            index,
            node,
            sid: get("Sid"),
            effect: get("Effect"),
            principal: get("Principal").map(Principal::new),
            not_principal: get("NotPrincipal").map(Principal::new),
            action: get("Action").map(ValueList::new),
            not_action: get("NotAction").map(ValueList::new),
            resource: get("Resource").map(ValueList::new),
            not_resource: get("NotResource").map(ValueList::new),
            condition,
            conditions: condition.map(condition::blocks).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_normalises_one_or_many() {
        let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root","*"]},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":["1","2"]}}}}"#;
        let root = crate::json::parse(text).root.unwrap();
        let p = Policy::new(&root);
        assert_eq!(p.statements.len(), 1);
        let s = &p.statements[0];
        assert!(s.is_allow());
        assert!(s.principal.as_ref().unwrap().is_everyone());
        assert!(s.covers_action("kms:decrypt"));
        assert!(!s.covers_action("kms:Encrypt"));
        let (_, e) = s.condition_entries("KMS:CallerAccount").next().unwrap();
        assert_eq!(e.values.len(), 2);
    }
}
