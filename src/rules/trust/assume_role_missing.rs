//! CMK211 assume-role-missing: a statement trusting Pinecone that does not allow
//! `sts:AssumeRole`, the only call Pinecone makes.

use super::model::{ASSUME_ROLE, Pinecone};
use crate::rules::util::did_you_mean;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let pc = Pinecone::cached(ctx);
    for (_, s) in pc.allow_statements() {
        let Some(list) = s.action.as_ref().or(s.not_action.as_ref()) else {
            continue; // CMK108
        };
        if s.covers_action(ASSUME_ROLE) || list.strings().any(|(a, _)| a.contains("${")) {
            continue;
        }
        let span = if list.values.len() == 1 { list.values[0].span } else { list.member.key_span };
        let f = out.report(
            span,
            format!("this statement trusts Pinecone but does not allow `{ASSUME_ROLE}`, the only call Pinecone makes: Pinecone cannot assume the role"),
        );
        let actions: Vec<&str> = list.strings().map(|(a, _)| a).collect();
        if s.action.is_some()
            && let Some(near) = actions.iter().find(|a| did_you_mean(a, [ASSUME_ROLE]).is_some())
        {
            f.help(format!("`{near}`: did you mean `{ASSUME_ROLE}`?"));
        } else if actions.iter().any(|a| a.to_ascii_lowercase().starts_with("sts:assumerolewith")) {
            f.help(format!("`sts:AssumeRoleWithSAML`/`sts:AssumeRoleWithWebIdentity` are for federated principals; Pinecone's roles call `{ASSUME_ROLE}`"));
        } else {
            f.help(format!("use `\"Action\": \"{ASSUME_ROLE}\"`"));
        }
    }
}
