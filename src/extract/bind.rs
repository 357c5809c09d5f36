//! Give a document's setup-relative references their values before it is evaluated.
//!
//! Some `${...}` parts of a template are unknown as values yet known relative to a setup:
//! - the customer's own account (CloudFormation `${AWS::AccountId}`, Terraform
//!   `${data.aws_caller_identity.NAME.account_id}`): the account that owns the template's (or
//!   module's) resources, so the account of its CMEK role;
//! - the template's own resources: `${Role.Arn}` / `${Role}` (`!GetAtt Role.Arn`, `!Ref Role`)
//!   and `${aws_iam_role.x.arn}` / `${aws_iam_role.x.name}` name the role created by that
//!   resource, `${Key.Arn}` / `${aws_kms_key.x.arn}` the key.
//!
//! [`Bindings`] says what they are for one setup (its role's ARN, its key's ARN, their ids in
//! the template); [`bind`] returns a copy of the document where they are replaced, keeping every
//! span (so findings and deciding statements still point at the reference site). A value with a
//! part left unknown stays a [`Value::Template`]: the evaluator never guesses.

use crate::data::placeholders::has_expression;
use crate::json::{Member, Node, Value};

/// The setup-relative values of one setup.
#[derive(Clone, Debug, Default)]
pub struct Bindings {
    /// The account owning the template's resources (the CMEK role's account).
    pub own_account: Option<String>,
    /// The CMEK role: how the template refers to it (logical id, Terraform address), its ARN.
    pub role_ids: Vec<String>,
    pub role_arn: Option<String>,
    /// The key: how the template refers to it, its ARN.
    pub key_ids: Vec<String>,
    pub key_arn: Option<String>,
}

impl Bindings {
    /// The value of the inside of one `${...}`, if this setup knows it.
    pub fn value(&self, inner: &str) -> Option<String> {
        let inner = inner.trim();
        if is_own_account(inner) {
            return self.own_account.clone();
        }
        let role_name = || self.role_arn.as_deref().and_then(crate::policy::Arn::parse).map(|a| a.name().to_string());
        for id in &self.role_ids {
            if let Some(attr) = attribute(inner, id) {
                return match attr {
                    "Arn" | "arn" => self.role_arn.clone(),
                    // `!Ref Role`, `aws_iam_role.x.name` / `.id` (a role's id is its name).
                    "" | "name" | "id" => role_name(),
                    _ => None,
                };
            }
        }
        for id in &self.key_ids {
            if let Some("Arn" | "arn") = attribute(inner, id) {
                return self.key_arn.clone();
            }
        }
        None
    }

    pub fn is_empty(&self) -> bool {
        self.own_account.is_none() && self.role_arn.is_none() && self.key_arn.is_none()
    }
}

/// Whether the inside of a `${...}` is the customer's own account id.
pub fn is_own_account(inner: &str) -> bool {
    if inner == "AWS::AccountId" {
        return true;
    }
    let parts: Vec<&str> = inner.split('.').collect();
    matches!(parts.as_slice(), ["data", "aws_caller_identity", _, "account_id"])
}

/// `Role.Arn` with id `Role` → `Arn`; `Role` → `""`; anything else → `None`.
fn attribute<'a>(inner: &'a str, id: &str) -> Option<&'a str> {
    if id.is_empty() {
        return None;
    }
    let rest = inner.strip_prefix(id)?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix('.')
}

