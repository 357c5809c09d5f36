//! CMK212 trust-action-too-broad: a statement trusting Pinecone that allows more than
//! `sts:AssumeRole`: `*`, `sts:*` or `NotAction` (error), other wildcards or the session
//! actions `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext` (warning).

use super::model::{ASSUME_ROLE, Pinecone, has_wildcard, is_unknown};
use crate::data::actions::TRUST_ACTIONS;
use crate::diagnostic::Severity;
use crate::policy::wildcard_match_ci;
use crate::rules::{Reporter, RuleContext};

const HELP: &str = "Pinecone needs only `\"Action\": \"sts:AssumeRole\"`";

fn extra(action: &str) -> Option<&'static str> {
    Some(match action.to_ascii_lowercase().as_str() {
        "sts:tagsession" => {
            "lets Pinecone's roles pass session tags, which `aws:PrincipalTag` conditions in your account would then trust"
        }
        "sts:setsourceidentity" => {
            "lets Pinecone's roles set a source identity, which `sts:SourceIdentity` conditions in your account would then trust"
        }
        "sts:setcontext" => "lets Pinecone's roles set a trusted context on the session",
        "sts:assumerolewithsaml" | "sts:assumerolewithwebidentity" => {
            "is for federated (SAML/OIDC) principals; Pinecone's roles never call it"
        }
        _ => return None,
    })
}

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let pc = Pinecone::cached(ctx);
    for (_, s) in pc.allow_statements() {
        if let Some(list) = &s.not_action {
            out.report(
                list.member.key_span,
                "`NotAction` in Pinecone's trust allows every STS action it does not list, not just `sts:AssumeRole`",
            )
            .help(HELP);
        }
        for (action, node) in s.actions() {
            if is_unknown(action) {
                continue;
            }
            let lower = action.to_ascii_lowercase();
            if lower == "*" || lower == "sts:*" {
                out.report(
                    node.span,
                    format!("`{action}` gives Pinecone every STS trust action, not just `sts:AssumeRole`: with `sts:TagSession` and `sts:SetSourceIdentity` its roles could set session tags and a source identity that conditions elsewhere in your account trust"),
                )
                .help(HELP);
            } else if has_wildcard(action) {
                let more: Vec<String> = TRUST_ACTIONS
                    .iter()
                    .map(|a| format!("sts:{a}"))
                    .filter(|a| a != ASSUME_ROLE && wildcard_match_ci(action, a))
                    .map(|a| format!("`{a}`"))
                    .collect();
                if !more.is_empty() {
                    out.report(
                        node.span,
                        format!("`{action}` also allows {}; Pinecone calls only `sts:AssumeRole`", more.join(", ")),
                    )
                    .severity(Severity::Warning)
                    .help(HELP);
                }
            } else if let Some(effect) = extra(action) {
                out.report(node.span, format!("`{action}` {effect}; Pinecone calls only `sts:AssumeRole`"))
                    .severity(Severity::Warning)
                    .help(HELP);
            }
        }
    }
}
