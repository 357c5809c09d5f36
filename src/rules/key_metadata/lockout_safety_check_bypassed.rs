//! CMK509 lockout-safety-check-bypassed: the key policy lockout safety check is skipped.

use super::KeyView;
use crate::rules::{Reporter, RuleContext};

pub(crate) fn check(ctx: &RuleContext<'_>, out: &mut Reporter) {
    let Some(key) = KeyView::new(ctx) else { return };
    if let Some((true, node)) = key.flag("BypassPolicyLockoutSafetyCheck") {
        out.report(node.span, format!("`{}` is true: KMS will accept a key policy that locks every administrator out of this key", key.property("BypassPolicyLockoutSafetyCheck")))
            .help("remove it (it defaults to false); a key policy that makes the key unmanageable can only be fixed by AWS Support");
    }
}
