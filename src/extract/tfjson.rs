//! Terraform plan and state JSON: `terraform show -json plan.out` (`resource_changes`),
//! `terraform show -json` of a state (`values.root_module` with `child_modules`) and raw
//! `terraform.tfstate` (version 4, `resources[].instances[].attributes`).
//!
//! Policies are JSON strings in these files; they are decoded with a position map so findings
//! point into the string. A policy that is unknown at plan time (absent from `after`, `true` in
//! `after_unknown`) is reported as not checked. Findings name the resource address.

use super::{Document, Extraction, Note, key_metadata_node, member, str_of};
use crate::json::{Member, Node, Value};
use crate::policy::PolicyKind;

/// Resource types and the attribute holding their policy.
pub(crate) const POLICY_ATTRIBUTES: &[(&str, &str, PolicyKind)] = &[
    ("aws_iam_role", "assume_role_policy", PolicyKind::Trust),
    ("aws_iam_role_policy", "policy", PolicyKind::Identity),
    ("aws_iam_policy", "policy", PolicyKind::Identity),
    ("aws_iam_user_policy", "policy", PolicyKind::Identity),
    ("aws_iam_group_policy", "policy", PolicyKind::Identity),
    ("aws_kms_key", "policy", PolicyKind::Key),
    ("aws_kms_key_policy", "policy", PolicyKind::Key),
    ("aws_kms_replica_key", "policy", PolicyKind::Key),
    ("aws_kms_external_key", "policy", PolicyKind::Key),
];

/// Key resource types whose metadata the key-metadata rules check.
pub(crate) const KEY_TYPES: &[&str] = &["aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key"];

/// `aws_kms_key` arguments and their `describe-key` names.
pub(crate) const KEY_ATTRIBUTES: &[(&str, &str)] = &[
    ("customer_master_key_spec", "KeySpec"),
    ("key_usage", "KeyUsage"),
    ("multi_region", "MultiRegion"),
    ("is_enabled", "Enabled"),
    ("enable_key_rotation", "EnableKeyRotation"),
    ("bypass_policy_lockout_safety_check", "BypassPolicyLockoutSafetyCheck"),
    ("arn", "Arn"),
];

/// Whether a parsed JSON file is Terraform plan or state output.
pub fn is_terraform_json(root: &Node) -> bool {
    let has = |k: &str| root.get(k).is_some();
    (has("format_version") && (has("resource_changes") || has("planned_values") || has("values")))
        || (has("terraform_version") && has("resources") && has("version"))
}

/// Add the policies and key metadata of a plan or state to `out`.
pub fn extract<'a>(root: &'a Node, text: &str, out: &mut Extraction<'a>) {
    out.recognised = true;
    if let Some(changes) = root.get("resource_changes").and_then(|m| m.value.as_array()) {
        for rc in changes {
            if str_of(rc, "mode") == Some("data") {
                continue;
            }
            let (Some(ty), Some(address)) = (str_of(rc, "type"), rc.get("address")) else { continue };
            let Some(address_text) = address.value.as_str() else { continue };
            let Some(change) = rc.get("change").map(|m| &m.value) else { continue };
            let after = change.get("after").map(|m| &m.value).filter(|a| a.as_object().is_some());
            let unknown = change.get("after_unknown").map(|m| &m.value);
            let Some(after) = after else { continue };
            resource(ty, address_text, after, unknown, "terraform-plan", text, out);
        }
        return;
    }
    if let Some(module) = root.get("values").and_then(|m| m.value.get("root_module")) {
        module_values(&module.value, text, out, 0);
        return;
    }
    if let Some(resources) = root.get("resources").and_then(|m| m.value.as_array()) {
        for r in resources {
            if str_of(r, "mode") == Some("data") {
                continue;
            }
            let (Some(ty), Some(name)) = (str_of(r, "type"), str_of(r, "name")) else { continue };
            let prefix = str_of(r, "module").map_or_else(String::new, |m| format!("{m}."));
            let instances = r.get("instances").and_then(|m| m.value.as_array()).unwrap_or_default();
            for inst in instances {
                let index = match inst.get("index_key").map(|m| &m.value.value) {
                    Some(Value::Number(n)) => format!("[{n}]"),
                    Some(Value::String(s)) => format!("[\"{s}\"]"),
                    _ => String::new(),
                };
                let Some(attrs) = inst.get("attributes").map(|m| &m.value) else { continue };
                let address = format!("{prefix}{ty}.{name}{index}");
                resource(ty, &address, attrs, None, "terraform-state", text, out);
            }
        }
    }
}

