//! CMK507 key-region-unsupported: the key lives in a region where Pinecone serverless does not
//! run.

use super::KeyView;
use crate::policy::Arn;
use crate::rules::util::sub_span;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let Some(key) = KeyView::new(ctx) else { return };
    let Some((text, node)) = key.text("Arn") else { return };
    let Some(arn) = Arn::parse(text) else { return };
    let region = arn.region;
    if region.is_empty() || region.contains(['*', '$', '?']) || ctx.settings.regions.iter().any(|r| r == region) {
        return;
    }
    let span = sub_span(node, arn.offsets[2], arn.offsets[2] + region.len());
    out.report(
        span,
        format!(
            "the key is in `{region}`, where Pinecone serverless does not run ({})",
            ctx.settings.regions.join(", ")
        ),
    )
    .help("create the key in the AWS region of your Pinecone project (KMS keys cannot be moved between regions)");
}
