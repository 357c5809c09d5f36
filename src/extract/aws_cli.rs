//! AWS CLI exports (JSON): `aws iam get-role`, `list-roles`, `get-role-policy`,
//! `get-policy-version`, `get-account-authorization-details`, `aws kms get-key-policy` and
//! `aws kms describe-key`.

use super::{Document, Extraction, Resource, Root, SpanMap, str_of};
use crate::json::Node;
use crate::policy::PolicyKind;

/// Add the documents of a CLI export to `out` (nothing when `root` is no known export).
pub fn extract<'a>(root: &'a Node, text: &str, out: &mut Extraction<'a>) {
    // aws iam get-role
    if let Some(role) = root.get("Role").map(|m| &m.value) {
        out.recognised = true;
        role_trust(role, "Role", text, out);
    }
    // aws iam list-roles
    if let Some(roles) = root.get("Roles").and_then(|m| m.value.as_array()) {
        out.recognised = true;
        for (i, role) in roles.iter().enumerate() {
            role_trust(role, &format!("Roles[{}]", role_label(role, i)), text, out);
        }
    }
    // aws iam get-policy-version
    if let Some(version) = root.get("PolicyVersion").map(|m| &m.value) {
        out.recognised = true;
        if let Some(doc) = version.get("Document") {
            policy_value(&doc.value, Some(PolicyKind::Identity), "PolicyVersion.Document".into(), text, out);
        }
    }
    // aws iam get-role-policy / get-user-policy / get-group-policy
    if let Some(doc) = root.get("PolicyDocument") {
        out.recognised = true;
        let name = str_of(root, "PolicyName").unwrap_or("PolicyDocument");
        let origin = match str_of(root, "RoleName") {
            Some(role) => format!("role {role}, inline policy {name}"),
            None => format!("inline policy {name}"),
        };
        let first = out.mark();
        policy_value(&doc.value, Some(PolicyKind::Identity), origin, text, out);
        // A role's policy, or a user's or group's (attached to no role).
        if let Some(role) = str_of(root, "RoleName") {
            out.describe_from(first, &Resource::default().attached(vec![role.to_string()]));
        } else if root.get("UserName").is_some() || root.get("GroupName").is_some() {
            out.describe_from(first, &Resource::default().attached(Vec::new()));
        }
    }
    // aws kms get-key-policy
    if let Some(policy) = root.get("Policy").filter(|m| m.value.as_str().is_some()) {
        out.recognised = true;
        let name = str_of(root, "PolicyName").unwrap_or("default");
        out.push_string_policy(text, &policy.value, Some(PolicyKind::Key), format!("key policy {name}"));
    }
    // aws kms describe-key
    if let Some(meta) = root.get("KeyMetadata").filter(|m| m.value.as_object().is_some()) {
        out.recognised = true;
        let members = meta.value.as_object().unwrap_or_default().to_vec();
        let node = super::key_metadata_node(meta.value.span, meta.key_span, "describe-key", members);
        let id = str_of(&meta.value, "KeyId").unwrap_or("key");
        out.documents.push(Document::key_metadata(node, format!("KeyMetadata {id}")));
    }
    if root.get("RoleDetailList").is_some() || root.get("Policies").is_some_and(|m| m.value.as_array().is_some()) {
        out.recognised = true;
        authorization_details(root, text, out);
    }
}

fn role_label(role: &Node, index: usize) -> String {
    str_of(role, "RoleName").map_or_else(|| index.to_string(), str::to_string)
}

fn role_trust<'a>(role: &'a Node, path: &str, text: &str, out: &mut Extraction<'a>) {
    if let Some(doc) = role.get("AssumeRolePolicyDocument") {
        let origin = match str_of(role, "RoleName") {
            Some(name) if !path.contains(name) => format!("{path} ({name}).AssumeRolePolicyDocument"),
            _ => format!("{path}.AssumeRolePolicyDocument"),
        };
        let first = out.mark();
        policy_value(&doc.value, Some(PolicyKind::Trust), origin, text, out);
        let res = Resource {
            name: str_of(role, "RoleName").map(str::to_string),
            arn: str_of(role, "Arn").map(str::to_string),
            ..Resource::default()
        };
        out.describe_from(first, &res);
    }
}

