//! CloudFormation and CDK templates (JSON or YAML, already lowered to [`Node`]s).
//!
//! Policies come from `AWS::IAM::Role` (`AssumeRolePolicyDocument` ⇒ trust, whatever it holds;
//! `Policies[].PolicyDocument` ⇒ identity), `AWS::IAM::Policy` / `ManagedPolicy` /
//! `RolePolicy` / `UserPolicy` / `GroupPolicy` (identity) and `AWS::KMS::Key` /
//! `AWS::KMS::ReplicaKey` (`KeyPolicy` ⇒ key), plus the key's metadata properties.
//!
//! Intrinsic functions are resolved to what can be known before deployment (see
//! [`super::refs`]):
//! - `Ref P` of a parameter with a `Default` → that default, and `${P}` in `Fn::Sub` likewise
//!   (a deploy that overrides it is not what the file says; findings at the reference say "from
//!   the default of parameter `P`"). A `Default` that is a placeholder of the guide
//!   (`XXXXXXXXXXXX`, `<account_id>`) is reported (CMK115, at the `Default`) and stays unknown.
//! - `AWS::Partition` → `aws`: Pinecone serves the `aws` partition only, so a CMEK setup is
//!   usable only there. Other pseudo parameters stay unknown; `${AWS::AccountId}` is the
//!   customer's own account (see [`super::bind`]).
//! - `Ref R` → `${R}`, `Fn::GetAtt [R, Arn]` → `${R.Arn}` for a resource `R` of the template
//!   (the setup pass and [`super::bind`] know which role or key that is).
//! - `Fn::Sub` (both forms) substitutes its variables and the known parameters, `Fn::Join`
//!   concatenates its parts, `Fn::If` takes the branch that is present, and `Ref AWS::NoValue`
//!   removes the property.
//!
//! Values with unknown parts become [`Value::Template`], which rules treat as unknowns.

use super::refs::{Known, Refs};
use super::{Document, Extraction, Note, Resource, Root, SpanMap, key_metadata_node, member};
use crate::json::{Member, Node, Value};
use crate::policy::PolicyKind;
use crate::source::Span;
use std::collections::BTreeMap;

/// Whether a parsed file is a CloudFormation template.
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources").and_then(|m| m.value.as_object()).is_some_and(|rs| {
        rs.iter().any(|r| {
            r.value
                .get("Type")
                .and_then(|t| t.value.as_str())
                .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
        })
    })
}

/// Add the policies and key metadata of a template to `out`.
pub fn extract<'a>(root: &'a Node, out: &mut Extraction<'a>) {
    out.recognised = true;
    let (refs, placeholders) = parameters(root);
    let Some(resources) = root.get("Resources").and_then(|m| m.value.as_object()) else {
        return;
    };
    let cx = &refs;
    let managed = managed_policy_roles(resources, cx);
    for resource in resources {
        let id = &*resource.key;
        let Some(ty) = resource.value.get("Type").and_then(|m| m.value.as_str()) else {
            continue;
        };
        let first = out.mark();
        let mut res = describe(id, ty, &resource.value, cx);
        if let Some(roles) = managed.get(id) {
            res = res.attached(roles.clone());
        }
        let Some(props) = resource.value.get("Properties").map(|m| &m.value).filter(|p| p.as_object().is_some()) else {
            if ty == "AWS::KMS::Key" {
                key_metadata(id, resource, None, cx, out);
                out.describe_from(first, &res);
            }
            continue;
        };
        let base = format!("Resources.{id}");
        match ty {
            "AWS::IAM::Role" => {
                if let Some(m) = props.get("AssumeRolePolicyDocument") {
                    push(&m.value, PolicyKind::Trust, format!("{base}.AssumeRolePolicyDocument"), cx, out);
                }
                out.describe_from(first, &res);
                let inline = out.mark();
                if let Some(list) = props.get("Policies").and_then(|m| m.value.as_array()) {
                    for (i, p) in list.iter().enumerate() {
                        let Some(doc) = p.get("PolicyDocument") else { continue };
                        let name = p
                            .get("PolicyName")
                            .and_then(|m| m.value.as_str())
                            .map_or_else(|| i.to_string(), str::to_string);
                        push(
                            &doc.value,
                            PolicyKind::Identity,
                            format!("{base}.Policies[{name}].PolicyDocument"),
                            cx,
                            out,
                        );
                    }
                }
                out.describe_from(inline, &res.clone().attached(vec![format!("${{{id}}}")]));
            }
            "AWS::IAM::Policy"
            | "AWS::IAM::ManagedPolicy"
            | "AWS::IAM::RolePolicy"
            | "AWS::IAM::UserPolicy"
            | "AWS::IAM::GroupPolicy" => {
                if let Some(m) = props.get("PolicyDocument") {
                    push(&m.value, PolicyKind::Identity, format!("{base}.PolicyDocument"), cx, out);
                }
            }
            "AWS::KMS::Key" | "AWS::KMS::ReplicaKey" => {
                if let Some(m) = props.get("KeyPolicy") {
                    push(&m.value, PolicyKind::Key, format!("{base}.KeyPolicy"), cx, out);
                }
                key_metadata(id, resource, Some(props), cx, out);
            }
            _ => {}
        }
        out.describe_from(first, &res);
    }
    out.resolved.extend(refs.take_uses());
    intrinsic_calls(resources, &mut out.unwritten);
    // A placeholder default matters where an IAM or KMS resource uses it.
    out.notes.extend(placeholders.into_iter().filter(|(name, _)| refs.was_used(name)).map(|(_, note)| note));
}

