//! `CMK5xx`: KMS key metadata (describe-key, CloudFormation, Terraform).

use super::CheckFn;

pub(crate) const CHECKS: &[(&str, CheckFn)] = &[];