/// A policy written as an object, or as a (possibly URL-encoded) JSON string.
fn policy_value<'a>(value: &'a Node, kind: Option<PolicyKind>, origin: String, text: &str, out: &mut Extraction<'a>) {
    if value.as_object().is_some() {
        out.documents.push(Document::policy(Root::Borrowed(value), kind, origin, SpanMap::Identity));
    } else if value.as_str().is_some() {
        out.push_string_policy(text, value, kind, origin);
    }
}

/// `aws iam get-account-authorization-details`: every role's trust policy, inline policies and
/// attached managed policies (default version), plus users' and groups' inline policies.
fn authorization_details<'a>(root: &'a Node, text: &str, out: &mut Extraction<'a>) {
    let roles = root.get("RoleDetailList").and_then(|m| m.value.as_array()).unwrap_or_default();
    for (i, role) in roles.iter().enumerate() {
        let label = format!("RoleDetailList[{}]", role_label(role, i));
        role_trust(role, &label, text, out);
        let first = out.mark();
        inline_policies(role, "RolePolicyList", &label, text, out);
        let roles = str_of(role, "RoleName").map(str::to_string).into_iter().collect();
        out.describe_from(first, &Resource::default().attached(roles));
    }
    for (list, inline) in [("UserDetailList", "UserPolicyList"), ("GroupDetailList", "GroupPolicyList")] {
        let items = root.get(list).and_then(|m| m.value.as_array()).unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            let name = str_of(item, "UserName").or_else(|| str_of(item, "GroupName"));
            let label = format!("{list}[{}]", name.map_or_else(|| i.to_string(), str::to_string));
            let first = out.mark();
            inline_policies(item, inline, &label, text, out);
            out.describe_from(first, &Resource::default().attached(Vec::new()));
        }
    }
    let policies = root.get("Policies").and_then(|m| m.value.as_array()).unwrap_or_default();
    for (i, policy) in policies.iter().enumerate() {
        let name = str_of(policy, "PolicyName").map_or_else(|| i.to_string(), str::to_string);
        let arn = str_of(policy, "Arn");
        let attached: Vec<&str> = roles
            .iter()
            .filter(|r| {
                r.get("AttachedManagedPolicies")
                    .and_then(|m| m.value.as_array())
                    .is_some_and(|a| a.iter().any(|p| arn.is_some() && str_of(p, "PolicyArn") == arn))
            })
            .filter_map(|r| str_of(r, "RoleName"))
            .collect();
        let versions = policy.get("PolicyVersionList").and_then(|m| m.value.as_array()).unwrap_or_default();
        let default = str_of(policy, "DefaultVersionId");
        let chosen = versions
            .iter()
            .find(|v| v.get("IsDefaultVersion").is_some_and(|m| m.value.value == crate::json::Value::Bool(true)))
            .or_else(|| versions.iter().find(|v| default.is_some() && str_of(v, "VersionId") == default))
            .or_else(|| (versions.len() == 1).then(|| &versions[0]));
        let Some(version) = chosen else { continue };
        let Some(doc) = version.get("Document") else { continue };
        let vid = str_of(version, "VersionId").unwrap_or("default");
        let mut origin = format!("Policies[{name}].PolicyVersionList[{vid}].Document");
        if !attached.is_empty() {
            origin.push_str(&format!(" (attached to role {})", attached.join(", ")));
        }
        let first = out.mark();
        policy_value(&doc.value, Some(PolicyKind::Identity), origin, text, out);
        // The export lists every attachment of the account: none to a role is none.
        let roles = attached.iter().map(|r| r.to_string()).collect();
        out.describe_from(first, &Resource::default().attached(roles));
    }
}

fn inline_policies<'a>(owner: &'a Node, list: &str, label: &str, text: &str, out: &mut Extraction<'a>) {
    let items = owner.get(list).and_then(|m| m.value.as_array()).unwrap_or_default();
    for (j, p) in items.iter().enumerate() {
        if let Some(doc) = p.get("PolicyDocument") {
            let pname = str_of(p, "PolicyName").map_or_else(|| j.to_string(), str::to_string);
            policy_value(
                &doc.value,
                Some(PolicyKind::Identity),
                format!("{label}.{list}[{pname}].PolicyDocument"),
                text,
                out,
            );
        }
    }
}
