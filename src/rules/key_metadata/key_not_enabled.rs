//! CMK505 key-not-enabled: a disabled key, or one pending deletion or import.

use super::KeyView;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let Some(key) = KeyView::new(ctx) else { return };
    if let Some((state, node)) = key.text("KeyState") {
        let what = match state {
            "Enabled" | "Creating" | "Updating" => return,
            "Disabled" => "the key is disabled: every Pinecone request to encrypt or decrypt fails",
            "PendingDeletion" => {
                "the key is scheduled for deletion: once deleted, data encrypted with it is lost for good"
            }
            "PendingReplicaDeletion" => {
                "the key is scheduled for deletion with its replicas: once deleted, data encrypted with it is lost for good"
            }
            "PendingImport" => "the key has no key material yet (pending import): it cannot encrypt anything",
            "Unavailable" => "the key is unavailable (its custom key store is disconnected): Pinecone cannot use it",
            _ => "the key is not in the `Enabled` state",
        };
        let f = out.report(node.span, format!("key state `{state}`: {what}"));
        if let Some(date) = key.get("DeletionDate") {
            f.label(date.span, "deletion date");
        }
        f.help(if state == "PendingDeletion" {
            "cancel the deletion (`aws kms cancel-key-deletion`, then `aws kms enable-key`) or use another key"
        } else {
            "enable the key (`aws kms enable-key`) or register a key that is enabled"
        });
        return;
    }
    if let Some((false, node)) = key.flag("Enabled") {
        out.report(
            node.span,
            format!(
                "`{}` is false: a disabled key cannot encrypt or decrypt, so Pinecone cannot use it",
                key.property("Enabled")
            ),
        )
        .help("enable the key (remove the setting or set it to true)");
    }
}
