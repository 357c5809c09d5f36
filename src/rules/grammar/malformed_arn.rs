//! CMK112 malformed-arn: an ARN (in `Resource`, `Principal` or an ARN condition) that IAM
//! would reject or that can never match.

use crate::data::placeholders::has_expression;
use crate::json::Node;
use crate::policy::Arn;
use crate::policy::arn::{PARTITIONS, is_account_id};
use crate::rules::util::sub_span;
use crate::rules::{Reporter, RuleContext};

fn has_unknowns(s: &str) -> bool {
    s.contains(['*', '?']) || s.contains("{{")
}

fn check_arn(node: &Node, text: &str, principal: bool, out: &mut Reporter) {
    if !text.starts_with("arn:") || has_expression(text) {
        return;
    }
    let Some(arn) = Arn::parse(text) else {
        {
            out.report(node.span, format!("malformed ARN `{text}`: an ARN has six `:`-separated fields (`arn:partition:service:region:account:resource`)"));
        }
        return;
    };
    let field = |i: usize, s: &str| sub_span(node, arn.offsets[i], arn.offsets[i] + s.len());
    if !PARTITIONS.contains(&arn.partition) && !has_unknowns(arn.partition) {
        out.report(field(0, arn.partition), format!("unknown partition `{}` in ARN", arn.partition))
            .help("use `aws` (or `aws-cn`, `aws-us-gov`, ...)");
    }
    if arn.service.is_empty() {
        out.report(node.span, "ARN has an empty service field");
    }
    let account = arn.account;
    if !account.is_empty()
        && !has_unknowns(account)
        && !is_account_id(account)
        && crate::data::placeholders::placeholder_kind(account).is_none()
    {
        let allowed_words = matches!(arn.service, "s3" | "cloudfront" | "route53") || account == "aws";
        if !allowed_words {
            out.report(field(3, account), format!("account `{account}` in ARN is not a 12-digit AWS account id"))
                .help("an account id is exactly 12 digits, e.g. `123456789012`");
        }
    }
    let global = matches!(arn.service, "iam" | "sts" | "organizations");
    if global && arn.service == "iam" && !arn.region.is_empty() && !has_unknowns(arn.region) {
        out.report(field(2, arn.region), format!("IAM ARNs have no region, found `{}`", arn.region))
            .help("leave the region field empty: `arn:aws:iam::123456789012:role/name`");
    } else if !arn.region.is_empty() && !has_unknowns(arn.region) && !is_region(arn.region) {
        out.report(field(2, arn.region), format!("`{}` is not an AWS region", arn.region));
    }
    if principal && text.contains(['*', '?']) {
        out.report(
            node.span,
            format!("wildcard in principal ARN `{text}`: IAM does not support partial wildcards in `Principal`"),
        )
        .help("name each principal exactly, or use `\"AWS\": \"*\"` with an `ArnLike` condition on `aws:PrincipalArn`");
    }
}

fn is_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts.last().is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    for s in &ctx.policy().statements {
        for list in [&s.resource, &s.not_resource].into_iter().flatten() {
            for (text, node) in list.strings() {
                if !node.as_text().is_some_and(|(_, t)| t) {
                    check_arn(node, text, false, out);
                }
            }
        }
        for p in [&s.principal, &s.not_principal].into_iter().flatten() {
            for node in p.values_of("AWS") {
                if let Some(text) = node.as_str() {
                    check_arn(node, text, true, out);
                }
            }
        }
        for block in &s.conditions {
            let arn_key =
                |k: &str| k.eq_ignore_ascii_case("aws:PrincipalArn") || k.eq_ignore_ascii_case("aws:SourceArn");
            for e in &block.entries {
                if block.operator.base.starts_with("Arn") || arn_key(e.key) {
                    for v in &e.values {
                        if let Some(text) = v.as_str() {
                            check_arn(v, text, false, out);
                        }
                    }
                }
            }
        }
    }
}
