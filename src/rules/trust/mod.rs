//! `CMK2xx`: the role trust policy Pinecone assumes.

use super::CheckFn;

pub(crate) const CHECKS: &[(&str, CheckFn)] = &[];
