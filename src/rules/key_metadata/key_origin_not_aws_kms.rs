//! CMK503 key-origin-not-aws-kms: key material that KMS did not generate.

use super::KeyView;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let Some(key) = KeyView::new(ctx) else { return };
    let Some((origin, node)) = key.text("Origin") else { return };
    let why = match origin {
        "AWS_KMS" => return,
        "EXTERNAL" => "imported key material: if it expires or is deleted, Pinecone can no longer decrypt your data",
        "AWS_CLOUDHSM" => "a CloudHSM key store: when the cluster is unavailable, Pinecone cannot decrypt your data",
        "EXTERNAL_KEY_STORE" => {
            "an external key store: when your proxy or HSM is unreachable, Pinecone cannot decrypt your data"
        }
        _ => "an unexpected origin; Pinecone's guide assumes `AWS_KMS`",
    };
    out.report(node.span, format!("the key origin is `{origin}`, {why}"))
        .help("Pinecone's guide creates a key with key material origin \"KMS\" (`AWS_KMS`); keep this key only if you operate its material's availability");
}