/// Replace the `${...}` parts `bindings` knows in `text`. `None` when nothing changed.
fn bind_text(text: &str, bindings: &Bindings) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(j) if !after[..j].contains("${") => {
                match bindings.value(&after[..j]) {
                    Some(v) => {
                        out.push_str(&v);
                        changed = true;
                    }
                    None => out.push_str(&rest[i..i + 3 + j]),
                }
                rest = &after[j + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// A copy of `node` with the references `bindings` knows replaced (spans kept); `None` when it
/// has none.
pub fn bind(node: &Node, bindings: &Bindings) -> Option<Node> {
    if bindings.is_empty() || !holds_template(node) {
        return None;
    }
    Some(bind_node(node, bindings))
}

fn holds_template(node: &Node) -> bool {
    match &node.value {
        Value::Template(_) => true,
        Value::Object(ms) => ms.iter().any(|m| holds_template(&m.value)),
        Value::Array(items) => items.iter().any(holds_template),
        _ => false,
    }
}

fn bind_node(node: &Node, bindings: &Bindings) -> Node {
    let value = match &node.value {
        Value::Template(t) => match bind_text(t, bindings) {
            Some(text) if has_expression(&text) => Value::Template(text.into()),
            Some(text) => Value::String(text.into()),
            None => node.value.clone(),
        },
        Value::Object(ms) => Value::Object(
            ms.iter()
                .map(|m| Member { key: m.key.clone(), key_span: m.key_span, value: bind_node(&m.value, bindings) })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|n| bind_node(n, bindings)).collect()),
        other => other.clone(),
    };
    Node::new(node.span, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindings() -> Bindings {
        Bindings {
            own_account: Some("493820715560".into()),
            role_ids: vec!["PineconeCMEKRole".into(), "aws_iam_role.pinecone".into()],
            role_arn: Some("arn:aws:iam::493820715560:role/pinecone-cmek".into()),
            key_ids: vec!["PineconeCmek".into()],
            key_arn: Some("arn:aws:kms:us-east-1:493820715560:key/k".into()),
        }
    }

    #[test]
    fn binds_the_own_account_and_the_setup_s_resources() {
        let b = bindings();
        let t = |s: &str| bind_text(s, &b);
        assert_eq!(t("arn:aws:iam::${AWS::AccountId}:root").unwrap(), "arn:aws:iam::493820715560:root");
        assert_eq!(
            t("arn:aws:iam::${data.aws_caller_identity.current.account_id}:root").unwrap(),
            "arn:aws:iam::493820715560:root"
        );
        assert_eq!(t("${PineconeCMEKRole.Arn}").unwrap(), "arn:aws:iam::493820715560:role/pinecone-cmek");
        assert_eq!(t("${aws_iam_role.pinecone.arn}").unwrap(), "arn:aws:iam::493820715560:role/pinecone-cmek");
        assert_eq!(t("role/${PineconeCMEKRole}").unwrap(), "role/pinecone-cmek");
        assert_eq!(t("${PineconeCmek.Arn}").unwrap(), "arn:aws:kms:us-east-1:493820715560:key/k");
        // Another resource, a prefix of an id, an unknown attribute: unknown.
        assert_eq!(t("${OtherRole.Arn}"), None);
        assert_eq!(t("${PineconeCMEKRoleTwo.Arn}"), None);
        assert_eq!(t("${PineconeCMEKRole.RoleId}"), None);
        assert_eq!(t("${AWS::Region}"), None);
    }

    #[test]
    fn bound_nodes_keep_their_spans_and_stay_unknown_when_partly_known() {
        let b = bindings();
        let root = crate::json::Node::new(
            crate::source::Span::new(0, 10),
            Value::Array(vec![
                Node::new(crate::source::Span::new(1, 4), Value::Template("${PineconeCMEKRole.Arn}".into())),
                Node::new(crate::source::Span::new(5, 9), Value::Template("${AWS::Region}:${AWS::AccountId}".into())),
            ]),
        );
        let bound = bind(&root, &b).unwrap();
        let items = bound.as_array().unwrap();
        assert_eq!(items[0].value, Value::String("arn:aws:iam::493820715560:role/pinecone-cmek".into()));
        assert_eq!(items[0].span, crate::source::Span::new(1, 4));
        assert_eq!(items[1].value, Value::Template("${AWS::Region}:493820715560".into()));
        assert!(bind(&root, &Bindings::default()).is_none());
    }
}
