//! CMK111 unknown-action: an `sts:` or `kms:` action that does not exist (with a suggestion).

use crate::data::actions::known_actions;
use crate::policy::wildcard_match_ci;
use crate::rules::util::{did_you_mean, sub_span};
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        for list in [&s.action, &s.not_action].into_iter().flatten() {
            for (action, node) in list.strings() {
                if action == "*" {
                    continue;
                }
                // A deploy-time expression (`${...}`) is no action to judge; looked for only
                // where it matters (most actions are other services').
                let expression = || action.contains("${");
                let Some((service, name)) = action.split_once(':') else {
                    if expression() {
                        continue;
                    }
                    out.report(
                        node.span,
                        format!("`{action}` is not an action: write `service:Action`, e.g. `sts:AssumeRole`"),
                    );
                    continue;
                };
                let Some(known) = known_actions(service) else {
                    continue;
                };
                if expression() {
                    continue;
                }
                let prefix = service.to_ascii_lowercase();
                if name.contains(['*', '?']) {
                    if !known.iter().any(|k| wildcard_match_ci(name, k)) {
                        out.report(node.span, format!("`{action}` matches no {prefix} action"));
                    }
                    continue;
                }
                if known.iter().any(|k| k.eq_ignore_ascii_case(name)) {
                    continue;
                }
                let span = sub_span(node, service.len() + 1, action.len());
                let f = out.report(span, format!("unknown action `{action}`: {prefix} has no action `{name}`"));
                if prefix == "kms"
                    && matches!(
                        name.to_ascii_lowercase().as_str(),
                        "viaservice" | "calleraccount" | "encryptioncontext" | "grantisforawsresource"
                    )
                {
                    f.help(format!("`kms:{name}` is a condition key, not an action: move it into a `Condition` block"));
                } else if let Some(s) = did_you_mean(name, known.iter().copied()) {
                    f.help(format!("did you mean `{prefix}:{s}`?"));
                }
            }
        }
    }
}
