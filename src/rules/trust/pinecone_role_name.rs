//! CMK205 pinecone-role-name: an ARN meant to name one of Pinecone's roles that does not follow
//! `arn:aws:iam::<account>:role/pinecone_cmek_access_<region>`: a misspelled name, a region
//! Pinecone does not serve, a path (`role/service-role/...`: another role), an assumed-role
//! session ARN, a user.

use super::model::{NameVerdict, Pinecone, is_unknown, judge_name};
use crate::diagnostic::Severity;
use crate::pinecone::ROLE_PREFIX;
use crate::rules::util::sub_span;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let pc = Pinecone::cached(ctx);
    if !pc.is_pinecone_trust() {
        return;
    }
    let regions = pc.served.join(", ");
    for r in &pc.refs {
        if !pc.is_pinecone_ref(r) || r.literal_wildcard() || is_unknown(r.arn.resource) {
            continue;
        }
        let consequence = if r.op.is_some() {
            "this condition never matches Pinecone's roles"
        } else {
            "IAM rejects the policy (\"Invalid principal in policy\")"
        };
        let resource_span = sub_span(r.node, r.arn.offsets[4], r.arn.offsets[4] + r.arn.resource.len());
        if r.arn.service == "sts" && r.arn.resource_type == "assumed-role" {
            let role = r.arn.resource_name.split('/').next().unwrap_or_default();
            out.report(
                resource_span,
                format!(
                    "`{}` is a role session, not a role: {}",
                    r.arn.resource,
                    if r.op.is_some() {
                        "`aws:PrincipalArn` of a session is its role's ARN, so this never matches"
                    } else {
                        "it matches only one session name, and Pinecone's session names change"
                    }
                ),
            )
            .help(format!("name the role: `arn:aws:iam::{}:role/{role}`", r.arn.account));
            continue;
        }
        if r.arn.resource_type != "role" {
            // `root`, `*` and other broad forms are CMK207's.
            if r.arn.resource_type == "user" || r.arn.resource_type == "group" {
                out.report(
                    resource_span,
                    format!(
                        "Pinecone assumes your role from its roles `role/{ROLE_PREFIX}<region>`, not from a {}: {}",
                        r.arn.resource_type,
                        if r.op.is_some() {
                            "this condition never matches Pinecone's roles"
                        } else {
                            "this principal is not Pinecone"
                        }
                    ),
                )
                .help(format!("use `arn:aws:iam::{}:role/{ROLE_PREFIX}<region>`", r.arn.account));
            }
            continue;
        }
        let name = r.arn.name();
        let start = r.name_offset();
        // A path (`role/service-role/pinecone_cmek_access_us-east-1`) names another role:
        // Pinecone's roles have the path `/`.
        let path_start = r.arn.offsets[4] + "role/".len();
        if start > path_start
            && !(r.is_pattern() && crate::rules::trust::model::has_wildcard(&r.text[path_start..start]))
        {
            let path = &r.text[path_start..start];
            out.report(
                sub_span(r.node, path_start, start),
                format!("the path `/{path}` makes this another role than Pinecone's `{name}` (Pinecone's CMEK roles have no path): no such role exists, so {consequence}"),
            )
            .help(format!("drop the path: `arn:aws:iam::{}:role/{name}`", r.arn.account));
        }
        let span = sub_span(r.node, start, start + name.len());
        match judge_name(name, r.is_pattern(), &pc.served) {
            NameVerdict::Ok(_) | NameVerdict::Broader => {}
            NameVerdict::Pattern(hits) => {
                if hits.is_empty() {
                    out.report(
                        span,
                        format!(
                            "`{name}` matches none of Pinecone's roles: Pinecone has CMEK roles only for {regions}"
                        ),
                    )
                    .help(format!("use `{ROLE_PREFIX}*` for every region, or `{ROLE_PREFIX}<region>` for one"));
                }
            }
            NameVerdict::BadRegion { region, suggestion } => {
                let region_span = sub_span(r.node, start + ROLE_PREFIX.len(), start + name.len());
                let f = out.report(
                    region_span,
                    format!("Pinecone has no CMEK role for region `{region}` (Pinecone serverless runs in {regions}): no such role exists, so {consequence}"),
                );
                match suggestion {
                    Some(s) => f.help(format!("did you mean `{ROLE_PREFIX}{s}`?")),
                    None => f.help("name the region your Pinecone project's indexes are in"),
                };
            }
            NameVerdict::Case { canonical } => {
                let f = out.report(span, format!("`{name}` differs in letter case from Pinecone's role `{canonical}`"));
                if r.op.is_some() {
                    f.help(format!(
                        "`aws:PrincipalArn` comparisons are case-sensitive, so this never matches: write `{canonical}`"
                    ));
                } else {
                    f.severity(Severity::Warning)
                        .help(format!("write the name exactly as Pinecone does: `{canonical}`"));
                }
            }
            NameVerdict::BadName { suggestion } => {
                let f = out.report(
                    span,
                    format!("`{name}` is not one of Pinecone's role names (`{ROLE_PREFIX}<region>`): no such role exists, so {consequence}"),
                );
                match suggestion {
                    Some(s) => f.help(format!("did you mean `{s}`?")),
                    None => f.help(format!("use `{ROLE_PREFIX}<region>`, one entry per region ({regions})")),
                };
            }
        }
    }
}
