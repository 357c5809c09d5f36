//! placeholder family

use super::CheckFn;

pub(crate) const CHECKS: &[(&str, CheckFn)] = &[];
