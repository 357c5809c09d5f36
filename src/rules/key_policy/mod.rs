//! `CMK3xx`: the KMS key policy of the key Pinecone uses.

use super::CheckFn;

pub(crate) const CHECKS: &[(&str, CheckFn)] = &[];