/// The intrinsic function calls of the resources, as written: their values are computed, and
/// nothing in them is a document's value as written (an `Fn::If` branch is one of two).
fn intrinsic_calls(resources: &[Member], out: &mut Vec<super::Unwritten>) {
    fn walk(node: &Node, out: &mut Vec<super::Unwritten>) {
        match &node.value {
            Value::Object(members) => {
                if let [only] = members.as_slice()
                    && is_intrinsic(&only.key, &only.value)
                {
                    out.push(super::Unwritten { span: node.span, ends: false });
                    return;
                }
                members.iter().for_each(|m| walk(&m.value, out));
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    resources.iter().for_each(|r| walk(&r.value, out));
}

/// The pseudo parameters resolved, with why (see the module's documentation).
const PSEUDO: &[(&str, &str, &str)] =
    &[("AWS::Partition", "aws", "the pseudo parameter `AWS::Partition` (Pinecone serves the `aws` partition only)")];

/// The template's parameters with a usable `Default`, and the pseudo parameters cmek-lint
/// knows. A placeholder `Default` is left unknown (watched), with its CMK115 note for when a
/// resource uses it.
fn parameters(root: &Node) -> (Refs, Vec<(String, Note)>) {
    let mut refs = Refs::default();
    let mut placeholders = Vec::new();
    for (name, value, from) in PSEUDO {
        refs.insert(*name, Known { value: value.to_string(), from: from.to_string(), at: None, file: None });
    }
    let params = root.get("Parameters").and_then(|m| m.value.as_object()).unwrap_or_default();
    for p in params {
        let Some(default) = p.value.get("Default") else { continue };
        let d = &default.value;
        let value = match &d.value {
            Value::String(s) | Value::Number(s) => s.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        let name = &*p.key;
        if let Some((start, end, what)) = crate::data::placeholders::find_placeholder(&value) {
            // The placeholder inside the scalar as written (plain, or quoted without escapes).
            let at = d.span.start as usize;
            let span = match d.span.len() - value.len().min(d.span.len()) {
                0 if d.span.len() == value.len() => Span::new(at + start, at + end),
                2 => Span::new(at + 1 + start, at + 1 + end),
                _ => d.span,
            };
            refs.watch(name);
            let note = Note {
                rule: crate::diagnostic::RuleId::PlaceholderValue,
                span,
                message: format!(
                    "the default of parameter `{name}` is {what} (`{}`): every policy using `{name}` gets it unless the stack overrides it",
                    &value[start..end]
                ),
                help: Some(format!(
                    "put the real value in the `Default` of `{name}` (for Pinecone's account and the external ID: the Pinecone console, Manage > CMEK > Add CMEK), or remove the `Default` so the stack must be given one"
                )),
                origin: Some(format!("Parameters.{name}")),
            };
            placeholders.push((name.to_string(), note));
            continue;
        }
        let list = p.value.get("Type").and_then(|t| t.value.as_str()).is_some_and(|t| {
            t == "CommaDelimitedList" || t.starts_with("List<") || t.starts_with("AWS::SSM::Parameter::")
        });
        if list || value.contains("${") {
            // A list (not a string `Fn::Sub` could use), an SSM parameter name, or a default
            // that is itself an expression: unknown.
            continue;
        }
        let from = format!("the default of parameter `{name}`");
        refs.insert(name, Known { value, from, at: Some(d.span), file: None });
    }
    (refs, placeholders)
}

/// A lowered scalar's text, unknown parts as `${...}`.
fn text(n: &Node, cx: &Refs) -> Option<String> {
    lower_in(n, cx).map(|n| text_of(&n, "?"))
}

/// A lowered list of scalars (or one scalar).
fn list(n: &Node, cx: &Refs) -> Vec<String> {
    match n.as_array() {
        Some(items) => items.iter().filter_map(|i| text(i, cx)).collect(),
        None => text(n, cx).into_iter().collect(),
    }
}

/// What a resource says about itself for the setup pass: its logical id and `DependsOn`, a
/// role's `RoleName`, the key a key policy belongs to, the roles a policy names (`Roles`,
/// `RoleName`; a user's or group's policy is attached to no role).
fn describe(id: &str, ty: &str, resource: &Node, cx: &Refs) -> Resource {
    let prop = |k: &str| resource.get("Properties").and_then(|p| p.value.get(k)).map(|m| &m.value);
    let mut res = Resource { created: true, id: Some(id.to_string()), ..Resource::default() };
    if let Some(d) = resource.get("DependsOn") {
        res.depends_on = list(&d.value, cx).into_iter().map(|d| format!("${{{d}}}")).collect();
    }
    match ty {
        "AWS::IAM::Role" => res.name = prop("RoleName").and_then(|n| text(n, cx)).filter(|n| !n.contains("${")),
        "AWS::KMS::Key" | "AWS::KMS::ReplicaKey" => res.key = Some(id.to_string()),
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            if let Some(roles) = prop("Roles") {
                res = res.attached(list(roles, cx));
            } else if prop("Users").is_some() || prop("Groups").is_some() {
                res = res.attached(Vec::new());
            }
        }
        "AWS::IAM::RolePolicy" => res = res.attached(prop("RoleName").and_then(|n| text(n, cx)).into_iter().collect()),
        "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => res = res.attached(Vec::new()),
        _ => {}
    }
    res
}

/// Managed policies named in roles' `ManagedPolicyArns`: policy logical id → the roles.
fn managed_policy_roles(resources: &[Member], cx: &Refs) -> BTreeMap<String, Vec<String>> {
    let mut attached: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let roles =
        resources.iter().filter(|r| r.value.get("Type").and_then(|t| t.value.as_str()) == Some("AWS::IAM::Role"));
    for r in roles {
        let arns = r.value.get("Properties").and_then(|p| p.value.get("ManagedPolicyArns"));
        for arn in arns.map(|m| list(&m.value, cx)).unwrap_or_default() {
            attached.entry(super::normalise_ref(&arn)).or_default().push(format!("${{{}}}", r.key));
        }
    }
    attached
}

fn push(value: &Node, kind: PolicyKind, origin: String, cx: &Refs, out: &mut Extraction<'_>) {
    if let Some(node) = lower_in(value, cx).filter(|n| n.as_object().is_some()) {
        out.documents.push(Document::policy(Root::Owned(Box::new(node)), Some(kind), origin, SpanMap::Identity));
    }
}

/// Properties of `AWS::KMS::Key` the key-metadata rules read (same names as `describe-key`).
const KEY_PROPERTIES: &[&str] =
    &["KeySpec", "KeyUsage", "Origin", "MultiRegion", "Enabled", "EnableKeyRotation", "BypassPolicyLockoutSafetyCheck"];

fn key_metadata(id: &str, resource: &Member, props: Option<&Node>, cx: &Refs, out: &mut Extraction<'_>) {
    let mut members: Vec<Member> = Vec::new();
    if let Some(props) = props {
        for name in KEY_PROPERTIES {
            if let Some(m) = props.get(name)
                && let Some(v) = lower_in(&m.value, cx)
            {
                members.push(member(name, m.key_span, v));
            }
        }
    }
    let ty = resource.value.get("Type");
    if let Some(t) = ty.filter(|t| t.value.as_str() == Some("AWS::KMS::ReplicaKey")) {
        // A replica is a multi-Region key by definition.
        members.push(member("MultiRegion", t.key_span, Node::new(t.value.span, Value::Bool(true))));
    }
    let node = key_metadata_node(resource.value.span, resource.key_span, "cloudformation", members);
    out.documents.push(Document::key_metadata(node, format!("Resources.{id}")));
}

/// Resolve intrinsic functions in a tree, without parameters. `None` when the node is
/// `Ref: AWS::NoValue` (the property is absent).
pub fn lower(node: &Node) -> Option<Node> {
    lower_in(node, &Refs::default())
}

/// Resolve intrinsic functions in a tree, with the template's parameters.
fn lower_in(node: &Node, cx: &Refs) -> Option<Node> {
    match &node.value {
        Value::Object(members) => {
            if let [only] = members.as_slice()
                && is_intrinsic(&only.key, &only.value)
            {
                return intrinsic(&only.key, &only.value, node.span, cx);
            }
            let lowered = members
                .iter()
                .filter_map(|m| {
                    lower_in(&m.value, cx).map(|v| Member { key: m.key.clone(), key_span: m.key_span, value: v })
                })
                .collect();
            Some(Node::new(node.span, Value::Object(lowered)))
        }
        Value::Array(items) => {
            Some(Node::new(node.span, Value::Array(items.iter().filter_map(|i| lower_in(i, cx)).collect())))
        }
        _ => Some(node.clone()),
    }
}

/// An intrinsic function call: `{"Ref": ...}`, `{"Fn::...": ...}`, or `{"Condition": "Name"}`
/// (a condition reference; an IAM `Condition` element is an object, never a string).
fn is_intrinsic(key: &str, value: &Node) -> bool {
    key == "Ref" || key.starts_with("Fn::") || (key == "Condition" && value.as_str().is_some())
}

fn template(span: Span, text: String) -> Node {
    if super::super::data::placeholders::has_expression(&text) {
        Node::new(span, Value::Template(text.into()))
    } else {
        Node::new(span, Value::String(text.into()))
    }
}

fn unknown(span: Span, what: &str) -> Node {
    Node::new(span, Value::Template(format!("${{{what}}}").into()))
}

/// The text of a lowered scalar, unknown parts as `${...}`.
fn text_of(node: &Node, what: &str) -> String {
    match &node.value {
        Value::String(s) | Value::Template(s) | Value::Number(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => format!("${{{what}}}"),
    }
}

fn intrinsic(name: &str, arg: &Node, span: Span, cx: &Refs) -> Option<Node> {
    let lower = |n: &Node| lower_in(n, cx);
    match name {
        "Ref" => match arg.as_str() {
            Some("AWS::NoValue") => None,
            Some(r) => Some(match cx.resolve(r, span) {
                Some(v) => Node::new(span, Value::String(v.into())),
                None => Node::new(span, Value::Template(format!("${{{r}}}").into())),
            }),
            None => Some(unknown(span, "Ref")),
        },
        "Fn::Sub" => {
            let (text, vars) = match &arg.value {
                Value::String(s) => (s.to_string(), None),
                Value::Array(items) => match items.as_slice() {
                    [Node { value: Value::String(s), .. }, vars, ..] => (s.to_string(), Some(vars)),
                    [Node { value: Value::String(s), .. }] => (s.to_string(), None),
                    _ => return Some(unknown(span, "Fn::Sub")),
                },
                _ => return Some(unknown(span, "Fn::Sub")),
            };
            let mut text = text;
            if let Some(vars) = vars.and_then(|v| v.as_object()) {
                for v in vars {
                    if let Some(value) = lower(&v.value).and_then(|n| n.as_str().map(str::to_string)) {
                        text = text.replace(&format!("${{{}}}", v.key), &value);
                    }
                }
            }
            let own: Vec<&str> = vars.and_then(|v| v.as_object()).unwrap_or_default().iter().map(|v| &*v.key).collect();
            Some(template(span, cx.substitute_except(&text, span, &own)))
        }
        "Fn::GetAtt" => {
            let text = match &arg.value {
                Value::String(s) => format!("${{{s}}}"),
                Value::Array(items) => {
                    let parts: Vec<String> =
                        items.iter().map(|i| lower(i).map_or_else(String::new, |n| text_of(&n, "?"))).collect();
                    format!("${{{}}}", parts.join("."))
                }
                _ => "${Fn::GetAtt}".into(),
            };
            Some(Node::new(span, Value::Template(text.into())))
        }
        "Fn::Join" => {
            let Some([sep, list]) = arg.as_array().and_then(|a| <&[Node; 2]>::try_from(a).ok()) else {
                return Some(unknown(span, "Fn::Join"));
            };
            let (Some(sep), Some(list)) = (sep.as_str(), lower(list)) else {
                return Some(unknown(span, "Fn::Join"));
            };
            let Some(items) = list.as_array() else {
                return Some(unknown(span, "Fn::Join"));
            };
            let parts: Vec<String> = items.iter().map(|n| text_of(n, "Fn::Join")).collect();
            Some(template(span, parts.join(sep)))
        }
        "Fn::If" => {
            let items = arg.as_array().unwrap_or_default();
            let cond = items.first().and_then(Node::as_str).unwrap_or("condition");
            let a = items.get(1).and_then(lower);
            let b = items.get(2).and_then(lower);
            match (a, b) {
                (None, None) => None,
                (Some(x), None) | (None, Some(x)) => Some(x),
                (Some(x), Some(y)) => {
                    if x.value == y.value || matches!(x.value, Value::Object(_) | Value::Array(_)) {
                        Some(x)
                    } else {
                        Some(unknown(span, &format!("Fn::If {cond}")))
                    }
                }
            }
        }
        other => Some(unknown(span, other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowered_json(text: &str) -> Node {
        lower(&crate::json::parse(text).root.unwrap()).unwrap()
    }

    #[test]
    fn intrinsics_become_templates() {
        let n = lowered_json(r#"{"a": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}}"#);
        assert_eq!(n.get("a").unwrap().value.value, Value::Template("arn:aws:iam::${AWS::AccountId}:root".into()));
        let n = lowered_json(
            r#"{"a": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}}"#,
        );
        assert_eq!(
            n.get("a").unwrap().value.value,
            Value::Template("arn:${AWS::Partition}:iam::${AWS::AccountId}:root".into())
        );
        let n = lowered_json(r#"{"a": {"Fn::GetAtt": ["Role", "Arn"]}, "b": {"Ref": "AWS::NoValue"}}"#);
        assert_eq!(n.get("a").unwrap().value.value, Value::Template("${Role.Arn}".into()));
        assert!(n.get("b").is_none());
        let n = lowered_json(r#"{"a": {"Fn::Sub": ["arn:aws:iam::${A}:root", {"A": "905418236187"}]}}"#);
        assert_eq!(n.get("a").unwrap().value.as_str(), Some("arn:aws:iam::905418236187:root"));
        let n = lowered_json(
            r#"{"a": [{"Fn::If": ["C", {"k": 1}, {"Ref": "AWS::NoValue"}]}, {"Fn::If": ["C", "x", "y"]}]}"#,
        );
        let a = n.get("a").unwrap().value.as_array().unwrap();
        assert!(a[0].get("k").is_some());
        assert!(matches!(a[1].value, Value::Template(_)));
    }

    #[test]
    fn parameters_with_a_default_and_the_partition_resolve_and_say_where_from() {
        let text = r#"{
  "Parameters": {
    "PineconeAccount": {"Type": "String", "Default": "905418236187"},
    "ExternalId": {"Type": "String", "Default": "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX"},
    "NoDefault": {"Type": "String"},
    "UnusedPassword": {"Type": "String", "Default": "XXXXXXXX"},
    "Regions": {"Type": "CommaDelimitedList", "Default": "us-east-1,us-west-2"}
  },
  "Resources": {
    "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
      "Effect": "Allow",
      "Principal": {"AWS": [
        {"Fn::Sub": "arn:${AWS::Partition}:iam::${PineconeAccount}:role/pinecone_cmek_access_us-east-1"},
        {"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "PineconeAccount"}, ":role/pinecone_cmek_access_us-west-2"]]},
        {"Fn::Sub": ["arn:aws:iam::${PineconeAccount}:root", {"PineconeAccount": {"Ref": "NoDefault"}}]},
        {"Fn::Sub": "arn:aws:iam::${NoDefault}:root"},
        {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"},
        {"Fn::GetAtt": ["Role", "Arn"]},
        {"Ref": "Regions"}
      ]},
      "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}}}]}}}
  }
}"#;
        let root = crate::json::parse(text).root.unwrap();
        let mut out = Extraction::default();
        extract(&root, &mut out);
        let doc = out.documents[0].root.node();
        let stmt = &doc.get("Statement").unwrap().value.as_array().unwrap()[0];
        let aws = stmt.get("Principal").unwrap().value.get("AWS").unwrap().value.as_array().unwrap();
        let values: Vec<&Value> = aws.iter().map(|n| &n.value).collect();
        assert_eq!(values[0], &Value::String("arn:aws:iam::905418236187:role/pinecone_cmek_access_us-east-1".into()));
        assert_eq!(values[1], &Value::String("arn:aws:iam::905418236187:role/pinecone_cmek_access_us-west-2".into()));
        // `Fn::Sub`'s own variable shadows the parameter, and is unknown.
        assert_eq!(values[2], &Value::Template("arn:aws:iam::${PineconeAccount}:root".into()));
        assert_eq!(values[3], &Value::Template("arn:aws:iam::${NoDefault}:root".into()));
        // The customer's own account and the template's own role stay references (see `bind`).
        assert_eq!(values[4], &Value::Template("arn:aws:iam::${AWS::AccountId}:root".into()));
        assert_eq!(values[5], &Value::Template("${Role.Arn}".into()));
        // A list parameter is not a string.
        assert_eq!(values[6], &Value::Template("${Regions}".into()));
        // The placeholder default: reported at the `Default` (where a resource uses it), left
        // unknown.
        let cond = stmt.get("Condition").unwrap().value.get("StringEquals").unwrap();
        assert_eq!(cond.value.get("sts:ExternalId").unwrap().value.value, Value::Template("${ExternalId}".into()));
        assert_eq!(out.notes.len(), 1);
        let note = &out.notes[0];
        assert_eq!(note.rule, crate::diagnostic::RuleId::PlaceholderValue);
        assert_eq!(&text[note.span.range()], "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX");
        assert!(note.message.contains("parameter `ExternalId`"), "{}", note.message);
        // Each use of the account's default points back at it.
        let default = text.find("\"905418236187\"").unwrap();
        let from_default: Vec<_> =
            out.resolved.iter().filter(|p| p.from == "the default of parameter `PineconeAccount`").collect();
        assert_eq!(from_default.len(), 2);
        assert!(from_default.iter().all(|p| p.at.map(|a| a.start as usize) == Some(default)));
        assert_eq!(&text[from_default[1].span.range()], r#"{"Ref": "PineconeAccount"}"#);
    }

    #[test]
    fn documents_learn_names_attachments_and_dependencies() {
        let text = r#"{
  "Resources": {
    "Role": {"Type": "AWS::IAM::Role", "Properties": {
      "RoleName": "pinecone-cmek",
      "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
      "ManagedPolicyArns": [{"Ref": "Managed"}],
      "Policies": [{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17", "Statement": []}}]}},
    "Managed": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
      "PolicyDocument": {"Version": "2012-10-17", "Statement": []}}},
    "Attached": {"Type": "AWS::IAM::Policy", "Properties": {
      "Roles": [{"Ref": "Role"}], "PolicyDocument": {"Version": "2012-10-17", "Statement": []}}},
    "Key": {"Type": "AWS::KMS::Key", "DependsOn": "Role", "Properties": {
      "KeyPolicy": {"Version": "2012-10-17", "Statement": []}}}
  }
}"#;
        let root = crate::json::parse(text).root.unwrap();
        let mut out = Extraction::default();
        extract(&root, &mut out);
        let of = |origin: &str| {
            let d = out.documents.iter().find(|d| d.origin.as_deref() == Some(origin)).unwrap();
            d.resource.as_deref().cloned().unwrap_or_default()
        };
        let trust = of("Resources.Role.AssumeRolePolicyDocument");
        assert!(trust.created);
        assert_eq!(trust.name.as_deref(), Some("pinecone-cmek"));
        assert_eq!(of("Resources.Role.Policies[inline].PolicyDocument").roles.unwrap(), ["${Role}"]);
        assert_eq!(of("Resources.Managed.PolicyDocument").roles.unwrap(), ["${Role}"]);
        assert_eq!(of("Resources.Attached.PolicyDocument").roles.unwrap(), ["${Role}"]);
        assert_eq!(of("Resources.Key.KeyPolicy").depends_on, ["${Role}"]);
    }
}
