//! `CMK4xx`: the role's permissions policy (keys in other accounts).

use super::CheckFn;

pub(crate) const CHECKS: &[(&str, CheckFn)] = &[];
