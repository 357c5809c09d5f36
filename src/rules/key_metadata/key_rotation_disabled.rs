//! CMK508 key-rotation-disabled: automatic rotation of the key material is off.

use super::KeyView;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let Some(key) = KeyView::new(ctx) else { return };
    let help = "turn on automatic rotation (CloudFormation `EnableKeyRotation: true`, Terraform `enable_key_rotation = true`); Pinecone keeps working, as KMS keeps old key material for decryption";
    match key.flag("EnableKeyRotation") {
        Some((false, node)) => {
            out.report(node.span, "automatic key rotation is off").help(help);
        }
        None if key.absent_means_default() && key.get("EnableKeyRotation").is_none() => {
            out.report(
                key.anchor,
                format!("automatic key rotation is off (`{}` defaults to false)", key.property("EnableKeyRotation")),
            )
            .help(help);
        }
        _ => {}
    }
}