fn module_values<'a>(module: &'a Node, text: &str, out: &mut Extraction<'a>, depth: usize) {
    if depth > 64 {
        return;
    }
    for r in module.get("resources").and_then(|m| m.value.as_array()).unwrap_or_default() {
        if str_of(r, "mode") == Some("data") {
            continue;
        }
        let (Some(ty), Some(address), Some(values)) = (str_of(r, "type"), str_of(r, "address"), r.get("values")) else {
            continue;
        };
        resource(ty, address, &values.value, None, "terraform-state", text, out);
    }
    for child in module.get("child_modules").and_then(|m| m.value.as_array()).unwrap_or_default() {
        module_values(child, text, out, depth + 1);
    }
}

fn resource(
    ty: &str,
    address: &str,
    values: &Node,
    unknown: Option<&Node>,
    format: &str,
    text: &str,
    out: &mut Extraction<'_>,
) {
    let first = out.mark();
    // Values, not configuration: references are resolved (or unknown), so the resource is not
    // taken as created here (CMK607 needs the configuration's references).
    let mut res = super::Resource { id: Some(address.to_string()), ..super::Resource::default() };
    match ty {
        "aws_iam_role" => {
            res.name = str_of(values, "name").map(str::to_string);
            res.arn = str_of(values, "arn").map(str::to_string);
        }
        "aws_iam_role_policy" => res = res.attached(str_of(values, "role").map(str::to_string).into_iter().collect()),
        "aws_kms_key_policy" => res.key = str_of(values, "key_id").map(str::to_ascii_lowercase),
        _ if KEY_TYPES.contains(&ty) => res.key = Some(address.to_string()),
        _ => {}
    }
    for (_, attr, kind) in POLICY_ATTRIBUTES.iter().filter(|(t, _, _)| *t == ty) {
        match values.get(attr) {
            Some(m) if m.value.as_str().is_some_and(|s| !s.trim().is_empty()) => {
                out.push_string_policy(text, &m.value, Some(*kind), address.to_string());
            }
            Some(Member { value: Node { value: Value::Null, .. }, .. }) | None => {
                if let Some(flag) = unknown.and_then(|u| u.get(attr)).filter(|m| m.value.value == Value::Bool(true)) {
                    out.notes.push(Note {
                        rule: crate::diagnostic::RuleId::UnknownAtPlanTime,
                        span: flag.key_span,
                        message: format!("`{address}.{attr}` is unknown until apply, so it was not checked"),
                        help: Some(
                            "check it after `terraform apply` (run cmek-lint on `terraform show -json`), or build the policy from values known at plan time"
                                .into(),
                        ),
                        origin: Some(address.to_string()),
                    });
                }
            }
            _ => {}
        }
    }
    out.describe_from(first, &res);
    if ty == "aws_iam_role" {
        let inline = out.mark();
        for (i, p) in
            values.get("inline_policy").and_then(|m| m.value.as_array()).unwrap_or_default().iter().enumerate()
        {
            if let Some(m) = p.get("policy").filter(|m| m.value.as_str().is_some_and(|s| !s.trim().is_empty())) {
                let name = str_of(p, "name").map_or_else(|| i.to_string(), str::to_string);
                out.push_string_policy(
                    text,
                    &m.value,
                    Some(PolicyKind::Identity),
                    format!("{address}.inline_policy[{name}]"),
                );
            }
        }
        out.describe_from(inline, &res.clone().attached(vec![address.to_string()]));
    }
    if KEY_TYPES.contains(&ty) {
        let mut members = Vec::new();
        for (tf, name) in KEY_ATTRIBUTES {
            if let Some(m) = values.get(tf).filter(|m| m.value.value != Value::Null) {
                members.push(member(name, m.key_span, m.value.clone()));
            }
        }
        let anchor = values.span;
        let anchor = crate::source::Span::new(anchor.start as usize, anchor.start as usize + 1);
        synthetic_key_members(ty, anchor, &mut members);
        let node = key_metadata_node(values.span, anchor, format, members);
        out.documents.push(Document::key_metadata(node, address.to_string()));
        out.describe_from(first, &res);
    }
}

/// What the resource type itself says about the key (`aws_kms_external_key` has imported key
/// material; `aws_kms_replica_key` is a multi-Region replica).
pub(crate) fn synthetic_key_members(ty: &str, at: crate::source::Span, members: &mut Vec<Member>) {
    if ty == "aws_kms_external_key" && !members.iter().any(|m| &*m.key == "Origin") {
        members.push(member("Origin", at, Node::new(at, Value::String("EXTERNAL".into()))));
    }
    if ty == "aws_kms_replica_key" && !members.iter().any(|m| &*m.key == "MultiRegion") {
        members.push(member("MultiRegion", at, Node::new(at, Value::Bool(true))));
    }
}
