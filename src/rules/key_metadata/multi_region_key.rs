//! CMK504 multi-region-key: a multi-Region key (or replica).

use super::KeyView;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let Some(key) = KeyView::new(ctx) else { return };
    let Some((true, node)) = key.flag("MultiRegion") else { return };
    out.report(node.span, "this is a multi-Region key: Pinecone takes one key ARN per project, and changing it later needs Pinecone support")
        .help("use a single-Region key in the region of your Pinecone project unless you need the replicas; if you keep it, register the key ARN of the project's region");
}
