//! CMK506 aws-managed-key: an AWS managed key (`aws/...`) cannot be shared with Pinecone.

use super::KeyView;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let Some(key) = KeyView::new(ctx) else { return };
    if let Some(("AWS", node)) = key.text("KeyManager") {
        out.report(node.span, "this is an AWS managed key (`aws/...`): its key policy cannot be changed, so Pinecone's role can never be allowed to use it")
            .help("create a customer managed key (KMS console > Customer managed keys > Create key) and register its ARN with Pinecone");
    }
}
