//! CMK501 key-spec-not-symmetric: Pinecone encrypts with a symmetric key only.

use super::KeyView;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let Some(key) = KeyView::new(ctx) else { return };
    let Some((spec, node)) = key.text("KeySpec").or_else(|| key.text("CustomerMasterKeySpec")) else { return };
    if spec != "SYMMETRIC_DEFAULT" {
        out.report(node.span, format!("the key spec is `{spec}`: Pinecone can only use a symmetric encryption key (`SYMMETRIC_DEFAULT`)"))
            .help("create a new key with key type \"Symmetric\" and usage \"Encrypt and decrypt\"; the key spec of an existing key cannot be changed");
    }
}
