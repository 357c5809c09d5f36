//! CMK502 key-usage-not-encrypt-decrypt: the key must be usable for encryption.

use super::KeyView;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let Some(key) = KeyView::new(ctx) else { return };
    let Some((usage, node)) = key.text("KeyUsage") else { return };
    if usage != "ENCRYPT_DECRYPT" {
        out.report(node.span, format!("the key usage is `{usage}`: Pinecone calls `kms:Encrypt` and `kms:Decrypt`, which need `ENCRYPT_DECRYPT`"))
            .help("create a new key with usage \"Encrypt and decrypt\" (`ENCRYPT_DECRYPT`); the usage of an existing key cannot be changed");
    }
}
