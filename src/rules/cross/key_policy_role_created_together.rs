//! CMK607 key-policy-role-created-together: the template or module creates both the key and
//! the role trusting Pinecone, and the key policy names the role by its ARN text instead of a
//! reference. Nothing then orders the two: KMS rejects a key policy whose principal does not
//! exist yet (`MalformedPolicyDocumentException`), so the first deployment fails or races.

use super::{SetupContext, SetupFindings};
use crate::rules::RuleId;
use crate::setup::references_role;

pub(crate) fn check(cx: &SetupContext<'_>, out: &mut SetupFindings) {
    let Some(kp) = cx.setup.key_policy else { return };
    if !kp.created || !cx.role.created {
        return;
    }
    let waits = kp.depends_on.iter().any(|d| cx.role.ids.iter().any(|id| id.eq_ignore_ascii_case(d)));
    if waits {
        return;
    }
    let Some(g) = cx.mine().into_iter().find(|g| !references_role(&g.principal, cx.role)) else { return };
    let help = if let Some(address) = cx.role.ids.iter().find(|id| id.starts_with("aws_iam_role.")) {
        // The Terraform resource setting the policy: the key, or an `aws_kms_key_policy`.
        let origin = kp.at.origin.as_deref().unwrap_or("");
        let setter = origin.split_whitespace().next().filter(|a| a.starts_with("aws_kms_"));
        let to = setter.map_or_else(|| "the key".to_string(), |s| format!("`{s}`"));
        if origin.contains("(via file())") {
            format!(
                "add `depends_on = [{address}]` to {to}, or read the policy with `templatefile()` and pass it `{address}.arn`"
            )
        } else if origin.contains("(via templatefile())") || origin.contains("(via data.template_file.") {
            format!(
                "add `depends_on = [{address}]` to {to}, or pass `{address}.arn` to the template and use that variable as the principal"
            )
        } else {
            format!(
                "refer to the role instead of writing its ARN: `{address}.arn`, or add `depends_on = [{address}]` to {to}"
            )
        }
    } else {
        let id = cx.role.ids.first().cloned().unwrap_or_else(|| "Role".into());
        format!("refer to the role instead of writing its ARN: `!GetAtt {id}.Arn`, or add `DependsOn: {id}` to the key")
    };
    out.push(
        RuleId::KeyPolicyRoleCreatedTogether,
        &g.at,
        format!(
            "the key policy names the role `{}` by its ARN, but the role is created in the same deployment: nothing makes it exist before the key policy is set, and KMS rejects a policy whose principal does not exist",
            g.principal
        ),
        help,
        Some(cx.trust_label()),
    );
}
