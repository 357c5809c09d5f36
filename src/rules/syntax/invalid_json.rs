//! CMK001 invalid-json: the text cannot be parsed as JSON.

use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    if let Some(e) = ctx.error {
        let hint = if e.message.contains("the file is empty") {
            "an export or a redirection that failed leaves an empty file: export the policy again (`aws iam get-role ...`, `aws kms get-key-policy ...` > file), or delete the file"
        } else if e.message.contains("after the end") {
            "delete everything after the policy's closing `}` (text pasted from `aws ... --output text` or a shell prompt often ends up there)"
        } else if e.message.contains("quoted") {
            "IAM accepts strict JSON only: quote every string and property name with `\"`"
        } else {
            "IAM rejects the whole document (`MalformedPolicyDocument`); fix the syntax at this position"
        };
        out.report(e.span, format!("invalid JSON: {}", e.message)).help(hint);
    }
}
