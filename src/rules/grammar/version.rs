//! CMK101 version-missing and CMK103 version-invalid (CMK102 version-outdated is declarative).

use crate::fix::Fix;
use crate::json::Node;
use crate::rules::fixes::Val;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn missing(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let policy = ctx.policy();
    if policy.version.is_none() {
        let at = policy.statement.map_or(policy.root.span, |m| m.key_span);
        out.report(
            crate::source::Span::new(policy.root.span.start as usize, policy.root.span.start as usize + 1),
            "policy has no `Version`: IAM then evaluates it with the 2008-10-17 language, where policy variables are not substituted",
        )
        .label(at, "add `\"Version\": \"2012-10-17\"` before this")
        .help("add `\"Version\": \"2012-10-17\"` as the first element")
        .fix(add_version(ctx, policy.root));
    }
}

/// CMK101's fix: `"Version": "2012-10-17"` as the first member, indented like the one after it,
/// in the text's syntax (see `crate::rules::fixes`). Safe only when no string holds a policy
/// variable (`${...}`): with a version those are substituted, without one they are literal
/// text, so the policy's meaning would change.
fn add_version(ctx: &RuleContext<'_>, root: &Node) -> Fix {
    let mut variable = false;
    crate::rules::util::for_each_string(root, &mut |_, s| variable |= s.contains("${"));
    // A deploy-time value escaping `${` so that it reaches IAM as written (Terraform's
    // `$${aws:username}`, CloudFormation `!Sub`'s `${!aws:username}`) holds a policy variable.
    variable |= has_escaped_variable(root);
    // The text as written, for what the tree no longer shows: a part of a CloudFormation
    // `Fn::Join` or a branch of `Fn::If` holding `${aws:username}` (neither substitutes it, so
    // IAM sees a policy variable), lowered to a deploy-time value.
    let written = ctx.text.get(root.span.start as usize..root.span.end as usize).unwrap_or("");
    variable |= writes_policy_variable(written);
    if root.as_object().is_none() {
        return Fix::display_only("add `\"Version\": \"2012-10-17\"` as the first element");
    }
    if variable {
        return Fix::display_only(
            "add `\"Version\": \"2012-10-17\"` (not applied: it makes IAM substitute the policy variables this policy holds)",
        );
    }
    match crate::rules::fixes::prepend_member(ctx, root, "Version", &Val::str("2012-10-17")) {
        Some(edit) => Fix::safe("add `\"Version\": \"2012-10-17\"`", vec![edit]),
        None => Fix::display_only("add `\"Version\": \"2012-10-17\"` as the first element"),
    }
}

/// Whether `text` may write a policy variable: `${` (or `Fn::Sub`'s escaped `${!`) followed by
/// `*`, `?`, `$` or a `prefix:name` key with one colon (`${aws:username}`, `${s3:prefix}`), as
/// opposed to a CloudFormation reference (`${AWS::AccountId}`, `${Param}`, `${Role.Arn}`) or a
/// Terraform interpolation (`${var.x}`).
fn writes_policy_variable(text: &str) -> bool {
    text.match_indices("${").any(|(i, _)| {
        let rest = &text[i + 2..];
        let rest = rest.strip_prefix('!').unwrap_or(rest);
        if rest.starts_with(['*', '?', '$']) {
            return true;
        }
        let name_end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(rest.len());
        name_end > 0 && rest[name_end..].starts_with(':') && !rest[name_end..].starts_with("::")
    })
}

/// Whether a deploy-time value of the tree writes a literal `${` (a policy variable once
/// rendered): `$${` in Terraform, `${!` in CloudFormation's `Fn::Sub`.
fn has_escaped_variable(node: &Node) -> bool {
    match &node.value {
        crate::json::Value::Template(t) => t.contains("$${") || t.contains("${!"),
        crate::json::Value::Array(items) => items.iter().any(has_escaped_variable),
        crate::json::Value::Object(members) => members.iter().any(|m| has_escaped_variable(&m.value)),
        _ => false,
    }
}

pub(crate) fn invalid(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let Some(v) = ctx.policy().version else {
        return;
    };
    match v.value.as_text() {
        Some(("2012-10-17" | "2008-10-17", _)) => {}
        Some((_, true)) => {}
        Some((s, false)) => {
            out.report(v.value.span, format!("`{s}` is not a policy language version: IAM rejects the policy"))
                .help("use `\"Version\": \"2012-10-17\"` (the only other valid value is the outdated `2008-10-17`)");
        }
        None => {
            out.report(
                v.value.span,
                format!("`Version` must be the string \"2012-10-17\", found {}", v.value.type_name()),
            )
            .help("quote the date: in YAML an unquoted 2012-10-17 is read as a date");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::writes_policy_variable;

    #[test]
    fn policy_variables_are_told_from_references_and_interpolations() {
        for yes in ["${aws:username}", "a/${!aws:userid}/*", "$${aws:PrincipalTag/team}", "${*}", "${s3:prefix}"] {
            assert!(writes_policy_variable(yes), "{yes}");
        }
        for no in ["${AWS::AccountId}", "${Param}", "${Role.Arn}", "${var.account}", "${local.x}", "no", "${"] {
            assert!(!writes_policy_variable(no), "{no}");
        }
    }
}
